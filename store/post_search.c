/* A search alone chooses inside its statement, on both engines, as the
 * following timeline does: sorting the matches costs a post row read per
 * match, walking the time index with a probe per row reads about
 * limit * total / matches rows. The walk costs less from
 * T = sqrt(limit * total * k) matches on, k the cost of a probe over that
 * of a match's row. SQLite: k = 128 (a row 1.4 us on 1M posts, an FTS5
 * probe 6 to 180 us as merged as the index is), and the matches are
 * counted up to T in the FTS5 index (200,000: 7 ms). PostgreSQL: k = 1
 * (a row of the GIN bitmap ~1.1 us, a walked row and its @@ ~1.1 us, 100k
 * posts), and its
 * matches cannot be counted cheaply (each counted match reads its heap
 * row: 20,000 cost 10-20 ms), so the walk itself is the fact: it reads at
 * most limit * total / T rows (the window, where T matches would give a
 * page) and is kept when it filled the page or saw every row in the
 * bounds; else the matches are sorted (the planner alone walked the whole
 * time index for a word outside its statistics: 20 ms for 20 matches of
 * 100k). */
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

/* The least n with n * n >= limit * total * k, at least 1; the factors
 * clamped so that the product fits. A test's forced figure instead. */
int64_t store_search_walk_from(int64_t limit, int64_t total, bool postgres)
{
    if (forced_search_walk > 0)
        return forced_search_walk;
    int64_t target = (limit < (1 << 20) ? limit : (1 << 20)) *
                     (total < ((int64_t)1 << 32) ? total : ((int64_t)1 << 32));
    target = postgres ? target / 4 : target * 128;
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

int64_t store_search_window(int64_t limit, int64_t total, int64_t walk_from)
{
    if (limit > (1 << 20))
        limit = 1 << 20;
    if (total > ((int64_t)1 << 32))
        total = (int64_t)1 << 32;
    return walk_from > 0 ? limit * total / walk_from : 0;
}

/* PostgreSQL's: the walk over the window (materialized: it is the fact
 * and, when kept, the page), the choice, and the matches through the GIN
 * index (ix_post_search), materialized so that the planner cannot turn
 * them into a walk, sorted and limited before their rows are read. */
static void postgres_arms(struct store_sql *sql, const struct page_request *r,
                          const char *columns, int query, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    int window = store_sql_param(sql, r->search_window);
    store_sql_add(sql, "WITH walk AS MATERIALIZED (SELECT * FROM (SELECT " STORE_PAGE_ROW("p")
                       ", p.search FROM post p WHERE 1 = 1");
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT ?%d) p WHERE p.search @@ "
                       "plainto_tsquery('simple', ?%d)",
                  order, order, window, query);
    store_page_mute(sql, "p.user_id", viewer);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT ?%d), choice AS (SELECT CASE "
                       "WHEN (SELECT count(*) FROM walk) >= ?%d OR (SELECT count(*) FROM "
                       "(SELECT 1 FROM post p WHERE 1 = 1",
                  order, order, limit, limit);
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_sql_add(sql, " LIMIT ?%d) n) < ?%d THEN 1 ELSE 0 END AS merge), matches AS "
                       "MATERIALIZED (SELECT p.timestamp, p.id FROM post p WHERE p.search @@ "
                       "plainto_tsquery('simple', ?%d)",
                  window, window, query);
    /* The bounds as expressions, which no index answers: a generic plan
     * (bounds unknown) ANDed the whole time index's bitmap in (5 ms). */
    store_page_bounds(sql, r, "(p.timestamp + 0)", "(p.id + 0)", NULL);
    store_page_mute(sql, "p.user_id", viewer);
    store_sql_add(sql, ") SELECT %s FROM (SELECT * FROM (SELECT " STORE_PAGE_ROW("p")
                       " FROM (SELECT m.timestamp, m.id FROM matches m ORDER BY m.timestamp %s, "
                       "m.id %s LIMIT " STORE_ARM_LIMIT(0) ") m JOIN post p ON p.id = m.id) a "
                       "UNION ALL SELECT * FROM (SELECT " STORE_PAGE_ROW("w") " FROM walk w "
                       "LIMIT " STORE_ARM_LIMIT(1) ") b) p WHERE 1 = 1",
                  columns, order, order, limit, limit);
}

/* Both ways in one statement, the other's LIMIT 0 (STORE_ARM_LIMIT); the
 * choice column is named as the follow's. */
void store_search_arms(struct store_sql *sql, const struct page_request *r, bool postgres,
                       const char *columns, int query, int viewer, int limit)
{
    if (postgres) {
        postgres_arms(sql, r, columns, query, viewer, limit);
        return;
    }
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
