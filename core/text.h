/* UTF-8 text: validation, code-point counting, sanitizing for the terminal
 * and display widths by grapheme cluster (utf8proc). Every string that came
 * from the database or a user reaches the terminal through text_sanitize()
 * (the CLI) or the TUI's draw layer built on these functions. */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF). A NUL byte inside the range is valid UTF-8 (U+0000);
 * callers that forbid it check separately. */
bool text_utf8_valid(const char *s, size_t len);

/* Number of Unicode code points in valid UTF-8 s[0..len). On invalid UTF-8
 * returns false and leaves *count untouched. */
bool text_codepoints(const char *s, size_t len, size_t *count);

enum text_sanitize_flags {
    TEXT_KEEP_NEWLINES = 1 << 0, /* keep '\n' (otherwise shown as a space) */
};

/* Returns a newly allocated copy of s[0..len) (caller frees) that is safe to
 * write to a terminal: invalid UTF-8 becomes U+FFFD; C0 controls (including
 * ESC), DEL, C1 controls (U+0080..U+009F), and bidi controls (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) become U+FFFD; a tab
 * becomes one space; '\n' is kept only with TEXT_KEEP_NEWLINES and '\r'
 * is dropped. Never fails (allocation failure aborts). */
char *text_sanitize(const char *s, size_t len, unsigned flags);

/* True when s[0..len) would pass through text_sanitize unchanged with the
 * given flags. */
bool text_is_clean(const char *s, size_t len, unsigned flags);

/* Display width in terminal cells of sanitized text, summed by grapheme
 * cluster: East Asian wide and emoji clusters are 2, combining marks 0.
 * A cluster is as wide as its widest code point (utf8proc_charwidth),
 * raised to 2 for a regional-indicator pair (a flag) and for VS16 after a
 * pictograph or keycap base; never more than 2. Ill-formed bytes count as
 * U+FFFD (1), controls as 0. */
int text_width(const char *s, size_t len);

/* The byte length of the longest prefix of sanitized s[0..len) made of
 * whole grapheme clusters whose width is at most max_cols; its width is
 * stored in *cols when cols is not NULL. */
size_t text_fit(const char *s, size_t len, int max_cols, int *cols);

/* Byte length of the grapheme cluster starting at s (at least 1 when
 * len > 0) and its width in *cols. */
size_t text_next_grapheme(const char *s, size_t len, int *cols);

/* Byte offset of the start of the grapheme cluster that ends at or before
 * byte offset pos (for cursor movement left); 0 when pos is 0. */
size_t text_prev_grapheme(const char *s, size_t len, size_t pos);

/* One wrapped line: a byte range of the input and its width. */
struct text_line {
    size_t offset;
    size_t length;
    int cols;
};

/* Wraps sanitized s[0..len) to lines of at most width cells (width >= 1),
 * breaking after spaces where possible, otherwise between graphemes; '\n'
 * forces a break and is not part of any line. Stores a newly allocated
 * array in *lines (caller frees; at least one line, possibly empty) and
 * returns the number of lines.
 * Details: a space that fits stays at the end of its line; the spaces at
 * which a line would overflow are, like '\n', part of no line; a single
 * cluster wider than width (a wide glyph at width 1) gets a line of its
 * own whose cols exceeds width. Lines are in order and do not overlap. */
size_t text_wrap(const char *s, size_t len, int width, struct text_line **lines);

#endif
