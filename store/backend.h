/* The seam between the store's rules and a database engine (issue 10): a
 * table of operations, as FreeBSD pkg's `struct pkg_repo_ops`, one per
 * engine (store/sqlite/, store/postgres/), chosen from the database name
 * by store_open. What does not depend on the engine stays in store/ and
 * never reaches a backend: validation, password hashing (outside the
 * write lock), lookalike-name keys (core/names), authorization
 * (store/authz.c), batches and imports. A backend speaks SQL, keeps its
 * connection in store->engine and reports failures with store_fail()
 * (never printing a password). Only store/ includes this header.
 *
 * Every operation returns MB_OK or a status with store->error set. Reads
 * fill caller-owned out-parameters as store.h documents (free with the
 * store_*_clear / *_free functions). Writes are called between
 * write_begin and write_end (the generic code brackets them; a batch
 * keeps one transaction across many). */
#ifndef STORE_BACKEND_H
#define STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/names.h"
#include "store/store.h"

/* An integer column of a copied row that is SQL NULL. */
#define STORE_ROW_NULL INT64_MIN

/* A user as stored, every column (db copy: store/copy.c). Strings are
 * owned by the row (NULL for SQL NULL); free with store_copy_rows_clear. */
struct store_user_row {
    int64_t id;
    char *username;
    char *email;
    char *password_hash;
    int64_t created_at;
    char *name_fold;
    char *name_skeleton;
    char *about;           /* revision 0004 */
    int64_t last_seen;     /* STORE_ROW_NULL when NULL */
};

/* A post as stored, every column (STORE_ROW_NULL for a NULL integer). */
struct store_post_row {
    int64_t id;
    char *body;
    int64_t timestamp;
    int64_t user_id;
    int64_t reply_to;      /* revision 0004 */
    int64_t thread_id;
    int64_t edited_at;
    int64_t is_private;    /* revision 0005: 0 or 1 */
};

/* One keyset page of rows in id order (either kind; the other is empty). */
struct store_row_page {
    struct store_user_row *users;
    struct store_post_row *posts;
    size_t count;
};

/* A value crossing the seam: a parameter of the store's own SQL, or a
 * column of a row it returns. */
enum store_value_type {
    STORE_VALUE_NULL,
    STORE_VALUE_INT,
    STORE_VALUE_TEXT,
};
struct store_value {
    enum store_value_type type;
    int64_t integer;
    const char *text;  /* parameters: borrowed for the call; columns: valid
                        * until the row callback returns */
};

/* Called once per row of a query; anything but MB_OK stops it and becomes
 * the query's result. */
typedef enum mb_status (*store_row_fn)(void *context, const struct store_value *columns,
                                       size_t count);

/* One statement of the store's engine-neutral SQL (store/queries.c,
 * store/post_query.c): written once for both engines, with ?1, ?2 ...
 * placeholders (the PostgreSQL backend numbers them $1, $2 ...), the user
 * table quoted as "user", and only SQL both engines read alike (row
 * values, ON CONFLICT, RETURNING). `slot` >= 0 names a statement the
 * engine may keep prepared (STORE_QUERY_SLOTS of them); -1 is built for
 * this call (a filter's shape) and prepared each time. */
#define STORE_QUERY_SLOTS 64
struct store_query {
    int slot;
    const char *sql;
    const char *what;   /* for the error message: "reading posts" */
};

struct store_backend {
    const char *name;                 /* "sqlite", "postgresql" */

    /* ---- connection ---- */
    /* Connects to options->path (a path or a URL) and brings the schema
     * to what options->migrate says (store_migrate_policy), setting
     * store->newer for a database past the known head. On failure err
     * says why and store->engine may be partly set: close() is called. */
    enum mb_status (*open)(struct store *store, const struct store_options *options,
                           struct mb_error *err);
    void (*close)(struct store *store);
    /* MB_OK while what was opened is still what the name designates
     * (SQLite: the file at the path; a server: always). */
    enum mb_status (*file_check)(struct store *store);
    /* A number that changes when another connection commits. */
    enum mb_status (*data_version)(struct store *store, uint64_t *version);
    /* A descriptor that becomes readable when others commit (inotify on
     * the -wal, the server's socket for NOTIFY), or -1 to poll
     * data_version; drain() consumes what woke it. */
    int (*change_fd)(struct store *store);
    void (*change_drain)(struct store *store);

    /* ---- transactions ---- */
    enum mb_status (*begin)(struct store *store);     /* a write transaction */
    enum mb_status (*commit)(struct store *store);
    void (*rollback)(struct store *store);

