/* The loaded window of a list pane (see window.h): the one home of keyset
 * paging in the TUI. What it keeps: the pages around the selection, at
 * most PAGES_KEPT of them, dropping rows from the end away from where the
 * selection is heading and never a row on the screen. */
#include "tui/window.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define MIN_PAGE 32
#define PAGES_KEPT 4

void *window_batch_add(struct window_batch *batch)
{
    if (batch->count == batch->capacity) {
        batch->capacity = batch->capacity > 0 ? batch->capacity * 2 : 16;
        batch->items = xreallocarray(batch->items, batch->capacity, batch->item_size);
    }
    void *item = batch->items + batch->count++ * batch->item_size;
    memset(item, 0, batch->item_size);
    return item;
}

static void *item_at(const struct window *window, size_t index)
{
    return window->items + index * window->source->item_size;
}

static void batch_discard(struct window *window, struct window_batch *batch)
{
    for (size_t i = 0; i < batch->count; i++)
        window->source->clear(batch->items + i * batch->item_size);
    free(batch->items);
    *batch = (struct window_batch){ 0 };
}

/* Fetches into a new batch; false (nothing kept) on failure. */
static bool fetch(struct window *window, const void *from, enum window_direction direction,
                  size_t limit, struct window_batch *batch)
{
    *batch = (struct window_batch){ .item_size = window->source->item_size };
    if (window->source->fetch(window->context, from, direction, limit, batch))
        return true;
    batch_discard(window, batch);
    return false;
}

/* Moves the batch's items into the window at index `at` (the batch is
 * emptied). */
static void insert(struct window *window, size_t at, struct window_batch *batch)
{
    size_t size = window->source->item_size;
    if (batch->count > 0) {
        window->items = xreallocarray(window->items, window->count + batch->count, size);
        memmove(window->items + (at + batch->count) * size, window->items + at * size,
                (window->count - at) * size);
        memcpy(window->items + at * size, batch->items, batch->count * size);
        window->count += batch->count;
    }
    free(batch->items);
    *batch = (struct window_batch){ 0 };
}

static void remove_items(struct window *window, size_t at, size_t n)
{
    size_t size = window->source->item_size;
    for (size_t i = at; i < at + n; i++)
        window->source->clear(item_at(window, i));
    memmove(window->items + at * size, window->items + (at + n) * size,
            (window->count - at - n) * size);
    window->count -= n;
}

static void clear_items(struct window *window)
{
    for (size_t i = 0; i < window->count; i++)
        window->source->clear(item_at(window, i));
    free(window->items);
    window->items = NULL;
    window->count = 0;
}

void window_init(struct window *window, const struct window_source *source, void *context,
                 size_t lead)
{
    *window = (struct window){ .source = source, .context = context, .lead = lead,
                               .page = MIN_PAGE };
}

void window_free(struct window *window)
{
    clear_items(window);
}

void window_set_view(struct window *window, int view_rows)
{
    size_t rows = view_rows > 0 ? (size_t)view_rows : 0;
    window->page = rows > MIN_PAGE ? rows : MIN_PAGE;
}

size_t window_lead(const struct window *window)
{
    return window->at_start ? window->lead : 0;
}

size_t window_rows(const struct window *window)
{
    return window->count + window_lead(window);
}

void *window_item_at_row(const struct window *window, size_t row)
{
    size_t lead = window_lead(window);
    if (row < lead || row - lead >= window->count)
        return NULL;
    return item_at(window, row - lead);
}

void *window_selected(const struct window *window)
{
    return window_item_at_row(window, window->selected);
}

/* Drops rows from the end away from where the selection is heading: the
 * start after fetching toward the end, the end after fetching toward the
 * start; never a row from the first one shown to a page past the
 * selection. */
