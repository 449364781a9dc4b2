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

/* 50 ms: at most 20 reloads a second however fast others commit (500
 * commits from one sqlite3 process, 0.2 s: 2-4 frames instead of 50-170),
 * while a steady stream keeps the live-update target. Bench item 9 posts
 * every 50-150 ms and deletes each post once it shows, a commit every
 * ~65 ms: with 100 ms, each post waited for the reload its predecessor's
 * deletion had pushed back (95th percentile 95 ms on SQLite, 40 TUIs);
 * with 50 ms, 35 ms (20-22 ms with no pacing; 30 ms: 23 ms). */
#define PACE_INTERVAL_MS 50

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
