/* Unit tests for tui/edit_buffer: the readline-style edits of the compose
 * box and the prompts, moving and deleting by grapheme cluster, and the
 * code-point count that must match the store's 140-character rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "tui/edit_buffer.h"

#define FAMILY "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
#define E_ACUTE_COMBINING "e\xCC\x81"

static void set(struct edit_buffer *b, const char *text, size_t cursor)
{
    edit_buffer_set(b, text, strlen(text));
    b->cursor = cursor;
}

static void test_insert_and_cursor(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    edit_buffer_insert(&b, "helo", 4);
    assert_int_equal(b.cursor, 4);
    b.cursor = 3;
    assert_true(edit_buffer_insert_codepoint(&b, 'l'));
    assert_string_equal(b.text, "hello");
    assert_int_equal(b.cursor, 4);
    assert_true(edit_buffer_insert_codepoint(&b, 0x65e5));   /* 日 */
    assert_string_equal(b.text, "hell\xE6\x97\xA5o");
    assert_true(edit_buffer_insert_codepoint(&b, 0x1F600));
    assert_int_equal(b.length, 5 + 3 + 4);
    edit_buffer_free(&b);
}

static void test_insert_refuses_controls(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    assert_false(edit_buffer_insert_codepoint(&b, 0x1b));     /* ESC */
    assert_false(edit_buffer_insert_codepoint(&b, 0x07));     /* BEL */
    assert_false(edit_buffer_insert_codepoint(&b, 0x7f));     /* DEL */
    assert_false(edit_buffer_insert_codepoint(&b, 0x9b));     /* C1 CSI */
    assert_false(edit_buffer_insert_codepoint(&b, 0xd800));   /* surrogate */
    assert_false(edit_buffer_insert_codepoint(&b, 0x110000));
    assert_true(edit_buffer_insert_codepoint(&b, '\n'));
    assert_string_equal(b.text, "\n");
    edit_buffer_free(&b);
}

static void test_insert_encodes_each_length(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    /* The last and first code point of each UTF-8 length. */
    static const struct {
        unsigned long cp;
        const char *utf8;
    } cases[] = {
        { 0x7E, "~" },                      { 0xA0, "\xC2\xA0" },
        { 0x7FF, "\xDF\xBF" },             { 0x800, "\xE0\xA0\x80" },
        { 0xD7FF, "\xED\x9F\xBF" },        { 0xE000, "\xEE\x80\x80" },
        { 0xFFFF, "\xEF\xBF\xBF" },        { 0x10000, "\xF0\x90\x80\x80" },
        { 0x10FFFF, "\xF4\x8F\xBF\xBF" },
        { 0x202E, "\xE2\x80\xAE" }, /* RLO: a post may hold it; it is shown replaced */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        edit_buffer_clear(&b);
        assert_true(edit_buffer_insert_codepoint(&b, cases[i].cp));
        assert_string_equal(b.text, cases[i].utf8);
        assert_int_equal(b.length, strlen(cases[i].utf8));
    }
    assert_false(edit_buffer_insert_codepoint(&b, 0xDFFF));
    assert_false(edit_buffer_insert_codepoint(&b, 0xFFFFFFFFul));
    assert_false(edit_buffer_insert_codepoint(&b, '\t'));
    assert_false(edit_buffer_insert_codepoint(&b, 0x85)); /* NEL, a C1 control */
    edit_buffer_free(&b);
}

static void test_grows_past_initial_capacity(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    for (int i = 0; i < 1000; i++)
        assert_true(edit_buffer_insert_codepoint(&b, 'a' + (unsigned long)(i % 26)));
    assert_int_equal(b.length, 1000);
    assert_int_equal(strlen(b.text), 1000);
    assert_int_equal(b.text[26], 'a');
    edit_buffer_free(&b);
}

static void test_moves_by_grapheme(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    set(&b, "a" FAMILY E_ACUTE_COMBINING "z", 0);
    assert_true(edit_buffer_right(&b));
    assert_int_equal(b.cursor, 1);
    assert_true(edit_buffer_right(&b));                        /* the whole family */
    assert_int_equal(b.cursor, 1 + strlen(FAMILY));
    assert_true(edit_buffer_right(&b));                        /* e + combining acute */
    assert_int_equal(b.cursor, 1 + strlen(FAMILY) + 3);
    assert_true(edit_buffer_left(&b));
    assert_int_equal(b.cursor, 1 + strlen(FAMILY));
    assert_true(edit_buffer_backspace(&b));                    /* removes the family */
    assert_string_equal(b.text, "a" E_ACUTE_COMBINING "z");
    assert_true(edit_buffer_delete(&b));                       /* removes é as one */
    assert_string_equal(b.text, "az");
    b.cursor = 0;
    assert_false(edit_buffer_left(&b));
    assert_false(edit_buffer_backspace(&b));
    b.cursor = b.length;
    assert_false(edit_buffer_right(&b));
    assert_false(edit_buffer_delete(&b));
    edit_buffer_free(&b);
}

