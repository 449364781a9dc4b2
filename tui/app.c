/* The app (see app.h): owns the three panes, the session and the
 * overlays; carries out what the panes' keys ask (tig's view_ops, htop's
 * Panel handlers), keeps the views one goes back to, and draws each frame
 * in full into curses' virtual screen (only the differences reach the
 * terminal). In restricted mode no key runs a program. */
#include "tui/app.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/draw.h"
#include "tui/edit_buffer.h"
#include "tui/editor.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/overlay.h"
#include "tui/pane.h"
#include "tui/session.h"
#include "tui/signals.h"
#include "tui/view.h"

static struct edit_buffer *draft_of(struct app *app)
{
    return compose_pane_draft(app->panes[FOCUS_COMPOSE]);
}

/* ---- focus and views ------------------------------------------------------ */

int app_compose_rows_wanted(struct app *app)
{
    if (app->focus != FOCUS_COMPOSE)
        return 0;
    int cols = COLS - 2;
    return compose_pane_text_rows(app->panes[FOCUS_COMPOSE], cols);
}

void app_relayout(struct app *app)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    bool users_shown = app->focus == FOCUS_USERS ||
                       (app->focus == FOCUS_COMPOSE && app->list_focus == FOCUS_USERS);
    layout_compute(rows, cols, users_shown, &app->layout);
    app->compose_rows = app_compose_rows_wanted(app);
    layout_grow_compose(&app->layout, app->compose_rows);
    const struct layout *l = &app->layout;
    struct rect none = { 0, 0, 0, 0 };
    app->panes[FOCUS_USERS]->ops->resize(app->panes[FOCUS_USERS],
                                         !l->too_small && l->users_visible ? l->users : none);
    app->panes[FOCUS_TIMELINE]->ops->resize(app->panes[FOCUS_TIMELINE],
                                            !l->too_small && l->timeline_visible ? l->timeline
                                                                                 : none);
    app->panes[FOCUS_COMPOSE]->ops->resize(app->panes[FOCUS_COMPOSE],
                                           l->too_small ? none : l->compose);
}

static void set_focus(struct app *app, enum focus focus)
{
    if (focus != FOCUS_COMPOSE)
        app->list_focus = focus;
    bool relayout_needed = !app->layout.side_by_side && app->focus != focus;
    app->focus = focus;
    if (relayout_needed)
        app_relayout(app);
}

void app_focus(struct app *app, enum focus focus)
{
    set_focus(app, focus);
}

static void cycle_focus(struct app *app, int direction)
{
    set_focus(app, (enum focus)((app->focus + FOCUS_COUNT + direction) % FOCUS_COUNT));
}

/* Shows view in the timeline, bound to the current author (their follows,
 * their mentions, their mutes). */
static void show_view(struct app *app, const struct view *view)
{
    struct view bound = *view;
    view_bind(&bound, app->session.author.id);
    timeline_pane_show(app->panes[FOCUS_TIMELINE], &bound);
    users_pane_mark(app->panes[FOCUS_USERS], &bound);
}

/* Opens view, remembering the one shown for b. */
void app_open_view(struct app *app, const struct view *view)
{
    if (app->history_count == HISTORY_MAX) {
        memmove(app->history, app->history + 1, (HISTORY_MAX - 1) * sizeof app->history[0]);
        app->history_count--;
    }
    app->history[app->history_count++] = *timeline_pane_view(app->panes[FOCUS_TIMELINE]);
    show_view(app, view);
    if (!app->layout.side_by_side)
        set_focus(app, FOCUS_TIMELINE);
}

static void go_back(struct app *app)
{
    if (app->history_count == 0) {
        session_message(&app->session, STYLE_INFO, "No view to go back to.");
        return;
    }
    show_view(app, &app->history[--app->history_count]);
    set_focus(app, FOCUS_TIMELINE);
}

/* The current author changed (switched, or created by the first post):
 * the view is shown again for them. */
