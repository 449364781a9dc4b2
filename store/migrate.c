/* Schema revisions, in the spirit of Alembic: deciding at open time whether
 * a file is ours and how far behind or ahead of this binary it is, and the
 * runner behind `db upgrade/downgrade/stamp/check/history`. Each revision
 * runs in one IMMEDIATE transaction together with its version bump, with
 * foreign keys switched off around it so that a revision may rebuild a
 * table (SQLite's 12-step procedure) and a foreign_key_check before COMMIT.
 * The applied revisions are rows of schema_revision (with a SHA-256 of
 * their SQL); PRAGMA user_version mirrors the current one. A database that
 * holds data is first copied beside itself (take_backup), through the
 * descriptor that created the copy, never reopened by name. */
#include "store/store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/xalloc.h"
#include "store/internal.h"

#define VERSION_TABLE_SQL \
    "CREATE TABLE schema_revision (\n" \
    "    revision   INTEGER PRIMARY KEY,\n" \
    "    name       TEXT    NOT NULL,\n" \
    "    checksum   TEXT    NOT NULL,\n" \
    "    applied_at INTEGER NOT NULL\n" \
    ")"

/* Testing hook: fail just before one statement of one revision. */
static int fail_revision = -1;
static int fail_statement = -1;

void store_test_fail_migration(int revision, int statement)
{
    fail_revision = revision;
    fail_statement = statement;
}

static enum mb_status upgrade_to(struct store *store, int target, char **backup_path);

