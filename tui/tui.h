/* The terminal interface: users pane, timeline pane, compose box and status
 * line over an open store. The CLI calls tui_run() when no command is given. */
#ifndef TUI_TUI_H
#define TUI_TUI_H

#include "core/config.h"
#include "store/store.h"

/* Runs the TUI until the user quits. The store stays owned by the caller.
 * Returns the process exit status: 0 on a normal quit, 1 when the terminal
 * could not be set up (with one line on stderr), 128 + the signal number
 * when SIGTERM, SIGHUP, SIGINT or SIGQUIT ended it (terminal restored,
 * temporary files removed). */
int tui_run(struct store *store, const struct config *config);

#endif
