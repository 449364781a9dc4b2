/* Unit tests for tui/pace, the pace of the reloads other sessions'
 * commits cause: the first change after a quiet spell is read at once
 * (a single post within the 50 ms live-update target), a change within
 * the interval after a reload waits until the interval is up, and a burst
 * of commits as fast as they come costs one reload per interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tui/pace.h"

static void test_first_change_is_read_at_once(void **state)
{
    (void)state;
    struct pace pace;
    pace_init(&pace, PACE_INTERVAL_MS);
    assert_int_equal(pace_due_in(&pace, 5000), -1);
    assert_true(pace_change(&pace, 5000));
    pace_ran(&pace, 5002);
    /* Quiet since: the next one too. */
    assert_true(pace_change(&pace, 5002 + PACE_INTERVAL_MS));
    assert_int_equal(pace_due_in(&pace, 5002 + PACE_INTERVAL_MS), -1);
}

static void test_change_soon_after_a_reload_waits(void **state)
{
    (void)state;
    struct pace pace;
    pace_init(&pace, 100);
    pace_ran(&pace, 1000);   /* a reload ended at 1000 */
    assert_false(pace_change(&pace, 1030));
    assert_int_equal(pace_due_in(&pace, 1030), 70);
    /* More changes meanwhile change nothing: still due at 1100. */
    assert_false(pace_change(&pace, 1060));
    assert_int_equal(pace_due_in(&pace, 1060), 40);
    assert_int_equal(pace_due_in(&pace, 1100), 0);
    assert_int_equal(pace_due_in(&pace, 1250), 0);   /* overdue: now */
    /* Read (the timer, or a key that looked for changes): none pending. */
    pace_ran(&pace, 1101);
    assert_int_equal(pace_due_in(&pace, 1101), -1);
    assert_false(pace_change(&pace, 1150));
    assert_int_equal(pace_due_in(&pace, 1150), 51);
}

/* 500 commits 2 ms apart (a second of them), each reload taking 3 ms:
 * the loop of tui/run.c reads at once when allowed, else when due. */
static void test_burst_costs_a_reload_per_interval(void **state)
{
    (void)state;
    struct pace pace;
    pace_init(&pace, PACE_INTERVAL_MS);
    int reloads = 0;
    long last_commit = 0, read_up_to = -1;
    for (long now = 0; now <= 1200; now++) {
        bool commit = now < 1000 && now % 2 == 0;
        if (commit)
            last_commit = now;
        bool read = commit && pace_change(&pace, now);
        if (!read && pace_due_in(&pace, now) == 0)
            read = true;
        if (read) {
            reloads++;
            read_up_to = now;
            pace_ran(&pace, now + 3);
            now += 3;
        }
    }
    assert_true(reloads >= 9);
    assert_true(reloads <= 1000 / PACE_INTERVAL_MS + 2);
    /* The last commit is read within an interval. */
    assert_true(read_up_to >= last_commit);
    assert_true(read_up_to - last_commit <= PACE_INTERVAL_MS + 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_change_is_read_at_once),
        cmocka_unit_test(test_change_soon_after_a_reload_waits),
        cmocka_unit_test(test_burst_costs_a_reload_per_interval),
    };
    return cmocka_run_group_tests_name("tui_pace", tests, NULL, NULL);
}
