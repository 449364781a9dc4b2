/* The pace of the reloads that other sessions' commits cause. Every
 * commit by anyone wakes every TUI (inotify, NOTIFY), and reading the
 * views again at each one made a burst (an import, a flood from someone
 * one has muted) cost each TUI a reload per commit. The first change
 * after a quiet spell is read at once, so that a single post shows within
 * the live-update target (50 ms); after that, the next change waits until
 * PACE_INTERVAL_MS have passed since the last reload ended, and all that
 * came meanwhile is read in one go. Arithmetic on a monotonic clock in
 * milliseconds, so that the rule can be unit-tested; tui/run.c keeps one
 * and asks it. Internal to tui/. */
#ifndef TUI_PACE_H
#define TUI_PACE_H

#include <stdbool.h>

/* 100 ms: a burst of 50 commits as fast as they go costs a handful of
 * reloads, and a post arriving 50-150 ms after the previous change (as in
 * bench item 9, where each post is deleted again) is seldom held back. */
#define PACE_INTERVAL_MS 100

struct pace {
    long interval_ms;
    long last_ms;    /* when the last reload ended */
    bool ran;        /* one has */
    bool pending;    /* a change came and waits for its reload */
};

void pace_init(struct pace *pace, long interval_ms);

/* Now on CLOCK_MONOTONIC, in milliseconds. */
long pace_now_ms(void);

/* A change was announced at now_ms. True when it may be read now (the
 * caller reads it, then calls pace_ran); false when it must wait (it is
 * then pending: pace_due_in says until when). */
bool pace_change(struct pace *pace, long now_ms);

/* Milliseconds from now_ms until the pending change is due (0: it is),
 * or -1 when none is pending. */
long pace_due_in(const struct pace *pace, long now_ms);

/* The changes were read (a reload, whatever asked for it) and it ended
 * at now_ms: nothing is pending any more. */
void pace_ran(struct pace *pace, long now_ms);

#endif
