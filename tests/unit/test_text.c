/* Unit tests for core/text: what counts as valid UTF-8 and as one
 * character (the 140-character rule is counted in code points), the one
 * decoder and encoder (held to utf8proc's verdicts), the one list of
 * dangerous code points and every caller of it (the store's validation,
 * the CLI's JSON, the sanitizer, the compose box) against each other, what
 * the sanitizer lets through to a terminal, and how wide text is drawn and
 * wrapped. Inputs are passed with explicit lengths and, where it matters,
 * without a terminating NUL, as the fuzzers will pass them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "cli/cli.h"
#include "core/text.h"
#include "store/store.h"
#include "tui/edit_buffer.h"

#define GRINNING "\xF0\x9F\x98\x80"               /* U+1F600 */
#define FAMILY "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
#define E_ACUTE_COMBINING "e\xCC\x81"             /* e + U+0301 */
#define NIHON "\xE6\x97\xA5\xE6\x9C\xAC"          /* 日本 */
#define FLAG_FR "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7" /* U+1F1EB U+1F1F7 */
#define HEART_EMOJI "\xE2\x9D\xA4\xEF\xB8\x8F"    /* U+2764 U+FE0F */
#define REPLACEMENT "\xEF\xBF\xBD"

static size_t count_of(const char *s)
{
    size_t count = SIZE_MAX;
    assert_true(text_codepoints(s, strlen(s), &count));
    return count;
}

/* Returns a heap copy of s without its NUL, so that reading one byte past
 * the end is caught by AddressSanitizer. */
static char *unterminated(const char *s, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    return copy;
}

static void test_emoji_count_as_one_code_point_each(void **state)
{
    (void)state;
    char body[141 * 4 + 1] = "";
    for (int i = 0; i < 140; i++)
        strcat(body, GRINNING);
    assert_int_equal(strlen(body), 560);
    assert_int_equal(count_of(body), 140);
    strcat(body, GRINNING);
    assert_int_equal(count_of(body), 141);
}

static void test_counts_mixed_text(void **state)
{
    (void)state;
    assert_int_equal(count_of(""), 0);
    assert_int_equal(count_of("my first post!"), 14);
    assert_int_equal(count_of(NIHON), 2);
    assert_int_equal(count_of(E_ACUTE_COMBINING), 2);
    assert_int_equal(count_of(FAMILY), 5);
}

static void test_nul_is_valid_utf8(void **state)
{
    (void)state;
    size_t count = 0;
    assert_true(text_codepoints("a\0b", 3, &count));
    assert_int_equal(count, 3);
}

static void test_invalid_utf8_is_rejected(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        const char *why;
    } cases[] = {
        {"\xC0\xAF", "overlong '/' in two bytes"},
        {"\xC1\xBF", "overlong in two bytes"},
        {"\xE0\x80\xAF", "overlong '/' in three bytes"},
        {"\xE0\x9F\xBF", "overlong U+07FF in three bytes"},
        {"\xF0\x80\x80\xAF", "overlong '/' in four bytes"},
        {"\xF0\x8F\xBF\xBF", "overlong U+FFFF in four bytes"},
        {"\xED\xA0\x80", "high surrogate U+D800"},
        {"\xED\xBF\xBF", "low surrogate U+DFFF"},
        {"\xED\xA0\xBD\xED\xB8\x80", "CESU-8 surrogate pair"},
        {"\xF4\x90\x80\x80", "U+110000"},
        {"\xF5\x80\x80\x80", "lead byte F5"},
        {"\xFF", "byte FF"},
        {"\x80", "lone continuation byte"},
        {"a\xE6\x97", "truncated three-byte sequence"},
        {"\xF0\x9F\x98", "truncated four-byte sequence"},
        {"\xC3", "truncated two-byte sequence"},
        {"\xE6\x41\xA5", "ASCII inside a sequence"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t count = 12345;
        const char *s = cases[i].bytes;
        if (text_utf8_valid(s, strlen(s)))
            fail_msg("accepted %s", cases[i].why);
        assert_false(text_codepoints(s, strlen(s), &count));
        assert_int_equal(count, 12345); /* untouched on failure */
    }
}

