/* Fuzz target: core/when, the dates of `posts --since/--until` and of
 * twtxt and jrnl imports. Whatever the text, a time that is accepted is
 * after the epoch and before the year 9999, a day as --since never comes
 * after the same text as --until, and an accepted time formatted as RFC
 * 3339 with the local offset reads back to the same second. Run in a zone
 * with DST (POSIX rules: no zone database needed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW INT64_C(1795961130) /* 2026-11-29T14:05:30Z */

static void check_round_trip(int64_t seconds)
{
    char text[48];
    int64_t back = 0;
    when_format_rfc3339(seconds, text, sizeof text);
    if (when_parse_timestamp(text, &back, NULL) != MB_OK || back != seconds)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int zone_set;
    if (!zone_set) {
        setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
        tzset();
        zone_set = 1;
    }
    if (size > 256)
        return 0;
    char *text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    struct mb_error err;
    int64_t since = -1, until = -1, stamp = -1;
    enum mb_status s = when_parse(text, WHEN_SINCE, NOW, &since, &err);
    enum mb_status u = when_parse(text, WHEN_UNTIL, NOW, &until, &err);
    enum mb_status t = when_parse_timestamp(text, &stamp, &err);
    if (s == MB_OK) {
        if (since <= 0 || since >= INT64_C(253370764800))
            abort();
        check_round_trip(since);
    }
    if (u == MB_OK) {
        if (until <= 0 || until >= INT64_C(253370764800))
            abort();
        check_round_trip(until);
    }
    if (s == MB_OK && u == MB_OK && since > until)
        abort();
    /* A timestamp is one of the date-time forms: the same instant. */
    if (t == MB_OK && (s != MB_OK || since != stamp || u != MB_OK || until != stamp))
        abort();
    free(text);
    return 0;
}