static void trim(struct window *window, bool drop_start)
{
    size_t keep = window->page * PAGES_KEPT;
    if (window->count <= keep)
        return;
    size_t excess = window->count - keep;
    size_t lead = window_lead(window);
    if (drop_start) {
        /* Rows above the first one shown may go; lead rows go with the
         * first item. */
        size_t removable = window->top > lead ? window->top - lead : 0;
        size_t front = excess < removable ? excess : removable;
        if (front > 0) {
            size_t shift = front + lead;
            remove_items(window, 0, front);
            window->at_start = false;
            window->top -= shift;
            window->selected -= shift;
        }
        return;
    }
    size_t needed = window->selected + 1 + window->page - lead;
    size_t removable = window->count > needed ? window->count - needed : 0;
    size_t back = excess < removable ? excess : removable;
    if (back > 0) {
        remove_items(window, window->count - back, back);
        window->at_end = false;
    }
}

static void extend_end(struct window *window)
{
    if (window->at_end || window->count == 0)
        return;
    struct window_batch batch;
    if (!fetch(window, item_at(window, window->count - 1), WINDOW_TOWARD_END, window->page,
               &batch))
        return;
    window->at_end = batch.count < window->page;
    insert(window, window->count, &batch);
    trim(window, true);
}

static void extend_start(struct window *window)
{
    if (window->at_start || window->count == 0)
        return;
    struct window_batch batch;
    if (!fetch(window, item_at(window, 0), WINDOW_TOWARD_START, window->page, &batch))
        return;
    size_t added = batch.count;
    window->at_start = added < window->page;
    insert(window, 0, &batch);
    size_t shift = added + window_lead(window);
    window->selected += shift;
    window->top += shift;
    trim(window, false);
}

bool window_load_start(struct window *window)
{
    struct window_batch batch;
    if (!fetch(window, NULL, WINDOW_TOWARD_END, window->page, &batch))
        return false;
    clear_items(window);
    window->at_start = true;
    window->at_end = batch.count < window->page;
    insert(window, 0, &batch);
    window->selected = window->top = 0;
    return true;
}

bool window_load_end(struct window *window)
{
    struct window_batch batch;
    if (!fetch(window, NULL, WINDOW_TOWARD_START, window->page, &batch))
        return false;
    clear_items(window);
    window->at_end = true;
    window->at_start = batch.count < window->page;
    insert(window, 0, &batch);
    size_t rows = window_rows(window);
    window->selected = window->top = rows > 0 ? rows - 1 : 0;
    return true;
}

bool window_move(struct window *window, int direction)
{
    if (direction > 0) {
        if (window->selected + 1 >= window_rows(window))
            extend_end(window);
        if (window->selected + 1 >= window_rows(window))
            return false;
        window->selected++;
        return true;
    }
    if (window->selected == 0)
        extend_start(window);
    if (window->selected == 0)
        return false;
    window->selected--;
    return true;
}

void window_keep_margin(struct window *window, size_t margin)
{
    if (!window->at_end && window->selected + margin >= window_rows(window))
        extend_end(window);
    if (!window->at_start && window->selected < margin)
        extend_start(window);
}

bool window_refresh(struct window *window)
{
    const void *anchor = window_selected(window);
    if (anchor == NULL) {
        size_t top = window->top;
        bool loaded = window_load_start(window);
        window->top = top;
        return loaded;
    }
    return window_load_at(window, anchor);
}

bool window_load_at(struct window *window, const void *anchor)
{
    if (anchor == NULL)
        return window_load_start(window);
    size_t page = window->page;
    struct window_batch before, from;
    if (!fetch(window, anchor, WINDOW_TOWARD_START, page, &before))
        return false;
    /* From the row just before the anchor on: the anchor (if it still
     * exists) and what follows it. */
    const void *nearest =
        before.count > 0 ? before.items + (before.count - 1) * before.item_size : NULL;
    if (!fetch(window, nearest, WINDOW_TOWARD_END, page * 2, &from)) {
        batch_discard(window, &before);
        return false;
    }
    clear_items(window);
    size_t before_count = before.count;
    bool more_after = from.count == page * 2;
    window->at_start = before_count < page;
    window->at_end = !more_after;
    insert(window, 0, &before);
    insert(window, window->count, &from);
    size_t rows = window_rows(window);
    window->selected = window_lead(window) + before_count;
    if (window->selected >= rows)
        window->selected = rows > 0 ? rows - 1 : 0;
    return true;
}
