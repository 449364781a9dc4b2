/* The one order in which a write that changes tags takes its row locks on
 * PostgreSQL, so that two such writes never wait for each other in a
 * circle (40P01 "deadlock detected" ends a write inside its transaction:
 * the store runs it again only outside one). tag_count's row of a tag is
 * changed by the triggers on tag (migrations/postgres 0005) and stays
 * locked to the commit; the other rows are those the same writes lock:
 *   1. the user deleted (a post or an edit that mentions them, or a new
 *      post of theirs, holds their row KEY SHARE first);
 *   2. post rows, by id: the posts written or deleted and the replies to
 *      the deleted ones (a new reply holds its parent KEY SHARE first);
 *   3. the authors' post_count rows, by user id (migrations/postgres 0002:
 *      author rows, then the total's slot);
 *   4. tag_count rows, in byte order of the tags (COLLATE "C").
 * A post and an edit take them so by themselves: the post row is written
 * first, the tag rows last and sorted (store_words_record). A deletion's
 * cascades go in no order of ours (tag rows in the order they lie on
 * disk, posts one by one with their tags), so store_tags_lock locks those
 * rows first, in this order, and the cascade then waits for nothing.
 * SQLite has one writer at a time: nothing to do there. */
#include "store/words.h"

#include <string.h>

#include "store/queries.h"

enum mb_status store_tags_lock(struct store *store, int64_t user_id, int64_t post_id)
{
    if (strcmp(store->backend->name, "sqlite") == 0)
        return MB_OK;
    struct store_value params[] = { store_value_int(user_id), store_value_int(post_id) };
    enum mb_status status = MB_OK;
    if (user_id != 0)
        status = store_run(store, QUERY_LOCK_USER, params, 1, NULL, NULL, NULL);
    if (status == MB_OK)
        status = store_run(store, QUERY_LOCK_POSTS, params, 2, NULL, NULL, NULL);
    if (status == MB_OK)
        status = store_run(store, QUERY_LOCK_POST_COUNTS, params, 2, NULL, NULL, NULL);
    if (status == MB_OK)
        status = store_run(store, QUERY_LOCK_TAG_COUNTS, params, 2, NULL, NULL, NULL);
    return status;
}