static void test_boundaries_of_valid_utf8(void **state)
{
    (void)state;
    static const char *const valid[] = {
        "\x7F", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
        "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        assert_true(text_utf8_valid(valid[i], strlen(valid[i])));
}

static void test_length_bounds_the_input(void **state)
{
    (void)state;
    /* The length, not a NUL, ends the input: a sequence cut by the length
     * is truncated even when the bytes after it would complete it. */
    assert_false(text_utf8_valid(NIHON, 2));
    assert_true(text_utf8_valid(NIHON, 3));
    char *copy = unterminated(GRINNING, 3);
    assert_false(text_utf8_valid(copy, 3));
    char *clean = text_sanitize(copy, 3, 0);
    assert_string_equal(clean, REPLACEMENT);
    free(clean);
    int cols = -1;
    assert_int_equal(text_next_grapheme(copy, 3, &cols), 3);
    assert_int_equal(cols, 1);
    free(copy);
    assert_true(text_utf8_valid(NULL, 0));
}

/* ---- the one decoder and encoder ------------------------------------- */

/* text_decode against utf8proc_iterate on s[0..len): the same code point
 * when the whole input is one well-formed character, an error otherwise. */
static void assert_decoders_agree(const unsigned char *s, size_t len)
{
    int32_t ours = 0;
    utf8proc_int32_t theirs = 0;
    size_t used = text_decode((const char *)s, len, &ours);
    utf8proc_ssize_t n = utf8proc_iterate(s, (utf8proc_ssize_t)len, &theirs);
    bool ours_whole = ours >= 0 && used == len;
    bool theirs_whole = n == (utf8proc_ssize_t)len && theirs >= 0;
    assert_true(used >= 1 && used <= len);
    if (ours_whole != theirs_whole || (ours_whole && ours != theirs))
        fail_msg("%02X %02X %02X %02X (%zu bytes): text_decode %d in %zu bytes, "
                 "utf8proc_iterate %d in %zd", s[0], len > 1 ? s[1] : 0, len > 2 ? s[2] : 0,
                 len > 3 ? s[3] : 0, len, (int)ours, used, (int)theirs, (ssize_t)n);
}

static void test_decoder_agrees_with_utf8proc(void **state)
{
    (void)state;
    unsigned char s[4];
    static const unsigned char tails[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                           0xA0, 0xBF, 0xC0, 0xF4, 0xFF };
    /* Every sequence of one, two and three bytes... */
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        assert_decoders_agree(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            assert_decoders_agree(s, 2);
            if (a < 0xE0 || a > 0xEF)
                continue; /* three bytes only matter after a three-byte lead */
            for (unsigned c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                assert_decoders_agree(s, 3);
            }
        }
    }
    /* ...and four, after every four-byte lead and beyond. */
    for (unsigned a = 0xF0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++)
            for (size_t c = 0; c < sizeof tails; c++)
                for (size_t d = 0; d < sizeof tails; d++) {
                    s[0] = (unsigned char)a, s[1] = (unsigned char)b;
                    s[2] = tails[c], s[3] = tails[d];
                    assert_decoders_agree(s, 4);
                }
}

static void test_decoder_reports_maximal_subparts(void **state)
{
    (void)state;
    int32_t cp = 0;
    assert_int_equal(text_decode("\xE6\x97" "a", 3, &cp), 2);
    assert_int_equal(cp, -1);
    assert_int_equal(text_decode("\xC0\xAF", 2, &cp), 1);
    assert_int_equal(cp, -1);
    assert_int_equal(text_decode("\xF0\x9F\x98", 3, &cp), 3);
    assert_int_equal(cp, -1);
    assert_int_equal(text_decode("\xED\xA0\x80", 3, &cp), 1); /* a surrogate */
    assert_int_equal(cp, -1);
    assert_int_equal(text_decode(GRINNING "x", 5, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(text_decode("", 0, &cp), 0);
    assert_int_equal(cp, -1);
}

static void test_encoder_round_trips_every_code_point(void **state)
{
    (void)state;
    char out[4];
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        size_t n = text_encode(cp, out);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            assert_int_equal(n, 0);
            continue;
        }
        assert_int_equal(n, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
        int32_t back = -2;
        assert_int_equal(text_decode(out, n, &back), n);
        assert_int_equal(back, cp);
    }
    assert_int_equal(text_encode(0x110000, out), 0);
    assert_int_equal(text_encode(-1, out), 0);
    assert_int_equal(text_encode(INT32_MAX, out), 0);
}

/* ---- the one list of dangerous code points --------------------------- */

/* The list, written out once more on purpose: a change to core/text's list
 * must be made here too, knowingly. */
static enum text_danger expected_danger(int32_t cp)
{
    if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F))
        return TEXT_DANGER_CONTROL;
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069))
        return TEXT_DANGER_BIDI;
    if (cp == 0x2028 || cp == 0x2029)
        return TEXT_DANGER_SEPARATOR;
    if (cp == 0xFEFF)
        return TEXT_DANGER_BYTE_ORDER_MARK;
    return TEXT_SAFE;
}

