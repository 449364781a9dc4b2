/* The table of the store's own kept statements (store/queries.h): SQL
 * written once for SQLite and PostgreSQL (?N placeholders, "user" quoted,
 * columns qualified so that PostgreSQL never reads `timestamp` as a type),
 * each in its own slot of the backend's query op. Every statement reads
 * through an index that starts with the person or post it is about
 * (migrations 0004): none grows with the database. Usernames are ordered
 * and compared as lower(username), SQLite's NOCASE and the PostgreSQL
 * index's key alike (ASCII case only; the caller lowers a cursor name the
 * same way). */
#include "store/queries.h"

#include <stdbool.h>
#include <stdlib.h>

/* Slots 0..31 stay free for store/post_query.c's kept statements until
 * they join this table. */
#define QUERY_SLOT_FIRST 32
_Static_assert(QUERY_SLOT_FIRST + QUERY_COUNT <= STORE_QUERY_SLOTS, "too many kept statements");

/* A user row as struct user holds it (store/social.c reads it). */
#define USER_ROW                                                                            \
    "SELECT u.id, u.username, u.email, u.password_hash IS NOT NULL, u.created_at, "         \
    "CAST(coalesce((SELECT sum(c.n) FROM post_count c WHERE c.user_id = u.id), 0) "         \
    "AS BIGINT), u.about, u.last_seen "

/* ?1 the user, ?2 the lowered name to start after ("" from the start),
 * ?3 the page size. */
#define USER_PAGE(table, key, other)                                                        \
    USER_ROW "FROM " table " f JOIN \"user\" u ON u.id = f." other " WHERE f." key " = ?1 " \
    "AND lower(u.username) > ?2 ORDER BY lower(u.username) LIMIT ?3"

