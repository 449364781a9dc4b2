/* The timeline pane: the posts of a view (tui/view.h) newest first, each
 * as a header (author, local time) and its body wrapped to the pane's
 * width. It holds a loaded window (tui/window.c) of a few pages of posts
 * around the selection, fetched with keyset pages on (timestamp, id) as
 * the selection moves, so that start-up, scrolling and memory cost the
 * same on ten posts and on a million.
 *
 * Scrolling is by line: (top, top_line) is the first row shown. When the
 * pane does not span the whole terminal width, curses cannot scroll it
 * with the terminal's scroll region and must rewrite every row, so the
 * view then jumps by half a page (as vim's 'scrolljump') instead of one
 * post, which keeps the bytes sent per step small over SSH. */
#include "tui/pane.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/draw.h"
#include "tui/window.h"

#define BODY_INDENT 2

struct timeline_item {
    int64_t id;
    int64_t user_id;
    int64_t timestamp;
    char *author;             /* sanitized, one line */
    char *body;               /* sanitized, newlines kept */
    size_t body_length;
    char when[32];            /* local time */
    struct text_line *lines;  /* body wrapped at wrapped_cols */
    size_t line_count;
    int wrapped_cols;         /* 0: not wrapped yet */
};

struct timeline_pane {
    struct pane pane;
    struct view view;
    struct window window;     /* rows are posts, newest first */
    int top_line;             /* rows of the item at window.top scrolled off */
    int64_t total;
};

static struct timeline_pane *timeline_of(struct pane *pane)
{
    return (struct timeline_pane *)pane;
}

static int view_rows(const struct timeline_pane *tp)
{
    return tp->pane.area.rows > 1 ? tp->pane.area.rows - 1 : 0;
}

static struct timeline_item *item_at(const struct timeline_pane *tp, size_t index)
{
    return window_item_at_row(&tp->window, index);
}

static bool jumps(const struct timeline_pane *tp)
{
    return tp->pane.area.x != 0;
}

/* ---- items ------------------------------------------------------------ */

static void item_clear(void *data)
{
    struct timeline_item *item = data;
    free(item->author);
    free(item->body);
    free(item->lines);
    memset(item, 0, sizeof *item);
}

