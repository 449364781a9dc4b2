/* The draw layer: the only code that writes to the screen. Every string,
 * whatever its origin, goes through draw_text(), which sanitizes it
 * (core/text), measures it by grapheme cluster (utf8proc) and clips it to
 * the cells it is given, so nothing from the database can move the
 * cursor, change the terminal's state or spill into a neighbouring pane.
 * Styles are a table (colour and monochrome attribute per style). */
#ifndef TUI_DRAW_H
#define TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "tui/layout.h"
#include "tui/probe.h"

enum draw_style {
    STYLE_NORMAL,
    STYLE_TITLE,
    STYLE_AUTHOR,
    STYLE_TIME,
    STYLE_SELECTED,        /* selection in the focused pane */
    STYLE_SELECTED_IDLE,   /* selection in a pane without focus */
    STYLE_MARK,            /* the current author's marker */
    STYLE_BORDER,
    STYLE_STATUS,
    STYLE_INFO,
    STYLE_ERROR,
    STYLE_WARNING,         /* the counter past the limit */
    STYLE_HINT,
    STYLE_MATCH,           /* a search's words in a post */
    STYLE_COUNT
};

/* Chooses colours or monochrome: colour unless config says never, or
 * says auto and NO_COLOR is set (non-empty), or the terminal has none.
 * Keeps the terminal's default background. Call after the screen is set up. */
void draw_init(const struct config *config);

/* What the terminal answered about disputed clusters (tui/probe.h):
 * where it draws a ZWJ sequence or a skin-toned emoji in two cells, as
 * Unicode and utf8proc say, the whole cluster goes into one cell; where it
 * does not (or did not answer), its first character does, padded, as
 * before. A keycap goes as its digit and U+20E3 in one cell where the
 * terminal draws that in one. */
void draw_use_terminal_widths(const int widths[PROBE_COUNT]);

/* True when the terminal's character set is UTF-8 (draw_init). */
bool draw_utf8(void);

/* True when draw_init chose colours. */
bool draw_colors(void);

/* Starts a frame: blanks the virtual screen (no output by itself; the
 * terminal only receives what differs from the previous frame). */
void draw_begin(void);

/* Ends a frame: hides or places the cursor and sends the differences. */
void draw_end(void);

/* Forces the next draw_end() to repaint every cell (Ctrl-L, after the
 * external editor). */
void draw_invalidate(void);

/* Draws s[0..len) (any bytes: sanitized here) at row y, column x, in at
 * most max_cols cells, never splitting a grapheme. Returns the cells used. */
int draw_text(int y, int x, int max_cols, const char *s, size_t len, enum draw_style style);

/* draw_text for a NUL-terminated string. */
int draw_string(int y, int x, int max_cols, const char *s, enum draw_style style);

/* Like draw_string, but a string too long for max_cols ends with "…" in
 * the last cell (so that what follows it never runs into it). */
int draw_string_clipped(int y, int x, int max_cols, const char *s, enum draw_style style);

/* Like draw_text, right-aligned so that it ends just before column x_end. */
int draw_string_right(int y, int x_end, int max_cols, const char *s, enum draw_style style);

/* Fills cols cells with spaces in style (selection bars, status line). */
void draw_fill(int y, int x, int cols, enum draw_style style);

void draw_hline(int y, int x, int cols, enum draw_style style);
void draw_vline(int y, int x, int rows, enum draw_style style);

/* A box outline around r (the help overlay). */
void draw_box(struct rect r, enum draw_style style);

/* Where to leave the visible cursor at draw_end(); draw_begin() hides it. */
void draw_cursor_at(int y, int x);

#endif