void app_author_changed(struct app *app)
{
    const struct view *view = timeline_pane_view(app->panes[FOCUS_TIMELINE]);
    if (view->author_id != app->session.author.id) {
        struct view again = *view;
        show_view(app, &again);
    }
}

void app_refresh_all(struct app *app)
{
    app->session.stale = false;
    session_count_unread(&app->session);
    users_pane_refresh(app->panes[FOCUS_USERS]);
    timeline_pane_refresh(app->panes[FOCUS_TIMELINE]);
}

/* Home once the author follows anyone, else All. */
static struct view first_view(struct app *app)
{
    int64_t followers = 0, following = 0;
    int64_t author = app->session.author.id;
    if (author != 0 &&
        store_follow_counts(app->session.store, author, &followers, &following) == MB_OK &&
        following > 0)
        return view_home();
    return view_all();
}

/* ---- what the keys ask -------------------------------------------------- */

/* True when the session did what was asked; opens the password prompt
 * when it needs the author's password (the request is made again after). */
static bool done(struct app *app, enum session_outcome outcome)
{
    if (outcome == SESSION_ASK_PASSWORD)
        overlay_prompt_password(&app->overlay, app->session.author.waiting_for);
    return outcome == SESSION_DONE;
}

static void post_draft(struct app *app)
{
    struct pane *compose = app->panes[FOCUS_COMPOSE];
    struct pane *timeline = app->panes[FOCUS_TIMELINE];
    bool sealed = compose_pane_private(compose);
    if (!done(app, sealed ? session_post_private(&app->session, draft_of(app))
                          : session_post(&app->session, draft_of(app),
                                         compose_pane_reply_to(compose))))
        return;
    edit_buffer_clear(draft_of(app));
    compose_pane_set_reply(compose, 0, NULL);
    compose_pane_set_private(compose, false);
    app_author_changed(app);
    if (timeline_pane_view(timeline)->kind == VIEW_CONVERSATION)
        timeline_pane_refresh(timeline);   /* the reply goes at its end */
    else
        timeline_pane_show_newest(timeline);
    users_pane_refresh(app->panes[FOCUS_USERS]);
}

static void reply_to(struct app *app, const struct pane_post *post)
{
    if (post->id == 0) {
        session_message(&app->session, STYLE_ERROR, "No post to reply to.");
        return;
    }
    compose_pane_set_reply(app->panes[FOCUS_COMPOSE], post->id, post->author);
    set_focus(app, FOCUS_COMPOSE);
    session_message(&app->session, STYLE_INFO,
                    "Replying to %s: Enter posts, Esc keeps the draft.", post->author);
}

static void edit_externally(struct app *app)
{
    if (!session_editor_allowed(&app->session)) {
        session_message(&app->session, STYLE_WARNING,
                        "No editor here: write in the compose box (i).");
        return;
    }
    /* An editor writes the draft to a file (and its swap and backup
     * files): a private entry's text must never reach the disk. */
    if (compose_pane_private(app->panes[FOCUS_COMPOSE])) {
        session_message(&app->session, STYLE_WARNING,
                        "A private entry is written here, not in an editor (it would "
                        "reach the disk).");
        return;
    }
    struct edit_buffer *draft = draft_of(app);
    char *text = NULL;
    size_t length = 0;
    struct mb_error err;
    run_leave_terminal();
    enum mb_status status = editor_run(draft->text, draft->length, &text, &length, &err);
    run_return_terminal();
    if (status != MB_OK) {
        session_message(&app->session, STYLE_ERROR, "%s", err.message);
        return;
    }
    edit_buffer_set(draft, text, length);
    free(text);
    set_focus(app, FOCUS_COMPOSE);
    session_message(&app->session, STYLE_INFO,
                    "Draft from %s: Enter posts it, Esc keeps it for later.", editor_command());
}

void app_suspend(struct app *app)
{
    if (!session_editor_allowed(&app->session)) {
        session_message(&app->session, STYLE_WARNING, "No shell to suspend to here.");
        return;
    }
    run_leave_terminal();
    signals_suspend();
    run_return_terminal();
    app_relayout(app);   /* the terminal may have changed size meanwhile */
}

