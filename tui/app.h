/* The app: the three panes (users, timeline, compose), the session
 * (tui/session.c: the author, the status line, the connection), the
 * overlays (tui/overlay.c: help, questions, prompts) and the views one
 * goes back to. tui/run.c drives it: a key, a change seen, a frame.
 * Internal to tui/. */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "store/store.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/overlay.h"
#include "tui/pane.h"
#include "tui/session.h"
#include "tui/view.h"

enum focus { FOCUS_USERS, FOCUS_TIMELINE, FOCUS_COMPOSE, FOCUS_COUNT };

/* Views to go back to (b, Backspace); the oldest is forgotten first. */
#define HISTORY_MAX 32

struct app {
    struct session session;
    struct overlay overlay;
    struct pane *panes[FOCUS_COUNT];
    enum focus focus;
    enum focus list_focus;       /* the list pane to return to from compose */
    struct layout layout;
    struct view history[HISTORY_MAX];
    size_t history_count;
    bool quit;
    bool pasting;                /* between the bracketed-paste markers */
    int compose_rows;            /* the draft's rows the layout was made for */
    char *find_from;             /* the user selected when / began (NULL: All) */
    bool private_write;          /* the passphrase asked for is to write (P), not read (U) */
};

/* Bracketed paste (xterm mode 2004): the terminal wraps pasted text in
 * these markers, which curses turns into these key codes (tui/run.c
 * defines them); everything in between is text for the draft, never
 * commands (a pasted newline must not post, nor a pasted "dy" delete). */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)

/* The session, the panes (each loads its first page) and the first view
 * (Home once the author follows anyone, else All). Free with app_free;
 * the store stays the caller's. Lays nothing out: call app_relayout. */
void app_init(struct app *app, struct store *store, const struct config *config);
void app_free(struct app *app);

/* The rows the compose box wants while one writes in it (0: not
 * writing): the layout grows it to them. */
int app_compose_rows_wanted(struct app *app);

/* Gives the panes their areas for the screen's size now. */
void app_relayout(struct app *app);

/* One key (the screen's size changed: KEY_RESIZE). */
void app_handle_key(struct app *app, struct key_event *event);

/* Looks for changes (session_poll) and reads the views again when other
 * sessions wrote. True when the screen must be drawn again. */
bool app_poll_changes(struct app *app);

/* Draws the whole frame (tui/app_draw.c), laying out again first when the
 * draft's rows changed. */
void app_draw_frame(struct app *app);

/* Turns the terminal's bracketed paste on or off (tui/run.c). */
void run_bracketed_paste(bool on);

/* Gives the terminal back as it was before the TUI (for the external
 * editor, for a suspend), and takes it again for the TUI, repainting
 * everything at the next frame (tui/run.c). */
void run_leave_terminal(void);
void run_return_terminal(void);

/* For tui/app_prompts.c, which answers the overlays: the view shown
 * again for a new author, every pane read again, a view opened (b goes
 * back from it). */
void app_author_changed(struct app *app);
void app_refresh_all(struct app *app);
void app_open_view(struct app *app, const struct view *view);

/* What an overlay's key came to (tui/app_prompts.c); / in the users pane
 * opens the find prompt. */
void app_overlay_answered(struct app *app, enum overlay_answer answer);
void app_find_start(struct app *app);
/* t: asks which tag of post to show, offering the tags in its body. */
void app_tag_start(struct app *app, const struct pane_post *post);
/* P (write) and U (read): the passphrase prompt unless already unlocked. */
void app_private_start(struct app *app, bool write);
/* Sets the focus (the compose box, a list pane). */
void app_focus(struct app *app, enum focus focus);

/* Ctrl-Z or a SIGTSTP: the terminal back to the shell, the job stopped
 * until fg, then the screen drawn again (the restricted mode has no shell
 * to go back to: it says so instead). */
void app_suspend(struct app *app);

#endif
