/* The draw layer (see draw.h). Widths come from utf8proc through
 * core/text; curses measures with the C library's wcwidth(), the terminal
 * as it likes. Where the C library disagrees about a grapheme (a ZWJ emoji
 * sequence, a skin tone), the cluster goes whole into one curses cell when
 * its first character is as wide as the cluster and the terminal said (at
 * start, tui/probe.c) that it draws such clusters that wide: curses then
 * counts the columns the terminal uses. Otherwise the grapheme is drawn as
 * its first character or U+FFFD, padded with spaces to the width utf8proc
 * gave, so that columns line up however the terminal counts. */
#include "tui/draw.h"

#include <curses.h>
#include <langinfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/text.h"

struct style_spec {
    short foreground;     /* -1: the terminal's default */
    attr_t color_attr;    /* added when colours are on */
    attr_t mono_attr;     /* used alone in monochrome */
};

static const struct style_spec style_specs[STYLE_COUNT] = {
    [STYLE_NORMAL] = { .foreground = -1, .color_attr = A_NORMAL, .mono_attr = A_NORMAL },
    [STYLE_TITLE] = { .foreground = -1, .color_attr = A_BOLD, .mono_attr = A_BOLD },
    [STYLE_AUTHOR] = { .foreground = COLOR_CYAN, .color_attr = A_BOLD, .mono_attr = A_BOLD },
    [STYLE_TIME] = { .foreground = COLOR_YELLOW, .color_attr = A_NORMAL, .mono_attr = A_NORMAL },
    [STYLE_SELECTED] = { .foreground = -1, .color_attr = A_REVERSE, .mono_attr = A_REVERSE },
    [STYLE_SELECTED_IDLE] = { .foreground = -1, .color_attr = A_UNDERLINE,
                              .mono_attr = A_UNDERLINE },
    [STYLE_MARK] = { .foreground = COLOR_GREEN, .color_attr = A_BOLD, .mono_attr = A_BOLD },
    [STYLE_BORDER] = { .foreground = -1, .color_attr = A_NORMAL, .mono_attr = A_NORMAL },
    [STYLE_STATUS] = { .foreground = -1, .color_attr = A_BOLD, .mono_attr = A_BOLD },
    [STYLE_INFO] = { .foreground = COLOR_GREEN, .color_attr = A_NORMAL, .mono_attr = A_NORMAL },
    [STYLE_ERROR] = { .foreground = COLOR_RED, .color_attr = A_BOLD, .mono_attr = A_BOLD },
    [STYLE_WARNING] = { .foreground = COLOR_RED, .color_attr = A_BOLD | A_REVERSE,
                        .mono_attr = A_REVERSE | A_BOLD },
    [STYLE_HINT] = { .foreground = -1, .color_attr = A_DIM, .mono_attr = A_NORMAL },
    [STYLE_MATCH] = { .foreground = COLOR_YELLOW, .color_attr = A_BOLD | A_REVERSE,
                      .mono_attr = A_REVERSE },
};

static bool use_colors;
static bool utf8_terminal;
static attr_t style_attrs[STYLE_COUNT];
static bool cursor_wanted;
static bool cursor_shown = true;   /* unknown at start: hide explicitly */
static int cursor_y, cursor_x;
static bool zwj_whole, modifier_whole, keycap_in_one_cell;

void draw_use_terminal_widths(const int widths[PROBE_COUNT])
{
    zwj_whole = widths[PROBE_ZWJ_SEQUENCE] == 2;
    modifier_whole = widths[PROBE_EMOJI_MODIFIER] == 2;
    keycap_in_one_cell = widths[PROBE_KEYCAP] == 1;
}

static bool no_color_requested(const struct config *config)
{
    if (config != NULL && config->color == CONFIG_COLOR_NEVER)
        return true;
    if (config != NULL && config->color == CONFIG_COLOR_ALWAYS)
        return false;
    const char *no_color = getenv("NO_COLOR");
    return no_color != NULL && no_color[0] != '\0';
}

void draw_init(const struct config *config)
{
    const char *codeset = nl_langinfo(CODESET);
    utf8_terminal = codeset != NULL && strcmp(codeset, "UTF-8") == 0;
    use_colors = false;
    if (!no_color_requested(config) && has_colors() && start_color() == OK &&
        use_default_colors() == OK)
        use_colors = true;
    for (int s = 0; s < STYLE_COUNT; s++) {
        const struct style_spec *spec = &style_specs[s];
        if (!use_colors) {
            style_attrs[s] = spec->mono_attr;
            continue;
        }
        style_attrs[s] = spec->color_attr;
        if (spec->foreground >= 0 && init_pair((short)(s + 1), spec->foreground, -1) == OK)
            style_attrs[s] |= (attr_t)COLOR_PAIR(s + 1);
    }
}

bool draw_utf8(void)
{
    return utf8_terminal;
}

bool draw_colors(void)
{
    return use_colors;
}

void draw_begin(void)
{
    werase(stdscr);
    cursor_wanted = false;
}

