/* The store's own engine-neutral statements that are kept prepared (the
 * backend's query op, store/backend.h): one enum and one table of SQL in
 * store/queries.c, so that no two files ever take the same slot, and the
 * small helpers that build parameters and read single values. The social
 * writes and reads (store/social.c, store/words.c, store/posts.c) and the
 * journal's (tags, private entries: store/private.c) run through it. Only the store's own .c files include this. */
#ifndef STORE_QUERIES_H
#define STORE_QUERIES_H

#include <stddef.h>
#include <stdint.h>

#include "store/internal.h"

enum store_query_id {
    /* profiles */
    QUERY_USER_SET_ABOUT,
    QUERY_USER_LAST_SEEN,
    QUERY_USER_SET_SEEN,
    /* follows */
    QUERY_FOLLOW_COUNTS,
    QUERY_FOLLOW_INSERT,
    QUERY_FOLLOW_DELETE,
    QUERY_FOLLOW_EXISTS,
    QUERY_FOLLOWERS_PAGE,
    QUERY_FOLLOWING_PAGE,
    /* mutes */
    QUERY_MUTE_INSERT,
    QUERY_MUTE_DELETE,
    QUERY_MUTE_PAGE,
    /* read positions and mentions */
    QUERY_MARK_GET,
    QUERY_MARK_SET,
    QUERY_MENTIONS_AFTER,
    QUERY_MENTION_INSERT,
    QUERY_MENTIONS_FORGET,
    /* replies and edits */
    QUERY_POST_THREAD,
    QUERY_POST_EDIT,
    /* tags (store/words.c) */
    QUERY_TAG_INSERT,
    QUERY_TAG_FORGET,
    QUERY_TAGS_OF_POST,
    QUERY_TAG_PAGE,
    /* private entries (store/private.c) */
    QUERY_PRIVATE_NEWEST,
    QUERY_PRIVATE_MARK,
    QUERY_PRIVATE_INSERT,
    QUERY_PRIVATE_SEALED,
    QUERY_COUNT
};

/* Runs statement `which` (kept prepared in its own slot) as the backend's
 * query op does: rows to row (may be NULL), *changes (may be NULL) the
 * rows written. */
enum mb_status store_run(struct store *store, enum store_query_id which,
                         const struct store_value *params, size_t count, store_row_fn row,
                         void *context, int64_t *changes);

static inline struct store_value store_value_int(int64_t value)
{
    return (struct store_value){ .type = STORE_VALUE_INT, .integer = value };
}

/* 0 is SQL NULL (a post that answers none). */
static inline struct store_value store_value_id(int64_t value)
{
    return value != 0 ? store_value_int(value) : (struct store_value){ .type = STORE_VALUE_NULL };
}

static inline struct store_value store_value_text(const char *text)
{
    return text != NULL ? (struct store_value){ .type = STORE_VALUE_TEXT, .text = text }
                        : (struct store_value){ .type = STORE_VALUE_NULL };
}

/* A column as an integer: NULL is 0, text (a server's numeric) parsed. */
int64_t store_value_as_int(const struct store_value *value);

/* Row callbacks: the columns of the (last) row as integers into the
 * int64_t array `context` (as many as the row has; the caller sizes it),
 * and whether any row came, into the bool `context`. */
enum mb_status store_row_ints(void *context, const struct store_value *columns, size_t count);
enum mb_status store_row_exists(void *context, const struct store_value *columns,
                                size_t count);

#endif
