/* The app: sets up the terminal, owns the three panes, the status line and
 * the modal overlays (help, y/n questions, prompts), and runs the loop
 * that reads keys with a timeout of refresh_ms so that changes committed by
 * other processes (PRAGMA data_version through store_data_version) show up
 * without a key press, and a database file deleted or replaced under it is
 * noticed (store_file_check) and said in the status line until it is back.
 * Every frame is drawn in full into curses' virtual screen and only the
 * differences reach the terminal. Who may do what is the store's to say
 * (store_author_resolve, store_authorize); in restricted mode no key runs
 * a program. */
#include "tui/tui.h"

#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/author.h"
#include "tui/draw.h"
#include "tui/edit_buffer.h"
#include "tui/editor.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/pane.h"
#include "tui/signals.h"

enum focus { FOCUS_USERS, FOCUS_TIMELINE, FOCUS_COMPOSE, FOCUS_COUNT };

enum app_mode { MODE_NORMAL, MODE_HELP, MODE_CONFIRM, MODE_PROMPT };

enum confirm_kind { CONFIRM_DELETE, CONFIRM_QUIT };

enum prompt_kind { PROMPT_USERNAME, PROMPT_PASSWORD };

struct app {
    struct store *store;
    const struct config *config;
    struct pane *panes[FOCUS_COUNT];
    enum focus focus;
    enum focus list_focus;       /* the list pane to return to from compose */
    struct layout layout;
    enum app_mode mode;
    struct author author;
    bool personal;               /* store_mode() is STORE_MODE_PERSONAL */
    int64_t filter_id;
    char message[512];
    enum draw_style message_style;
    /* Why the file at the database's path is not the one open (empty
     * while it is): shown instead of any other message until it is back. */
    char file_lost[512];
    enum confirm_kind confirm;
    int64_t confirm_post_id;
    enum prompt_kind prompt;
    struct edit_buffer prompt_text;
    char *prompt_user_name;
    size_t help_top;
    uint64_t data_version;
    bool have_data_version;
    struct timespec last_poll;
    /* The database server could not be reached at the last try (a server
     * store only): said once on the status line; a reconnection is tried
     * at most every RECONNECT_MS, so that a server that answers slowly
     * or not at all costs the keyboard one try per interval, not one per
     * tick; a successful one says so and refreshes every view. */
    bool connection_lost;
    struct timespec last_reconnect;
    bool quit;
    bool pasting;                /* between the bracketed-paste markers */
    char *database_label;
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

void pane_free(struct pane *pane)
{
    if (pane != NULL)
        pane->ops->free(pane);
}

/* ---- what panes may ask ------------------------------------------------- */

struct store *app_store(struct app *app)
{
    return app->store;
}

void app_message(struct app *app, enum draw_style style, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(app->message, sizeof app->message, format, args);
    va_end(args);
    app->message_style = style;
}

/* True while the file at the store's path is the one that was opened;
 * otherwise remembers the store's explanation for the status line. Asked
 * when looking for changes and before every write (which the store refuses
 * anyway): nothing is ever reported as written into a file nobody reads. */
static bool file_still_there(struct app *app)
{
    if (store_file_check(app->store) == MB_OK) {
        app->file_lost[0] = '\0';
        return true;
    }
    snprintf(app->file_lost, sizeof app->file_lost, "%s", store_error(app->store));
    return false;
}

enum { RECONNECT_MS = 1000 };
#define CONNECTION_LOST_MESSAGE "lost the connection to the database server; retrying."

static bool poll_changes(struct app *app);

/* True when status, just returned by the store, means that the database
 * server cannot be reached (MB_IO on a server store; on a file it is a
 * disk error, said as it is). Remembers it for poll_changes. */
static bool connection_failed(struct app *app, enum mb_status status)
{
    const char *path = store_path(app->store);
    if (status != MB_IO || path == NULL || strstr(path, "://") == NULL)
        return false;
    if (!app->connection_lost)
        clock_gettime(CLOCK_MONOTONIC, &app->last_reconnect);
    app->connection_lost = true;
    return true;
}

void app_store_error(struct app *app, const char *what, enum mb_status status)
{
    const char *detail = store_error(app->store);
    if (detail == NULL || detail[0] == '\0')
        detail = mb_status_message(status);
    app_message(app, STYLE_ERROR, "%s: %s", what, detail);
    if (status == MB_REPLACED)
        file_still_there(app);
}

int64_t app_author_id(const struct app *app)
{
    return app->author.id;
}

const char *app_author_name(const struct app *app)
{
    return app->author.name;
}

int64_t app_filter(const struct app *app)
{
    return app->filter_id;
}

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

void app_cycle_focus(struct app *app, int direction)
{
    set_focus(app, (enum focus)((app->focus + FOCUS_COUNT + direction) % FOCUS_COUNT));
}

void app_leave_compose(struct app *app)
{
    set_focus(app, app->list_focus);
}

void app_set_filter(struct app *app, int64_t user_id, const char *name)
{
    app->filter_id = user_id;
    timeline_pane_set_filter(app->panes[FOCUS_TIMELINE], user_id, name);
    if (!app->layout.side_by_side)
        set_focus(app, FOCUS_TIMELINE);
}

static void refresh_all(struct app *app)
{
    users_pane_refresh(app->panes[FOCUS_USERS]);
    timeline_pane_refresh(app->panes[FOCUS_TIMELINE]);
}

static void start_password_prompt(struct app *app, const char *name);

/* True when a post or a delete may go out as the current author now, as
 * the store says (author_ensure, store_author_resolve). Otherwise says
 * why; a user with a password opens that password's prompt (the draft is
 * kept, and Enter posts it once the password was right). */
static bool author_ready(struct app *app)
{
    struct author *author = &app->author;
    enum mb_status status = MB_PASSWORD;
    if (author->locked && author->waiting_for == NULL) {
        app_message(app, STYLE_ERROR, "Nobody to post as: press u to choose an author.");
        return false;
    }
    if (!author->locked)
        status = author_ensure(author, app->store);
    if (status == MB_OK)
        return true;
    if (status == MB_PASSWORD) {
        start_password_prompt(app, author->waiting_for);
        app_message(app, STYLE_WARNING, "%s has a password: type it, or Esc.",
                    author->waiting_for);
    } else if (status == MB_NOT_FOUND) {
        app_message(app, STYLE_ERROR, "Your author no longer exists; press u.");
    } else if (connection_failed(app, status)) {
        app_message(app, STYLE_ERROR, "Not posted, draft kept: " CONNECTION_LOST_MESSAGE);
    } else {
        app_store_error(app, "No author to post as", status);
    }
    return false;
}

void app_post_draft(struct app *app)
{
    struct edit_buffer *draft = compose_pane_draft(app->panes[FOCUS_COMPOSE]);
    if (edit_buffer_blank(draft)) {
        app_message(app, STYLE_ERROR, "Not posted: the draft is empty.");
        return;
    }
    size_t length = edit_buffer_codepoints(draft);
    if (length > STORE_BODY_MAX) {
        app_message(app, STYLE_ERROR,
                    "Not posted: too long (%zu/%d characters); the draft is kept.", length,
                    STORE_BODY_MAX);
        return;
    }
    struct mb_error err;
    if (store_validate_body(draft->text, &err) != MB_OK) {
        app_message(app, STYLE_ERROR, "Not posted: %s; the draft is kept.", err.message);
        return;
    }
    if (!file_still_there(app)) {
        app_message(app, STYLE_ERROR, "Not posted (the draft is kept): %s", app->file_lost);
        return;
    }
    if (app->connection_lost) {
        /* Try at once rather than at the next interval: Enter is a request. */
        app->last_reconnect.tv_sec -= RECONNECT_MS / 1000 + 1;
        poll_changes(app);
        if (app->connection_lost) {
            app_message(app, STYLE_ERROR, "Not posted, draft kept: " CONNECTION_LOST_MESSAGE);
            return;
        }
    }
    if (!author_ready(app))
        return;
    int64_t id = 0;
    enum mb_status status = store_post_add(app->store, app->author.id, draft->text, 0, &id);
    if (connection_failed(app, status)) {
        app_message(app, STYLE_ERROR, "Not posted, draft kept: " CONNECTION_LOST_MESSAGE);
        return;
    }
    if (status == MB_NOT_FOUND) {   /* deleted by another process meanwhile */
        author_ready(app);
        return;
    }
    if (status != MB_OK) {
        app_store_error(app, "Not posted (the draft is kept)", status);
        return;
    }
    edit_buffer_clear(draft);
    app_message(app, STYLE_INFO, "Posted as %s.", app->author.name);
    timeline_pane_show_newest(app->panes[FOCUS_TIMELINE]);
    users_pane_refresh(app->panes[FOCUS_USERS]);
}

/* An SSH forced command runs no program the person could get a shell
 * from: the compose box only. */
bool app_editor_allowed(const struct app *app)
{
    return store_mode(app->store) != STORE_MODE_RESTRICTED;
}

void app_edit_externally(struct app *app)
{
    if (!app_editor_allowed(app)) {
        app_message(app, STYLE_WARNING, "No editor here: write in the compose box (i).");
        return;
    }
    struct edit_buffer *draft = compose_pane_draft(app->panes[FOCUS_COMPOSE]);
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
        app_message(app, STYLE_ERROR, "%s", err.message);
        return;
    }
    edit_buffer_set(draft, text, length);
    free(text);
    set_focus(app, FOCUS_COMPOSE);
    app_message(app, STYLE_INFO, "Draft from %s: Enter posts it, Esc keeps it for later.",
                editor_command());
}

