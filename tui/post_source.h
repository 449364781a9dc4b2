/* Where the timeline's rows come from: a post as the timeline keeps it
 * (every string sanitized once, when read) and the two window sources
 * (tui/window.h) that fetch them — a view's posts in keyset pages on
 * (timestamp, id), newest first, through the view's struct post_filter;
 * and a conversation, oldest first, through store_conversation. Internal
 * to tui/. */
#ifndef TUI_POST_SOURCE_H
#define TUI_POST_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/text.h"
#include "store/store.h"
#include "tui/session.h"
#include "tui/view.h"
#include "tui/window.h"

struct post_row {
    int64_t id;
    int64_t user_id;
    int64_t timestamp;
    char *author;             /* sanitized, one line */
    char *reply_to_author;    /* sanitized; NULL when the post answers none */
    bool edited;
    bool is_private;   /* a private entry (opened or not) */
    char *body;               /* sanitized, newlines kept */
    size_t body_length;
    char when[32];            /* local time */
    struct text_line *lines;  /* body wrapped at wrapped_cols (the pane's) */
    size_t line_count;
    int wrapped_cols;         /* 0: not wrapped yet */
};

/* What a source reads with: the session (store, error reports) and the
 * view (filter, conversation). Both stay the caller's. */
struct post_source {
    struct session *session;
    const struct view *view;
};

/* The source for view: the conversation source for VIEW_CONVERSATION,
 * the filtered posts otherwise. The window's context is a struct
 * post_source. */
const struct window_source *post_source_for(const struct view *view);

/* The row's position for keyset pages and read marks. */
struct post_cursor post_row_cursor(const struct post_row *row);

/* a is older than b in (timestamp, id) order. */
bool post_cursor_before(const struct post_cursor *a, const struct post_cursor *b);

#endif