static void test_line_start_end_on_multiline(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    set(&b, "first\nsecond line\nthird", 9);   /* inside "second" */
    assert_true(edit_buffer_line_start(&b));
    assert_int_equal(b.cursor, 6);
    assert_false(edit_buffer_line_start(&b));
    assert_true(edit_buffer_line_end(&b));
    assert_int_equal(b.cursor, 17);
    edit_buffer_free(&b);
}

static void test_kill_to_end_and_join(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    set(&b, "one two\nthree", 3);
    assert_true(edit_buffer_kill_to_end(&b));
    assert_string_equal(b.text, "one\nthree");
    assert_true(edit_buffer_kill_to_end(&b));   /* at the end of a line: join */
    assert_string_equal(b.text, "onethree");
    b.cursor = b.length;
    assert_false(edit_buffer_kill_to_end(&b));
    edit_buffer_free(&b);
}

static void test_kill_to_start(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    set(&b, "keep\ndrop this|rest", 14);
    assert_true(edit_buffer_kill_to_start(&b));
    assert_string_equal(b.text, "keep\n|rest");
    assert_int_equal(b.cursor, 5);
    assert_false(edit_buffer_kill_to_start(&b));
    edit_buffer_free(&b);
}

static void test_kill_word(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    set(&b, "hello big   world", 17);
    assert_true(edit_buffer_kill_word(&b));
    assert_string_equal(b.text, "hello big   ");
    assert_true(edit_buffer_kill_word(&b));   /* trailing spaces, then "big" */
    assert_string_equal(b.text, "hello ");
    assert_true(edit_buffer_kill_word(&b));
    assert_string_equal(b.text, "");
    assert_false(edit_buffer_kill_word(&b));
    edit_buffer_free(&b);
}

static void test_counts_code_points_as_the_store(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    set(&b, FAMILY, 0);
    assert_int_equal(edit_buffer_codepoints(&b), 5);   /* 3 people + 2 ZWJ */
    char body[4 * STORE_BODY_MAX + 8] = "";
    for (int i = 0; i < STORE_BODY_MAX; i++)
        strcat(body, "\xE6\x97\xA5");
    set(&b, body, 0);
    assert_int_equal(edit_buffer_codepoints(&b), STORE_BODY_MAX);
    assert_int_equal(store_validate_body(b.text, NULL), MB_OK);
    strcat(body, "x");
    set(&b, body, 0);
    assert_int_equal(edit_buffer_codepoints(&b), STORE_BODY_MAX + 1);
    assert_int_not_equal(store_validate_body(b.text, NULL), MB_OK);
    /* Text from an editor may be ill-formed: each maximal ill-formed
     * subsequence counts as the one U+FFFD shown for it. */
    set(&b, "a\xE6\x97" "b\xFF\x80\xF0\x9F\x98", 0);
    assert_int_equal(edit_buffer_codepoints(&b), 6);
    edit_buffer_free(&b);
}

static void test_blank_and_clear(void **state)
{
    (void)state;
    struct edit_buffer b;
    edit_buffer_init(&b);
    assert_true(edit_buffer_blank(&b));
    set(&b, "  \n \t", 0);
    assert_true(edit_buffer_blank(&b));
    set(&b, " x ", 0);
    assert_false(edit_buffer_blank(&b));
    char *old = b.text;
    edit_buffer_clear(&b);
    assert_int_equal(b.length, 0);
    assert_ptr_equal(b.text, old);
    assert_int_equal(old[1], 0);   /* wiped, not just truncated */
    edit_buffer_free(&b);
    assert_null(b.text);
    edit_buffer_free(&b);          /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_and_cursor),
        cmocka_unit_test(test_insert_refuses_controls),
        cmocka_unit_test(test_insert_encodes_each_length),
        cmocka_unit_test(test_grows_past_initial_capacity),
        cmocka_unit_test(test_moves_by_grapheme),
        cmocka_unit_test(test_line_start_end_on_multiline),
        cmocka_unit_test(test_kill_to_end_and_join),
        cmocka_unit_test(test_kill_to_start),
        cmocka_unit_test(test_kill_word),
        cmocka_unit_test(test_counts_code_points_as_the_store),
        cmocka_unit_test(test_blank_and_clear),
    };
    return cmocka_run_group_tests_name("tui_edit_buffer", tests, NULL, NULL);
}
