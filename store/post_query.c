/* Reading posts, for both engines: the one home of the post_filter rule
 * (which posts a listing shows), of the keyset pages over it, of the
 * following timeline's choice of index, of conversations and of the row
 * reader that fills struct post. SQL is built here once for SQLite and
 * PostgreSQL and run through the backend's query op (store/backend.h);
 * the only thing the engines spell differently is how a page merges the
 * followed authors' own indexes (SQLite has no LATERAL).
 *
 * Every page walks one index in (timestamp, id) order and stops after
 * `limit` rows that pass: an author's posts (ix_post_user_timestamp), a
 * person's mentions (the mention primary key), everyone's
 * (ix_post_timestamp), or the followed authors' indexes merged. The other
 * fields of the filter are per-row probes of a primary key. Absent bounds
 * are written as the widest ones, so that one statement per shape is kept
 * prepared whatever the filter's values. */
#include "store/post_query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/queries.h"

/* The columns of a struct post, in the order read_post reads them. The
 * names are correlated subqueries so the planner always walks the post
 * index, never the user table. */
#define POST_COLUMNS                                                                        \
    "p.id, p.user_id, (SELECT u.username FROM \"user\" u WHERE u.id = p.user_id), p.body, " \
    "p.timestamp, p.reply_to, (SELECT u.username FROM post r JOIN \"user\" u "              \
    "ON u.id = r.user_id WHERE r.id = p.reply_to), p.thread_id, p.edited_at"
enum { POST_COLUMN_COUNT = 9 };

/* Which index a page walks. */
enum drive {
    DRIVE_TIME,     /* ix_post_timestamp, every other field a probe */
    DRIVE_AUTHOR,   /* ix_post_user_timestamp */
    DRIVE_MENTION,  /* the mention primary key (user_id, timestamp, post_id) */
    DRIVE_FOLLOW_SCAN,  /* ix_post_timestamp, keeping the followed authors' */
    DRIVE_FOLLOW_MERGE, /* each followed author's ix_post_user_timestamp */
    DRIVE_COUNT
};

/* Kept statements: slots 0..31 of the query op are this file's
 * (store/queries.c takes 32 on). A page's shape is its drive and
 * direction; a filter with more than its drive (author and mentioning
 * together, say) is built for the call. */
enum {
    SLOT_POST_GET,
    SLOT_FOLLOW_FACTS,
    SLOT_THREAD_ROOT,
    SLOT_THREAD_PAGE,
    SLOT_PAGE_FIRST,                                 /* + drive * 2 + newer */
    SLOT_COUNT_FIRST = SLOT_PAGE_FIRST + DRIVE_COUNT * 2, /* + drive */
    SLOT_END = SLOT_COUNT_FIRST + DRIVE_COUNT,
};
_Static_assert(SLOT_END <= 32, "post_query.c has slots 0..31");

/* ---- reading rows ---- */

struct post_rows {
    struct store *store;
    struct post_list list;
    size_t capacity;
};

static char *column_text(const struct store_value *value, bool null_is_empty)
{
    if (value->type == STORE_VALUE_NULL)
        return null_is_empty ? xstrdup("") : NULL;
    if (value->type == STORE_VALUE_INT) {
        char number[24];
        snprintf(number, sizeof number, "%lld", (long long)value->integer);
        return xstrdup(number);
    }
    return xstrdup(value->text);
}

static enum mb_status read_post(void *context, const struct store_value *columns, size_t count)
{
    struct post_rows *rows = context;
    if (count != POST_COLUMN_COUNT)
        return store_fail(rows->store, MB_DB, "reading posts: %zu columns", count);
    if (rows->list.count == rows->capacity) {
        rows->capacity = rows->capacity ? rows->capacity * 2 : 16;
        rows->list.items = xreallocarray(rows->list.items, rows->capacity,
                                         sizeof *rows->list.items);
    }
    struct post *post = &rows->list.items[rows->list.count++];
    *post = (struct post){
        .id = store_value_as_int(&columns[0]),
        .user_id = store_value_as_int(&columns[1]),
        .author = column_text(&columns[2], true),
        .body = column_text(&columns[3], true),
        .timestamp = store_value_as_int(&columns[4]),
        .reply_to = store_value_as_int(&columns[5]),
        .reply_to_author = column_text(&columns[6], false),
        .thread_id = store_value_as_int(&columns[7]),
        .edited_at = store_value_as_int(&columns[8]),
    };
    return MB_OK;
}

