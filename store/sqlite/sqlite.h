/* The SQLite backend's own header: its connection state (behind
 * store->engine), the prepared-statement table and the pieces its files
 * (connection, statements, users, posts, schema_open, migrate, backup,
 * schema_check) pass among themselves. Only store/sqlite/ includes this,
 * and only it includes <sqlite3.h>. */
#ifndef STORE_SQLITE_SQLITE_H
#define STORE_SQLITE_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "store/internal.h"

/* Statements prepared once, on first use, and kept until the schema
 * changes (a migration) or the handle closes. */
enum store_statement {
    STMT_USER_INSERT,
    STMT_USER_BY_NAME,
    STMT_USER_BY_ID,
    STMT_USER_HASH,
    STMT_USER_SET_HASH,
    STMT_USER_DELETE,
    STMT_USER_NAME_TAKEN,
    STMT_USER_EMAIL_TAKEN,
    STMT_USER_LOOKALIKE,
    STMT_USER_KEYS_MISSING,
    STMT_USER_SET_KEYS,
    STMT_USER_LOOKALIKE_PAIRS,
    STMT_USER_LIST_ASC_FIRST,
    STMT_USER_LIST_ASC_AFTER,
    STMT_USER_LIST_DESC_FIRST,
    STMT_USER_LIST_DESC_AFTER,
    STMT_POST_INSERT,
    STMT_POST_DELETE,
    STMT_POST_COUNT_ALL,
    STMT_POST_COUNT_USER,
    STMT_COUNT
};

/* The connection behind store->engine. */
struct sqlite_engine {
    sqlite3 *db;
    sqlite3_stmt *statements[STMT_COUNT];
    sqlite3_stmt *queries[STORE_QUERY_SLOTS]; /* the store's own SQL (query.c) */
    struct timespec busy_since; /* when the current wait for a lock began */
    unsigned busy_seed;         /* jitter for the busy handler's sleeps */
    /* The file opened, to notice when it is deleted or replaced. */
    int file_fd;
    dev_t file_device;
    ino_t file_inode;
    bool deferred_writes;       /* testing: BEGIN DEFERRED (see store_options) */
    bool checkpoint_after_write; /* see store_options */
    bool no_busy_wait;          /* the busy handler gives up at once */
    struct store_watch *watch;  /* live updates (watch.c); NULL: poll */
};

/* The SQLite state of a store opened on a file. */
#define SQ(store) ((struct sqlite_engine *)(store)->engine)

/* Maps a SQLite result code to a status and records "what: sqlite message". */
enum mb_status store_fail_sqlite(struct store *store, int rc, const char *what);

/* The cached prepared statement, reset and unbound; NULL (with the error
 * recorded) when it cannot be prepared. */
sqlite3_stmt *store_statement(struct store *store, enum store_statement which);

/* The SQL of a statement in the table (for the tests' query-plan checks). */
const char *store_statement_sql(enum store_statement which);

/* Finalizes every cached statement (before and after schema changes). */
void store_statements_clear(struct store *store);


/* Deletes the row `id` with statement `which` (inside the caller's
 * write); MB_NOT_FOUND ("no <what> with id N") when there was none. */
enum mb_status store_delete_row(struct store *store, enum store_statement which, int64_t id,
                                const char *what);

/* Runs SQL without results; records the error on failure. */
enum mb_status store_exec(struct store *store, const char *sql);

/* Integer result of a one-row query (e.g. a PRAGMA). */
enum mb_status store_query_int(struct store *store, const char *sql, int64_t *out);




/* Maps a SQLite result code to a status (store.c). */
enum mb_status store_status_from_sqlite(int rc);

/* ---- schema revisions: who calls what ---------------------------------
 * connection.c (store_sqlite_open) -> schema_open.c -> store/revisions.c ->
 * migrate.c (a step) and backup.c (before migrating);
 * schema_check.c uses migrate.c. None of them sets up the connection
 * (step_revision only turns foreign keys off around one revision). */

/* What store_schema_inspect found out about the file at open. */
struct store_schema_state {
    bool fresh;    /* empty: no application_id and nothing in it yet */
    int current;   /* its revision (0 when fresh) */
    bool writable; /* ours, not newer than head, not read-only: set the
                    * connection up for writing, then store_schema_prepare */
};

/* The open-time checks (schema_open.c), reading only: MB_FOREIGN for a file
 * that is not ours, MB_NEWER (or, with STORE_MIGRATE_NONE, store->newer
 * set and MB_OK) for one past head, MB_DENIED for a read-only file that
 * is empty or, under a migrating policy, behind. Fills *state on MB_OK
 * (writable false when nothing more may happen); failures are in err. */
enum mb_status store_schema_inspect(struct store *store, enum store_migrate_policy policy,
                                    struct store_schema_state *state, struct mb_error *err);

/* After store_schema_inspect found the file writable and the connection is
 * in WAL with foreign keys on (schema_open.c): marks a fresh file as ours
 * and, per policy, upgrades it to head (backing it up first when it holds
 * data) or refuses with MB_BEHIND. Failures are in err. */
enum mb_status store_schema_prepare(struct store *store, enum store_migrate_policy policy,
                                    const struct store_schema_state *state,
                                    struct mb_error *err);



/* The database's revision from schema_revision (0: none applied). */
enum mb_status store_revision_current(struct store *store, int *current);

/* Runs every statement of sql on db (the store's connection, or db check's
 * scratch database), honouring store_test_fail_migration; on failure the
 * store's error names the revision, `what` and the statement. Opens no
 * transaction: the caller holds one or needs none. */
