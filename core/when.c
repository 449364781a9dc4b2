/* Reading the points in time people write (`--since 7d`, `--until
 * 2026-11-29`) and journal formats carry (twtxt's RFC 3339, jrnl's local
 * date and time), and writing RFC 3339 with the local offset. The rules —
 * which forms exist, what a day means for each bound, the range — are in
 * when.h. Dates are checked against the calendar here (no 2026-02-30),
 * UTC is computed from the civil date directly, and local time goes
 * through mktime, which also settles DST gaps (02:30 on the morning the
 * clocks go forward is read as 03:30). */
#include "core/when.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DAY_SECONDS 86400
/* The first second of 9999-01-01 UTC: later times might format as year
 * 10000 in a zone east of UTC, which nothing here reads back. */
#define WHEN_MAX INT64_C(253370764800)
#define WHEN_HINT "(try 2026-11-29, today, 7d)"
/* The range's lower end: the epoch itself is 0, which means "no bound"
 * and "now" elsewhere. */
#define AT_OR_BEFORE_EPOCH "at or before 1970-01-01T00:00:00Z"
#define TIMESTAMP_HINT "(expected a time like 2026-11-29T14:05:30Z or with an offset +01:00)"

/* A date, a time of day and an offset as written. */
struct civil {
    int year, month, day;
    int hour, minute, second;
    bool has_time;
    bool has_offset;
    int offset_seconds;  /* east of UTC */
};

static bool leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return month == 2 && leap_year(year) ? 29 : days[month - 1];
}

/* Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int year, int month, int day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

/* Reads exactly count digits at *p. */
static bool read_digits(const char **p, int count, int *value)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += count;
    *value = v;
    return true;
}

/* Reads Z, or +hh:mm, +hhmm, +hh (or -). */
static bool read_offset(const char **p, struct civil *c)
{
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        c->has_offset = true;
        c->offset_seconds = 0;
        return true;
    }
    if (**p != '+' && **p != '-')
        return true;
    int sign = **p == '-' ? -1 : 1, hours, minutes = 0;
    (*p)++;
    if (!read_digits(p, 2, &hours))
        return false;
    if (**p == ':') {
        (*p)++;
        if (!read_digits(p, 2, &minutes))
            return false;
    } else if (**p >= '0' && **p <= '9' && !read_digits(p, 2, &minutes)) {
        return false;
    }
    if (hours > 23 || minutes > 59)
        return false;
    c->has_offset = true;
    c->offset_seconds = sign * (hours * 3600 + minutes * 60);
    return true;
}

/* Reads YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.fraction]][offset];
 * the whole text must be used. Ranges are checked by the caller. */
static bool read_civil(const char *text, struct civil *c)
{
    const char *p = text;
    memset(c, 0, sizeof *c);
    if (!read_digits(&p, 4, &c->year) || *p++ != '-' || !read_digits(&p, 2, &c->month)
        || *p++ != '-' || !read_digits(&p, 2, &c->day))
        return false;
    if (*p == '\0')
        return true;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (!read_digits(&p, 2, &c->hour) || *p++ != ':' || !read_digits(&p, 2, &c->minute))
        return false;
    c->has_time = true;
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &c->second))
            return false;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (!read_offset(&p, c))
        return false;
    return *p == '\0';
}

/* Local midnight starting year-month-day (day may run past the month's
 * end: mktime carries it into the next). */
static bool local_midnight(int year, int month, int day, int64_t *out)
{
    struct tm tm = {
        .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_isdst = -1,
    };
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return false;
    *out = (int64_t)t;
    return true;
}

static enum mb_status out_of_range(const char *text, int64_t value, int64_t *out,
                                   struct mb_error *err)
{
    if (value <= 0)
        return mb_fail(err, MB_INVALID, "'%.64s' is " AT_OR_BEFORE_EPOCH, text);
    if (value >= WHEN_MAX)
        return mb_fail(err, MB_INVALID, "'%.64s' is after the year 9998", text);
    *out = value;
    return MB_OK;
}