/* ---- modes ---------------------------------------------------------------- */

static void ask(struct app *app, enum confirm_kind kind)
{
    app->mode = MODE_CONFIRM;
    app->confirm = kind;
}

static void start_prompt(struct app *app, enum prompt_kind kind)
{
    app->mode = MODE_PROMPT;
    app->prompt = kind;
    edit_buffer_clear(&app->prompt_text);
}

static void end_prompt(struct app *app)
{
    app->mode = MODE_NORMAL;
    edit_buffer_clear(&app->prompt_text);
    free(app->prompt_user_name);
    app->prompt_user_name = NULL;
}

static void start_password_prompt(struct app *app, const char *name)
{
    char *copy = xstrdup(name);
    start_prompt(app, PROMPT_PASSWORD);
    free(app->prompt_user_name);
    app->prompt_user_name = copy;
    crypto_disable_core_dumps();
}

/* u: in personal mode asks whom to post as; in the shared modes the
 * system says who you are, and nothing changes. */
static void switch_author(struct app *app)
{
    if (app->personal) {
        start_prompt(app, PROMPT_USERNAME);
        return;
    }
    const char *person = store_person(app->store);
    app_message(app, STYLE_WARNING, "You are %s here; the system says who you are.",
                person != NULL ? person : app->author.name);
}

