/* The timeline pane's insides, shared by its two files: pane_timeline.c
 * (loading, scrolling, keys, read marks) and timeline_draw.c (what a row
 * and the title look like). Internal to the timeline; the rest of tui/
 * knows it through pane.h. */
#ifndef TUI_TIMELINE_H
#define TUI_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/highlight.h"
#include "tui/pane.h"
#include "tui/post_source.h"
#include "tui/profile.h"
#include "tui/window.h"

#define TIMELINE_BODY_INDENT 2
#define NEW_POSTS_CAP 99

struct timeline_pane {
    struct pane pane;
    struct view view;
    struct post_source source;  /* the window's context: the session and view */
    struct window window;       /* rows are posts, in the view's order */
    int top_line;               /* rows of the post at window.top scrolled off */
    int64_t total;              /* All, a user: their post count */
    struct profile_card card;   /* VIEW_PROFILE */
    /* The newest post seen at the top of the view; posts newer than it
     * arrived while scrolled down: new_count of them (capped). */
    struct post_cursor newest_seen;
    bool have_newest_seen;
    int64_t new_count;
    struct highlight highlight; /* VIEW_SEARCH: the query's words, shown */
};

/* Rows for posts: the pane less its title (and a profile card). */
int timeline_view_rows(const struct timeline_pane *tp);

/* Rows post `index` takes: a "new" separator above it when it is the
 * first post already read, its header and its wrapped body. */
int timeline_item_height(struct timeline_pane *tp, size_t index);

/* Whether the separator goes above post `index`. */
bool timeline_separator_above(const struct timeline_pane *tp, size_t index);

void timeline_draw(struct pane *pane, bool focused);

#endif
