/* UTF-8 text for a terminal: the program's one strict decoder (and an
 * encoder), its one list of dangerous code points, code-point counting, the
 * sanitizer every user- or database-supplied string passes through before
 * it is printed, and display widths, fitting and wrapping by grapheme
 * cluster. Unicode properties (grapheme breaks, widths, categories) and
 * encoding come from utf8proc; the decoder is our own because the sanitizer
 * needs the length of each maximal ill-formed subsequence (Unicode 3.9,
 * "U+FFFD substitution of maximal subparts"), which utf8proc_iterate does
 * not report (the unit tests hold the two to the same verdicts). Every
 * function takes a length and reads nothing beyond it, so inputs need not
 * be NUL-terminated: they are fuzzed with libFuzzer. */
#include "core/text.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "core/xalloc.h"

#define REPLACEMENT_CHARACTER 0xFFFD
#define VARIATION_SELECTOR_16 0xFE0F

/* The ranges are Table 3-7 of the Unicode standard, which excludes
 * overlongs (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and
 * everything above U+10FFFF (F4 90.., F5..FF). */
static size_t decode(const unsigned char *s, size_t len, int32_t *cp)
{
    unsigned char lead = s[0];
    unsigned char low = 0x80, high = 0xBF;
    size_t continuation;
    int32_t value;

    if (lead < 0x80) {
        *cp = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuation = 1;
        value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation = 2;
        value = lead & 0x0F;
        if (lead == 0xE0)
            low = 0xA0;
        else if (lead == 0xED)
            high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation = 3;
        value = lead & 0x07;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;
    } else {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i <= continuation; i++) {
        if (i >= len || s[i] < low || s[i] > high) {
            *cp = -1;
            return i;
        }
        value = (value << 6) | (s[i] & 0x3F);
        /* Only the first continuation byte has a narrowed range. */
        low = 0x80;
        high = 0xBF;
    }
    *cp = value;
    return continuation + 1;
}

/* Decodes like decode() but stands U+FFFD in for ill-formed bytes, which
 * is what the sanitizer will put there: widths and grapheme breaks of raw
 * and sanitized text then agree. */
static size_t decode_or_replacement(const unsigned char *s, size_t len, int32_t *cp)
{
    size_t n = decode(s, len, cp);
    if (*cp < 0)
        *cp = REPLACEMENT_CHARACTER;
    return n;
}

size_t text_decode(const char *s, size_t len, int32_t *codepoint)
{
    if (s == NULL || len == 0) {
        *codepoint = -1;
        return 0;
    }
    return decode((const unsigned char *)s, len, codepoint);
}

size_t text_encode(int32_t codepoint, char out[4])
{
    if (!utf8proc_codepoint_valid(codepoint))
        return 0;
    utf8proc_ssize_t n = utf8proc_encode_char(codepoint, (utf8proc_uint8_t *)out);
    return n > 0 ? (size_t)n : 0;
}

/* The one list (see enum text_danger for why each is here), in order. */
static const struct {
    int32_t first, last;
    enum text_danger danger;
} dangerous[] = {
    { 0x0000, 0x001F, TEXT_DANGER_CONTROL },
    { 0x007F, 0x009F, TEXT_DANGER_CONTROL },
    { 0x061C, 0x061C, TEXT_DANGER_BIDI },
    { 0x200E, 0x200F, TEXT_DANGER_BIDI },
    { 0x2028, 0x2029, TEXT_DANGER_SEPARATOR },
    { 0x202A, 0x202E, TEXT_DANGER_BIDI },
    { 0x2066, 0x2069, TEXT_DANGER_BIDI },
    { 0xFEFF, 0xFEFF, TEXT_DANGER_BYTE_ORDER_MARK },
};

enum text_danger text_danger(int32_t codepoint)
{
    for (size_t i = 0; i < sizeof dangerous / sizeof dangerous[0]; i++) {
        if (codepoint < dangerous[i].first)
            break;
        if (codepoint <= dangerous[i].last)
            return dangerous[i].danger;
    }
    return TEXT_SAFE;
}

bool text_utf8_valid(const char *s, size_t len)
{
    size_t count;
    return text_codepoints(s, len, &count);
}

bool text_codepoints(const char *s, size_t len, size_t *count)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    if (p == NULL)
        len = 0;
    for (size_t i = 0; i < len; n++) {
        int32_t cp;
        i += decode(p + i, len - i, &cp);
        if (cp < 0)
            return false;
    }
    *count = n;
    return true;
}

/* The one pass behind text_sanitize and text_is_clean: returns the length
 * of the sanitized text, writes it to out when out is not NULL, and tells
 * whether anything differs from the input. */
