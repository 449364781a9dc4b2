/* The copy taken before a migration changes a database that holds data:
 * a new file beside the database, written through a descriptor-only VFS
 * and never reopened by name (the design is the long comment below). The
 * runner (store/migrate.c) calls store_backup_before_migrating; nothing
 * else here is seen outside this file. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

/* Backups, written where other people may share the directory.
 *
 * The backup is a new file beside the database, FILE.revNNNN-TIME.bak, or
 * FILE.revNNNN-TIME-XXXXXXXX.bak (eight random hex digits) when that name
 * is taken. Think of another user who can create names in the directory
 * (a sticky /tmp-like directory, or one writable by a group): they can
 * create any name we can guess, and a symbolic link at any name. So:
 *
 * - the file is made with O_CREAT | O_EXCL | O_NOFOLLOW: it is new and
 *   ours, never an existing file or a link's target. A taken name is not
 *   an error: we draw another random name (16 tries of 32 random bits:
 *   nobody can take them all in advance);
 * - it is never opened again by name. SQLite writes it through a tiny VFS
 *   (below) whose one file is the descriptor we made, with no journal, so
 *   no -journal name is created beside it either. Reopening by name was
 *   the hole: between our create and SQLite's open, the name could become
 *   a link, and SQLite resolves links in database names before opening;
 * - the copy streams: SQLite's backup API moves pages through a bounded
 *   page cache, so a large database never sits in memory (which rules out
 *   sqlite3_serialize). A private mkdtemp directory and a rename would
 *   also stream, but SQLite would still open names in it, and in a
 *   directory that others can write without the sticky bit our private
 *   directory itself can be renamed away and replaced by a link;
 * - after the copy is on disk, the name must still be the file we wrote
 *   (lstat against fstat). Where others may rename our files (a writable
 *   directory without the sticky bit, which core/trust refuses anyway),
 *   the name may have been swapped: then we say so and do not migrate,
 *   empty the file we can no longer name, and unlink nothing by name. */

#define BACKUP_VFS_NAME "microblog-backup-descriptor"
#define BACKUP_NAME_TRIES 16

/* The one file of the backup VFS: a descriptor that take_backup owns. */
struct backup_file {
    sqlite3_file base;
    int fd;
};

static int backup_file_close(sqlite3_file *file)
{
    return SQLITE_OK; /* the descriptor belongs to take_backup */
}

static int backup_file_read(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
    int fd = ((struct backup_file *)file)->fd;
    size_t done = 0;
    while (done < (size_t)amount) {
        ssize_t got = pread(fd, (char *)buffer + done, (size_t)amount - done,
                            (off_t)offset + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return SQLITE_IOERR_READ;
        if (got == 0)
            break;
        done += (size_t)got;
    }
    if (done == (size_t)amount)
        return SQLITE_OK;
    memset((char *)buffer + done, 0, (size_t)amount - done); /* SQLite requires it */
    return SQLITE_IOERR_SHORT_READ;
}

static int backup_file_write(sqlite3_file *file, const void *buffer, int amount,
                             sqlite3_int64 offset)
{
    int fd = ((struct backup_file *)file)->fd;
    size_t done = 0;
    while (done < (size_t)amount) {
        ssize_t put = pwrite(fd, (const char *)buffer + done, (size_t)amount - done,
                             (off_t)offset + (off_t)done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return errno == ENOSPC || errno == EDQUOT ? SQLITE_FULL : SQLITE_IOERR_WRITE;
        done += (size_t)put;
    }
    return SQLITE_OK;
}

static int backup_file_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    return ftruncate(((struct backup_file *)file)->fd, (off_t)size) == 0
               ? SQLITE_OK
               : SQLITE_IOERR_TRUNCATE;
}

static int backup_file_sync(sqlite3_file *file, int flags)
{
    return fsync(((struct backup_file *)file)->fd) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

static int backup_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    struct stat st;
    if (fstat(((struct backup_file *)file)->fd, &st) != 0)
        return SQLITE_IOERR_FSTAT;
    *size = (sqlite3_int64)st.st_size;
    return SQLITE_OK;
}

/* Nobody else opens the file: one connection, no locks needed. */
static int backup_file_lock(sqlite3_file *file, int level)
{
    return SQLITE_OK;
}

static int backup_file_reserved(sqlite3_file *file, int *reserved)
{
    *reserved = 0;
    return SQLITE_OK;
}

static int backup_file_control(sqlite3_file *file, int op, void *arg)
{
    return SQLITE_NOTFOUND;
}

static int backup_file_sector_size(sqlite3_file *file)
{
    return 4096;
}

static int backup_file_characteristics(sqlite3_file *file)
{
    return 0;
}

static const sqlite3_io_methods backup_file_methods = {
    .iVersion = 1, /* no shared memory: WAL is impossible, journal_mode is OFF */
    .xClose = backup_file_close,
    .xRead = backup_file_read,
    .xWrite = backup_file_write,
    .xTruncate = backup_file_truncate,
    .xSync = backup_file_sync,
    .xFileSize = backup_file_size,
    .xLock = backup_file_lock,
    .xUnlock = backup_file_lock,
    .xCheckReservedLock = backup_file_reserved,
    .xFileControl = backup_file_control,
    .xSectorSize = backup_file_sector_size,
    .xDeviceCharacteristics = backup_file_characteristics,
};

/* The database "name" is "fd:N"; every other file (a journal, a temporary
 * file) is refused, so that nothing is ever opened by name. */
static int backup_vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                           int *out_flags)
{
    char *end = NULL;
    long fd = -1;
    if (name != NULL && strncmp(name, "fd:", 3) == 0)
        fd = strtol(name + 3, &end, 10);
    if (!(flags & SQLITE_OPEN_MAIN_DB) || fd < 0 || end == NULL || *end != '\0')
        return SQLITE_CANTOPEN;
    struct backup_file *backup = (struct backup_file *)file;
    backup->fd = (int)fd;
    backup->base.pMethods = &backup_file_methods;
    if (out_flags != NULL)
        *out_flags = flags;
    return SQLITE_OK;
}

