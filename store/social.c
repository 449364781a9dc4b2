/* Profiles, follows, mutes and read positions, for both engines (the
 * SQL is store/queries.c's): who may (store_authorize: your own profile,
 * or anyone's for an admin; follows, mutes and marks only as yourself),
 * the messages, the write transaction around each change, and the small
 * reads beside them. Writes that a read shows to be no-ops (last seen a
 * moment ago, a read position already past) take no write lock: the TUI
 * calls them on every refresh. Replies, edits and mentions are
 * store/posts.c's and store/mentions.c's. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/internal.h"
#include "store/queries.h"

/* last_seen is written at most once per this many seconds. */
#define SEEN_INTERVAL 60

enum mb_status store_user_set_about(struct store *store, int64_t id, const char *about)
{
    struct mb_error err;
    enum mb_status status = store_authorize(store, STORE_ACTION_PROFILE, id);
    if (status != MB_OK)
        return status;
    if (about != NULL && about[0] == '\0')
        about = NULL;
    if (about != NULL && (status = store_validate_about(about, &err)) != MB_OK)
        return store_fail(store, status, "%s", err.message);
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    int64_t changes = 0;
    struct store_value params[] = { store_value_int(id), store_value_text(about) };
    status = store_run(store, QUERY_USER_SET_ABOUT, params, 2, NULL, NULL, &changes);
    if (status == MB_OK && changes == 0)
        status = store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    return store_write_end(store, status);
}

enum mb_status store_user_seen(struct store *store, int64_t id)
{
    enum mb_status status = store_authorize(store, STORE_ACTION_ACT_AS, id);
    if (status != MB_OK)
        return status;
    int64_t now = store_now(), row[2] = { 0, 0 };
    struct store_value params[] = { store_value_int(id), store_value_int(now),
                                    store_value_int(now - SEEN_INTERVAL) };
    status = store_run(store, QUERY_USER_LAST_SEEN, params, 1, store_row_ints, row, NULL);
    if (status == MB_OK && row[0] == 0)
        return store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    if (status != MB_OK || (row[1] != 0 && row[1] > now - SEEN_INTERVAL))
        return status;
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    status = store_run(store, QUERY_USER_SET_SEEN, params, 3, NULL, NULL, NULL);
    return store_write_end(store, status);
}

enum mb_status store_follow_counts(struct store *store, int64_t id, int64_t *followers,
                                   int64_t *following)
{
    int64_t row[2] = { 0, 0 };
    struct store_value params[] = { store_value_int(id) };
    enum mb_status status = store_run(store, QUERY_FOLLOW_COUNTS, params, 1, store_row_ints,
                                      row, NULL);
    if (status != MB_OK)
        return status;
    *followers = row[0];
    *following = row[1];
    return MB_OK;
}

/* Follows and mutes are the same shape: a row (subject, object) that one
 * person adds and removes for themselves. */
enum relation { RELATION_FOLLOW, RELATION_MUTE };

static const struct {
    enum store_query_id insert, remove, page;
    const char *verb;  /* "you already follow 'b'" */
} relations[] = {
    [RELATION_FOLLOW] = { QUERY_FOLLOW_INSERT, QUERY_FOLLOW_DELETE, QUERY_FOLLOWING_PAGE,
                          "follow" },
    [RELATION_MUTE] = { QUERY_MUTE_INSERT, QUERY_MUTE_DELETE, QUERY_MUTE_PAGE, "mute" },
};