/* The authorizer of db check's scratch database: no other file. */
static int scratch_only(void *unused, int action, const char *a, const char *b, const char *c,
                        const char *d)
{
    (void)unused, (void)a, (void)b, (void)c, (void)d;
    return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

static int head_revision(const struct store *store)
{
    return (int)store->migrations->count;
}

static const struct migration *find_migration(const struct store *store, int revision)
{
    if (revision < 1 || (size_t)revision > store->migrations->count)
        return NULL;
    return &store->migrations->items[revision - 1];
}

static void notify(struct store *store, const char *message)
{
    if (store->notice != NULL)
        store->notice(store->notice_context, message);
}

static enum mb_status read_current(struct store *store, int *current)
{
    int64_t value = 0;
    enum mb_status status =
        store_query_int(store, "SELECT coalesce(max(revision), 0) FROM schema_revision", &value);
    if (status == MB_OK)
        *current = (int)value;
    return status;
}

static enum mb_status read_header(struct store *store, int64_t *application_id,
                                  int64_t *objects, struct mb_error *err)
{
    /* One statement, so both come from one snapshot: read separately, a
     * process initialising the file between them makes it look like a
     * foreign SQLite file (application_id 0 with a table in it). */
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(store->db,
                                "SELECT (SELECT application_id FROM pragma_application_id), "
                                "(SELECT count(*) FROM sqlite_schema)",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        *application_id = sqlite3_column_int64(stmt, 0);
        *objects = sqlite3_column_int64(stmt, 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    enum mb_status status = MB_OK;
    if (rc != SQLITE_OK)
        status = store_fail_sqlite(store, rc, "reading the database");
    if (status == MB_FOREIGN)
        return mb_fail(err, MB_FOREIGN, "%s is not a SQLite database: refusing to touch it",
                       store->path);
    if (status != MB_OK)
        return mb_fail(err, status, "cannot read %s: %s", store->path, store->error);
    return MB_OK;
}

/* Marks a brand-new file as ours and gives it the version table. Another
 * process may be doing the same: the check is repeated under the lock. */
static enum mb_status initialise(struct store *store)
{
    enum mb_status status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    int64_t application_id = 0, objects = 0;
    status = store_query_int(store, "PRAGMA application_id", &application_id);
    if (status == MB_OK)
        status = store_query_int(store, "SELECT count(*) FROM sqlite_schema", &objects);
    if (status == MB_OK && application_id == 0 && objects == 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d", STORE_APPLICATION_ID);
        status = store_exec(store, sql);
        if (status == MB_OK)
            status = store_exec(store, VERSION_TABLE_SQL);
    }
    return store_write_end(store, status);
}

static void format_revision(char *out, size_t size, const struct store *store, int revision)
{
    const struct migration *m = find_migration(store, revision);
    if (revision == 0)
        snprintf(out, size, "base");
    else if (m != NULL)
        snprintf(out, size, "%04d (%s)", revision, m->name);
    else
        snprintf(out, size, "%04d", revision);
}

enum mb_status store_migrations_prepare(struct store *store, enum store_migrate_policy policy,
                                        struct mb_error *err)
{
    int64_t application_id = 0, objects = 0;
    enum mb_status status = read_header(store, &application_id, &objects, err);
    if (status != MB_OK)
        return status;
    bool fresh = application_id == 0 && objects == 0;
    if (!fresh && application_id != STORE_APPLICATION_ID)
        return mb_fail(err, MB_FOREIGN,
                       "%s is a SQLite database that does not belong to microblog-tui "
                       "(application_id %lld): refusing to touch it",
                       store->path, (long long)application_id);

    int current = 0;
    if (!fresh) {
        status = read_current(store, &current);
        if (status != MB_OK)
            return mb_fail(err, MB_FOREIGN, "%s has no readable revision table: %s", store->path,
                           store->error);
    }
    int head = head_revision(store);
    if (current > head) {
        char have[96], know[96];
        format_revision(have, sizeof have, store, current);
        format_revision(know, sizeof know, store, head);
        if (policy != STORE_MIGRATE_NONE)
            return mb_fail(err, MB_NEWER,
                           "%s is at revision %s, newer than this program's head %s: "
                           "upgrade microblog-tui; the file was not changed",
                           store->path, have, know);
        store->newer = true;
        snprintf(store->error, sizeof store->error,
                 "%s is at revision %s, newer than this program's head %s: "
                 "refusing to change it", store->path, have, know);
        return MB_OK;
    }

    if (sqlite3_db_readonly(store->db, "main") == 1) {
        if (fresh)
            return mb_fail(err, MB_DENIED, "%s is read-only and empty", store->path);
        if (current < head && policy != STORE_MIGRATE_NONE)
            return mb_fail(err, MB_DENIED, "%s is read-only and needs `microblog-tui db upgrade`",
                           store->path);
        return MB_OK;
    }

    /* Only now, with the file known to be ours and not newer, write. */
    /* Switching a new file to WAL needs an exclusive lock, and SQLite
     * returns BUSY at once (no busy handler) when another process opening
     * the same new file holds a lock: retry within the busy timeout. */
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
    if (rc != SQLITE_OK) {
        status = store_fail_sqlite(store, rc, "setting WAL mode");
        return mb_fail(err, status, "%s", store->error);
    }
    status = store_exec(store, "PRAGMA foreign_keys = ON");
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);

    if (fresh) {
        status = initialise(store);
        if (status != MB_OK)
            return mb_fail(err, status, "initialising %s: %s", store->path, store->error);
        if (policy == STORE_MIGRATE_NONE)
            return MB_OK;
        status = upgrade_to(store, -1, NULL);
        if (status != MB_OK)
            return mb_fail(err, status, "%s", store->error);
        return MB_OK;
    }
    if (current == head || policy == STORE_MIGRATE_NONE)
        return MB_OK;
    if (policy == STORE_MIGRATE_REFUSE) {
        char have[96], know[96];
        format_revision(have, sizeof have, store, current);
        format_revision(know, sizeof know, store, head);
        return mb_fail(err, MB_BEHIND,
                       "%s is at revision %s, behind head %s, and auto_migrate is off: "
                       "run `microblog-tui db upgrade`",
                       store->path, have, know);
    }
    char *backup = NULL;
    status = upgrade_to(store, -1, &backup);
    free(backup);
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);
    return MB_OK;
}

/* True when any table other than our version table has a row. */
static enum mb_status holds_data(struct store *store, bool *result)
{
    sqlite3_stmt *stmt = NULL;
    *result = false;
    int rc = sqlite3_prepare_v2(store->db,
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
        sqlite3_backup *backup = sqlite3_backup_init(copy, "main", store->db, "main");
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

/* The statement with white space folded, cut to fit out (with "..."). */
static void describe_statement(char *out, size_t size, const char *sql, size_t len)
{
    size_t j = 0, limit = size - 4; /* room for "..." and the NUL */
    bool space = false, cut = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)sql[i];
        if (isspace(c)) {
            space = j > 0;
            continue;
        }
        if (j + (space ? 2 : 1) > limit) {
            cut = true;
            break;
        }
        if (space)
            out[j++] = ' ';
        space = false;
        out[j++] = (char)c;
    }
    if (cut) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

/* Runs every statement of sql; on failure records which one failed. */
static enum mb_status run_script(struct store *store, sqlite3 *db, int revision,
                                 const char *what, const char *sql)
{
    const char *next = sql;
    int index = 0;
    while (next != NULL && *next != '\0') {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(db, next, -1, &stmt, &tail);
        const char *start = next;
        next = tail;
        if (rc == SQLITE_OK && stmt == NULL)
            continue; /* only comments or white space left */
        /* A statement that fails to prepare leaves tail just past the bad
         * token: name it up to its semicolon instead. */
        size_t span = strlen(start);
        if (rc == SQLITE_OK && tail != NULL)
            span = (size_t)(tail - start);
        else if (strchr(start, ';') != NULL)
            span = (size_t)(strchr(start, ';') - start);
        char text[160];
        describe_statement(text, sizeof text, start, span);
        if (rc == SQLITE_OK && revision == fail_revision && index == fail_statement) {
            sqlite3_finalize(stmt);
            return store_fail(store, MB_DB,
                              "revision %04d %s failed at statement %d (%s): injected failure",
                              revision, what, index + 1, text);
        }
        if (rc == SQLITE_OK) {
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                ;
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            enum mb_status status =
                store_fail(store, (rc & 0xff) == SQLITE_BUSY ? MB_BUSY : MB_DB,
                           "revision %04d %s failed at statement %d (%s): %s", revision, what,
                           index + 1, text, sqlite3_errmsg(db));
            sqlite3_finalize(stmt);
            return status;
        }
        sqlite3_finalize(stmt);
        index++;
    }
    return MB_OK;
}

static enum mb_status check_foreign_keys(struct store *store, int revision)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(store->db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    enum mb_status status = MB_OK;
    if (rc == SQLITE_ROW)
        status = store_fail(store, MB_DB,
                            "revision %04d leaves a broken foreign key: row %lld of table %s "
                            "refers to a missing row of %s",
                            revision, (long long)sqlite3_column_int64(stmt, 1),
                            (const char *)sqlite3_column_text(stmt, 0),
                            (const char *)sqlite3_column_text(stmt, 2));
    else if (rc != SQLITE_DONE)
        status = store_fail_sqlite(store, rc, "checking foreign keys");
    sqlite3_finalize(stmt);
    return status;
}

static enum mb_status set_user_version(struct store *store, int revision)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", revision);
    return store_exec(store, sql);
}

/* One revision up (or down), atomically, with its version bump. `expected`
 * is the revision the database must be at; when another process got
 * there first the step is skipped. */
static enum mb_status step_revision(struct store *store, const struct migration *m, bool up)
{
    int expected = up ? m->revision - 1 : m->revision;
    enum mb_status status;

    store_statements_clear(store);
    /* foreign_keys cannot change inside a transaction. */
    status = store_exec(store, "PRAGMA foreign_keys = OFF");
    if (status != MB_OK)
        return status;
    status = store_write_begin(store);
    if (status != MB_OK)
        goto out;
    int current = 0;
    status = read_current(store, &current);
    if (status == MB_OK && current != expected) {
        store_write_end(store, MB_INVALID); /* another process migrated it */
        status = MB_OK;
        goto out;
    }
    if (status == MB_OK)
        status = run_script(store, store->db, m->revision, up ? "upgrade" : "downgrade",
                            up ? m->up_sql : m->down_sql);
    if (status == MB_OK)
        status = check_foreign_keys(store, m->revision);
    if (status == MB_OK && up) {
        char checksum[65];
        crypto_checksum_hex(m->up_sql, strlen(m->up_sql), checksum);
        char *sql = sqlite3_mprintf("INSERT INTO schema_revision (revision, name, checksum, "
                                    "applied_at) VALUES (%d, %Q, %Q, %lld)",
                                    m->revision, m->name, checksum, (long long)store_now());
        status = sql != NULL ? store_exec(store, sql) : MB_NOMEM;
        sqlite3_free(sql);
    } else if (status == MB_OK) {
        char sql[80];
        snprintf(sql, sizeof sql, "DELETE FROM schema_revision WHERE revision = %d",
                 m->revision);
        status = store_exec(store, sql);
    }
    if (status == MB_OK)
        status = set_user_version(store, up ? m->revision : m->revision - 1);
    status = store_write_end(store, status);
out:
    store_exec(store, "PRAGMA foreign_keys = ON");
    store_statements_clear(store);
    return status;
}

static enum mb_status backup_if_needed(struct store *store, int current, char **backup_path)
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

enum mb_status store_revision(struct store *store, int *current, int *head)
{
    enum mb_status status = read_current(store, current);
    if (status == MB_OK)
        *head = head_revision(store);
    return status;
}

/* Upgrades without asking who: the automatic upgrade at open runs the
 * program's own revisions to head, whoever opens the database. */
static enum mb_status upgrade_to(struct store *store, int target, char **backup_path)
{
    int head = head_revision(store), current = 0;
    if (backup_path != NULL)
        *backup_path = NULL;
    if (store->newer)
        return store_fail(store, MB_NEWER, "%s", store->error);
    if (target < 0)
        target = head;
    if (target > head)
        return store_fail(store, MB_INVALID, "unknown revision %04d (head is %04d)", target,
                          head);
    enum mb_status status = read_current(store, &current);
    if (status != MB_OK)
        return status;
    if (target < current)
        return store_fail(store, MB_INVALID,
                          "revision %04d is older than the current %04d: use db downgrade",
                          target, current);
    if (target == current)
        return MB_OK;
    status = backup_if_needed(store, current, backup_path);
    for (int r = current + 1; status == MB_OK && r <= target; r++)
        status = step_revision(store, find_migration(store, r), true);
    return status;
}

enum mb_status store_upgrade(struct store *store, int target, char **backup_path)
{
    if (backup_path != NULL)
        *backup_path = NULL;
    enum mb_status status = store_authorize(store, STORE_ACTION_MIGRATE, 0);
    if (status != MB_OK)
        return status;
    status = upgrade_to(store, target, backup_path);
    int current = 0, head = 0;
    /* Users of a database that reached revision 3 get their lookalike keys
     * now, as at any other open. */
    if (status == MB_OK && store_revision(store, &current, &head) == MB_OK && current >= 3)
        status = store_user_keys_backfill(store);
    return status;
}

enum mb_status store_downgrade(struct store *store, int target, char **backup_path)
{
    int current = 0;
    if (store_authorize(store, STORE_ACTION_MIGRATE, 0) != MB_OK)
        return MB_DENIED;
    if (backup_path != NULL)
        *backup_path = NULL;
    if (store->newer)
        return store_fail(store, MB_NEWER, "%s", store->error);
    enum mb_status status = read_current(store, &current);
    if (status != MB_OK)
        return status;
    if (target < 0)
        target = current > 0 ? current - 1 : 0;
    if (target > current)
        return store_fail(store, MB_INVALID,
                          "revision %04d is newer than the current %04d: use db upgrade",
                          target, current);
    if (target == current)
        return MB_OK;
    status = backup_if_needed(store, current, backup_path);
    for (int r = current; status == MB_OK && r > target; r--)
        status = step_revision(store, find_migration(store, r), false);
    return status;
}

enum mb_status store_stamp(struct store *store, int target)
{
    if (store_authorize(store, STORE_ACTION_MIGRATE, 0) != MB_OK)
        return MB_DENIED;
    int head = head_revision(store);
    if (store->newer)
        return store_fail(store, MB_NEWER, "%s", store->error);
    if (target < 0 || target > head)
        return store_fail(store, MB_INVALID, "unknown revision %04d (head is %04d)", target,
                          head);
    enum mb_status status = store_write_begin(store);
    if (status == MB_OK)
        status = store_exec(store, "DELETE FROM schema_revision");
    for (int r = 1; status == MB_OK && r <= target; r++) {
        const struct migration *m = find_migration(store, r);
        char checksum[65];
        crypto_checksum_hex(m->up_sql, strlen(m->up_sql), checksum);
        char *sql = sqlite3_mprintf("INSERT INTO schema_revision (revision, name, checksum, "
                                    "applied_at) VALUES (%d, %Q, %Q, %lld)",
                                    r, m->name, checksum, (long long)store_now());
        status = sql != NULL ? store_exec(store, sql) : MB_NOMEM;
        sqlite3_free(sql);
    }
    if (status == MB_OK)
        status = set_user_version(store, target);
    store_statements_clear(store);
    return store_write_end(store, status);
}

enum mb_status store_history(struct store *store, struct revision_info **out, size_t *count)
{
    sqlite3_stmt *stmt = NULL;
    size_t known = store->migrations->count, n = known;
    struct revision_info *items = xcalloc(known + 1, sizeof *items);
    for (size_t i = 0; i < known; i++) {
        items[i].revision = store->migrations->items[i].revision;
        items[i].name = store->migrations->items[i].name;
    }
    int rc = sqlite3_prepare_v2(store->db,
                                "SELECT revision, checksum, applied_at FROM schema_revision "
                                "ORDER BY revision",
                                -1, &stmt, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int revision = sqlite3_column_int(stmt, 0);
        const char *checksum = (const char *)sqlite3_column_text(stmt, 1);
        struct revision_info *info;
        if (revision >= 1 && (size_t)revision <= known) {
            info = &items[revision - 1];
            char expected[65];
            const char *sql = store->migrations->items[revision - 1].up_sql;
            crypto_checksum_hex(sql, strlen(sql), expected);
            info->checksum_changed = checksum == NULL || strcmp(checksum, expected) != 0;
        } else {
            items = xreallocarray(items, n + 1, sizeof *items);
            info = &items[n++];
            memset(info, 0, sizeof *info);
            info->revision = revision;
            info->name = "(unknown to this program)";
        }
        info->applied = true;
        info->applied_at = sqlite3_column_int64(stmt, 2);
        rc = SQLITE_OK;
    }
    enum mb_status status = MB_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        status = store_fail_sqlite(store, rc, "reading the revision history");
    sqlite3_finalize(stmt);
    if (status != MB_OK) {
        free(items);
        return status;
    }
    *out = items;
    *count = n;
    return MB_OK;
}

/* ---- db check -------------------------------------------------------- */

struct schema_entry {
    char *type;
    char *name;
    char *sql; /* normalised by normalise_sql() */
};

/* The CREATE text in a comparable form: white space folded, and double
 * quotes around identifiers dropped outside string literals, because
 * ALTER TABLE ... RENAME (step 11 of a table rebuild) stores the new name
 * quoted: CREATE TABLE "post" means what CREATE TABLE post means. */
static char *normalise_sql(const char *sql)
{
    if (sql == NULL)
        return xstrdup("");
    char *out = xmalloc(strlen(sql) + 1);
    size_t j = 0;
    bool space = false, in_string = false;
    for (const char *p = sql; *p != '\0'; p++) {
        if (!in_string && isspace((unsigned char)*p)) {
            space = j > 0;
            continue;
        }
        if (*p == '\'')
            in_string = !in_string;
        if (!in_string && *p == '"')
            continue;
        if (space)
            out[j++] = ' ';
        space = false;
        out[j++] = *p;
    }
    out[j] = '\0';
    return out;
}

static enum mb_status read_schema(sqlite3 *db, struct schema_entry **out, size_t *count)
{
    sqlite3_stmt *stmt = NULL;
    struct schema_entry *items = NULL;
    size_t n = 0;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT type, name, sql FROM sqlite_schema "
                                "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                "AND name <> 'schema_revision' ORDER BY type, name",
                                -1, &stmt, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        items = xreallocarray(items, n + 1, sizeof *items);
        items[n].type = xstrdup((const char *)sqlite3_column_text(stmt, 0));
        items[n].name = xstrdup((const char *)sqlite3_column_text(stmt, 1));
        items[n].sql = normalise_sql((const char *)sqlite3_column_text(stmt, 2));
        n++;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    *out = items;
    *count = n;
    return rc == SQLITE_DONE || rc == SQLITE_OK ? MB_OK : MB_DB;
}

static void free_schema(struct schema_entry *items, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(items[i].type);
        free(items[i].name);
        free(items[i].sql);
    }
    free(items);
}