static size_t sanitize_pass(const unsigned char *s, size_t len, unsigned flags,
                            char *out, bool *changed)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    size_t written = 0;

    *changed = false;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t n = decode(s + i, len - i, &cp);
        const char *emit = (const char *)s + i;
        size_t emit_len = n;

        if (cp == '\n') {
            if (!(flags & TEXT_KEEP_NEWLINES)) {
                emit = " ";
                *changed = true;
            }
        } else if (cp == '\t') {
            emit = " ";
            *changed = true;
        } else if (cp == '\r') {
            emit_len = 0;
            *changed = true;
        } else if (cp < 0 || (text_danger(cp) & TEXT_DANGER_TERMINAL)) {
            emit = replacement;
            emit_len = 3;
            *changed = true;
        }
        if (out != NULL)
            memcpy(out + written, emit, emit_len);
        written += emit_len;
        i += n;
    }
    return written;
}

char *text_sanitize(const char *s, size_t len, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)s;
    bool changed;

    if (p == NULL)
        len = 0;
    size_t out_len = sanitize_pass(p, len, flags, NULL, &changed);
    char *out = xmalloc(out_len + 1);
    sanitize_pass(p, len, flags, out, &changed);
    out[out_len] = '\0';
    return out;
}

bool text_is_clean(const char *s, size_t len, unsigned flags)
{
    bool changed;

    if (s == NULL)
        return true;
    sanitize_pass((const unsigned char *)s, len, flags, NULL, &changed);
    return !changed;
}

static bool is_extended_pictographic(int32_t cp)
{
    int boundclass = utf8proc_get_property(cp)->boundclass;
    return boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
           boundclass == UTF8PROC_BOUNDCLASS_E_ZWG;
}

static bool is_regional_indicator(int32_t cp)
{
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* Spaces after which a line may break; the no-break spaces are not. */
static bool is_break_space(int32_t cp)
{
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS &&
           cp != 0x00A0 && cp != 0x2007 && cp != 0x202F;
}

/* What the wrapper needs to know about one grapheme cluster. */
struct cluster {
    size_t length;   /* bytes, at least 1 */
    int cols;        /* 0..2 */
    bool newline;    /* holds a line feed ("\n" or "\r\n") */
    bool space;      /* a breakable space */
};

/* Scans the grapheme cluster at s (len > 0). Its width is that of its
 * widest code point (a base and its combining marks, Hangul L V T jamo,
 * a ZWJ sequence of wide emoji are all one glyph), raised to 2 for emoji
 * presentation (VS16 after a pictograph or keycap base) and flags (a pair
 * of regional indicators), which terminals draw two cells wide. */
static struct cluster scan_cluster(const unsigned char *s, size_t len)
{
    struct cluster cluster = {0};
    int32_t first, previous, cp;
    int32_t state = 0;
    int widest, regional = 0;
    bool presentation = false;
    size_t first_length = decode_or_replacement(s, len, &first);
    size_t i = first_length;

    previous = first;
    widest = utf8proc_charwidth(first);
    regional += is_regional_indicator(first);
    cluster.newline = first == '\n';
    while (i < len) {
        size_t n = decode_or_replacement(s + i, len - i, &cp);
        if (utf8proc_grapheme_break_stateful(previous, cp, &state))
            break;
        int w = utf8proc_charwidth(cp);
        if (w > widest)
            widest = w;
        regional += is_regional_indicator(cp);
        presentation |= cp == VARIATION_SELECTOR_16;
        cluster.newline |= cp == '\n';
        previous = cp;
        i += n;
    }
    if (regional >= 2)
        widest = 2;
    if (presentation &&
        (is_extended_pictographic(first) || first == '#' || first == '*' ||
         (first >= '0' && first <= '9')))
        widest = 2;
    if (widest > 2)
        widest = 2;
    if (widest < 0)
        widest = 0;
    cluster.length = i;
    cluster.cols = widest;
    cluster.space = i == first_length && is_break_space(first);
    return cluster;
}

int text_width(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t total = 0;

    if (p == NULL)
        len = 0;
    for (size_t i = 0; i < len;) {
        struct cluster cluster = scan_cluster(p + i, len - i);
        total += (size_t)cluster.cols;
        i += cluster.length;
    }
    return total > INT32_MAX ? INT32_MAX : (int)total;
}

size_t text_fit(const char *s, size_t len, int max_cols, int *cols)
{
    const unsigned char *p = (const unsigned char *)s;
    int used = 0;
    size_t i = 0;

    if (p == NULL)
        len = 0;
    while (i < len) {
        struct cluster cluster = scan_cluster(p + i, len - i);
        if (cluster.cols > max_cols - used)
            break;
        used += cluster.cols;
        i += cluster.length;
    }
    if (cols != NULL)
        *cols = used;
    return i;
}

size_t text_next_grapheme(const char *s, size_t len, int *cols)
{
    if (s == NULL || len == 0) {
        if (cols != NULL)
            *cols = 0;
        return 0;
    }
    struct cluster cluster = scan_cluster((const unsigned char *)s, len);
    if (cols != NULL)
        *cols = cluster.cols;
    return cluster.length;
}

/* True when there is a grapheme break between bytes q - 1 and q whatever
 * precedes them, as far as two bytes can tell: UAX #29 always breaks after
 * and before a control (GB4, GB5) except inside "\r\n" (GB3), and between
 * two ASCII characters (no ASCII character extends, joins, prepends or is
 * a regional indicator or pictograph). An ASCII byte is never part of a
 * multibyte sequence or of an ill-formed one, so q is a decoding boundary. */
static bool is_sure_boundary(const unsigned char *p, size_t q)
{
    unsigned char before = p[q - 1], after = p[q];

    if (before == '\r' && after == '\n')
        return false;
    if (before < 0x80 && after < 0x80)
        return true;
    return before < 0x20 || before == 0x7F || after < 0x20 || after == 0x7F;
}

size_t text_prev_grapheme(const char *s, size_t len, size_t pos)
{
    const unsigned char *p = (const unsigned char *)s;

    if (p == NULL)
        return 0;
    if (pos > len)
        pos = len;
    /* Grapheme breaks can only be found going forward from a known
     * boundary: start from the nearest sure one before pos, else from 0.
     * When no cluster from there ends by pos (pos is inside the cluster
     * that starts there), the answer is the cluster that ends at that
     * boundary: look again from it. */
    for (;;) {
        size_t start = 0;
        for (size_t q = pos > 0 ? pos - 1 : 0; q > 0; q--) {
            if (is_sure_boundary(p, q)) {
                start = q;
                break;
            }
        }
        size_t previous = start;
        bool found = false;
        while (start < pos) {
            struct cluster cluster = scan_cluster(p + start, len - start);
            if (start + cluster.length > pos)
                break;
            previous = start;
            found = true;
            start += cluster.length;
        }
        if (found || previous == 0)
            return previous;
        pos = previous;
    }
}

/* The growing array text_wrap returns. */
struct line_list {
    struct text_line *lines;
    size_t count;
    size_t capacity;
};

static void add_line(struct line_list *list, size_t offset, size_t length, int cols)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 8;
        list->lines = xreallocarray(list->lines, list->capacity, sizeof *list->lines);
    }
    list->lines[list->count++] = (struct text_line){
        .offset = offset,
        .length = length,
        .cols = cols,
    };
}

