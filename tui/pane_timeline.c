/* The timeline pane: the posts of a view (tui/view.h: Home, All, a user,
 * a profile, a conversation, Mentions), newest first (a conversation
 * oldest first), each as a header and its body wrapped to the pane's
 * width (tui/timeline_draw.c). It holds a loaded window (tui/window.c) of a few pages of posts
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

#include <stdlib.h>

#include "core/xalloc.h"
#include "tui/timeline.h"

static struct timeline_pane *timeline_of(struct pane *pane)
{
    return (struct timeline_pane *)pane;
}

static bool jumps(const struct timeline_pane *tp)
{
    return tp->pane.area.x != 0;
}

static int item_height(struct timeline_pane *tp, size_t index)
{
    return timeline_item_height(tp, index);
}

static int view_rows(const struct timeline_pane *tp)
{
    return timeline_view_rows(tp);
}

static bool move_down(struct timeline_pane *tp);

static void count_total(struct timeline_pane *tp)
{
    int64_t total = 0;
    bool counted = tp->view.kind == VIEW_ALL || tp->view.kind == VIEW_USER ||
                   tp->view.kind == VIEW_PROFILE;
    if (counted &&
        store_post_count(tp->pane.session->store, tp->view.filter.author_id, &total) == MB_OK)
        tp->total = total;
}

/* ---- read marks --------------------------------------------------------- */

/* With the newest post on the screen, everything up to it is read: the
 * timeline's (Home, All) or the mentions' mark moves there, and nothing
 * is new any more. Scrolled down, new posts are counted instead of shown
 * (store_posts_count_newer, at most NEW_POSTS_CAP). */
