/* The app: sets up the terminal, owns the three panes, the session
 * (tui/session.c: the author, the status line, the connection) and the
 * overlays (tui/overlay.c: help, y/n questions, prompts), and runs the loop
 * that reads keys with a timeout of refresh_ms so that changes committed by
 * other processes (store_data_version, or the server's NOTIFY descriptor)
 * show up without a key press, and a database file deleted or replaced
 * under it is noticed and said in the status line until it is back. Panes
 * return actions for their keys; this file carries them out (tig's
 * view_ops, htop's Panel handlers). Every frame is drawn in full into
 * curses' virtual screen and only the differences reach the terminal. In
 * restricted mode no key runs a program. */
#include "tui/tui.h"

#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

enum focus { FOCUS_USERS, FOCUS_TIMELINE, FOCUS_COMPOSE, FOCUS_COUNT };

struct app {
    struct session session;
    struct overlay overlay;
    struct pane *panes[FOCUS_COUNT];
    enum focus focus;
    enum focus list_focus;       /* the list pane to return to from compose */
    struct layout layout;
    bool quit;
    bool pasting;                /* between the bracketed-paste markers */
};

/* Bracketed paste (xterm mode 2004): the terminal wraps pasted text in
 * these markers, which curses turns into these key codes; everything in
 * between is text for the draft, never commands (a pasted newline must not
 * post, nor a pasted "dy" delete). */
enum { KEY_PASTE_BEGIN = KEY_MAX + 1, KEY_PASTE_END = KEY_MAX + 2 };

static void write_terminal(const char *sequence)
{
    size_t length = strlen(sequence);
    while (length > 0) {
        ssize_t n = write(STDOUT_FILENO, sequence, length);
        if (n <= 0)
            return;   /* EINTR included: a signal is ending the program */
        sequence += n;
        length -= (size_t)n;
    }
}

static void bracketed_paste(bool on)
{
    write_terminal(on ? "\033[?2004h" : "\033[?2004l");
}

static struct edit_buffer *draft_of(struct app *app)
{
    return compose_pane_draft(app->panes[FOCUS_COMPOSE]);
}

/* ---- focus and views ------------------------------------------------------ */

static void relayout(struct app *app)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    bool users_shown = app->focus == FOCUS_USERS ||
                       (app->focus == FOCUS_COMPOSE && app->list_focus == FOCUS_USERS);
    layout_compute(rows, cols, users_shown, &app->layout);
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
        relayout(app);
}

static void cycle_focus(struct app *app, int direction)
{
    set_focus(app, (enum focus)((app->focus + FOCUS_COUNT + direction) % FOCUS_COUNT));
}

static void open_view(struct app *app, const struct view *view)
{
    timeline_pane_show(app->panes[FOCUS_TIMELINE], view);
    users_pane_mark(app->panes[FOCUS_USERS], view);
    if (!app->layout.side_by_side)
        set_focus(app, FOCUS_TIMELINE);
}

static void refresh_all(struct app *app)
{
    app->session.stale = false;
    users_pane_refresh(app->panes[FOCUS_USERS]);
    timeline_pane_refresh(app->panes[FOCUS_TIMELINE]);
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
    if (!done(app, session_post(&app->session, draft_of(app))))
        return;
    edit_buffer_clear(draft_of(app));
    timeline_pane_show_newest(app->panes[FOCUS_TIMELINE]);
    users_pane_refresh(app->panes[FOCUS_USERS]);
}

