/* The users pane: "All" first, then users by username, each with its post
 * count, the current author marked. Like the timeline it holds only a
 * window of users around the selection, fetched in keyset pages by
 * username, because per-user counts are what cost time on a big database. */
#include "tui/pane.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/draw.h"

#define MIN_PAGE 32
#define PAGES_KEPT 4

struct users_item {
    int64_t id;
    char *username;      /* as stored: the keyset position */
    char *display;       /* sanitized */
    int64_t post_count;
};

struct users_pane {
    struct pane pane;
    struct users_item *items;
    size_t count;
    bool at_start;       /* items[0] is the first user: the "All" row shows */
    bool at_end;         /* items[count-1] is the last user */
    size_t selected;     /* row; with at_start, row 0 is "All" */
    size_t top;          /* first row shown */
    int64_t all_count;
};

static struct users_pane *users_of(struct pane *pane)
{
    return (struct users_pane *)pane;
}

static int view_rows(const struct users_pane *up)
{
    return up->pane.area.rows > 1 ? up->pane.area.rows - 1 : 0;
}

static size_t page_size(const struct users_pane *up)
{
    size_t rows = (size_t)view_rows(up);
    return rows > MIN_PAGE ? rows : MIN_PAGE;
}

static size_t lead(const struct users_pane *up)
{
    return up->at_start ? 1 : 0;
}

static size_t row_count(const struct users_pane *up)
{
    return up->count + lead(up);
}

/* The user on a row, NULL for "All". */
static struct users_item *row_user(struct users_pane *up, size_t row)
{
    if (up->at_start && row == 0)
        return NULL;
    size_t i = row - lead(up);
    return i < up->count ? &up->items[i] : NULL;
}

static void clear_items(struct users_pane *up)
{
    for (size_t i = 0; i < up->count; i++) {
        free(up->items[i].username);
        free(up->items[i].display);
    }
    free(up->items);
    up->items = NULL;
    up->count = 0;
}

/* Inserts list at `at`, reversing it when it came in descending order. */
static void insert_users(struct users_pane *up, size_t at, const struct user_list *list,
                         bool reversed)
{
    if (list->count == 0)
        return;
    up->items = xreallocarray(up->items, up->count + list->count, sizeof *up->items);
    memmove(up->items + at + list->count, up->items + at, (up->count - at) * sizeof *up->items);
    for (size_t i = 0; i < list->count; i++) {
        const struct user *u = &list->items[reversed ? list->count - 1 - i : i];
        struct users_item *item = &up->items[at + i];
        const char *name = u->username != NULL ? u->username : "";
        item->id = u->id;
        item->username = xstrdup(name);
        item->display = text_sanitize(name, strlen(name), 0);
        item->post_count = u->post_count;
    }
    up->count += list->count;
}

static void remove_items(struct users_pane *up, size_t at, size_t n)
{
    for (size_t i = at; i < at + n; i++) {
        free(up->items[i].username);
        free(up->items[i].display);
    }
    memmove(up->items + at, up->items + at + n, (up->count - at - n) * sizeof *up->items);
    up->count -= n;
}