static void test_the_dangerous_list_is_pinned(void **state)
{
    (void)state;
    size_t dangerous = 0;
    for (int32_t cp = -1; cp <= 0x110001; cp++) {
        enum text_danger got = text_danger(cp);
        enum text_danger want = cp < 0 ? TEXT_SAFE : expected_danger(cp);
        if (got != want)
            fail_msg("U+%04X: class %d, expected %d", (unsigned)cp, got, want);
        dangerous += got != TEXT_SAFE;
    }
    /* 65 controls, 12 bidi controls, 2 separators, 1 byte order mark. */
    assert_int_equal(dangerous, 65 + 12 + 2 + 1);
    assert_int_equal(text_danger(INT32_MIN), TEXT_SAFE);
    assert_int_equal(text_danger(INT32_MAX), TEXT_SAFE);
    assert_int_equal(TEXT_DANGER_TERMINAL & TEXT_DANGER_ANY, TEXT_DANGER_TERMINAL);
}

/* "a" X "b" as a NUL-terminated string, X encoded by text_encode; returns
 * false for surrogates. */
static bool surround(int32_t cp, const char *before, const char *after, char *out)
{
    char utf8[4];
    size_t n = text_encode(cp, utf8);
    if (n == 0)
        return false;
    size_t b = strlen(before);
    memcpy(out, before, b);
    memcpy(out + b, utf8, n);
    strcpy(out + b + n, after);
    return true;
}

/* Every code point through every caller of the list: each must act on
 * exactly the classes it documents, so a caller that kept a list of its
 * own (shorter, longer or stale) fails here. */
static void test_every_caller_uses_the_one_list(void **state)
{
    (void)state;
    char *json = NULL;
    size_t json_size = 0;
    FILE *out = open_memstream(&json, &json_size);
    assert_non_null(out);
    struct edit_buffer draft;
    edit_buffer_init(&draft);
    struct mb_error err;
    char text[16], expected[24];

    /* From U+0001: the callers take NUL-terminated strings. */
    for (int32_t cp = 1; cp <= 0x10FFFF; cp++) {
        if (!surround(cp, "a", "b", text))
            continue;
        enum text_danger danger = text_danger(cp);

        /* JSON escapes every class, and nothing else but '"' and '\'. */
        long start = ftell(out);
        cli_print_json_string(out, text);
        assert_int_equal(fflush(out), 0);
        snprintf(expected, sizeof expected, "\"%s\"", text);
        bool raw = strlen(json + start) == strlen(expected) &&
                   strcmp(json + start, expected) == 0;
        if (raw != (danger == TEXT_SAFE && cp != '"' && cp != '\\'))
            fail_msg("JSON: U+%04X is %s", (unsigned)cp, raw ? "raw" : "escaped");

        /* The terminal: the sanitizer changes exactly TEXT_DANGER_TERMINAL. */
        bool clean = text_is_clean(text, strlen(text), 0);
        if (clean != !(danger & TEXT_DANGER_TERMINAL))
            fail_msg("sanitizer: U+%04X is %s", (unsigned)cp, clean ? "kept" : "replaced");

        /* A post refuses the controls but '\n' and '\t', nothing else. */
        bool body_ok = store_validate_body(text, &err) == MB_OK;
        if (body_ok != !(danger == TEXT_DANGER_CONTROL && cp != '\n' && cp != '\t'))
            fail_msg("post body: U+%04X is %s", (unsigned)cp, body_ok ? "accepted" : "refused");

        /* Names and emails refuse every class; otherwise only spaces, and
         * names also what shows nothing or nothing certain (format,
         * unassigned, private-use characters and blanks that are not
         * spaces: issue 9's review of lookalike names). */
        bool name_ok = store_validate_username(text, &err) == MB_OK;
        bool space = utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == 0x200B;
        int category = utf8proc_category(cp);
        bool invisible = category == UTF8PROC_CATEGORY_CF || category == UTF8PROC_CATEGORY_CN ||
                         category == UTF8PROC_CATEGORY_CO || category == UTF8PROC_CATEGORY_CS ||
                         cp == 0x2800 || cp == 0xFFFC || cp == 0x3164 || cp == 0xFFA0 ||
                         cp == 0x115F || cp == 0x1160 || cp == 0x034F ||
                         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
        bool address_char_ok = danger == TEXT_SAFE && !space;
        if (name_ok != (address_char_ok && !invisible))
            fail_msg("username: U+%04X is %s", (unsigned)cp, name_ok ? "accepted" : "refused");
        if (cp != '@') {
            assert_true(surround(cp, "a", "@b", text));
            bool email_ok = store_validate_email(text, &err) == MB_OK;
            if (email_ok != address_char_ok)
                fail_msg("email: U+%04X is %s", (unsigned)cp, email_ok ? "accepted" : "refused");
        }

        /* The compose box takes what a post may hold, bar the tab. */
        bool typed = edit_buffer_insert_codepoint(&draft, (unsigned long)cp);
        if (typed != (body_ok && cp != '\t'))
            fail_msg("compose: U+%04X is %s", (unsigned)cp, typed ? "accepted" : "refused");
        edit_buffer_clear(&draft);
    }
    edit_buffer_free(&draft);
    fclose(out);
    free(json);
}

