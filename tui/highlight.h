/* The words of a search, found in the text of a post so that the
 * timeline can show them: case and diacritics do not matter (utf8proc's
 * case folding with the marks stripped, compared cluster by cluster, as
 * the full-text index folds them: "cafe" finds "Café"), a word matches a
 * whole word of the text (the store's search has no query language: '*'
 * and quotes are not operators there, nor here).
 * Pure: no curses, no store. Internal to tui/. */
#ifndef TUI_HIGHLIGHT_H
#define TUI_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>

struct highlight_word {
    char *folded;
};

struct highlight {
    struct highlight_word *words;
    size_t count;
};

/* A byte range of the text searched. */
struct highlight_range {
    size_t start;
    size_t end;
};

/* The words of query (split at spaces; quotes and other punctuation
 * around them dropped). Free with highlight_free. */
void highlight_init(struct highlight *highlight, const char *query);
void highlight_free(struct highlight *highlight);

/* Stores the ranges of s[0..len) where a word matches, in order and not
 * overlapping, at most max of them into out; returns how many. */
size_t highlight_find(const struct highlight *highlight, const char *s, size_t len,
                      struct highlight_range *out, size_t max);

#endif
