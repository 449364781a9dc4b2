/* The SQLite backend's statements and transactions: the table of prepared
 * statements indexed by an enum (prepared once, reset after every read so
 * no read transaction is held), SQLite result codes turned into statuses
 * and messages, and the write transaction (BEGIN IMMEDIATE, COMMIT that
 * empties the -wal, ROLLBACK), the deleted-or-replaced file check and
 * data_version that store/store.c calls through the backend table. */
#include "store/store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/sqlite/sqlite.h"

/* Users with their post count (kept by triggers) and profile (0004). Posts
 * are read by store/post_query.c through the query op. */
#define USER_COLUMNS \
    "SELECT u.id, u.username, u.email, u.password_hash IS NOT NULL, u.created_at, " \
    "coalesce((SELECT c.n FROM post_count c WHERE c.user_id = u.id), 0), u.about, u.last_seen " \
    "FROM user u "

static const char *const statement_sql[STMT_COUNT] = {
    [STMT_USER_INSERT] =
        "INSERT INTO user (username, email, password_hash, created_at, name_fold, name_skeleton) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_USER_BY_NAME] = USER_COLUMNS "WHERE u.username = ?1",
    [STMT_USER_BY_ID] = USER_COLUMNS "WHERE u.id = ?1",
    [STMT_USER_HASH] = "SELECT password_hash FROM user WHERE id = ?1",
    [STMT_USER_SET_HASH] = "UPDATE user SET password_hash = ?2 WHERE id = ?1",
    [STMT_USER_DELETE] = "DELETE FROM user WHERE id = ?1",
    [STMT_USER_NAME_TAKEN] = "SELECT username FROM user WHERE username = ?1",
    [STMT_USER_EMAIL_TAKEN] = "SELECT username FROM user WHERE email = ?1",
    /* Lookalike names (migration 0003): two index lookups. */
    [STMT_USER_LOOKALIKE] =
        "SELECT username FROM user WHERE name_fold = ?1 OR name_skeleton = ?2 LIMIT 1",
    [STMT_USER_KEYS_MISSING] = "SELECT id, username FROM user WHERE name_fold IS NULL LIMIT ?1",
    [STMT_USER_SET_KEYS] = "UPDATE user SET name_fold = ?2, name_skeleton = ?3 WHERE id = ?1",
    [STMT_USER_LOOKALIKE_PAIRS] =
        "SELECT a.username, b.username FROM user a JOIN user b ON b.id > a.id "
        "AND (b.name_fold = a.name_fold OR b.name_skeleton = a.name_skeleton) "
        "ORDER BY a.id, b.id",
    [STMT_USER_LIST_ASC_FIRST] = USER_COLUMNS "ORDER BY u.username ASC LIMIT ?2",
    [STMT_USER_LIST_ASC_AFTER] =
        USER_COLUMNS "WHERE u.username > ?1 ORDER BY u.username ASC LIMIT ?2",
    [STMT_USER_LIST_DESC_FIRST] = USER_COLUMNS "ORDER BY u.username DESC LIMIT ?2",
    [STMT_USER_LIST_DESC_AFTER] =
        USER_COLUMNS "WHERE u.username < ?1 ORDER BY u.username DESC LIMIT ?2",
    [STMT_POST_INSERT] = "INSERT INTO post (body, timestamp, user_id, reply_to, thread_id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_POST_DELETE] = "DELETE FROM post WHERE id = ?1",
    /* Counts are kept by triggers (migration 0002): reading them is O(1). */
    [STMT_POST_COUNT_ALL] = "SELECT coalesce((SELECT n FROM post_count WHERE user_id = 0), 0)",
    [STMT_POST_COUNT_USER] =
        "SELECT coalesce((SELECT n FROM post_count WHERE user_id = ?1), 0)",
};

enum mb_status store_status_from_sqlite(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return MB_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return MB_BUSY;
    case SQLITE_NOMEM:
        return MB_NOMEM;
    case SQLITE_CONSTRAINT:
        return MB_INVALID;
    case SQLITE_NOTADB:
        return MB_FOREIGN;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return MB_DENIED;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
        return MB_IO;
    default:
        return MB_DB;
    }
}