static bool fetch(struct users_pane *up, const char *after, bool descending, size_t limit,
                  struct user_list *out)
{
    memset(out, 0, sizeof *out);
    enum mb_status status = store_user_list(app_store(up->pane.app), after, descending, limit,
                                            out);
    if (status != MB_OK) {
        app_store_error(up->pane.app, "Could not read the users", status);
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

static void count_all(struct users_pane *up)
{
    int64_t n = 0;
    if (store_post_count(app_store(up->pane.app), 0, &n) == MB_OK)
        up->all_count = n;
}

static void load_start(struct users_pane *up)
{
    struct user_list list;
    size_t page = page_size(up);
    if (!fetch(up, NULL, false, page, &list))
        return;
    clear_items(up);
    insert_users(up, 0, &list, false);
    up->at_start = true;
    up->at_end = list.count < page;
    up->selected = up->top = 0;
    store_user_list_free(&list);
    count_all(up);
}

static void load_end(struct users_pane *up)
{
    struct user_list list;
    size_t page = page_size(up);
    if (!fetch(up, NULL, true, page, &list))
        return;
    clear_items(up);
    insert_users(up, 0, &list, true);
    up->at_end = true;
    up->at_start = list.count < page;
    store_user_list_free(&list);
    up->selected = row_count(up) - 1;
    int view = view_rows(up);
    up->top = up->selected + 1 > (size_t)view ? up->selected + 1 - (size_t)view : 0;
}

/* Drops users from the end away from where the selection is heading
 * (the start after fetching further down, the end after fetching further
 * up), never what is on the screen. */
static void trim(struct users_pane *up, bool drop_start)
{
    size_t keep = page_size(up) * PAGES_KEPT;
    if (up->count <= keep)
        return;
    size_t excess = up->count - keep;
    if (drop_start) {
        /* Rows above the view may go; "All" goes with the first user. */
        size_t removable = up->top > lead(up) ? up->top - lead(up) : 0;
        size_t front = excess < removable ? excess : removable;
        if (front > 0) {
            size_t shift = front + lead(up);
            remove_items(up, 0, front);
            up->at_start = false;
            up->top -= shift;
            up->selected -= shift;
        }
        return;
    }
    size_t needed = up->selected + 1 - lead(up) + page_size(up);
    size_t removable = up->count > needed ? up->count - needed : 0;
    size_t back = excess < removable ? excess : removable;
    if (back > 0) {
        remove_items(up, up->count - back, back);
        up->at_end = false;
    }
}

static void extend_down(struct users_pane *up)
{
    if (up->at_end || up->count == 0)
        return;
    struct user_list list;
    size_t page = page_size(up);
    if (!fetch(up, up->items[up->count - 1].username, false, page, &list))
        return;
    insert_users(up, up->count, &list, false);
    up->at_end = list.count < page;
    store_user_list_free(&list);
    trim(up, true);
}

static void extend_up(struct users_pane *up)
{
    if (up->at_start || up->count == 0)
        return;
    struct user_list list;
    size_t page = page_size(up);
    if (!fetch(up, up->items[0].username, true, page, &list))
        return;
    insert_users(up, 0, &list, true);
    up->at_start = list.count < page;
    size_t shift = list.count + lead(up);
    up->selected += shift;
    up->top += shift;
    store_user_list_free(&list);
    trim(up, false);
}

static void keep_margin(struct users_pane *up)
{
    size_t margin = (size_t)view_rows(up) + 1;
    if (!up->at_end && up->selected + margin >= row_count(up))
        extend_down(up);
    if (!up->at_start && up->selected < margin)
        extend_up(up);
}

static void make_visible(struct users_pane *up)
{
    size_t view = (size_t)(view_rows(up) > 0 ? view_rows(up) : 1);
    if (up->selected >= row_count(up))
        up->selected = row_count(up) > 0 ? row_count(up) - 1 : 0;
    if (up->selected < up->top)
        up->top = up->selected;
    if (up->selected >= up->top + view)
        up->top = up->selected + 1 - view;
}

void users_pane_refresh(struct pane *pane)
{
    struct users_pane *up = users_of(pane);
    struct users_item *sel = row_user(up, up->selected);
    if (sel == NULL) {
        size_t top = up->top;
        load_start(up);
        up->top = top;
        make_visible(up);
        return;
    }
    size_t screen_row = up->selected >= up->top ? up->selected - up->top : 0;
    size_t page = page_size(up);
    char *anchor = xstrdup(sel->username);
    struct user_list before, from;
    if (!fetch(up, anchor, true, page, &before))
        goto out;
    /* From the user just before the anchor on: the anchor (if it still
     * exists) and what follows. */
    if (!fetch(up, before.count > 0 ? before.items[0].username : NULL, false, page * 2,
               &from)) {
        store_user_list_free(&before);
        goto out;
    }
    clear_items(up);
    insert_users(up, 0, &before, true);
    insert_users(up, up->count, &from, false);
    up->at_start = before.count < page;
    up->at_end = from.count < page * 2;
    up->selected = lead(up) + before.count;
    store_user_list_free(&before);
    store_user_list_free(&from);
    count_all(up);
    make_visible(up);
    up->top = up->selected >= screen_row ? up->selected - screen_row : 0;
    make_visible(up);
out:
    free(anchor);
}

static enum pane_result users_key(struct pane *pane, const struct key_event *event)
{
    struct users_pane *up = users_of(pane);
    size_t view = (size_t)(view_rows(up) > 1 ? view_rows(up) : 1);
    switch (event->action) {
    case ACTION_DOWN:
        if (up->selected + 1 >= row_count(up))
            extend_down(up);
        if (up->selected + 1 < row_count(up))
            up->selected++;
        break;
    case ACTION_UP:
        if (up->selected == 0)
            extend_up(up);
        if (up->selected > 0)
            up->selected--;
        break;
    case ACTION_PAGE_DOWN:
        for (size_t i = 0; i < view; i++) {
            if (up->selected + 1 >= row_count(up))
                extend_down(up);
            if (up->selected + 1 >= row_count(up))
                break;
            up->selected++;
        }
        break;
    case ACTION_PAGE_UP:
        for (size_t i = 0; i < view; i++) {
            if (up->selected == 0)
                extend_up(up);
            if (up->selected == 0)
                break;
            up->selected--;
        }
        break;
    case ACTION_FIRST:
        if (up->at_start)
            up->selected = 0;
        else
            load_start(up);
        break;
    case ACTION_LAST:
        if (up->at_end)
            up->selected = row_count(up) > 0 ? row_count(up) - 1 : 0;
        else
            load_end(up);
        break;
    case ACTION_CHOOSE: {
        struct users_item *user = row_user(up, up->selected);
        app_set_filter(pane->app, user ? user->id : 0, user ? user->username : NULL);
        return PANE_REDRAW;
    }
    default:
        return PANE_IGNORED;
    }
    keep_margin(up);
    make_visible(up);
    return PANE_REDRAW;
}

static void users_draw(struct pane *pane, bool focused)
{
    struct users_pane *up = users_of(pane);
    const struct rect *a = &pane->area;
    if (!layout_rect_visible(*a))
        return;
    draw_string(a->y, a->x + 1, a->cols - 1, "Users", focused ? STYLE_TITLE : STYLE_NORMAL);
    int view = view_rows(up);
    int64_t author = app_author_id(pane->app);
    const char *author_name = app_author_name(pane->app);
    int64_t filter = app_filter(pane->app);
    make_visible(up);
    for (int r = 0; r < view && up->top + (size_t)r < row_count(up); r++) {
        size_t row = up->top + (size_t)r;
        int y = a->y + 1 + r;
        struct users_item *user = row_user(up, row);
        bool selected = row == up->selected;
        enum draw_style base = STYLE_NORMAL;
        if (selected) {
            base = focused ? STYLE_SELECTED : STYLE_SELECTED_IDLE;
            draw_fill(y, a->x, a->cols, base);
        }
        bool is_author = user != NULL &&
                         (user->id == author ||
                          (author == 0 && strcasecmp(user->username, author_name) == 0));
        bool is_filter = user == NULL ? filter == 0 : user->id == filter;
        char count[32];
        snprintf(count, sizeof count, "%" PRId64, user ? user->post_count : up->all_count);
        int count_cols = (int)strlen(count);
        int name_cols = a->cols - 2 - count_cols - 1;
        if (is_author)
            draw_string(y, a->x, 1, "*", selected ? base : STYLE_MARK);
        draw_string(y, a->x + 1, 1, is_filter ? ">" : " ", base);
        enum draw_style name_style = selected ? base : (is_filter ? STYLE_TITLE : STYLE_NORMAL);
        if (name_cols > 0)
            draw_string(y, a->x + 2, name_cols, user ? user->display : "All", name_style);
        if (a->cols > count_cols + 3)
            draw_string_right(y, a->x + a->cols - 1, count_cols, count,
                              selected ? base : STYLE_HINT);
    }
}

static void users_resize(struct pane *pane, struct rect area)
{
    pane->area = area;
    make_visible(users_of(pane));
}

static void users_free(struct pane *pane)
{
    struct users_pane *up = users_of(pane);
    clear_items(up);
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

struct pane *users_pane_new(struct app *app)
{
    struct users_pane *up = xcalloc(1, sizeof *up);
    up->pane.ops = &users_ops;
    up->pane.app = app;
    load_start(up);
    return &up->pane;
}
