/* Drawing a frame of the app (see app.h): the panes in their areas, the
 * rule between the lists, the status line (the overlay's question or
 * prompt, else the session's line with the keys of the focused pane) and
 * the help over everything. The whole frame goes into curses' virtual
 * screen; only the differences reach the terminal. */
#include "tui/app.h"

#include <curses.h>

#include "tui/draw.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/overlay.h"
#include "tui/pane.h"
#include "tui/session.h"

static void pane_draw_if(struct app *app, enum focus which, bool visible)
{
    if (!visible)
        return;
    struct pane *pane = app->panes[which];
    pane->ops->draw(pane, app->focus == which && app->overlay.mode == OVERLAY_NONE);
}

/* The status line: the help key and the keys of the mode one is in. */
static void draw_status(struct app *app, struct rect line)
{
    enum key_action without[2];
    size_t count = 0;
    if (!app->session.personal)
        without[count++] = ACTION_SWITCH_AUTHOR;
    if (!session_editor_allowed(&app->session))
        without[count++] = ACTION_EDITOR;
    struct pane *pane = app->panes[app->focus];
    char hints[256];
    keys_status_hints(pane->ops->key_scopes, without, count, hints, sizeof hints);
    session_draw_status(&app->session, line, app->focus == FOCUS_COMPOSE ? "F1:help" : "?:help",
                        hints);
}

void app_draw_frame(struct app *app)
{
    if (app_compose_rows_wanted(app) != app->compose_rows)
        app_relayout(app);
    const struct layout *l = &app->layout;
    draw_begin();
    if (l->too_small) {
        draw_string(0, 0, l->screen_cols, "Terminal too small", STYLE_ERROR);
        draw_end();
        return;
    }
    pane_draw_if(app, FOCUS_USERS, l->users_visible);
    if (l->side_by_side)
        draw_vline(l->separator.y, l->separator.x, l->separator.rows, STYLE_BORDER);
    pane_draw_if(app, FOCUS_TIMELINE, l->timeline_visible);
    pane_draw_if(app, FOCUS_COMPOSE, true);
    if (layout_rect_visible(l->status)) {
        if (overlay_owns_status(&app->overlay))
            overlay_draw_status(&app->overlay, l->status);
        else
            draw_status(app, l->status);
    }
    if (app->overlay.mode == OVERLAY_HELP)
        overlay_draw_help(&app->overlay, l->screen_rows, l->screen_cols,
                          session_editor_allowed(&app->session));
    draw_end();
}

