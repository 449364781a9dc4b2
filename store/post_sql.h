/* The pieces that build a page's SQL, shared by the files that build it:
 * store/post_sql.c (the text and parameters, the keyset bounds, the
 * viewer's mutes), store/post_follow.c (the following timeline's choice
 * and its two ways), store/post_search.c (a search's page: SQLite's
 * keyed index, PostgreSQL's choice and its two ways) and
 * store/post_query.c (the page over a post_filter, which runs them). Only
 * those four include this. */
#ifndef STORE_POST_SQL_H
#define STORE_POST_SQL_H

#include <stdbool.h>
#include <stdint.h>

#include "store/post_query.h"

/* Which index a page walks. */
enum store_drive {
    DRIVE_TIME,     /* ix_post_timestamp, every other field a probe */
    DRIVE_AUTHOR,   /* ix_post_user_timestamp */
    DRIVE_MENTION,  /* the mention primary key (user_id, timestamp, post_id) */
    DRIVE_FOLLOW,   /* the following timeline: the time index or the followed
                     * authors' indexes merged, chosen inside the statement
                     * (store_follow_choice) */
    DRIVE_KEPT,     /* the drives above have kept statements; these are built
                     * for each call (and, like the shell, prepared each time) */
    DRIVE_TAG = DRIVE_KEPT, /* the tag primary key (tag, timestamp, post_id) */
    DRIVE_SEARCH,   /* SQLite: the full-text index in key order (store_search_walk);
                     * PostgreSQL: its matches sorted, or the time index walked */
};

/* A statement being built: its text and its parameters (?1, ?2, ...).
 * Too long a text or too many parameters set overflow, which the caller
 * checks once at the end (store_sql_ready). */
struct store_sql {
    char text[6144];
    size_t length;
    bool overflow;
    struct store_value params[STORE_PAGE_PARAMS];
    size_t count;
};

/* What a page is asked for, bounds widened where absent. */
struct page_request {
    const struct post_filter *filter;
    const char *tag;      /* the filter's tag folded (store_tag_fold), or NULL */
    const char *search;   /* SQLite: the FTS5 expression; PostgreSQL: the query */
    char *tag_owned, *search_owned; /* freed by the page's caller */
    bool search_alone;    /* a search, no author, mentions or following */
    int64_t search_walk;  /* PostgreSQL's search alone: walk the time index
                           * from this many matches on (0: no choice in the
                           * statement) */
    int64_t search_window; /* PostgreSQL: the walk's rows at most
                            * (store_search_window) */
    int64_t search_low, search_high; /* SQLite: the keys of the far bound and
                                      * the until/since side (store_search_keys) */
    int64_t search_base, search_top;  /* SQLite: the keys of the cursor's second
                                       * (an empty range without a cursor) */
    int64_t search_beyond;            /* SQLite: the bound when that second has no
                                       * post past the cursor */
    bool search_edge;                 /* SQLite: the cursor's second is the outermost */
    enum store_drive drive;
    bool newer;           /* read oldest first, after the cursor */
    int64_t after_timestamp, after_id; /* the cursor (the widest when none) */
    int64_t limit;
};

/* PostgreSQL's query of a search, the parameter ?%d: with revision 0006's
 * configuration mb_search (its generated column post.search: 'simple'
 * with accents folded), and as a scalar subquery, an InitPlan run once
 * per execution: in the generic plan a kept statement gets after five
 * runs, plainto_tsquery(cfg, $n) was parsed again for every row a walk
 * tested (a rare word 2.9 ms on 100k posts, 1.2-1.4 ms this way). */
#define STORE_PG_SEARCH_CONFIG "'mb_search'"
#define STORE_PG_TSQUERY "(SELECT plainto_tsquery(" STORE_PG_SEARCH_CONFIG ", ?%d))"

/* The columns of a post row that the pages pass up (alias a). */
#define STORE_PAGE_ROW(a) a ".id, " a ".user_id, " a ".body, " a ".timestamp, " a ".reply_to, " \
    a ".thread_id, " a ".edited_at, " a ".private"

