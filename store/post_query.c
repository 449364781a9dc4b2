/* Pages of posts, for both engines: the one home of the post_filter rule
 * (which posts a listing shows), of the keyset pages over it and their
 * capped counts, and of the plans a test reads (single posts,
 * conversations and the row reader are store/post_rows.c's). SQL is built
 * here once for SQLite and PostgreSQL (the builder's pieces:
 * store/post_sql.c) and run through the backend's query op
 * (store/backend.h).
 *
 * Every page walks one index in (timestamp, id) order and stops after
 * `limit` rows that pass: a tag's posts (the tag primary key), an author's
 * (ix_post_user_timestamp), a person's mentions (the mention primary key),
 * everyone's (ix_post_timestamp), or the following timeline's choice
 * between the time index and the followed authors' indexes merged
 * (store/post_follow.c). The other fields of the filter are per-row probes
 * of a primary key. A search walks the engine's full-text index
 * (store/post_search.c): SQLite's FTS5 post_search in its key order (the
 * query made safe by store_search_expression); PostgreSQL's post.search
 * @@ plainto_tsquery, whose search alone chooses between sorting the
 * matches and walking the time index inside its statement, as the
 * following timeline does (its planner misjudges a word outside its
 * statistics). */
#include "store/post_query.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/post_sql.h"
#include "store/queries.h"
#include "store/words.h"

/* Kept statements (store/post_query.h's slots): a page's shape is its
 * drive and direction; a filter with more than its drive (author and
 * mentioning together, say) is built for the call. */
enum {
    SLOT_PAGE_FIRST = STORE_SLOT_PAGES, /* + (drive * 2 + viewer) * 2 + newer */
    SLOT_COUNT_FIRST = SLOT_PAGE_FIRST + DRIVE_KEPT * 4, /* + drive * 2 + viewer */
    SLOT_SEARCH_FIRST = SLOT_COUNT_FIRST + DRIVE_KEPT * 2, /* + viewer * 2 + newer: a
                                                            * search alone */
    SLOT_END = SLOT_SEARCH_FIRST + 4,
};
_Static_assert(SLOT_END <= 32, "the post reads have slots 0..31");

/* Appends the page's SELECT (columns `columns`, over post p) to sql. */
static void build_page(struct store_sql *sql, struct store *store, const struct page_request *r,
                       const char *columns)
{
    const struct post_filter *f = r->filter;
    const char *order = r->newer ? "ASC" : "DESC";
    int limit = store_sql_param(sql, r->limit);
    int viewer = f->viewer_id != 0 ? store_sql_param(sql, f->viewer_id) : 0;
    int follower = f->following_of != 0 ? store_sql_param(sql, f->following_of) : 0;
    const char *ts = "p.timestamp", *id = "p.id";
    /* Shapes whose arms each read in order, the viewer's mutes inside. */
    bool arms = r->drive == DRIVE_FOLLOW || (r->search_walk != 0 && store_sql_lateral(store));
    switch (r->drive) {
    case DRIVE_FOLLOW:
        store_sql_add(sql, "WITH choice AS (");
        store_follow_choice(sql, follower, limit);
        store_sql_add(sql, ") SELECT %s FROM (SELECT * FROM (", columns);
        store_follow_arms(sql, store, r, follower, viewer, limit);
        store_sql_add(sql, ") m) p WHERE 1 = 1");
        break;
    case DRIVE_MENTION:
        ts = "m.timestamp";
        id = "m.post_id";
        store_sql_add(sql, "SELECT %s FROM mention m JOIN post p ON p.id = m.post_id "
                     "WHERE m.user_id = ?%d",
                columns, store_sql_param(sql, f->mentioning));
        store_page_bounds(sql, r, ts, id, NULL);
        break;
    case DRIVE_TAG:
        ts = "t.timestamp";
        id = "t.post_id";
        store_sql_add(sql, "SELECT %s FROM tag t JOIN post p ON p.id = t.post_id WHERE t.tag = ?%d",
                columns, store_sql_param_value(sql, store_value_text(r->tag)));
        store_page_bounds(sql, r, ts, id, NULL);
        break;
    case DRIVE_SEARCH:
        if (!store_sql_lateral(store)) {
            ts = "s.rowid";
            id = NULL;
            store_search_walk(sql, r, columns,
                              store_sql_param_value(sql, store_value_text(r->search)));
        } else if (r->search_walk != 0) {
            store_search_arms(sql, r, columns,
                              store_sql_param_value(sql, store_value_text(r->search)), viewer,
                              limit);
        } else {
            store_sql_add(sql, "SELECT %s FROM post p WHERE p.search @@ " STORE_PG_TSQUERY,
                    columns, store_sql_param_value(sql, store_value_text(r->search)));
            store_page_bounds(sql, r, ts, id, NULL);
        }
        break;
    case DRIVE_AUTHOR:
    case DRIVE_TIME:
        store_sql_add(sql, "SELECT %s FROM post p WHERE 1 = 1", columns);
        store_page_bounds(sql, r, ts, id, NULL);
        break;
    }
    if (f->author_id != 0)
        store_sql_add(sql, " AND p.user_id = ?%d", store_sql_param(sql, f->author_id));
    if (f->mentioning != 0 && r->drive != DRIVE_MENTION)
        store_sql_add(sql, " AND EXISTS (SELECT 1 FROM mention x WHERE x.post_id = p.id "
                     "AND x.user_id = ?%d)",
                store_sql_param(sql, f->mentioning));
    if (f->following_of != 0 && r->drive != DRIVE_FOLLOW)
        store_sql_add(sql, " AND (p.user_id = ?%d OR EXISTS (SELECT 1 FROM follow f "
                     "WHERE f.follower_id = ?%d AND f.followed_id = p.user_id))",
                follower, follower);
    if (!arms)
        store_page_mute(sql, "p.user_id", viewer);
    if (r->search != NULL && r->drive != DRIVE_SEARCH) {
        int query = store_sql_param_value(sql, store_value_text(r->search));
        if (store_sql_lateral(store))
            store_sql_add(sql, " AND p.search @@ " STORE_PG_TSQUERY,
                          query);
        else
            /* A probe per row of the tag's walk: the post's key, then the
             * index at that key (a list of every match cost 90 ms for a
             * common word on 1M posts, the probes 4 ms). */
            store_sql_add(sql, " AND EXISTS (SELECT 1 FROM search_key k JOIN post_search s "
                         "ON s.rowid = k.key WHERE k.post_id = p.id AND post_search MATCH ?%d)",
                    query);
    }
    /* The following timeline's arms are exclusive and each in order:
     * SQLite runs UNION ALL arms one after the other and a LIMITed
     * subquery's rows come in its order, so only PostgreSQL (whose
     * planner may run arms in parallel) sorts its at most limit rows. */
    if (id == NULL) /* SQLite's search: the key alone */
        store_sql_add(sql, " ORDER BY %s %s LIMIT ?%d", ts, order, limit);
    else if (!arms || store_sql_lateral(store))
        store_sql_add(sql, " ORDER BY %s %s, %s %s LIMIT ?%d", ts, order, id, order, limit);
}

