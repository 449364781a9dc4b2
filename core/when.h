/* Points in time as people write them on a command line and as journal
 * formats carry them: `posts --since WHEN --until WHEN`, the timestamps of
 * twtxt lines and jrnl entries. One parser for all of them, returning
 * seconds since the epoch (UTC), and the one formatter of RFC 3339 times
 * with the local offset (twtxt export) that reads back through it.
 *
 * What WHEN may be:
 *   2026-11-29                 a day, in the local time zone ($TZ)
 *   2026-11-29T14:05           a time of day (T, t or a space between),
 *   2026-11-29 14:05:30        seconds optional, a fraction of a second
 *   2026-11-29T14:05:30.25Z    dropped; Z, or an offset +01:00, +0100 or
 *   2026-11-29T14:05+01:00     +01; without one, local time
 *   today, yesterday           the local day (as a day: see below)
 *   now                        the clock passed in
 *   7d 2w 12h 30m              that long before now (d: 24 hours, w: 7
 *                              days, h: hours, m: minutes)
 *
 * The bounds: since is inclusive and until exclusive, so a post at
 * exactly --until is left out. A day (a bare date, today, yesterday)
 * means the whole day for either bound: as WHEN_SINCE it is the day's
 * first second, as WHEN_UNTIL the first second of the next day, so that
 * `--until 2026-11-29` includes all of the 29th and `--since yesterday
 * --until yesterday` is exactly yesterday. Every other form is the same
 * instant for both bounds.
 *
 * Only 1970-01-01T00:00:01Z and later is accepted (up to the year 9999),
 * nothing at or before the epoch: 0 means "no bound" in struct post_filter
 * and "now" to store_post_add. A leap second (23:59:60, RFC 3339) reads as
 * the second before it. */
#ifndef CORE_WHEN_H
#define CORE_WHEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

enum when_bound {
    WHEN_SINCE,  /* a day starts at its first second */
    WHEN_UNTIL,  /* a day ends at the next day's first second (exclusive) */
};

/* Parses WHEN text (every form above) for bound, with now as the clock
 * (seconds since the epoch) for today, yesterday, now and the relative
 * forms. MB_OK with *out set; MB_INVALID with err saying why in a phrase
 * that names the text ("cannot read 'x' as a date (try 2026-11-29, today,
 * 7d)"), *out untouched. Local time is $TZ's, read by localtime_r and
 * mktime. */
enum mb_status when_parse(const char *text, enum when_bound bound, int64_t now,
                          int64_t *out, struct mb_error *err);

/* Parses only an absolute date and time: the date-time forms above (a
 * time of day is required), as twtxt and jrnl carry them. Same results
 * and messages as when_parse. */
enum mb_status when_parse_timestamp(const char *text, int64_t *out, struct mb_error *err);

/* Formats seconds as RFC 3339 in the local time zone with its offset,
 * "2026-11-29T14:05:30+01:00" ("+00:00" in UTC), into buf (at least 32
 * bytes). when_parse_timestamp reads it back to the same second. */
void when_format_rfc3339(int64_t seconds, char *buf, size_t size);

#endif
