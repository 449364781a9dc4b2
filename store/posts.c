/* Posts, the rules that do not depend on the engine: who may post as
 * whom and when (store_authorize), the body's validation, who may delete
 * a post (asked inside the delete's write, since whose post it is decides
 * it), and the one write transaction around each change. Reading, counting
 * and keyset pages are the backend's (store/backend.h). */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

void store_post_clear(struct post *post)
{
    if (post == NULL)
        return;
    free(post->author);
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
    struct mb_error err;
    enum mb_status status = store_authorize(store, STORE_ACTION_POST_AS, user_id);
    if (status != MB_OK)
        return status;
    if (timestamp != 0 && store->mode != STORE_MODE_PERSONAL && !store->importing)
        return store_fail(store, MB_DENIED, "only an admin may set a post's time (import)");
    status = store_validate_body(body, &err);
    if (status != MB_OK)
        return store_fail(store, status, "%s", err.message);
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    status = store->backend->post_insert(store, user_id, body,
                                         timestamp != 0 ? timestamp : store_now(), id);
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
    if (status == MB_OK)
        status = store->backend->post_delete(store, id);
    return store_write_end(store, status);
}

enum mb_status store_post_count(struct store *store, int64_t user_id, int64_t *count)
{
    return store->backend->post_count(store, user_id, count);
}