/* The kept slot of a page's shape (its drive, direction and whether a
 * viewer's mutes are left out), or -1 for
 * a filter with more than its drive (author and mentioning together, say)
 * or a strategy forced by a test: built for the call. */
static int page_slot(const struct page_request *r, int first, int per_drive)
{
    const struct post_filter *f = r->filter;
    if (r->search_alone) /* its pages only: the TUI counts new posts seldom */
        return per_drive > 1 ? SLOT_SEARCH_FIRST + (f->viewer_id != 0) * 2 + r->newer : -1;
    bool plain = !store_follow_forced() && r->drive < DRIVE_KEPT &&
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
                : store_sql_lateral(store)    ? r->filter->search
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
    /* One shape whatever the values (kept prepared): PostgreSQL's only
     * when it chooses (a test may turn that off). */
    r->search_alone = r->drive == DRIVE_SEARCH && f->author_id == 0 && f->mentioning == 0 &&
                      f->following_of == 0 &&
                      (!store_sql_lateral(store) || !store_search_choice_off());
    if (r->drive == DRIVE_SEARCH && !store_sql_lateral(store) &&
        (f->author_id != 0 || f->mentioning != 0))
        status = store_search_drive(store, r);
    if (status == MB_OK && r->drive == DRIVE_SEARCH && !store_sql_lateral(store)) {
        store_search_keys(r);
    } else if (status == MB_OK && r->search_alone) {
        int64_t total = 0;
        status = store_post_count(store, 0, &total);
        r->search_walk = store_search_walk_from(limit, total);
        r->search_window = store_search_window(limit, total, r->search_walk);
    }
    if (status != MB_OK)
        request_clear(r);
    return status;
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
    struct store_sql *sql = xcalloc(1, sizeof *sql);
    if (limit == 0) {
        *out = (struct post_list){ 0 };
        goto out;
    }
    build_page(sql, store, &r, STORE_POST_COLUMNS);
    status = store_sql_ready(store, sql);
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

enum mb_status store_posts_sql(struct store *store, const struct post_filter *filter,
                               const struct post_cursor *cursor, enum page_direction direction,
                               size_t limit, char **text, int64_t *params, size_t *count)
{
    struct page_request r;
    enum mb_status status =
        plan_page(store, filter, cursor, direction == PAGE_NEWER, (int64_t)limit, &r);
    if (status != MB_OK)
        return status;
    struct store_sql *sql = xcalloc(1, sizeof *sql);
    build_page(sql, store, &r, STORE_POST_COLUMNS);
    status = store_sql_ready(store, sql);
    for (size_t i = 0; status == MB_OK && i < sql->count; i++) {
        if (sql->params[i].type != STORE_VALUE_INT)
            status = store_fail(store, MB_INVALID, "reading posts: a text parameter");
        else
            params[i] = sql->params[i].integer;
    }
    if (status == MB_OK) {
        *text = xstrdup(sql->text);
        *count = sql->count;
    }
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
    struct store_sql *sql = xcalloc(1, sizeof *sql);
    store_sql_add(sql, "SELECT count(*) FROM (");
    build_page(sql, store, &r, "p.id");
    store_sql_add(sql, ") n");
    status = store_sql_ready(store, sql);
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
    struct store_sql *sql = xcalloc(1, sizeof *sql);
    if (r.drive == DRIVE_FOLLOW) {
        int limit = store_sql_param(sql, r.limit);
        store_follow_choice(sql, store_sql_param(sql, r.filter->following_of), limit);
        struct store_query query = { .slot = -1, .sql = sql->text, .what = "explaining" };
        int64_t merge = 0;
        status = store->backend->query(store, &query, sql->params, sql->count, store_row_ints,
                                       &merge, NULL);
        *merged = merge != 0;
        memset(sql, 0, sizeof *sql);
    }
    store_sql_add(sql, store_sql_lateral(store) ? "EXPLAIN " : "EXPLAIN QUERY PLAN ");
    build_page(sql, store, &r, STORE_POST_COLUMNS);
    if (status == MB_OK)
        status = store_sql_ready(store, sql);
    if (status == MB_OK) {
        struct store_query query = { .slot = -1, .sql = sql->text, .what = "explaining" };
        status = store->backend->query(store, &query, sql->params, sql->count, append_plan,
                                       plan, NULL);
    }
    request_clear(&r);
    free(sql);
    return status;
}
