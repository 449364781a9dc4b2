/* A growable UTF-8 text buffer with a cursor and the readline-style edits
 * of the compose box and the prompts. It holds only valid UTF-8 (callers
 * insert whole characters) and moves by grapheme cluster. Pure: no curses,
 * no store, so that every edit is unit-tested. */
#ifndef TUI_EDIT_BUFFER_H
#define TUI_EDIT_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

struct edit_buffer {
    char *text;        /* NUL-terminated, never NULL after init */
    size_t length;     /* bytes, without the NUL */
    size_t capacity;
    size_t cursor;     /* byte offset, on a grapheme boundary */
};

void edit_buffer_init(struct edit_buffer *buffer);

/* Releases the text, zeroing it first (the prompts hold passwords). */
void edit_buffer_free(struct edit_buffer *buffer);

/* Empties the buffer (zeroing the old bytes). */
void edit_buffer_clear(struct edit_buffer *buffer);

/* Replaces the text with a copy of text[0..length); cursor at the end. */
void edit_buffer_set(struct edit_buffer *buffer, const char *text, size_t length);

/* Inserts text[0..length) at the cursor and moves the cursor after it. */
void edit_buffer_insert(struct edit_buffer *buffer, const char *text, size_t length);

/* Inserts one code point (encoded as UTF-8 by core/text) at the cursor.
 * Refuses (false) the controls of core/text's list (C0, DEL, C1) other
 * than '\n', surrogates and values beyond U+10FFFF; the store would refuse
 * the same controls in a post. */
bool edit_buffer_insert_codepoint(struct edit_buffer *buffer, unsigned long codepoint);

/* Each returns true when the text or the cursor changed. */
bool edit_buffer_left(struct edit_buffer *buffer);
bool edit_buffer_right(struct edit_buffer *buffer);
bool edit_buffer_line_start(struct edit_buffer *buffer);
bool edit_buffer_line_end(struct edit_buffer *buffer);
bool edit_buffer_backspace(struct edit_buffer *buffer);
bool edit_buffer_delete(struct edit_buffer *buffer);
/* Ctrl-K: to the end of the line; at the end of a line, joins the next. */
bool edit_buffer_kill_to_end(struct edit_buffer *buffer);
/* Ctrl-U: from the start of the line to the cursor. */
bool edit_buffer_kill_to_start(struct edit_buffer *buffer);
/* Ctrl-W: the whitespace before the cursor, then the word before that. */
bool edit_buffer_kill_word(struct edit_buffer *buffer);

/* Code points in the text, the unit the store's 140 limit counts (an
 * ill-formed byte sequence counts as the one U+FFFD it is shown as). */
size_t edit_buffer_codepoints(const struct edit_buffer *buffer);

/* True when the text holds nothing but whitespace. */
bool edit_buffer_blank(const struct edit_buffer *buffer);

#endif