static void ask_delete(struct app *app, const struct pane_post *post)
{
    if (post->id == 0) {
        session_message(&app->session, STYLE_ERROR, "No post to delete.");
        return;
    }
    if (done(app, session_may_delete(&app->session, post->user_id, post->author)))
        overlay_ask(&app->overlay, QUESTION_DELETE, post->id);
}


/* A key bound to nothing where one is: says so, and where the help is. */
static void unknown_key(struct app *app, const struct key_event *event)
{
    char name[32];
    keys_describe(event, name, sizeof name);
    session_message(&app->session, STYLE_INFO, "%s does nothing here: %s for help.", name,
                    app->focus == FOCUS_COMPOSE ? "F1" : "?");
}

static void global_action(struct app *app, const struct key_event *event)
{
    enum key_action action = event->action;
    switch (action) {
    case ACTION_NEXT_PANE:
        cycle_focus(app, 1);
        break;
    case ACTION_PREVIOUS_PANE:
        cycle_focus(app, -1);
        break;
    case ACTION_COMPOSE:
        set_focus(app, FOCUS_COMPOSE);
        break;
    case ACTION_EDITOR:
        edit_externally(app);
        break;
    case ACTION_SWITCH_AUTHOR:
        if (session_may_switch_author(&app->session))
            overlay_prompt_username(&app->overlay);
        break;
    case ACTION_RELOAD:
        app_refresh_all(app);
        session_message(&app->session, STYLE_INFO, "Reloaded.");
        break;
    case ACTION_REPAINT:
        draw_invalidate();
        break;
    case ACTION_HOME: {
        struct view home = view_home();
        app_open_view(app, &home);
        break;
    }
    case ACTION_ALL: {
        struct view all = view_all();
        app_open_view(app, &all);
        break;
    }
    case ACTION_MENTIONS: {
        struct view mentions = view_mentions();
        app_open_view(app, &mentions);
        break;
    }
    case ACTION_BACK:
        go_back(app);
        break;
    case ACTION_HELP:
        overlay_open_help(&app->overlay);
        break;
    case ACTION_SUSPEND:
        app_suspend(app);
        break;
    case ACTION_PRIVATE:
    case ACTION_UNLOCK:
        app_private_start(app, action == ACTION_PRIVATE);
        break;
    case ACTION_QUIT:
        if (draft_of(app)->length > 0)
            overlay_ask(&app->overlay, QUESTION_QUIT, 0);
        else
            app->quit = true;
        break;
    default:
        unknown_key(app, event);
        break;
    }
}

/* Carries out what a pane's key asked for. */
static void carry_out(struct app *app, const struct pane_action *action,
                      const struct key_event *event)
{
    switch (action->kind) {
    case PANE_IGNORED:
        global_action(app, event);
        break;
    case PANE_HANDLED:
    case PANE_REDRAW:
        break;
    case PANE_OPEN_VIEW:
        app_open_view(app, &action->view);
        break;
    case PANE_POST_DRAFT:
        post_draft(app);
        break;
    case PANE_LEAVE_COMPOSE:
        set_focus(app, app->list_focus);
        break;
    case PANE_EDIT_EXTERNALLY:
        edit_externally(app);
        break;
    case PANE_DELETE_POST:
        ask_delete(app, &action->post);
        break;
    case PANE_REPLY:
        reply_to(app, &action->post);
        break;
    case PANE_FIND:
        app_find_start(app);
        break;
    case PANE_SEARCH: {
        const struct view *shown = timeline_pane_view(app->panes[FOCUS_TIMELINE]);
        overlay_prompt(&app->overlay, PROMPT_SEARCH,
                       shown->kind == VIEW_SEARCH ? shown->words : NULL, NULL);
        break;
    }
    case PANE_GO_TO_DATE:
        overlay_prompt(&app->overlay, PROMPT_DATE, NULL, NULL);
        break;
    case PANE_TAG:
        app_tag_start(app, &action->post);
        break;
    }
}

