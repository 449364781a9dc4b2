/* Unit tests for core/when: every form `posts --since/--until` accepts,
 * what a day means for each bound (since inclusive from the day's first
 * second, until exclusive at the next day's), local time from $TZ across
 * a DST change, the range (nothing at or before the epoch), the one-line
 * messages, and RFC 3339 with the local offset reading back to the same
 * second. The clock is passed in (NOW, a Sunday afternoon) and $TZ is set
 * here, with POSIX rules so that no zone database is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/when.h"

#define NOW INT64_C(1795961130)        /* 2026-11-29T14:05:30Z */
#define DAY INT64_C(86400)
#define MIDNIGHT_UTC INT64_C(1795910400) /* 2026-11-29T00:00:00Z */
#define CET "CET-1CEST,M3.5.0,M10.5.0/3"

static void set_zone(const char *zone)
{
    setenv("TZ", zone, 1);
    tzset();
}

static int utc(void **state)
{
    (void)state;
    set_zone("UTC0");
    return 0;
}

static int64_t parse(const char *text, enum when_bound bound, int64_t now)
{
    struct mb_error err = { { 0 } };
    int64_t out = -42;
    enum mb_status status = when_parse(text, bound, now, &out, &err);
    if (status != MB_OK)
        fail_msg("'%s' refused: %s", text, err.message);
    return out;
}

/* The message for a refused text (static buffer). */
static const char *refusal(const char *text, enum when_bound bound)
{
    static struct mb_error err;
    int64_t out = -42;
    memset(&err, 0, sizeof err);
    if (when_parse(text, bound, NOW, &out, &err) != MB_INVALID)
        fail_msg("'%s' was accepted as %lld", text, (long long)out);
    assert_int_equal(out, -42);
    assert_null(strchr(err.message, '\n'));
    return err.message;
}

static void test_a_date_is_a_whole_day_for_both_bounds(void **state)
{
    (void)state;
    assert_int_equal(parse("2026-11-29", WHEN_SINCE, NOW), MIDNIGHT_UTC);
    assert_int_equal(parse("2026-11-29", WHEN_UNTIL, NOW), MIDNIGHT_UTC + DAY);
    /* The end of a month and of a year carry over. */
    assert_int_equal(parse("2026-11-30", WHEN_UNTIL, NOW), MIDNIGHT_UTC + 2 * DAY);
    assert_int_equal(parse("2026-12-31", WHEN_UNTIL, NOW), parse("2027-01-01", WHEN_SINCE, NOW));
    assert_int_equal(parse("2028-02-29", WHEN_SINCE, NOW), 1835395200);
    assert_int_equal(parse("2028-02-29", WHEN_UNTIL, NOW), parse("2028-03-01", WHEN_SINCE, NOW));
}

static void test_a_date_is_the_local_day(void **state)
{
    (void)state;
    set_zone(CET);  /* UTC+1 in November */
    assert_int_equal(parse("2026-11-29", WHEN_SINCE, NOW), MIDNIGHT_UTC - 3600);
    assert_int_equal(parse("2026-11-29", WHEN_UNTIL, NOW), MIDNIGHT_UTC + DAY - 3600);
    set_zone("JST-9");
    assert_int_equal(parse("2026-11-29", WHEN_SINCE, NOW), MIDNIGHT_UTC - 9 * 3600);
}

