/* The SQLite backend's part of `db copy` (store/copy.c): a read snapshot
 * of the whole file, keyset pages of users and posts in id order with
 * every column, inserts that keep the ids, and the check that the post
 * counts kept by the triggers (migrations/sqlite/0002) match the posts.
 * The triggers stay on while copying: SQLite updates the count rows in
 * place, so a million posts cost a million cheap updates. The statements
 * are prepared per page: a copy runs once, a page holds hundreds of rows. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

static char *column_text(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return text != NULL ? xstrdup((const char *)text) : NULL;
}

static int64_t column_int(sqlite3_stmt *stmt, int column)
{
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
        return STORE_ROW_NULL;
    return sqlite3_column_int64(stmt, column);
}

static void bind_int(sqlite3_stmt *stmt, int index, int64_t value)
{
    if (value != STORE_ROW_NULL)
        sqlite3_bind_int64(stmt, index, value);
    else
        sqlite3_bind_null(stmt, index);
}

static void bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    if (text != NULL)
        sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, index);
}

enum mb_status store_sqlite_snapshot_begin(struct store *store)
{
    /* DEFERRED: the snapshot is taken by the first read and kept until
     * snapshot_end, while writers go on in the -wal. */
    int rc = sqlite3_exec(SQ(store)->db, "BEGIN DEFERRED", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_fail_sqlite(store, rc, "starting to read");
    return MB_OK;
}

void store_sqlite_snapshot_end(struct store *store)
{
    if (!sqlite3_get_autocommit(SQ(store)->db))
        sqlite3_exec(SQ(store)->db, "COMMIT", NULL, NULL, NULL);
}

enum mb_status store_sqlite_rows_present(struct store *store, bool *any)
{
    /* A database behind head may not have the tables yet. */
    static const char *const checks[][2] = {
        {"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'user'",
         "SELECT EXISTS (SELECT 1 FROM user)"},
        {"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'post'",
         "SELECT EXISTS (SELECT 1 FROM post)"},
    };
    enum mb_status status = MB_OK;
    *any = false;
    for (size_t i = 0; i < 2 && status == MB_OK && !*any; i++) {
        int64_t exists = 0, rows = 0;
        status = store_query_int(store, checks[i][0], &exists);
        if (status == MB_OK && exists != 0)
            status = store_query_int(store, checks[i][1], &rows);
        *any = rows != 0;
    }
    return status;
}

