/* `db copy`: every row of one database into an empty one, whatever the
 * two engines (a journal moving to a server, and back), through the
 * backend table's row-level operations (store/backend.h). The source is
 * read in keyset pages of one snapshot, so memory stays flat however many
 * posts there are; the target is written in one transaction, all or
 * nothing, ids kept. After the commit both sides are read again and
 * compared by row counts and a chained SHA-256 of the rows in a canonical
 * text form (store.h), and the target's kept post counts are checked
 * against its posts: a copy that does not verify says so. */
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/xalloc.h"
#include "core/config.h"
#include "store/internal.h"
#include "store/postgres/url.h"

/* Rows per page read and written. */
#define COPY_PAGE 500

void store_copy_page_clear(struct store_row_page *page)
{
    for (size_t i = 0; page->users != NULL && i < page->count; i++) {
        free(page->users[i].username);
        free(page->users[i].email);
        if (page->users[i].password_hash != NULL)
            crypto_wipe(page->users[i].password_hash, strlen(page->users[i].password_hash));
        free(page->users[i].password_hash);
        free(page->users[i].name_fold);
        free(page->users[i].name_skeleton);
        free(page->users[i].about);
    }
    for (size_t i = 0; page->posts != NULL && i < page->count; i++)
        free(page->posts[i].body);
    free(page->users);
    free(page->posts);
    memset(page, 0, sizeof *page);
}

char *store_display_name(const char *name)
{
    if (config_is_server_url(name))
        return store_postgres_display_url(name);
    return xstrdup(name);
}

enum mb_status store_is_empty(struct store *store, bool *empty)
{
    bool any = true;
    enum mb_status status = store->backend->rows_present(store, &any);
    *empty = !any;
    return status;
}

/* ---- the digest (store.h: the canonical form) ------------------------ */

struct digest {
    char hex[65];
    char *line;
    size_t length, capacity;
};

static void line_add(struct digest *digest, const char *text, size_t length)
{
    if (digest->length + length + 1 > digest->capacity) {
        digest->capacity = (digest->length + length + 1) * 2;
        digest->line = xrealloc(digest->line, digest->capacity);
    }
    memcpy(digest->line + digest->length, text, length);
    digest->length += length;
}

static void field_text(struct digest *digest, const char *text)
{
    line_add(digest, "\t", 1);
    if (text == NULL) {
        line_add(digest, "\\N", 2);
        return;
    }
    for (const char *c = text; *c != '\0'; c++) {
        const char *escaped = *c == '\\' ? "\\\\" : *c == '\t' ? "\\t"
                            : *c == '\n' ? "\\n" : *c == '\r' ? "\\r" : NULL;
        if (escaped != NULL)
            line_add(digest, escaped, 2);
        else
            line_add(digest, c, 1);
    }
}

static void field_int(struct digest *digest, int64_t value)
{
    if (value == STORE_ROW_NULL) {
        field_text(digest, NULL);
        return;
    }
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, value);
    field_text(digest, text);
}

/* Starts a line: the previous digest, then the row's kind. */
static void line_start(struct digest *digest, const char *kind)
{
    digest->length = 0;
    line_add(digest, digest->hex, strlen(digest->hex));
    line_add(digest, kind, strlen(kind));
}

static void line_end(struct digest *digest)
{
    line_add(digest, "\n", 1);
    crypto_checksum_hex(digest->line, digest->length, digest->hex);
    crypto_wipe(digest->line, digest->length);
}

static void digest_page(struct digest *digest, const struct store_row_page *page)
{
    for (size_t i = 0; page->users != NULL && i < page->count; i++) {
        const struct store_user_row *user = &page->users[i];
        line_start(digest, "user");
        field_int(digest, user->id);
        field_text(digest, user->username);
        field_text(digest, user->email);
        field_text(digest, user->password_hash);
        field_int(digest, user->created_at);
        field_text(digest, user->name_fold);
        field_text(digest, user->name_skeleton);
        field_text(digest, user->about);
        field_int(digest, user->last_seen);
        line_end(digest);
    }
    for (size_t i = 0; page->posts != NULL && i < page->count; i++) {
        const struct store_post_row *post = &page->posts[i];
        line_start(digest, "post");
        field_int(digest, post->id);
        field_int(digest, post->user_id);
        field_int(digest, post->timestamp);
        field_text(digest, post->body);
        field_int(digest, post->reply_to);
        field_int(digest, post->thread_id);
        field_int(digest, post->edited_at);
        field_int(digest, post->is_private);
        line_end(digest);
    }
}

