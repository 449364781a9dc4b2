/* tui_run: sets up the terminal (raw keys, bracketed paste, colours) and
 * runs the loop that reads keys with a timeout of refresh_ms, so that
 * changes committed by other processes (store_data_version, or the
 * server's NOTIFY descriptor) show up without a key press, and a database
 * file deleted or replaced under it is noticed; then puts the terminal
 * back, also on a termination signal or when the terminal hangs up (read
 * gives EOF or EIO and poll POLLHUP: the SSH link or the terminal emulator
 * went without a SIGHUP reaching us), which ends the TUI as a SIGHUP does.
 * Changes are read at the pace of tui/pace.h. What a key does is the
 * app's (tui/app.c). */
#include "tui/tui.h"

#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/pace.h"
#include "tui/probe.h"
#include "tui/signals.h"

/* How long the terminal may take to say how wide it draws emoji
 * sequences (one round trip, over SSH too); no answer: drawn safely. */
#define PROBE_TIMEOUT_MS 400

static void write_terminal(const char *sequence)
{
    size_t length = strlen(sequence);
    while (length > 0) {
        ssize_t n = write(STDOUT_FILENO, sequence, length);
        if (n <= 0)
            return;   /* EINTR included: a signal is ending the program */
        sequence += n;
        length -= (size_t)n;
    }
}

void run_bracketed_paste(bool on)
{
    write_terminal(on ? "\033[?2004h" : "\033[?2004l");
}

void run_leave_terminal(void)
{
    def_prog_mode();
    endwin();
    run_bracketed_paste(false);
}

void run_return_terminal(void)
{
    reset_prog_mode();
    run_bracketed_paste(true);
    draw_invalidate();
}

/* With a change descriptor (inotify on a SQLite file, NOTIFY from a
 * server) polling is only the fallback for what it cannot tell: every
 * CHANGE_FALLBACK_MS, or refresh_ms when that is longer. 40 idle sessions
 * polling every 500 ms cost about 0.6% of a core (bench item 9). */
#define CHANGE_FALLBACK_MS 10000

/* Looks for changes (app_poll_changes: reads the views again when other
 * sessions wrote) and notes when that ended, for the pace of the next.
 * A commit announced while the views were read may leave nothing to wake
 * the loop (libpq takes in a NOTIFY that arrives during a query, and the
 * socket is then not readable; it is counted, not lost): asked once more
 * (no round trip: the NOTIFYs counted, SQLite's data_version), a change
 * is left pending, to be read at the pace's next turn. Without this, such
 * a post waited for the 10 s fallback (bench item 9 saw one in 4,000).
 * True when the screen must be drawn again. */
static bool look_for_changes(struct app *app, struct pace *pace)
{
    bool redraw = app_poll_changes(app);
    long now = pace_now_ms();
    pace_ran(pace, now);
    if (session_poll(&app->session) && app->session.stale)
        pace_change(pace, now);
    return redraw;
}

enum wait_outcome {
    WAIT_READ_KEYS,   /* keys came, or a signal, a hangup, the fallback tick */
    WAIT_REDRAW,      /* the views were read again */
    WAIT_AGAIN,       /* a change came too soon after the last reload: later */
};

/* Waits up to timeout_ms for a key or for another session's commit on
 * *change_fd, reading the views again when one came, at the pace of
 * tui/pace.h: a change within PACE_INTERVAL_MS of the last reload is left
 * pending, and the descriptor is not even listened to until that time is
 * up (what else comes meanwhile waits in it), then drained and read in
 * one go: a burst of commits wakes the TUI about twice per interval, not
 * once or more per commit. */
static enum wait_outcome wait_for_key_or_change(struct app *app, struct pace *pace,
                                                int *change_fd, int timeout_ms)
{
    long due = pace_due_in(pace, pace_now_ms());
    struct pollfd fds[2] = {
        { .fd = STDIN_FILENO, .events = POLLIN },
        { .fd = due >= 0 ? -1 : *change_fd, .events = POLLIN },
    };
    int ready = poll(fds, 2, due >= 0 && due < timeout_ms ? (int)due : timeout_ms);
    if (ready < 0 || fds[0].revents != 0 || (ready == 0 && due < 0))
        return WAIT_READ_KEYS;
    if (fds[1].revents != 0 && !pace_change(pace, pace_now_ms()))
        return WAIT_AGAIN;
    if (ready == 0 && pace_due_in(pace, pace_now_ms()) > 0)
        return WAIT_AGAIN;
    store_change_drain(app->session.store);
    look_for_changes(app, pace);
    /* A lost connection has none (the refresh tick polls, and asks again);
     * one that came back has a new descriptor. */
    *change_fd = store_change_fd(app->session.store);
    /* Without one, read keys with a timeout again: at most a second, so
     * that the connection is looked for soon, not at the refresh tick. */
    if (*change_fd < 0)
        wtimeout(stdscr, timeout_ms < SESSION_RECONNECT_MS ? timeout_ms : SESSION_RECONNECT_MS);
    return WAIT_REDRAW;
}