void draw_end(void)
{
    if (cursor_wanted) {
        if (!cursor_shown) {
            curs_set(1);
            cursor_shown = true;
        }
        wmove(stdscr, cursor_y, cursor_x);
    } else if (cursor_shown) {
        curs_set(0);
        cursor_shown = false;
    }
    wnoutrefresh(stdscr);
    doupdate();
}

void draw_invalidate(void)
{
    clearok(curscr, TRUE);
}

void draw_cursor_at(int y, int x)
{
    if (y < 0 || x < 0 || y >= LINES || x >= COLS)
        return;
    cursor_wanted = true;
    cursor_y = y;
    cursor_x = x;
}

/* Clips a run of cells to the screen; false when nothing is left. */
static bool clip(int y, int x, int *cols)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || *cols <= 0)
        return false;
    if (*cols > COLS - x)
        *cols = COLS - x;
    return true;
}

/* The width the C library (hence curses and most terminals) gives the
 * grapheme g, and that of its first character; -1 when it has none. */
static int libc_width(const char *g, size_t len, int *first_width, size_t *first_len)
{
    mbstate_t state;
    memset(&state, 0, sizeof state);
    int total = 0;
    size_t pos = 0;
    *first_width = -1;
    *first_len = 0;
    while (pos < len) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, g + pos, len - pos, &state);
        if (n == (size_t)-1 || n == (size_t)-2)
            return -1;
        if (n == 0)
            n = 1;
        int w = wcwidth(wc);
        if (pos == 0) {
            *first_width = w;
            *first_len = n;
        }
        if (w < 0)
            return -1;
        total += w;
        pos += n;
    }
    return total;
}

static void pad(int y, int x, int cols)
{
    for (int i = 0; i < cols; i++)
        mvwaddch(stdscr, y, x + i, ' ');
}

#define ZERO_WIDTH_JOINER 0x200D
#define VARIATION_SELECTOR_16 0xFE0F
#define COMBINING_KEYCAP 0x20E3

static bool is_emoji_modifier(int32_t cp)
{
    return cp >= 0x1F3FB && cp <= 0x1F3FF;
}

/* Puts the code points cps[0..count) into one cell as one character: a
 * spacing character and what follows it (curses' setcchar takes only
 * non-spacing ones after the first, so the rest is filled in here; curses
 * writes every one of them and moves as far as the first one's width). */
static bool put_cell(int y, int x, const int32_t *cps, size_t count)
{
    if (count == 0 || count > CCHARW_MAX)
        return false;
    attr_t attrs;
    short pair;
    wattr_get(stdscr, &attrs, &pair, NULL);
    wchar_t first[2] = { (wchar_t)cps[0], L'\0' };
    cchar_t cell;
    if (setcchar(&cell, first, attrs, pair, NULL) != OK)
        return false;
    for (size_t i = 1; i < count; i++)
        cell.chars[i] = (wchar_t)cps[i];
    return mvwadd_wch(stdscr, y, x, &cell) == OK;
}

/* The clusters the terminal was asked about, drawn whole where it can be:
 * true when drawn. */
static bool draw_disputed(int y, int x, const char *g, size_t len, int cols)
{
    int32_t cps[16];
    size_t count = 0;
    bool joined = false, modified = false;
    size_t pos = 0;
    while (pos < len) {
        int32_t cp;
        if (count == sizeof cps / sizeof cps[0])
            return false;
        size_t n = text_decode(g + pos, len - pos, &cp);
        if (n == 0 || cp < 0)
            return false;
        joined |= cp == ZERO_WIDTH_JOINER;
        modified |= is_emoji_modifier(cp);
        cps[count++] = cp;
        pos += n;
    }
    if (count >= 2 && cps[count - 1] == COMBINING_KEYCAP && keycap_in_one_cell) {
        /* The digit and the keycap, without the emoji selector between. */
        int32_t keycap[2] = { cps[0], COMBINING_KEYCAP };
        if (!put_cell(y, x, keycap, 2))
            return false;
        pad(y, x + 1, cols - 1);
        return true;
    }
    if (wcwidth((wchar_t)cps[0]) != cols || (joined && !zwj_whole) ||
        (modified && !modifier_whole) || (!joined && !modified))
        return false;
    if (count > CCHARW_MAX) {
        /* Leave out the emoji selectors, which the sequence's emoji
         * presentation makes redundant, to fit a cell. */
        size_t kept = 0;
        for (size_t i = 0; i < count; i++)
            if (cps[i] != VARIATION_SELECTOR_16 || i == 0)
                cps[kept++] = cps[i];
        count = kept;
    }
    return put_cell(y, x, cps, count);
}