static int backup_vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_directory)
{
    return SQLITE_IOERR_DELETE;
}

static int backup_vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *result)
{
    *result = 0; /* no journal, no WAL beside a descriptor */
    return SQLITE_OK;
}

static int backup_vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    if (snprintf(out, (size_t)size, "%s", name) >= size)
        return SQLITE_CANTOPEN;
    return SQLITE_OK;
}

/* The rest is the default VFS's. */
static void *backup_vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
    return NULL;
}

static void backup_vfs_dl_error(sqlite3_vfs *vfs, int size, char *out)
{
    snprintf(out, (size_t)size, "no extensions in a backup");
}

static void (*backup_vfs_dl_sym(sqlite3_vfs *vfs, void *handle, const char *name))(void)
{
    return NULL;
}

static void backup_vfs_dl_close(sqlite3_vfs *vfs, void *handle)
{
}

static int backup_vfs_randomness(sqlite3_vfs *vfs, int size, char *out)
{
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    return base->xRandomness(base, size, out);
}

static int backup_vfs_sleep(sqlite3_vfs *vfs, int microseconds)
{
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    return base->xSleep(base, microseconds);
}

static int backup_vfs_current_time(sqlite3_vfs *vfs, double *now)
{
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    return base->xCurrentTime(base, now);
}

static int backup_vfs_last_error(sqlite3_vfs *vfs, int size, char *out)
{
    return errno; /* as the unix VFS does: sqlite3_system_errno() reads it */
}

static sqlite3_vfs backup_vfs = {
    .iVersion = 1,
    .szOsFile = sizeof(struct backup_file),
    .mxPathname = 64,
    .zName = BACKUP_VFS_NAME,
    .xOpen = backup_vfs_open,
    .xDelete = backup_vfs_delete,
    .xAccess = backup_vfs_access,
    .xFullPathname = backup_vfs_full_pathname,
    .xDlOpen = backup_vfs_dl_open,
    .xDlError = backup_vfs_dl_error,
    .xDlSym = backup_vfs_dl_sym,
    .xDlClose = backup_vfs_dl_close,
    .xRandomness = backup_vfs_randomness,
    .xSleep = backup_vfs_sleep,
    .xCurrentTime = backup_vfs_current_time,
    .xGetLastError = backup_vfs_last_error,
};

/* Creates a new backup file for revision beside the database: *fd and
 * *path (the caller frees it) on MB_OK. A taken name (a file or a link,
 * ours or anyone's) is passed over for a random one. */
static enum mb_status create_backup_file(struct store *store, int revision, int *fd,
                                         char **path)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);

    *fd = -1;
    *path = NULL;
    for (int attempt = 0; attempt <= BACKUP_NAME_TRIES; attempt++) {
        uint32_t suffix = 0;
        if (attempt > 0 && getrandom(&suffix, sizeof suffix, 0) != sizeof suffix)
            return store_fail(store, MB_IO, "cannot name a backup of %s: no random bytes: %s",
                              store->path, strerror(errno));
        free(*path);
        *path = attempt == 0
                    ? xasprintf("%s.rev%04d-%s.bak", store->path, revision, stamp)
                    : xasprintf("%s.rev%04d-%s-%08x.bak", store->path, revision, stamp,
                                (unsigned)suffix);
        *fd = open(*path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (*fd >= 0)
            return MB_OK;
        if (errno != EEXIST)
            break;
    }
    enum mb_status status =
        store_fail(store, MB_IO, "cannot create backup %s: %s", *path, strerror(errno));
    free(*path);
    *path = NULL;
    return status;
}

