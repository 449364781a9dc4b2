/* The users pane: "All" first, then users by username, each with its post
 * count, the current author marked; / finds a user by the start of the
 * name as one types (users_pane_find). Like the timeline it holds only a
 * loaded window (tui/window.c) of users around the selection, fetched in
 * keyset pages by username, because per-user counts are what cost time on
 * a big database. */
#include "tui/pane.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/draw.h"
#include "tui/window.h"

struct users_item {
    int64_t id;
    char *username;      /* as stored: the keyset position */
    char *display;       /* sanitized */
    int64_t post_count;
};

struct users_pane {
    struct pane pane;
    struct window window;   /* one lead row: "All" */
    int64_t all_count;
    bool mark_all;          /* the timeline shows every post */
    int64_t mark_user;      /* the timeline shows this user's posts (0: none) */
};

static struct users_pane *users_of(struct pane *pane)
{
    return (struct users_pane *)pane;
}

static int view_rows(const struct users_pane *up)
{
    return up->pane.area.rows > 1 ? up->pane.area.rows - 1 : 0;
}

static void item_clear(void *data)
{
    struct users_item *item = data;
    free(item->username);
    free(item->display);
}

/* Usernames in keyset pages: toward the end in ascending order, toward
 * the start descending (reversed here into window order). */
static bool fetch(void *context, const void *from, enum window_direction direction,
                  size_t limit, struct window_batch *batch)
{
    struct users_pane *up = context;
    const struct users_item *after = from;
    bool descending = direction == WINDOW_TOWARD_START;
    struct user_list list = { 0 };
    enum mb_status status = store_user_list(up->pane.session->store,
                                            after != NULL ? after->username : NULL, descending,
                                            limit, &list);
    if (status != MB_OK) {
        session_store_error(up->pane.session, "Could not read the users", status);
        return false;
    }
    for (size_t i = 0; i < list.count; i++) {
        const struct user *u = &list.items[descending ? list.count - 1 - i : i];
        struct users_item *item = window_batch_add(batch);
        const char *name = u->username != NULL ? u->username : "";
        item->id = u->id;
        item->username = xstrdup(name);
        item->display = text_sanitize(name, strlen(name), 0);
        item->post_count = u->post_count;
    }
    store_user_list_free(&list);
    return true;
}

static const struct window_source users_source = {
    .item_size = sizeof(struct users_item),
    .fetch = fetch,
    .clear = item_clear,
};

static void count_all(struct users_pane *up)
{
    int64_t n = 0;
    if (store_post_count(up->pane.session->store, 0, &n) == MB_OK)
        up->all_count = n;
}

static void load_start(struct users_pane *up)
{
    if (window_load_start(&up->window))
        count_all(up);
}

static void make_visible(struct users_pane *up)
{
    struct window *w = &up->window;
    size_t view = (size_t)(view_rows(up) > 0 ? view_rows(up) : 1);
    size_t rows = window_rows(w);
    if (w->selected >= rows)
        w->selected = rows > 0 ? rows - 1 : 0;
    if (w->selected < w->top)
        w->top = w->selected;
    if (w->selected >= w->top + view)
        w->top = w->selected + 1 - view;
}

void users_pane_refresh(struct pane *pane)
{
    struct users_pane *up = users_of(pane);
    struct window *w = &up->window;
    size_t screen_row = w->selected >= w->top ? w->selected - w->top : 0;
    bool on_all = window_selected(w) == NULL;
    if (!window_refresh(w))
        return;
    count_all(up);
    if (!on_all) {
        make_visible(up);
        w->top = w->selected >= screen_row ? w->selected - screen_row : 0;
    }
    make_visible(up);
}

bool users_pane_find(struct pane *pane, const char *prefix)
{
    struct users_pane *up = users_of(pane);
    struct window *w = &up->window;
    if (prefix == NULL || prefix[0] == '\0') {
        load_start(up);
        return true;
    }
    /* The first user at or after the prefix in the store's order: a
     * keyset page from there, whatever the number of users. */
    struct users_item anchor = { .username = (char *)prefix };
    if (!window_load_at(w, &anchor))
        return false;
    size_t view = (size_t)(view_rows(up) > 0 ? view_rows(up) : 1);
    w->top = w->selected > view / 2 ? w->selected - view / 2 : 0;
    window_keep_margin(w, view + 1);
    make_visible(up);
    const struct users_item *user = window_selected(w);
    return user != NULL && strncasecmp(user->username, prefix, strlen(prefix)) == 0;
}

char *users_pane_selected_name(struct pane *pane)
{
    const struct users_item *user = window_selected(&users_of(pane)->window);
    return user != NULL ? xstrdup(user->username) : NULL;
}

void users_pane_mark(struct pane *pane, const struct view *view)
{
    struct users_pane *up = users_of(pane);
    up->mark_all = view->kind == VIEW_ALL;
    up->mark_user = view->kind == VIEW_USER || view->kind == VIEW_PROFILE ? view->user_id : 0;
}

