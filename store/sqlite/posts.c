/* The SQLite backend's posts: inserting (the author must exist: a foreign
 * key), deleting and counting (kept by triggers: O(1)). Reading posts is
 * store/post_query.c's, through the query op. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

enum mb_status store_sqlite_post_insert(struct store *store, int64_t user_id, const char *body,
                                        int64_t timestamp, int64_t reply_to, int64_t thread_id,
                                        int64_t *id)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_POST_INSERT);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, timestamp);
    sqlite3_bind_int64(stmt, 3, user_id);
    /* Unbound stays NULL (the statement is reset and its bindings cleared). */
    if (reply_to != 0)
        sqlite3_bind_int64(stmt, 4, reply_to);
    if (thread_id != 0)
        sqlite3_bind_int64(stmt, 5, thread_id);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if ((rc & 0xff) == SQLITE_CONSTRAINT && rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)user_id);
    if (rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "adding a post");
    if (id != NULL)
        *id = sqlite3_last_insert_rowid(SQ(store)->db);
    return MB_OK;
}

enum mb_status store_sqlite_post_delete(struct store *store, int64_t id)
{
    return store_delete_row(store, STMT_POST_DELETE, id, "post");
}

enum mb_status store_sqlite_post_count(struct store *store, int64_t user_id, int64_t *count)
{
    sqlite3_stmt *stmt =
        store_statement(store, user_id != 0 ? STMT_POST_COUNT_USER : STMT_POST_COUNT_ALL);
    if (stmt == NULL)
        return MB_DB;
    if (user_id != 0)
        sqlite3_bind_int64(stmt, 1, user_id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW)
        return store_fail_sqlite(store, rc, "counting posts");
    return MB_OK;
}