/* Runs a page query (?1 after id, ?2 limit) and reads each row with read. */
static enum mb_status read_page(struct store *store, const char *sql, int64_t after_id,
                                size_t limit, struct store_row_page *out,
                                void (*read)(sqlite3_stmt *, struct store_row_page *))
{
    sqlite3_stmt *stmt = NULL;
    memset(out, 0, sizeof *out);
    int rc = sqlite3_prepare_v2(SQ(store)->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return store_fail_sqlite(store, rc, "reading rows to copy");
    sqlite3_bind_int64(stmt, 1, after_id);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
    while (out->count < limit && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
        read(stmt, out);
    if (out->count == limit)
        rc = SQLITE_DONE;
    enum mb_status status = MB_OK;
    if (rc != SQLITE_DONE) {
        status = store_fail_sqlite(store, rc, "reading rows to copy");
        store_copy_page_clear(out);
    }
    sqlite3_finalize(stmt);
    return status;
}

static void read_user_row(sqlite3_stmt *stmt, struct store_row_page *page)
{
    page->users = xreallocarray(page->users, page->count + 1, sizeof *page->users);
    struct store_user_row *row = &page->users[page->count++];
    row->id = sqlite3_column_int64(stmt, 0);
    row->username = column_text(stmt, 1);
    row->email = column_text(stmt, 2);
    row->password_hash = column_text(stmt, 3);
    row->created_at = sqlite3_column_int64(stmt, 4);
    row->name_fold = column_text(stmt, 5);
    row->name_skeleton = column_text(stmt, 6);
    row->about = column_text(stmt, 7);
    row->last_seen = column_int(stmt, 8);
}

static void read_post_row(sqlite3_stmt *stmt, struct store_row_page *page)
{
    page->posts = xreallocarray(page->posts, page->count + 1, sizeof *page->posts);
    struct store_post_row *row = &page->posts[page->count++];
    row->id = sqlite3_column_int64(stmt, 0);
    row->body = column_text(stmt, 1);
    row->timestamp = sqlite3_column_int64(stmt, 2);
    row->user_id = sqlite3_column_int64(stmt, 3);
    row->reply_to = column_int(stmt, 4);
    row->thread_id = column_int(stmt, 5);
    row->edited_at = column_int(stmt, 6);
    row->is_private = sqlite3_column_int64(stmt, 7);
}

enum mb_status store_sqlite_user_rows(struct store *store, int64_t after_id, size_t limit,
                                      struct store_row_page *out)
{
    return read_page(store,
                     "SELECT id, username, email, password_hash, created_at, name_fold, "
                     "name_skeleton, about, last_seen FROM user WHERE id > ?1 "
                     "ORDER BY id LIMIT ?2",
                     after_id, limit, out, read_user_row);
}

enum mb_status store_sqlite_post_rows(struct store *store, int64_t after_id, size_t limit,
                                      struct store_row_page *out)
{
    return read_page(store,
                     "SELECT id, body, timestamp, user_id, reply_to, thread_id, edited_at, "
                     "private FROM post WHERE id > ?1 ORDER BY id LIMIT ?2",
                     after_id, limit, out, read_post_row);
}

/* Inserts each row of a page with one prepared statement (bind fills it). */
static enum mb_status insert_page(struct store *store, const char *sql,
                                  const struct store_row_page *page, const char *what,
                                  void (*bind)(sqlite3_stmt *, const struct store_row_page *,
                                               size_t))
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(SQ(store)->db, sql, -1, &stmt, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < page->count; i++) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        bind(stmt, page, i);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    enum mb_status status = MB_OK;
    if (rc != SQLITE_OK)
        status = store_fail_sqlite(store, rc, what);
    sqlite3_finalize(stmt);
    return status;
}

static void bind_user(sqlite3_stmt *stmt, const struct store_row_page *page, size_t i)
{
    const struct store_user_row *row = &page->users[i];
    sqlite3_bind_int64(stmt, 1, row->id);
    bind_text(stmt, 2, row->username);
    bind_text(stmt, 3, row->email);
    bind_text(stmt, 4, row->password_hash);
    sqlite3_bind_int64(stmt, 5, row->created_at);
    bind_text(stmt, 6, row->name_fold);
    bind_text(stmt, 7, row->name_skeleton);
    bind_text(stmt, 8, row->about);
    bind_int(stmt, 9, row->last_seen);
}

static void bind_post(sqlite3_stmt *stmt, const struct store_row_page *page, size_t i)
{
    const struct store_post_row *row = &page->posts[i];
    sqlite3_bind_int64(stmt, 1, row->id);
    bind_text(stmt, 2, row->body);
    sqlite3_bind_int64(stmt, 3, row->timestamp);
    sqlite3_bind_int64(stmt, 4, row->user_id);
    bind_int(stmt, 5, row->reply_to);
    bind_int(stmt, 6, row->thread_id);
    bind_int(stmt, 7, row->edited_at);
    sqlite3_bind_int64(stmt, 8, row->is_private);
}

enum mb_status store_sqlite_users_insert_rows(struct store *store,
                                              const struct store_row_page *page)
{
    return insert_page(store,
                       "INSERT INTO user (id, username, email, password_hash, created_at, "
                       "name_fold, name_skeleton, about, last_seen) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       page, "copying a user", bind_user);
}

enum mb_status store_sqlite_posts_insert_rows(struct store *store,
                                              const struct store_row_page *page)
{
    return insert_page(store,
                       "INSERT INTO post (id, body, timestamp, user_id, reply_to, thread_id, "
                       "edited_at, private) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       page, "copying a post", bind_post);
}

enum mb_status store_sqlite_post_counts_wrong(struct store *store, int64_t *wrong)
{
    /* Authors whose row differs from their posts, rows of authors without
     * posts that are not 0, and the total (row 0). */
    return store_query_int(
        store,
        "SELECT (SELECT count(*) FROM (SELECT user_id, count(*) AS n FROM post GROUP BY user_id) a "
        "        WHERE a.n IS NOT (SELECT c.n FROM post_count c WHERE c.user_id = a.user_id))"
        "     + (SELECT count(*) FROM post_count c WHERE c.user_id <> 0 AND c.n <> 0 "
        "        AND NOT EXISTS (SELECT 1 FROM post p WHERE p.user_id = c.user_id))"
        "     + ((SELECT n FROM post_count WHERE user_id = 0) IS NOT (SELECT count(*) FROM post))",
        wrong);
}