/* Whether the selected post may be deleted now. The shared modes ask the
 * store (your own posts; an admin anyone's). In personal mode the store
 * allows everything; the TUI still deletes only the current author's
 * posts, after their password, to keep honest people apart on a shared
 * file. */
static bool may_delete(struct app *app, int64_t user_id, const char *author)
{
    if (!app->personal) {
        enum mb_status status = store_authorize(app->store, STORE_ACTION_POST_DELETE, user_id);
        if (status != MB_OK) {
            app_store_error(app, "Not deleted", status);
            return false;
        }
        return true;
    }
    if (app->author.id == 0 || user_id != app->author.id) {
        app_message(app, STYLE_ERROR, "You can only delete your own posts; this one is by %s.",
                    author);
        return false;
    }
    return author_ready(app);
}

static void delete_selected(struct app *app)
{
    int64_t post_id, user_id;
    const char *author;
    if (!timeline_pane_selected(app->panes[FOCUS_TIMELINE], &post_id, &user_id, &author)) {
        app_message(app, STYLE_ERROR, "No post to delete.");
        return;
    }
    if (!file_still_there(app)) {
        app_message(app, STYLE_ERROR, "Not deleted: %s", app->file_lost);
        return;
    }
    if (!may_delete(app, user_id, author))
        return;
    app->confirm_post_id = post_id;
    ask(app, CONFIRM_DELETE);
}

