/* The app: what the panes may ask of the whole TUI (the store, the
 * current author, the status line, the filter). Internal to tui/. */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "tui/draw.h"

struct app;

struct store *app_store(struct app *app);

/* Sets the status line message (printf-style; sanitized when drawn). */
void app_message(struct app *app, enum draw_style style, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a failed store call: "what: reason" in the error style. */
void app_store_error(struct app *app, const char *what, enum mb_status status);

/* The current author's id (0 until the default author has posted) and name. */
int64_t app_author_id(const struct app *app);
const char *app_author_name(const struct app *app);

/* Filters the timeline to user_id (0: everyone; name is then ignored). */
void app_set_filter(struct app *app, int64_t user_id, const char *name);
int64_t app_filter(const struct app *app);

/* Posts the draft of the compose pane (Enter in the compose box). */
void app_post_draft(struct app *app);

/* Leaves the compose box for the pane focused before it (Esc). */
void app_leave_compose(struct app *app);

/* Moves the focus to the next (+1) or previous (-1) pane. */
void app_cycle_focus(struct app *app, int direction);

/* Opens the external editor on the draft (E, Ctrl-X); in restricted mode
 * (an SSH forced command) there is none and it says so. */
void app_edit_externally(struct app *app);
bool app_editor_allowed(const struct app *app);

#endif