/* A civil date and time read by read_civil, for bound. */
static enum mb_status civil_seconds(const char *text, const struct civil *c,
                                    enum when_bound bound, int64_t *out, struct mb_error *err)
{
    if (c->month < 1 || c->month > 12 || c->day < 1
        || c->day > days_in_month(c->year, c->month))
        return mb_fail(err, MB_INVALID, "'%.64s' is not a day of the calendar", text);
    if (c->hour > 23 || c->minute > 59 || c->second > 60)
        return mb_fail(err, MB_INVALID, "'%.64s' is not a time of day", text);
    if (c->year < 1970)
        return mb_fail(err, MB_INVALID, "'%.64s' is " AT_OR_BEFORE_EPOCH, text);
    /* A leap second (RFC 3339's :60) has no POSIX time of its own: it is
     * read as the second before it, so it stays in its minute and day. */
    int second = c->second == 60 ? 59 : c->second;
    int64_t value;
    if (!c->has_time) {
        int day = c->day + (bound == WHEN_UNTIL);
        if (!local_midnight(c->year, c->month, day, &value))
            return mb_fail(err, MB_INVALID, "cannot place '%.64s' in the local time zone", text);
    } else if (c->has_offset) {
        value = days_from_civil(c->year, c->month, c->day) * DAY_SECONDS + c->hour * 3600
                + c->minute * 60 + second - c->offset_seconds;
    } else {
        struct tm tm = {
            .tm_year = c->year - 1900, .tm_mon = c->month - 1, .tm_mday = c->day,
            .tm_hour = c->hour, .tm_min = c->minute, .tm_sec = second, .tm_isdst = -1,
        };
        time_t t = mktime(&tm);
        if (t == (time_t)-1)
            return mb_fail(err, MB_INVALID, "cannot place '%.64s' in the local time zone", text);
        value = (int64_t)t;
    }
    return out_of_range(text, value, out, err);
}

/* today (days_back 0) or yesterday (1) as a day, for bound. */
static enum mb_status local_day(const char *text, int days_back, enum when_bound bound,
                                int64_t now, int64_t *out, struct mb_error *err)
{
    time_t t = (time_t)now;
    struct tm tm;
    int64_t value;
    if (localtime_r(&t, &tm) == NULL
        || !local_midnight(tm.tm_year + 1900, tm.tm_mon + 1,
                           tm.tm_mday - days_back + (bound == WHEN_UNTIL), &value))
        return mb_fail(err, MB_INVALID, "cannot place '%.64s' in the local time zone", text);
    return out_of_range(text, value, out, err);
}

/* 7d, 2w, 12h, 30m: at most nine digits, then the unit. */
static bool read_relative(const char *text, int64_t *seconds)
{
    int64_t n = 0;
    size_t i = 0;
    for (; text[i] >= '0' && text[i] <= '9'; i++) {
        if (i == 9)
            return false;
        n = n * 10 + (text[i] - '0');
    }
    if (i == 0 || text[i] == '\0' || text[i + 1] != '\0')
        return false;
    switch (tolower((unsigned char)text[i])) {
    case 'w': *seconds = n * 7 * DAY_SECONDS; return true;
    case 'd': *seconds = n * DAY_SECONDS; return true;
    case 'h': *seconds = n * 3600; return true;
    case 'm': *seconds = n * 60; return true;
    default: return false;
    }
}

enum mb_status when_parse(const char *text, enum when_bound bound, int64_t now,
                          int64_t *out, struct mb_error *err)
{
    struct civil civil;
    int64_t ago;

    if (strcasecmp(text, "now") == 0)
        return out_of_range(text, now, out, err);
    if (strcasecmp(text, "today") == 0)
        return local_day(text, 0, bound, now, out, err);
    if (strcasecmp(text, "yesterday") == 0)
        return local_day(text, 1, bound, now, out, err);
    if (read_relative(text, &ago))
        return out_of_range(text, now - ago, out, err);
    if (read_civil(text, &civil))
        return civil_seconds(text, &civil, bound, out, err);
    return mb_fail(err, MB_INVALID, "cannot read '%.64s' as a date " WHEN_HINT, text);
}

enum mb_status when_parse_timestamp(const char *text, int64_t *out, struct mb_error *err)
{
    struct civil civil;
    if (!read_civil(text, &civil) || !civil.has_time)
        return mb_fail(err, MB_INVALID, "cannot read '%.64s' as a time " TIMESTAMP_HINT, text);
    return civil_seconds(text, &civil, WHEN_SINCE, out, err);
}

void when_format_rfc3339(int64_t seconds, char *buf, size_t size)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    char stamp[24];
    /* An offset with seconds (some zones' local mean time) cannot be
     * written as +hh:mm without losing them: UTC says the same exactly. */
    if (localtime_r(&t, &tm) == NULL || tm.tm_gmtoff % 60 != 0) {
        if (gmtime_r(&t, &tm) == NULL) {
            snprintf(buf, size, "@%lld", (long long)seconds);
            return;
        }
        tm.tm_gmtoff = 0;
    }
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    long offset = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
    snprintf(buf, size, "%s%c%02ld:%02ld", stamp, tm.tm_gmtoff < 0 ? '-' : '+', offset / 3600,
             offset % 3600 / 60);
}