enum mb_status store_run_script(struct store *store, sqlite3 *db, int revision, const char *what,
                                const char *sql);


/* Before leaving revision `current`: when any table holds a row, copies
 * the database into a new file beside it (backup.c) and tells the notice
 * callback. *backup_path (when not NULL) is then its name, which the
 * caller frees; untouched when there was no data. On failure nothing is
 * left under the backup's name and nothing was migrated. */
enum mb_status store_backup_before_migrating(struct store *store, int current,
                                            char **backup_path);


/* ---- the backend's operations (store/backend.h), by file ---- */

/* connection.c */
enum mb_status store_sqlite_open(struct store *store, const struct store_options *options,
                                 struct mb_error *err);
void store_sqlite_close(struct store *store);

/* watch.c: an inotify watch on the database, its -wal and its directory,
 * for change_fd. store_sqlite_watch_open (while the store opens, after
 * SQLite made its -shm) returns NULL when the system gives no watch (the
 * caller then polls); store_sqlite_watch_fd is its descriptor (-1 for
 * NULL), readable after a change may have been committed;
 * store_sqlite_watch_drain consumes what woke it and says whether any of
 * it concerned the database; store_sqlite_watch_close frees it (NULL is
 * fine) and must come after sqlite3_close. */
struct store_watch;
struct store_watch *store_sqlite_watch_open(const char *path);
int store_sqlite_watch_fd(const struct store_watch *watch);
bool store_sqlite_watch_drain(struct store_watch *watch);
void store_sqlite_watch_close(struct store_watch *watch);
int store_sqlite_change_fd(struct store *store);
void store_sqlite_change_drain(struct store *store);

/* statements.c */
enum mb_status store_sqlite_file_check(struct store *store);
enum mb_status store_sqlite_data_version(struct store *store, uint64_t *version);
enum mb_status store_sqlite_begin(struct store *store);
enum mb_status store_sqlite_commit(struct store *store);
void store_sqlite_rollback(struct store *store);

/* users.c */
enum mb_status store_sqlite_user_by_name(struct store *store, const char *name,
                                         struct user *out);
enum mb_status store_sqlite_user_by_id(struct store *store, int64_t id, struct user *out);
enum mb_status store_sqlite_user_name_taken(struct store *store, const char *name,
                                            char **existing);
enum mb_status store_sqlite_user_email_taken(struct store *store, const char *email,
                                             char **existing);
enum mb_status store_sqlite_user_lookalike(struct store *store, const struct name_keys *keys,
                                           char **existing);
enum mb_status store_sqlite_user_insert(struct store *store, const char *name,
                                        const char *email, const char *hash,
                                        const struct name_keys *keys, int64_t created_at,
                                        int64_t *id);
enum mb_status store_sqlite_user_hash(struct store *store, int64_t id, char *hash, size_t size,
                                      bool *present);
enum mb_status store_sqlite_user_set_hash(struct store *store, int64_t id, const char *hash);
enum mb_status store_sqlite_user_delete(struct store *store, int64_t id);
enum mb_status store_sqlite_user_list(struct store *store, const char *after, bool descending,
                                      size_t limit, struct user_list *out);
enum mb_status store_sqlite_user_keys_missing(struct store *store, size_t limit,
                                              struct user_list *out);
enum mb_status store_sqlite_user_set_keys(struct store *store, int64_t id,
                                          const struct name_keys *keys);
enum mb_status store_sqlite_user_lookalike_pairs(struct store *store, struct user_list *pairs);

/* posts.c */
enum mb_status store_sqlite_post_insert(struct store *store, int64_t user_id, const char *body,
                                        int64_t timestamp, int64_t reply_to, int64_t thread_id,
                                        int64_t *id);
enum mb_status store_sqlite_post_delete(struct store *store, int64_t id);
/* The store's engine-neutral SQL (backend.h's query op; query.c). */
enum mb_status store_sqlite_query(struct store *store, const struct store_query *query,
                                  const struct store_value *params, size_t count,
                                  store_row_fn row, void *context, int64_t *changes);
enum mb_status store_sqlite_post_count(struct store *store, int64_t user_id, int64_t *count);

/* migrate.c, schema_check.c */
enum mb_status store_sqlite_before_migrating(struct store *store, int current, int target,
                                             char **backup_path);
enum mb_status store_sqlite_revision_step(struct store *store, const struct migration *m,
                                          bool up);
enum mb_status store_sqlite_stamp(struct store *store, int target);
enum mb_status store_sqlite_history(struct store *store, struct revision_info **out,
                                    size_t *count);
enum mb_status store_sqlite_check(struct store *store, char **report);

/* copy.c (db copy, store/copy.c) */
enum mb_status store_sqlite_snapshot_begin(struct store *store);
void store_sqlite_snapshot_end(struct store *store);
enum mb_status store_sqlite_rows_present(struct store *store, bool *any);
enum mb_status store_sqlite_user_rows(struct store *store, int64_t after_id, size_t limit,
                                      struct store_row_page *out);
enum mb_status store_sqlite_post_rows(struct store *store, int64_t after_id, size_t limit,
                                      struct store_row_page *out);
enum mb_status store_sqlite_users_insert_rows(struct store *store,
                                              const struct store_row_page *page);
enum mb_status store_sqlite_posts_insert_rows(struct store *store,
                                              const struct store_row_page *page);
enum mb_status store_sqlite_post_counts_wrong(struct store *store, int64_t *wrong);

#endif