/* The id after which the next page starts. */
static int64_t page_last_id(const struct store_row_page *page)
{
    return page->users != NULL ? page->users[page->count - 1].id
                               : page->posts[page->count - 1].id;
}

/* ---- the tables that connect users and posts ---------------------------- */

/* Copied after the users and posts they refer to, through the store's
 * engine-neutral SQL (backend.h's query op), in keyset pages on their
 * primary keys (the first `keys` columns; text keys compare as bytes on
 * both engines, so both sides walk them in the same order). Counts kept
 * by triggers (tag_count) and the search index follow by themselves. */
struct copy_table {
    const char *name;
    const char *columns;
    int count;           /* columns */
    int keys;            /* the first `keys` columns are the primary key */
};

static const struct copy_table copy_tables[] = {
    {"follow", "follower_id, followed_id, created_at", 3, 2},
    {"mute", "user_id, muted_id, created_at", 3, 2},
    {"mention", "user_id, timestamp, post_id", 3, 3},
    {"read_mark", "user_id, view, timestamp, post_id", 4, 2},
    {"private_entry", "post_id, sealed", 2, 1},
    {"tag", "tag, timestamp, post_id", 3, 3},
};

#define COPY_TABLE_PAGE 200   /* rows per read; inserted 50 to a statement */
#define COPY_INSERT_ROWS 50

/* A page of rows of one table: count rows of table->count values, text
 * owned by the page. */
struct table_page {
    const struct copy_table *table;
    struct store_value *values;
    size_t count, capacity;
};

static enum mb_status table_row(void *context, const struct store_value *columns, size_t count)
{
    struct table_page *page = context;
    size_t width = (size_t)page->table->count;
    if (count != width)
        return MB_DB;
    if (page->count == page->capacity) {
        page->capacity = page->capacity ? page->capacity * 2 : 64;
        page->values = xreallocarray(page->values, page->capacity * width, sizeof *page->values);
    }
    struct store_value *row = &page->values[page->count++ * width];
    for (size_t i = 0; i < width; i++) {
        row[i] = columns[i];
        if (columns[i].type == STORE_VALUE_TEXT)
            row[i].text = xstrdup(columns[i].text);
    }
    return MB_OK;
}

static void table_page_clear(struct table_page *page)
{
    size_t width = (size_t)page->table->count;
    for (size_t i = 0; i < page->count * width; i++)
        if (page->values[i].type == STORE_VALUE_TEXT)
            free((char *)page->values[i].text);
    page->count = 0;
}

/* "?a, ?a+1, ..." for count placeholders starting at first. */
static void placeholders(char *out, size_t size, int first, int count)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < count && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s?%d", i ? ", " : "", first + i);
}

/* The next page of table after the key of `last` (NULL: from the start). */
static enum mb_status table_read(struct store *from, const struct copy_table *table,
                                 const struct store_value *last, struct table_page *page)
{
    char keys[128], after[128], sql[512];
    /* The key columns are the first `keys` names of the column list. */
    size_t key_length = 0;
    for (int commas = 0; table->columns[key_length] != '\0'; key_length++)
        if (table->columns[key_length] == ',' && ++commas == table->keys)
            break;
    snprintf(keys, sizeof keys, "%.*s", (int)key_length, table->columns);
    placeholders(after, sizeof after, 1, table->keys);
    if (last != NULL)
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE (%s) > (%s) ORDER BY %s LIMIT %d",
                 table->columns, table->name, keys, after, keys, COPY_TABLE_PAGE);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s LIMIT %d", table->columns,
                 table->name, keys, COPY_TABLE_PAGE);
    struct store_query query = { .slot = -1, .sql = sql, .what = "reading rows to copy" };
    return from->backend->query(from, &query, last, last != NULL ? (size_t)table->keys : 0,
                                table_row, page, NULL);
}