    /* ---- users ---- */
    /* Inside a write that adds users or their keys: makes such writes take
     * turns, so that the checks before an insert (taken, lookalike) hold
     * until it commits. NULL when the engine's write lock already does
     * (SQLite's BEGIN IMMEDIATE). */
    enum mb_status (*users_lock)(struct store *store);
    enum mb_status (*user_by_name)(struct store *store, const char *name, struct user *out);
    enum mb_status (*user_by_id)(struct store *store, int64_t id, struct user *out);
    /* The existing username that makes `value` taken (ignoring ASCII case
     * for names, exactly for emails; keys: the lookalike keys), newly
     * allocated in *existing, or NULL when free. */
    enum mb_status (*user_name_taken)(struct store *store, const char *name, char **existing);
    enum mb_status (*user_email_taken)(struct store *store, const char *email,
                                       char **existing);
    enum mb_status (*user_lookalike)(struct store *store, const struct name_keys *keys,
                                     char **existing);
    enum mb_status (*user_insert)(struct store *store, const char *name, const char *email,
                                  const char *hash, const struct name_keys *keys,
                                  int64_t created_at, int64_t *id);
    /* The stored hash (at most size-1 bytes; *present false when NULL). */
    enum mb_status (*user_hash)(struct store *store, int64_t id, char *hash, size_t size,
                                bool *present);
    enum mb_status (*user_set_hash)(struct store *store, int64_t id, const char *hash);
    enum mb_status (*user_delete)(struct store *store, int64_t id);
    enum mb_status (*user_list)(struct store *store, const char *after, bool descending,
                                size_t limit, struct user_list *out);
    /* Up to `limit` users without lookalike keys (ids and names newly
     * allocated in *out), and storing keys for one. */
    enum mb_status (*user_keys_missing)(struct store *store, size_t limit,
                                        struct user_list *out);
    enum mb_status (*user_set_keys)(struct store *store, int64_t id,
                                    const struct name_keys *keys);
    /* The pairs of users whose lookalike keys match, as consecutive
     * entries of *pairs (only username set; free with store_user_list_free). */
    enum mb_status (*user_lookalike_pairs)(struct store *store, struct user_list *pairs);

    /* ---- the store's own SQL (see struct store_query) ---- */
    /* Runs query with its parameters; each row reaches row (may be NULL)
     * with its columns: integers (SQLite's INTEGER, PostgreSQL's int2/4/8)
     * as STORE_VALUE_INT, everything else as text. *changes (may be NULL)
     * is the number of rows an INSERT/UPDATE/DELETE touched. Failures map
     * as the engine's others do: a unique violation MB_EXISTS, a foreign
     * key MB_NOT_FOUND, a lock MB_BUSY. No transaction outlives the call
     * unless the caller is inside a write or a snapshot. A write run here
     * wakes the other sessions like any other (PostgreSQL: NOTIFY). */
    enum mb_status (*query)(struct store *store, const struct store_query *query,
                            const struct store_value *params, size_t count,
                            store_row_fn row, void *context, int64_t *changes);

    /* ---- posts ---- */
    /* reply_to: the post answered, thread_id: its conversation's first
     * post (0 for either: none, stored as NULL). */
    enum mb_status (*post_insert)(struct store *store, int64_t user_id, const char *body,
                                  int64_t timestamp, int64_t reply_to, int64_t thread_id,
                                  int64_t *id);
    enum mb_status (*post_delete)(struct store *store, int64_t id);
    /* Posts are read by store/post_query.c through the query op. */
    enum mb_status (*post_count)(struct store *store, int64_t user_id, int64_t *count);

    /* ---- revisions: store/revisions.c decides where to go, in which order
     * and who may; the engine reads the current revision, takes one step
     * (one revision in one transaction with its version bump, skipped when
     * another process already moved the database past it), says what
     * happens before leaving a revision (SQLite: a backup when the file
     * holds data, *backup_path set and freed by the caller; a server: a
     * notice), and stamps (the bounds already checked). ---- */
    enum mb_status (*revision_current)(struct store *store, int *current);
    enum mb_status (*before_migrating)(struct store *store, int current, int target,
                                       char **backup_path);
    enum mb_status (*revision_step)(struct store *store, const struct migration *m, bool up);
    enum mb_status (*stamp)(struct store *store, int target);
    enum mb_status (*history)(struct store *store, struct revision_info **out, size_t *count);
    enum mb_status (*check)(struct store *store, char **report);

    /* ---- copying a whole database (store/copy.c, `db copy`) ---- */
    /* A read transaction over one snapshot of the database (SQLite: BEGIN
     * DEFERRED, held from the first read; PostgreSQL: REPEATABLE READ READ
     * ONLY), so that the copy and its verification read the same rows;
     * snapshot_end ends it (never fails: it only read). */
    enum mb_status (*snapshot_begin)(struct store *store);
    void (*snapshot_end)(struct store *store);
    /* *any: whether the user or post table holds a row. */
    enum mb_status (*rows_present)(struct store *store, bool *any);
    /* Up to limit rows with id > after_id, in id order, every column
     * (out: users or posts filled, count set; free with
     * store_copy_page_clear). */
    enum mb_status (*user_rows)(struct store *store, int64_t after_id, size_t limit,
                                struct store_row_page *out);
    enum mb_status (*post_rows)(struct store *store, int64_t after_id, size_t limit,
                                struct store_row_page *out);
    /* Inside the write transaction of a copy into an empty database:
     * copy_begin prepares it (PostgreSQL stops the post count triggers
     * until copy_finish: a million updates of one count row in one
     * transaction grow quadratically), the inserts keep every id, and
     * copy_finish puts things right (PostgreSQL: the counts recounted,
     * the triggers back, the identity sequences past the largest ids, a
     * NOTIFY). */
    enum mb_status (*copy_begin)(struct store *store);
    enum mb_status (*users_insert_rows)(struct store *store, const struct store_row_page *page);
    enum mb_status (*posts_insert_rows)(struct store *store, const struct store_row_page *page);
    enum mb_status (*copy_finish)(struct store *store);
    /* *wrong: the number of kept post counts (per author and the total)
     * that differ from the posts actually there (a scan: verification). */
    enum mb_status (*post_counts_wrong)(struct store *store, int64_t *wrong);
};

/* Frees the rows of a page (store/copy.c) and empties it. */
void store_copy_page_clear(struct store_row_page *page);

extern const struct store_backend store_backend_sqlite;
extern const struct store_backend store_backend_postgres;

#endif