static void test_json_escapes(void **state)
{
    (void)state;
    char *json = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&json, &size);
    assert_non_null(out);
    cli_print_json_string(out, "q\"b\\n\n\x1b\xC2\x9B\xE2\x80\xAE\xE2\x80\xA8\xEF\xBB\xBF"
                               "\xE6\x97" "x\xFF" GRINNING);
    fclose(out);
    assert_string_equal(json, "\"q\\\"b\\\\n\\n\\u001b\\u009b\\u202e\\u2028\\ufeff"
                              "\\ufffdx\\ufffd" GRINNING "\"");
    free(json);
}

/* ---- the sanitizer --------------------------------------------------- */

static void assert_sanitized(const char *in, size_t len, unsigned flags, const char *expected)
{
    char *copy = unterminated(in, len);
    char *out = text_sanitize(copy, len, flags);
    assert_string_equal(out, expected);
    assert_true(text_is_clean(out, strlen(out), flags));
    assert_int_equal(text_is_clean(copy, len, flags), strcmp(out, in) == 0 && strlen(in) == len);
    free(out);
    free(copy);
}

static void test_sanitize_keeps_ordinary_text(void **state)
{
    (void)state;
    const char *plain = "Hello, " NIHON " " FAMILY " " E_ACUTE_COMBINING "!";
    assert_sanitized(plain, strlen(plain), 0, plain);
    assert_true(text_is_clean(plain, strlen(plain), 0));
    assert_sanitized("", 0, 0, "");
}

static void test_sanitize_removes_escape_sequences(void **state)
{
    (void)state;
    /* ESC [ 2 J (clear screen), OSC 0 title, OSC 52 clipboard, DCS. */
    assert_sanitized("\x1b[2Jx", 5, 0, REPLACEMENT "[2Jx");
    assert_sanitized("\x1b]0;pwned\x07", 10, 0, REPLACEMENT "]0;pwned" REPLACEMENT);
    assert_sanitized("\x1b]52;c;aGk=\x1b\\", 13, 0,
                     REPLACEMENT "]52;c;aGk=" REPLACEMENT "\\");
    assert_sanitized("\x1bP1$r\x1b\\", 7, 0, REPLACEMENT "P1$r" REPLACEMENT "\\");
}

static void test_sanitize_removes_c1_controls(void **state)
{
    (void)state;
    /* U+009B CSI, U+009D OSC, U+0090 DCS, U+0085 NEL as code points. */
    assert_sanitized("\xC2\x9B" "2J", 4, 0, REPLACEMENT "2J");
    assert_sanitized("\xC2\x9D" "0;t\xC2\x9C", 7, 0, REPLACEMENT "0;t" REPLACEMENT);
    assert_sanitized("\xC2\x90q", 3, 0, REPLACEMENT "q");
    assert_sanitized("\xC2\x85", 2, 0, REPLACEMENT);
    /* The same bytes unencoded are invalid UTF-8: replaced too. */
    assert_sanitized("\x9B" "2J", 3, 0, REPLACEMENT "2J");
    assert_sanitized("\x9D\x90", 2, 0, REPLACEMENT REPLACEMENT);
}

