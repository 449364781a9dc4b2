/* Reading posts, for both engines: the one home of the post_filter rule
 * (which posts a listing shows), of the keyset pages over it, of the
 * conversations and of the row reader that fills struct post. Work in
 * progress (issue 11): moved here from store/posts.c first. */
#include "store/store.h"

#include "store/internal.h"

enum mb_status store_posts_page(struct store *store, const struct post_filter *filter,
                                const struct post_cursor *cursor, enum page_direction direction,
                                size_t limit, struct post_list *out)
{
    int64_t user_id = filter != NULL ? filter->author_id : 0;
    /* TEMPORARY (issue 11 in progress): only the author filter so far. */
    if (filter != NULL && (filter->following_of || filter->mentioning || filter->viewer_id))
        return store_fail(store, MB_INVALID, "this filter is not supported yet");
    enum mb_status status =
        store->backend->posts_page(store, user_id, cursor, direction, limit, out);
    if (status != MB_OK || direction != PAGE_NEWER)
        return status;
    /* Newer pages are read oldest first, to stay on the index; they are
     * returned newest first, as every page is. */
    for (size_t i = 0; i < out->count / 2; i++) {
        struct post swap = out->items[i];
        out->items[i] = out->items[out->count - 1 - i];
        out->items[out->count - 1 - i] = swap;
    }
    return MB_OK;
}
