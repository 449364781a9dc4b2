/* The editing buffer behind the compose box and the prompts (see
 * edit_buffer.h). Growth copies into a new block and wipes the old one,
 * so a password typed into a prompt leaves no stray copies behind. */
#include "tui/edit_buffer.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/text.h"
#include "core/xalloc.h"

void edit_buffer_init(struct edit_buffer *buffer)
{
    buffer->capacity = 64;
    buffer->text = xcalloc(buffer->capacity, 1);
    buffer->length = 0;
    buffer->cursor = 0;
}

void edit_buffer_free(struct edit_buffer *buffer)
{
    if (buffer == NULL || buffer->text == NULL)
        return;
    crypto_wipe(buffer->text, buffer->capacity);
    free(buffer->text);
    buffer->text = NULL;
    buffer->length = buffer->capacity = buffer->cursor = 0;
}

void edit_buffer_clear(struct edit_buffer *buffer)
{
    crypto_wipe(buffer->text, buffer->capacity);
    buffer->length = 0;
    buffer->cursor = 0;
}

static void reserve(struct edit_buffer *buffer, size_t extra)
{
    if (buffer->length + extra + 1 <= buffer->capacity)
        return;
    size_t capacity = buffer->capacity;
    while (capacity < buffer->length + extra + 1)
        capacity *= 2;
    char *text = xcalloc(capacity, 1);
    memcpy(text, buffer->text, buffer->length + 1);
    crypto_wipe(buffer->text, buffer->capacity);
    free(buffer->text);
    buffer->text = text;
    buffer->capacity = capacity;
}

void edit_buffer_set(struct edit_buffer *buffer, const char *text, size_t length)
{
    edit_buffer_clear(buffer);
    edit_buffer_insert(buffer, text, length);
}

void edit_buffer_insert(struct edit_buffer *buffer, const char *text, size_t length)
{
    reserve(buffer, length);
    memmove(buffer->text + buffer->cursor + length, buffer->text + buffer->cursor,
            buffer->length - buffer->cursor + 1);
    memcpy(buffer->text + buffer->cursor, text, length);
    buffer->length += length;
    buffer->cursor += length;
}

bool edit_buffer_insert_codepoint(struct edit_buffer *buffer, unsigned long codepoint)
{
    char utf8[4];
    if (codepoint > 0x10FFFF)
        return false;
    int32_t cp = (int32_t)codepoint;
    if (text_danger(cp) == TEXT_DANGER_CONTROL && cp != '\n')
        return false;
    size_t n = text_encode(cp, utf8);
    if (n == 0)
        return false;
    edit_buffer_insert(buffer, utf8, n);
    return true;
}

static void remove_range(struct edit_buffer *buffer, size_t from, size_t to)
{
    memmove(buffer->text + from, buffer->text + to, buffer->length - to + 1);
    buffer->length -= to - from;
    memset(buffer->text + buffer->length + 1, 0, to - from);
    buffer->cursor = from;
}

static size_t previous_boundary(const struct edit_buffer *buffer, size_t pos)
{
    return text_prev_grapheme(buffer->text, buffer->length, pos);
}

static size_t next_boundary(const struct edit_buffer *buffer, size_t pos)
{
    int cols;
    if (pos >= buffer->length)
        return buffer->length;
    return pos + text_next_grapheme(buffer->text + pos, buffer->length - pos, &cols);
}

static size_t line_start(const struct edit_buffer *buffer, size_t pos)
{
    while (pos > 0 && buffer->text[pos - 1] != '\n')
        pos--;
    return pos;
}

static size_t line_end(const struct edit_buffer *buffer, size_t pos)
{
    while (pos < buffer->length && buffer->text[pos] != '\n')
        pos++;
    return pos;
}

bool edit_buffer_left(struct edit_buffer *buffer)
{
    if (buffer->cursor == 0)
        return false;
    buffer->cursor = previous_boundary(buffer, buffer->cursor);
    return true;
}

bool edit_buffer_right(struct edit_buffer *buffer)
{
    if (buffer->cursor >= buffer->length)
        return false;
    buffer->cursor = next_boundary(buffer, buffer->cursor);
    return true;
}

bool edit_buffer_line_start(struct edit_buffer *buffer)
{
    size_t start = line_start(buffer, buffer->cursor);
    bool moved = start != buffer->cursor;
    buffer->cursor = start;
    return moved;
}

bool edit_buffer_line_end(struct edit_buffer *buffer)
{
    size_t end = line_end(buffer, buffer->cursor);
    bool moved = end != buffer->cursor;
    buffer->cursor = end;
    return moved;
}

bool edit_buffer_backspace(struct edit_buffer *buffer)
{
    if (buffer->cursor == 0)
        return false;
    remove_range(buffer, previous_boundary(buffer, buffer->cursor), buffer->cursor);
    return true;
}

bool edit_buffer_delete(struct edit_buffer *buffer)
{
    if (buffer->cursor >= buffer->length)
        return false;
    remove_range(buffer, buffer->cursor, next_boundary(buffer, buffer->cursor));
    return true;
}

bool edit_buffer_kill_to_end(struct edit_buffer *buffer)
{
    size_t end = line_end(buffer, buffer->cursor);
    if (end == buffer->cursor) {
        if (end >= buffer->length)
            return false;
        end++;   /* the '\n': join the next line */
    }
    remove_range(buffer, buffer->cursor, end);
    return true;
}

bool edit_buffer_kill_to_start(struct edit_buffer *buffer)
{
    size_t start = line_start(buffer, buffer->cursor);
    if (start == buffer->cursor)
        return false;
    remove_range(buffer, start, buffer->cursor);
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t';
}

bool edit_buffer_kill_word(struct edit_buffer *buffer)
{
    size_t pos = buffer->cursor;
    while (pos > 0 && is_space(buffer->text[pos - 1]))
        pos--;
    while (pos > 0 && !is_space(buffer->text[pos - 1]))
        pos--;
    if (pos == buffer->cursor)
        return false;
    remove_range(buffer, pos, buffer->cursor);
    return true;
}

size_t edit_buffer_codepoints(const struct edit_buffer *buffer)
{
    size_t count = 0;
    /* Text from an editor may hold ill-formed bytes: each maximal
     * ill-formed subsequence counts as the one U+FFFD it is shown as. */
    for (size_t i = 0; i < buffer->length; count++) {
        int32_t cp;
        i += text_decode(buffer->text + i, buffer->length - i, &cp);
    }
    return count;
}

bool edit_buffer_blank(const struct edit_buffer *buffer)
{
    for (size_t i = 0; i < buffer->length; i++)
        if (!is_space(buffer->text[i]))
            return false;
    return true;
}
