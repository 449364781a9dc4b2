/* Unit tests for tui/layout and the key table: every terminal size from
 * 1x1 to 250x80 gives rects inside the screen that do not overlap; the
 * users pane sits beside the timeline from 80 columns and is stacked
 * below; and the help text is generated from the same table as the
 * bindings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "tui/keys.h"
#include "tui/layout.h"

static bool inside(struct rect r, int rows, int cols)
{
    return r.y >= 0 && r.x >= 0 && r.y + r.rows <= rows && r.x + r.cols <= cols;
}

static bool overlap(struct rect a, struct rect b)
{
    if (!layout_rect_visible(a) || !layout_rect_visible(b))
        return false;
    return a.x < b.x + b.cols && b.x < a.x + a.cols && a.y < b.y + b.rows && b.y < a.y + a.rows;
}

static void test_every_size_is_consistent(void **state)
{
    (void)state;
    for (int rows = 1; rows <= 80; rows++) {
        for (int cols = 1; cols <= 250; cols++) {
            for (int focus = 0; focus < 2; focus++) {
                struct layout l;
                layout_compute(rows, cols, focus == 1, &l);
                assert_true(inside(l.status, rows, cols));
                assert_int_equal(l.status.y, rows - 1);
                if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
                    assert_true(l.too_small);
                    continue;
                }
                assert_false(l.too_small);
                struct rect all[] = { l.users, l.separator, l.timeline, l.compose, l.status };
                size_t n = sizeof all / sizeof all[0];
                for (size_t i = 0; i < n; i++) {
                    assert_true(inside(all[i], rows, cols));
                    for (size_t j = i + 1; j < n; j++)
                        assert_false(overlap(all[i], all[j]));
                }
                assert_true(l.compose.rows >= 2);
                assert_true(l.users_visible || l.timeline_visible);
                if (l.users_visible)
                    assert_true(l.users.rows >= 2 && l.users.cols >= 1);
                if (l.timeline_visible)
                    assert_true(l.timeline.rows >= 2 && l.timeline.cols >= 1);
            }
        }
    }
}

static void test_side_by_side_from_80_columns(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(24, 80, false, &l);
    assert_true(l.side_by_side && l.users_visible && l.timeline_visible);
    assert_int_equal(l.users.cols + 1 + l.timeline.cols, 80);
    assert_int_equal(l.separator.x, l.users.cols);
    assert_int_equal(l.users.rows + l.compose.rows + 1, 24);

    layout_compute(24, 79, false, &l);
    assert_false(l.side_by_side);
    assert_true(l.timeline_visible);
    assert_false(l.users_visible);
    assert_int_equal(l.timeline.cols, 79);
    layout_compute(24, 79, true, &l);
    assert_true(l.users_visible);
    assert_false(l.timeline_visible);
}

static void test_smallest_usable_size(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(6, 20, false, &l);
    assert_false(l.too_small);
    assert_int_equal(l.timeline.rows, 3);   /* title + two rows of posts */
    assert_int_equal(l.compose.rows, 2);    /* title + one row of draft */
    layout_compute(5, 20, false, &l);
    assert_true(l.too_small);
    layout_compute(6, 19, false, &l);
    assert_true(l.too_small);
    layout_compute(0, 0, false, &l);
    assert_true(l.too_small);
}

/* The compose box grows up to a third of the screen, never over the
 * status line or off the screen, and the lists give up what it takes. */
static void test_compose_grows_to_a_limit(void **state)
{
    (void)state;
    for (int rows = 1; rows <= 80; rows++) {
        for (int cols = 1; cols <= 120; cols += 7) {
            for (int want = 0; want <= 40; want += 3) {
                struct layout before, l;
                layout_compute(rows, cols, false, &before);
                l = before;
                layout_grow_compose(&l, want);
                assert_true(inside(l.compose, rows, cols) || l.too_small);
                assert_false(overlap(l.compose, l.status));
                assert_false(overlap(l.compose, l.timeline));
                assert_false(overlap(l.compose, l.users));
                assert_true(l.compose.rows >= before.compose.rows);
                if (!l.too_small && l.compose.rows > before.compose.rows)
                    assert_true(l.compose.rows - 1 <= (rows - 1) / 3 && l.compose.rows - 1 <= want);
                if (!l.too_small)
                    assert_int_equal(l.compose.y + l.compose.rows, rows - 1);
            }
        }
    }
    struct layout l;
    layout_compute(24, 80, false, &l);
    layout_grow_compose(&l, 6);
    assert_int_equal(l.compose.rows, 7);
    assert_int_equal(l.timeline.rows, 23 - 7);
    layout_grow_compose(&l, 50);
    assert_int_equal(l.compose.rows, 1 + 23 / 3);
}

static void test_keys_lookup_by_scope(void **state)
{
    (void)state;
    struct key_event j = { .function = false, .code = 'j' };
    struct key_event ctrl_u = { .function = false, .code = 0x15 };
    struct key_event down = { .function = true, .code = KEY_DOWN };
    struct key_event enter = { .function = false, .code = '\r' };
    assert_int_equal(keys_lookup(KEY_SCOPE_LIST | KEY_SCOPE_GLOBAL, &j), ACTION_DOWN);
    assert_int_equal(keys_lookup(KEY_SCOPE_COMPOSE, &j), ACTION_NONE);   /* typed text */
    assert_int_equal(keys_lookup(KEY_SCOPE_LIST, &down), ACTION_DOWN);
    assert_int_equal(keys_lookup(KEY_SCOPE_LIST, &ctrl_u), ACTION_PAGE_UP);
    assert_int_equal(keys_lookup(KEY_SCOPE_COMPOSE, &ctrl_u), ACTION_KILL_TO_START);
    assert_int_equal(keys_lookup(KEY_SCOPE_USERS, &enter), ACTION_CHOOSE);
    assert_int_equal(keys_lookup(KEY_SCOPE_COMPOSE, &enter), ACTION_POST);
}

static void test_help_comes_from_the_table(void **state)
{
    (void)state;
    char *lines[256];
    size_t n = keys_help_lines(lines, 256, ACTION_NONE);
    assert_true(n > 10 && n < 256);
    /* Every binding with help text appears, with all its key names. */
    for (size_t i = 0; i < keys_table_count; i++) {
        if (keys_table[i].help == NULL)
            continue;
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strstr(lines[k], keys_table[i].help) != NULL &&
                    strstr(lines[k], keys_table[i].name) != NULL;
        assert_true(found);
    }
    bool merged = false;
    for (size_t k = 0; k < n; k++)
        merged |= strstr(lines[k], "j, Down") != NULL;
    assert_true(merged);
    for (size_t k = 0; k < n; k++)
        free(lines[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_size_is_consistent),
        cmocka_unit_test(test_side_by_side_from_80_columns),
        cmocka_unit_test(test_smallest_usable_size),
        cmocka_unit_test(test_compose_grows_to_a_limit),
        cmocka_unit_test(test_keys_lookup_by_scope),
        cmocka_unit_test(test_help_comes_from_the_table),
    };
    return cmocka_run_group_tests_name("tui_layout", tests, NULL, NULL);
}
