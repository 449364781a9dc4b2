/* Scans the bytes a program sent to a terminal for what hostile text could
 * smuggle in: OSC, DCS, APC, PM and SOS introducers (ESC ] P _ ^ X), RIS
 * (ESC c), C1 controls as UTF-8 (U+0080..U+009F) or as raw bytes, invalid
 * UTF-8, bidi controls (U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069)
 * and the CSI payloads the tests inject (device status report ESC[6n, title
 * report ESC[21t). In `cli` mode any ESC, BEL or other C0 control but
 * newline and tab is a finding too: the CLI never styles its output. In
 * `tui` mode ESC [ ... is allowed (the TUI moves its cursor with it) but
 * BEL is not. Prints each finding with its offset; exit 1 when any.
 *
 *   term_scan cli|tui FILE */
#include "tests/reliability/rel.h"

static int findings;

static void finding(size_t offset, const char *what)
{
    if (findings++ < 20)
        printf("# offset %zu: %s\n", offset, what);
}

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, or
 * 0 when invalid. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = s[0] & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        rel_die("usage: term_scan cli|tui FILE");
    bool cli = strcmp(argv[1], "cli") == 0;
    FILE *f = fopen(argv[2], "rb");
    if (f == NULL)
        rel_die("cannot open %s", argv[2]);
    size_t size = 0, capacity = 1 << 16;
    unsigned char *data = xmalloc(capacity);
    size_t got;
    while ((got = fread(data + size, 1, capacity - size, f)) > 0) {
        size += got;
        if (size == capacity)
            data = xrealloc(data, capacity *= 2);
    }
    fclose(f);

    for (size_t i = 0; i < size;) {
        unsigned char c = data[i];
        char what[96];
        if (c == 0x1b) {
            unsigned char next = i + 1 < size ? data[i + 1] : 0;
            if (strchr("]P_^Xc", next) != NULL && next != 0) {
                snprintf(what, sizeof what, "ESC %c (string or reset sequence)", next);
                finding(i, what);
            } else if (cli) {
                finding(i, "ESC in CLI output");
            } else if (next == '[') {
                size_t j = i + 2;
                while (j < size && data[j] >= 0x20 && data[j] <= 0x3f)
                    j++;
                size_t params = j - (i + 2);
                if (j < size && ((data[j] == 'n' && params == 1 && data[i + 2] == '6') ||
                                 (data[j] == 't' && params == 2 && memcmp(data + i + 2, "21", 2) == 0)))
                    finding(i, "injected CSI report request (ESC[6n / ESC[21t)");
            }
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            if (c == 0x07 || (cli && c != '\n' && c != '\t') || c == 0x7f) {
                snprintf(what, sizeof what, "control byte 0x%02x", c);
                finding(i, what);
            }
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t len = decode(data + i, size - i, &cp);
        if (len == 0) {
            snprintf(what, sizeof what, "invalid UTF-8 byte 0x%02x%s", c,
                     c >= 0x80 && c <= 0x9f ? " (a raw C1 control)" : "");
            finding(i, what);
            i++;
            continue;
        }
        if (cp >= 0x80 && cp <= 0x9f) {
            snprintf(what, sizeof what, "C1 control U+%04X", (unsigned)cp);
            finding(i, what);
        } else if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
                   (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            snprintf(what, sizeof what, "bidi control U+%04X", (unsigned)cp);
            finding(i, what);
        }
        i += len;
    }
    printf("# %s: %zu bytes scanned, %d findings\n", argv[2], size, findings);
    free(data);
    return findings == 0 ? 0 : 1;
}
