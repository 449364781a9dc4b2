/* The PostgreSQL backend's part of `db copy` (store/copy.c): a REPEATABLE
 * READ snapshot to read from, keyset pages of users and posts in id order
 * with every column, and writing pages with COPY FROM STDIN, ids kept.
 * The post count triggers (migrations/postgres/0002) are stopped while
 * copying: each post would update its author's row and a total slot row,
 * and a million updates of one row inside one transaction leave a chain
 * of versions every later update walks (20k posts took 4 s, 60k 41 s).
 * copy_finish counts once instead, turns the trigger back on, moves the
 * identity sequences past the largest ids (the ids were given, so the
 * sequences did not move), gathers the planner's statistics of the copied
 * tables (without them a fresh copy is planned as empty: a rare word's
 * search took 40 ms instead of 0.4, until autovacuum came by; ANALYZE sees
 * the rows of its own transaction) and announces the change. ALTER TABLE
 * holds the post table's lock until COMMIT: nobody writes into the copy
 * meanwhile. */
#include "store/postgres/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum mb_status postgres_snapshot_begin(struct store *store)
{
    return postgres_exec(store, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                         "starting to read", NULL);
}

void postgres_snapshot_end(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (PQstatus(engine->conn) != CONNECTION_OK ||
        PQtransactionStatus(engine->conn) == PQTRANS_IDLE)
        return;
    PGresult *result = PQexec(engine->conn, "COMMIT");
    PQclear(result);
}

enum mb_status postgres_rows_present(struct store *store, bool *any)
{
    /* A database behind head may not have the tables yet. */
    static const char *const checks[][2] = {
        {"SELECT to_regclass('\"user\"') IS NOT NULL", "SELECT EXISTS (SELECT 1 FROM \"user\")"},
        {"SELECT to_regclass('post') IS NOT NULL", "SELECT EXISTS (SELECT 1 FROM post)"},
    };
    enum mb_status status = MB_OK;
    *any = false;
    for (size_t i = 0; i < 2 && status == MB_OK && !*any; i++) {
        PGresult *result = NULL;
        status = postgres_exec(store, checks[i][0], "looking for rows", &result);
        bool exists = status == MB_OK && postgres_int(result, 0, 0) != 0;
        PQclear(result);
        result = NULL;
        if (exists)
            status = postgres_exec(store, checks[i][1], "looking for rows", &result);
        *any = exists && status == MB_OK && postgres_int(result, 0, 0) != 0;
        PQclear(result);
    }
    return status;
}

/* Runs a page statement ($1 after id, $2 limit). */
/* An integer column, STORE_ROW_NULL when NULL. */
static int64_t nullable_int(const PGresult *result, int row, int column)
{
    return PQgetisnull(result, row, column) ? STORE_ROW_NULL : postgres_int(result, row, column);
}

static enum mb_status page_result(struct store *store, enum postgres_statement which,
                                  int64_t after_id, size_t limit, PGresult **result)
{
    char after[24], count[24];
    snprintf(after, sizeof after, "%" PRId64, after_id);
    snprintf(count, sizeof count, "%zu", limit);
    const char *params[] = {after, count};
    return postgres_run(store, which, 2, params, "reading rows to copy", result);
}

enum mb_status postgres_user_rows(struct store *store, int64_t after_id, size_t limit,
                                  struct store_row_page *out)
{
    PGresult *result = NULL;
    memset(out, 0, sizeof *out);
    enum mb_status status = page_result(store, PG_COPY_USER_ROWS, after_id, limit, &result);
    if (status != MB_OK)
        return status;
    int rows = PQntuples(result);
    if (rows > 0)
        out->users = xcalloc((size_t)rows, sizeof *out->users);
    for (int row = 0; row < rows; row++) {
        struct store_user_row *user = &out->users[out->count++];
        user->id = postgres_int(result, row, 0);
        user->username = postgres_text(result, row, 1);
        user->email = postgres_text(result, row, 2);
        user->password_hash = postgres_text(result, row, 3);
        user->created_at = postgres_int(result, row, 4);
        user->name_fold = postgres_text(result, row, 5);
        user->name_skeleton = postgres_text(result, row, 6);
        user->about = postgres_text(result, row, 7);
        user->last_seen = nullable_int(result, row, 8);
    }
    PQclear(result);
    return MB_OK;
}

