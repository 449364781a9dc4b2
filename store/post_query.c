/* Pages of posts, for both engines: the one home of the post_filter rule
 * (which posts a listing shows), of the keyset pages over it and their
 * capped counts, and of the following timeline's choice of index (single
 * posts, conversations and the row reader are store/post_rows.c's). SQL
 * is built here once for SQLite and PostgreSQL and run through the
 * backend's query op (store/backend.h); the only things the engines spell
 * differently are how a page merges the followed authors' own indexes
 * (SQLite has no LATERAL) and whether that page is sorted once more.
 *
 * Every page walks one index in (timestamp, id) order and stops after
 * `limit` rows that pass: a tag's posts (the tag primary key), an author's
 * (ix_post_user_timestamp), a person's mentions (the mention primary key),
 * everyone's (ix_post_timestamp), or the followed authors' indexes merged.
 * The other fields of the filter are per-row probes of a primary key. A
 * search is the exception: the engine's full-text index gives its matches
 * (SQLite: FTS5 MATCH on post_search, the query made safe by
 * store_search_expression; PostgreSQL: post.search @@ plainto_tsquery).
 * PostgreSQL's planner chooses between sorting the matches and walking
 * the time index with a probe per row; SQLite's does not, so a search
 * alone chooses inside its statement (add_search_arms), as the following
 * timeline does. Absent bounds
 * are written as the widest ones, so that one statement per shape is kept
 * prepared whatever the filter's values. */
#include "store/post_query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/queries.h"
#include "store/words.h"

/* Which index a page walks. */
enum drive {
    DRIVE_TIME,     /* ix_post_timestamp, every other field a probe */
    DRIVE_AUTHOR,   /* ix_post_user_timestamp */
    DRIVE_MENTION,  /* the mention primary key (user_id, timestamp, post_id) */
    DRIVE_FOLLOW,   /* the following timeline: the time index or the followed
                     * authors' indexes merged, chosen inside the statement
                     * (add_follow_choice) */
    DRIVE_KEPT,     /* the drives above have kept statements; these are built
                     * for each call (and, like the shell, prepared each time) */
    DRIVE_TAG = DRIVE_KEPT, /* the tag primary key (tag, timestamp, post_id) */
    DRIVE_SEARCH,   /* the full-text index's matches, sorted */
};

/* Kept statements (store/post_query.h's slots): a page's shape is its
 * drive and direction; a filter with more than its drive (author and
 * mentioning together, say) is built for the call. */
enum {
    SLOT_PAGE_FIRST = STORE_SLOT_PAGES, /* + (drive * 2 + viewer) * 2 + newer */
    SLOT_COUNT_FIRST = SLOT_PAGE_FIRST + DRIVE_KEPT * 4, /* + drive * 2 + viewer */
    SLOT_SEARCH_FIRST = SLOT_COUNT_FIRST + DRIVE_KEPT * 2, /* + viewer * 2 + newer: SQLite's
                                                            * search alone (add_search_arms) */
    SLOT_END = SLOT_SEARCH_FIRST + 4,
};
_Static_assert(SLOT_END <= 32, "the post reads have slots 0..31");

/* ---- building a page's SQL ---- */

struct sql {
    char text[4096];
    size_t length;
    bool overflow;
    struct store_value params[16];
    size_t count;
};

__attribute__((format(printf, 2, 3))) static void sql_add(struct sql *sql, const char *format,
                                                          ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(sql->text + sql->length, sizeof sql->text - sql->length, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= sizeof sql->text - sql->length)
        sql->overflow = true;
    else
        sql->length += (size_t)n;
}

/* The placeholder number of a new integer parameter. */
static int sql_param_value(struct sql *sql, struct store_value value)
{
    if (sql->count == sizeof sql->params / sizeof sql->params[0]) {
        sql->overflow = true;
        return 1;
    }
    sql->params[sql->count++] = value;
    return (int)sql->count;
}

static int sql_param(struct sql *sql, int64_t value)
{
    return sql_param_value(sql, store_value_int(value));
}

