/* TEMPORARY stubs (issue 11 in progress): replaced by store/social.c,
 * store/post_query.c and store/posts.c as they land. */
#include "store/store.h"

#include "store/internal.h"

enum mb_status store_conversation(struct store *store, int64_t post_id, const struct post_cursor *cursor, size_t limit, struct post_list *out)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_posts_count_newer(struct store *store, const struct post_filter *filter, const struct post_cursor *after, int64_t cap, int64_t *count)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}
