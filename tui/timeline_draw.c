/* How the timeline looks (see timeline.h): a title naming the view (and
 * how many new posts wait above, when scrolled down), a profile card on a
 * profile, then each post as a header — author, local time, whom it
 * answers ("↳ @alice"), "(edited)" — and its wrapped body. Above the
 * first post already read on Home and All, a line marks where the new
 * posts begin. Every string goes through the draw layer. */
#include "tui/timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "tui/draw.h"

int timeline_view_rows(const struct timeline_pane *tp)
{
    int rows = tp->pane.area.rows - 1;
    if (tp->view.kind == VIEW_PROFILE)
        rows -= PROFILE_CARD_ROWS;
    return rows > 0 ? rows : 0;
}

static int body_cols(const struct timeline_pane *tp)
{
    int cols = tp->pane.area.cols - TIMELINE_BODY_INDENT;
    return cols > 0 ? cols : 1;
}

static struct post_row *row_at(const struct timeline_pane *tp, size_t index)
{
    return window_item_at_row(&tp->window, index);
}

bool timeline_separator_above(const struct timeline_pane *tp, size_t index)
{
    const struct post_cursor *mark = &tp->pane.session->timeline_mark;
    if (index == 0 || !view_is_timeline(&tp->view) || (mark->timestamp == 0 && mark->id == 0))
        return false;
    struct post_cursor here = post_row_cursor(row_at(tp, index));
    struct post_cursor newer = post_row_cursor(row_at(tp, index - 1));
    return !post_cursor_before(mark, &here) && post_cursor_before(mark, &newer);
}

int timeline_item_height(struct timeline_pane *tp, size_t index)
{
    struct post_row *row = row_at(tp, index);
    int cols = body_cols(tp);
    if (row->wrapped_cols != cols) {
        free(row->lines);
        row->lines = NULL;
        row->line_count = text_wrap(row->body, row->body_length, cols, &row->lines);
        row->wrapped_cols = cols;
    }
    return (timeline_separator_above(tp, index) ? 1 : 0) + 1 + (int)row->line_count;
}

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

static bool format_day(int64_t seconds, char *out, size_t size)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    return localtime_r(&t, &tm) != NULL && strftime(out, size, " %a %Y-%m-%d", &tm) != 0;
}

static void draw_title(struct timeline_pane *tp, bool focused)
{
    const struct rect *a = &tp->pane.area;
    char count[40], rest[600];
    const char *name = NULL;   /* a user's name: clipped before the rest */
    format_count(tp->total, count, sizeof count);
    rest[0] = '\0';
    switch (tp->view.kind) {
    case VIEW_HOME:
        snprintf(rest, sizeof rest, "Home");
        break;
    case VIEW_ALL:
        snprintf(rest, sizeof rest, "All posts (%s)", count);
        break;
    case VIEW_USER:
    case VIEW_PROFILE:
        name = tp->view.name;
        snprintf(rest, sizeof rest, " (%s post%s)", count, tp->total == 1 ? "" : "s");
        break;
    case VIEW_CONVERSATION:
        snprintf(rest, sizeof rest, "Conversation");
        break;
    case VIEW_MENTIONS:
        snprintf(rest, sizeof rest, "Mentions");
        break;
    case VIEW_SEARCH:
        snprintf(rest, sizeof rest, "Search: %s", tp->view.words);
        break;
    case VIEW_TAG:
        snprintf(rest, sizeof rest, "#%s", tp->view.words);
        break;
    }
    enum draw_style style = focused ? STYLE_TITLE : STYLE_NORMAL;
    int x = a->x + 1, end = a->x + a->cols;
    /* Where one is in a long timeline: the selected post's day, at the
     * right (no count: that would cost what the view holds). */
    const struct post_row *selected = window_selected(&tp->window);
    char day[32];
    if (selected != NULL && a->cols >= 40 && format_day(selected->timestamp, day, sizeof day))
        end -= draw_string_right(a->y, end, 16, day, STYLE_TIME) + 1;
    if (name != NULL) {
        int room = end - x - text_width(rest, strlen(rest));
        x += draw_string_clipped(a->y, x, room > 1 ? room : 1, name, style);
    }
    x += draw_string(a->y, x, end - x, rest, style);
    if (tp->new_count > 0) {
        char more[64];
        snprintf(more, sizeof more, "  %" PRId64 "%s new post%s (g)", tp->new_count,
                 tp->new_count >= NEW_POSTS_CAP ? "+" : "", tp->new_count == 1 ? "" : "s");
        draw_string(a->y, x, end - x, more, STYLE_WARNING);
    }
}

