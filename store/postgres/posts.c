/* Posts on PostgreSQL: adding (an unknown author is "no user with id N",
 * from the foreign key), deleting (both with NOTIFY) and counting (sum(n)
 * of the trigger-kept post_count rows: no scan). Reading posts is
 * store/post_query.c's, through the query op. Messages as store/posts.c's. */
#include "store/postgres/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum mb_status postgres_post_insert(struct store *store, int64_t user_id, const char *body,
                                    int64_t timestamp, int64_t reply_to, int64_t thread_id,
                                    int64_t *id)
{
    char when[24], author[24], parent[24], thread[24];
    snprintf(when, sizeof when, "%" PRId64, timestamp != 0 ? timestamp : store_now());
    snprintf(author, sizeof author, "%" PRId64, user_id);
    snprintf(parent, sizeof parent, "%" PRId64, reply_to);
    snprintf(thread, sizeof thread, "%" PRId64, thread_id);
    /* 0: none, NULL. */
    const char *params[] = {body, when, author, reply_to != 0 ? parent : NULL,
                            thread_id != 0 ? thread : NULL};
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
    enum mb_status status = postgres_run(store, PG_POST_INSERT, 5, params, "adding a post",
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
