/* The external editor for a draft ($VISUAL, $EDITOR, default vi), through
 * a 0600 file in a private (0700, mkdtemp) directory that is removed on
 * every path. No curses here: the caller leaves and restores the screen. */
#ifndef TUI_EDITOR_H
#define TUI_EDITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* The editor command: $VISUAL, else $EDITOR, else "vi" (never NULL). */
const char *editor_command(void);

/* What the editor's child does before exec: makes the real group also the
 * effective and saved one, so that a set-group-id never reaches the
 * person's program. False when one of them stays different (the child
 * then runs nothing). Exported for the unit test. */
bool editor_drop_group(void);

/* Writes text[0..length) to the temporary file, runs the editor on it and
 * waits. On MB_OK stores the edited text (trailing newlines removed,
 * valid UTF-8 without NUL) in a new *out (caller frees) and its length in
 * *out_length. On failure *out is NULL and err says why; the temporary
 * directory is gone either way. A termination signal during the wait
 * ends the editor and returns MB_IO. */
enum mb_status editor_run(const char *text, size_t length, char **out, size_t *out_length,
                          struct mb_error *err);

#endif
