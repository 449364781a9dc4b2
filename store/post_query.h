/* What store/post_query.c offers the tests beyond store.h: the plan of the
 * SQL a filter's first page runs, so that a test can see which index it
 * walks on either engine. Only the store and its tests include this. */
#ifndef STORE_POST_QUERY_H
#define STORE_POST_QUERY_H

#include <stdbool.h>

#include "store/internal.h"

/* The engine's plan (SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's
 * EXPLAIN lines), one line each, newly allocated in *plan (caller frees),
 * of the first page of 50 posts matching filter; *merged says whether the
 * following timeline merges the followed authors' indexes. */
enum mb_status store_posts_explain(struct store *store, const struct post_filter *filter,
                                   enum page_direction direction, bool *merged, char **plan);

/* Testing only: makes the following timeline walk the time index
 * (STORE_FOLLOWING_SCAN) or merge the followed authors' indexes
 * (STORE_FOLLOWING_MERGE) whatever the counts say; STORE_FOLLOWING_CHOOSE
 * (the default) decides from them. */
enum store_following_strategy {
    STORE_FOLLOWING_CHOOSE,
    STORE_FOLLOWING_SCAN,
    STORE_FOLLOWING_MERGE,
};
void store_test_following_strategy(enum store_following_strategy strategy);

#endif