static void draw_header(struct timeline_pane *tp, const struct post_row *row, int y,
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
    /* A long name ends with "…" before the time, which always shows. */
    int room = end - x - 2 - text_width(row->when, strlen(row->when));
    x += draw_string_clipped(y, x, room > 1 ? room : 1, row->author,
                             selected ? base : STYLE_AUTHOR);
    x += draw_string(y, x, end - x, "  ", base);
    x += draw_string(y, x, end - x, row->when, selected ? base : STYLE_TIME);
    if (row->reply_to_author != NULL) {
        x += draw_string(y, x, end - x, "  \u21b3 @", selected ? base : STYLE_HINT);
        x += draw_string_clipped(y, x, end - x - (row->edited ? 10 : 0), row->reply_to_author,
                                 selected ? base : STYLE_AUTHOR);
    }
    if (row->edited)
        x += draw_string(y, x, end - x, "  (edited)", selected ? base : STYLE_HINT);
    if (row->is_private)
        draw_string(y, x, end - x, "  (private)", selected ? base : STYLE_HINT);
}

static void draw_separator(const struct timeline_pane *tp, int y)
{
    const struct rect *a = &tp->pane.area;
    draw_hline(y, a->x, a->cols, STYLE_BORDER);
    draw_string(y, a->x + 2, a->cols - 2, " new posts above ", STYLE_WARNING);
}

static const char *empty_text(const struct timeline_pane *tp)
{
    switch (tp->view.kind) {
    case VIEW_HOME:
        return view_needs_author(&tp->view)
                   ? "Home shows the people you follow: post first, or press u."
                   : "Nothing here yet: follow people (follow NAME), or press a for All.";
    case VIEW_ALL:
        return "No posts yet. Press i to write the first one.";
    case VIEW_USER:
    case VIEW_PROFILE:
        return "No posts by this user yet.";
    case VIEW_CONVERSATION:
        return "This conversation is gone.";
    case VIEW_MENTIONS:
        return view_needs_author(&tp->view) ? "Nobody to mention yet: post first, or press u."
                                            : "Nobody has mentioned you yet.";
    case VIEW_SEARCH:
        return "No post matches: / searches again, b goes back.";
    case VIEW_TAG:
        return "No post carries this tag.";
    }
    return "";
}

/* A line of a body, a search's words in the match style. */
static void draw_body_line(struct timeline_pane *tp, int y, const char *text, size_t length)
{
    const struct rect *a = &tp->pane.area;
    int x = a->x + TIMELINE_BODY_INDENT, end = a->x + a->cols;
    struct highlight_range ranges[16];
    size_t count = highlight_find(&tp->highlight, text, length, ranges, 16);
    size_t at = 0;
    for (size_t i = 0; i < count && x < end; i++) {
        x += draw_text(y, x, end - x, text + at, ranges[i].start - at, STYLE_NORMAL);
        x += draw_text(y, x, end - x, text + ranges[i].start, ranges[i].end - ranges[i].start,
                       STYLE_MATCH);
        at = ranges[i].end;
    }
    if (x < end)
        draw_text(y, x, end - x, text + at, length - at, STYLE_NORMAL);
}

void timeline_draw(struct pane *pane, bool focused)
{
    struct timeline_pane *tp = (struct timeline_pane *)pane;
    const struct rect *a = &pane->area;
    if (!layout_rect_visible(*a))
        return;
    draw_title(tp, focused);
    int first = a->y + 1;
    if (tp->view.kind == VIEW_PROFILE) {
        struct rect card = { .y = first, .x = a->x, .rows = a->rows - 1, .cols = a->cols };
        profile_card_draw(&tp->card, card);
        first += PROFILE_CARD_ROWS;
    }
    int view = timeline_view_rows(tp);
    struct window *w = &tp->window;
    if (w->count == 0) {
        if (view > 0)
            draw_string(first, a->x + 1, a->cols - 1, empty_text(tp), STYLE_HINT);
        return;
    }
    int y = first;
    for (size_t i = w->top; i < w->count && y < first + view; i++) {
        const struct post_row *row = row_at(tp, i);
        int h = timeline_item_height(tp, i);
        int separator = timeline_separator_above(tp, i) ? 1 : 0;
        bool selected = i == w->selected;
        for (int line = i == w->top ? tp->top_line : 0; line < h && y < first + view; line++) {
            if (line < separator) {
                draw_separator(tp, y++);
            } else if (line == separator) {
                draw_header(tp, row, y++, selected, focused);
            } else {
                const struct text_line *l = &row->lines[line - separator - 1];
                draw_body_line(tp, y++, row->body + l->offset, l->length);
            }
        }
    }
}
