/* Posts read one at a time or by conversation, and the one row reader
 * that turns STORE_POST_COLUMNS into struct post for every read of posts
 * (store/post_query.c's pages too), opening the private entries of the
 * author unlocked on the handle (store/private.c) once the rows are in. A conversation is its first post and
 * every reply in it, read as id = root OR thread_id = root on the
 * thread's own index (revision 0004), oldest first in keyset pages. */
#include "store/post_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/private.h"
#include "store/queries.h"

enum { POST_COLUMN_COUNT = 10 };

struct post_rows {
    struct store *store;
    struct post_list list;
    size_t capacity;
};

static char *column_text(const struct store_value *value, bool null_is_empty)
{
    if (value->type == STORE_VALUE_NULL)
        return null_is_empty ? xstrdup("") : NULL;
    if (value->type == STORE_VALUE_INT) {
        char number[24];
        snprintf(number, sizeof number, "%lld", (long long)value->integer);
        return xstrdup(number);
    }
    return xstrdup(value->text);
}

static enum mb_status read_post(void *context, const struct store_value *columns, size_t count)
{
    struct post_rows *rows = context;
    if (count != POST_COLUMN_COUNT)
        return store_fail(rows->store, MB_DB, "reading posts: %zu columns", count);
    if (rows->list.count == rows->capacity) {
        rows->capacity = rows->capacity ? rows->capacity * 2 : 16;
        rows->list.items = xreallocarray(rows->list.items, rows->capacity,
                                         sizeof *rows->list.items);
    }
    struct post *post = &rows->list.items[rows->list.count++];
    *post = (struct post){
        .id = store_value_as_int(&columns[0]),
        .user_id = store_value_as_int(&columns[1]),
        .author = column_text(&columns[2], true),
        .body = column_text(&columns[3], true),
        .timestamp = store_value_as_int(&columns[4]),
        .reply_to = store_value_as_int(&columns[5]),
        .reply_to_author = column_text(&columns[6], false),
        .thread_id = store_value_as_int(&columns[7]),
        .edited_at = store_value_as_int(&columns[8]),
        .is_private = store_value_as_int(&columns[9]) != 0,
    };
    return MB_OK;
}

enum mb_status store_posts_run(struct store *store, const struct store_query *query,
                                const struct store_value *params, size_t count,
                                struct post_list *out)
{
    struct post_rows rows = { .store = store };
    enum mb_status status =
        store->backend->query(store, query, params, count, read_post, &rows, NULL);
    if (status == MB_OK)
        status = store_private_open_posts(store, &rows.list);
    if (status != MB_OK) {
        store_post_list_free(&rows.list);
        return status;
    }
    *out = rows.list;
    return MB_OK;
}

enum mb_status store_post_get(struct store *store, int64_t id, struct post *out)
{
    static const struct store_query query = {
        .slot = STORE_SLOT_POST_GET,
        .sql = "SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.id = ?1",
        .what = "reading a post",
    };
    struct store_value param = store_value_int(id);
    struct post_list list = { 0 };
    enum mb_status status = store_posts_run(store, &query, &param, 1, &list);
    if (status != MB_OK)
        return status;
    if (list.count == 0) {
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)id);
    } else {
        *out = list.items[0];
        list.items[0] = (struct post){ 0 };
    }
    store_post_list_free(&list);
    return status;
}

enum mb_status store_conversation(struct store *store, int64_t post_id,
                                  const struct post_cursor *cursor, size_t limit,
                                  struct post_list *out)
{
    static const struct store_query root_query = {
        .slot = STORE_SLOT_THREAD_ROOT,
        .sql = "SELECT coalesce(p.thread_id, p.id) FROM post p WHERE p.id = ?1",
        .what = "reading a conversation",
    };
    /* The first post (when after the cursor), then the replies on
     * ix_post_thread (thread_id, timestamp): ?1 the root, ?2 ?3 the
     * cursor, ?4 the page size. */
#define AFTER(a) " AND " a ".timestamp >= ?2 AND (" a ".timestamp > ?2 OR " a ".id > ?3)"
    static const struct store_query page_query = {
        .slot = STORE_SLOT_THREAD_PAGE,
        .sql = "SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.id = ?1" AFTER("p")
               " UNION ALL SELECT * FROM (SELECT " STORE_POST_COLUMNS " FROM post p "
               "WHERE p.thread_id = ?1" AFTER("p")
               " ORDER BY p.timestamp ASC, p.id ASC LIMIT ?4) t ORDER BY 5, 1 LIMIT ?4",
        .what = "reading a conversation",
    };
#undef AFTER
    struct store_value param = store_value_int(post_id);
    int64_t root = 0;
    enum mb_status status =
        store->backend->query(store, &root_query, &param, 1, store_row_ints, &root, NULL);
    if (status != MB_OK)
        return status;
    if (root == 0)
        return store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)post_id);
    if (limit == 0) {
        *out = (struct post_list){ 0 };
        return MB_OK;
    }
    struct store_value params[4] = {
        store_value_int(root),
        store_value_int(cursor != NULL ? cursor->timestamp : INT64_MIN),
        store_value_int(cursor != NULL ? cursor->id : INT64_MIN),
        store_value_int((int64_t)limit),
    };
    return store_posts_run(store, &page_query, params, 4, out);
}
