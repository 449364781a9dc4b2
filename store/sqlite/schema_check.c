/* `db check`: replays the applied revisions into a scratch in-memory
 * database and compares its schema with the live one, object by object
 * (CREATE text normalised), and reports revisions whose SQL changed after
 * they were applied or that this program does not know. The revisions may
 * come from a directory (--migrations), so the scratch database can reach
 * no other file. */
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

/* The authorizer of db check's scratch database: no other file. */
static int scratch_only(void *unused, int action, const char *a, const char *b, const char *c,
                        const char *d)
{
    (void)unused, (void)a, (void)b, (void)c, (void)d;
    return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

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

enum mb_status store_sqlite_check(struct store *store, char **report)
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

    status = store_revision_current(store, &current);
    if (status != MB_OK)
        goto out;
    status = store_sqlite_history(store, &history, &history_n);
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
    for (int r = 1; r <= current && r <= store_revision_head(store); r++) {
        status = store_run_script(store, expected_db, r, "upgrade (in memory)",
                                  store_migration_find(store, r)->up_sql);
        if (status != MB_OK)
            goto out;
    }
    if (read_schema(SQ(store)->db, &live, &live_n) != MB_OK ||
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
        } else if (history[i].applied && history[i].revision > store_revision_head(store)) {
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
