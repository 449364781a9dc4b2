/* A search's page, for both engines.
 *
 * SQLite (revision 0006): the FTS5 index's rowids are search keys, which
 * sort as the posts do (the second times 2^20 plus a slot, table
 * search_key to the post), so a page is the index's own order read from
 * the cursor's key until `limit` matches pass the page's other filters:
 * about 50 us for any word on a million posts, where sorting the matches
 * read a row per match (bench item 10). Within a second the keys follow
 * the ids (migrations/sqlite/0006_search_index.up.sql), so the keys sort
 * as (timestamp, id) does, and a cursor's bound is the key of its
 * second's nearest post, whether the cursor's own post is still there or
 * not. Seconds outside +-2^43 share one key range, in id order.
 *
 * PostgreSQL: a search alone chooses inside its statement between sorting
 * the GIN index's matches (a heap row per match) and walking the time
 * index with a probe per row, which reads about limit * total / matches
 * rows: the walk costs less from T = sqrt(limit * total * k) matches on,
 * k = 1/4 (a row of the GIN bitmap ~1.1 us, a walked row and its @@
 * ~1.1 us, 100k posts). Its matches cannot be counted cheaply (each
 * counted match reads its heap row: 20,000 cost 10-20 ms), so the walk
 * itself is the fact: it reads at most limit * total / T rows (the
 * window, where T matches would give a page) and is kept when it filled
 * the page or saw every row in the bounds; else the matches are sorted
 * (the planner alone walked the whole time index for a word outside its
 * statistics: 20 ms for 20 matches of 100k). */
#include "store/post_sql.h"

#include "store/queries.h"

static int64_t forced_search_walk = 0;

void store_test_search_walk(int64_t matches)
{
    forced_search_walk = matches;
}

bool store_search_choice_off(void)
{
    return forced_search_walk < 0;
}

/* The least n with n * n >= limit * total / 4, at least 1; the factors
 * clamped so that the product fits. A test's forced figure instead. */