static enum mb_status table_insert(struct store *to, const struct table_page *page)
{
    const struct copy_table *table = page->table;
    size_t width = (size_t)table->count;
    enum mb_status status = MB_OK;
    for (size_t start = 0; start < page->count && status == MB_OK; start += COPY_INSERT_ROWS) {
        size_t rows = page->count - start < COPY_INSERT_ROWS ? page->count - start
                                                             : COPY_INSERT_ROWS;
        size_t size = 128 + rows * width * 8;
        char *sql = xmalloc(size);
        size_t used = (size_t)snprintf(sql, size, "INSERT INTO %s (%s) VALUES ", table->name,
                                       table->columns);
        for (size_t r = 0; r < rows; r++) {
            char row[128];
            placeholders(row, sizeof row, (int)(r * width) + 1, (int)width);
            used += (size_t)snprintf(sql + used, size - used, "%s(%s)", r ? ", " : "", row);
        }
        struct store_query query = { .slot = -1, .sql = sql, .what = "copying rows" };
        status = to->backend->query(to, &query, &page->values[start * width], rows * width,
                                    NULL, NULL, NULL);
        free(sql);
    }
    return status;
}

static void digest_table_page(struct digest *digest, const struct table_page *page)
{
    size_t width = (size_t)page->table->count;
    for (size_t r = 0; r < page->count; r++) {
        line_start(digest, page->table->name);
        for (size_t c = 0; c < width; c++) {
            const struct store_value *value = &page->values[r * width + c];
            if (value->type == STORE_VALUE_INT)
                field_int(digest, value->integer);
            else
                field_text(digest, value->type == STORE_VALUE_TEXT ? value->text : NULL);
        }
        line_end(digest);
    }
}

/* Every row of the connecting tables of `from`, as walk() does for users
 * and posts; *rows counts them. */
static enum mb_status walk_tables(struct store *from, struct store *to, struct store *report,
                                  struct digest *digest, int64_t *rows)
{
    enum mb_status status = MB_OK;
    *rows = 0;
    for (size_t t = 0; t < sizeof copy_tables / sizeof *copy_tables && status == MB_OK; t++) {
        struct table_page page = { .table = &copy_tables[t] };
        struct store_value *last = NULL;
        size_t width = (size_t)copy_tables[t].count;
        for (;;) {
            struct table_page next = { .table = &copy_tables[t] };
            status = table_read(from, &copy_tables[t], last, &next);
            table_page_clear(&page);
            free(page.values);
            page = next;
            if (status != MB_OK) {
                if (from != report)
                    store_fail(report, status, "reading %s: %s", from->path, from->error);
                break;
            }
            if (page.count == 0)
                break;
            if (to != NULL)
                status = table_insert(to, &page);
            if (digest != NULL)
                digest_table_page(digest, &page);
            *rows += (int64_t)page.count;
            last = &page.values[(page.count - 1) * width];
            if (status != MB_OK)
                break;
        }
        table_page_clear(&page);
        free(page.values);
    }
    return status;
}

/* ---- walking every row ----------------------------------------------- */

/* Reads every user, then every post, of `from` in pages, handing each
 * page to `to` (when not NULL: inserted there) and to digest (when not
 * NULL); counts them in *users and *posts. Errors of `from` are recorded
 * on `report` (the target's handle). */
static enum mb_status walk(struct store *from, struct store *to, struct store *report,
                           struct digest *digest, int64_t *users, int64_t *posts)
{
    enum mb_status status = MB_OK;
    *users = *posts = 0;
    for (int kind = 0; kind < 2 && status == MB_OK; kind++) {
        int64_t after = 0;
        for (;;) {
            struct store_row_page page = { 0 };
            status = kind == 0 ? from->backend->user_rows(from, after, COPY_PAGE, &page)
                               : from->backend->post_rows(from, after, COPY_PAGE, &page);
            if (status != MB_OK) {
                if (from != report)
                    store_fail(report, status, "reading %s: %s", from->path, from->error);
                break;
            }
            if (page.count == 0)
                break;
            if (to != NULL)
                status = kind == 0 ? to->backend->users_insert_rows(to, &page)
                                   : to->backend->posts_insert_rows(to, &page);
            if (digest != NULL)
                digest_page(digest, &page);
            *(kind == 0 ? users : posts) += (int64_t)page.count;
            after = page_last_id(&page);
            store_copy_page_clear(&page);
            if (status != MB_OK)
                break;
        }
    }
    return status;
}