/* What a page is asked for, bounds widened where absent. */
struct page_request {
    const struct post_filter *filter;
    const char *tag;      /* the filter's tag folded (store_tag_fold), or NULL */
    const char *search;   /* SQLite: the FTS5 expression; PostgreSQL: the query */
    char *tag_owned, *search_owned; /* freed by request_clear */
    int64_t search_walk;  /* SQLite, a search alone: walk the time index from
                           * this many matches on (0: always sort them) */
    enum drive drive;
    bool newer;           /* read oldest first, after the cursor */
    int64_t after_timestamp, after_id; /* the cursor (the widest when none) */
    int64_t limit;
};

/* The bounds of a page on the walked index's (ts, id): the keyset cursor
 * with the bound on its side folded in (until for older pages, since for
 * newer ones), so that the index range starts at the nearer of the two,
 * and the bound of the other side. One lower and one upper bound: SQLite
 * seeks on one of each. */
static void add_bounds(struct sql *sql, const struct page_request *r, const char *ts,
                       const char *id)
{
    const struct post_filter *f = r->filter;
    int64_t at = r->after_timestamp, at_id = r->after_id, other;
    if (r->newer) {
        if (f->since != 0 && f->since > at) {
            at = f->since;
            at_id = INT64_MIN; /* (ts, id) > (since, min): ts >= since */
        }
        other = f->until != 0 ? f->until : INT64_MAX;
    } else {
        if (f->until != 0 && f->until - 1 < at) {
            at = f->until - 1;
            at_id = INT64_MAX; /* (ts, id) < (until - 1, max): ts < until */
        }
        other = f->since != 0 ? f->since : INT64_MIN;
    }
    int a = sql_param(sql, at), b = sql_param(sql, at_id), o = sql_param(sql, other);
    const char *op = r->newer ? ">" : "<";
    sql_add(sql, " AND %s %s= ?%d AND (%s %s ?%d OR %s %s ?%d) AND %s %s ?%d", ts, op, a, ts,
            op, a, id, op, b, ts, r->newer ? "<" : ">=", o);
}

/* Whether this engine joins with LATERAL (PostgreSQL) or merges through a
 * correlated IN on the rowid (SQLite). */
static bool has_lateral(const struct store *store)
{
    return strcmp(store->backend->name, "sqlite") != 0;
}

/* The columns of a post row that the pages pass up (alias a). */
#define ROW(a) a ".id, " a ".user_id, " a ".body, " a ".timestamp, " a ".reply_to, " \
    a ".thread_id, " a ".edited_at, " a ".private"

static enum store_following_strategy forced_strategy = STORE_FOLLOWING_CHOOSE;
static int64_t forced_search_walk = 0;

void store_test_search_walk(int64_t matches)
{
    forced_search_walk = matches;
}

/* The least n with n * n >= limit * total * 128 (add_search_arms), at
 * least 1; the factors clamped so that the product fits. */
