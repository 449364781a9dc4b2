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
        line_end(digest);
    }
    for (size_t i = 0; page->posts != NULL && i < page->count; i++) {
        const struct store_post_row *post = &page->posts[i];
        line_start(digest, "post");
        field_int(digest, post->id);
        field_int(digest, post->user_id);
        field_int(digest, post->timestamp);
        field_text(digest, post->body);
        line_end(digest);
    }
}

/* The id after which the next page starts. */
static int64_t page_last_id(const struct store_row_page *page)
{
    return page->users != NULL ? page->users[page->count - 1].id
                               : page->posts[page->count - 1].id;
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
    if (status == MB_OK && to->backend->copy_finish != NULL)
        status = to->backend->copy_finish(to);
    status = store_write_end(to, status);
    if (status != MB_OK)
        goto out;

    /* The verification, against what the target committed. */
    status = walk(to, NULL, to, &to_digest, &to_users, &to_posts);
    if (status == MB_OK)
        status = to->backend->post_counts_wrong(to, &wrong);
    if (status != MB_OK)
        goto out;
    if (to_users != users || to_posts != posts)
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
        memcpy(out->sha256, from_digest.hex, sizeof out->sha256);
    }
out:
    if (reading)
        from->backend->snapshot_end(from);
    free(from_digest.line);
    free(to_digest.line);
    return status;
}
