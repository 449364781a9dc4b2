/* What the files of the PostgreSQL backend share and nobody else sees:
 * the connection state kept in store->engine, the table of prepared
 * statements and the helpers that run them and turn libpq's failures into
 * statuses and one-line messages (never with a password in them). Only
 * files of store/postgres/ include this (and so <libpq-fe.h>, through
 * libpq.h, which loads the library on first use). */
#ifndef STORE_POSTGRES_INTERNAL_H
#define STORE_POSTGRES_INTERNAL_H

#include "store/postgres/libpq.h"
#include <stdbool.h>
#include <stdint.h>

#include "core/names.h"
#include "store/internal.h"
#include "store/store.h"

/* pg_advisory_xact_lock keys: 'mbmg' (revisions and initialisation). The
 * post counts use 'mbpc' (migrations/postgres/0002). */
#define POSTGRES_LOCK_MIGRATE 1835167079
#define POSTGRES_CHANNEL "microblog_changes"

/* Statements prepared once per connection (PQprepare, on first use),
 * parameters and results as text. */
enum postgres_statement {
    PG_USER_INSERT,
    PG_USER_BY_NAME,
    PG_USER_BY_ID,
    PG_USER_HASH,
    PG_USER_SET_HASH,
    PG_USER_DELETE,
    PG_USER_NAME_TAKEN,
    PG_USER_EMAIL_TAKEN,
    PG_USER_LOOKALIKE,
    PG_USER_KEYS_MISSING,
    PG_USER_SET_KEYS,
    PG_USER_LOOKALIKE_PAIRS,
    PG_USER_LIST_ASC_FIRST,
    PG_USER_LIST_ASC_AFTER,
    PG_USER_LIST_DESC_FIRST,
    PG_USER_LIST_DESC_AFTER,
    PG_POST_INSERT,
    PG_POST_DELETE,
    PG_POST_COUNT_ALL,
    PG_POST_COUNT_USER,
    PG_NOTIFY,
    PG_REVISION_CURRENT,
    PG_REVISION_INSERT,
    PG_REVISION_DELETE,
    PG_REVISION_HISTORY,
    PG_COPY_USER_ROWS,
    PG_COPY_POST_ROWS,
    PG_STATEMENT_COUNT
};

struct postgres_engine {
    PGconn *conn;
    char *conninfo;       /* the URL as given, password included: never shown */
    char *password;       /* the password libpq reads from it (to scrub), or NULL */
    char *raw_password;   /* the same as written in the URL (percent-encoded) */
    char *display;        /* the URL with the password replaced (url.h) */
    bool prepared[PG_STATEMENT_COUNT];
    bool queries_prepared[STORE_QUERY_SLOTS]; /* the store's own SQL (query.c) */
    bool read_only;       /* options->read_only: default_transaction_read_only */
    bool listening;       /* LISTEN microblog_changes done on this connection */
    uint64_t notifications; /* NOTIFYs received on this handle (data_version) */
    /* Inside a batch the posts' authors, counted when it commits
     * (postgres_counts_flush) instead of by the trigger, once per author. */
    bool counting;
    int64_t *counted;
    size_t counted_count, counted_capacity;
};

static inline struct postgres_engine *postgres_engine(struct store *store)
{
    return store->engine;
}

/* Records "what: message" for a failed result (or a lost connection),
 * mapping its SQLSTATE to a status: 23505 MB_EXISTS, 23503 MB_NOT_FOUND,
 * 40001/40P01/55P03/57014 MB_BUSY, a lost connection MB_IO. */
enum mb_status postgres_fail(struct store *store, const PGresult *result, const char *what);

/* The SQLSTATE of a failed result ("" when none). */
const char *postgres_sqlstate(const PGresult *result);

/* Runs a prepared statement with text parameters (NULL: SQL NULL). On
 * MB_OK *result holds its rows (caller PQclears); on failure *result is
 * NULL and the error is recorded with `what`. Outside a transaction a
 * serialization failure or deadlock is retried. */
enum mb_status postgres_run(struct store *store, enum postgres_statement which, int count,
                            const char *const *params, const char *what, PGresult **result);

/* Runs SQL without parameters (one PQexec: several statements allowed);
 * *result as postgres_run (may be NULL when the rows are not wanted). */
enum mb_status postgres_exec(struct store *store, const char *sql, const char *what,
                             PGresult **result);

/* Counts the NOTIFYs that came in with a result (data_version). */
void postgres_collect_notifications(struct postgres_engine *engine);

