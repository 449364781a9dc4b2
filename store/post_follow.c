/* The following timeline's page (the people one follows, and oneself), on
 * both engines: which index it walks, chosen inside its one statement, and
 * the two ways themselves. Walking the time index keeps the followed
 * authors' posts with a follow probe per row; merging reads each followed
 * author's own index (SQLite has no LATERAL: correlated subqueries there;
 * PostgreSQL: CROSS JOIN LATERAL). */
#include "store/post_sql.h"

static enum store_following_strategy forced_strategy = STORE_FOLLOWING_CHOOSE;

void store_test_following_strategy(enum store_following_strategy strategy)
{
    forced_strategy = strategy;
}

bool store_follow_forced(void)
{
    return forced_strategy != STORE_FOLLOWING_CHOOSE;
}

/* Walking the time index, keeping the followed authors' posts, reads about
 * limit * total / theirs rows (their posts are that share of everything);
 * merging the followed authors' own indexes costs a seek each and at most
 * limit rows of each. The choice is made inside the page's statement (no
 * round trip of its own) from cheap facts: the follows, a range scan
 * stopped at 128; the post counts, kept by triggers (O(1) each; the first
 * 16 follows stand for the rest: the choice needs the order of magnitude,
 * not the count). */
void store_follow_choice(struct store_sql *sql, int follower, int limit)
{
    if (forced_strategy != STORE_FOLLOWING_CHOOSE) {
        store_sql_add(sql, "SELECT %d AS merge", forced_strategy == STORE_FOLLOWING_MERGE);
        return;
    }
    store_sql_add(sql,
            "SELECT CASE WHEN 2 * (k + 1) + CASE WHEN theirs < (k + 1) * ?%d THEN theirs "
            "ELSE (k + 1) * ?%d END < ?%d * (total + 1) / (theirs + 1) THEN 1 ELSE 0 END "
            "AS merge FROM (SELECT k, total, own + CASE WHEN k = 0 THEN 0 "
            "ELSE sample * k / CASE WHEN k < 16 THEN k ELSE 16 END END AS theirs "
            "FROM (SELECT (SELECT count(*) FROM (SELECT 1 FROM follow f "
            "WHERE f.follower_id = ?%d LIMIT 128) l) AS k, "
            "CAST((SELECT coalesce(sum(c.n), 0) FROM (SELECT f.followed_id FROM follow f "
            "WHERE f.follower_id = ?%d LIMIT 16) s JOIN post_count c "
            "ON c.user_id = s.followed_id) AS BIGINT) AS sample, "
            "CAST((SELECT coalesce(sum(c.n), 0) FROM post_count c WHERE c.user_id = ?%d) "
            "AS BIGINT) AS own, "
            "CAST((SELECT coalesce(sum(c.n), 0) FROM post_count c WHERE c.user_id = 0) "
            "AS BIGINT) AS total LIMIT 1) facts LIMIT 1) estimate",
            limit, limit, limit, follower, follower, follower);
}

/* The merge: each followed author's (and the follower's own) newest
 * `limit` keys from their index, the viewer's mutes tested once per author,
 * the keys ordered and cut to the page, and only then the page's rows read
 * (a row read for every candidate, with its body sorted along, cost 1.7 ms
 * for a Home of 30 on 1M posts). SQLite has no LATERAL: each author's
 * range is bounded below by their limit-th newest key (a correlated
 * subquery on the covering index (user_id, timestamp, rowid)), which a
 * tie can only widen; PostgreSQL reads the keys by an index-only scan in
 * a LATERAL subquery. */
static void add_merge(struct store_sql *sql, struct store *store, const struct page_request *r,
                      int follower, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    store_sql_add(sql, "SELECT " STORE_PAGE_ROW("p") " FROM (SELECT k.id AS id FROM "
                       "(SELECT f.followed_id AS uid FROM follow f WHERE f.follower_id = ?%d "
                       "UNION ALL SELECT CAST(?%d AS BIGINT)) a ",
                  follower, follower);
    if (store_sql_lateral(store)) {
        store_sql_add(sql, "CROSS JOIN LATERAL (SELECT q.id, q.timestamp FROM post q "
                           "WHERE q.user_id = a.uid");
        store_page_bounds(sql, r, "q.timestamp", "q.id", NULL);
        store_sql_add(sql, " ORDER BY q.timestamp %s, q.id %s LIMIT ?%d) k WHERE 1 = 1", order,
                      order, limit);
    } else {
        struct store_sql far = { 0 };
        store_sql_add(&far, "coalesce((SELECT q.timestamp FROM post q WHERE q.user_id = a.uid");
        /* The nested builder numbers its parameters after the outer ones. */
        far.count = sql->count;
        store_page_bounds(&far, r, "q.timestamp", "q.id", NULL);
        store_sql_add(&far, " ORDER BY q.timestamp %s, q.id %s LIMIT 1 OFFSET ?%d), ?%d)", order,
                      order, store_sql_param(&far, r->limit - 1),
                      store_page_far_param(&far, r));
        for (size_t i = sql->count; i < far.count; i++)
            store_sql_param_value(sql, far.params[i]);
        sql->overflow |= far.overflow;
        store_sql_add(sql, "JOIN post k ON k.user_id = a.uid");
        store_page_bounds(sql, r, "k.timestamp", "k.id", far.text);
        store_sql_add(sql, " WHERE 1 = 1");
    }
    store_page_mute(sql, "a.uid", viewer);
    /* The LIMIT again outside: SQLite would otherwise build the list of
     * follows (500: 33 us) before it reads k's LIMIT 0 when walking. */
    store_sql_add(sql, " ORDER BY k.timestamp %s, k.id %s LIMIT " STORE_ARM_LIMIT(1)
                       ") k JOIN post p ON p.id = k.id LIMIT " STORE_ARM_LIMIT(1),
                  order, order, limit, limit);
}

void store_follow_arms(struct store_sql *sql, struct store *store, const struct page_request *r,
                       int follower, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    store_sql_add(sql, "SELECT " STORE_PAGE_ROW("p") " FROM post p WHERE 1 = 1");
    store_page_bounds(sql, r, "p.timestamp", "p.id", NULL);
    store_sql_add(sql, " AND (p.user_id = ?%d OR EXISTS (SELECT 1 FROM follow f "
                       "WHERE f.follower_id = ?%d AND f.followed_id = p.user_id))",
                  follower, follower);
    store_page_mute(sql, "p.user_id", viewer);
    store_sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " STORE_ARM_LIMIT(0)
                       ") s UNION ALL SELECT * FROM (",
                  order, order, limit);
    add_merge(sql, store, r, follower, viewer, limit);
}