static void edit_externally(struct app *app)
{
    if (!session_editor_allowed(&app->session)) {
        session_message(&app->session, STYLE_WARNING,
                        "No editor here: write in the compose box (i).");
        return;
    }
    struct edit_buffer *draft = draft_of(app);
    char *text = NULL;
    size_t length = 0;
    struct mb_error err;
    def_prog_mode();
    endwin();
    bracketed_paste(false);
    enum mb_status status = editor_run(draft->text, draft->length, &text, &length, &err);
    reset_prog_mode();
    bracketed_paste(true);
    draw_invalidate();
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

static void ask_delete(struct app *app, const struct pane_post *post)
{
    if (post->id == 0) {
        session_message(&app->session, STYLE_ERROR, "No post to delete.");
        return;
    }
    if (done(app, session_may_delete(&app->session, post->user_id, post->author)))
        overlay_ask(&app->overlay, QUESTION_DELETE, post->id);
}

static void draw_frame(struct app *app);

/* Enter in a prompt: the name to switch to, then (when the store says the
 * user has a password) the password. */
static void accept_prompt(struct app *app)
{
    struct overlay *overlay = &app->overlay;
    bool asking_name = overlay->prompt == PROMPT_USERNAME;
    if (asking_name && edit_buffer_blank(&overlay->text)) {
        overlay_close(overlay);
        session_message(&app->session, STYLE_INFO, "Still posting as %s.",
                        app->session.author.name);
        return;
    }
    if (!asking_name) {
        session_message(&app->session, STYLE_INFO, "Checking the password...");
        draw_frame(app);
    }
    char *name = xstrdup(asking_name ? overlay->text.text : overlay->user_name);
    char *password = asking_name ? NULL : xstrdup(overlay->text.text);
    overlay_close(overlay);
    char *asking = NULL;
    if (session_switch_author(&app->session, name, password, &asking) == SESSION_ASK_PASSWORD)
        overlay_prompt_password(overlay, asking);
    if (password != NULL) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    free(asking);
    free(name);
}

static void overlay_answered(struct app *app, enum overlay_answer answer)
{
    struct overlay *overlay = &app->overlay;
    switch (answer) {
    case OVERLAY_OPEN:
    case OVERLAY_CLOSED:
        break;
    case OVERLAY_YES:
        if (overlay->question == QUESTION_QUIT)
            app->quit = true;
        else if (session_delete(&app->session, overlay->post_id))
            refresh_all(app);
        break;
    case OVERLAY_NO:
        session_message(&app->session, STYLE_INFO,
                        overlay->question == QUESTION_QUIT ? "Not quitting; the draft is kept."
                                                           : "Not deleted.");
        break;
    case OVERLAY_ACCEPTED:
        accept_prompt(app);
        break;
    case OVERLAY_CANCELLED:
        overlay_close(overlay);
        session_message(&app->session, STYLE_INFO, "Still posting as %s.",
                        app->session.author.name);
        break;
    }
}

static void global_action(struct app *app, enum key_action action)
{
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
        refresh_all(app);
        session_message(&app->session, STYLE_INFO, "Reloaded.");
        break;
    case ACTION_REPAINT:
        draw_invalidate();
        break;
    case ACTION_HELP:
        overlay_open_help(&app->overlay);
        break;
    case ACTION_QUIT:
        if (draft_of(app)->length > 0)
            overlay_ask(&app->overlay, QUESTION_QUIT, 0);
        else
            app->quit = true;
        break;
    default:
        break;
    }
}