static struct pane_action users_key(struct pane *pane, const struct key_event *event)
{
    struct users_pane *up = users_of(pane);
    struct window *w = &up->window;
    size_t view = (size_t)(view_rows(up) > 1 ? view_rows(up) : 1);
    switch (event->action) {
    case ACTION_DOWN:
        window_move(w, +1);
        break;
    case ACTION_UP:
        window_move(w, -1);
        break;
    case ACTION_PAGE_DOWN:
        for (size_t i = 0; i < view && window_move(w, +1); i++)
            ;
        break;
    case ACTION_PAGE_UP:
        for (size_t i = 0; i < view && window_move(w, -1); i++)
            ;
        break;
    case ACTION_FIRST:
        if (w->at_start)
            w->selected = 0;
        else
            load_start(up);
        break;
    case ACTION_LAST:
        if (w->at_end) {
            w->selected = window_rows(w) > 0 ? window_rows(w) - 1 : 0;
        } else if (window_load_end(w)) {
            size_t rows = (size_t)(view_rows(up) > 0 ? view_rows(up) : 0);
            w->top = w->selected + 1 > rows ? w->selected + 1 - rows : 0;
        }
        break;
    case ACTION_CHOOSE: {
        const struct users_item *user = window_selected(w);
        struct pane_action action = pane_action(PANE_OPEN_VIEW);
        action.view = user != NULL ? view_user(user->id, user->username) : view_all();
        return action;
    }
    case ACTION_FIND:
        return pane_action(PANE_FIND);
    case ACTION_PROFILE: {
        const struct users_item *user = window_selected(w);
        if (user == NULL)
            return pane_action(PANE_HANDLED);   /* "All" has no profile */
        struct pane_action action = pane_action(PANE_OPEN_VIEW);
        action.view = view_profile(user->id, user->username);
        return action;
    }
    default:
        return pane_action(PANE_IGNORED);
    }
    window_keep_margin(w, (size_t)view_rows(up) + 1);
    make_visible(up);
    return pane_action(PANE_REDRAW);
}

static void users_draw(struct pane *pane, bool focused)
{
    struct users_pane *up = users_of(pane);
    const struct rect *a = &pane->area;
    if (!layout_rect_visible(*a))
        return;
    draw_string(a->y, a->x + 1, a->cols - 1, "Users", focused ? STYLE_TITLE : STYLE_NORMAL);
    struct window *w = &up->window;
    int view = view_rows(up);
    int64_t author = pane->session->author.id;
    const char *author_name = pane->session->author.name;
    make_visible(up);
    for (int r = 0; r < view && w->top + (size_t)r < window_rows(w); r++) {
        size_t row = w->top + (size_t)r;
        int y = a->y + 1 + r;
        const struct users_item *user = window_item_at_row(w, row);
        bool selected = row == w->selected;
        enum draw_style base = STYLE_NORMAL;
        if (selected) {
            base = focused ? STYLE_SELECTED : STYLE_SELECTED_IDLE;
            draw_fill(y, a->x, a->cols, base);
        }
        bool is_author = user != NULL &&
                         (user->id == author ||
                          (author == 0 && strcasecmp(user->username, author_name) == 0));
        bool is_filter = user == NULL ? up->mark_all : user->id == up->mark_user;
        char count[32];
        snprintf(count, sizeof count, "%" PRId64, user ? user->post_count : up->all_count);
        int count_cols = (int)strlen(count);
        /* The name from column 2, the count ending one cell before the
         * edge: one blank cell at least between them. */
        int name_cols = a->cols - 2 - 1 - count_cols - 1;
        if (is_author)
            draw_string(y, a->x, 1, "*", selected ? base : STYLE_MARK);
        draw_string(y, a->x + 1, 1, is_filter ? ">" : " ", base);
        enum draw_style name_style = selected ? base : (is_filter ? STYLE_TITLE : STYLE_NORMAL);
        if (name_cols > 0)
            draw_string_clipped(y, a->x + 2, name_cols, user ? user->display : "All",
                                name_style);
        if (a->cols > count_cols + 3)
            draw_string_right(y, a->x + a->cols - 1, count_cols, count,
                              selected ? base : STYLE_HINT);
    }
}

static void users_resize(struct pane *pane, struct rect area)
{
    struct users_pane *up = users_of(pane);
    pane->area = area;
    window_set_view(&up->window, view_rows(up));
    make_visible(up);
}

static void users_free(struct pane *pane)
{
    struct users_pane *up = users_of(pane);
    window_free(&up->window);
    free(up);
}

static const struct pane_ops users_ops = {
    .name = "users",
    .key_scopes = KEY_SCOPE_USERS | KEY_SCOPE_LIST | KEY_SCOPE_GLOBAL,
    .draw = users_draw,
    .key = users_key,
    .resize = users_resize,
    .free = users_free,
};

struct pane *users_pane_new(struct session *session)
{
    struct users_pane *up = xcalloc(1, sizeof *up);
    up->pane.ops = &users_ops;
    up->pane.session = session;
    up->mark_all = true;
    window_init(&up->window, &users_source, up, 1);
    load_start(up);
    return &up->pane;
}
