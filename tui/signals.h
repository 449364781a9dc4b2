/* Termination signals while the TUI runs (SIGTERM, SIGHUP from a dropped
 * SSH link, SIGINT, SIGQUIT): the handler only records the signal and
 * removes the external editor's temporary file (unlink and rmdir are
 * async-signal-safe); the main loop then restores the terminal, removes
 * what is left and returns. */
#ifndef TUI_SIGNALS_H
#define TUI_SIGNALS_H

void signals_install(void);
void signals_restore(void);

/* The signal received (0: none). */
int signals_pending(void);

/* Paths the handler removes if a signal arrives while the editor runs
 * (copied; NULL untracks). */
void signals_track_temp(const char *directory, const char *file);

#endif