static const struct {
    const char *sql;
    const char *what;
} queries[QUERY_COUNT] = {
    [QUERY_USER_SET_ABOUT] = { "UPDATE \"user\" SET about = ?2 WHERE id = ?1",
                               "setting the about text" },
    [QUERY_USER_LAST_SEEN] = { "SELECT u.id, coalesce(u.last_seen, 0) FROM \"user\" u "
                               "WHERE u.id = ?1",
                               "reading when a user was last seen" },
    /* The age is checked here too: a session that raced another writes
     * nothing. ?3 is now - 60. */
    [QUERY_USER_SET_SEEN] = { "UPDATE \"user\" SET last_seen = ?2 WHERE id = ?1 "
                              "AND (last_seen IS NULL OR last_seen <= ?3)",
                              "recording when a user was last seen" },
    /* Two range scans: ix_follow_followed and the primary key. */
    [QUERY_FOLLOW_COUNTS] = { "SELECT (SELECT count(*) FROM follow f WHERE f.followed_id = ?1), "
                              "(SELECT count(*) FROM follow f WHERE f.follower_id = ?1)",
                              "counting follows" },
    [QUERY_FOLLOW_INSERT] = { "INSERT INTO follow (follower_id, followed_id, created_at) "
                              "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                              "following" },
    [QUERY_FOLLOW_DELETE] = { "DELETE FROM follow WHERE follower_id = ?1 AND followed_id = ?2",
                              "unfollowing" },
    [QUERY_FOLLOW_EXISTS] = { "SELECT 1 FROM follow f WHERE f.follower_id = ?1 "
                              "AND f.followed_id = ?2",
                              "reading a follow" },
    [QUERY_FOLLOWERS_PAGE] = { USER_PAGE("follow", "followed_id", "follower_id"),
                               "reading followers" },
    [QUERY_FOLLOWING_PAGE] = { USER_PAGE("follow", "follower_id", "followed_id"),
                               "reading follows" },
    [QUERY_MUTE_INSERT] = { "INSERT INTO mute (user_id, muted_id, created_at) "
                            "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                            "muting" },
    [QUERY_MUTE_DELETE] = { "DELETE FROM mute WHERE user_id = ?1 AND muted_id = ?2",
                            "unmuting" },
    [QUERY_MUTE_PAGE] = { USER_PAGE("mute", "user_id", "muted_id"), "reading mutes" },
    [QUERY_MARK_GET] = { "SELECT r.timestamp, r.post_id FROM read_mark r "
                         "WHERE r.user_id = ?1 AND r.view = ?2",
                         "reading a read position" },
    /* Only forward: an older position leaves the row as it is. */
    [QUERY_MARK_SET] = { "INSERT INTO read_mark (user_id, view, timestamp, post_id) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id, view) DO UPDATE "
                         "SET timestamp = excluded.timestamp, post_id = excluded.post_id "
                         "WHERE (excluded.timestamp, excluded.post_id) > "
                         "(read_mark.timestamp, read_mark.post_id)",
                         "moving a read position" },
    /* At most ?4 of them: a range of the mention primary key after the
     * position (?2, ?3), written as the post pages write theirs. Mentions
     * by someone the person mutes are not counted: the Mentions view
     * never shows them, so nothing would ever clear them. */
    [QUERY_MENTIONS_AFTER] = { "SELECT count(*) FROM (SELECT 1 FROM mention m "
                               "WHERE m.user_id = ?1 AND m.timestamp >= ?2 "
                               "AND (m.timestamp > ?2 OR m.post_id > ?3) "
                               "AND NOT EXISTS (SELECT 1 FROM post p JOIN mute x "
                               "ON x.user_id = ?1 AND x.muted_id = p.user_id "
                               "WHERE p.id = m.post_id) LIMIT ?4) n",
                               "counting unread mentions" },
    [QUERY_MENTION_INSERT] = { "INSERT INTO mention (user_id, timestamp, post_id) "
                               "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                               "recording a mention" },
    [QUERY_MENTIONS_FORGET] = { "DELETE FROM mention WHERE post_id = ?1",
                                "forgetting a post's mentions" },
    /* What a reply or an edit needs to know of a post. */
    [QUERY_POST_THREAD] = { "SELECT p.id, coalesce(p.thread_id, 0), p.user_id, p.timestamp, "
                            "p.private FROM post p WHERE p.id = ?1",
                            "reading a post" },
    [QUERY_POST_EDIT] = { "UPDATE post SET body = ?2, edited_at = ?3 WHERE id = ?1",
                          "editing a post" },
    [QUERY_TAG_INSERT] = { "INSERT INTO tag (tag, timestamp, post_id) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT DO NOTHING",
                           "recording a tag" },
    /* ix_tag_post, then the tag. */
    [QUERY_TAG_FORGET] = { "DELETE FROM tag WHERE post_id = ?1 AND tag = ?2",
                           "forgetting a tag" },
    [QUERY_TAGS_OF_POST] = { "SELECT t.tag FROM tag t WHERE t.post_id = ?1",
                             "reading a post's tags" },
    /* A range of tag_count's primary key after ?1 (byte order on both
     * engines: SQLite's BINARY, PostgreSQL's "C"). */
    [QUERY_TAG_PAGE] = { "SELECT t.tag, t.n FROM tag_count t WHERE t.tag > ?1 "
                         "ORDER BY t.tag LIMIT ?2",
                         "reading tags" },
    /* The author's newest sealed entry: their posts newest first on
     * ix_post_user_timestamp, up to the first private one. */
    [QUERY_PRIVATE_NEWEST] = { "SELECT e.post_id, e.sealed FROM post p JOIN private_entry e "
                               "ON e.post_id = p.id WHERE p.user_id = ?1 AND p.private = 1 "
                               "ORDER BY p.timestamp DESC, p.id DESC LIMIT 1",
                               "reading the newest private entry" },
    [QUERY_PRIVATE_MARK] = { "UPDATE post SET private = 1 WHERE id = ?1",
                             "marking a post private" },
    [QUERY_PRIVATE_INSERT] = { "INSERT INTO private_entry (post_id, sealed) VALUES (?1, ?2)",
                               "writing a private entry" },
    [QUERY_PRIVATE_SEALED] = { "SELECT e.sealed FROM private_entry e WHERE e.post_id = ?1",
                               "reading a private entry" },
};

enum mb_status store_run(struct store *store, enum store_query_id which,
                         const struct store_value *params, size_t count, store_row_fn row,
                         void *context, int64_t *changes)
{
    struct store_query query = {
        .slot = QUERY_SLOT_FIRST + (int)which,
        .sql = queries[which].sql,
        .what = queries[which].what,
    };
    return store->backend->query(store, &query, params, count, row, context, changes);
}

int64_t store_value_as_int(const struct store_value *value)
{
    switch (value->type) {
    case STORE_VALUE_INT:
        return value->integer;
    case STORE_VALUE_TEXT:
        return strtoll(value->text, NULL, 10);
    case STORE_VALUE_NULL:
        break;
    }
    return 0;
}

enum mb_status store_row_ints(void *context, const struct store_value *columns, size_t count)
{
    int64_t *out = context;
    for (size_t i = 0; i < count; i++)
        out[i] = store_value_as_int(&columns[i]);
    return MB_OK;
}

enum mb_status store_row_exists(void *context, const struct store_value *columns, size_t count)
{
    (void)columns;
    (void)count;
    *(bool *)context = true;
    return MB_OK;
}