static void test_sanitize_removes_bidi_and_del(void **state)
{
    (void)state;
    assert_sanitized("a\xE2\x80\xAE" "cba", 7, 0, "a" REPLACEMENT "cba");  /* RLO */
    assert_sanitized("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD", 12, 0,
                     REPLACEMENT REPLACEMENT REPLACEMENT REPLACEMENT);
    assert_sanitized("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9", 12, 0,
                     REPLACEMENT REPLACEMENT REPLACEMENT REPLACEMENT); /* isolates */
    assert_sanitized("\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", 8, 0,
                     REPLACEMENT REPLACEMENT REPLACEMENT); /* LRM RLM ALM */
    assert_sanitized("x\x7Fy", 3, 0, "x" REPLACEMENT "y");
    assert_sanitized("\x00\x01\x08", 3, 0, REPLACEMENT REPLACEMENT REPLACEMENT);
}

static void test_sanitize_whitespace(void **state)
{
    (void)state;
    assert_sanitized("a\tb", 3, 0, "a b");
    assert_sanitized("a\r\nb", 4, 0, "a b");
    assert_sanitized("a\r\nb", 4, TEXT_KEEP_NEWLINES, "a\nb");
    assert_sanitized("a\nb\n", 4, TEXT_KEEP_NEWLINES, "a\nb\n");
    assert_sanitized("a\nb", 3, 0, "a b");
    assert_false(text_is_clean("a\nb", 3, 0));
    assert_true(text_is_clean("a\nb", 3, TEXT_KEEP_NEWLINES));
}

static void test_sanitize_replaces_each_maximal_invalid_subpart(void **state)
{
    (void)state;
    /* Unicode's recommended practice: one U+FFFD per maximal subpart. */
    assert_sanitized("\xE6\x97" "a", 3, 0, REPLACEMENT "a");
    assert_sanitized("\xC0\xAF", 2, 0, REPLACEMENT REPLACEMENT);
    assert_sanitized("\xED\xA0\x80", 3, 0, REPLACEMENT REPLACEMENT REPLACEMENT);
    assert_sanitized("\xF4\x90\x80\x80", 4, 0,
                     REPLACEMENT REPLACEMENT REPLACEMENT REPLACEMENT);
    assert_sanitized("\xF0\x9F\x98" GRINNING, 7, 0, REPLACEMENT GRINNING);
}

static void test_sanitize_output_is_always_valid_and_safe(void **state)
{
    (void)state;
    /* Every two-byte combination: the output must be valid UTF-8 with no
     * control character other than nothing at all. */
    unsigned char pair[2];
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            pair[0] = (unsigned char)a;
            pair[1] = (unsigned char)b;
            char *out = text_sanitize((const char *)pair, 2, 0);
            size_t out_len = strlen(out);
            assert_true(text_utf8_valid(out, out_len));
            for (size_t i = 0; i < out_len; i++) {
                unsigned char c = (unsigned char)out[i];
                assert_true(c >= 0x20 && c != 0x7F);
                if (c == 0xC2 && i + 1 < out_len)
                    assert_true((unsigned char)out[i + 1] >= 0xA0);
            }
            free(out);
        }
    }
}

