/* The SQLite backend's posts: inserting (the author must exist: a foreign
 * key), reading one, deleting, counting (kept by triggers: O(1)) and
 * keyset pages on (timestamp, id) in either direction. A page is read
 * completely and its statement reset at once, so no read transaction is
 * held while the caller waits for a key press. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

static char *column_text(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return xstrdup(text != NULL ? (const char *)text : "");
}

static void read_post(sqlite3_stmt *stmt, struct post *out)
{
    out->id = sqlite3_column_int64(stmt, 0);
    out->user_id = sqlite3_column_int64(stmt, 1);
    out->author = column_text(stmt, 2);
    out->body = column_text(stmt, 3);
    out->timestamp = sqlite3_column_int64(stmt, 4);
}

enum mb_status store_sqlite_post_insert(struct store *store, int64_t user_id, const char *body,
                                        int64_t timestamp, int64_t *id)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_POST_INSERT);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, timestamp);
    sqlite3_bind_int64(stmt, 3, user_id);
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

enum mb_status store_sqlite_post_get(struct store *store, int64_t id, struct post *out)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_POST_BY_ID);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    enum mb_status status = MB_OK;
    if (rc == SQLITE_ROW)
        read_post(stmt, out);
    else if (rc == SQLITE_DONE)
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)id);
    else
        status = store_fail_sqlite(store, rc, "reading a post");
    sqlite3_reset(stmt);
    return status;
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

enum mb_status store_sqlite_posts_page(struct store *store, int64_t user_id,
                                       const struct post_cursor *cursor,
                                       enum page_direction direction, size_t limit,
                                       struct post_list *out)
{
    static const enum store_statement table[2][2][2] = {
        /* [per user][newer][with cursor] */
        {{STMT_POSTS_ALL_NEWEST, STMT_POSTS_ALL_OLDER},
         {STMT_POSTS_ALL_OLDEST, STMT_POSTS_ALL_NEWER}},
        {{STMT_POSTS_USER_NEWEST, STMT_POSTS_USER_OLDER},
         {STMT_POSTS_USER_OLDEST, STMT_POSTS_USER_NEWER}},
    };
    bool newer = direction == PAGE_NEWER;
    sqlite3_stmt *stmt = store_statement(store, table[user_id != 0][newer][cursor != NULL]);
    if (stmt == NULL)
        return MB_DB;
    if (cursor != NULL) {
        sqlite3_bind_int64(stmt, 1, cursor->timestamp);
        sqlite3_bind_int64(stmt, 2, cursor->id);
    }
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)limit);
    if (user_id != 0)
        sqlite3_bind_int64(stmt, 4, user_id);

    struct post_list list = {0};
    if (limit > 0)
        list.items = xcalloc(limit, sizeof *list.items);
    int rc = SQLITE_DONE;
    while (list.count < limit && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
        read_post(stmt, &list.items[list.count++]);
    if (list.count == limit)
        rc = SQLITE_DONE;
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        store_post_list_free(&list);
        return store_fail_sqlite(store, rc, "reading posts");
    }
    *out = list;
    return MB_OK;
}