static void append(char **report, size_t *len, const char *line)
{
    size_t add = strlen(line);
    *report = xrealloc(*report, *len + add + 2);
    memcpy(*report + *len, line, add);
    (*report)[*len + add] = '\n';
    *len += add + 1;
    (*report)[*len] = '\0';
}

enum mb_status store_check(struct store *store, char **report)
{
    sqlite3 *expected_db = NULL;
    struct schema_entry *live = NULL, *expected = NULL;
    size_t live_n = 0, expected_n = 0, len = 0;
    struct revision_info *history = NULL;
    size_t history_n = 0;
    char *text = NULL;
    int current = 0;
    enum mb_status status;
    *report = NULL;

    status = read_current(store, &current);
    if (status != MB_OK)
        goto out;
    status = store_history(store, &history, &history_n);
    if (status != MB_OK)
        goto out;
    if (sqlite3_open_v2(":memory:", &expected_db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        status = store_fail(store, MB_NOMEM, "cannot open an in-memory database");
        goto out;
    }
    /* The revisions may come from a directory (--migrations): in the
     * scratch database they reach nothing else, no ATTACH of a real file. */
    sqlite3_limit(expected_db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_set_authorizer(expected_db, scratch_only, NULL);
    for (int r = 1; r <= current && r <= head_revision(store); r++) {
        status = run_script(store, expected_db, r, "upgrade (in memory)",
                            find_migration(store, r)->up_sql);
        if (status != MB_OK)
            goto out;
    }
    if (read_schema(store->db, &live, &live_n) != MB_OK ||
        read_schema(expected_db, &expected, &expected_n) != MB_OK) {
        status = store_fail(store, MB_DB, "cannot read the schema");
        goto out;
    }
    for (size_t i = 0; i < history_n; i++) {
        char line[256];
        if (history[i].applied && history[i].checksum_changed) {
            snprintf(line, sizeof line,
                     "revision %04d (%s): its SQL changed after it was applied",
                     history[i].revision, history[i].name);
            append(&text, &len, line);
        } else if (history[i].applied && history[i].revision > head_revision(store)) {
            snprintf(line, sizeof line, "revision %04d is applied but unknown to this program",
                     history[i].revision);
            append(&text, &len, line);
        }
    }
    /* Both lists are sorted by (type, name): merge them. */
    size_t a = 0, b = 0;
    while (a < live_n || b < expected_n) {
        int order;
        if (a == live_n)
            order = 1;
        else if (b == expected_n)
            order = -1;
        else {
            order = strcmp(live[a].type, expected[b].type);
            if (order == 0)
                order = strcmp(live[a].name, expected[b].name);
        }
        char line[512];
        if (order < 0) {
            snprintf(line, sizeof line, "%s %s: in the database but not in the revisions",
                     live[a].type, live[a].name);
            a++;
        } else if (order > 0) {
            snprintf(line, sizeof line, "%s %s: in the revisions but missing from the database",
                     expected[b].type, expected[b].name);
            b++;
        } else {
            line[0] = '\0';
            if (strcmp(live[a].sql, expected[b].sql) != 0)
                snprintf(line, sizeof line,
                         "%s %s: definition differs\n  database:  %.200s\n  revisions: %.200s",
                         live[a].type, live[a].name, live[a].sql, expected[b].sql);
            a++;
            b++;
        }
        if (line[0] != '\0')
            append(&text, &len, line);
    }
    status = text == NULL ? MB_OK : MB_DRIFT;
    if (status == MB_DRIFT) {
        store_fail(store, MB_DRIFT, "the schema of %s differs from its revisions", store->path);
        *report = text;
        text = NULL;
    }
out:
    free(text);
    free(history);
    free_schema(live, live_n);
    free_schema(expected, expected_n);
    sqlite3_close_v2(expected_db);
    return status;
}

/* ---- revisions from a directory -------------------------------------- */

struct owned_set {
    struct migration_set set; /* first, so the public pointer converts back */
    struct migration *items;
};

static bool parse_file_name(const char *file, int *revision, char **name, bool *up)
{
    size_t len = strlen(file);
    if (len < 5 || !isdigit((unsigned char)file[0]) || !isdigit((unsigned char)file[1]) ||
        !isdigit((unsigned char)file[2]) || !isdigit((unsigned char)file[3]) || file[4] != '_')
        return false;
    size_t suffix;
    if (len > 7 && strcmp(file + len - 7, ".up.sql") == 0) {
        *up = true;
        suffix = 7;
    } else if (len > 9 && strcmp(file + len - 9, ".down.sql") == 0) {
        *up = false;
        suffix = 9;
    } else {
        return false;
    }
    if (len - suffix <= 5)
        return false;
    *revision = (file[0] - '0') * 1000 + (file[1] - '0') * 100 + (file[2] - '0') * 10 +
                (file[3] - '0');
    *name = xstrndup(file + 5, len - suffix - 5);
    for (char *p = *name; *p != '\0'; p++)
        if (*p == '_')
            *p = ' ';
    return true;
}

static char *read_whole_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = (cap + 4096) * 2;
            data = xrealloc(data, cap);
        }
        size_t got = fread(data + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(data);
        return NULL;
    }
    data[len] = '\0';
    return data;
}