size_t text_wrap(const char *s, size_t len, int width, struct text_line **lines)
{
    const unsigned char *p = (const unsigned char *)s;
    struct line_list list = {0};
    size_t pos = 0, line_start = 0;
    int line_cols = 0;
    /* The last break opportunity in the current line: just after a space. */
    size_t break_at = 0;
    int break_cols = 0;
    /* Whether the current line is to be emitted even when empty: the first
     * line and the one after '\n' are, the one after a wrap is not. */
    bool pending = true;

    if (p == NULL)
        len = 0;
    if (width < 1)
        width = 1;
    while (pos < len) {
        struct cluster cluster = scan_cluster(p + pos, len - pos);

        if (cluster.newline) {
            if (pending || pos > line_start)
                add_line(&list, line_start, pos - line_start, line_cols);
            pos += cluster.length;
            line_start = pos;
            line_cols = 0;
            break_at = 0;
            pending = true;
            continue;
        }
        if (cluster.cols > width - line_cols) {
            if (cluster.space && pos > line_start) {
                /* The space that overflows becomes the break itself, with
                 * the spaces after it: a line never starts with them. */
                add_line(&list, line_start, pos - line_start, line_cols);
                pos += cluster.length;
                while (pos < len) {
                    struct cluster next = scan_cluster(p + pos, len - pos);
                    if (!next.space)
                        break;
                    pos += next.length;
                }
                line_start = pos;
                line_cols = 0;
                break_at = 0;
                pending = false;
                continue;
            }
            if (break_at > line_start) {
                add_line(&list, line_start, break_at - line_start, break_cols);
                line_start = break_at;
                line_cols -= break_cols;
                break_at = 0;
                pending = false;
                continue; /* the same cluster again, on the new line */
            }
            if (pos > line_start) {
                add_line(&list, line_start, pos - line_start, line_cols);
                line_start = pos;
                line_cols = 0;
                break_at = 0;
                pending = false;
                continue;
            }
            /* A cluster wider than the whole line gets a line of its own:
             * there is nothing else to do with it. */
        }
        line_cols += cluster.cols;
        pos += cluster.length;
        pending = true;
        if (cluster.space) {
            break_at = pos;
            break_cols = line_cols;
        }
    }
    if (pending || pos > line_start || list.count == 0)
        add_line(&list, line_start, pos - line_start, line_cols);
    *lines = list.lines;
    return list.count;
}