/* A pasted key: text for the draft (or for the open prompt). CR and LF
 * become new lines, Tab a space; other control characters and function
 * keys are dropped. */
static void paste_key(struct app *app, const struct key_event *event)
{
    if (event->function)
        return;
    unsigned long c = (unsigned long)event->code;
    if (c == '\t')
        c = ' ';
    if (app->overlay.mode == OVERLAY_PROMPT) {
        overlay_paste(&app->overlay, c);
        app_overlay_answered(app, OVERLAY_EDITED);
        return;
    }
    struct edit_buffer *draft = draft_of(app);
    if (c == '\r' || c == '\n')
        edit_buffer_insert_codepoint(draft, '\n');
    else if (c >= 0x20 && c != 0x7f)
        edit_buffer_insert_codepoint(draft, c);
}

/* A paste starts: into the open prompt, else into the compose box (a
 * pending y/n question is answered no: pasted text never answers it). */
static void begin_paste(struct app *app)
{
    struct overlay *overlay = &app->overlay;
    app->pasting = true;
    if (overlay->mode == OVERLAY_PROMPT)
        return;
    if (overlay->mode == OVERLAY_CONFIRM)
        session_message(&app->session, STYLE_INFO, "%s; the paste went into the draft.",
                        overlay->question == QUESTION_QUIT     ? "Not quitting"
                        : overlay->question == QUESTION_DELETE ? "Not deleted"
                                                               : "Not created");
    overlay->mode = OVERLAY_NONE;
    if (app->focus != FOCUS_COMPOSE)
        set_focus(app, FOCUS_COMPOSE);
}

void app_handle_key(struct app *app, struct key_event *event)
{
    if (event->function && event->code == KEY_RESIZE) {
        app_relayout(app);
        return;
    }
    if (event->function && event->code == KEY_PASTE_BEGIN) {
        begin_paste(app);
        return;
    }
    if (event->function && event->code == KEY_PASTE_END) {
        app->pasting = false;
        return;
    }
    if (app->pasting) {
        paste_key(app, event);
        return;
    }
    session_clear_message(&app->session);
    if (app->overlay.mode != OVERLAY_NONE) {
        app_overlay_answered(app, overlay_key(&app->overlay, event, app->layout.screen_rows));
        return;
    }
    if (app->layout.too_small && app->focus != FOCUS_COMPOSE) {
        /* Only quitting and the compose keys make sense on a tiny screen. */
        event->action = keys_lookup(KEY_SCOPE_GLOBAL, event);
        if (event->action == ACTION_QUIT)
            global_action(app, event);
        return;
    }
    struct pane *pane = app->panes[app->focus];
    event->action = keys_lookup(pane->ops->key_scopes, event);
    struct pane_action action = pane->ops->key(pane, event);
    carry_out(app, &action, event);
}

/* ---- life ---------------------------------------------------------------- */

bool app_poll_changes(struct app *app)
{
    bool redraw = session_poll(&app->session);
    if (app->session.stale)
        app_refresh_all(app);
    return redraw;
}

void app_init(struct app *app, struct store *store, const struct config *config)
{
    memset(app, 0, sizeof *app);
    session_init(&app->session, store, config);
    overlay_init(&app->overlay);
    struct view first = first_view(app);
    view_bind(&first, app->session.author.id);
    app->panes[FOCUS_USERS] = users_pane_new(&app->session);
    app->panes[FOCUS_TIMELINE] = timeline_pane_new(&app->session, &first);
    app->panes[FOCUS_COMPOSE] = compose_pane_new(&app->session);
    users_pane_mark(app->panes[FOCUS_USERS], &first);
    app->focus = app->list_focus = FOCUS_TIMELINE;
}

void app_free(struct app *app)
{
    for (int i = 0; i < FOCUS_COUNT; i++)
        pane_free(app->panes[i]);
    overlay_free(&app->overlay);
    session_free(&app->session);
    free(app->find_from);
}
