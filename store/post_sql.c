/* The SQL builder of the post pages (store/post_sql.h): a statement's text
 * and numbered parameters, the keyset bounds of a page on the index it
 * walks, and the viewer's mutes. Absent bounds are written as the widest
 * ones, so that one statement per shape is kept prepared whatever the
 * filter's values. */
#include "store/post_sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store/queries.h"

void store_sql_add(struct store_sql *sql, const char *format, ...)
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

int store_sql_param_value(struct store_sql *sql, struct store_value value)
{
    if (sql->count == sizeof sql->params / sizeof sql->params[0]) {
        sql->overflow = true;
        return 1;
    }
    sql->params[sql->count++] = value;
    return (int)sql->count;
}

int store_sql_param(struct store_sql *sql, int64_t value)
{
    return store_sql_param_value(sql, store_value_int(value));
}

enum mb_status store_sql_ready(struct store *store, const struct store_sql *sql)
{
    if (sql->overflow)
        return store_fail(store, MB_DB, "reading posts: the query is too long");
    return MB_OK;
}

bool store_sql_lateral(const struct store *store)
{
    return store_on_server(store);
}

int store_page_far_param(struct store_sql *sql, const struct page_request *r)
{
    const struct post_filter *f = r->filter;
    if (r->newer)
        return store_sql_param(sql, f->until != 0 ? f->until - 1 : INT64_MAX);
    return store_sql_param(sql, f->since != 0 ? f->since : INT64_MIN);
}

/* The cursor with the bound on its side folded in (until for older pages,
 * since for newer ones), so that the index range starts at the nearer of
 * the two; then the far bound. One lower and one upper bound: SQLite
 * seeks on one of each. */
void store_page_bounds(struct store_sql *sql, const struct page_request *r, const char *ts,
                       const char *id, const char *far)
{
    const struct post_filter *f = r->filter;
    int64_t at = r->after_timestamp, at_id = r->after_id;
    if (r->newer) {
        if (f->since != 0 && f->since > at) {
            at = f->since;
            at_id = INT64_MIN; /* (ts, id) > (since, min): ts >= since */
        }
    } else if (f->until != 0 && f->until - 1 < at) {
        at = f->until - 1;
        at_id = INT64_MAX; /* (ts, id) < (until - 1, max): ts < until */
    }
    int a = store_sql_param(sql, at), b = store_sql_param(sql, at_id);
    const char *op = r->newer ? ">" : "<";
    store_sql_add(sql, " AND %s %s= ?%d AND (%s %s ?%d OR %s %s ?%d) AND %s %s= ", ts, op, a, ts,
                  op, a, id, op, b, ts, r->newer ? "<" : ">");
    if (far != NULL)
        store_sql_add(sql, "%s", far);
    else
        store_sql_add(sql, "?%d", store_page_far_param(sql, r));
}

void store_page_mute(struct store_sql *sql, const char *author, int viewer)
{
    if (viewer == 0)
        return;
    store_sql_add(sql, " AND NOT EXISTS (SELECT 1 FROM mute x WHERE x.user_id = ?%d "
                       "AND x.muted_id = %s)",
                  viewer, author);
}
