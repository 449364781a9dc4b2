/* Posts on PostgreSQL: adding (an unknown author is "no user with id N",
 * from the foreign key), reading one, deleting (both with NOTIFY), counting
 * (sum(n) of the trigger-kept post_count rows: no scan) and keyset pages on
 * (timestamp, id) in either direction, read whole and cleared at once, so
 * no transaction outlives the call. Messages as store/posts.c's. */
#include "store/postgres/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static void read_post(const PGresult *result, int row, struct post *out)
{
    out->id = postgres_int(result, row, 0);
    out->user_id = postgres_int(result, row, 1);
    out->author = postgres_text(result, row, 2);
    if (out->author == NULL)
        out->author = xstrdup("");
    out->body = postgres_text(result, row, 3);
    if (out->body == NULL)
        out->body = xstrdup("");
    out->timestamp = postgres_int(result, row, 4);
}

enum mb_status postgres_post_insert(struct store *store, int64_t user_id, const char *body,
                                    int64_t timestamp, int64_t *id)
{
    char when[24], author[24];
    snprintf(when, sizeof when, "%" PRId64, timestamp != 0 ? timestamp : store_now());
    snprintf(author, sizeof author, "%" PRId64, user_id);
    const char *params[] = {body, when, author};
    PGresult *result = NULL;
    struct postgres_engine *engine = postgres_engine(store);
    if (store->in_batch && !engine->counting) {
        enum mb_status counting = postgres_exec(
            store, "SELECT set_config('microblog.counted_by_caller', 'on', true)",
            "starting a batch", NULL);
        if (counting != MB_OK)
            return counting;
        engine->counting = true;
    }
    enum mb_status status = postgres_run(store, PG_POST_INSERT, 3, params, "adding a post",
                                         &result);
    if (status == MB_NOT_FOUND)
        status = store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)user_id);
    if (status == MB_OK && id != NULL)
        *id = postgres_int(result, 0, 0);
    PQclear(result);
    if (status == MB_OK && engine->counting) {
        if (engine->counted_count == engine->counted_capacity) {
            engine->counted_capacity = engine->counted_capacity ? engine->counted_capacity * 2
                                                                : 256;
            engine->counted = xreallocarray(engine->counted, engine->counted_capacity,
                                            sizeof *engine->counted);
        }
        engine->counted[engine->counted_count++] = user_id;
    }
    if (status == MB_OK)
        status = postgres_notify(store, "post");
    return status;
}

static int compare_ids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

enum mb_status postgres_counts_flush(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    enum mb_status status = MB_OK;
    size_t n = engine->counted_count;
    if (!engine->counting || n == 0)
        goto out;
    qsort(engine->counted, n, sizeof *engine->counted, compare_ids);
    /* Authors in id order (the triggers' lock order), then one total slot
     * (chosen once: post_count_slot() is VOLATILE). Integers only. */
    for (size_t i = 0; status == MB_OK && i < n;) {
        size_t j = i;
        while (j < n && engine->counted[j] == engine->counted[i])
            j++;
        char sql[200];
        snprintf(sql, sizeof sql,
                 "INSERT INTO post_count (user_id, slot, n) VALUES (%" PRId64 ", 0, %zu) "
                 "ON CONFLICT (user_id, slot) DO UPDATE SET n = post_count.n + EXCLUDED.n",
                 engine->counted[i], j - i);
        status = postgres_exec(store, sql, "counting the batch's posts", NULL);
        i = j;
    }
    if (status == MB_OK) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "WITH s AS (SELECT post_count_slot() AS slot) UPDATE post_count "
                 "SET n = n + %zu FROM s WHERE post_count.user_id = 0 AND post_count.slot = s.slot",
                 n);
        status = postgres_exec(store, sql, "counting the batch's posts", NULL);
    }
out:
    postgres_counts_forget(store);
    return status;
}

void postgres_counts_forget(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    engine->counting = false;
    engine->counted_count = 0;
}

enum mb_status postgres_post_get(struct store *store, int64_t id, struct post *out)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, id);
    const char *params[] = {param};
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, PG_POST_BY_ID, 1, params, "reading a post",
                                         &result);
    if (status != MB_OK)
        return status;
    if (PQntuples(result) == 0)
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)id);
    else
        read_post(result, 0, out);
    PQclear(result);
    return status;
}

enum mb_status postgres_post_delete(struct store *store, int64_t id)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, id);
    const char *params[] = {param};
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, PG_POST_DELETE, 1, params, "deleting a post",
                                         &result);
    if (status == MB_OK && strcmp(PQcmdTuples(result), "0") == 0)
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)id);
    PQclear(result);
    if (status == MB_OK)
        status = postgres_notify(store, "post");
    return status;
}

enum mb_status postgres_post_count(struct store *store, int64_t user_id, int64_t *count)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, user_id);
    const char *params[] = {param};
    PGresult *result = NULL;
    enum mb_status status =
        postgres_run(store, user_id != 0 ? PG_POST_COUNT_USER : PG_POST_COUNT_ALL,
                     user_id != 0 ? 1 : 0, params, "counting posts", &result);
    if (status == MB_OK)
        *count = postgres_int(result, 0, 0);
    PQclear(result);
    return status;
}

enum mb_status postgres_posts_page(struct store *store, int64_t user_id,
                                   const struct post_cursor *cursor,
                                   enum page_direction direction, size_t limit,
                                   struct post_list *out)
{
    static const enum postgres_statement table[2][2][2] = {
        /* [per user][newer][with cursor] */
        {{PG_POSTS_ALL_NEWEST, PG_POSTS_ALL_OLDER}, {PG_POSTS_ALL_OLDEST, PG_POSTS_ALL_NEWER}},
        {{PG_POSTS_USER_NEWEST, PG_POSTS_USER_OLDER},
         {PG_POSTS_USER_OLDEST, PG_POSTS_USER_NEWER}},
    };
    bool newer = direction == PAGE_NEWER;
    char count[24], timestamp[24], id[24], author[24];
    const char *params[4];
    int used = 0;
    snprintf(count, sizeof count, "%zu", limit);
    params[used++] = count;
    if (user_id != 0) {
        snprintf(author, sizeof author, "%" PRId64, user_id);
        params[used++] = author;
    }
    if (cursor != NULL) {
        snprintf(timestamp, sizeof timestamp, "%" PRId64, cursor->timestamp);
        snprintf(id, sizeof id, "%" PRId64, cursor->id);
        params[used++] = timestamp;
        params[used++] = id;
    }
    PGresult *result = NULL;
    enum mb_status status =
        postgres_run(store, table[user_id != 0][newer][cursor != NULL], used, params,
                     "reading posts", &result);
    if (status != MB_OK)
        return status;
    struct post_list list = {0};
    int rows = PQntuples(result);
    if (rows > 0)
        list.items = xcalloc((size_t)rows, sizeof *list.items);
    for (int row = 0; row < rows; row++)
        read_post(result, row, &list.items[list.count++]);
    PQclear(result);
    *out = list;
    return MB_OK;
}