/* Draws one sanitized grapheme occupying exactly `cols` cells. */
static void draw_grapheme(int y, int x, const char *g, size_t len, int cols)
{
    if (cols <= 0)
        return;   /* a lone combining mark: nothing to place it on */
    /* A joiner at the end (a sequence still being typed) would join the
     * terminal's next character to it, wherever curses writes that one. */
    while (len > 3 && memcmp(g + len - 3, "\xe2\x80\x8d", 3) == 0)
        len -= 3;
    if (!utf8_terminal) {
        mvwaddch(stdscr, y, x, len == 1 && (unsigned char)g[0] < 0x80 ? (chtype)g[0] : '?');
        pad(y, x + 1, cols - 1);
        return;
    }
    int first_width;
    size_t first_len;
    int width = libc_width(g, len, &first_width, &first_len);
    if (width == cols) {
        mvwaddnstr(stdscr, y, x, g, (int)len);
        return;
    }
    if (draw_disputed(y, x, g, len, cols))
        return;
    if (first_width > 0 && first_width <= cols) {
        mvwaddnstr(stdscr, y, x, g, (int)first_len);
        pad(y, x + first_width, cols - first_width);
        return;
    }
    mvwaddstr(stdscr, y, x, "\xef\xbf\xbd");
    pad(y, x + 1, cols - 1);
}

int draw_text(int y, int x, int max_cols, const char *s, size_t len, enum draw_style style)
{
    if (s == NULL || len == 0 || !clip(y, x, &max_cols))
        return 0;
    char *owned = NULL;
    if (!text_is_clean(s, len, 0)) {
        owned = text_sanitize(s, len, 0);
        s = owned;
        len = strlen(owned);
    }
    wattrset(stdscr, style_attrs[style]);
    int col = 0;
    size_t pos = 0;
    while (pos < len) {
        int cols = 0;
        size_t n = text_next_grapheme(s + pos, len - pos, &cols);
        if (n == 0)
            break;
        if (cols < 0)
            cols = 1;
        if (col + cols > max_cols)
            break;
        draw_grapheme(y, x + col, s + pos, n, cols);
        col += cols;
        pos += n;
    }
    wattrset(stdscr, A_NORMAL);
    free(owned);
    return col;
}

int draw_string(int y, int x, int max_cols, const char *s, enum draw_style style)
{
    return s == NULL ? 0 : draw_text(y, x, max_cols, s, strlen(s), style);
}

int draw_string_clipped(int y, int x, int max_cols, const char *s, enum draw_style style)
{
    if (s == NULL || max_cols <= 0)
        return 0;
    char *clean = text_sanitize(s, strlen(s), 0);
    size_t len = strlen(clean);
    int drawn;
    if (text_width(clean, len) <= max_cols) {
        drawn = draw_text(y, x, max_cols, clean, len, style);
    } else {
        int cols = 0;
        size_t fit = text_fit(clean, len, max_cols - 1, &cols);
        drawn = draw_text(y, x, cols, clean, fit, style);
        drawn += draw_string(y, x + drawn, 1, utf8_terminal ? "\u2026" : "~", style);
    }
    free(clean);
    return drawn;
}

int draw_string_right(int y, int x_end, int max_cols, const char *s, enum draw_style style)
{
    if (s == NULL)
        return 0;
    char *clean = text_sanitize(s, strlen(s), 0);
    int cols = 0;
    size_t len = text_fit(clean, strlen(clean), max_cols, &cols);
    int drawn = draw_text(y, x_end - cols, cols, clean, len, style);
    free(clean);
    return drawn;
}

void draw_fill(int y, int x, int cols, enum draw_style style)
{
    if (!clip(y, x, &cols))
        return;
    mvwhline(stdscr, y, x, ' ' | style_attrs[style], cols);
}

void draw_hline(int y, int x, int cols, enum draw_style style)
{
    if (!clip(y, x, &cols))
        return;
    mvwhline(stdscr, y, x, ACS_HLINE | style_attrs[style], cols);
}

void draw_vline(int y, int x, int rows, enum draw_style style)
{
    int one = 1;
    if (rows <= 0 || !clip(y, x, &one))
        return;
    if (rows > LINES - y)
        rows = LINES - y;
    mvwvline(stdscr, y, x, ACS_VLINE | style_attrs[style], rows);
}

void draw_box(struct rect r, enum draw_style style)
{
    if (r.rows < 2 || r.cols < 2)
        return;
    attr_t a = style_attrs[style];
    int bottom = r.y + r.rows - 1, right = r.x + r.cols - 1;
    draw_hline(r.y, r.x + 1, r.cols - 2, style);
    draw_hline(bottom, r.x + 1, r.cols - 2, style);
    draw_vline(r.y + 1, r.x, r.rows - 2, style);
    draw_vline(r.y + 1, right, r.rows - 2, style);
    if (r.y >= 0 && bottom < LINES && r.x >= 0 && right < COLS) {
        mvwaddch(stdscr, r.y, r.x, ACS_ULCORNER | a);
        mvwaddch(stdscr, r.y, right, ACS_URCORNER | a);
        mvwaddch(stdscr, bottom, r.x, ACS_LLCORNER | a);
        mvwaddch(stdscr, bottom, right, ACS_LRCORNER | a);
    }
}