static int width_of(const char *s)
{
    return text_width(s, strlen(s));
}

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(width_of(""), 0);
    assert_int_equal(width_of("a"), 1);
    assert_int_equal(width_of("hello"), 5);
    assert_int_equal(width_of(NIHON), 4);
    assert_int_equal(width_of(GRINNING), 2);
    assert_int_equal(width_of(FAMILY), 2);
    assert_int_equal(width_of(E_ACUTE_COMBINING), 1);
    assert_int_equal(width_of("\xC3\xA9"), 1); /* precomposed é */
    assert_int_equal(width_of(FLAG_FR), 2);
    assert_int_equal(width_of(HEART_EMOJI), 2);
    assert_int_equal(width_of("\xE2\x9D\xA4"), 1); /* text-style heart */
    assert_int_equal(width_of("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8"), 2); /* Hangul L V T */
    assert_int_equal(width_of("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), 2); /* thumbs up, skin tone */
    assert_int_equal(width_of("\xCC\x81"), 0); /* a lone combining mark */
    /* A sequence whose widest member is not its first (white flag, ZWJ,
     * rainbow) is as wide as that member. */
    assert_int_equal(width_of("\xF0\x9F\x8F\xB3\xE2\x80\x8D\xF0\x9F\x8C\x88"), 2);
    assert_int_equal(width_of("a" NIHON GRINNING), 7);
}

static void test_graphemes(void **state)
{
    (void)state;
    int cols = -1;
    assert_int_equal(text_next_grapheme(FAMILY "x", strlen(FAMILY) + 1, &cols), strlen(FAMILY));
    assert_int_equal(cols, 2);
    assert_int_equal(text_next_grapheme(E_ACUTE_COMBINING, 3, &cols), 3);
    assert_int_equal(cols, 1);
    assert_int_equal(text_next_grapheme(FLAG_FR FLAG_FR, 16, &cols), 8);
    assert_int_equal(text_next_grapheme("\r\n", 2, &cols), 2);
    assert_int_equal(text_next_grapheme("", 0, &cols), 0);
    assert_int_equal(cols, 0);
    assert_int_equal(text_next_grapheme("\xFF\xFF", 2, &cols), 1);
    assert_int_equal(cols, 1);

    const char *s = "a" FAMILY E_ACUTE_COMBINING "\nb";
    size_t len = strlen(s);
    size_t family_end = 1 + strlen(FAMILY);
    assert_int_equal(text_prev_grapheme(s, len, 0), 0);
    assert_int_equal(text_prev_grapheme(s, len, 1), 0);
    assert_int_equal(text_prev_grapheme(s, len, family_end), 1);
    assert_int_equal(text_prev_grapheme(s, len, family_end + 3), family_end);
    assert_int_equal(text_prev_grapheme(s, len, family_end + 4), family_end + 3);
    assert_int_equal(text_prev_grapheme(s, len, len), len - 1);
    assert_int_equal(text_prev_grapheme(s, len, len + 10), len - 1);
    /* A position inside a cluster: the cluster before it. */
    assert_int_equal(text_prev_grapheme(s, len, family_end - 1), 0);
    /* "\r\n" is one cluster, even across the line-feed shortcut. */
    assert_int_equal(text_prev_grapheme("ab\r\nc", 5, 4), 2);
    assert_int_equal(text_prev_grapheme("x\nab\r\nc", 7, 6), 4);
}

/* text_prev_grapheme against the definition, computed going forward
 * from 0 with text_next_grapheme, at every byte offset. */
static void test_prev_grapheme_agrees_with_forward_scan(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "ab\r\ncd\n\nx",
        "a" FAMILY "b" FAMILY FAMILY "\n" E_ACUTE_COMBINING "z",
        FLAG_FR FLAG_FR "\xF0\x9F\x87\xAB" "a" FLAG_FR,
        "\xE6\x97\xFF\x80" NIHON "\r\r\n\x1b" HEART_EMOJI "x\xCC\x81\xCC\x81",
        "x" "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8" "y\tz",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *s = texts[t];
        size_t len = strlen(s);
        size_t starts[64], ends[64], n = 0;
        for (size_t pos = 0; pos < len; n++) {
            assert_true(n < 64);
            starts[n] = pos;
            pos += text_next_grapheme(s + pos, len - pos, NULL);
            ends[n] = pos;
        }
        for (size_t pos = 0; pos <= len; pos++) {
            size_t expected = 0;
            for (size_t i = 0; i < n; i++)
                if (ends[i] <= pos)
                    expected = starts[i];
            if (text_prev_grapheme(s, len, pos) != expected)
                fail_msg("text %zu, pos %zu: %zu, expected %zu", t, pos,
                         text_prev_grapheme(s, len, pos), expected);
        }
    }
}

