/* The one order in which a write that changes tags takes its row locks on
 * PostgreSQL, so that two such writes never wait for each other in a
 * circle (40P01 "deadlock detected" ends a write inside its transaction:
 * the store runs it again only outside one). tag_count's row of a tag is
 * changed by the triggers on tag (migrations/postgres 0005) and stays
 * locked to the commit; the other rows are those the same writes lock:
 *   1. the user deleted (a post or an edit that mentions them, or a new
 *      post of theirs, holds their row KEY SHARE first);
 *   2. post rows, by id: the posts written or deleted and the replies to
 *      the deleted ones (a new reply holds its parent KEY SHARE first;
 *      one that committed while the deletion waited for it comes after);
 *   3. the authors' post_count rows, by user id (migrations/postgres 0002:
 *      author rows, then the total's slot);
 *   4. tag_count rows, in byte order of the tags (COLLATE "C").
 * A post and an edit take them so by themselves: the post row is written
 * first, the tag rows last and sorted (store_words_record). A deletion's
 * cascades go in no order of ours (tag rows in the order they lie on
 * disk, posts one by one with their tags), so store_tags_lock locks those
 * rows first, in this order, and the cascade then waits for nothing.
 * A batch (an import) adds many posts in one transaction: their tag rows
 * wait in a temporary table to its commit and are then written sorted,
 * as one post's. SQLite has one writer at a time: nothing of this there. */
#include "store/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/queries.h"

/* A batch's tag rows: up to BATCH_ROWS in memory, then in the temporary
 * table mb_batch_tag (dropped at the flush, and in any case with the
 * transaction), so that an import of any size keeps its memory flat. */
#define BATCH_ROWS 128
struct store_batch_tags {
    bool table; /* mb_batch_tag exists */
    size_t count;
    struct batch_tag {
        char *tag;
        int64_t timestamp, post_id;
    } rows[BATCH_ROWS];
};

static enum mb_status batch_run(struct store *store, const char *sql,
                                const struct store_value *params, size_t count)
{
    struct store_query query = { .slot = -1, .sql = sql, .what = "recording a batch's tags" };
    return store->backend->query(store, &query, params, count, NULL, NULL, NULL);
}

/* Moves the rows in memory to the table (made on first use). */
static enum mb_status batch_spill(struct store *store, struct store_batch_tags *batch)
{
    enum mb_status status = MB_OK;
    if (!batch->table) {
        status = batch_run(store,
                           "CREATE TEMPORARY TABLE mb_batch_tag (tag text COLLATE \"C\" NOT NULL, "
                           "timestamp bigint NOT NULL, post_id bigint NOT NULL) ON COMMIT DROP",
                           NULL, 0);
        batch->table = status == MB_OK;
    }
    char sql[64 + BATCH_ROWS * 24];
    struct store_value params[3 * BATCH_ROWS];
    size_t used = (size_t)snprintf(sql, sizeof sql, "INSERT INTO mb_batch_tag VALUES ");
    for (size_t i = 0; i < batch->count; i++) {
        used += (size_t)snprintf(sql + used, sizeof sql - used, "%s(?%zu, ?%zu, ?%zu)",
                                 i > 0 ? ", " : "", 3 * i + 1, 3 * i + 2, 3 * i + 3);
        params[3 * i] = store_value_text(batch->rows[i].tag);
        params[3 * i + 1] = store_value_int(batch->rows[i].timestamp);
        params[3 * i + 2] = store_value_int(batch->rows[i].post_id);
    }
    if (status == MB_OK && batch->count > 0)
        status = batch_run(store, sql, params, 3 * batch->count);
    for (size_t i = 0; i < batch->count; i++)
        free(batch->rows[i].tag);
    batch->count = 0;
    return status;
}

enum mb_status store_tags_defer(struct store *store, const char *tag, int64_t timestamp,
                                int64_t post_id)
{
    struct store_batch_tags *batch = store->batch_tags;
    if (batch == NULL)
        batch = store->batch_tags = xcalloc(1, sizeof *batch);
    batch->rows[batch->count++] =
        (struct batch_tag){ .tag = xstrdup(tag), .timestamp = timestamp, .post_id = post_id };
    return batch->count == BATCH_ROWS ? batch_spill(store, batch) : MB_OK;
}

