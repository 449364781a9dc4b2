/* What the store's own files share and nobody else sees: the handle's
 * layout, the prepared-statement table, the transaction helpers and the
 * pieces the schema files (schema_open, migrate, backup, schema_check)
 * pass among themselves.
 * Only the store's own .c files include this (and <sqlite3.h>). */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "store/store.h"

/* 'MBLG': PRAGMA application_id of every microblog-tui database. */
#define STORE_APPLICATION_ID 0x4D424C47

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
    STMT_POST_BY_ID,
    STMT_POST_DELETE,
    STMT_POST_COUNT_ALL,
    STMT_POST_COUNT_USER,
    STMT_POSTS_ALL_NEWEST,
    STMT_POSTS_ALL_OLDER,
    STMT_POSTS_ALL_OLDEST,
    STMT_POSTS_ALL_NEWER,
    STMT_POSTS_USER_NEWEST,
    STMT_POSTS_USER_OLDER,
    STMT_POSTS_USER_OLDEST,
    STMT_POSTS_USER_NEWER,
    STMT_COUNT
};

struct store {
    /* The engine behind this handle (store/backend.h) and its connection
     * state; db is the SQLite connection until the SQLite code moves
     * behind the table too. */
    const struct store_backend *backend;
    void *engine;
    sqlite3 *db;
    char *path;
    char error[512];
    sqlite3_stmt *statements[STMT_COUNT];
    const struct migration_set *migrations;
    enum crypto_strength password_strength;
    int busy_timeout_ms;
    struct timespec busy_since; /* when the current wait for a lock began */
    unsigned busy_seed;         /* jitter for the busy handler's sleeps */
    bool newer;        /* database is past our head: refuse every write */
    /* Who the store acts for (store/authz.c). */
    enum store_mode mode;
    char *person;          /* shared modes: the person's username */
    int64_t person_id;     /* their user row (0 until known) */
    bool person_is_admin;
    bool importing;        /* inside store_import_begin: any author, any time */
    int64_t verified_user_id; /* password checked on this handle (0: none) */
    /* The file opened, to notice when it is deleted or replaced. */
    int file_fd;
    dev_t file_device;
    ino_t file_inode;
    bool in_batch;     /* inside store_batch_begin..commit */
    bool deferred_writes; /* testing: BEGIN DEFERRED (see store_options) */
    bool checkpoint_after_write; /* see store_options */
    bool no_busy_wait;    /* the busy handler gives up at once (a best-effort checkpoint) */
    void (*notice)(void *context, const char *message);
    void *notice_context;
};

/* Records a formatted message as the handle's error and returns status. */
enum mb_status store_fail(struct store *store, enum mb_status status,
                          const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Maps a SQLite result code to a status and records "what: sqlite message". */
enum mb_status store_fail_sqlite(struct store *store, int rc, const char *what);

/* The cached prepared statement, reset and unbound; NULL (with the error
 * recorded) when it cannot be prepared. */
sqlite3_stmt *store_statement(struct store *store, enum store_statement which);

/* The SQL of a statement in the table (for the tests' query-plan checks). */
const char *store_statement_sql(enum store_statement which);

/* Finalizes every cached statement (before and after schema changes). */
void store_statements_clear(struct store *store);

/* Begins a write (BEGIN IMMEDIATE, unless inside a batch). */
enum mb_status store_write_begin(struct store *store);
/* Ends it: COMMIT when status is MB_OK, else ROLLBACK; returns the final
 * status (a failed COMMIT turns MB_OK into an error). */
enum mb_status store_write_end(struct store *store, enum mb_status status);

/* Deletes the row `id` with statement `which` in its own write; MB_NOT_FOUND
 * ("no <what> with id N") when there was none. allowed (may be NULL) is
 * asked inside the write, before the delete, whether it may happen. */
enum mb_status store_delete_row(struct store *store, enum store_statement which, int64_t id,
                                const char *what,
                                enum mb_status (*allowed)(struct store *store, int64_t id));

/* Runs SQL without results; records the error on failure. */
enum mb_status store_exec(struct store *store, const char *sql);

/* Integer result of a one-row query (e.g. a PRAGMA). */
enum mb_status store_query_int(struct store *store, const char *sql, int64_t *out);

/* Seconds since the epoch, UTC. */
int64_t store_now(void);

/* Fills in the lookalike keys of users that have none (a database
 * upgraded to revision 3, or rows added without the program); users.c. */
enum mb_status store_user_keys_backfill(struct store *store);

/* Resolves (creating on first use) the person's user row when the schema
 * has one; called after migrations at open (authz.c). */
enum mb_status store_person_prepare(struct store *store);

/* Maps a SQLite result code to a status (store.c). */
enum mb_status store_status_from_sqlite(int rc);

/* ---- schema revisions: who calls what ---------------------------------
 * connection.c (store_open) -> schema_open.c -> migrate.c -> backup.c;
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

/* This program's head revision (the last of store->migrations). */
int store_revision_head(const struct store *store);

/* Revision `revision` of store->migrations (owned by the set), or NULL
 * when there is no such revision. */
const struct migration *store_migration_find(const struct store *store, int revision);

/* The database's revision from schema_revision (0: none applied). */
enum mb_status store_revision_current(struct store *store, int *current);

/* Runs every statement of sql on db (the store's connection, or db check's
 * scratch database), honouring store_test_fail_migration; on failure the
 * store's error names the revision, `what` and the statement. Opens no
 * transaction: the caller holds one or needs none. */
enum mb_status store_run_script(struct store *store, sqlite3 *db, int revision, const char *what,
                                const char *sql);

/* Upgrades to target (-1: head) without asking who: the automatic upgrade
 * at open runs the program's own revisions, whoever opens the database.
 * *backup_path (when not NULL) is the backup taken, which the caller
 * frees, or NULL when none was needed; see store_upgrade. */
enum mb_status store_upgrade_to(struct store *store, int target, char **backup_path);

/* Before leaving revision `current`: when any table holds a row, copies
 * the database into a new file beside it (backup.c) and tells the notice
 * callback. *backup_path (when not NULL) is then its name, which the
 * caller frees; untouched when there was no data. On failure nothing is
 * left under the backup's name and nothing was migrated. */
enum mb_status store_backup_before_migrating(struct store *store, int current,
                                            char **backup_path);

#endif