static void test_fit(void **state)
{
    (void)state;
    int cols = -1;
    const char *s = "a" NIHON "b";
    assert_int_equal(text_fit(s, strlen(s), 0, &cols), 0);
    assert_int_equal(cols, 0);
    assert_int_equal(text_fit(s, strlen(s), 2, &cols), 1);
    assert_int_equal(cols, 1);
    assert_int_equal(text_fit(s, strlen(s), 3, &cols), 4);
    assert_int_equal(cols, 3);
    assert_int_equal(text_fit(s, strlen(s), 6, &cols), strlen(s));
    assert_int_equal(cols, 6);
    assert_int_equal(text_fit(s, strlen(s), 100, NULL), strlen(s));
    /* Never splits a cluster: the combining accent stays with its e. */
    assert_int_equal(text_fit("x" E_ACUTE_COMBINING, 4, 1, &cols), 1);
    assert_int_equal(text_fit(FAMILY, strlen(FAMILY), 1, &cols), 0);
    assert_int_equal(text_fit(s, strlen(s), -5, &cols), 0);
}

static size_t wrap(const char *s, int width, struct text_line **lines)
{
    return text_wrap(s, strlen(s), width, lines);
}

static void assert_line(const char *s, const struct text_line *line, const char *expected)
{
    assert_int_equal(line->length, strlen(expected));
    assert_memory_equal(s + line->offset, expected, line->length);
    assert_int_equal(line->cols, text_width(s + line->offset, line->length));
}

static void test_wrap_breaks_after_spaces(void **state)
{
    (void)state;
    struct text_line *lines = NULL;
    const char *s = "the quick brown fox";
    size_t n = wrap(s, 10, &lines);
    assert_int_equal(n, 2);
    assert_line(s, &lines[0], "the quick "); /* the space fits: it stays */
    assert_line(s, &lines[1], "brown fox");
    free(lines);

    s = "aa bb cc";
    n = wrap(s, 7, &lines);
    assert_int_equal(n, 2);
    assert_line(s, &lines[0], "aa bb ");
    assert_line(s, &lines[1], "cc");
    free(lines);
}

static void test_wrap_breaks_long_words_between_graphemes(void **state)
{
    (void)state;
    struct text_line *lines = NULL;
    const char *s = "abcdefgh";
    size_t n = wrap(s, 3, &lines);
    assert_int_equal(n, 3);
    assert_line(s, &lines[0], "abc");
    assert_line(s, &lines[1], "def");
    assert_line(s, &lines[2], "gh");
    free(lines);

    s = E_ACUTE_COMBINING E_ACUTE_COMBINING E_ACUTE_COMBINING;
    n = wrap(s, 2, &lines);
    assert_int_equal(n, 2);
    assert_line(s, &lines[0], E_ACUTE_COMBINING E_ACUTE_COMBINING);
    assert_line(s, &lines[1], E_ACUTE_COMBINING);
    free(lines);
}

static void test_wrap_cjk_at_odd_widths_never_overflows(void **state)
{
    (void)state;
    const char *s = NIHON NIHON NIHON "a" NIHON " " FAMILY FAMILY "b" GRINNING;
    size_t len = strlen(s);
    for (int width = 2; width <= 12; width++) {
        struct text_line *lines = NULL;
        size_t n = text_wrap(s, len, width, &lines);
        size_t covered = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(lines[i].cols <= width);
            assert_int_equal(lines[i].cols, text_width(s + lines[i].offset, lines[i].length));
            assert_true(lines[i].offset >= covered);
            covered = lines[i].offset + lines[i].length;
        }
        free(lines);
    }
    /* At width 3, each line holds one two-cell glyph and a cell unused. */
    struct text_line *lines = NULL;
    const char *cjk = NIHON NIHON;
    size_t n = text_wrap(cjk, strlen(cjk), 3, &lines);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(lines[i].offset, 3 * i);
        assert_int_equal(lines[i].length, 3);
        assert_int_equal(lines[i].cols, 2);
    }
    free(lines);
}

static void test_wrap_newlines_force_breaks(void **state)
{
    (void)state;
    struct text_line *lines = NULL;
    const char *s = "ab\n\ncd\n";
    size_t n = wrap(s, 10, &lines);
    assert_int_equal(n, 4);
    assert_line(s, &lines[0], "ab");
    assert_line(s, &lines[1], "");
    assert_line(s, &lines[2], "cd");
    assert_line(s, &lines[3], "");
    assert_int_equal(lines[3].offset, strlen(s));
    free(lines);

    n = wrap("", 5, &lines);
    assert_int_equal(n, 1);
    assert_int_equal(lines[0].length, 0);
    assert_int_equal(lines[0].cols, 0);
    free(lines);
}