static int64_t search_walk_from(int64_t limit, int64_t total)
{
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

void store_test_following_strategy(enum store_following_strategy strategy)
{
    forced_strategy = strategy;
}

/* The following timeline: walking the time index, keeping the followed
 * authors' posts, reads about limit * total / theirs rows (their posts
 * are that share of everything); merging the followed authors' own
 * indexes costs a seek each and at most limit rows of each. The choice
 * is made inside the page's statement (no round trip of its own) from
 * cheap facts: the follows, a range scan stopped at 128; the post counts,
 * kept by triggers (O(1) each; the first 16 follows stand for the rest:
 * the choice needs the order of magnitude, not the count). Appends
 * "SELECT 1 AS merge" when merging is cheaper, else 0 (?follower, ?limit). */
static void add_follow_choice(struct sql *sql, int follower, int limit)
{
    if (forced_strategy != STORE_FOLLOWING_CHOOSE) {
        sql_add(sql, "SELECT %d AS merge", forced_strategy == STORE_FOLLOWING_MERGE);
        return;
    }
    sql_add(sql,
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

/* The viewer's mutes (none without a viewer: no probe per row). */
static void add_mute(struct sql *sql, const char *author, int viewer)
{
    if (viewer == 0)
        return;
    sql_add(sql, " AND NOT EXISTS (SELECT 1 FROM mute x WHERE x.user_id = ?%d "
                 "AND x.muted_id = %s)",
            viewer, author);
}

/* The following timeline's two ways, each a page of ROW columns; only the
 * one the choice names runs: the other's LIMIT is 0, which both engines
 * read before their first row (a WHERE term with a subquery would be
 * tested on every row by SQLite). */
#define ARM_LIMIT(merge) "(SELECT CASE WHEN merge = " #merge " THEN ?%d ELSE 0 END FROM choice)"
static void add_follow_arms(struct sql *sql, struct store *store, const struct page_request *r,
                            int follower, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    sql_add(sql, "SELECT " ROW("p") " FROM post p WHERE 1 = 1");
    add_bounds(sql, r, "p.timestamp", "p.id");
    sql_add(sql, " AND (p.user_id = ?%d OR EXISTS (SELECT 1 FROM follow f "
                 "WHERE f.follower_id = ?%d AND f.followed_id = p.user_id))",
            follower, follower);
    add_mute(sql, "p.user_id", viewer);
    sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " ARM_LIMIT(0)
                 ") s UNION ALL SELECT * FROM (",
            order, order, limit);
    /* Each followed author's (and the follower's own) first `limit` from
     * their index. SQLite has no LATERAL: a correlated IN on the rowid. */
    sql_add(sql, "SELECT " ROW("p") " FROM (SELECT f.followed_id AS uid FROM follow f "
                 "WHERE f.follower_id = ?%d UNION ALL SELECT CAST(?%d AS BIGINT)) a ",
            follower, follower);
    bool lateral = has_lateral(store);
    if (lateral)
        sql_add(sql, "CROSS JOIN LATERAL (SELECT " ROW("q") " FROM post q "
                     "WHERE q.user_id = a.uid");
    else
        sql_add(sql, "JOIN post p ON p.id IN (SELECT q.id FROM post q WHERE q.user_id = a.uid");
    add_bounds(sql, r, "q.timestamp", "q.id");
    sql_add(sql, " ORDER BY q.timestamp %s, q.id %s LIMIT ?%d)%s WHERE 1 = 1", order, order,
            limit, lateral ? " p" : "");
    add_mute(sql, "p.user_id", viewer);
    sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " ARM_LIMIT(1), order, order, limit);
}

/* SQLite's search alone, both ways in one statement, the other's LIMIT 0
 * (ARM_LIMIT): sorting the matches costs a post row read per match (1.4 us
 * each on 1M posts), walking the time index with an FTS5 probe per row
 * (6 to 180 us each, as merged as the index is) reads about limit * total
 * / matches rows. So the matches are counted, up to search_walk =
 * sqrt(limit * total * 128), where the walk starts to cost less (counting
 * 200,000 matches: 7 ms); the choice column is named as the follow's. */
static void add_search_arms(struct sql *sql, const struct page_request *r, const char *columns,
                            int query, int viewer, int limit)
{
    const char *order = r->newer ? "ASC" : "DESC";
    int walk = sql_param(sql, r->search_walk);
    sql_add(sql, "WITH choice AS (SELECT CASE WHEN (SELECT count(*) FROM (SELECT 1 "
                 "FROM post_search WHERE post_search MATCH ?%d LIMIT ?%d) n) >= ?%d THEN 1 "
                 "ELSE 0 END AS merge) SELECT %s FROM (SELECT * FROM (SELECT " ROW("p")
                 " FROM post_search s JOIN post p ON p.id = s.rowid WHERE post_search MATCH ?%d",
            query, walk, walk, columns, query);
    add_bounds(sql, r, "p.timestamp", "p.id");
    add_mute(sql, "p.user_id", viewer);
    sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " ARM_LIMIT(0) ") a UNION ALL "
                 "SELECT * FROM (SELECT " ROW("p") " FROM post p WHERE EXISTS (SELECT 1 "
                 "FROM post_search x WHERE post_search MATCH ?%d AND x.rowid = p.id)",
            order, order, limit, query);
    add_bounds(sql, r, "p.timestamp", "p.id");
    add_mute(sql, "p.user_id", viewer);
    sql_add(sql, " ORDER BY p.timestamp %s, p.id %s LIMIT " ARM_LIMIT(1) ") b) p WHERE 1 = 1",
            order, order, limit);
}

