/* SQLite's search alone chooses inside its statement, as the following
 * timeline does (PostgreSQL's planner already chooses, after ANALYZE):
 * sorting the matches costs a post row read per match (1.4 us each on 1M
 * posts), walking the time index with an FTS5 probe per row (6 to 180 us
 * each, as merged as the index is) reads about limit * total / matches
 * rows. So the matches are counted, up to sqrt(limit * total * 128), where
 * the walk starts to cost less (counting 200,000 matches: 7 ms). */
#include "store/post_sql.h"

static int64_t forced_search_walk = 0;

void store_test_search_walk(int64_t matches)
{
    forced_search_walk = matches;
}

bool store_search_choice_off(void)
{
    return forced_search_walk < 0;
}

/* The least n with n * n >= limit * total * 128, at least 1; the factors
 * clamped so that the product fits. A test's forced figure instead. */
int64_t store_search_walk_from(int64_t limit, int64_t total)
{
    if (forced_search_walk > 0)
        return forced_search_walk;
    int64_t target = (limit < (1 << 20) ? limit : (1 << 20)) *
                     (total < ((int64_t)1 << 32) ? total : ((int64_t)1 << 32)) * 128;
    int64_t low = 1, high = (int64_t)1 << 31;
    while (low < high) {
        int64_t middle = low + (high - low) / 2;
        if (middle * middle >= target)
            high = middle;
        else
            low = middle + 1;
    }
    return low;
}

/* Both ways in one statement, the other's LIMIT 0 (STORE_ARM_LIMIT); the
 * choice column is named as the follow's. */
void store_search_arms(struct store_sql *sql, const struct page_request *r, const char *columns,
                       int query, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    int walk = store_sql_param(sql, r->search_walk);
    store_sql_add(sql, "WITH choice AS (SELECT CASE WHEN (SELECT count(*) FROM (SELECT 1 "
                       "FROM post_search WHERE post_search MATCH ?%d LIMIT ?%d) n) >= ?%d "
                       "THEN 1 ELSE 0 END AS merge) SELECT %s FROM (SELECT * FROM (SELECT "
                       STORE_PAGE_ROW("p") " FROM post_search s JOIN post p ON p.id = s.rowid "
                       "WHERE post_search MATCH ?%d",
                  query, walk, walk, columns, query);
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_page_mute(sql, "p.user_id", viewer);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " STORE_ARM_LIMIT(0)
                       ") a UNION ALL SELECT * FROM (SELECT " STORE_PAGE_ROW("p")
                       " FROM post p WHERE EXISTS (SELECT 1 FROM post_search x "
                       "WHERE post_search MATCH ?%d AND x.rowid = p.id)",
                  order, order, limit, query);
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_page_mute(sql, "p.user_id", viewer);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " STORE_ARM_LIMIT(1)
                       ") b) p WHERE 1 = 1",
                  order, order, limit);
}
