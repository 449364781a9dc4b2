/* TEMPORARY stubs (issue 11 in progress): replaced by store/social.c,
 * store/post_query.c and store/posts.c as they land. */
#include "store/store.h"

#include "store/internal.h"

enum mb_status store_post_reply(struct store *store, int64_t user_id, int64_t reply_to, const char *body, int64_t timestamp, int64_t *id)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_post_edit(struct store *store, int64_t id, int64_t editor_id, const char *body)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_conversation(struct store *store, int64_t post_id, const struct post_cursor *cursor, size_t limit, struct post_list *out)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_posts_count_newer(struct store *store, const struct post_filter *filter, const struct post_cursor *after, int64_t cap, int64_t *count)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_validate_about(const char *about, struct mb_error *err)
{
    (void)about; (void)err;
    return MB_UNSUPPORTED;
}

enum mb_status store_user_set_about(struct store *store, int64_t id, const char *about)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_user_seen(struct store *store, int64_t id)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_follow_counts(struct store *store, int64_t id, int64_t *followers, int64_t *following)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_follow(struct store *store, int64_t follower_id, int64_t followed_id)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_unfollow(struct store *store, int64_t follower_id, int64_t followed_id)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_is_following(struct store *store, int64_t follower_id, int64_t followed_id, bool *yes)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_follow_list(struct store *store, int64_t user_id, bool followers, const char *after, size_t limit, struct user_list *out)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_mute(struct store *store, int64_t user_id, int64_t muted_id)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_unmute(struct store *store, int64_t user_id, int64_t muted_id)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_mute_list(struct store *store, int64_t user_id, const char *after, size_t limit, struct user_list *out)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_read_mark_get(struct store *store, int64_t user_id, enum store_mark mark, struct post_cursor *at)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_read_mark_set(struct store *store, int64_t user_id, enum store_mark mark, const struct post_cursor *at)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}

enum mb_status store_mentions_unread(struct store *store, int64_t user_id, int64_t cap, int64_t *count)
{
    return store_fail(store, MB_UNSUPPORTED, "not implemented yet");
}