enum mb_status store_tags_flush(struct store *store)
{
    struct store_batch_tags *batch = store->batch_tags;
    if (batch == NULL)
        return MB_OK;
    /* One statement, its rows (and so the triggers' tag_count rows) in
     * byte order of the tags. */
    enum mb_status status = batch_spill(store, batch);
    if (status == MB_OK)
        status = batch_run(store,
                           "INSERT INTO tag (tag, timestamp, post_id) SELECT b.tag, b.timestamp, "
                           "b.post_id FROM mb_batch_tag b ORDER BY b.tag, b.post_id "
                           "ON CONFLICT DO NOTHING",
                           NULL, 0);
    if (status == MB_OK)
        status = batch_run(store, "DROP TABLE mb_batch_tag", NULL, 0);
    store_tags_forget(store);
    return status;
}

void store_tags_forget(struct store *store)
{
    struct store_batch_tags *batch = store->batch_tags;
    if (batch == NULL)
        return;
    for (size_t i = 0; i < batch->count; i++)
        free(batch->rows[i].tag);
    free(batch);
    store->batch_tags = NULL;
}

/* The rows a deletion of post ?2, or of user ?1 with their posts (0: not
 * that one), changes, each set locked in its order. PostgreSQL only (FOR
 * UPDATE). Run unprepared (slot -1, no slot of store/queries.c's table
 * taken): planned with the values, "q.id = ?2 OR q.user_id = ?1" is two
 * index scans, where a generic plan read the whole post table. The
 * user's own rows come first (store_tags_lock runs LOCK_USER only for a
 * user). */
enum { LOCK_USER, LOCK_POSTS, LOCK_POST_COUNTS, LOCK_TAG_COUNTS, LOCK_COUNT };
static const struct {
    const char *sql;
    const char *what;
} locks[LOCK_COUNT] = {
    [LOCK_USER] = { "SELECT u.id FROM \"user\" u WHERE u.id = ?1 FOR UPDATE", "locking a user" },
    /* The posts deleted and the replies to them (reply_to set to NULL). */
    [LOCK_POSTS] = { "SELECT p.id FROM post p WHERE p.id IN ("
                     "SELECT q.id FROM post q WHERE q.id = ?2 OR q.user_id = ?1 UNION "
                     "SELECT r.id FROM post r JOIN post q ON q.id = r.reply_to "
                     "WHERE q.id = ?2 OR q.user_id = ?1) ORDER BY p.id FOR UPDATE",
                     "locking posts" },
    /* One author: the post's, or the user. */
    [LOCK_POST_COUNTS] = { "SELECT c.user_id FROM post_count c WHERE c.slot = 0 AND c.user_id = "
                           "coalesce((SELECT q.user_id FROM post q WHERE q.id = ?2), ?1) "
                           "FOR UPDATE",
                           "locking a post count" },
    [LOCK_TAG_COUNTS] = { "SELECT c.tag FROM tag_count c WHERE c.tag IN ("
                          "SELECT t.tag FROM tag t JOIN post q ON q.id = t.post_id "
                          "WHERE q.id = ?2 OR q.user_id = ?1) ORDER BY c.tag FOR UPDATE",
                          "locking tag counts" },
};

enum mb_status store_tags_lock(struct store *store, int64_t user_id, int64_t post_id)
{
    /* A deletion in a batch: what it put off first (the cascade must see it). */
    enum mb_status status = store_tags_flush(store);
    if (status != MB_OK || !store_on_server(store))
        return status;
    /* The posts twice: a reply being written when the first pass ran
     * holds its parent KEY SHARE, so the first pass waits for it to
     * commit, but its snapshot was taken before and does not see it (the
     * cascade would then set its reply_to, waiting on whoever edits it).
     * With the parents held no reply can start: the second pass, on a new
     * snapshot, sees and locks them all. */
    static const int steps[] = { LOCK_USER, LOCK_POSTS, LOCK_POSTS, LOCK_POST_COUNTS,
                                 LOCK_TAG_COUNTS };
    struct store_value params[] = { store_value_int(user_id), store_value_int(post_id) };
    for (size_t i = user_id != 0 ? 0 : 1; status == MB_OK && i < sizeof steps / sizeof *steps;
         i++) {
        int which = steps[i];
        struct store_query query = { .slot = -1, .sql = locks[which].sql,
                                     .what = locks[which].what };
        status = store->backend->query(store, &query, params, which == LOCK_USER ? 1 : 2, NULL,
                                       NULL, NULL);
    }
    return status;
}