/* Runs a query of POST_COLUMNS rows into *out (on MB_OK; freed on failure). */
static enum mb_status run_posts(struct store *store, const struct store_query *query,
                                const struct store_value *params, size_t count,
                                struct post_list *out)
{
    struct post_rows rows = { .store = store };
    enum mb_status status =
        store->backend->query(store, query, params, count, read_post, &rows, NULL);
    if (status != MB_OK) {
        store_post_list_free(&rows.list);
        return status;
    }
    *out = rows.list;
    return MB_OK;
}

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
static int sql_param(struct sql *sql, int64_t value)
{
    if (sql->count == sizeof sql->params / sizeof sql->params[0]) {
        sql->overflow = true;
        return 1;
    }
    sql->params[sql->count++] = store_value_int(value);
    return (int)sql->count;
}

/* What a page is asked for, bounds widened where absent. */
struct page_request {
    const struct post_filter *filter;
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

/* Appends the page's SELECT (columns `columns`) to sql. */
static void build_page(struct sql *sql, struct store *store, const struct page_request *r,
                       const char *columns)
{
    const struct post_filter *f = r->filter;
    const char *order = r->newer ? "ASC" : "DESC";
    int limit = sql_param(sql, r->limit);
    int viewer = sql_param(sql, f->viewer_id);
    int follower = f->following_of != 0 ? sql_param(sql, f->following_of) : 0;
    const char *ts = "p.timestamp", *id = "p.id";
    sql_add(sql, "SELECT %s ", columns);
    switch (r->drive) {
    case DRIVE_MENTION:
        ts = "m.timestamp";
        id = "m.post_id";
        sql_add(sql, "FROM mention m JOIN post p ON p.id = m.post_id WHERE m.user_id = ?%d",
                sql_param(sql, f->mentioning));
        add_bounds(sql, r, ts, id);
        break;
    case DRIVE_FOLLOW_MERGE:
        /* Each followed author's (and the follower's own) newest `limit`
         * from their index, merged: a few short range scans. */
        sql_add(sql, "FROM (SELECT f.followed_id AS uid FROM follow f WHERE f.follower_id = ?%d "
                     "UNION ALL SELECT CAST(?%d AS BIGINT)) a ",
                follower, follower);
        if (has_lateral(store))
            sql_add(sql, "CROSS JOIN LATERAL (SELECT q.* FROM post q WHERE q.user_id = a.uid");
        else
            sql_add(sql, "JOIN post p ON p.id IN (SELECT q.id FROM post q "
                         "WHERE q.user_id = a.uid");
        add_bounds(sql, r, "q.timestamp", "q.id");
        sql_add(sql, " ORDER BY q.timestamp %s, q.id %s LIMIT ?%d)%s WHERE 1 = 1", order, order,
                limit, has_lateral(store) ? " p" : "");
        break;
    case DRIVE_AUTHOR:
    case DRIVE_TIME:
    case DRIVE_FOLLOW_SCAN:
    case DRIVE_COUNT:
        sql_add(sql, "FROM post p WHERE 1 = 1");
        add_bounds(sql, r, ts, id);
        break;
    }
    if (f->author_id != 0)
        sql_add(sql, " AND p.user_id = ?%d", sql_param(sql, f->author_id));
    if (f->mentioning != 0 && r->drive != DRIVE_MENTION)
        sql_add(sql, " AND EXISTS (SELECT 1 FROM mention x WHERE x.post_id = p.id "
                     "AND x.user_id = ?%d)",
                sql_param(sql, f->mentioning));
    if (f->following_of != 0 && r->drive != DRIVE_FOLLOW_MERGE)
        sql_add(sql, " AND (p.user_id = ?%d OR EXISTS (SELECT 1 FROM follow f "
                     "WHERE f.follower_id = ?%d AND f.followed_id = p.user_id))",
                follower, follower);
    /* viewer 0 mutes nobody: the probe finds no row. */
    sql_add(sql, " AND NOT EXISTS (SELECT 1 FROM mute x WHERE x.user_id = ?%d "
                 "AND x.muted_id = p.user_id)",
            viewer);
    if (r->drive == DRIVE_FOLLOW_MERGE) {
        ts = "p.timestamp";
        id = "p.id";
    }
    sql_add(sql, " ORDER BY %s %s, %s %s LIMIT ?%d", ts, order, id, order, limit);
}

/* Whether the filter is more than its drive (then not kept prepared). */
static bool shape_is_plain(const struct page_request *r)
{
    const struct post_filter *f = r->filter;
    switch (r->drive) {
    case DRIVE_TIME:
        return true;
    case DRIVE_AUTHOR:
        return f->mentioning == 0 && f->following_of == 0;
    case DRIVE_MENTION:
        return f->following_of == 0;
    case DRIVE_FOLLOW_SCAN:
    case DRIVE_FOLLOW_MERGE:
    case DRIVE_COUNT:
        break;
    }
    return true;
}

/* ---- the following timeline: which index to walk ---- */

static enum store_following_strategy forced_strategy = STORE_FOLLOWING_CHOOSE;

void store_test_following_strategy(enum store_following_strategy strategy)
{
    forced_strategy = strategy;
}

/* Walking the time index reads about limit * total / theirs rows (their
 * posts are that share of everything); merging reads each followed
 * author's index (a seek each) and at most limit rows of each. The facts
 * are cheap: the follows are one range scan, the post counts are kept by
 * triggers (O(1) each; the first 64 follows stand for the rest). */
static enum mb_status choose_following(struct store *store, int64_t follower, int64_t limit,
                                       enum drive *drive)
{
    static const struct store_query facts = {
        .slot = SLOT_FOLLOW_FACTS,
        .sql = "SELECT (SELECT count(*) FROM follow f WHERE f.follower_id = ?1), "
               "(SELECT count(*) FROM (SELECT 1 FROM follow f WHERE f.follower_id = ?1 "
               "LIMIT 64) s), "
               "CAST((SELECT coalesce(sum(c.n), 0) FROM (SELECT f.followed_id FROM follow f "
               "WHERE f.follower_id = ?1 LIMIT 64) s JOIN post_count c "
               "ON c.user_id = s.followed_id) AS BIGINT), "
               "CAST((SELECT coalesce(sum(c.n), 0) FROM post_count c WHERE c.user_id = ?1) "
               "AS BIGINT), "
               "CAST((SELECT coalesce(sum(c.n), 0) FROM post_count c WHERE c.user_id = 0) "
               "AS BIGINT)",
        .what = "reading whom a user follows",
    };
    if (forced_strategy != STORE_FOLLOWING_CHOOSE) {
        *drive = forced_strategy == STORE_FOLLOWING_MERGE ? DRIVE_FOLLOW_MERGE
                                                          : DRIVE_FOLLOW_SCAN;
        return MB_OK;
    }
    struct store_value param = store_value_int(follower);
    int64_t v[5] = { 0 };
    enum mb_status status = store->backend->query(store, &facts, &param, 1, store_row_ints, v,
                                                  NULL);
    if (status != MB_OK)
        return status;
    double followed = (double)v[0], sampled = (double)v[1];
    double theirs = (double)v[3] + (sampled > 0 ? (double)v[2] * followed / sampled : 0);
    double total = (double)v[4];
    double authors = followed + 1;
    double scan = (double)limit * (total + 1) / (theirs + 1);
    double merge = 2 * authors + (theirs < authors * (double)limit ? theirs
                                                                   : authors * (double)limit);
    *drive = merge < scan ? DRIVE_FOLLOW_MERGE : DRIVE_FOLLOW_SCAN;
    return MB_OK;
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
    if (r->filter->search != NULL || r->filter->tag != NULL)
        return store_fail(store, MB_UNSUPPORTED,
                          "searching posts and tags are not supported yet");
    if (r->filter->author_id != 0)
        r->drive = DRIVE_AUTHOR;
    else if (r->filter->mentioning != 0)
        r->drive = DRIVE_MENTION;
    else if (r->filter->following_of != 0)
        return choose_following(store, r->filter->following_of, limit, &r->drive);
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
    if (limit == 0) {
        *out = (struct post_list){ 0 };
        return MB_OK;
    }
    struct sql *sql = xcalloc(1, sizeof *sql);
    build_page(sql, store, &r, POST_COLUMNS);
    status = sql_ready(store, sql);
    if (status != MB_OK)
        goto out;
    struct store_query query = {
        .slot = shape_is_plain(&r) ? SLOT_PAGE_FIRST + (int)r.drive * 2 + newer : -1,
        .sql = sql->text,
        .what = "reading posts",
    };
    status = run_posts(store, &query, sql->params, sql->count, out);
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
            .slot = shape_is_plain(&r) ? SLOT_COUNT_FIRST + (int)r.drive : -1,
            .sql = sql->text,
            .what = "counting new posts",
        };
        int64_t n = 0;
        status = store->backend->query(store, &query, sql->params, sql->count, store_row_ints,
                                       &n, NULL);
        if (status == MB_OK)
            *count = n;
    }
    free(sql);
    return status;
}