enum mb_status postgres_post_rows(struct store *store, int64_t after_id, size_t limit,
                                  struct store_row_page *out)
{
    PGresult *result = NULL;
    memset(out, 0, sizeof *out);
    enum mb_status status = page_result(store, PG_COPY_POST_ROWS, after_id, limit, &result);
    if (status != MB_OK)
        return status;
    int rows = PQntuples(result);
    if (rows > 0)
        out->posts = xcalloc((size_t)rows, sizeof *out->posts);
    for (int row = 0; row < rows; row++) {
        struct store_post_row *post = &out->posts[out->count++];
        post->id = postgres_int(result, row, 0);
        post->body = postgres_text(result, row, 1);
        post->timestamp = postgres_int(result, row, 2);
        post->user_id = postgres_int(result, row, 3);
        post->reply_to = nullable_int(result, row, 4);
        post->thread_id = nullable_int(result, row, 5);
        post->edited_at = nullable_int(result, row, 6);
        post->is_private = postgres_int(result, row, 7);
    }
    PQclear(result);
    return MB_OK;
}

enum mb_status postgres_copy_begin(struct store *store)
{
    return postgres_exec(store, "ALTER TABLE post DISABLE TRIGGER tr_post_count_insert",
                         "preparing the copy", NULL);
}

/* Appends a field of COPY's text format (tab before all but the first). */
static void field_text(char **line, size_t *length, bool first, const char *text)
{
    size_t need = *length + 3 + (text != NULL ? 2 * strlen(text) : 2);
    *line = xrealloc(*line, need);
    char *p = *line + *length;
    if (!first)
        *p++ = '\t';
    if (text == NULL) {
        *p++ = '\\';
        *p++ = 'N';
    }
    for (const char *c = text; c != NULL && *c != '\0'; c++) {
        char escaped = *c == '\\' ? '\\' : *c == '\n' ? 'n' : *c == '\r' ? 'r'
                     : *c == '\t' ? 't' : '\0';
        if (escaped != '\0') {
            *p++ = '\\';
            *p++ = escaped;
        } else {
            *p++ = *c;
        }
    }
    *length = (size_t)(p - *line);
}

static void field_int(char **line, size_t *length, bool first, int64_t value)
{
    if (value == STORE_ROW_NULL) {
        field_text(line, length, first, NULL);
        return;
    }
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, value);
    field_text(line, length, first, text);
}

/* One page through COPY table FROM STDIN; row(i) appends row i's fields. */
static enum mb_status copy_in(struct store *store, const char *sql, size_t count,
                              const struct store_row_page *page, const char *what,
                              void (*row)(char **, size_t *, const struct store_row_page *,
                                          size_t))
{
    struct postgres_engine *engine = postgres_engine(store);
    enum mb_status status = postgres_ensure_connection(store);
    if (status != MB_OK)
        return status;
    PGresult *result = PQexec(engine->conn, sql);
    if (PQresultStatus(result) != PGRES_COPY_IN) {
        status = postgres_fail(store, result, what);
        PQclear(result);
        return status;
    }
    PQclear(result);
    char *line = NULL;
    bool sent = true;
    for (size_t i = 0; i < count && sent; i++) {
        size_t length = 0;
        row(&line, &length, page, i);
        line = xrealloc(line, length + 1);
        line[length++] = '\n';
        sent = PQputCopyData(engine->conn, line, (int)length) == 1;
    }
    free(line);
    if (PQputCopyEnd(engine->conn, sent ? NULL : "the copy stopped") != 1)
        sent = false;
    result = PQgetResult(engine->conn);
    if (PQresultStatus(result) != PGRES_COMMAND_OK)
        status = postgres_fail(store, result, what);
    else if (!sent)
        status = postgres_fail(store, NULL, what);
    PQclear(result);
    while ((result = PQgetResult(engine->conn)) != NULL)
        PQclear(result);
    return status;
}

