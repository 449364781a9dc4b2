/* Screen layout: where the users pane, the timeline, the compose box and
 * the status line go for a terminal of a given size. Pure arithmetic with
 * no curses, so that it can be unit-tested for every size down to 1x1. */
#ifndef TUI_LAYOUT_H
#define TUI_LAYOUT_H

#include <stdbool.h>

/* Below this size the app shows only a "terminal too small" notice. */
#define LAYOUT_MIN_COLS 20
#define LAYOUT_MIN_ROWS 6
/* From this width on the users pane sits beside the timeline; below it
 * the two are stacked and only the focused one is shown. */
#define LAYOUT_SIDE_BY_SIDE_COLS 80

struct rect {
    int y;
    int x;
    int rows;
    int cols;
};

struct layout {
    int screen_rows;
    int screen_cols;
    bool too_small;        /* only `status` is meaningful */
    bool side_by_side;     /* users | timeline; otherwise stacked */
    bool users_visible;
    bool timeline_visible;
    struct rect users;
    struct rect separator; /* the vertical rule between the two lists */
    struct rect timeline;
    struct rect compose;   /* title row + editing rows */
    struct rect status;    /* the last row */
};

/* Fills *out for a screen of rows x cols. In the stacked layout the users
 * pane is shown instead of the timeline when users_focused is true. Every
 * visible rect has rows >= 1 and cols >= 1 and lies inside the screen. */
void layout_compute(int rows, int cols, bool users_focused, struct layout *out);

/* While one writes, the compose box grows to show text_rows rows of the
 * draft, from the rows layout_compute gave it up to a third of the screen
 * (the lists above keep the rest); beyond that the box scrolls. The lists
 * shrink by what it takes. Nothing changes on a screen too small. */
void layout_grow_compose(struct layout *layout, int text_rows);

/* True when r has at least one cell. */
bool layout_rect_visible(struct rect r);

#endif