/* True when path still names the file open as fd (not a link, not another
 * file moved into its place). */
static bool backup_name_is_ours(int fd, const char *path)
{
    struct stat opened, named;
    return fstat(fd, &opened) == 0 && lstat(path, &named) == 0 &&
           opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

/* Copies the live database into a new file beside it (see above). On
 * MB_OK, *backup_path (when not NULL) is the new file's name, which the
 * caller frees; on failure nothing is left under our name. */
static enum mb_status take_backup(struct store *store, int revision, char **backup_path)
{
    int fd = -1;
    char *path = NULL;
    sqlite3 *copy = NULL;
    bool named = true; /* path still names our file: unlink it on failure */
    enum mb_status status = create_backup_file(store, revision, &fd, &path);
    if (status != MB_OK)
        return status;

    /* O_EXCL made it ours and new; 0600 whatever the umask. */
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fchmod(fd, 0600) != 0) {
        status = store_fail(store, MB_IO, "backup %s is not a new file of ours", path);
        named = false;
        goto out;
    }

    char name[32];
    snprintf(name, sizeof name, "fd:%d", fd);
    int rc = sqlite3_vfs_register(&backup_vfs, 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(name, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             BACKUP_VFS_NAME);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(copy, "PRAGMA journal_mode = OFF", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *backup = sqlite3_backup_init(copy, "main", SQ(store)->db, "main");
        if (backup == NULL) {
            rc = sqlite3_errcode(copy);
        } else {
            rc = sqlite3_backup_step(backup, -1);
            int finish = sqlite3_backup_finish(backup);
            if (rc == SQLITE_DONE)
                rc = finish;
        }
    }
    if (rc != SQLITE_OK) {
        int system_errno = copy != NULL ? sqlite3_system_errno(copy) : 0;
        status = store_fail(store, (rc & 0xff) == SQLITE_FULL ? MB_IO : MB_DB,
                            "backing up to %s before migrating: %s%s%s", path,
                            copy != NULL ? sqlite3_errmsg(copy) : sqlite3_errstr(rc),
                            system_errno != 0 ? ": " : "",
                            system_errno != 0 ? strerror(system_errno) : "");
        goto out;
    }
    if (fsync(fd) != 0) {
        status = store_fail(store, MB_IO, "backing up to %s before migrating: %s", path,
                            strerror(errno));
        goto out;
    }
    if (!backup_name_is_ours(fd, path)) {
        status = store_fail(store, MB_IO,
                            "backup %s was moved or replaced while it was written "
                            "(is the directory writable by others?); not migrating",
                            path);
        named = false;
        goto out;
    }
out:
    sqlite3_close_v2(copy);
    if (status != MB_OK) {
        /* Best effort, the error already says what failed: nothing stays
         * under our name, and a copy we can no longer name is emptied. */
        if (named && backup_name_is_ours(fd, path)) {
            unlink(path);
        } else if (ftruncate(fd, 0) != 0) {
            /* nothing more to do: the error already says what failed */
        }
    }
    if (close(fd) != 0 && status == MB_OK)
        status = store_fail(store, MB_IO, "backing up to %s before migrating: %s", path,
                            strerror(errno));
    if (status == MB_OK && backup_path != NULL)
        *backup_path = path;
    else
        free(path);
    return status;
}

static void notify(struct store *store, const char *message)
{
    if (store->notice != NULL)
        store->notice(store->notice_context, message);
}

/* True when any table other than our version table has a row. */
static enum mb_status holds_data(struct store *store, bool *result)
{
    sqlite3_stmt *stmt = NULL;
    *result = false;
    int rc = sqlite3_prepare_v2(SQ(store)->db,
                                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                "AND name <> 'schema_revision'",
                                -1, &stmt, NULL);
    while (rc == SQLITE_OK && !*result && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("SELECT EXISTS (SELECT 1 FROM \"%w\")",
                                    (const char *)sqlite3_column_text(stmt, 0));
        int64_t any = 0;
        if (sql == NULL)
            rc = SQLITE_NOMEM;
        else if (store_query_int(store, sql, &any) != MB_OK)
            rc = SQLITE_ERROR;
        sqlite3_free(sql);
        if (any)
            *result = true;
        if (rc == SQLITE_ROW || rc == SQLITE_OK)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "looking for data before migrating");
    return MB_OK;
}

enum mb_status store_backup_before_migrating(struct store *store, int current,
                                            char **backup_path)
{
    bool data = false;
    enum mb_status status = holds_data(store, &data);
    if (status != MB_OK || !data)
        return status;
    char *path = NULL;
    status = take_backup(store, current, &path);
    if (status != MB_OK)
        return status;
    char *message = xasprintf("backup of revision %04d written to %s", current, path);
    notify(store, message);
    free(message);
    if (backup_path != NULL)
        *backup_path = path;
    else
        free(path);
    return MB_OK;
}
