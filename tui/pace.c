/* The pace of the reloads other sessions' commits cause (see pace.h). */
#include "tui/pace.h"

#include <time.h>

void pace_init(struct pace *pace, long interval_ms)
{
    *pace = (struct pace){ .interval_ms = interval_ms };
}

long pace_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

bool pace_change(struct pace *pace, long now_ms)
{
    if (!pace->ran || now_ms - pace->last_ms >= pace->interval_ms)
        return true;
    pace->pending = true;
    return false;
}

long pace_due_in(const struct pace *pace, long now_ms)
{
    if (!pace->pending)
        return -1;
    long due = pace->last_ms + pace->interval_ms - now_ms;
    return due > 0 ? due : 0;
}

void pace_ran(struct pace *pace, long now_ms)
{
    pace->ran = true;
    pace->last_ms = now_ms;
    pace->pending = false;
}
