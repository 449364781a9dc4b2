/* The SQLite side of the store's engine-neutral SQL (store/backend.h,
 * struct store_query): binds the parameters, steps the rows to the
 * caller's callback with their columns as store_values, and keeps the
 * statements of numbered slots prepared until the schema changes (as the
 * statement table does). SQLite reads ?1 placeholders and "user" as they
 * are written. A constraint failure becomes MB_EXISTS (unique) or
 * MB_NOT_FOUND (foreign key), as the PostgreSQL side maps SQLSTATEs. */
#include "store/store.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

static sqlite3_stmt *prepare(struct store *store, const struct store_query *query,
                             bool *kept)
{
    struct sqlite_engine *engine = SQ(store);
    *kept = query->slot >= 0 && query->slot < STORE_QUERY_SLOTS;
    if (*kept && engine->queries[query->slot] != NULL) {
        sqlite3_stmt *stmt = engine->queries[query->slot];
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return stmt;
    }
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(engine->db, query->sql, -1,
                                *kept ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, NULL);
    if (rc != SQLITE_OK) {
        store_fail_sqlite(store, rc, query->what);
        sqlite3_finalize(stmt);
        return NULL;
    }
    if (*kept)
        engine->queries[query->slot] = stmt;
    return stmt;
}

static enum mb_status failed(struct store *store, int rc, const char *what)
{
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return store_fail(store, MB_EXISTS, "%s: %s", what, sqlite3_errmsg(SQ(store)->db));
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return store_fail(store, MB_NOT_FOUND, "%s: %s", what, sqlite3_errmsg(SQ(store)->db));
    return store_fail_sqlite(store, rc, what);
}

enum mb_status store_sqlite_query(struct store *store, const struct store_query *query,
                                  const struct store_value *params, size_t count,
                                  store_row_fn row, void *context, int64_t *changes)
{
    bool kept = false;
    sqlite3_stmt *stmt = prepare(store, query, &kept);
    if (stmt == NULL)
        return MB_DB;
    for (size_t i = 0; i < count; i++) {
        int at = (int)i + 1;
        switch (params[i].type) {
        case STORE_VALUE_NULL:
            sqlite3_bind_null(stmt, at);
            break;
        case STORE_VALUE_INT:
            sqlite3_bind_int64(stmt, at, params[i].integer);
            break;
        case STORE_VALUE_TEXT:
            sqlite3_bind_text(stmt, at, params[i].text, -1, SQLITE_STATIC);
            break;
        }
    }
    enum mb_status status = MB_OK;
    int columns = sqlite3_column_count(stmt);
    struct store_value stack[16];
    struct store_value *values =
        columns <= 16 ? stack : xcalloc((size_t)columns, sizeof *values);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (row == NULL)
            continue;
        for (int c = 0; c < columns; c++) {
            switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_NULL:
                values[c] = (struct store_value){ .type = STORE_VALUE_NULL };
                break;
            case SQLITE_INTEGER:
                values[c] = (struct store_value){ .type = STORE_VALUE_INT,
                                                  .integer = sqlite3_column_int64(stmt, c) };
                break;
            default: {
                const unsigned char *text = sqlite3_column_text(stmt, c);
                values[c] = (struct store_value){ .type = STORE_VALUE_TEXT,
                                                  .text = text != NULL ? (const char *)text
                                                                       : "" };
                break;
            }
            }
        }
        status = row(context, values, (size_t)columns);
        if (status != MB_OK)
            break;
    }
    if (status == MB_OK && rc != SQLITE_DONE)
        status = failed(store, sqlite3_extended_errcode(SQ(store)->db), query->what);
    if (status == MB_OK && changes != NULL)
        *changes = sqlite3_changes64(SQ(store)->db);
    if (values != stack)
        free(values);
    if (kept) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    } else {
        sqlite3_finalize(stmt);
    }
    return status;
}