static void confirm_key(struct app *app, const struct key_event *event)
{
    bool yes = !event->function && (event->code == 'y' || event->code == 'Y');
    app->mode = MODE_NORMAL;
    if (app->confirm == CONFIRM_QUIT) {
        if (yes)
            app->quit = true;
        else
            app_message(app, STYLE_INFO, "Not quitting; the draft is kept.");
        return;
    }
    if (!yes) {
        app_message(app, STYLE_INFO, "Not deleted.");
        return;
    }
    enum mb_status status = store_post_delete(app->store, app->confirm_post_id);
    if (status != MB_OK) {
        app_store_error(app, "Not deleted", status);
        return;
    }
    app_message(app, STYLE_INFO, "Post deleted.");
    refresh_all(app);
}

static void draw_frame(struct app *app);

/* Enter in a prompt: the name to switch to, then (when the store says the
 * user has a password) the password. */
static void accept_prompt(struct app *app)
{
    const char *text = app->prompt_text.text;
    bool asking_name = app->prompt == PROMPT_USERNAME;
    if (asking_name && edit_buffer_blank(&app->prompt_text)) {
        end_prompt(app);
        app_message(app, STYLE_INFO, "Still posting as %s.", app->author.name);
        return;
    }
    if (!asking_name) {
        app_message(app, STYLE_INFO, "Checking the password...");
        draw_frame(app);
    }
    char *name = xstrdup(asking_name ? text : app->prompt_user_name);
    char *asking = NULL;
    enum mb_status status = author_switch(&app->author, app->store, name,
                                          asking_name ? NULL : text, &asking);
    end_prompt(app);
    if (status == MB_OK) {
        app_message(app, STYLE_INFO, "Now posting as %s.", app->author.name);
    } else if (status == MB_PASSWORD && asking != NULL && asking_name) {
        start_password_prompt(app, asking);
    } else if (status == MB_NOT_FOUND) {
        char *shown = text_sanitize(name, strlen(name), 0);
        app_message(app, STYLE_ERROR, "No user named %s; still posting as %s.", shown,
                    app->author.name);
        free(shown);
    } else if (status == MB_AUTH) {
        app_message(app, STYLE_ERROR, "Wrong password for %s; still posting as %s.", name,
                    app->author.name);
    } else {
        app_store_error(app, asking_name ? "Cannot switch author" : "Cannot check the password",
                        status);
    }
    free(asking);
    free(name);
}

static void prompt_key(struct app *app, struct key_event *event)
{
    struct edit_buffer *b = &app->prompt_text;
    event->action = keys_lookup(KEY_SCOPE_COMPOSE, event);
    switch (event->action) {
    case ACTION_POST:
        accept_prompt(app);
        break;
    case ACTION_LEAVE:
        end_prompt(app);
        app_message(app, STYLE_INFO, "Still posting as %s.", app->author.name);
        break;
    case ACTION_LEFT:
        edit_buffer_left(b);
        break;
    case ACTION_RIGHT:
        edit_buffer_right(b);
        break;
    case ACTION_LINE_START:
        edit_buffer_line_start(b);
        break;
    case ACTION_LINE_END:
        edit_buffer_line_end(b);
        break;
    case ACTION_BACKSPACE:
        edit_buffer_backspace(b);
        break;
    case ACTION_DELETE_CHAR:
        edit_buffer_delete(b);
        break;
    case ACTION_KILL_TO_END:
        edit_buffer_kill_to_end(b);
        break;
    case ACTION_KILL_TO_START:
        edit_buffer_kill_to_start(b);
        break;
    case ACTION_KILL_WORD:
        edit_buffer_kill_word(b);
        break;
    case ACTION_NONE:
        if (!event->function && event->code >= 0x20 && event->code != '\n')
            edit_buffer_insert_codepoint(b, (unsigned long)event->code);
        break;
    default:
        break;
    }
}

