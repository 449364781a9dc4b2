/* Posts, the rules that do not depend on the engine: who may post as
 * whom and when (store_authorize), the body's validation, who may delete
 * a post (asked inside the delete's write, since whose post it is decides
 * it), replies (the conversation a reply joins), edits (the author's
 * own, in every mode; never a private entry's), the mentions and tags
 * every write records (store/words.c), and the one write transaction
 * around each change. Private entries are written by store/private.c.
 * Reading, counting and keyset pages are the backend's (store/backend.h). */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/queries.h"
#include "store/words.h"

void store_post_clear(struct post *post)
{
    if (post == NULL)
        return;
    free(post->author);
    /* An unlocked private entry's text is wiped, not only freed. */
    if (post->is_private && post->body != NULL)
        crypto_wipe(post->body, strlen(post->body));
    free(post->body);
    free(post->reply_to_author);
    memset(post, 0, sizeof *post);
}

void store_post_list_free(struct post_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        store_post_clear(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

enum mb_status store_post_add(struct store *store, int64_t user_id, const char *body,
                              int64_t timestamp, int64_t *id)
{
    return store_post_reply(store, user_id, 0, body, timestamp, id);
}

/* The conversation a reply to post reply_to belongs to: the parent's, or
 * the parent itself when it starts one. Inside the write. */
static enum mb_status thread_of(struct store *store, int64_t reply_to, int64_t *thread_id)
{
    int64_t row[5] = { 0 };
    struct store_value params[] = { store_value_int(reply_to) };
    enum mb_status status = store_run(store, QUERY_POST_THREAD, params, 1, store_row_ints, row,
                                      NULL);
    if (status == MB_OK && row[0] == 0)
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)reply_to);
    if (status == MB_OK)
        *thread_id = row[1] != 0 ? row[1] : row[0];
    return status;
}

enum mb_status store_post_reply(struct store *store, int64_t user_id, int64_t reply_to,
                                const char *body, int64_t timestamp, int64_t *id)
{
    struct mb_error err;
    int64_t thread_id = 0, written = 0;
    enum mb_status status = store_authorize(store, STORE_ACTION_POST_AS, user_id);
    if (status != MB_OK)
        return status;
    if (timestamp != 0 && store->mode != STORE_MODE_PERSONAL && !store->importing)
        return store_fail(store, MB_DENIED, "only an admin may set a post's time (import)");
    status = store_validate_body(body, &err);
    if (status != MB_OK)
        return store_fail(store, status, "%s", err.message);
    if (timestamp == 0)
        timestamp = store_now();
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    if (reply_to != 0)
        status = thread_of(store, reply_to, &thread_id);
    if (status == MB_OK)
        status = store->backend->post_insert(store, user_id, body, timestamp, reply_to,
                                             thread_id, &written);
    if (status == MB_OK)
        status = store_words_record(store, written, user_id, timestamp, body, false);
    status = store_write_end(store, status);
    if (status == MB_OK && id != NULL)
        *id = written;
    return status;
}

enum mb_status store_post_edit(struct store *store, int64_t id, int64_t editor_id,
                               const char *body)
{
    struct mb_error err;
    enum mb_status status = store_authorize(store, STORE_ACTION_POST_AS, editor_id);
    if (status != MB_OK)
        return status;
    status = store_validate_body(body, &err);
    if (status != MB_OK)
        return store_fail(store, status, "%s", err.message);
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    /* Whose post it is decides, so it is read inside the write. */
    int64_t row[5] = { 0 };
    struct store_value params[] = { store_value_int(id), store_value_text(body),
                                    store_value_int(store_now()) };
    status = store_run(store, QUERY_POST_THREAD, params, 1, store_row_ints, row, NULL);
    if (status == MB_OK && row[0] == 0)
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)id);
    /* An edit speaks for the author: nobody else's, not even an admin's. */
    if (status == MB_OK && row[2] != editor_id)
        status = store_fail(store, MB_DENIED, "you can only edit your own posts");
    /* Its text is sealed: an edit would put the new one in the clear. */
    if (status == MB_OK && row[4] != 0)
        status = store_fail(store, MB_UNSUPPORTED, "private entries cannot be edited yet");
    if (status == MB_OK)
        status = store_run(store, QUERY_POST_EDIT, params, 3, NULL, NULL, NULL);
    if (status == MB_OK)
        status = store_words_record(store, id, editor_id, row[3], body, true);
    return store_write_end(store, status);
}

enum mb_status store_post_delete(struct store *store, int64_t id)
{
    enum mb_status status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    if (store->mode != STORE_MODE_PERSONAL) {
        struct post post = { 0 };
        status = store_post_get(store, id, &post);
        if (status == MB_OK)
            status = store_authorize(store, STORE_ACTION_POST_DELETE, post.user_id);
        store_post_clear(&post);
    }
    /* Its cascade deletes the tag rows in no order of ours. */
    if (status == MB_OK)
        status = store_tags_lock(store, 0, id);
    if (status == MB_OK)
        status = store->backend->post_delete(store, id);
    return store_write_end(store, status);
}

enum mb_status store_post_count(struct store *store, int64_t user_id, int64_t *count)
{
    return store->backend->post_count(store, user_id, count);
}