enum mb_status store_fail_sqlite(struct store *store, int rc, const char *what)
{
    const char *message = SQ(store) != NULL && SQ(store)->db != NULL ? sqlite3_errmsg(SQ(store)->db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_BUSY)
        return store_fail(store, MB_BUSY,
                          "%s: the database is locked by another process (waited up to %d ms); "
                          "nothing was written, try again",
                          what, store->busy_timeout_ms);
    /* An I/O error says little by itself: the system's errno says why
     * (a full disk often shows up as an I/O error on the -shm file). */
    int system_errno = SQ(store) != NULL && SQ(store)->db != NULL ? sqlite3_system_errno(SQ(store)->db) : 0;
    if ((rc & 0xff) == SQLITE_FULL ||
        ((rc & 0xff) == SQLITE_IOERR && (system_errno == ENOSPC || system_errno == EDQUOT)))
        return store_fail(store, MB_IO, "%s: the disk is full (%s)", what, store->path);
    if (((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN) && system_errno != 0)
        return store_fail(store, store_status_from_sqlite(rc), "%s: %s (%s)", what, message,
                          strerror(system_errno));
    if ((rc & 0xff) == SQLITE_READONLY)
        return store_fail(store, MB_DENIED, "%s: %s is read-only", what, store->path);
    return store_fail(store, store_status_from_sqlite(rc), "%s: %s", what, message);
}

sqlite3_stmt *store_statement(struct store *store, enum store_statement which)
{
    sqlite3_stmt *stmt = SQ(store)->statements[which];
    if (stmt == NULL) {
        int rc = sqlite3_prepare_v3(SQ(store)->db, statement_sql[which], -1,
                                    SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
        if (rc != SQLITE_OK) {
            store_fail_sqlite(store, rc, "preparing a query");
            sqlite3_finalize(stmt);
            return NULL;
        }
        SQ(store)->statements[which] = stmt;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return stmt;
}

const char *store_statement_sql(enum store_statement which)
{
    return statement_sql[which];
}

void store_statements_clear(struct store *store)
{
    for (size_t i = 0; i < STMT_COUNT; i++) {
        sqlite3_finalize(SQ(store)->statements[i]);
        SQ(store)->statements[i] = NULL;
    }
    for (size_t i = 0; i < STORE_QUERY_SLOTS; i++) {
        sqlite3_finalize(SQ(store)->queries[i]);
        SQ(store)->queries[i] = NULL;
    }
}

enum mb_status store_exec(struct store *store, const char *sql)
{
    int rc = sqlite3_exec(SQ(store)->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_fail_sqlite(store, rc, "database");
    return MB_OK;
}

enum mb_status store_query_int(struct store *store, const char *sql, int64_t *out)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(SQ(store)->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return store_fail_sqlite(store, rc, "reading the database");
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(stmt, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = SQLITE_OK;
    }
    enum mb_status status = MB_OK;
    if (rc != SQLITE_OK)
        status = store_fail_sqlite(store, rc, "reading the database");
    sqlite3_finalize(stmt);
    return status;
}

enum mb_status store_sqlite_file_check(struct store *store)
{
    struct stat st;
    /* The file we hold: rm, or another file renamed over it, leaves it
     * with no name at all. */
    bool unlinked = SQ(store)->file_fd >= 0 && fstat(SQ(store)->file_fd, &st) == 0 && st.st_nlink == 0;
    if (!unlinked) {
        if (stat(store->path, &st) == 0) {
            if (st.st_dev == SQ(store)->file_device && st.st_ino == SQ(store)->file_inode)
                return MB_OK;
        } else if ((errno == EACCES || errno == EPERM) && SQ(store)->file_fd >= 0) {
            /* In shared mode the group that can see the path is given up
             * after opening; the held file's link count still tells. */
            return MB_OK;
        }
    }
    return store_fail(store, MB_REPLACED,
                      "%s was deleted or replaced since it was opened: nothing was written "
                      "(start again to open the file that is there now)", store->path);
}

enum mb_status store_sqlite_begin(struct store *store)
{
    /* IMMEDIATE takes the write lock now, inside the busy timeout, so a
     * write never fails half-way with "database is locked". */
    int rc = sqlite3_exec(SQ(store)->db, SQ(store)->deferred_writes ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_fail_sqlite(store, rc, "starting a write");
    return MB_OK;
}

/* The -wal file belongs to the name, not to the file: if the database is
 * later deleted or replaced (mv other.db x.db) while this connection is
 * open, whoever opens the new x.db replays the frames left in x.db-wal
 * into it, and the other file's posts are lost. So an interactive session
 * moves each commit into the database file and truncates the -wal at once.
 * Best effort and never waiting: with readers in the way it is left to the
 * next commit or to the last connection's close. */
static void empty_the_wal(struct store *store)
{
    if (!SQ(store)->checkpoint_after_write)
        return;
    SQ(store)->no_busy_wait = true;
    sqlite3_wal_checkpoint_v2(SQ(store)->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    SQ(store)->no_busy_wait = false;
}

enum mb_status store_sqlite_commit(struct store *store)
{
    int rc = sqlite3_exec(SQ(store)->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_fail_sqlite(store, rc, "committing");
    empty_the_wal(store);
    return MB_OK;
}

void store_sqlite_rollback(struct store *store)
{
    if (!sqlite3_get_autocommit(SQ(store)->db))
        sqlite3_exec(SQ(store)->db, "ROLLBACK", NULL, NULL, NULL);
}

enum mb_status store_delete_row(struct store *store, enum store_statement which, int64_t id,
                                const char *what)
{
    sqlite3_stmt *stmt = store_statement(store, which);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        char action[48];
        snprintf(action, sizeof action, "deleting a %s", what);
        return store_fail_sqlite(store, rc, action);
    }
    if (sqlite3_changes(SQ(store)->db) == 0)
        return store_fail(store, MB_NOT_FOUND, "no %s with id %lld", what, (long long)id);
    return MB_OK;
}

enum mb_status store_sqlite_data_version(struct store *store, uint64_t *version)
{
    int64_t value = 0;
    enum mb_status status = store_query_int(store, "PRAGMA data_version", &value);
    if (status == MB_OK)
        *version = (uint64_t)value;
    return status;
}