static void help_key(struct app *app, struct key_event *event)
{
    event->action = keys_lookup(KEY_SCOPE_LIST, event);
    int page = app->layout.screen_rows > 4 ? app->layout.screen_rows - 4 : 1;
    switch (event->action) {
    case ACTION_DOWN:
        app->help_top++;
        break;
    case ACTION_UP:
        if (app->help_top > 0)
            app->help_top--;
        break;
    case ACTION_PAGE_DOWN:
        app->help_top += (size_t)page;
        break;
    case ACTION_PAGE_UP:
        app->help_top = app->help_top > (size_t)page ? app->help_top - (size_t)page : 0;
        break;
    case ACTION_FIRST:
        app->help_top = 0;
        break;
    case ACTION_LAST:
        app->help_top = SIZE_MAX / 2;   /* clamped when drawn */
        break;
    default:
        app->mode = MODE_NORMAL;
        break;
    }
}

static void global_action(struct app *app, enum key_action action)
{
    switch (action) {
    case ACTION_NEXT_PANE:
        app_cycle_focus(app, 1);
        break;
    case ACTION_PREVIOUS_PANE:
        app_cycle_focus(app, -1);
        break;
    case ACTION_COMPOSE:
        set_focus(app, FOCUS_COMPOSE);
        break;
    case ACTION_EDITOR:
        app_edit_externally(app);
        break;
    case ACTION_SWITCH_AUTHOR:
        switch_author(app);
        break;
    case ACTION_RELOAD:
        refresh_all(app);
        app_message(app, STYLE_INFO, "Reloaded.");
        break;
    case ACTION_REPAINT:
        draw_invalidate();
        break;
    case ACTION_HELP:
        app->mode = MODE_HELP;
        app->help_top = 0;
        break;
    case ACTION_QUIT:
        if (compose_pane_draft(app->panes[FOCUS_COMPOSE])->length > 0)
            ask(app, CONFIRM_QUIT);
        else
            app->quit = true;
        break;
    case ACTION_DELETE:
        delete_selected(app);
        break;
    default:
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
    if (app->mode == MODE_PROMPT) {
        if (c >= 0x20 && c != 0x7f)
            edit_buffer_insert_codepoint(&app->prompt_text, c);
        return;
    }
    struct edit_buffer *draft = compose_pane_draft(app->panes[FOCUS_COMPOSE]);
    if (c == '\r' || c == '\n')
        edit_buffer_insert_codepoint(draft, '\n');
    else if (c >= 0x20 && c != 0x7f)
        edit_buffer_insert_codepoint(draft, c);
}

/* A paste starts: into the open prompt, else into the compose box (a
 * pending y/n question is answered no: pasted text never answers it). */
static void begin_paste(struct app *app)
{
    app->pasting = true;
    if (app->mode == MODE_PROMPT)
        return;
    if (app->mode == MODE_CONFIRM)
        app_message(app, STYLE_INFO, app->confirm == CONFIRM_QUIT
                                         ? "Not quitting; the paste went into the draft."
                                         : "Not deleted; the paste went into the draft.");
    app->mode = MODE_NORMAL;
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
    switch (app->mode) {
    case MODE_HELP:
        help_key(app, event);
        return;
    case MODE_CONFIRM:
        confirm_key(app, event);
        return;
    case MODE_PROMPT:
        prompt_key(app, event);
        return;
    case MODE_NORMAL:
        break;
    }
    if (app->layout.too_small) {
        /* Only quitting and the compose keys make sense on a tiny screen. */
        if (app->focus != FOCUS_COMPOSE) {
            event->action = keys_lookup(KEY_SCOPE_GLOBAL, event);
            if (event->action == ACTION_QUIT)
                global_action(app, ACTION_QUIT);
            return;
        }
    }
    struct pane *pane = app->panes[app->focus];
    event->action = keys_lookup(pane->ops->key_scopes, event);
    if (pane->ops->key(pane, event) == PANE_IGNORED)
        global_action(app, event->action);
}

/* ---- drawing ---------------------------------------------------------------- */

static void draw_status(struct app *app)
{
    const struct rect *s = &app->layout.status;
    if (!layout_rect_visible(*s))
        return;
    int x = s->x, end = s->x + s->cols;
    if (app->mode == MODE_CONFIRM) {
        const char *question = app->confirm == CONFIRM_QUIT
                                   ? "Discard the draft and quit? (y/n) "
                                   : "Delete this post? (y/n) ";
        draw_string(s->y, x, end - x, question, STYLE_WARNING);
        return;
    }
    if (app->mode == MODE_PROMPT) {
        char label[200];
        if (app->prompt == PROMPT_USERNAME)
            snprintf(label, sizeof label, "Switch author to: ");
        else
            snprintf(label, sizeof label, "Password for %s: ", app->prompt_user_name);
        x += draw_string(s->y, x, end - x, label, STYLE_TITLE);
        if (app->prompt == PROMPT_PASSWORD) {
            /* Echo off, as the issue says: not even stars, which would
             * show the password's length. */
            draw_cursor_at(s->y, x);
            return;
        }
        /* Keep the end of a long name and the cursor in view. */
        const struct edit_buffer *b = &app->prompt_text;
        int room = end - x - 1;
        size_t from = 0;
        while (from < b->cursor && text_width(b->text + from, b->cursor - from) > room)
            from += text_next_grapheme(b->text + from, b->length - from, &(int){ 0 });
        int before = draw_text(s->y, x, room, b->text + from, b->cursor - from, STYLE_NORMAL);
        draw_text(s->y, x + before, room - before, b->text + b->cursor, b->length - b->cursor,
                  STYLE_NORMAL);
        draw_cursor_at(s->y, x + before);
        return;
    }
    if (app->file_lost[0] != '\0') {
        /* Nothing else matters until the file is back: the whole line. */
        draw_string(s->y, x, end - x, app->file_lost, STYLE_ERROR);
        return;
    }
    char left[128];
    snprintf(left, sizeof left, "%s", app->database_label);
    x += draw_string(s->y, x, end - x, left, STYLE_STATUS);
    x += draw_string(s->y, x, end - x, " as ", STYLE_HINT);
    x += draw_string(s->y, x, end - x, app->author.name, STYLE_AUTHOR);
    x += draw_string(s->y, x, end - x, "  ?:help  ", STYLE_HINT);
    if (app->message[0] != '\0')
        draw_string(s->y, x, end - x, app->message, app->message_style);
    else
        draw_string(s->y, x, end - x,
                    app->personal ? "Tab:pane  i:write  u:author  q:quit"
                                  : "Tab:pane  i:write  q:quit",
                    STYLE_HINT);
}

static void draw_help(struct app *app)
{
    enum { MAX_LINES = 128 };
    char *lines[MAX_LINES];
    size_t total = keys_help_lines(lines, MAX_LINES,
                                   app_editor_allowed(app) ? ACTION_NONE : ACTION_EDITOR);
    size_t count = total < MAX_LINES ? total : MAX_LINES;
    int rows = app->layout.screen_rows, cols = app->layout.screen_cols;
    struct rect box = { .y = 0, .x = 0, .rows = rows, .cols = cols };
    if (box.cols > 84) {
        box.x = (cols - 84) / 2;
        box.cols = 84;
    }
    if (box.rows > (int)count + 2) {
        box.rows = (int)count + 2;
        box.y = (rows - box.rows) / 2;
    }
    bool framed = box.rows >= 4 && box.cols >= 10;
    int inner_rows = framed ? box.rows - 2 : box.rows;
    int inner_x = framed ? box.x + 2 : box.x;
    int inner_cols = framed ? box.cols - 4 : box.cols;
    if (app->help_top + (size_t)inner_rows > count)
        app->help_top = count > (size_t)inner_rows ? count - (size_t)inner_rows : 0;
    for (int r = 0; r < box.rows; r++)
        draw_fill(box.y + r, box.x, box.cols, STYLE_NORMAL);
    if (framed) {
        draw_box(box, STYLE_BORDER);
        draw_string(box.y, box.x + 2, box.cols - 4, " Keys (j/k/G scroll, any other key closes) ",
                    STYLE_TITLE);
    }
    for (int r = 0; r < inner_rows && app->help_top + (size_t)r < count; r++) {
        const char *line = lines[app->help_top + (size_t)r];
        draw_string(box.y + (framed ? 1 : 0) + r, inner_x, inner_cols, line,
                    line[0] == ' ' ? STYLE_NORMAL : STYLE_TITLE);
    }
    for (size_t i = 0; i < count; i++)
        free(lines[i]);
}

static void pane_draw_if(struct app *app, enum focus which, bool visible)
{
    if (!visible)
        return;
    struct pane *pane = app->panes[which];
    pane->ops->draw(pane, app->focus == which && app->mode == MODE_NORMAL);
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
    draw_status(app);
    if (app->mode == MODE_HELP)
        draw_help(app);
    draw_end();
}

/* ---- the loop ------------------------------------------------------------------ */

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/* True when another connection committed since the last poll, or the
 * file at the database's path was deleted, replaced or put back. */
static bool poll_changes(struct app *app)
{
    clock_gettime(CLOCK_MONOTONIC, &app->last_poll);
    bool was_lost = app->file_lost[0] != '\0';
    if (file_still_there(app) == was_lost)
        return true;
    uint64_t version = 0;
    if (app->connection_lost && elapsed_ms(&app->last_reconnect) < RECONNECT_MS)
        return false;
    bool was_connected = !app->connection_lost;
    enum mb_status status = store_data_version(app->store, &version);
    if (status != MB_OK) {
        if (!connection_failed(app, status))
            return false;
        clock_gettime(CLOCK_MONOTONIC, &app->last_reconnect);
        if (was_connected)
            app_message(app, STYLE_ERROR, "Lost the connection to the database server; retrying.");
        return was_connected;
    }
    bool changed = app->have_data_version && version != app->data_version;
    if (app->connection_lost) {
        /* What others wrote meanwhile was never announced: read it all. */
        app->connection_lost = false;
        app_message(app, STYLE_INFO, "Connected to the database server again.");
        changed = true;
    }
    app->data_version = version;
    app->have_data_version = true;
    if (changed)
        refresh_all(app);
    return changed;
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
    store_change_drain(app->store);
    poll_changes(app);
    /* A lost connection has none (the refresh tick polls, and asks again);
     * one that came back has a new descriptor. */
    *change_fd = store_change_fd(app->store);
    /* Without one, read keys with a timeout again: at most a second, so
     * that the connection is looked for soon, not at the refresh tick. */
    if (*change_fd < 0)
        wtimeout(stdscr, timeout_ms < RECONNECT_MS ? timeout_ms : RECONNECT_MS);
    return true;
}

static void restore_terminal(void)
{
    if (!isendwin())
        endwin();
    bracketed_paste(false);
}

static char *database_label(struct store *store)
{
    const char *path = store_path(store);
    if (path == NULL)
        return xstrdup("?");
    const char *slash = strrchr(path, '/');
    return xstrdup(slash != NULL && slash[1] != '\0' ? slash + 1 : path);
}

static void app_init(struct app *app, struct store *store, const struct config *config)
{
    memset(app, 0, sizeof *app);
    app->store = store;
    app->config = config;
    app->database_label = database_label(store);
    edit_buffer_init(&app->prompt_text);
    app->personal = store_mode(store) == STORE_MODE_PERSONAL;
    const char *name = config->user != NULL && config->user[0] != '\0' ? config->user : "me";
    enum mb_status status = author_start(&app->author, store, name);
    if (status == MB_PASSWORD)   /* $USER is no proof of the password */
        app_message(app, STYLE_WARNING, "%s has a password: press u to log in.",
                    app->author.waiting_for);
    else if (status != MB_OK)
        app_store_error(app, "No author to post as", status);
    app->panes[FOCUS_USERS] = users_pane_new(app);
    app->panes[FOCUS_TIMELINE] = timeline_pane_new(app);
    app->panes[FOCUS_COMPOSE] = compose_pane_new(app);
    app->focus = app->list_focus = FOCUS_TIMELINE;
}

static void app_free(struct app *app)
{
    for (int i = 0; i < FOCUS_COUNT; i++)
        pane_free(app->panes[i]);
    edit_buffer_free(&app->prompt_text);
    free(app->prompt_user_name);
    author_free(&app->author);
    free(app->database_label);
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
    int change_fd = store_change_fd(app.store);
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
        if (rc == ERR || elapsed_ms(&app.last_poll) >= refresh_ms) {
            dirty |= poll_changes(&app);
            if (change_fd < 0 && (change_fd = store_change_fd(app.store)) >= 0)
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