/* Appends the page's SELECT (columns `columns`, over post p) to sql. */
static void build_page(struct sql *sql, struct store *store, const struct page_request *r,
                       const char *columns)
{
    const struct post_filter *f = r->filter;
    const char *order = r->newer ? "ASC" : "DESC";
    int limit = sql_param(sql, r->limit);
    int viewer = f->viewer_id != 0 ? sql_param(sql, f->viewer_id) : 0;
    int follower = f->following_of != 0 ? sql_param(sql, f->following_of) : 0;
    const char *ts = "p.timestamp", *id = "p.id";
    /* Shapes whose arms each read in order, the viewer's mutes inside. */
    bool arms = r->drive == DRIVE_FOLLOW || r->search_walk != 0;
    switch (r->drive) {
    case DRIVE_FOLLOW:
        sql_add(sql, "WITH choice AS (");
        add_follow_choice(sql, follower, limit);
        sql_add(sql, ") SELECT %s FROM (SELECT * FROM (", columns);
        add_follow_arms(sql, store, r, follower, viewer, limit);
        sql_add(sql, ") m) p WHERE 1 = 1");
        break;
    case DRIVE_MENTION:
        ts = "m.timestamp";
        id = "m.post_id";
        sql_add(sql, "SELECT %s FROM mention m JOIN post p ON p.id = m.post_id "
                     "WHERE m.user_id = ?%d",
                columns, sql_param(sql, f->mentioning));
        add_bounds(sql, r, ts, id);
        break;
    case DRIVE_TAG:
        ts = "t.timestamp";
        id = "t.post_id";
        sql_add(sql, "SELECT %s FROM tag t JOIN post p ON p.id = t.post_id WHERE t.tag = ?%d",
                columns, sql_param_value(sql, store_value_text(r->tag)));
        add_bounds(sql, r, ts, id);
        break;
    case DRIVE_SEARCH:
        if (r->search_walk != 0)
            add_search_arms(sql, r, columns, sql_param_value(sql, store_value_text(r->search)),
                            viewer, limit);
        else if (has_lateral(store))
            sql_add(sql, "SELECT %s FROM post p WHERE p.search @@ plainto_tsquery('simple', "
                         "?%d)",
                    columns, sql_param_value(sql, store_value_text(r->search)));
        else
            sql_add(sql, "SELECT %s FROM post_search s JOIN post p ON p.id = s.rowid "
                         "WHERE post_search MATCH ?%d",
                    columns, sql_param_value(sql, store_value_text(r->search)));
        if (r->search_walk == 0)
            add_bounds(sql, r, ts, id);
        break;
    case DRIVE_AUTHOR:
    case DRIVE_TIME:
        sql_add(sql, "SELECT %s FROM post p WHERE 1 = 1", columns);
        add_bounds(sql, r, ts, id);
        break;
    }
    if (f->author_id != 0)
        sql_add(sql, " AND p.user_id = ?%d", sql_param(sql, f->author_id));
    if (f->mentioning != 0 && r->drive != DRIVE_MENTION)
        sql_add(sql, " AND EXISTS (SELECT 1 FROM mention x WHERE x.post_id = p.id "
                     "AND x.user_id = ?%d)",
                sql_param(sql, f->mentioning));
    if (f->following_of != 0 && r->drive != DRIVE_FOLLOW)
        sql_add(sql, " AND (p.user_id = ?%d OR EXISTS (SELECT 1 FROM follow f "
                     "WHERE f.follower_id = ?%d AND f.followed_id = p.user_id))",
                follower, follower);
    if (!arms)
        add_mute(sql, "p.user_id", viewer);
    if (r->search != NULL && r->drive != DRIVE_SEARCH) {
        int query = sql_param_value(sql, store_value_text(r->search));
        if (has_lateral(store))
            sql_add(sql, " AND p.search @@ plainto_tsquery('simple', ?%d)", query);
        else
            sql_add(sql, " AND p.id IN (SELECT s.rowid FROM post_search s "
                         "WHERE post_search MATCH ?%d)", query);
    }
    /* The following timeline's arms are exclusive and each in order:
     * SQLite runs UNION ALL arms one after the other and a LIMITed
     * subquery's rows come in its order, so only PostgreSQL (whose
     * planner may run arms in parallel) sorts its at most limit rows. */
    if (!arms || has_lateral(store))
        sql_add(sql, " ORDER BY %s %s, %s %s LIMIT ?%d", ts, order, id, order, limit);
}

/* The kept slot of a page's shape (its drive, direction and whether a
 * viewer's mutes are left out), or -1 for
 * a filter with more than its drive (author and mentioning together, say)
 * or a strategy forced by a test: built for the call. */