static enum mb_status relate(struct store *store, enum relation relation, int64_t subject,
                             int64_t object, bool add)
{
    const char *verb = relations[relation].verb;
    struct user other = { 0 };
    enum mb_status status = store_authorize(store, STORE_ACTION_ACT_AS, subject);
    if (status != MB_OK)
        return status;
    if (subject == object)
        return store_fail(store, MB_INVALID, "you cannot %s yourself", verb);
    status = store_user_get_by_id(store, object, &other);
    if (status == MB_NOT_FOUND)
        return store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)object);
    if (status != MB_OK)
        return status;
    status = store_write_begin(store);
    if (status == MB_OK) {
        int64_t changes = 0;
        struct store_value params[] = { store_value_int(subject), store_value_int(object),
                                        store_value_int(store_now()) };
        status = store_run(store, add ? relations[relation].insert : relations[relation].remove,
                           params, add ? 3 : 2, NULL, NULL, &changes);
        if (status == MB_OK && changes == 0 && add)
            status = store_fail(store, MB_EXISTS, "you already %s '%s'", verb, other.username);
        else if (status == MB_OK && changes == 0)
            status = store_fail(store, MB_NOT_FOUND, "you do not %s '%s'", verb,
                                other.username);
        status = store_write_end(store, status);
    }
    store_user_clear(&other);
    return status;
}

enum mb_status store_follow(struct store *store, int64_t follower_id, int64_t followed_id)
{
    return relate(store, RELATION_FOLLOW, follower_id, followed_id, true);
}

enum mb_status store_unfollow(struct store *store, int64_t follower_id, int64_t followed_id)
{
    return relate(store, RELATION_FOLLOW, follower_id, followed_id, false);
}

enum mb_status store_mute(struct store *store, int64_t user_id, int64_t muted_id)
{
    return relate(store, RELATION_MUTE, user_id, muted_id, true);
}

enum mb_status store_unmute(struct store *store, int64_t user_id, int64_t muted_id)
{
    return relate(store, RELATION_MUTE, user_id, muted_id, false);
}

enum mb_status store_is_following(struct store *store, int64_t follower_id,
                                  int64_t followed_id, bool *yes)
{
    bool found = false;
    struct store_value params[] = { store_value_int(follower_id), store_value_int(followed_id) };
    enum mb_status status = store_run(store, QUERY_FOLLOW_EXISTS, params, 2, store_row_exists,
                                      &found, NULL);
    if (status == MB_OK)
        *yes = found;
    return status;
}

/* ---- pages of users (queries.c's USER_ROW) ---- */

struct user_page {
    struct store *store;
    struct user_list list;
    size_t capacity;
};

static char *copy_text(const struct store_value *value)
{
    return value->type == STORE_VALUE_NULL ? NULL : xstrdup(value->text);
}

static enum mb_status read_user(void *context, const struct store_value *columns, size_t count)
{
    struct user_page *page = context;
    if (count < 8)
        return store_fail(page->store, MB_DB, "reading users: %zu columns", count);
    if (page->list.count == page->capacity) {
        page->capacity = page->capacity != 0 ? page->capacity * 2 : 16;
        page->list.items = xreallocarray(page->list.items, page->capacity,
                                         sizeof *page->list.items);
    }
    struct user *user = &page->list.items[page->list.count++];
    memset(user, 0, sizeof *user);
    user->id = store_value_as_int(&columns[0]);
    user->username = copy_text(&columns[1]);
    if (user->username == NULL)
        user->username = xstrdup("");
    user->email = copy_text(&columns[2]);
    user->has_password = store_value_as_int(&columns[3]) != 0;
    user->created_at = store_value_as_int(&columns[4]);
    user->post_count = store_value_as_int(&columns[5]);
    user->about = copy_text(&columns[6]);
    user->last_seen = store_value_as_int(&columns[7]);
    return MB_OK;
}

/* A page of which's users of user_id after `after`, by name ignoring
 * (ASCII) case: the key is lowered here as lower() lowers it in SQL. */