enum mb_status store_post_get(struct store *store, int64_t id, struct post *out)
{
    static const struct store_query query = {
        .slot = SLOT_POST_GET,
        .sql = "SELECT " POST_COLUMNS " FROM post p WHERE p.id = ?1",
        .what = "reading a post",
    };
    struct store_value param = store_value_int(id);
    struct post_list list = { 0 };
    enum mb_status status = run_posts(store, &query, &param, 1, &list);
    if (status != MB_OK)
        return status;
    if (list.count == 0) {
        status = store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)id);
    } else {
        *out = list.items[0];
        list.items[0] = (struct post){ 0 };
    }
    store_post_list_free(&list);
    return status;
}

enum mb_status store_conversation(struct store *store, int64_t post_id,
                                  const struct post_cursor *cursor, size_t limit,
                                  struct post_list *out)
{
    static const struct store_query root_query = {
        .slot = SLOT_THREAD_ROOT,
        .sql = "SELECT coalesce(p.thread_id, p.id) FROM post p WHERE p.id = ?1",
        .what = "reading a conversation",
    };
    /* The first post (when after the cursor), then the replies on
     * ix_post_thread (thread_id, timestamp): ?1 the root, ?2 ?3 the
     * cursor, ?4 the page size. */
#define AFTER(a) " AND " a ".timestamp >= ?2 AND (" a ".timestamp > ?2 OR " a ".id > ?3)"
    static const struct store_query page_query = {
        .slot = SLOT_THREAD_PAGE,
        .sql = "SELECT " POST_COLUMNS " FROM post p WHERE p.id = ?1" AFTER("p")
               " UNION ALL SELECT * FROM (SELECT " POST_COLUMNS " FROM post p "
               "WHERE p.thread_id = ?1" AFTER("p")
               " ORDER BY p.timestamp ASC, p.id ASC LIMIT ?4) t ORDER BY 5, 1 LIMIT ?4",
        .what = "reading a conversation",
    };
#undef AFTER
    struct store_value param = store_value_int(post_id);
    int64_t root = 0;
    enum mb_status status =
        store->backend->query(store, &root_query, &param, 1, store_row_ints, &root, NULL);
    if (status != MB_OK)
        return status;
    if (root == 0)
        return store_fail(store, MB_NOT_FOUND, "no post with id %lld", (long long)post_id);
    if (limit == 0) {
        *out = (struct post_list){ 0 };
        return MB_OK;
    }
    struct store_value params[4] = {
        store_value_int(root),
        store_value_int(cursor != NULL ? cursor->timestamp : INT64_MIN),
        store_value_int(cursor != NULL ? cursor->id : INT64_MIN),
        store_value_int((int64_t)limit),
    };
    return run_posts(store, &page_query, params, 4, out);
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
    *merged = r.drive == DRIVE_FOLLOW_MERGE;
    *plan = NULL;
    struct sql *sql = xcalloc(1, sizeof *sql);
    sql_add(sql, has_lateral(store) ? "EXPLAIN " : "EXPLAIN QUERY PLAN ");
    build_page(sql, store, &r, POST_COLUMNS);
    status = sql_ready(store, sql);
    if (status == MB_OK) {
        struct store_query query = { .slot = -1, .sql = sql->text, .what = "explaining" };
        status = store->backend->query(store, &query, sql->params, sql->count, append_plan,
                                       plan, NULL);
    }
    free(sql);
    return status;
}
