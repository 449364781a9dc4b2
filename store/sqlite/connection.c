/* The SQLite backend: opening and closing a database file, and the
 * connection's settings in one place, and the table of operations that
 * store/store.c calls (store_backend_sqlite). The file is classified before SQLite sees it (a foreign file must
 * not even get a -wal beside it) and created 0600; the connection gets its
 * busy handler, page cache and extended result codes; the open-time checks
 * (store/schema_open.c) then say, without writing, whether the file is
 * ours, not newer and writable, and only then is it switched to WAL with
 * foreign keys on, and the schema brought up per policy
 * (store_schema_prepare). The migration code deals only in revisions. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

/* The busy handler: waits for another connection's lock for up to
 * busy_timeout_ms in short, jittered sleeps. SQLite's own handler backs off
 * to 100 ms sleeps, so under contention the writer that has waited longest
 * checks least often and can lose the lock to newcomers past the timeout
 * (seen in tests/reliability/test_concurrency.sh); polling every 0.5-3 ms
 * keeps every waiter in the race. */
static int wait_for_lock(void *context, int attempts)
{
    struct store *store = context;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (attempts == 0)
        SQ(store)->busy_since = now;
    int64_t waited_ms = (int64_t)(now.tv_sec - SQ(store)->busy_since.tv_sec) * 1000 +
                        (now.tv_nsec - SQ(store)->busy_since.tv_nsec) / 1000000;
    if (waited_ms >= store->busy_timeout_ms || SQ(store)->no_busy_wait)
        return 0;
    SQ(store)->busy_seed = SQ(store)->busy_seed * 1103515245u + 12345u;
    struct timespec pause = {0, 500000 + (long)((SQ(store)->busy_seed >> 8) % 2500) * 1000};
    nanosleep(&pause, NULL);
    return 1;
}

/* Classifies the file before SQLite sees it: SQLite writes nothing when
 * it opens a file, but a foreign file must not even get a -wal beside it. */
static enum mb_status check_file(const char *path, bool read_only, bool *exists,
                                 struct mb_error *err)
{
    struct stat st;
    *exists = false;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && !read_only)
            return MB_OK;
        return mb_fail(err, errno == ENOENT ? MB_NOT_FOUND : MB_IO, "%s: %s", path,
                       strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return mb_fail(err, MB_FOREIGN, "%s is not a regular file", path);
    *exists = true;
    if (st.st_size == 0)
        return MB_OK;
    char header[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mb_fail(err, errno == EACCES ? MB_DENIED : MB_IO, "%s: %s", path,
                       strerror(errno));
    ssize_t got = read(fd, header, sizeof header);
    close(fd);
    if (got != (ssize_t)sizeof header || memcmp(header, "SQLite format 3", 16) != 0)
        return mb_fail(err, MB_FOREIGN,
                       "%s is not a SQLite database: refusing to touch it", path);
    return MB_OK;
}

/* Creates the file with mode 0600 (SQLite would use the umask). */
static enum mb_status create_file(const char *path, struct mb_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return MB_OK;
        return mb_fail(err, errno == EACCES ? MB_DENIED : MB_IO, "cannot create %s: %s",
                       path, strerror(errno));
    }
    close(fd);
    return MB_OK;
}

/* Switching a new file to WAL needs an exclusive lock, and SQLite
 * returns BUSY at once (no busy handler) when another process opening
 * the same new file holds a lock: retry within the busy timeout. Then
 * foreign keys on, for every write of this connection. */
static enum mb_status set_up_for_writing(struct store *store, struct mb_error *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc;
    for (int waited_ms = 0;; waited_ms += 5) {
        rc = sqlite3_prepare_v2(SQ(store)->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(stmt);
            if (rc == SQLITE_ROW)
                rc = SQLITE_OK;
        }
        sqlite3_finalize(stmt);
        stmt = NULL;
        if ((rc & 0xff) != SQLITE_BUSY || waited_ms >= store->busy_timeout_ms)
            break;
        sqlite3_sleep(5);
    }
    enum mb_status status;
    if (rc != SQLITE_OK) {
        status = store_fail_sqlite(store, rc, "setting WAL mode");
        return mb_fail(err, status, "%s", store->error);
    }
    status = store_exec(store, "PRAGMA foreign_keys = ON");
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);
    return MB_OK;
}

enum mb_status store_sqlite_open(struct store *store, const struct store_options *options,
                                 struct mb_error *err)
{
    bool exists = false;
    enum mb_status status = check_file(options->path, options->read_only, &exists, err);
    if (status != MB_OK)
        return status;
    if (!exists) {
        status = create_file(options->path, err);
        if (status != MB_OK)
            return status;
    }
    struct sqlite_engine *engine = xcalloc(1, sizeof *engine);
    engine->file_fd = -1;
    engine->deferred_writes = options->deferred_writes;
    engine->checkpoint_after_write = options->checkpoint_after_write;
    store->engine = engine;

