/* The timeline pane: posts newest first, each as a header (author, local
 * time) and its body wrapped to the pane's width. It holds a window of at
 * most a few pages of posts around the selection, fetched with keyset
 * pages on (timestamp, id) as the selection moves, so that start-up,
 * scrolling and memory cost the same on ten posts and on a million.
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
#include "tui/app.h"
#include "tui/draw.h"

#define BODY_INDENT 2
#define MIN_PAGE 32
#define PAGES_KEPT 4

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
    int64_t user_id;          /* 0: everyone */
    char *filter_name;
    struct timeline_item *items;
    size_t count;
    bool more_newer;          /* posts exist newer than items[0] */
    bool more_older;          /* posts exist older than items[count-1] */
    size_t selected;
    size_t top;
    int top_line;             /* rows of items[top] scrolled off */
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

static size_t page_size(const struct timeline_pane *tp)
{
    size_t rows = (size_t)(view_rows(tp) > 0 ? view_rows(tp) : 0);
    return rows > MIN_PAGE ? rows : MIN_PAGE;
}

static bool jumps(const struct timeline_pane *tp)
{
    return tp->pane.area.x != 0;
}

/* ---- items ------------------------------------------------------------ */

static void item_clear(struct timeline_item *item)
{
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
    struct timeline_item *item = &tp->items[index];
    item_wrap(tp, item);
    return 1 + (int)item->line_count;
}

static void clear_items(struct timeline_pane *tp)
{
    for (size_t i = 0; i < tp->count; i++)
        item_clear(&tp->items[i]);
    free(tp->items);
    tp->items = NULL;
    tp->count = 0;
    tp->selected = tp->top = 0;
    tp->top_line = 0;
}

/* Inserts the posts of list at position `at`, in order. */
static void insert_posts(struct timeline_pane *tp, size_t at, const struct post_list *list)
{
    if (list->count == 0)
        return;
    tp->items = xreallocarray(tp->items, tp->count + list->count, sizeof *tp->items);
    memmove(tp->items + at + list->count, tp->items + at,
            (tp->count - at) * sizeof *tp->items);
    for (size_t i = 0; i < list->count; i++)
        item_from_post(&tp->items[at + i], &list->items[i]);
    tp->count += list->count;
}

static void remove_items(struct timeline_pane *tp, size_t at, size_t n)
{
    for (size_t i = at; i < at + n; i++)
        item_clear(&tp->items[i]);
    memmove(tp->items + at, tp->items + at + n, (tp->count - at - n) * sizeof *tp->items);
    tp->count -= n;
}