static int page_slot(const struct page_request *r, int first, int per_drive)
{
    const struct post_filter *f = r->filter;
    if (r->search_walk != 0) /* its pages only: the TUI counts new posts seldom */
        return per_drive > 1 ? SLOT_SEARCH_FIRST + (f->viewer_id != 0) * 2 + r->newer : -1;
    bool plain = forced_strategy == STORE_FOLLOWING_CHOOSE && r->drive < DRIVE_KEPT &&
                 r->tag == NULL && r->search == NULL;
    if (r->drive == DRIVE_AUTHOR)
        plain = plain && f->mentioning == 0 && f->following_of == 0;
    if (r->drive == DRIVE_MENTION)
        plain = plain && f->following_of == 0;
    int shape = ((int)r->drive * 2 + (f->viewer_id != 0)) * per_drive;
    if (per_drive > 1 && r->newer)
        shape++;
    return plain ? first + shape : -1;
}

static void request_clear(struct page_request *r)
{
    free(r->tag_owned);
    free(r->search_owned);
}

/* Fills *r for filter (NULL: everything). */
static enum mb_status plan_page(struct store *store, const struct post_filter *filter,
                                const struct post_cursor *cursor, bool newer, int64_t limit,
                                struct page_request *r)
{
    static const struct post_filter none = { 0 };
    *r = (struct page_request){
        .filter = filter != NULL ? filter : &none,
        .newer = newer,
        .after_timestamp = cursor != NULL ? cursor->timestamp : newer ? INT64_MIN : INT64_MAX,
        .after_id = cursor != NULL ? cursor->id : newer ? INT64_MIN : INT64_MAX,
        .limit = limit,
        .drive = DRIVE_TIME,
    };
    struct mb_error err;
    /* Whom someone mutes is theirs alone: in the shared modes a page
     * leaves out only the person's own mutes (another viewer's would
     * tell, by difference, whom they mute). */
    enum mb_status status = MB_OK;
    if (r->filter->viewer_id != 0 &&
        (status = store_authorize(store, STORE_ACTION_ACT_AS, r->filter->viewer_id)) != MB_OK)
        return status;
    if (r->filter->tag != NULL && (status = store_tag_fold(r->filter->tag, &r->tag_owned,
                                                           &err)) != MB_OK)
        return store_fail(store, status, "%s", err.message);
    /* PostgreSQL reads the query itself, but refuses what SQLite does. */
    if (r->filter->search != NULL &&
        (status = store_search_expression(r->filter->search, &r->search_owned, &err)) != MB_OK) {
        free(r->tag_owned);
        return store_fail(store, status, "%s", err.message);
    }
    r->tag = r->tag_owned;
    r->search = r->search_owned == NULL ? NULL
                : has_lateral(store)    ? r->filter->search
                                        : r->search_owned;
    if (r->tag != NULL)
        r->drive = DRIVE_TAG;
    else if (r->search != NULL)
        r->drive = DRIVE_SEARCH;
    else if (r->filter->author_id != 0)
        r->drive = DRIVE_AUTHOR;
    else if (r->filter->mentioning != 0)
        r->drive = DRIVE_MENTION;
    else if (r->filter->following_of != 0)
        r->drive = DRIVE_FOLLOW;
    const struct post_filter *f = r->filter;
    if (r->drive == DRIVE_SEARCH && !has_lateral(store) && f->author_id == 0 &&
        f->mentioning == 0 && f->following_of == 0 && forced_search_walk >= 0) {
        int64_t total = 0;
        if ((status = store_post_count(store, 0, &total)) != MB_OK) {
            request_clear(r);
            return status;
        }
        r->search_walk = forced_search_walk > 0 ? forced_search_walk
                                                : search_walk_from(limit, total);
    }
    return MB_OK;
}

static enum mb_status sql_ready(struct store *store, const struct sql *sql)
{
    if (sql->overflow)
        return store_fail(store, MB_DB, "reading posts: the query is too long");
    return MB_OK;
}