int64_t store_search_walk_from(int64_t limit, int64_t total)
{
    if (forced_search_walk > 0)
        return forced_search_walk;
    int64_t target = (limit < (1 << 20) ? limit : (1 << 20)) *
                     (total < ((int64_t)1 << 32) ? total : ((int64_t)1 << 32));
    target /= 4;
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

/* PostgreSQL's both ways in one statement, the other's LIMIT 0
 * (STORE_ARM_LIMIT; the choice column named as the follow's): the walk
 * over the window (materialized: it is the fact and, when kept, the
 * page), the choice, and the matches through the GIN index
 * (ix_post_search), materialized so that the planner cannot turn them
 * into a walk, sorted and limited before their rows are read. */
void store_search_arms(struct store_sql *sql, const struct page_request *r, const char *columns,
                       int query, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    int window = store_sql_param(sql, r->search_window);
    store_sql_add(sql, "WITH walk AS MATERIALIZED (SELECT * FROM (SELECT " STORE_PAGE_ROW("p")
                       ", p.search FROM post p WHERE 1 = 1");
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT ?%d) p WHERE p.search @@ "
                       STORE_PG_TSQUERY,
                  order, order, window, query);
    store_page_mute(sql, "p.user_id", viewer);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT ?%d), choice AS (SELECT CASE "
                       "WHEN (SELECT count(*) FROM walk) >= ?%d OR (SELECT count(*) FROM "
                       "(SELECT 1 FROM post p WHERE 1 = 1",
                  order, order, limit, limit);
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_sql_add(sql, " LIMIT ?%d) n) < ?%d THEN 1 ELSE 0 END AS merge), matches AS "
                       "MATERIALIZED (SELECT p.timestamp, p.id FROM post p WHERE p.search @@ "
                       STORE_PG_TSQUERY,
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

/* ---- SQLite: the keyed index ---- */

enum { SECOND_BITS = 20 };
static const int64_t SLOT_MASK = ((int64_t)1 << SECOND_BITS) - 1;
/* Seconds outside +-2^43 share the outermost one (the migration's clamp). */
static const int64_t SECOND_LIMIT = (int64_t)1 << (63 - SECOND_BITS);

static int64_t key_base(int64_t timestamp)
{
    int64_t second = timestamp < -SECOND_LIMIT       ? -SECOND_LIMIT
                     : timestamp > SECOND_LIMIT - 1 ? SECOND_LIMIT - 1
                                                     : timestamp;
    return (int64_t)((uint64_t)second << SECOND_BITS);
}

void store_search_keys(struct page_request *r)
{
    const struct post_filter *f = r->filter;
    bool cursor = r->newer ? r->after_timestamp != INT64_MIN || r->after_id != INT64_MIN
                           : r->after_timestamp != INT64_MAX || r->after_id != INT64_MAX;
    r->search_low = f->since != 0 ? key_base(f->since) : INT64_MIN;
    r->search_high = f->until != 0 ? key_base(f->until - 1) + SLOT_MASK : INT64_MAX;
    /* No cursor: an empty second (nothing found), the widest bound. */
    r->search_base = 1;
    r->search_top = 0;
    r->search_beyond = r->newer ? INT64_MIN : INT64_MAX;
    r->search_edge = false;
    if (!cursor)
        return;
    /* The keys sort as (second, id): past the cursor are its second's
     * posts beyond its id (the nearest one's key, read in the page's own
     * statement so that a renumbering in between cannot move it), then
     * the seconds beyond its own: from the second after (before) it, or
     * nothing past the outermost second. */
    r->search_base = key_base(r->after_timestamp);
    r->search_top = r->search_base + SLOT_MASK;
    r->search_edge = r->newer ? r->search_top == INT64_MAX : r->search_base == INT64_MIN;
    r->search_beyond = r->search_edge ? r->search_beyond
                       : r->newer    ? r->search_top + 1
                                     : r->search_base - 1;
}

void store_search_walk(struct store_sql *sql, const struct page_request *r, const char *columns,
                       int query)
{
    const struct post_filter *f = r->filter;
    int base = store_sql_param(sql, r->search_base), top = store_sql_param(sql, r->search_top);
    int id = store_sql_param(sql, r->after_id);
    const char *nearest = r->newer ? "min" : "max", *beyond = r->newer ? ">" : "<";
    store_sql_add(sql, "SELECT %s FROM post_search s JOIN search_key k ON k.key = s.rowid "
                       "JOIN post p ON p.id = k.post_id WHERE post_search MATCH ?%d",
                  columns, query);
    /* One bound on each side, so that FTS5 seeks to it. */
    store_sql_add(sql, " AND s.rowid %s= %s(?%d, coalesce((SELECT %s(x.key) FROM search_key x "
                       "WHERE x.key BETWEEN ?%d AND ?%d AND x.post_id %s ?%d), ?%d))",
                  beyond, r->newer ? "max" : "min",
                  store_sql_param(sql, r->newer ? r->search_low : r->search_high), nearest, base,
                  top, beyond, id, store_sql_param(sql, r->search_beyond));
    store_sql_add(sql, " AND s.rowid %s= ?%d", r->newer ? "<" : ">",
                  store_sql_param(sql, r->newer ? r->search_high : r->search_low));
    /* Past the outermost second: only its own posts beyond the cursor. */
    store_sql_add(sql, " AND (?%d = 0 OR EXISTS (SELECT 1 FROM search_key x WHERE x.key "
                       "BETWEEN ?%d AND ?%d AND x.post_id %s ?%d))",
                  store_sql_param(sql, r->search_edge), base, top, beyond, id);
    /* The keys of the outermost seconds hold more than one second. */
    store_sql_add(sql, " AND p.timestamp >= ?%d AND p.timestamp <= ?%d",
                  store_sql_param(sql, f->since != 0 ? f->since : INT64_MIN),
                  store_sql_param(sql, f->until != 0 ? f->until - 1 : INT64_MAX));
}

/* A search with an author or mentions (SQLite): walking the index's
 * matches reads a post row for each (~1.5 us) until `limit` pass, walking
 * the author's (mentions') index probes the search index for each (~5 us
 * on a word of 200,000 matches): the author's walk when the word has more
 * than four times as many matches as the author has posts (mentions) -- a
 * page of wombat (30,303 matches) by an author of 1,000 posts read 30,303
 * rows. The matches are counted only up to that (a rare word stops
 * early). */
enum mb_status store_search_drive(struct store *store, struct page_request *r)
{
    static const struct store_query mentions = {
        .slot = -1,
        .sql = "SELECT count(*) FROM (SELECT 1 FROM mention WHERE user_id = ?1 LIMIT ?2) n",
        .what = "reading posts",
    };
    static const struct store_query matches = {
        .slot = -1,
        .sql = "SELECT count(*) FROM (SELECT 1 FROM post_search WHERE post_search MATCH ?1 "
               "LIMIT ?2) n",
        .what = "reading posts",
    };
    enum { MATCHES_PER_POST = 4, MENTIONS_COUNTED = 100000 };
    const struct post_filter *f = r->filter;
    int64_t own = 0, found = 0;
    enum mb_status status;
    if (f->author_id != 0) {
        status = store_post_count(store, f->author_id, &own);
    } else {
        struct store_value params[] = { store_value_int(f->mentioning),
                                        store_value_int(MENTIONS_COUNTED) };
        status = store->backend->query(store, &mentions, params, 2, store_row_ints, &own, NULL);
        if (own >= MENTIONS_COUNTED)
            return status; /* more than the walk of any word costs */
    }
    if (status != MB_OK)
        return status;
    /* A count another program changed stays a count. */
    own = own < 0 ? 0 : own > MENTIONS_COUNTED ? MENTIONS_COUNTED : own;
    struct store_value params[] = { store_value_text(r->search),
                                    store_value_int(own * MATCHES_PER_POST + 1) };
    status = store->backend->query(store, &matches, params, 2, store_row_ints, &found, NULL);
    if (status == MB_OK && found > own * MATCHES_PER_POST)
        r->drive = f->author_id != 0 ? DRIVE_AUTHOR : DRIVE_MENTION;
    return status;
}