/* Both at the same head, the source ours to read, the target empty. */
static enum mb_status copy_check(struct store *from, struct store *to)
{
    int from_current = 0, from_head = 0, to_current = 0, to_head = 0;
    enum mb_status status = store_authorize(from, STORE_ACTION_MIGRATE, 0);
    if (status != MB_OK)
        return store_fail(to, status, "only an admin may copy the database (it holds every "
                          "password hash)");
    status = store_revision(from, &from_current, &from_head);
    if (status != MB_OK)
        return store_fail(to, status, "%s", from->error);
    if (from_current != from_head)
        return store_fail(to, from_current < from_head ? MB_BEHIND : MB_NEWER,
                          "%s is at revision %04d, not at this program's head %04d%s",
                          from->path, from_current, from_head,
                          from_current < from_head ? ": run db upgrade first" : "");
    status = store_revision(to, &to_current, &to_head);
    if (status == MB_OK && (to_current != to_head || to_head != from_head))
        status = store_fail(to, MB_BEHIND, "%s is at revision %04d, not at head %04d",
                            to->path, to_current, from_head);
    return status;
}

enum mb_status store_copy(struct store *from, struct store *to, struct copy_report *out)
{
    struct digest from_digest = { .hex = "" }, to_digest = { .hex = "" };
    int64_t users = 0, posts = 0, to_users = 0, to_posts = 0, wrong = 0;
    int64_t links = 0, to_links = 0;
    bool empty = false, reading = false;
    memset(out, 0, sizeof *out);
    enum mb_status status = copy_check(from, to);
    if (status != MB_OK)
        goto out;
    status = from->backend->snapshot_begin(from);
    if (status != MB_OK) {
        store_fail(to, status, "%s", from->error);
        goto out;
    }
    reading = true;

    /* The copy: one write on the target, refused unless it is empty. */
    status = store_write_begin(to);
    if (status != MB_OK)
        goto out;
    status = store_is_empty(to, &empty);
    if (status == MB_OK && !empty)
        status = store_fail(to, MB_EXISTS, "%s is not empty: db copy writes only into an "
                            "empty database", to->path);
    if (status == MB_OK && to->backend->copy_begin != NULL)
        status = to->backend->copy_begin(to);
    if (status == MB_OK)
        status = walk(from, to, to, &from_digest, &users, &posts);
    if (status == MB_OK)
        status = walk_tables(from, to, to, &from_digest, &links);
    if (status == MB_OK && to->backend->copy_finish != NULL)
        status = to->backend->copy_finish(to);
    status = store_write_end(to, status);
    if (status != MB_OK)
        goto out;

    /* The verification, against what the target committed. */
    status = walk(to, NULL, to, &to_digest, &to_users, &to_posts);
    if (status == MB_OK)
        status = walk_tables(to, NULL, to, &to_digest, &to_links);
    if (status == MB_OK)
        status = to->backend->post_counts_wrong(to, &wrong);
    if (status != MB_OK)
        goto out;
    if (to_users != users || to_posts != posts || to_links != links)
        status = store_fail(to, MB_DB, "the copy does not verify: %" PRId64 " users and %"
                            PRId64 " posts read, %" PRId64 " and %" PRId64 " in %s",
                            users, posts, to_users, to_posts, to->path);
    else if (strcmp(from_digest.hex, to_digest.hex) != 0)
        status = store_fail(to, MB_DB, "the copy does not verify: the rows in %s differ "
                            "(sha256 %s, %s read)", to->path, to_digest.hex, from_digest.hex);
    else if (wrong != 0)
        status = store_fail(to, MB_DB, "the copy does not verify: %" PRId64 " post counts "
                            "kept in %s differ from its posts", wrong, to->path);
    if (status == MB_OK) {
        out->users = users;
        out->posts = posts;
        out->links = links;
        memcpy(out->sha256, from_digest.hex, sizeof out->sha256);
    }
out:
    if (reading)
        from->backend->snapshot_end(from);
    free(from_digest.line);
    free(to_digest.line);
    return status;
}
