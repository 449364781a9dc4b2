/* Opening and closing a database, and the connection's settings in one
 * place. The file is classified before SQLite sees it (a foreign file must
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
#include "store/internal.h"

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
        store->busy_since = now;
    int64_t waited_ms = (int64_t)(now.tv_sec - store->busy_since.tv_sec) * 1000 +
                        (now.tv_nsec - store->busy_since.tv_nsec) / 1000000;
    if (waited_ms >= store->busy_timeout_ms || store->no_busy_wait)
        return 0;
    store->busy_seed = store->busy_seed * 1103515245u + 12345u;
    struct timespec pause = {0, 500000 + (long)((store->busy_seed >> 8) % 2500) * 1000};
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
        rc = sqlite3_prepare_v2(store->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
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

enum mb_status store_open(const struct store_options *options, struct store **out,
                          struct mb_error *err)
{
    struct store *store = NULL;
    bool exists = false;
    enum mb_status status;
    *out = NULL;

    status = config_check_database_name(options->path, "database", err);
    if (status != MB_OK)
        return status;
    if (options->mode != STORE_MODE_PERSONAL &&
        (options->person == NULL || options->person[0] == '\0'))
        return mb_fail(err, MB_INVALID, "a shared mode needs a person to act for");
    status = check_file(options->path, options->read_only, &exists, err);
    if (status != MB_OK)
        return status;
    if (!exists) {
        status = create_file(options->path, err);
        if (status != MB_OK)
            return status;
    }

    store = xcalloc(1, sizeof *store);
    store->file_fd = -1;
    store->path = xstrdup(options->path);
    store->migrations = options->migrations != NULL ? options->migrations : migrations_builtin();
    store->password_strength = options->password_strength;
    store->busy_timeout_ms = options->busy_timeout_ms;
    store->notice = options->notice;
    store->notice_context = options->notice_context;
    store->deferred_writes = options->deferred_writes;
    store->checkpoint_after_write = options->checkpoint_after_write;
    store->mode = options->mode;
    if (options->mode != STORE_MODE_PERSONAL) {
        store->person = xstrdup(options->person);
        store->person_is_admin = options->person_is_admin;
    }

    int flags = (options->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(options->path, &store->db, flags, NULL);
    if (rc != SQLITE_OK) {
        status = mb_fail(err, store_status_from_sqlite(rc), "cannot open %s: %s",
                         options->path,
                         store->db != NULL ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
        goto out;
    }
    /* A descriptor of our own on the file opened, to tell later whether
     * it was deleted or replaced (store_file_check). It is closed only after
     * SQLite's connection: closing any descriptor of a file drops the
     * process's POSIX locks on it. */
    struct stat st;
    store->file_fd = open(options->path, O_RDONLY | O_CLOEXEC);
    if (store->file_fd < 0 || fstat(store->file_fd, &st) != 0) {
        status = mb_fail(err, MB_IO, "%s: %s", options->path, strerror(errno));
        goto out;
    }
    store->file_device = st.st_dev;
    store->file_inode = st.st_ino;
    store->busy_seed = (unsigned)getpid() ^ (unsigned)(uintptr_t)store;
    sqlite3_busy_handler(store->db, wait_for_lock, store);
    if (options->cache_kib > 0) {
        /* A small page cache keeps an interactive session's memory flat
         * however large the database; imports keep SQLite's default. */
        char *pragma = xasprintf("PRAGMA cache_size = -%d", options->cache_kib);
        sqlite3_exec(store->db, pragma, NULL, NULL, NULL);
        free(pragma);
    }
    sqlite3_extended_result_codes(store->db, 1);

    struct store_schema_state schema;
    status = store_schema_inspect(store, options->migrate, &schema, err);
    /* Only now, with the file known to be ours and not newer, write. */
    if (status == MB_OK && schema.writable) {
        status = set_up_for_writing(store, err);
        if (status == MB_OK)
            status = store_schema_prepare(store, options->migrate, &schema, err);
    }
    if (status == MB_OK && options->migrate != STORE_MIGRATE_NONE && !options->read_only &&
        !store->newer) {
        status = store_user_keys_backfill(store);
        if (status == MB_OK)
            status = store_person_prepare(store);
        if (status != MB_OK)
            mb_fail(err, status, "%s", store->error);
    }
out:
    if (status != MB_OK) {
        store_close(store);
        return status;
    }
    *out = store;
    return MB_OK;
}

void store_close(struct store *store)
{
    if (store == NULL)
        return;
    store_statements_clear(store);
    if (store->db != NULL) {
        if (!sqlite3_get_autocommit(store->db))
            sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(store->db);
    }
    if (store->file_fd >= 0)
        close(store->file_fd);
    free(store->path);
    free(store->person);
    free(store);
}