/* Whether the terminal has hung up: asked when no key came, since curses
 * says the same ERR for "no key yet" and for a read that failed. Without
 * it, a terminal gone without a SIGHUP made every wait return at once and
 * the loop spin at full CPU. */
static bool terminal_hung_up(void)
{
    struct pollfd fd = { .fd = STDIN_FILENO, .events = POLLIN };
    return poll(&fd, 1, 0) > 0 && (fd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void restore_terminal(void)
{
    if (!isendwin())
        endwin();
    run_bracketed_paste(false);
}

int tui_run(struct store *store, const struct config *config)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "microblog-tui: the TUI needs a terminal (see --help for commands)\n");
        return 1;
    }
    setlocale(LC_ALL, "");
    tzset();
    signals_install();   /* before newterm, so that curses keeps its hands off */
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) {
        signals_restore();
        const char *term = getenv("TERM");
        /* $TERM is whatever the environment says: no escapes reach the terminal. */
        char *shown = text_sanitize(term != NULL ? term : "", term != NULL ? strlen(term) : 0, 0);
        fprintf(stderr, "microblog-tui: cannot use the terminal type \"%s\"\n", shown);
        free(shown);
        return 1;
    }
    set_term(screen);
    xalloc_set_fail_hook(restore_terminal);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    idlok(stdscr, TRUE);
    set_escdelay(25);
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);
    run_bracketed_paste(true);
    draw_init(config);
    if (draw_utf8()) {
        int widths[PROBE_COUNT];
        write_terminal(probe_request());
        probe_read_answers(widths, PROBE_TIMEOUT_MS);
        draw_use_terminal_widths(widths);
        draw_invalidate();
    }

    int refresh_ms = config->refresh_ms > 0 ? config->refresh_ms : 500;
    if (refresh_ms < 20)
        refresh_ms = 20;
    int fallback_ms = refresh_ms > CHANGE_FALLBACK_MS ? refresh_ms : CHANGE_FALLBACK_MS;
    wtimeout(stdscr, refresh_ms);

    struct app app;
    struct pace pace;
    pace_init(&pace, PACE_INTERVAL_MS);
    app_init(&app, store, config);
    app_relayout(&app);
    look_for_changes(&app, &pace);
    /* A server tells of other sessions' commits on a descriptor (LISTEN/
     * NOTIFY): wait on it beside the keyboard and wake at once, instead of
     * waiting for the next refresh tick. Keys are then read without
     * blocking, after poll() said there are some. */
    int change_fd = store_change_fd(app.session.store);
    if (change_fd >= 0)
        wtimeout(stdscr, 0);
    bool dirty = true, key_just_read = false;
    int exit_status = 0;
    while (!app.quit) {
        if (dirty)
            app_draw_frame(&app);
        dirty = false;
        /* poll() cannot see bytes ncurses already holds (the rest of an
         * escape sequence): after a key, read again before waiting. */
        if (change_fd >= 0 && !key_just_read) {
            enum wait_outcome outcome =
                wait_for_key_or_change(&app, &pace, &change_fd, fallback_ms);
            dirty = outcome == WAIT_REDRAW;
            if (outcome != WAIT_READ_KEYS)
                continue;
        }
        wint_t wch = 0;
        int rc = wget_wch(stdscr, &wch);
        key_just_read = rc != ERR;
        if (signals_pending() != 0)
            break;
        if (rc == ERR && terminal_hung_up()) {
            exit_status = 128 + SIGHUP;   /* as if the SIGHUP had come */
            break;
        }
        if (signals_take_suspend()) {   /* kill -TSTP from outside */
            app_suspend(&app);
            dirty = true;
        }
        if (signals_take_continued()) {   /* after a stop we did not ask for */
            draw_invalidate();
            dirty = true;
        }
        if (rc != ERR) {
            struct key_event event = { .function = rc == KEY_CODE_YES, .code = (int)wch };
            app_handle_key(&app, &event);
            dirty = true;
            if (signals_pending() != 0)
                break;
        }
        if (rc == ERR || session_elapsed_ms(&app.session.last_poll) >= refresh_ms) {
            dirty |= look_for_changes(&app, &pace);
            if (change_fd < 0 && (change_fd = store_change_fd(app.session.store)) >= 0)
                wtimeout(stdscr, 0);
        }
    }
    if (signals_pending() != 0)
        exit_status = 128 + signals_pending();
    endwin();
    run_bracketed_paste(false);
    delscreen(screen);
    xalloc_set_fail_hook(NULL);
    signals_restore();
    app_free(&app);
    return exit_status;
}
