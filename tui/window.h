/* The loaded window of a list pane: at most a few pages of rows around
 * the selection, fetched in keyset pages from a source as the selection
 * moves, so that start-up, scrolling and memory cost the same on ten rows
 * and on a million. Every list pane (users, timeline views) keeps one; the
 * pane says how to fetch and free its items (struct window_source) and
 * how to draw them, the window decides what to load, what to drop and
 * where the selection and the first row shown go when rows come and go.
 *
 * Rows run from the start (the newest post, the first user by name) to
 * the end. A window may have lead rows before its first item, shown only
 * while the start is loaded (the users pane's "All"). `selected` and `top`
 * are rows, lead rows included. Internal to tui/; no curses here. */
#ifndef TUI_WINDOW_H
#define TUI_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

enum window_direction {
    WINDOW_TOWARD_START,
    WINDOW_TOWARD_END,
};

/* Items a fetch returns, in window order (start to end), whatever the
 * direction they were read in. */
struct window_batch {
    char *items;
    size_t count;
    size_t capacity;
    size_t item_size;
};

/* A new zeroed item at the end of the batch, for the source to fill. */
void *window_batch_add(struct window_batch *batch);

struct window_source {
    size_t item_size;
    /* Appends to batch, in window order, up to limit items next to `from`
     * in `direction` (from excluded); from NULL: the first items of the
     * whole list toward the end, or its last items toward the start.
     * False on failure (the source has said why); batch is then dropped. */
    bool (*fetch)(void *context, const void *from, enum window_direction direction,
                  size_t limit, struct window_batch *batch);
    /* Frees what an item owns (not the item itself). */
    void (*clear)(void *item);
};

struct window {
    const struct window_source *source;
    void *context;
    char *items;
    size_t count;
    size_t lead;       /* lead rows shown while at_start */
    size_t page;       /* items per fetch (window_set_view) */
    bool at_start;     /* nothing before the first item */
    bool at_end;       /* nothing after the last item */
    size_t selected;   /* row */
    size_t top;        /* first row shown (the pane may keep more, e.g. a line) */
};

/* An empty window over source (nothing is fetched yet). */
void window_init(struct window *window, const struct window_source *source, void *context,
                 size_t lead);

/* Frees every item. */
void window_free(struct window *window);

/* Fetches pages as large as a view of view_rows rows needs (at least a
 * minimum, so that small panes do not fetch row by row). */
void window_set_view(struct window *window, int view_rows);

/* Lead rows shown now (0 unless at_start). */
size_t window_lead(const struct window *window);
/* Rows: the lead rows shown and the items. */
size_t window_rows(const struct window *window);
/* The item on a row; NULL for a lead row or past the end. */
void *window_item_at_row(const struct window *window, size_t row);
/* The selected item, NULL when a lead row is selected or there is none. */
void *window_selected(const struct window *window);

/* Replaces the rows with the first page (selected = top = 0), or with
 * the last page (selected = the last row; top left to the caller).
 * False (the window unchanged) when the fetch failed. */
bool window_load_start(struct window *window);
bool window_load_end(struct window *window);

/* Moves the selection one row toward the end (+1) or the start (-1),
 * fetching the next page when the selection would leave the loaded rows
 * (and dropping rows far from the selection on the other side). False
 * when there is no row there. */
bool window_move(struct window *window, int direction);

/* Keeps `margin` loaded rows on both sides of the selection where the
 * list goes on. */
void window_keep_margin(struct window *window, size_t margin);

/* Replaces the rows with those around `anchor` (an item the source's
 * fetch can start from; NULL: the first page): the pages before it and,
 * selected, the first item at or after it, or the last item when none
 * is. False (the window unchanged) when a fetch failed. */
bool window_load_at(struct window *window, const void *anchor);

/* Reloads the rows around the selected item after the list changed: the
 * selection stays on that item (or, when it is gone, goes to the one
 * after it). Without a selected item, reloads from the start. False (the
 * window unchanged) when a fetch failed. */
bool window_refresh(struct window *window);

#endif
