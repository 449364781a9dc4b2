/* Signals while the TUI runs. Termination (SIGTERM, SIGHUP from a dropped
 * SSH link, SIGINT, SIGQUIT): the handler only records the signal and
 * removes the external editor's temporary file (unlink and rmdir are
 * async-signal-safe); the main loop then restores the terminal, removes
 * what is left and returns. Job control: the keyboard's Ctrl-Z reaches the
 * TUI as a key (raw mode), a SIGTSTP sent by someone else is recorded
 * here; either way the loop puts the terminal back and stops the job
 * (signals_suspend), and a SIGCONT after a stop it did not ask for is
 * recorded so that the screen is painted again. */
#ifndef TUI_SIGNALS_H
#define TUI_SIGNALS_H

#include <stdbool.h>

void signals_install(void);
void signals_restore(void);

/* The signal received (0: none). */
int signals_pending(void);

/* Stops the process group, as a shell's Ctrl-Z does (SIGTSTP with its
 * default action, so that an orphaned group, which has no shell to come
 * back to, is not stopped at all), and returns once continued (fg). The
 * caller has put the terminal back first. */
void signals_suspend(void);

/* Whether a SIGTSTP came from outside (kill -TSTP) or the process was
 * continued (SIGCONT) since the last call; each clears its flag. */
bool signals_take_suspend(void);
bool signals_take_continued(void);

/* Paths the handler removes if a signal arrives while the editor runs
 * (copied; NULL untracks). */
void signals_track_temp(const char *directory, const char *file);

#endif