static bool fetch(struct timeline_pane *tp, const struct post_cursor *cursor,
                  enum page_direction direction, size_t limit, struct post_list *out)
{
    memset(out, 0, sizeof *out);
    enum mb_status status = store_posts_page(app_store(tp->pane.app), &(struct post_filter){ .author_id = tp->user_id }, cursor,
                                             direction, limit, out);
    if (status != MB_OK) {
        app_store_error(tp->pane.app, "Could not read the timeline", status);
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

static void count_total(struct timeline_pane *tp)
{
    int64_t total = 0;
    if (store_post_count(app_store(tp->pane.app), tp->user_id, &total) == MB_OK)
        tp->total = total;
}

/* ---- scrolling --------------------------------------------------------- */

/* The view row where item `index` starts (negative when above the view). */
static int row_of(struct timeline_pane *tp, size_t index)
{
    int row = -tp->top_line;
    if (index >= tp->top) {
        for (size_t i = tp->top; i < index; i++)
            row += item_height(tp, i);
    } else {
        for (size_t i = index; i < tp->top; i++)
            row -= item_height(tp, i);
    }
    return row;
}

/* Scrolls so that the selected post starts at view row `row` (or as
 * close as the start of the window allows). */
static void place_selected_at(struct timeline_pane *tp, int row)
{
    tp->top = tp->selected;
    tp->top_line = 0;
    while (row > 0 && tp->top > 0) {
        int h = item_height(tp, tp->top - 1);
        tp->top--;
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
    if (tp->count == 0)
        return;
    int view = view_rows(tp);
    int start = row_of(tp, tp->selected);
    int h = item_height(tp, tp->selected);
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
    if (tp->count == 0) {
        tp->top = tp->selected = 0;
        tp->top_line = 0;
        return;
    }
    if (tp->selected >= tp->count)
        tp->selected = tp->count - 1;
    if (tp->top >= tp->count)
        tp->top = tp->count - 1;
    if (tp->top_line >= item_height(tp, tp->top))
        tp->top_line = 0;
}

/* ---- loading ------------------------------------------------------------ */

static void load_newest(struct timeline_pane *tp)
{
    struct post_list list;
    size_t page = page_size(tp);
    if (!fetch(tp, NULL, PAGE_OLDER, page, &list))
        return;
    clear_items(tp);
    insert_posts(tp, 0, &list);
    tp->more_newer = false;
    tp->more_older = list.count == page;
    store_post_list_free(&list);
    count_total(tp);
}

static void load_oldest(struct timeline_pane *tp)
{
    struct post_list list;
    size_t page = page_size(tp);
    if (!fetch(tp, NULL, PAGE_NEWER, page, &list))
        return;
    clear_items(tp);
    insert_posts(tp, 0, &list);
    tp->more_older = false;
    tp->more_newer = list.count == page;
    store_post_list_free(&list);
    if (tp->count > 0) {
        tp->selected = tp->count - 1;
        int h = item_height(tp, tp->selected);
        place_selected_at(tp, view_rows(tp) > h ? view_rows(tp) - h : 0);
    }
}

static struct post_cursor cursor_of(const struct timeline_item *item)
{
    return (struct post_cursor){ .timestamp = item->timestamp, .id = item->id };
}

/* Drops posts from the end away from where the selection is heading:
 * the newer end after fetching older posts, the older end after fetching
 * newer ones, never what is on the screen. */
static void trim(struct timeline_pane *tp, bool drop_newer_end)
{
    size_t keep = page_size(tp) * PAGES_KEPT;
    if (tp->count <= keep)
        return;
    size_t excess = tp->count - keep;
    if (drop_newer_end) {
        size_t front = excess < tp->top ? excess : tp->top;
        if (front > 0) {
            remove_items(tp, 0, front);
            tp->top -= front;
            tp->selected -= front;
            tp->more_newer = true;
        }
        return;
    }
    size_t needed = tp->selected + page_size(tp) + 1;   /* the view and a margin */
    size_t removable = tp->count > needed ? tp->count - needed : 0;
    size_t back = excess < removable ? excess : removable;
    if (back > 0) {
        remove_items(tp, tp->count - back, back);
        tp->more_older = true;
    }
}

static void extend_older(struct timeline_pane *tp)
{
    if (!tp->more_older || tp->count == 0)
        return;
    struct post_cursor cursor = cursor_of(&tp->items[tp->count - 1]);
    struct post_list list;
    size_t page = page_size(tp);
    if (!fetch(tp, &cursor, PAGE_OLDER, page, &list))
        return;
    insert_posts(tp, tp->count, &list);
    tp->more_older = list.count == page;
    store_post_list_free(&list);
    trim(tp, true);
}

static void extend_newer(struct timeline_pane *tp)
{
    if (!tp->more_newer || tp->count == 0)
        return;
    struct post_cursor cursor = cursor_of(&tp->items[0]);
    struct post_list list;
    size_t page = page_size(tp);
    if (!fetch(tp, &cursor, PAGE_NEWER, page, &list))
        return;
    insert_posts(tp, 0, &list);
    tp->selected += list.count;
    tp->top += list.count;
    tp->more_newer = list.count == page;
    store_post_list_free(&list);
    trim(tp, false);
}

/* Keeps a margin of loaded posts on both sides of the selection. */
static void keep_margin(struct timeline_pane *tp)
{
    size_t margin = (size_t)view_rows(tp) + 1;
    if (tp->more_older && tp->selected + margin >= tp->count)
        extend_older(tp);
    if (tp->more_newer && tp->selected < margin)
        extend_newer(tp);
}

void timeline_pane_refresh(struct pane *pane)
{
    struct timeline_pane *tp = timeline_of(pane);
    if (tp->count == 0) {
        load_newest(tp);
        return;
    }
    struct timeline_item *anchor = &tp->items[tp->selected];
    int row = row_of(tp, tp->selected);
    if (row < 0)
        row = 0;
    bool pinned = tp->top == 0 && tp->top_line == 0 && !tp->more_newer;
    size_t page = page_size(tp);
    /* (timestamp, id + 1) as an exclusive bound includes the anchor. */
    struct post_cursor including = { .timestamp = anchor->timestamp, .id = anchor->id + 1 };
    struct post_cursor excluding = cursor_of(anchor);
    struct post_list older, newer;
    if (!fetch(tp, &including, PAGE_OLDER, page, &older))
        return;
    if (!fetch(tp, &excluding, PAGE_NEWER, page, &newer)) {
        store_post_list_free(&older);
        return;
    }
    clear_items(tp);
    insert_posts(tp, 0, &newer);
    insert_posts(tp, tp->count, &older);
    tp->more_newer = newer.count == page;
    tp->more_older = older.count == page;
    tp->selected = older.count > 0 ? newer.count : (tp->count > 0 ? tp->count - 1 : 0);
    store_post_list_free(&older);
    store_post_list_free(&newer);
    count_total(tp);
    if (tp->count == 0)
        return;
    if (pinned && !tp->more_newer) {
        tp->top = 0;
        tp->top_line = 0;
        make_visible(tp);
    } else {
        place_selected_at(tp, row);
    }
}

void timeline_pane_set_filter(struct pane *pane, int64_t user_id, const char *name)
{
    struct timeline_pane *tp = timeline_of(pane);
    tp->user_id = user_id;
    free(tp->filter_name);
    tp->filter_name = user_id != 0 && name != NULL ? xstrdup(name) : NULL;
    load_newest(tp);
}

void timeline_pane_show_newest(struct pane *pane)
{
    load_newest(timeline_of(pane));
}

bool timeline_pane_selected(struct pane *pane, int64_t *post_id, int64_t *user_id,
                            const char **author)
{
    struct timeline_pane *tp = timeline_of(pane);
    if (tp->count == 0)
        return false;
    const struct timeline_item *item = &tp->items[tp->selected];
    *post_id = item->id;
    *user_id = item->user_id;
    *author = item->author;
    return true;
}

/* ---- keys ----------------------------------------------------------------- */

static bool move_down(struct timeline_pane *tp)
{
    if (tp->selected + 1 >= tp->count)
        extend_older(tp);
    if (tp->selected + 1 >= tp->count)
        return false;
    tp->selected++;
    return true;
}

static bool move_up(struct timeline_pane *tp)
{
    if (tp->selected == 0)
        extend_newer(tp);
    if (tp->selected == 0)
        return false;
    tp->selected--;
    return true;
}

static void scroll_line_down(struct timeline_pane *tp)
{
    tp->top_line++;
    if (tp->top_line >= item_height(tp, tp->top) && tp->top + 1 < tp->count) {
        tp->top++;
        tp->top_line = 0;
    }
}

/* Posts that fit in the view from the top, at least one. */
static size_t posts_per_page(struct timeline_pane *tp)
{
    int rows = view_rows(tp);
    size_t n = 0;
    for (size_t i = tp->top; i < tp->count; i++) {
        rows -= item_height(tp, i) - (i == tp->top ? tp->top_line : 0);
        if (rows < 0)
            break;
        n++;
    }
    return n > 1 ? n : 1;
}

static enum pane_result timeline_key(struct pane *pane, const struct key_event *event)
{
    struct timeline_pane *tp = timeline_of(pane);
    int view = view_rows(tp);
    switch (event->action) {
    case ACTION_DOWN: {
        if (tp->count == 0)
            return PANE_HANDLED;
        int start = row_of(tp, tp->selected);
        int h = item_height(tp, tp->selected);
        if (h > view && start + h > view) {
            scroll_line_down(tp);   /* read a post taller than the view */
            return PANE_REDRAW;
        }
        if (move_down(tp)) {
            keep_margin(tp);
            make_visible(tp);
        }
        return PANE_REDRAW;
    }
    case ACTION_UP:
        if (tp->count == 0)
            return PANE_HANDLED;
        if (tp->selected == tp->top && tp->top_line > 0) {
            tp->top_line--;
            return PANE_REDRAW;
        }
        if (move_up(tp)) {
            keep_margin(tp);
            make_visible(tp);
        }
        return PANE_REDRAW;
    case ACTION_PAGE_DOWN: {
        if (tp->count == 0)
            return PANE_HANDLED;
        size_t n = posts_per_page(tp);
        for (size_t i = 0; i < n && move_down(tp); i++)
            keep_margin(tp);
        place_selected_at(tp, 0);
        return PANE_REDRAW;
    }
    case ACTION_PAGE_UP: {
        if (tp->count == 0)
            return PANE_HANDLED;
        size_t n = posts_per_page(tp);
        for (size_t i = 0; i < n && move_up(tp); i++)
            keep_margin(tp);
        int h = item_height(tp, tp->selected);
        place_selected_at(tp, view > h ? view - h : 0);
        if (tp->selected < posts_per_page(tp) && !tp->more_newer) {
            tp->top = 0;
            tp->top_line = 0;
            make_visible(tp);
        }
        return PANE_REDRAW;
    }
    case ACTION_FIRST:
        if (tp->more_newer) {
            load_newest(tp);
        } else {
            tp->selected = tp->top = 0;
            tp->top_line = 0;
        }
        return PANE_REDRAW;
    case ACTION_LAST:
        if (tp->more_older) {
            load_oldest(tp);
        } else if (tp->count > 0) {
            tp->selected = tp->count - 1;
            int h = item_height(tp, tp->selected);
            if (row_of(tp, tp->selected) + h > view)
                place_selected_at(tp, view > h ? view - h : 0);
        }
        return PANE_REDRAW;
    default:
        return PANE_IGNORED;
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
    char count[40], title[200];
    format_count(tp->total, count, sizeof count);
    if (tp->user_id == 0)
        snprintf(title, sizeof title, "All posts (%s)", count);
    else
        snprintf(title, sizeof title, "%s (%s post%s)", tp->filter_name ? tp->filter_name : "?",
                 count, tp->total == 1 ? "" : "s");
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
    if (tp->count == 0) {
        draw_string(a->y + 1, a->x + 1, a->cols - 1,
                    tp->user_id == 0 ? "No posts yet. Press i to write the first one."
                                     : "No posts by this user yet.",
                    STYLE_HINT);
        return;
    }
    clamp_top(tp);
    int row = 0;
    for (size_t i = tp->top; i < tp->count && row < view; i++) {
        struct timeline_item *item = &tp->items[i];
        int h = item_height(tp, i);
        bool selected = i == tp->selected;
        for (int line = i == tp->top ? tp->top_line : 0; line < h && row < view; line++) {
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
    clamp_top(tp);
    make_visible(tp);
}

static void timeline_free(struct pane *pane)
{
    struct timeline_pane *tp = timeline_of(pane);
    clear_items(tp);
    free(tp->filter_name);
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

struct pane *timeline_pane_new(struct app *app)
{
    struct timeline_pane *tp = xcalloc(1, sizeof *tp);
    tp->pane.ops = &timeline_ops;
    tp->pane.app = app;
    load_newest(tp);
    return &tp->pane;
}