void migration_set_free(struct migration_set *set)
{
    if (set == NULL || set == migrations_builtin())
        return;
    struct owned_set *owned = (struct owned_set *)set;
    for (size_t i = 0; i < owned->set.count; i++) {
        free((char *)owned->items[i].name);
        free((char *)owned->items[i].up_sql);
        free((char *)owned->items[i].down_sql);
    }
    free(owned->items);
    free(owned);
}

enum mb_status migration_set_load_dir(const char *dir, struct migration_set **out,
                                      struct mb_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return mb_fail(err, MB_NOT_FOUND, "cannot read migrations directory %s: %s", dir,
                       strerror(errno));
    struct owned_set *owned = xcalloc(1, sizeof *owned);
    enum mb_status status = MB_OK;
    size_t capacity = 0;
    struct dirent *entry;
    while (status == MB_OK && (entry = readdir(d)) != NULL) {
        int revision;
        char *name = NULL;
        bool up;
        if (!parse_file_name(entry->d_name, &revision, &name, &up))
            continue;
        if (revision < 1) {
            status = mb_fail(err, MB_INVALID, "%s/%s: revisions start at 0001", dir,
                             entry->d_name);
            free(name);
            break;
        }
        if ((size_t)revision > capacity) {
            size_t grown = (size_t)revision * 2;
            owned->items = xreallocarray(owned->items, grown, sizeof *owned->items);
            memset(owned->items + capacity, 0, (grown - capacity) * sizeof *owned->items);
            capacity = grown;
        }
        struct migration *m = &owned->items[revision - 1];
        if ((size_t)revision > owned->set.count)
            owned->set.count = (size_t)revision;
        char *path = xasprintf("%s/%s", dir, entry->d_name);
        char *sql = read_whole_file(path);
        if (sql == NULL) {
            status = mb_fail(err, MB_IO, "cannot read %s: %s", path, strerror(errno));
        } else if ((up ? m->up_sql : m->down_sql) != NULL) {
            status = mb_fail(err, MB_INVALID, "%s: a second file for revision %04d", path,
                             revision);
            free(sql);
        } else {
            m->revision = revision;
            if (up)
                m->up_sql = sql;
            else
                m->down_sql = sql;
            if (m->name == NULL) {
                m->name = name;
                name = NULL;
            }
        }
        free(path);
        free(name);
    }
    closedir(d);
    for (size_t i = 0; status == MB_OK && i < owned->set.count; i++) {
        const struct migration *m = &owned->items[i];
        if (m->up_sql == NULL || m->down_sql == NULL)
            status = mb_fail(err, MB_INVALID, "%s: revision %04zu is missing its %s file", dir,
                             i + 1, m->revision == 0 ? "up and down" :
                                    m->up_sql == NULL ? "up" : "down");
    }
    if (status == MB_OK && owned->set.count == 0)
        status = mb_fail(err, MB_INVALID, "%s holds no revisions (NNNN_name.up.sql)", dir);
    owned->set.items = owned->items;
    if (status != MB_OK) {
        migration_set_free(&owned->set);
        return status;
    }
    *out = &owned->set;
    return MB_OK;
}