static void note_reading(struct timeline_pane *tp)
{
    struct window *w = &tp->window;
    if (tp->view.kind == VIEW_CONVERSATION || view_needs_author(&tp->view))
        return;
    struct session *session = tp->pane.session;
    if (w->count > 0 && w->at_start && w->top == 0 && tp->top_line == 0) {
        struct post_cursor newest = post_row_cursor(window_item_at_row(w, 0));
        tp->new_count = 0;
        if (tp->have_newest_seen && !post_cursor_before(&tp->newest_seen, &newest))
            return;
        tp->newest_seen = newest;
        tp->have_newest_seen = true;
        if (view_is_timeline(&tp->view))
            session_mark_read(session, STORE_MARK_TIMELINE, &newest);
        else if (tp->view.kind == VIEW_MENTIONS)
            session_mark_read(session, STORE_MARK_MENTIONS, &newest);
        return;
    }
    int64_t count = 0;
    struct post_filter filter = view_filter(&tp->view);
    if (tp->have_newest_seen &&
        store_posts_count_newer(session->store, &filter, &tp->newest_seen,
                                NEW_POSTS_CAP, &count) == MB_OK)
        tp->new_count = count;
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

/* Whether the selected post is wholly on the screen. */
static bool selected_in_view(struct timeline_pane *tp)
{
    int start = row_of(tp, tp->window.selected);
    int h = item_height(tp, tp->window.selected);
    return start >= 0 && (start + h <= view_rows(tp) || start == 0);
}

/* Reads the view again after other sessions wrote. At the top (the
 * newest post on the first row), the view stays at the top: new posts
 * come in above the selection, which stays on its post while that post
 * is still wholly on the screen and goes to the newest when they would
 * push it off (kept on it, a screenful of new posts once scrolled the
 * view down with it, out of their sight). Scrolled down, the selected
 * post keeps its row and the new posts are counted (note_reading). */
void timeline_pane_refresh(struct pane *pane)
{
    struct timeline_pane *tp = timeline_of(pane);
    if (tp->view.kind == VIEW_PROFILE)
        profile_card_load(&tp->card, tp->pane.session, tp->view.user_id);
    if (tp->window.count == 0) {
        load_newest(tp);
        note_reading(tp);
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
    if (pinned) {
        tp->window.top = 0;
        if (!tp->window.at_start || !selected_in_view(tp))
            load_newest(tp);
    } else {
        place_selected_at(tp, row);
    }
    note_reading(tp);
}

void timeline_pane_show(struct pane *pane, const struct view *view)
{
    struct timeline_pane *tp = timeline_of(pane);
    window_free(&tp->window);
    tp->view = *view;
    highlight_free(&tp->highlight);
    if (view->kind == VIEW_SEARCH)
        highlight_init(&tp->highlight, view->words);
    tp->total = 0;
    tp->new_count = 0;
    tp->have_newest_seen = false;
    window_init(&tp->window, post_source_for(&tp->view), &tp->source, 0);
    window_set_view(&tp->window, view_rows(tp));
    if (tp->view.kind == VIEW_PROFILE)
        profile_card_load(&tp->card, tp->pane.session, tp->view.user_id);
    load_newest(tp);
    if (tp->view.kind == VIEW_CONVERSATION) {
        /* Select the post the conversation was opened on. */
        const struct post_row *row = window_selected(&tp->window);
        while (row != NULL && row->id != tp->view.post_id && move_down(tp)) {
            keep_margin(tp);
            row = window_selected(&tp->window);
        }
        make_visible(tp);
    }
    note_reading(tp);
}

const struct view *timeline_pane_view(struct pane *pane)
{
    return &timeline_of(pane)->view;
}

bool timeline_pane_go_to(struct pane *pane, int64_t until)
{
    struct timeline_pane *tp = timeline_of(pane);
    if (tp->view.kind == VIEW_CONVERSATION)
        return false;
    /* An anchor just after every post before `until`: the window reads
     * the pages newer than it and, from there, the older ones. */
    struct post_row anchor = { .timestamp = until, .id = 0 };
    if (!window_load_at(&tp->window, &anchor))
        return true;
    tp->top_line = 0;
    keep_margin(tp);
    place_selected_at(tp, 0);
    note_reading(tp);
    return true;
}

void timeline_pane_show_newest(struct pane *pane)
{
    struct timeline_pane *tp = timeline_of(pane);
    load_newest(tp);
    note_reading(tp);
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

static struct pane_action move_key(struct pane *pane, const struct key_event *event)
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
    default:
        return pane_action(PANE_IGNORED);
    }
}

/* An action about the selected post (post.id 0: none is selected). */
static struct pane_action about_selected(struct timeline_pane *tp, enum pane_action_kind kind)
{
    struct pane_action action = pane_action(kind);
    const struct post_row *row = window_selected(&tp->window);
    if (row != NULL)
        action.post = (struct pane_post){ .id = row->id, .user_id = row->user_id,
                                          .author = row->author, .body = row->body };
    return action;
}

static struct pane_action timeline_key(struct pane *pane, const struct key_event *event)
{
    struct timeline_pane *tp = timeline_of(pane);
    const struct post_row *row = window_selected(&tp->window);
    struct pane_action action;
    switch (event->action) {
    case ACTION_DELETE:
        return about_selected(tp, PANE_DELETE_POST);
    case ACTION_REPLY:
        return about_selected(tp, PANE_REPLY);
    case ACTION_TAG:
        return about_selected(tp, PANE_TAG);
    case ACTION_FIND:
        return pane_action(PANE_SEARCH);
    case ACTION_GO_TO_DATE:
        return pane_action(PANE_GO_TO_DATE);
    case ACTION_NEXT_MATCH:
    case ACTION_PREVIOUS_MATCH: {
        if (tp->view.kind != VIEW_SEARCH) {
            session_message(tp->pane.session, STYLE_INFO, "No search here: / searches the posts.");
            return pane_action(PANE_REDRAW);
        }
        /* Every post of a Search view matches: the next one is the match. */
        struct key_event move = *event;
        move.action = event->action == ACTION_NEXT_MATCH ? ACTION_DOWN : ACTION_UP;
        action = move_key(pane, &move);
        if (action.kind == PANE_REDRAW)
            note_reading(tp);
        return action;
    }
    case ACTION_CHOOSE:
        if (row == NULL)
            return pane_action(PANE_HANDLED);
        action = pane_action(PANE_OPEN_VIEW);
        action.view = view_conversation(row->id);
        return action;
    case ACTION_PROFILE:
        if (row == NULL)
            return pane_action(PANE_HANDLED);
        action = pane_action(PANE_OPEN_VIEW);
        action.view = view_profile(row->user_id, row->author);
        return action;
    default:
        action = move_key(pane, event);
        if (action.kind == PANE_REDRAW)
            note_reading(tp);
        return action;
    }
}

static void draw(struct pane *pane, bool focused)
{
    clamp_top(timeline_of(pane));
    timeline_draw(pane, focused);
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
    profile_card_free(&tp->card);
    highlight_free(&tp->highlight);
    free(tp);
}

static const struct pane_ops timeline_ops = {
    .name = "timeline",
    .key_scopes = KEY_SCOPE_TIMELINE | KEY_SCOPE_LIST | KEY_SCOPE_GLOBAL,
    .draw = draw,
    .key = timeline_key,
    .resize = timeline_resize,
    .free = timeline_free,
};

struct pane *timeline_pane_new(struct session *session, const struct view *view)
{
    struct timeline_pane *tp = xcalloc(1, sizeof *tp);
    tp->pane.ops = &timeline_ops;
    tp->pane.session = session;
    tp->source = (struct post_source){ .session = session, .view = &tp->view };
    window_init(&tp->window, post_source_for(view), &tp->source, 0);
    timeline_pane_show(&tp->pane, view);
    return &tp->pane;
}