    int flags = (options->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(options->path, &engine->db, flags, NULL);
    if (rc != SQLITE_OK)
        return mb_fail(err, store_status_from_sqlite(rc), "cannot open %s: %s", options->path,
                       engine->db != NULL ? sqlite3_errmsg(engine->db) : sqlite3_errstr(rc));
    /* A descriptor of our own on the file opened, to tell later whether
     * it was deleted or replaced (store_sqlite_file_check). It is closed
     * only after SQLite's connection: closing any descriptor of a file
     * drops the process's POSIX locks on it. */
    struct stat st;
    engine->file_fd = open(options->path, O_RDONLY | O_CLOEXEC);
    if (engine->file_fd < 0 || fstat(engine->file_fd, &st) != 0)
        return mb_fail(err, MB_IO, "%s: %s", options->path, strerror(errno));
    engine->file_device = st.st_dev;
    engine->file_inode = st.st_ino;
    engine->busy_seed = (unsigned)getpid() ^ (unsigned)(uintptr_t)store;
    sqlite3_busy_handler(engine->db, wait_for_lock, store);
    if (options->cache_kib > 0) {
        /* A small page cache keeps an interactive session's memory flat
         * however large the database; imports keep SQLite's default. */
        char *pragma = xasprintf("PRAGMA cache_size = -%d", options->cache_kib);
        sqlite3_exec(engine->db, pragma, NULL, NULL, NULL);
        free(pragma);
    }
    sqlite3_extended_result_codes(engine->db, 1);

    struct store_schema_state schema;
    status = store_schema_inspect(store, options->migrate, &schema, err);
    /* Only now, with the file known to be ours and not newer, write. */
    if (status == MB_OK && schema.writable) {
        status = set_up_for_writing(store, err);
        if (status == MB_OK)
            status = store_schema_prepare(store, options->migrate, &schema, err);
    }
    /* Now, while a shared box's group is held (watch.c). */
    if (status == MB_OK && options->watch_changes)
        engine->watch = store_sqlite_watch_open(options->path);
    return status;
}

void store_sqlite_close(struct store *store)
{
    struct sqlite_engine *engine = SQ(store);
    if (engine == NULL)
        return;
    store_statements_clear(store);
    if (engine->db != NULL) {
        if (!sqlite3_get_autocommit(engine->db))
            sqlite3_exec(engine->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(engine->db);
    }
    if (engine->file_fd >= 0)
        close(engine->file_fd);
    store_sqlite_watch_close(engine->watch);
    free(engine);
    store->engine = NULL;
}

const struct store_backend store_backend_sqlite = {
    .name = "sqlite",
    .open = store_sqlite_open,
    .close = store_sqlite_close,
    .file_check = store_sqlite_file_check,
    .data_version = store_sqlite_data_version,
    .change_fd = store_sqlite_change_fd,
    .change_drain = store_sqlite_change_drain,
    .begin = store_sqlite_begin,
    .commit = store_sqlite_commit,
    .rollback = store_sqlite_rollback,
    .user_by_name = store_sqlite_user_by_name,
    .user_by_id = store_sqlite_user_by_id,
    .user_name_taken = store_sqlite_user_name_taken,
    .user_email_taken = store_sqlite_user_email_taken,
    .user_lookalike = store_sqlite_user_lookalike,
    .user_insert = store_sqlite_user_insert,
    .user_hash = store_sqlite_user_hash,
    .user_set_hash = store_sqlite_user_set_hash,
    .user_delete = store_sqlite_user_delete,
    .user_list = store_sqlite_user_list,
    .user_keys_missing = store_sqlite_user_keys_missing,
    .user_set_keys = store_sqlite_user_set_keys,
    .user_lookalike_pairs = store_sqlite_user_lookalike_pairs,
    .query = store_sqlite_query,
    .post_insert = store_sqlite_post_insert,
    .post_delete = store_sqlite_post_delete,
    .post_count = store_sqlite_post_count,
    .revision_current = store_revision_current,
    .before_migrating = store_sqlite_before_migrating,
    .revision_step = store_sqlite_revision_step,
    .stamp = store_sqlite_stamp,
    .history = store_sqlite_history,
    .check = store_sqlite_check,
    .snapshot_begin = store_sqlite_snapshot_begin,
    .snapshot_end = store_sqlite_snapshot_end,
    .rows_present = store_sqlite_rows_present,
    .user_rows = store_sqlite_user_rows,
    .post_rows = store_sqlite_post_rows,
    .copy_begin = NULL,
    .users_insert_rows = store_sqlite_users_insert_rows,
    .posts_insert_rows = store_sqlite_posts_insert_rows,
    .copy_finish = NULL,
    .post_counts_wrong = store_sqlite_post_counts_wrong,
};