static void item_from_post(struct timeline_item *item, const struct post *post)
{
    memset(item, 0, sizeof *item);
    item->id = post->id;
    item->user_id = post->user_id;
    item->timestamp = post->timestamp;
    const char *author = post->author != NULL ? post->author : "?";
    const char *body = post->body != NULL ? post->body : "";
    item->author = text_sanitize(author, strlen(author), 0);
    item->body = text_sanitize(body, strlen(body), TEXT_KEEP_NEWLINES);
    item->body_length = strlen(item->body);
    time_t t = (time_t)post->timestamp;
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL ||
        strftime(item->when, sizeof item->when, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(item->when, sizeof item->when, "@%" PRId64, post->timestamp);
}

static int body_cols(const struct timeline_pane *tp)
{
    int cols = tp->pane.area.cols - BODY_INDENT;
    return cols > 0 ? cols : 1;
}

static void item_wrap(struct timeline_pane *tp, struct timeline_item *item)
{
    int cols = body_cols(tp);
    if (item->wrapped_cols == cols)
        return;
    free(item->lines);
    item->lines = NULL;
    item->line_count = text_wrap(item->body, item->body_length, cols, &item->lines);
    item->wrapped_cols = cols;
}

/* Rows the item takes: its header and its body lines. */
static int item_height(struct timeline_pane *tp, size_t index)
{
    struct timeline_item *item = item_at(tp, index);
    item_wrap(tp, item);
    return 1 + (int)item->line_count;
}

static struct post_cursor cursor_of(const struct timeline_item *item)
{
    return (struct post_cursor){ .timestamp = item->timestamp, .id = item->id };
}

/* Posts of the view in keyset pages on (timestamp, id): toward the end
 * are older posts, toward the start newer ones; the store returns both
 * newest first, which is window order. */
static bool fetch(void *context, const void *from, enum window_direction direction,
                  size_t limit, struct window_batch *batch)
{
    struct timeline_pane *tp = context;
    struct post_cursor cursor;
    if (from != NULL)
        cursor = cursor_of(from);
    struct post_list list = { 0 };
    enum mb_status status = store_posts_page(
        tp->pane.session->store, &tp->view.filter, from != NULL ? &cursor : NULL,
        direction == WINDOW_TOWARD_END ? PAGE_OLDER : PAGE_NEWER, limit, &list);
    if (status != MB_OK) {
        session_store_error(tp->pane.session, "Could not read the timeline", status);
        return false;
    }
    for (size_t i = 0; i < list.count; i++)
        item_from_post(window_batch_add(batch), &list.items[i]);
    store_post_list_free(&list);
    return true;
}

static const struct window_source posts_source = {
    .item_size = sizeof(struct timeline_item),
    .fetch = fetch,
    .clear = item_clear,
};

static void count_total(struct timeline_pane *tp)
{
    int64_t total = 0;
    if (store_post_count(tp->pane.session->store, tp->view.filter.author_id, &total) == MB_OK)
        tp->total = total;
}

/* ---- scrolling --------------------------------------------------------- */

/* The view row where item `index` starts (negative when above the view). */
static int row_of(struct timeline_pane *tp, size_t index)
{
    int row = -tp->top_line;
    if (index >= tp->window.top) {
        for (size_t i = tp->window.top; i < index; i++)
            row += item_height(tp, i);
    } else {
        for (size_t i = index; i < tp->window.top; i++)
            row -= item_height(tp, i);
    }
    return row;
}

/* Scrolls so that the selected post starts at view row `row` (or as
 * close as the start of the window allows). */
static void place_selected_at(struct timeline_pane *tp, int row)
{
    tp->window.top = tp->window.selected;
    tp->top_line = 0;
    while (row > 0 && tp->window.top > 0) {
        int h = item_height(tp, tp->window.top - 1);
        tp->window.top--;
        if (h <= row) {
            row -= h;
        } else {
            tp->top_line = h - row;
            row = 0;
        }
    }
}

/* Makes the selected post visible: minimally, or centred when jumping. */
static void make_visible(struct timeline_pane *tp)
{
    if (tp->window.count == 0)
        return;
    int view = view_rows(tp);
    int start = row_of(tp, tp->window.selected);
    int h = item_height(tp, tp->window.selected);
    if (start >= 0 && (start + h <= view || (start == 0 && h > view)))
        return;
    if (start > 0 && start < view && h > view)
        return place_selected_at(tp, 0);
    if (h >= view)
        return place_selected_at(tp, 0);
    if (jumps(tp))
        return place_selected_at(tp, (view - h) / 2);
    place_selected_at(tp, start < 0 ? 0 : view - h);
}

static void clamp_top(struct timeline_pane *tp)
{
    if (tp->window.count == 0) {
        tp->window.top = tp->window.selected = 0;
        tp->top_line = 0;
        return;
    }
    if (tp->window.selected >= tp->window.count)
        tp->window.selected = tp->window.count - 1;
    if (tp->window.top >= tp->window.count)
        tp->window.top = tp->window.count - 1;
    if (tp->top_line >= item_height(tp, tp->window.top))
        tp->top_line = 0;
}

/* ---- loading ------------------------------------------------------------ */

static void load_newest(struct timeline_pane *tp)
{
    if (!window_load_start(&tp->window))
        return;
    tp->top_line = 0;
    count_total(tp);
}

static void load_oldest(struct timeline_pane *tp)
{
    if (!window_load_end(&tp->window))
        return;
    tp->top_line = 0;
    if (tp->window.count > 0) {
        int h = item_height(tp, tp->window.selected);
        place_selected_at(tp, view_rows(tp) > h ? view_rows(tp) - h : 0);
    }
}

/* Keeps a margin of loaded posts on both sides of the selection. */
static void keep_margin(struct timeline_pane *tp)
{
    window_keep_margin(&tp->window, (size_t)view_rows(tp) + 1);
}

void timeline_pane_refresh(struct pane *pane)
{
    struct timeline_pane *tp = timeline_of(pane);
    if (tp->window.count == 0) {
        load_newest(tp);
        return;
    }
    int row = row_of(tp, tp->window.selected);
    if (row < 0)
        row = 0;
    bool pinned = tp->window.top == 0 && tp->top_line == 0 && tp->window.at_start;
    if (!window_refresh(&tp->window))
        return;
    tp->top_line = 0;
    count_total(tp);
    if (tp->window.count == 0)
        return;
    if (pinned && tp->window.at_start) {
        tp->window.top = 0;
        make_visible(tp);
    } else {
        place_selected_at(tp, row);
    }
}

void timeline_pane_show(struct pane *pane, const struct view *view)
{
    struct timeline_pane *tp = timeline_of(pane);
    tp->view = *view;
    load_newest(tp);
}

void timeline_pane_show_newest(struct pane *pane)
{
    load_newest(timeline_of(pane));
}

/* ---- keys ----------------------------------------------------------------- */

static bool move_down(struct timeline_pane *tp)
{
    return window_move(&tp->window, +1);
}

static bool move_up(struct timeline_pane *tp)
{
    return window_move(&tp->window, -1);
}

static void scroll_line_down(struct timeline_pane *tp)
{
    tp->top_line++;
    if (tp->top_line >= item_height(tp, tp->window.top) && tp->window.top + 1 < tp->window.count) {
        tp->window.top++;
        tp->top_line = 0;
    }
}

/* Posts that fit in the view from the top, at least one. */
static size_t posts_per_page(struct timeline_pane *tp)
{
    int rows = view_rows(tp);
    size_t n = 0;
    for (size_t i = tp->window.top; i < tp->window.count; i++) {
        rows -= item_height(tp, i) - (i == tp->window.top ? tp->top_line : 0);
        if (rows < 0)
            break;
        n++;
    }
    return n > 1 ? n : 1;
}

static struct pane_action timeline_key(struct pane *pane, const struct key_event *event)
{
    struct timeline_pane *tp = timeline_of(pane);
    int view = view_rows(tp);
    switch (event->action) {
    case ACTION_DOWN: {
        if (tp->window.count == 0)
            return pane_action(PANE_HANDLED);
        int start = row_of(tp, tp->window.selected);
        int h = item_height(tp, tp->window.selected);
        if (h > view && start + h > view) {
            scroll_line_down(tp);   /* read a post taller than the view */
            return pane_action(PANE_REDRAW);
        }
        if (move_down(tp)) {
            keep_margin(tp);
            make_visible(tp);
        }
        return pane_action(PANE_REDRAW);
    }
    case ACTION_UP:
        if (tp->window.count == 0)
            return pane_action(PANE_HANDLED);
        if (tp->window.selected == tp->window.top && tp->top_line > 0) {
            tp->top_line--;
            return pane_action(PANE_REDRAW);
        }
        if (move_up(tp)) {
            keep_margin(tp);
            make_visible(tp);
        }
        return pane_action(PANE_REDRAW);
    case ACTION_PAGE_DOWN: {
        if (tp->window.count == 0)
            return pane_action(PANE_HANDLED);
        size_t n = posts_per_page(tp);
        for (size_t i = 0; i < n && move_down(tp); i++)
            keep_margin(tp);
        place_selected_at(tp, 0);
        return pane_action(PANE_REDRAW);
    }
    case ACTION_PAGE_UP: {
        if (tp->window.count == 0)
            return pane_action(PANE_HANDLED);
        size_t n = posts_per_page(tp);
        for (size_t i = 0; i < n && move_up(tp); i++)
            keep_margin(tp);
        int h = item_height(tp, tp->window.selected);
        place_selected_at(tp, view > h ? view - h : 0);
        if (tp->window.selected < posts_per_page(tp) && !!tp->window.at_start) {
            tp->window.top = 0;
            tp->top_line = 0;
            make_visible(tp);
        }
        return pane_action(PANE_REDRAW);
    }
    case ACTION_FIRST:
        if (!tp->window.at_start) {
            load_newest(tp);
        } else {
            tp->window.selected = tp->window.top = 0;
            tp->top_line = 0;
        }
        return pane_action(PANE_REDRAW);
    case ACTION_LAST:
        if (!tp->window.at_end) {
            load_oldest(tp);
        } else if (tp->window.count > 0) {
            tp->window.selected = tp->window.count - 1;
            int h = item_height(tp, tp->window.selected);
            if (row_of(tp, tp->window.selected) + h > view)
                place_selected_at(tp, view > h ? view - h : 0);
        }
        return pane_action(PANE_REDRAW);
    case ACTION_DELETE: {
        const struct timeline_item *item = window_selected(&tp->window);
        if (item == NULL)
            return pane_action(PANE_DELETE_POST);   /* post.id 0: none selected */
        struct pane_action action = pane_action(PANE_DELETE_POST);
        action.post = (struct pane_post){ .id = item->id, .user_id = item->user_id,
                                          .author = item->author };
        return action;
    }
    default:
        return pane_action(PANE_IGNORED);
    }
}

/* ---- drawing ----------------------------------------------------------------- */

static void format_count(int64_t n, char *out, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%" PRId64, n < 0 ? 0 : n);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void draw_title(struct timeline_pane *tp, bool focused)
{
    const struct rect *a = &tp->pane.area;
    char count[40], title[400];
    format_count(tp->total, count, sizeof count);
    switch (tp->view.kind) {
    case VIEW_ALL:
        snprintf(title, sizeof title, "All posts (%s)", count);
        break;
    case VIEW_USER:
        snprintf(title, sizeof title, "%s (%s post%s)", tp->view.name, count,
                 tp->total == 1 ? "" : "s");
        break;
    }
    draw_string(a->y, a->x + 1, a->cols - 1, title, focused ? STYLE_TITLE : STYLE_NORMAL);
}

static void draw_header(struct timeline_pane *tp, const struct timeline_item *item, int y,
                        bool selected, bool focused)
{
    const struct rect *a = &tp->pane.area;
    enum draw_style base = STYLE_NORMAL;
    if (selected) {
        base = focused ? STYLE_SELECTED : STYLE_SELECTED_IDLE;
        draw_fill(y, a->x, a->cols, base);
    }
    int x = a->x;
    int end = a->x + a->cols;
    x += draw_string(y, x, end - x, selected ? ">" : " ", selected ? base : STYLE_NORMAL);
    x += draw_string(y, x, end - x, item->author, selected ? base : STYLE_AUTHOR);
    x += draw_string(y, x, end - x, "  ", base);
    draw_string(y, x, end - x, item->when, selected ? base : STYLE_TIME);
}

static void timeline_draw(struct pane *pane, bool focused)
{
    struct timeline_pane *tp = timeline_of(pane);
    const struct rect *a = &pane->area;
    if (!layout_rect_visible(*a))
        return;
    draw_title(tp, focused);
    int view = view_rows(tp);
    if (tp->window.count == 0) {
        draw_string(a->y + 1, a->x + 1, a->cols - 1,
                    tp->view.kind == VIEW_ALL ? "No posts yet. Press i to write the first one."
                                              : "No posts by this user yet.",
                    STYLE_HINT);
        return;
    }
    clamp_top(tp);
    int row = 0;
    for (size_t i = tp->window.top; i < tp->window.count && row < view; i++) {
        struct timeline_item *item = item_at(tp, i);
        int h = item_height(tp, i);
        bool selected = i == tp->window.selected;
        for (int line = i == tp->window.top ? tp->top_line : 0; line < h && row < view; line++) {
            int y = a->y + 1 + row++;
            if (line == 0) {
                draw_header(tp, item, y, selected, focused);
                continue;
            }
            const struct text_line *l = &item->lines[line - 1];
            draw_text(y, a->x + BODY_INDENT, a->cols - BODY_INDENT, item->body + l->offset,
                      l->length, STYLE_NORMAL);
        }
    }
}

static void timeline_resize(struct pane *pane, struct rect area)
{
    struct timeline_pane *tp = timeline_of(pane);
    pane->area = area;
    window_set_view(&tp->window, view_rows(tp));
    clamp_top(tp);
    make_visible(tp);
}

static void timeline_free(struct pane *pane)
{
    struct timeline_pane *tp = timeline_of(pane);
    window_free(&tp->window);
    free(tp);
}

static const struct pane_ops timeline_ops = {
    .name = "timeline",
    .key_scopes = KEY_SCOPE_TIMELINE | KEY_SCOPE_LIST | KEY_SCOPE_GLOBAL,
    .draw = timeline_draw,
    .key = timeline_key,
    .resize = timeline_resize,
    .free = timeline_free,
};

struct pane *timeline_pane_new(struct session *session, const struct view *view)
{
    struct timeline_pane *tp = xcalloc(1, sizeof *tp);
    tp->pane.ops = &timeline_ops;
    tp->pane.session = session;
    tp->view = *view;
    window_init(&tp->window, &posts_source, tp, 0);
    load_newest(tp);
    return &tp->pane;
}
