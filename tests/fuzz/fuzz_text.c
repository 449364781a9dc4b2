/* Fuzz target: the decoder, UTF-8 validation, sanitizing, widths and
 * wrapping. Every well-formed unit the decoder reads must encode back to
 * the same bytes; the sanitized text must be valid UTF-8 free of anything
 * a terminal would obey, and no wrapped line may be wider than asked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t count = 0;
    bool valid = text_utf8_valid(s, size);
    if (text_codepoints(s, size, &count) != valid)
        abort();
    bool all_well_formed = true;
    for (size_t i = 0; i < size;) {
        int32_t cp;
        char utf8[4];
        size_t n = text_decode(s + i, size - i, &cp);
        if (n == 0 || n > size - i)
            abort();
        if (cp >= 0 && (text_encode(cp, utf8) != n || memcmp(utf8, s + i, n) != 0))
            abort();
        all_well_formed &= cp >= 0;
        i += n;
    }
    if (all_well_formed != valid)
        abort();
    for (unsigned flags = 0; flags <= TEXT_KEEP_NEWLINES; flags += TEXT_KEEP_NEWLINES) {
        char *clean = text_sanitize(s, size, flags);
        size_t len = strlen(clean);
        if (!text_utf8_valid(clean, len) || !text_is_clean(clean, len, flags))
            abort();
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)clean[i];
            if ((c < 0x20 && !(c == '\n' && flags)) || c == 0x7f)
                abort();
        }
        int total = text_width(clean, len);
        if (total < 0)
            abort();
        int width = size > 0 ? 1 + data[0] % 40 : 10;
        struct text_line *lines = NULL;
        size_t n = text_wrap(clean, len, width, &lines);
        if (n == 0)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (lines[i].offset + lines[i].length > len)
                abort();
            /* A lone cluster wider than the line may stand alone. */
            if (lines[i].cols > width && lines[i].cols > 2)
                abort();
            if (text_width(clean + lines[i].offset, lines[i].length) != lines[i].cols)
                abort();
        }
        free(lines);
        int cols = -1;
        size_t fit = text_fit(clean, len, width, &cols);
        if (fit > len || cols > width || cols < 0)
            abort();
        size_t pos = 0;
        while (pos < len) {
            int cluster = 0;
            size_t step = text_next_grapheme(clean + pos, len - pos, &cluster);
            if (step == 0 || step > len - pos)
                abort();
            if (text_prev_grapheme(clean, len, pos + step) > pos)
                abort();
            pos += step;
        }
        free(clean);
    }
    return 0;
}