enum mb_status store_posts_page(struct store *store, const struct post_filter *filter,
                                const struct post_cursor *cursor, enum page_direction direction,
                                size_t limit, struct post_list *out)
{
    struct page_request r;
    bool newer = direction == PAGE_NEWER;
    enum mb_status status = plan_page(store, filter, cursor, newer, (int64_t)limit, &r);
    if (status != MB_OK)
        return status;
    struct sql *sql = xcalloc(1, sizeof *sql);
    if (limit == 0) {
        *out = (struct post_list){ 0 };
        goto out;
    }
    build_page(sql, store, &r, STORE_POST_COLUMNS);
    status = sql_ready(store, sql);
    if (status != MB_OK)
        goto out;
    struct store_query query = {
        .slot = page_slot(&r, SLOT_PAGE_FIRST, 2),
        .sql = sql->text,
        .what = "reading posts",
    };
    status = store_posts_run(store, &query, sql->params, sql->count, out);
    if (status != MB_OK || !newer)
        goto out;
    /* Newer pages are read oldest first, to stay on the index; they are
     * returned newest first, as every page is. */
    for (size_t i = 0; i < out->count / 2; i++) {
        struct post swap = out->items[i];
        out->items[i] = out->items[out->count - 1 - i];
        out->items[out->count - 1 - i] = swap;
    }
out:
    request_clear(&r);
    free(sql);
    return status;
}

enum mb_status store_posts_count_newer(struct store *store, const struct post_filter *filter,
                                       const struct post_cursor *after, int64_t cap,
                                       int64_t *count)
{
    struct page_request r;
    enum mb_status status = plan_page(store, filter, after, true, cap > 0 ? cap : 0, &r);
    if (status != MB_OK)
        return status;
    if (cap <= 0) {
        request_clear(&r);
        *count = 0;
        return MB_OK;
    }
    struct sql *sql = xcalloc(1, sizeof *sql);
    sql_add(sql, "SELECT count(*) FROM (");
    build_page(sql, store, &r, "p.id");
    sql_add(sql, ") n");
    status = sql_ready(store, sql);
    if (status == MB_OK) {
        struct store_query query = {
            .slot = page_slot(&r, SLOT_COUNT_FIRST, 1),
            .sql = sql->text,
            .what = "counting new posts",
        };
        int64_t n = 0;
        status = store->backend->query(store, &query, sql->params, sql->count, store_row_ints,
                                       &n, NULL);
        if (status == MB_OK)
            *count = n;
    }
    request_clear(&r);
    free(sql);
    return status;
}

static enum mb_status append_plan(void *context, const struct store_value *columns,
                                  size_t count)
{
    char **plan = context;
    const char *line = count > 0 && columns[count - 1].type == STORE_VALUE_TEXT
                           ? columns[count - 1].text
                           : "";
    size_t had = *plan != NULL ? strlen(*plan) : 0;
    *plan = xrealloc(*plan, had + strlen(line) + 2);
    memcpy(*plan + had, line, strlen(line));
    memcpy(*plan + had + strlen(line), "\n", 2);
    return MB_OK;
}

enum mb_status store_posts_explain(struct store *store, const struct post_filter *filter,
                                   enum page_direction direction, bool *merged, char **plan)
{
    struct page_request r;
    enum mb_status status = plan_page(store, filter, NULL, direction == PAGE_NEWER, 50, &r);
    if (status != MB_OK)
        return status;
    *plan = NULL;
    *merged = false;
    struct sql *sql = xcalloc(1, sizeof *sql);
    if (r.drive == DRIVE_FOLLOW) {
        int limit = sql_param(sql, r.limit);
        add_follow_choice(sql, sql_param(sql, r.filter->following_of), limit);
        struct store_query query = { .slot = -1, .sql = sql->text, .what = "explaining" };
        int64_t merge = 0;
        status = store->backend->query(store, &query, sql->params, sql->count, store_row_ints,
                                       &merge, NULL);
        *merged = merge != 0;
        memset(sql, 0, sizeof *sql);
    }
    sql_add(sql, has_lateral(store) ? "EXPLAIN " : "EXPLAIN QUERY PLAN ");
    build_page(sql, store, &r, STORE_POST_COLUMNS);
    if (status == MB_OK)
        status = sql_ready(store, sql);
    if (status == MB_OK) {
        struct store_query query = { .slot = -1, .sql = sql->text, .what = "explaining" };
        status = store->backend->query(store, &query, sql->params, sql->count, append_plan,
                                       plan, NULL);
    }
    request_clear(&r);
    free(sql);
    return status;
}
