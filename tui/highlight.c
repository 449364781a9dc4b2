/* The matches of a search in a post's text (see highlight.h). */
#include "tui/highlight.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/text.h"
#include "core/xalloc.h"

#define FOLD_OPTIONS \
    (UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | \
     UTF8PROC_IGNORE)

/* s[0..len) folded (newly allocated, caller frees); NULL when utf8proc
 * cannot (ill-formed text, out of memory). */
static char *fold(const char *s, size_t len)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
                                      FOLD_OPTIONS);
    if (n < 0) {
        free(out);
        return NULL;
    }
    return (char *)out;
}

/* Bytes that go on a word: ASCII letters and digits, '_', and anything
 * beyond ASCII (letters of other scripts; punctuation there is rare). */
static bool word_byte(unsigned char c)
{
    return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

void highlight_init(struct highlight *highlight, const char *query)
{
    *highlight = (struct highlight){ 0 };
    const char *p = query != NULL ? query : "";
    /* As many words as a search may hold (store/words.c refuses more). */
    while (*p != '\0' && highlight->count < 16) {
        while (*p != '\0' && !word_byte((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p != '\0' && word_byte((unsigned char)*p))
            p++;
        if (p == start)
            break;
        char *folded = fold(start, (size_t)(p - start));
        if (folded == NULL || folded[0] == '\0') {
            free(folded);
            continue;
        }
        highlight->words = xreallocarray(highlight->words, highlight->count + 1,
                                         sizeof *highlight->words);
        highlight->words[highlight->count++] =
            (struct highlight_word){ .folded = folded };
    }
}

void highlight_free(struct highlight *highlight)
{
    for (size_t i = 0; i < highlight->count; i++)
        free(highlight->words[i].folded);
    free(highlight->words);
    *highlight = (struct highlight){ 0 };
}

size_t highlight_find(const struct highlight *highlight, const char *s, size_t len,
                      struct highlight_range *out, size_t max)
{
    if (highlight->count == 0 || max == 0 || len == 0)
        return 0;
    /* The text folded cluster by cluster, remembering for each folded
     * byte the cluster it came from. */
    size_t capacity = len * 4 + 16, used = 0;
    char *folded = xmalloc(capacity);
    size_t *from = xmalloc(capacity * sizeof *from);
    size_t *to = xmalloc(capacity * sizeof *to);
    for (size_t pos = 0; pos < len;) {
        size_t n = text_next_grapheme(s + pos, len - pos, NULL);
        if (n == 0)
            break;
        char *piece = fold(s + pos, n);
        size_t piece_len = piece != NULL ? strlen(piece) : 0;
        if (used + piece_len >= capacity) {
            capacity = (used + piece_len) * 2;
            folded = xrealloc(folded, capacity);
            from = xreallocarray(from, capacity, sizeof *from);
            to = xreallocarray(to, capacity, sizeof *to);
        }
        for (size_t i = 0; i < piece_len; i++) {
            folded[used + i] = piece[i];
            from[used + i] = pos;
            to[used + i] = pos + n;
        }
        used += piece_len;
        free(piece);
        pos += n;
    }
    size_t found = 0, last_end = 0;
    for (size_t at = 0; at < used && found < max; at++) {
        if (at > 0 && word_byte((unsigned char)folded[at - 1]))
            continue;   /* only at the start of a word */
        for (size_t w = 0; w < highlight->count; w++) {
            const struct highlight_word *word = &highlight->words[w];
            size_t n = strlen(word->folded);
            if (at + n > used || memcmp(folded + at, word->folded, n) != 0)
                continue;
            size_t end = at + n;
            if (end < used && word_byte((unsigned char)folded[end]))
                continue;   /* only a whole word */
            if (from[at] < last_end)
                continue;
            out[found++] = (struct highlight_range){ .start = from[at], .end = to[end - 1] };
            last_end = to[end - 1];
            break;
        }
    }
    free(to);
    free(from);
    free(folded);
    return found;
}