/* The store's engine-neutral SQL (backend.h's query op; query.c). */
enum mb_status postgres_query(struct store *store, const struct store_query *query,
                              const struct store_value *params, size_t count,
                              store_row_fn row, void *context, int64_t *changes);

/* Reconnects (PQreset) a connection that was lost, outside a transaction;
 * MB_IO when the server cannot be reached. */
enum mb_status postgres_ensure_connection(struct store *store);

/* Forgets the prepared statements (DEALLOCATE ALL) after a schema change. */
void postgres_statements_clear(struct store *store);

/* Adds the counts of the posts a batch inserted (one update per author
 * and one of a total slot) before it commits; forgets them (rollback). */
enum mb_status postgres_counts_flush(struct store *store);
void postgres_counts_forget(struct store *store);

/* Sends NOTIFY microblog_changes (inside the write's transaction). */
enum mb_status postgres_notify(struct store *store, const char *what);

/* Column helpers: a newly allocated copy (NULL for SQL NULL) and integers. */
char *postgres_text(const PGresult *result, int row, int column);
int64_t postgres_int(const PGresult *result, int row, int column);

/* The schema's revision bookkeeping (revisions.c): open-time checks and
 * the policy, and the current revision. */
enum mb_status postgres_schema_open(struct store *store, enum store_migrate_policy policy,
                                    struct mb_error *err);
enum mb_status postgres_revision_current(struct store *store, int *current);

/* The backend's operations, by file. */
enum mb_status postgres_user_by_name(struct store *store, const char *name, struct user *out);
enum mb_status postgres_user_by_id(struct store *store, int64_t id, struct user *out);
enum mb_status postgres_user_name_taken(struct store *store, const char *name, char **existing);
enum mb_status postgres_user_email_taken(struct store *store, const char *email,
                                         char **existing);
enum mb_status postgres_user_lookalike(struct store *store, const struct name_keys *keys,
                                       char **existing);
enum mb_status postgres_user_insert(struct store *store, const char *name, const char *email,
                                    const char *hash, const struct name_keys *keys,
                                    int64_t created_at, int64_t *id);
enum mb_status postgres_user_hash(struct store *store, int64_t id, char *hash, size_t size,
                                  bool *present);
enum mb_status postgres_user_set_hash(struct store *store, int64_t id, const char *hash);
enum mb_status postgres_user_delete(struct store *store, int64_t id);
enum mb_status postgres_user_list(struct store *store, const char *after, bool descending,
                                  size_t limit, struct user_list *out);
enum mb_status postgres_user_keys_missing(struct store *store, size_t limit,
                                          struct user_list *out);
enum mb_status postgres_user_set_keys(struct store *store, int64_t id,
                                      const struct name_keys *keys);
enum mb_status postgres_user_lookalike_pairs(struct store *store, struct user_list *pairs);

enum mb_status postgres_post_insert(struct store *store, int64_t user_id, const char *body,
                                    int64_t timestamp, int64_t reply_to, int64_t thread_id,
                                    int64_t *id);
enum mb_status postgres_post_delete(struct store *store, int64_t id);
enum mb_status postgres_post_count(struct store *store, int64_t user_id, int64_t *count);

enum mb_status postgres_before_migrating(struct store *store, int current, int target,
                                        char **backup_path);
enum mb_status postgres_revision_step(struct store *store, const struct migration *m, bool up);
enum mb_status postgres_stamp(struct store *store, int target);
enum mb_status postgres_history(struct store *store, struct revision_info **out,
                                size_t *count);
enum mb_status postgres_check(struct store *store, char **report);

/* copy.c (db copy, store/copy.c) */
enum mb_status postgres_snapshot_begin(struct store *store);
void postgres_snapshot_end(struct store *store);
enum mb_status postgres_rows_present(struct store *store, bool *any);
enum mb_status postgres_user_rows(struct store *store, int64_t after_id, size_t limit,
                                  struct store_row_page *out);
enum mb_status postgres_post_rows(struct store *store, int64_t after_id, size_t limit,
                                  struct store_row_page *out);
enum mb_status postgres_copy_begin(struct store *store);
enum mb_status postgres_users_insert_rows(struct store *store, const struct store_row_page *page);
enum mb_status postgres_posts_insert_rows(struct store *store, const struct store_row_page *page);
enum mb_status postgres_copy_finish(struct store *store);
enum mb_status postgres_post_counts_wrong(struct store *store, int64_t *wrong);

#endif
