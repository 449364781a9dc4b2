/* The open-time checks: whether a file is ours (PRAGMA application_id),
 * how far behind or ahead of this binary it is, and what the policy
 * (auto_migrate) makes of that. store_schema_inspect only reads, so that a
 * foreign or newer database is refused before anything is written; the
 * connection (store/connection.c) then sets itself up for writing, and
 * store_schema_prepare marks a new file as ours and upgrades per policy. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite/sqlite.h"

#define VERSION_TABLE_SQL \
    "CREATE TABLE schema_revision (\n" \
    "    revision   INTEGER PRIMARY KEY,\n" \
    "    name       TEXT    NOT NULL,\n" \
    "    checksum   TEXT    NOT NULL,\n" \
    "    applied_at INTEGER NOT NULL\n" \
    ")"

static enum mb_status read_header(struct store *store, int64_t *application_id,
                                  int64_t *objects, struct mb_error *err)
{
    /* One statement, so both come from one snapshot: read separately, a
     * process initialising the file between them makes it look like a
     * foreign SQLite file (application_id 0 with a table in it). */
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(SQ(store)->db,
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

enum mb_status store_schema_inspect(struct store *store, enum store_migrate_policy policy,
                                    struct store_schema_state *state, struct mb_error *err)
{
    state->fresh = false;
    state->current = 0;
    state->writable = false;
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
        status = store_revision_current(store, &current);
        if (status != MB_OK)
            return mb_fail(err, MB_FOREIGN, "%s has no readable revision table: %s", store->path,
                           store->error);
    }
    int head = store_revision_head(store);
    if (current > head) {
        char have[96], know[96];
        store_format_revision(have, sizeof have, store, current);
        store_format_revision(know, sizeof know, store, head);
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

    if (sqlite3_db_readonly(SQ(store)->db, "main") == 1) {
        if (fresh)
            return mb_fail(err, MB_DENIED, "%s is read-only and empty", store->path);
        if (current < head && policy != STORE_MIGRATE_NONE)
            return mb_fail(err, MB_DENIED, "%s is read-only and needs `microblog-tui db upgrade`",
                           store->path);
        return MB_OK;
    }
    state->fresh = fresh;
    state->current = current;
    state->writable = true;
    return MB_OK;
}

enum mb_status store_schema_prepare(struct store *store, enum store_migrate_policy policy,
                                    const struct store_schema_state *state,
                                    struct mb_error *err)
{
    int current = state->current, head = store_revision_head(store);
    enum mb_status status;
    if (state->fresh) {
        status = initialise(store);
        if (status != MB_OK)
            return mb_fail(err, status, "initialising %s: %s", store->path, store->error);
        if (policy == STORE_MIGRATE_NONE)
            return MB_OK;
        status = store_migrate_up(store, -1, NULL);
        if (status != MB_OK)
            return mb_fail(err, status, "%s", store->error);
        return MB_OK;
    }
    if (current == head || policy == STORE_MIGRATE_NONE)
        return MB_OK;
    if (policy == STORE_MIGRATE_REFUSE) {
        char have[96], know[96];
        store_format_revision(have, sizeof have, store, current);
        store_format_revision(know, sizeof know, store, head);
        return mb_fail(err, MB_BEHIND,
                       "%s is at revision %s, behind head %s, and auto_migrate is off: "
                       "run `microblog-tui db upgrade`",
                       store->path, have, know);
    }
    char *backup = NULL;
    status = store_migrate_up(store, -1, &backup);
    free(backup);
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);
    return MB_OK;
}
