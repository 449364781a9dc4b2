/* UTF-8 text: the program's one UTF-8 decoder and encoder, its one list of
 * dangerous code points, validation, code-point counting, sanitizing for the
 * terminal and display widths by grapheme cluster (utf8proc). Every string
 * that came from the database or a user reaches the terminal through
 * text_sanitize() (the CLI) or the TUI's draw layer built on these
 * functions; the store's validation and the CLI's JSON ask text_danger()
 * what is dangerous, so the three cannot disagree. */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the UTF-8 unit at s[0..len) strictly (Table 3-7 of the Unicode
 * standard: no overlongs, no surrogates, nothing above U+10FFFF, no
 * truncated sequence). Returns the number of bytes it spans (at least 1
 * and at most len; 0 when len is 0) and stores the code point in
 * *codepoint, or -1 when those bytes are a maximal ill-formed subsequence
 * (shown as one U+FFFD: Unicode's "substitution of maximal subparts") or
 * len is 0. Reads nothing beyond len. */
size_t text_decode(const char *s, size_t len, int32_t *codepoint);

/* Encodes codepoint as UTF-8 into out (up to 4 bytes, no NUL) and returns
 * the number of bytes; returns 0 and writes nothing for a surrogate, a
 * negative value or one above U+10FFFF. */
size_t text_encode(int32_t codepoint, char out[4]);

/* The one list of dangerous code points, each in one class. A caller
 * decides what to do with each class (see TEXT_DANGER_TERMINAL) but never
 * keeps a list of its own. */
enum text_danger {
    TEXT_SAFE = 0,
    /* C0 controls U+0000..U+001F (ESC starts escape sequences; '\n' and
     * '\t' are here too, callers that allow them say so), DEL U+007F and
     * C1 controls U+0080..U+009F (U+009B is CSI, U+009D OSC, U+0090 DCS on
     * terminals that accept 8-bit controls): a terminal acts on them. */
    TEXT_DANGER_CONTROL = 1 << 0,
    /* U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069: they reorder
     * what is shown around them ("Trojan Source"). */
    TEXT_DANGER_BIDI = 1 << 1,
    /* U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: line ends to
     * JavaScript and to some editors, invisible on a terminal. */
    TEXT_DANGER_SEPARATOR = 1 << 2,
    /* U+FEFF: a byte order mark to readers of files, else invisible. */
    TEXT_DANGER_BYTE_ORDER_MARK = 1 << 3,
};

/* Every class: what usernames and emails may not hold and what JSON
 * output escapes. */
#define TEXT_DANGER_ANY \
    (TEXT_DANGER_CONTROL | TEXT_DANGER_BIDI | TEXT_DANGER_SEPARATOR | \
     TEXT_DANGER_BYTE_ORDER_MARK)
/* What text_sanitize replaces (apart from its handling of '\n', '\t' and
 * '\r'): what a terminal acts on or displays out of order. Separators and
 * the byte order mark are not controls to a terminal and pass. */
#define TEXT_DANGER_TERMINAL (TEXT_DANGER_CONTROL | TEXT_DANGER_BIDI)

/* The class of codepoint in the list above; TEXT_SAFE for anything else,
 * including values that are not code points. */
enum text_danger text_danger(int32_t codepoint);

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
 * write to a terminal: each maximal ill-formed subsequence becomes one
 * U+FFFD; a tab becomes one space; '\n' is kept only with
 * TEXT_KEEP_NEWLINES (otherwise a space) and '\r' is dropped; every other
 * code point in TEXT_DANGER_TERMINAL (C0 controls including ESC, DEL, C1
 * controls, bidi controls) becomes U+FFFD. Never fails (allocation failure
 * aborts). */
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