static void user_line(char **line, size_t *length, const struct store_row_page *page, size_t i)
{
    const struct store_user_row *user = &page->users[i];
    field_int(line, length, true, user->id);
    field_text(line, length, false, user->username);
    field_text(line, length, false, user->email);
    field_text(line, length, false, user->password_hash);
    field_int(line, length, false, user->created_at);
    field_text(line, length, false, user->name_fold);
    field_text(line, length, false, user->name_skeleton);
    field_text(line, length, false, user->about);
    field_int(line, length, false, user->last_seen);
}

static void post_line(char **line, size_t *length, const struct store_row_page *page, size_t i)
{
    const struct store_post_row *post = &page->posts[i];
    field_int(line, length, true, post->id);
    field_text(line, length, false, post->body);
    field_int(line, length, false, post->timestamp);
    field_int(line, length, false, post->user_id);
    field_int(line, length, false, post->reply_to);
    field_int(line, length, false, post->thread_id);
    field_int(line, length, false, post->edited_at);
    field_int(line, length, false, post->is_private);
}

enum mb_status postgres_users_insert_rows(struct store *store, const struct store_row_page *page)
{
    return copy_in(store,
                   "COPY \"user\" (id, username, email, password_hash, created_at, name_fold, "
                   "name_skeleton, about, last_seen) FROM STDIN",
                   page->count, page, "copying users", user_line);
}

enum mb_status postgres_posts_insert_rows(struct store *store, const struct store_row_page *page)
{
    return copy_in(store, "COPY post (id, body, timestamp, user_id, reply_to, thread_id, "
                   "edited_at, private) FROM STDIN", page->count,
                   page, "copying posts", post_line);
}

enum mb_status postgres_copy_finish(struct store *store)
{
    enum mb_status status = postgres_exec(
        store,
        "DELETE FROM post_count WHERE user_id <> 0; "
        "UPDATE post_count SET n = 0 WHERE user_id = 0; "
        "INSERT INTO post_count (user_id, slot, n) "
        "    SELECT user_id, 0, count(*) FROM post GROUP BY user_id; "
        "UPDATE post_count SET n = (SELECT count(*) FROM post) WHERE user_id = 0 AND slot = 0; "
        "ALTER TABLE post ENABLE TRIGGER tr_post_count_insert; "
        "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), "
        "    coalesce((SELECT max(id) FROM \"user\"), 0) + 1, false); "
        "SELECT setval(pg_get_serial_sequence('post', 'id'), "
        "    coalesce((SELECT max(id) FROM post), 0) + 1, false); "
        "ANALYZE \"user\", post, post_count, follow, mute, mention, read_mark, private_entry, "
        "    tag, tag_count",
        "finishing the copy", NULL);
    if (status == MB_OK)
        status = postgres_notify(store, "copy");
    return status;
}

enum mb_status postgres_post_counts_wrong(struct store *store, int64_t *wrong)
{
    PGresult *result = NULL;
    /* Authors whose rows differ from their posts, rows of authors without
     * posts that are not 0, and the total (64 slot rows of user 0). */
    enum mb_status status = postgres_exec(
        store,
        "SELECT (SELECT count(*) FROM (SELECT user_id, count(*) AS n FROM post "
        "        GROUP BY user_id) a WHERE a.n IS DISTINCT FROM "
        "        (SELECT sum(c.n) FROM post_count c WHERE c.user_id = a.user_id))"
        "     + (SELECT count(*) FROM post_count c WHERE c.user_id <> 0 AND c.n <> 0 "
        "        AND NOT EXISTS (SELECT 1 FROM post p WHERE p.user_id = c.user_id))"
        "     + CASE WHEN (SELECT sum(n) FROM post_count WHERE user_id = 0) "
        "            IS DISTINCT FROM (SELECT count(*) FROM post) THEN 1 ELSE 0 END",
        "checking the post counts", &result);
    if (status == MB_OK)
        *wrong = postgres_int(result, 0, 0);
    PQclear(result);
    return status;
}
