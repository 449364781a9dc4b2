/* What the files that read posts share (store/post_query.c: the filtered
 * pages, built by store/post_sql.c, post_follow.c and post_search.c;
 * store/post_rows.c: the row reader, single posts and conversations), and
 * what they offer the tests beyond store.h: the plan of the SQL a filter's
 * first page runs, so that a test can see which index it walks on either
 * engine; and the SQL a page runs, for bench/pages.c's floor. Only the
 * store, its tests and that benchmark include this. */
#ifndef STORE_POST_QUERY_H
#define STORE_POST_QUERY_H

#include <stdbool.h>

#include "store/internal.h"

/* The columns of a struct post over `post p`, in the order
 * store_posts_run reads them. The names are correlated subqueries so the
 * planner always walks the post index, never the user table (the
 * answered post's author only when there is one). */
#define STORE_POST_COLUMNS                                                                  \
    "p.id, p.user_id, (SELECT u.username FROM \"user\" u WHERE u.id = p.user_id), p.body, " \
    "p.timestamp, p.reply_to, CASE WHEN p.reply_to IS NOT NULL THEN (SELECT u.username "     \
    "FROM post r JOIN \"user\" u ON u.id = r.user_id WHERE r.id = p.reply_to) END, "        \
    "p.thread_id, p.edited_at, p.private"

/* The query op's kept slots 0..31 are the post reads' (store/queries.c
 * takes 32 on): these, then post_query.c's page shapes. */
enum store_post_slot {
    STORE_SLOT_POST_GET,
    STORE_SLOT_THREAD_ROOT,
    STORE_SLOT_THREAD_PAGE,
    STORE_SLOT_PAGES,
};

/* Runs a query of STORE_POST_COLUMNS rows into *out (on MB_OK, free with
 * store_post_list_free; nothing to free on failure). */
enum mb_status store_posts_run(struct store *store, const struct store_query *query,
                               const struct store_value *params, size_t count,
                               struct post_list *out);

/* The engine's plan (SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's
 * EXPLAIN lines), one line each, newly allocated in *plan (caller frees),
 * of the first page of 50 posts matching filter; *merged says whether the
 * following timeline merges the followed authors' indexes. */
enum mb_status store_posts_explain(struct store *store, const struct post_filter *filter,
                                   enum page_direction direction, bool *merged, char **plan);

/* The SQL of the page store_posts_page reads (the same text, kept
 * prepared under the same slot) and its parameters, all integers: for a
 * benchmark's floor, the same statement run without the store. *text newly
 * allocated (caller frees), params[0..*count) (room for STORE_PAGE_PARAMS
 * needed); a tag or a search (text parameters) is MB_INVALID. */
enum { STORE_PAGE_PARAMS = 16 };
enum mb_status store_posts_sql(struct store *store, const struct post_filter *filter,
                               const struct post_cursor *cursor, enum page_direction direction,
                               size_t limit, char **text, int64_t *params, size_t *count);

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

/* Testing only: a PostgreSQL search alone walks the time index from this
 * many matches on (1: always), or never (-1: the matches sorted, the
 * statement without the choice); 0 (the default) decides from the post
 * count. SQLite's search has no choice: its index is in time order. */
void store_test_search_walk(int64_t matches);

#endif
