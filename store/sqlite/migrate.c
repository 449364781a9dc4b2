/* SQLite's part of the revision runner (the rules of where to go and in
 * which order are store/revisions.c's): one step, the stamp, the history
 * and the current revision. Each revision runs in
 * one IMMEDIATE transaction together with its version bump, with foreign
 * keys switched off around it so that a revision may rebuild a table
 * (SQLite's 12-step procedure) and a foreign_key_check before COMMIT.
 * The applied revisions are rows of schema_revision (with a SHA-256 of
 * their SQL); PRAGMA user_version mirrors the current one. A database that
 * holds data is first copied beside itself (store/backup.c). Whether a file
 * is ours is decided at open (store/sqlite/schema_open.c); `db check` is
 * store/sqlite/schema_check.c; revision files are store/migration_files.c. */
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

/* Testing hook: fail just before one statement of one revision. */
static int fail_revision = -1;
static int fail_statement = -1;

void store_test_fail_migration(int revision, int statement)
{
    fail_revision = revision;
    fail_statement = statement;
}


enum mb_status store_revision_current(struct store *store, int *current)
{
    int64_t value = 0;
    enum mb_status status =
        store_query_int(store, "SELECT coalesce(max(revision), 0) FROM schema_revision", &value);
    if (status == MB_OK)
        *current = (int)value;
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
enum mb_status store_run_script(struct store *store, sqlite3 *db, int revision, const char *what,
                                const char *sql)
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
    int rc = sqlite3_prepare_v2(SQ(store)->db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
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
enum mb_status store_sqlite_revision_step(struct store *store, const struct migration *m,
                                          bool up)
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
    status = store_revision_current(store, &current);
    if (status == MB_OK && current != expected) {
        store_write_end(store, MB_INVALID); /* another process migrated it */
        status = MB_OK;
        goto out;
    }
    if (status == MB_OK)
        status = store_run_script(store, SQ(store)->db, m->revision, up ? "upgrade" : "downgrade",
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

enum mb_status store_sqlite_before_migrating(struct store *store, int current, int target,
                                             char **backup_path)
{
    (void)target;
    return store_backup_before_migrating(store, current, backup_path);
}

enum mb_status store_sqlite_stamp(struct store *store, int target)
{
    enum mb_status status = store_write_begin(store);
    if (status == MB_OK)
        status = store_exec(store, "DELETE FROM schema_revision");
    for (int r = 1; status == MB_OK && r <= target; r++) {
        const struct migration *m = store_migration_find(store, r);
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

enum mb_status store_sqlite_history(struct store *store, struct revision_info **out,
                                    size_t *count)
{
    sqlite3_stmt *stmt = NULL;
    size_t known = store->migrations->count, n = known;
    struct revision_info *items = xcalloc(known + 1, sizeof *items);
    for (size_t i = 0; i < known; i++) {
        items[i].revision = store->migrations->items[i].revision;
        items[i].name = store->migrations->items[i].name;
    }
    int rc = sqlite3_prepare_v2(SQ(store)->db,
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