static enum mb_status user_page(struct store *store, enum store_query_id which, int64_t user_id,
                                const char *after, size_t limit, struct user_list *out)
{
    char *key = xstrdup(after != NULL ? after : "");
    for (char *p = key; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    struct user_page page = { store, { NULL, 0 }, 0 };
    struct store_value params[] = { store_value_int(user_id), store_value_text(key),
                                    store_value_int((int64_t)limit) };
    enum mb_status status = store_run(store, which, params, 3, read_user, &page, NULL);
    free(key);
    if (status != MB_OK) {
        store_user_list_free(&page.list);
        return status;
    }
    *out = page.list;
    return MB_OK;
}

enum mb_status store_follow_list(struct store *store, int64_t user_id, bool followers,
                                 const char *after, size_t limit, struct user_list *out)
{
    return user_page(store, followers ? QUERY_FOLLOWERS_PAGE : QUERY_FOLLOWING_PAGE, user_id,
                     after, limit, out);
}

enum mb_status store_mute_list(struct store *store, int64_t user_id, const char *after,
                               size_t limit, struct user_list *out)
{
    /* Whom someone mutes is theirs alone (follows are public). */
    enum mb_status status = store_authorize(store, STORE_ACTION_ACT_AS, user_id);
    if (status != MB_OK)
        return status;
    return user_page(store, relations[RELATION_MUTE].page, user_id, after, limit, out);
}

/* ---- read positions ---- */

static const char *const mark_views[] = {
    [STORE_MARK_TIMELINE] = "timeline",
    [STORE_MARK_MENTIONS] = "mentions",
};

static bool mark_known(enum store_mark mark)
{
    return (size_t)mark < sizeof mark_views / sizeof mark_views[0];
}

enum mb_status store_read_mark_get(struct store *store, int64_t user_id, enum store_mark mark,
                                   struct post_cursor *at)
{
    if (!mark_known(mark))
        return store_fail(store, MB_INVALID, "no such read position");
    /* Where someone has read up to is theirs alone. */
    enum mb_status status = store_authorize(store, STORE_ACTION_ACT_AS, user_id);
    if (status != MB_OK)
        return status;
    int64_t row[2] = { 0, 0 };
    struct store_value params[] = { store_value_int(user_id), store_value_text(mark_views[mark]) };
    status = store_run(store, QUERY_MARK_GET, params, 2, store_row_ints, row, NULL);
    if (status != MB_OK)
        return status;
    at->timestamp = row[0];
    at->id = row[1];
    return MB_OK;
}

enum mb_status store_read_mark_set(struct store *store, int64_t user_id, enum store_mark mark,
                                   const struct post_cursor *at)
{
    struct post_cursor now_at = { 0, 0 };
    enum mb_status status = store_authorize(store, STORE_ACTION_ACT_AS, user_id);
    if (status == MB_OK)
        status = store_read_mark_get(store, user_id, mark, &now_at);
    if (status != MB_OK)
        return status;
    /* Already there or past it: nothing to write (the UPSERT's WHERE says
     * the same for a session that raced this one). */
    if (at->timestamp < now_at.timestamp ||
        (at->timestamp == now_at.timestamp && at->id <= now_at.id))
        return MB_OK;
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    struct store_value params[] = { store_value_int(user_id), store_value_text(mark_views[mark]),
                                    store_value_int(at->timestamp), store_value_int(at->id) };
    status = store_run(store, QUERY_MARK_SET, params, 4, NULL, NULL, NULL);
    return store_write_end(store, status);
}

enum mb_status store_mentions_unread(struct store *store, int64_t user_id, int64_t cap,
                                     int64_t *count)
{
    struct post_cursor mark = { 0, 0 };
    enum mb_status status = store_read_mark_get(store, user_id, STORE_MARK_MENTIONS, &mark);
    if (status != MB_OK)
        return status;
    int64_t row[1] = { 0 };
    if (cap > 0) {
        struct store_value params[] = { store_value_int(user_id),
                                        store_value_int(mark.timestamp),
                                        store_value_int(mark.id), store_value_int(cap) };
        status = store_run(store, QUERY_MENTIONS_AFTER, params, 4, store_row_ints, row, NULL);
    }
    if (status == MB_OK)
        *count = row[0];
    return status;
}