static void test_date_times_with_and_without_offsets(void **state)
{
    (void)state;
    set_zone(CET);
    int64_t at = NOW - 30; /* 14:05Z */
    /* Without an offset: local time (15:05 in CET is 14:05Z). */
    assert_int_equal(parse("2026-11-29T15:05", WHEN_SINCE, NOW), at);
    assert_int_equal(parse("2026-11-29 15:05", WHEN_SINCE, NOW), at);
    assert_int_equal(parse("2026-11-29t15:05", WHEN_SINCE, NOW), at);
    assert_int_equal(parse("2026-11-29 15:05:30", WHEN_SINCE, NOW), NOW);
    /* A time is the same instant for both bounds. */
    assert_int_equal(parse("2026-11-29 15:05:30", WHEN_UNTIL, NOW), NOW);
    /* With one, the zone does not matter. */
    assert_int_equal(parse("2026-11-29T14:05:30Z", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("2026-11-29T14:05:30z", WHEN_UNTIL, NOW), NOW);
    assert_int_equal(parse("2026-11-29T14:05Z", WHEN_SINCE, NOW), at);
    assert_int_equal(parse("2026-11-29T15:05:30+01:00", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("2026-11-29T15:05:30+0100", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("2026-11-29T15:05:30+01", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("2026-11-29T08:35:30-05:30", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("2026-11-29 14:05:30Z", WHEN_SINCE, NOW), NOW);
    /* A fraction of a second is dropped. */
    assert_int_equal(parse("2026-11-29T14:05:30.999Z", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("2026-11-29T14:05:30,5+00:00", WHEN_SINCE, NOW), NOW);
}

static void test_today_yesterday_now_are_the_local_day(void **state)
{
    (void)state;
    assert_int_equal(parse("now", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("NOW", WHEN_UNTIL, NOW), NOW);
    assert_int_equal(parse("today", WHEN_SINCE, NOW), MIDNIGHT_UTC);
    assert_int_equal(parse("today", WHEN_UNTIL, NOW), MIDNIGHT_UTC + DAY);
    assert_int_equal(parse("Yesterday", WHEN_SINCE, NOW), MIDNIGHT_UTC - DAY);
    assert_int_equal(parse("yesterday", WHEN_UNTIL, NOW), MIDNIGHT_UTC);
    /* 23:30Z on the 29th is already the 30th in CET: today is the 30th. */
    set_zone(CET);
    int64_t late = MIDNIGHT_UTC + DAY - 1800;
    assert_int_equal(parse("today", WHEN_SINCE, late), MIDNIGHT_UTC + DAY - 3600);
    assert_int_equal(parse("yesterday", WHEN_SINCE, late), MIDNIGHT_UTC - 3600);
    assert_int_equal(parse("yesterday", WHEN_UNTIL, late), MIDNIGHT_UTC + DAY - 3600);
    /* On the first of a month, yesterday is the last of the one before. */
    int64_t first = parse("2026-12-01 10:00", WHEN_SINCE, NOW);
    assert_int_equal(parse("yesterday", WHEN_SINCE, first), parse("2026-11-30", WHEN_SINCE, NOW));
}

static void test_relative_times_count_back_from_now(void **state)
{
    (void)state;
    assert_int_equal(parse("7d", WHEN_SINCE, NOW), NOW - 7 * DAY);
    assert_int_equal(parse("7D", WHEN_UNTIL, NOW), NOW - 7 * DAY);
    assert_int_equal(parse("2w", WHEN_SINCE, NOW), NOW - 14 * DAY);
    assert_int_equal(parse("12h", WHEN_SINCE, NOW), NOW - 12 * 3600);
    assert_int_equal(parse("30m", WHEN_SINCE, NOW), NOW - 30 * 60);
    assert_int_equal(parse("0d", WHEN_SINCE, NOW), NOW);
    assert_int_equal(parse("007d", WHEN_SINCE, NOW), NOW - 7 * DAY);
}

static void test_a_day_across_a_dst_change(void **state)
{
    (void)state;
    set_zone(CET);
    /* 2026-03-29 has 23 hours in CET: midnight is 23:00Z, the next one
     * 22:00Z. */
    assert_int_equal(parse("2026-03-29", WHEN_SINCE, NOW), 1774738800);
    assert_int_equal(parse("2026-03-29", WHEN_UNTIL, NOW), 1774821600);
    /* 02:30 does not exist that morning: read as 03:30 CEST (01:30Z). */
    assert_int_equal(parse("2026-03-29T02:30", WHEN_SINCE, NOW), 1774747800);
    /* Yesterday, seen from the day after, still starts at midnight. */
    assert_int_equal(parse("yesterday", WHEN_SINCE, 1774821600 + 3600), 1774738800);
    assert_int_equal(parse("yesterday", WHEN_UNTIL, 1774821600 + 3600), 1774821600);
}

static void test_unreadable_text_is_refused_with_a_hint(void **state)
{
    (void)state;
    static const char *const unreadable[] = {
        "", "x", "tomorrow", "7", "d", "7y", "-7d", "+7d", "7 d", "7dd", "1234567890d",
        "2026", "2026-11", "2026-1-29", "2026-11-29 ", " 2026-11-29", "2026-11-29T",
        "2026-11-29T14", "2026-11-29T14:5", "2026-11-29T14:05:3", "2026-11-29T14:05:30.",
        "2026-11-29T14:05+", "2026-11-29T14:05+1", "2026-11-29T14:05+01:0",
        "2026-11-29T14:05 Z", "2026-11-29Z", "2026-11-29T14:05ZZ", "26-11-29", "2026/11/29",
    };
    for (size_t i = 0; i < sizeof unreadable / sizeof unreadable[0]; i++) {
        const char *message = refusal(unreadable[i], WHEN_SINCE);
        char expected[200];
        snprintf(expected, sizeof expected,
                 "cannot read '%s' as a date (try 2026-11-29, today, 7d)", unreadable[i]);
        assert_string_equal(message, expected);
    }
}

static void test_impossible_dates_and_times_are_refused(void **state)
{
    (void)state;
    assert_string_equal(refusal("2026-02-29", WHEN_SINCE), "'2026-02-29' is not a day of the calendar");
    assert_string_equal(refusal("2100-02-29", WHEN_UNTIL), "'2100-02-29' is not a day of the calendar");
    assert_string_equal(refusal("2026-02-30", WHEN_SINCE), "'2026-02-30' is not a day of the calendar");
    assert_string_equal(refusal("2026-13-01", WHEN_SINCE), "'2026-13-01' is not a day of the calendar");
    assert_string_equal(refusal("2026-00-10", WHEN_SINCE), "'2026-00-10' is not a day of the calendar");
    assert_string_equal(refusal("2026-11-00", WHEN_SINCE), "'2026-11-00' is not a day of the calendar");
    assert_string_equal(refusal("2026-11-29T24:00", WHEN_SINCE), "'2026-11-29T24:00' is not a time of day");
    assert_string_equal(refusal("2026-11-29T14:60", WHEN_SINCE), "'2026-11-29T14:60' is not a time of day");
    assert_string_equal(refusal("2026-11-29T14:05:61Z", WHEN_SINCE), "'2026-11-29T14:05:61Z' is not a time of day");
    assert_string_equal(refusal("2026-11-29T14:05+24:00", WHEN_SINCE),
                        "cannot read '2026-11-29T14:05+24:00' as a date (try 2026-11-29, today, 7d)");
}

/* RFC 3339 allows a leap second, 23:59:60 (twtxt and jrnl carry what
 * clocks wrote): read as the second before it, in its own day. */
static void test_a_leap_second_reads_as_the_second_before(void **state)
{
    (void)state;
    assert_int_equal(parse("2016-12-31T23:59:60Z", WHEN_SINCE, NOW), INT64_C(1483228799));
    assert_int_equal(parse("2016-12-31T23:59:59Z", WHEN_SINCE, NOW), INT64_C(1483228799));
    assert_int_equal(parse("2017-01-01T00:59:60+01:00", WHEN_SINCE, NOW), INT64_C(1483228799));
    int64_t out = 0;
    struct mb_error err;
    assert_int_equal(when_parse_timestamp("2016-12-31 23:59:60.5Z", &out, &err), MB_OK);
    assert_int_equal(out, INT64_C(1483228799));
    assert_int_equal(when_parse_timestamp("2016-12-31 23:59:60", &out, &err), MB_OK);
    assert_int_equal(out, INT64_C(1483228799));
}

static void test_the_range_starts_after_the_epoch(void **state)
{
    (void)state;
    assert_string_equal(refusal("1969-12-31", WHEN_SINCE), "'1969-12-31' is at or before 1970-01-01T00:00:00Z");
    assert_string_equal(refusal("1970-01-01T00:00:00Z", WHEN_SINCE),
                        "'1970-01-01T00:00:00Z' is at or before 1970-01-01T00:00:00Z");
    assert_int_equal(parse("1970-01-01T00:00:01Z", WHEN_SINCE, NOW), 1);
    /* In UTC the first day would start at 0, which means "no bound". */
    assert_string_equal(refusal("1970-01-01", WHEN_SINCE), "'1970-01-01' is at or before 1970-01-01T00:00:00Z");
    assert_int_equal(parse("1970-01-01", WHEN_UNTIL, NOW), DAY);
    assert_string_equal(refusal("999999999w", WHEN_SINCE), "'999999999w' is at or before 1970-01-01T00:00:00Z");
    assert_int_equal(parse("9998-12-31T23:59:59Z", WHEN_SINCE, NOW), INT64_C(253370764799));
    assert_string_equal(refusal("9999-01-01T00:00:00Z", WHEN_SINCE),
                        "'9999-01-01T00:00:00Z' is after the year 9998");
    /* A long text is cut in the message. */
    char long_text[300];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_true(strlen(refusal(long_text, WHEN_SINCE)) < 140);
}

static void test_timestamps_need_a_time_of_day(void **state)
{
    (void)state;
    struct mb_error err = { { 0 } };
    int64_t out = 0;
    assert_int_equal(when_parse_timestamp("2026-11-29T14:05:30Z", &out, &err), MB_OK);
    assert_int_equal(out, NOW);
    assert_int_equal(when_parse_timestamp("2026-11-29 14:05:30", &out, &err), MB_OK);
    assert_int_equal(out, NOW);
    static const char *const refused[] = { "2026-11-29", "today", "now", "7d", "" };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        out = -42;
        assert_int_equal(when_parse_timestamp(refused[i], &out, &err), MB_INVALID);
        assert_int_equal(out, -42);
        char expected[200];
        snprintf(expected, sizeof expected,
                 "cannot read '%s' as a time (expected a time like 2026-11-29T14:05:30Z or "
                 "with an offset +01:00)", refused[i]);
        assert_string_equal(err.message, expected);
    }
    assert_int_equal(when_parse_timestamp("2026-02-30T10:00Z", &out, &err), MB_INVALID);
    assert_string_equal(err.message, "'2026-02-30T10:00Z' is not a day of the calendar");
}

static void round_trip(int64_t seconds, const char *expected)
{
    char text[40];
    struct mb_error err = { { 0 } };
    int64_t back = 0;
    when_format_rfc3339(seconds, text, sizeof text);
    if (expected != NULL)
        assert_string_equal(text, expected);
    if (when_parse_timestamp(text, &back, &err) != MB_OK)
        fail_msg("'%s' does not read back: %s", text, err.message);
    assert_int_equal(back, seconds);
}

static void test_rfc3339_with_the_local_offset_reads_back(void **state)
{
    (void)state;
    round_trip(NOW, "2026-11-29T14:05:30+00:00");
    set_zone(CET);
    round_trip(NOW, "2026-11-29T15:05:30+01:00");
    round_trip(1774747800, "2026-03-29T03:30:00+02:00");
    for (int64_t t = 1774738800 - 7200; t < 1774821600 + 7200; t += 599)
        round_trip(t, NULL);
    set_zone("EST5");
    round_trip(NOW, "2026-11-29T09:05:30-05:00");
    set_zone("IST-5:30");
    round_trip(NOW, "2026-11-29T19:35:30+05:30");
    /* An offset with seconds cannot be written as +hh:mm: UTC instead. */
    set_zone("LMT-0:09:21");
    round_trip(NOW, "2026-11-29T14:05:30+00:00");
    round_trip(1, "1970-01-01T00:00:01+00:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_a_date_is_a_whole_day_for_both_bounds, utc),
        cmocka_unit_test_setup(test_a_date_is_the_local_day, utc),
        cmocka_unit_test_setup(test_date_times_with_and_without_offsets, utc),
        cmocka_unit_test_setup(test_today_yesterday_now_are_the_local_day, utc),
        cmocka_unit_test_setup(test_relative_times_count_back_from_now, utc),
        cmocka_unit_test_setup(test_a_day_across_a_dst_change, utc),
        cmocka_unit_test_setup(test_unreadable_text_is_refused_with_a_hint, utc),
        cmocka_unit_test_setup(test_impossible_dates_and_times_are_refused, utc),
        cmocka_unit_test_setup(test_a_leap_second_reads_as_the_second_before, utc),
        cmocka_unit_test_setup(test_the_range_starts_after_the_epoch, utc),
        cmocka_unit_test_setup(test_timestamps_need_a_time_of_day, utc),
        cmocka_unit_test_setup(test_rfc3339_with_the_local_offset_reads_back, utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