/* Appends to the text. */
__attribute__((format(printf, 2, 3))) void store_sql_add(struct store_sql *sql,
                                                         const char *format, ...);

/* The placeholder number of a new parameter (an integer for store_sql_param). */
int store_sql_param_value(struct store_sql *sql, struct store_value value);
int store_sql_param(struct store_sql *sql, int64_t value);

/* MB_OK, or MB_DB (the store's error set) when the statement overflowed. */
enum mb_status store_sql_ready(struct store *store, const struct store_sql *sql);

/* Whether this engine joins with LATERAL (PostgreSQL) or merges through
 * correlated subqueries (SQLite). */
bool store_sql_lateral(const struct store *store);

/* Appends the page's bounds on the walked index's (ts, id) columns: the
 * keyset cursor with the bound on its side folded in, and the far bound,
 * inclusive (the filter's since for older pages, until - 1 for newer
 * ones). far, when not NULL, is SQL that stands for the far bound's value
 * instead (the merge's per-author bound, never wider). */
void store_page_bounds(struct store_sql *sql, const struct page_request *r, const char *ts,
                       const char *id, const char *far);

/* The far bound's value alone, as a new parameter: since (older pages) or
 * until - 1 (newer), the widest value when absent. */
int store_page_far_param(struct store_sql *sql, const struct page_request *r);

/* Appends " AND NOT EXISTS (the viewer ?viewer mutes author)"; nothing
 * without a viewer (viewer 0). */
void store_page_mute(struct store_sql *sql, const char *author, int viewer);

/* The following timeline (store/post_follow.c). store_follow_choice
 * appends "SELECT 1 AS merge" when merging the followed authors' indexes
 * is cheaper, else 0 (?follower, ?limit); store_follow_arms appends both
 * ways, each a page of STORE_PAGE_ROW columns in order, only the chosen
 * one's LIMIT not 0, inside "WITH choice AS (...) ... FROM (SELECT * FROM
 * (" and before ") m)". store_follow_forced: a test forced the way. */
void store_follow_choice(struct store_sql *sql, int follower, int limit);
void store_follow_arms(struct store_sql *sql, struct store *store, const struct page_request *r,
                       int follower, int viewer, int limit);
bool store_follow_forced(void);

/* A search (store/post_search.c). PostgreSQL's search alone: from how
 * many matches on its page walks the time index, the window (the rows a
 * walk reads at most before the matches are sorted instead: limit * total
 * / walk_from, 0 when walk_from is 0), whether a test turned the choice
 * off, and the statement with both ways. SQLite's: store_search_keys sets
 * r's search_* bounds from the filter and the cursor; store_search_walk
 * appends the SELECT of the matches between them (the cursor's nearest
 * key read in that statement), to be ordered by s.rowid. */
int64_t store_search_walk_from(int64_t limit, int64_t total);
int64_t store_search_window(int64_t limit, int64_t total, int64_t walk_from);
bool store_search_choice_off(void);
void store_search_arms(struct store_sql *sql, const struct page_request *r, const char *columns,
                       int query, int viewer, int limit);
void store_search_keys(struct page_request *r);
/* SQLite's search with an author or mentions (filter.author_id or
 * mentioning set): sets r->drive to DRIVE_AUTHOR (DRIVE_MENTION) when
 * walking that index with a probe of the search per post costs less than
 * walking the matches (from their counts), else leaves DRIVE_SEARCH. */
enum mb_status store_search_drive(struct store *store, struct page_request *r);
void store_search_walk(struct store_sql *sql, const struct page_request *r, const char *columns,
                       int query);

/* The following timeline's two ways, each a page of its own; only the one
 * the choice names runs: the other's LIMIT is 0, which both engines read
 * before their first row (a WHERE term with a subquery would be tested on
 * every row by SQLite). */
#define STORE_ARM_LIMIT(merge) \
    "(SELECT CASE WHEN merge = " #merge " THEN ?%d ELSE 0 END FROM choice)"

#endif