static void test_wrap_drops_the_overflowing_space(void **state)
{
    (void)state;
    struct text_line *lines = NULL;
    const char *s = "abc   def";
    size_t n = wrap(s, 3, &lines);
    assert_int_equal(n, 2);
    assert_line(s, &lines[0], "abc");
    assert_line(s, &lines[1], "def");
    free(lines);

    s = "abc ";
    n = wrap(s, 3, &lines);
    assert_int_equal(n, 1);
    assert_line(s, &lines[0], "abc");
    free(lines);
}

static void test_wrap_too_narrow_for_a_glyph(void **state)
{
    (void)state;
    struct text_line *lines = NULL;
    const char *s = NIHON;
    /* A wide glyph at width 1 gets a line of its own rather than looping. */
    size_t n = wrap(s, 1, &lines);
    assert_int_equal(n, 2);
    assert_int_equal(lines[0].length, 3);
    assert_int_equal(lines[0].cols, 2);
    free(lines);
    n = wrap("abc", 0, &lines); /* treated as width 1 */
    assert_int_equal(n, 3);
    free(lines);
}

static void test_functions_never_read_past_length(void **state)
{
    (void)state;
    /* Every prefix of a mixed string, as an unterminated heap copy. */
    const char *s = "a\xE6\x97\xA5" FAMILY "\r\n" E_ACUTE_COMBINING FLAG_FR "\xF0\x9F\x98 \x1b";
    size_t len = strlen(s);
    for (size_t cut = 0; cut <= len; cut++) {
        char *copy = unterminated(s, cut);
        size_t count;
        int cols;
        struct text_line *lines = NULL;
        (void)text_codepoints(copy, cut, &count);
        free(text_sanitize(copy, cut, TEXT_KEEP_NEWLINES));
        (void)text_is_clean(copy, cut, 0);
        (void)text_width(copy, cut);
        (void)text_fit(copy, cut, 3, &cols);
        for (size_t pos = 0; pos <= cut; pos++)
            assert_true(text_prev_grapheme(copy, cut, pos) <= pos);
        if (cut > 0)
            assert_true(text_next_grapheme(copy, cut, &cols) >= 1);
        size_t n = text_wrap(copy, cut, 4, &lines);
        assert_true(n >= 1);
        free(lines);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emoji_count_as_one_code_point_each),
        cmocka_unit_test(test_counts_mixed_text),
        cmocka_unit_test(test_nul_is_valid_utf8),
        cmocka_unit_test(test_invalid_utf8_is_rejected),
        cmocka_unit_test(test_boundaries_of_valid_utf8),
        cmocka_unit_test(test_length_bounds_the_input),
        cmocka_unit_test(test_decoder_agrees_with_utf8proc),
        cmocka_unit_test(test_decoder_reports_maximal_subparts),
        cmocka_unit_test(test_encoder_round_trips_every_code_point),
        cmocka_unit_test(test_the_dangerous_list_is_pinned),
        cmocka_unit_test(test_every_caller_uses_the_one_list),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_sanitize_keeps_ordinary_text),
        cmocka_unit_test(test_sanitize_removes_escape_sequences),
        cmocka_unit_test(test_sanitize_removes_c1_controls),
        cmocka_unit_test(test_sanitize_removes_bidi_and_del),
        cmocka_unit_test(test_sanitize_whitespace),
        cmocka_unit_test(test_sanitize_replaces_each_maximal_invalid_subpart),
        cmocka_unit_test(test_sanitize_output_is_always_valid_and_safe),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_graphemes),
        cmocka_unit_test(test_prev_grapheme_agrees_with_forward_scan),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_wrap_breaks_after_spaces),
        cmocka_unit_test(test_wrap_breaks_long_words_between_graphemes),
        cmocka_unit_test(test_wrap_cjk_at_odd_widths_never_overflows),
        cmocka_unit_test(test_wrap_newlines_force_breaks),
        cmocka_unit_test(test_wrap_drops_the_overflowing_space),
        cmocka_unit_test(test_wrap_too_narrow_for_a_glyph),
        cmocka_unit_test(test_functions_never_read_past_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
