/* The timeline's rows and their sources (see post_source.h). A
 * conversation is read forward only (store_conversation pages from its
 * first post on); reading toward its start walks it from the first post
 * and keeps the last page, which costs what the conversation costs, never
 * what the database costs. */
#include "tui/post_source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONVERSATION_PAGE 256

static void row_clear(void *data)
{
    struct post_row *row = data;
    free(row->author);
    free(row->reply_to_author);
    free(row->body);
    free(row->lines);
    memset(row, 0, sizeof *row);
}

static void row_from_post(struct post_row *row, const struct post *post)
{
    memset(row, 0, sizeof *row);
    row->id = post->id;
    row->user_id = post->user_id;
    row->timestamp = post->timestamp;
    row->edited = post->edited_at != 0;
    row->is_private = post->is_private;
    const char *author = post->author != NULL ? post->author : "?";
    const char *body = post->body != NULL ? post->body : "";
    row->author = text_sanitize(author, strlen(author), 0);
    if (post->reply_to != 0 && post->reply_to_author != NULL)
        row->reply_to_author =
            text_sanitize(post->reply_to_author, strlen(post->reply_to_author), 0);
    row->body = text_sanitize(body, strlen(body), TEXT_KEEP_NEWLINES);
    row->body_length = strlen(row->body);
    time_t t = (time_t)post->timestamp;
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL ||
        strftime(row->when, sizeof row->when, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(row->when, sizeof row->when, "@%" PRId64, post->timestamp);
}

struct post_cursor post_row_cursor(const struct post_row *row)
{
    return (struct post_cursor){ .timestamp = row->timestamp, .id = row->id };
}

bool post_cursor_before(const struct post_cursor *a, const struct post_cursor *b)
{
    return a->timestamp < b->timestamp || (a->timestamp == b->timestamp && a->id < b->id);
}

static void add_rows(struct window_batch *batch, const struct post_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        row_from_post(window_batch_add(batch), &list->items[i]);
}

/* A view's posts: toward the end are older posts, toward the start newer
 * ones; the store returns both newest first, which is window order. Home
 * and Mentions without an author are empty. */
static bool fetch_posts(void *context, const void *from, enum window_direction direction,
                        size_t limit, struct window_batch *batch)
{
    const struct post_source *source = context;
    if (view_needs_author(source->view))
        return true;
    struct post_cursor cursor;
    if (from != NULL)
        cursor = post_row_cursor(from);
    struct post_list list = { 0 };
    struct post_filter filter = view_filter(source->view);
    enum mb_status status = store_posts_page(
        source->session->store, &filter, from != NULL ? &cursor : NULL,
        direction == WINDOW_TOWARD_END ? PAGE_OLDER : PAGE_NEWER, limit, &list);
    if (status != MB_OK) {
        session_store_error(source->session, "Could not read the timeline", status);
        return false;
    }
    add_rows(batch, &list);
    store_post_list_free(&list);
    return true;
}

static bool conversation_page(const struct post_source *source, const struct post_cursor *after,
                              size_t limit, struct post_list *list)
{
    *list = (struct post_list){ 0 };
    enum mb_status status = store_conversation(source->session->store, source->view->post_id,
                                               after, limit, list);
    if (status != MB_OK) {
        session_store_error(source->session, "Could not read the conversation", status);
        return false;
    }
    return true;
}

/* Up to limit posts of the conversation just before `before` (NULL: its
 * last ones), oldest first: walked from its first post. */
static bool conversation_before(const struct post_source *source,
                                const struct post_cursor *before, size_t limit,
                                struct window_batch *batch)
{
    struct post_cursor at;
    bool started = false, reached = false;
    while (!reached) {
        struct post_list list;
        if (!conversation_page(source, started ? &at : NULL, CONVERSATION_PAGE, &list))
            return false;
        for (size_t i = 0; i < list.count && !reached; i++) {
            struct post_cursor here = { list.items[i].timestamp, list.items[i].id };
            if (before != NULL && !post_cursor_before(&here, before))
                reached = true;
            else
                row_from_post(window_batch_add(batch), &list.items[i]);
        }
        if (list.count > 0) {
            const struct post *last = &list.items[list.count - 1];
            at = (struct post_cursor){ last->timestamp, last->id };
            started = true;
        }
        if (list.count < CONVERSATION_PAGE)
            reached = true;
        store_post_list_free(&list);
    }
    if (batch->count > limit) {   /* keep the last `limit` */
        size_t drop = batch->count - limit;
        for (size_t i = 0; i < drop; i++)
            row_clear(batch->items + i * batch->item_size);
        memmove(batch->items, batch->items + drop * batch->item_size,
                limit * batch->item_size);
        batch->count = limit;
    }
    return true;
}

static bool fetch_conversation(void *context, const void *from,
                               enum window_direction direction, size_t limit,
                               struct window_batch *batch)
{
    const struct post_source *source = context;
    struct post_cursor cursor;
    if (from != NULL)
        cursor = post_row_cursor(from);
    if (direction == WINDOW_TOWARD_START)
        return conversation_before(source, from != NULL ? &cursor : NULL, limit, batch);
    struct post_list list;
    if (!conversation_page(source, from != NULL ? &cursor : NULL, limit, &list))
        return false;
    add_rows(batch, &list);
    store_post_list_free(&list);
    return true;
}

static const struct window_source posts_source = {
    .item_size = sizeof(struct post_row),
    .fetch = fetch_posts,
    .clear = row_clear,
};

static const struct window_source conversation_source = {
    .item_size = sizeof(struct post_row),
    .fetch = fetch_conversation,
    .clear = row_clear,
};

const struct window_source *post_source_for(const struct view *view)
{
    return view->kind == VIEW_CONVERSATION ? &conversation_source : &posts_source;
}
