/* What the timeline shows: a view is a kind (whose title and empty-state
 * text it has) and the struct post_filter the store lists its posts with.
 * Panes ask the app to open one (PANE_OPEN_VIEW); the app hands it to the
 * timeline. A view is a plain value: copy it freely, nothing to free.
 * Internal to tui/. */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <stdint.h>

#include "store/store.h"

enum view_kind {
    VIEW_ALL,    /* every post */
    VIEW_USER,   /* one author's posts (filter.author_id; name) */
};

struct view {
    enum view_kind kind;
    struct post_filter filter;
    /* The user the view is about (VIEW_USER), as stored: drawn through
     * the draw layer like every string. */
    int64_t user_id;
    char name[STORE_USERNAME_MAX * 4 + 1];
};

/* Every post. */
struct view view_all(void);

/* The posts of user_id, named name (NULL: "?"). */
struct view view_user(int64_t user_id, const char *name);

#endif