enum mb_status migration_new(const char *dir, const char *message, char **up_path,
                             char **down_path, struct mb_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return mb_fail(err, MB_NOT_FOUND, "cannot read migrations directory %s: %s", dir,
                       strerror(errno));
    int highest = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        int revision;
        char *name = NULL;
        bool up;
        if (parse_file_name(entry->d_name, &revision, &name, &up) && revision > highest)
            highest = revision;
        free(name);
    }
    closedir(d);
    if (highest >= 9999)
        return mb_fail(err, MB_INVALID, "%s already holds revision 9999", dir);

    char slug[48];
    size_t j = 0;
    for (const char *p = message; *p != '\0' && j < sizeof slug - 1; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 0x80)
            slug[j++] = (char)tolower(c);
        else if (j > 0 && slug[j - 1] != '_')
            slug[j++] = '_';
    }
    while (j > 0 && slug[j - 1] == '_')
        j--;
    slug[j] = '\0';
    if (j == 0)
        return mb_fail(err, MB_INVALID, "the message must contain letters or digits");

    int revision = highest + 1;
    char *paths[2] = {
        xasprintf("%s/%04d_%s.up.sql", dir, revision, slug),
        xasprintf("%s/%04d_%s.down.sql", dir, revision, slug),
    };
    enum mb_status status = MB_OK;
    int written = 0;
    for (int i = 0; i < 2 && status == MB_OK; i++) {
        int fd = open(paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            status = mb_fail(err, MB_IO, "cannot create %s: %s", paths[i], strerror(errno));
            break;
        }
        char *body = xasprintf("-- Revision %04d (%s): %s.\n"
                               "-- %s SQL. The revision runs in one transaction with foreign\n"
                               "-- keys off and a foreign_key_check before COMMIT, so a table\n"
                               "-- may be rebuilt (SQLite's 12-step procedure).\n",
                               revision, i == 0 ? "upgrade" : "downgrade", message,
                               i == 0 ? "Upgrade" : "Downgrade");
        size_t len = strlen(body);
        if (write(fd, body, len) != (ssize_t)len)
            status = mb_fail(err, MB_IO, "cannot write %s: %s", paths[i], strerror(errno));
        free(body);
        if (close(fd) != 0 && status == MB_OK)
            status = mb_fail(err, MB_IO, "cannot write %s: %s", paths[i], strerror(errno));
        written++;
    }
    if (status != MB_OK) {
        for (int i = 0; i < written; i++)
            unlink(paths[i]);
        free(paths[0]);
        free(paths[1]);
        return status;
    }
    *up_path = paths[0];
    *down_path = paths[1];
    return MB_OK;
}