/* Carries out what a pane's key asked for. */
static void carry_out(struct app *app, const struct pane_action *action,
                      enum key_action key_action)
{
    switch (action->kind) {
    case PANE_IGNORED:
        global_action(app, key_action);
        break;
    case PANE_HANDLED:
    case PANE_REDRAW:
        break;
    case PANE_OPEN_VIEW:
        open_view(app, &action->view);
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
        session_message(&app->session, STYLE_INFO,
                        overlay->question == QUESTION_QUIT
                            ? "Not quitting; the paste went into the draft."
                            : "Not deleted; the paste went into the draft.");
    overlay->mode = OVERLAY_NONE;
    if (app->focus != FOCUS_COMPOSE)
        set_focus(app, FOCUS_COMPOSE);
}

static void handle_key(struct app *app, struct key_event *event)
{
    if (event->function && event->code == KEY_RESIZE) {
        relayout(app);
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
    if (app->overlay.mode != OVERLAY_NONE) {
        overlay_answered(app, overlay_key(&app->overlay, event, app->layout.screen_rows));
        return;
    }
    if (app->layout.too_small && app->focus != FOCUS_COMPOSE) {
        /* Only quitting and the compose keys make sense on a tiny screen. */
        event->action = keys_lookup(KEY_SCOPE_GLOBAL, event);
        if (event->action == ACTION_QUIT)
            global_action(app, ACTION_QUIT);
        return;
    }
    struct pane *pane = app->panes[app->focus];
    event->action = keys_lookup(pane->ops->key_scopes, event);
    struct pane_action action = pane->ops->key(pane, event);
    carry_out(app, &action, event->action);
}

/* ---- drawing ---------------------------------------------------------------- */

static void pane_draw_if(struct app *app, enum focus which, bool visible)
{
    if (!visible)
        return;
    struct pane *pane = app->panes[which];
    pane->ops->draw(pane, app->focus == which && app->overlay.mode == OVERLAY_NONE);
}

static void draw_frame(struct app *app)
{
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
            session_draw_status(&app->session, l->status);
    }
    if (app->overlay.mode == OVERLAY_HELP)
        overlay_draw_help(&app->overlay, l->screen_rows, l->screen_cols,
                          session_editor_allowed(&app->session));
    draw_end();
}

/* ---- the loop ------------------------------------------------------------------ */

/* Looks for changes (session_poll) and reads the views again when other
 * sessions wrote. True when the screen must be drawn again. */
static bool poll_changes(struct app *app)
{
    bool redraw = session_poll(&app->session);
    if (app->session.stale)
        refresh_all(app);
    return redraw;
}

/* Waits up to timeout_ms for a key or for another session's commit on
 * *change_fd. True when the commit came first (the views are refreshed);
 * false to read keys (there are some, or the time is up). */
static bool wait_for_key_or_change(struct app *app, int *change_fd, int timeout_ms)
{
    struct pollfd fds[2] = {
        { .fd = STDIN_FILENO, .events = POLLIN },
        { .fd = *change_fd, .events = POLLIN },
    };
    if (poll(fds, 2, timeout_ms) <= 0 || fds[1].revents == 0 || fds[0].revents != 0)
        return false;
    store_change_drain(app->session.store);
    poll_changes(app);
    /* A lost connection has none (the refresh tick polls, and asks again);
     * one that came back has a new descriptor. */
    *change_fd = store_change_fd(app->session.store);
    /* Without one, read keys with a timeout again: at most a second, so
     * that the connection is looked for soon, not at the refresh tick. */
    if (*change_fd < 0)
        wtimeout(stdscr, timeout_ms < SESSION_RECONNECT_MS ? timeout_ms : SESSION_RECONNECT_MS);
    return true;
}

static void restore_terminal(void)
{
    if (!isendwin())
        endwin();
    bracketed_paste(false);
}

static void app_init(struct app *app, struct store *store, const struct config *config)
{
    memset(app, 0, sizeof *app);
    session_init(&app->session, store, config);
    overlay_init(&app->overlay);
    struct view all = view_all();
    app->panes[FOCUS_USERS] = users_pane_new(&app->session);
    app->panes[FOCUS_TIMELINE] = timeline_pane_new(&app->session, &all);
    app->panes[FOCUS_COMPOSE] = compose_pane_new(&app->session);
    users_pane_mark(app->panes[FOCUS_USERS], &all);
    app->focus = app->list_focus = FOCUS_TIMELINE;
}

static void app_free(struct app *app)
{
    for (int i = 0; i < FOCUS_COUNT; i++)
        pane_free(app->panes[i]);
    overlay_free(&app->overlay);
    session_free(&app->session);
}

int tui_run(struct store *store, const struct config *config)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "microblog-tui: the TUI needs a terminal (see --help for commands)\n");
        return 1;
    }
    setlocale(LC_ALL, "");
    tzset();
    signals_install();   /* before newterm, so that curses keeps its hands off */
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) {
        signals_restore();
        const char *term = getenv("TERM");
        /* $TERM is whatever the environment says: no escapes reach the terminal. */
        char *shown = text_sanitize(term != NULL ? term : "", term != NULL ? strlen(term) : 0, 0);
        fprintf(stderr, "microblog-tui: cannot use the terminal type \"%s\"\n", shown);
        free(shown);
        return 1;
    }
    set_term(screen);
    xalloc_set_fail_hook(restore_terminal);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    idlok(stdscr, TRUE);
    set_escdelay(25);
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);
    bracketed_paste(true);
    draw_init(config);

    int refresh_ms = config->refresh_ms > 0 ? config->refresh_ms : 500;
    if (refresh_ms < 20)
        refresh_ms = 20;
    wtimeout(stdscr, refresh_ms);

    struct app app;
    app_init(&app, store, config);
    relayout(&app);
    poll_changes(&app);
    /* A server tells of other sessions' commits on a descriptor (LISTEN/
     * NOTIFY): wait on it beside the keyboard and wake at once, instead of
     * waiting for the next refresh tick. Keys are then read without
     * blocking, after poll() said there are some. */
    int change_fd = store_change_fd(app.session.store);
    if (change_fd >= 0)
        wtimeout(stdscr, 0);
    bool dirty = true, key_just_read = false;
    int exit_status = 0;
    while (!app.quit) {
        if (dirty)
            draw_frame(&app);
        dirty = false;
        /* poll() cannot see bytes ncurses already holds (the rest of an
         * escape sequence): after a key, read again before waiting. */
        if (change_fd >= 0 && !key_just_read &&
            wait_for_key_or_change(&app, &change_fd, refresh_ms)) {
            dirty = true;
            continue;
        }
        wint_t wch = 0;
        int rc = wget_wch(stdscr, &wch);
        key_just_read = rc != ERR;
        if (signals_pending() != 0)
            break;
        if (rc != ERR) {
            struct key_event event = { .function = rc == KEY_CODE_YES, .code = (int)wch };
            handle_key(&app, &event);
            dirty = true;
            if (signals_pending() != 0)
                break;
        }
        if (rc == ERR || session_elapsed_ms(&app.session.last_poll) >= refresh_ms) {
            dirty |= poll_changes(&app);
            if (change_fd < 0 && (change_fd = store_change_fd(app.session.store)) >= 0)
                wtimeout(stdscr, 0);
        }
    }
    if (signals_pending() != 0)
        exit_status = 128 + signals_pending();
    endwin();
    bracketed_paste(false);
    delscreen(screen);
    xalloc_set_fail_hook(NULL);
    signals_restore();
    app_free(&app);
    return exit_status;
}
