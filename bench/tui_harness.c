/* Drives the real TUI in a pseudo-terminal and times what a user sees:
 * start to first complete frame, the latency and the bytes of one scroll
 * step, and the peak RSS of the whole session.
 *
 * The child runs in a pty of COLSxROWS with the benchmarks' clean
 * environment under HOME=DIR (bench/pty.h says which). Everything it writes
 * is read at once (the child never blocks on a full pty) and timestamped
 * with CLOCK_MONOTONIC (bench/measure.h).
 *
 * Definitions:
 *  - first complete frame: the marker text (-m, e.g. text of the status line)
 *    has appeared in the output, escape sequences stripped (a cursor-forward
 *    CSI n C counts as n spaces), and the output then stays quiet for
 *    FIRST_QUIET ms (-Q). The figure is the time from just before fork() to
 *    the last byte before that quiet period (the quiet wait is not counted).
 *  - a key's step: the time from write() of the key to the last byte before
 *    STEP_QUIET ms (-q) of quiet, and the number of bytes read in between.
 *    A key that produces no output has no latency and is counted apart.
 *  - peak RSS: ru_maxrss from wait4() of the child after it quits on 'q'.
 *
 *   tui_harness [-c COLS] [-r ROWS] -H HOME -m MARKER [-Q ms] [-q ms]
 *               [-f FIRST_RUNS] [-N "NAV"] [-j STEPS] [-v] -- PROGRAM ARGS...
 *
 * With -f N: N start-ups, each quit at once after its first frame; prints
 * each and the median. With -j N: one session: first frame, then NAV (keys
 * each waited to quiet, "G k*400 j*45": a key or ^X, optionally *COUNT),
 * then N timed 'j' steps; prints latency median / p90 / max, bytes per step
 * median / mean / max, and the session's peak RSS (-v: each step on stderr). Exit status 1 when the
 * TUI never completes a frame, does not quit, or dies. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/measure.h"
#include "bench/pty.h"

#define FRAME_TIMEOUT_MS 30000.0
#define QUIT_TIMEOUT_MS 10000.0

struct child {
    pid_t pid;
    int master;
    bool exited;
    int status;
    struct rusage usage;
    struct pty_text screen; /* its output, stripped, cursor moves kept as gaps */
    long long bytes;        /* total bytes read */
};

static int cols = 120, rows = 40;
static const char *home_dir;
static const char *marker;
static double first_quiet_ms = 150, step_quiet_ms = 40;

__attribute__((format(printf, 1, 2), noreturn))
static void fail(const char *format, ...)
{
    va_list args;
    fprintf(stderr, "tui_harness: ");
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

static void reap(struct child *c, int flags)
{
    if (c->exited)
        return;
    pid_t got = wait4(c->pid, &c->status, flags, &c->usage);
    if (got == c->pid)
        c->exited = true;
}

/* Reads what is there, waiting at most timeout ms for the first byte.
 * Returns bytes read (0 on timeout, -1 when the pty closed). */
static long read_some(struct child *c, double timeout_ms, double *last_byte)
{
    struct pollfd pfd = { .fd = c->master, .events = POLLIN };
    int wait = timeout_ms < 0 ? 0 : (int)(timeout_ms + 0.999);
    int ready = poll(&pfd, 1, wait);
    if (ready < 0) {
        if (errno == EINTR)
            return 0;
        fail("poll: %s", strerror(errno));
    }
    if (ready == 0)
        return 0;
    unsigned char buffer[65536];
    ssize_t got = read(c->master, buffer, sizeof buffer);
    if (got <= 0) {
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        return -1; /* EIO: the child closed its side */
    }
    *last_byte = measure_now_ms();
    c->bytes += got;
    pty_answer_reports(c->master, buffer, (size_t)got);
    pty_text_add(&c->screen, buffer, (size_t)got);
    return got;
}

/* Reads until quiet_ms pass without output. Returns the time of the last
 * byte (or -1 when none came) and adds the bytes read to *bytes. */
static double read_until_quiet(struct child *c, double quiet_ms, long long *bytes)
{
    double last = -1, deadline = measure_now_ms() + quiet_ms;
    for (;;) {
        double remaining = deadline - measure_now_ms();
        if (remaining <= 0)
            return last;
        long got = read_some(c, remaining, &last);
        if (got < 0)
            return last;
        if (got > 0) {
            *bytes += got;
            deadline = last + quiet_ms;
        }
    }
}

/* Starts the TUI into *c; *start is the time just before. */
static void spawn(struct child *c, char **argv, double *start)
{
    memset(c, 0, sizeof *c);
    c->screen.cursor_moves = true;
    *start = measure_now_ms();
    c->pid = pty_spawn(argv, home_dir, cols, rows, &c->master);
    if (c->pid < 0)
        fail("forkpty: %s", strerror(errno));
}

/* Waits for the first complete frame; returns its time from start. */
static double first_frame(struct child *c, double start)
{
    double last = -1, deadline = start + FRAME_TIMEOUT_MS;
    while (strstr(c->screen.text, marker) == NULL) {
        if (measure_now_ms() > deadline)
            fail("no frame with the marker '%s' within 30 s", marker);
        long got = read_some(c, 100, &last);
        if (got < 0) {
            size_t length = c->screen.length;
            fprintf(stderr, "tui_harness: the TUI exited before its first frame; its output:\n%s\n",
                    c->screen.text + (length > 4000 ? length - 4000 : 0));
            exit(1);
        }
    }
    long long ignored = 0;
    double later = read_until_quiet(c, first_quiet_ms, &ignored);
    if (later > last)
        last = later;
    return last - start;
}

static void send_key(struct child *c, const char *key, size_t length)
{
    if (write(c->master, key, length) != (ssize_t)length)
        fail("writing a key: %s", strerror(errno));
}

/* Sends q and waits for the child to exit, draining its output. */
static void quit(struct child *c)
{
    long long ignored = 0;
    send_key(c, "q", 1);
    double deadline = measure_now_ms() + QUIT_TIMEOUT_MS;
    while (!c->exited && measure_now_ms() < deadline) {
        double last;
        if (read_some(c, 20, &last) < 0)
            reap(c, 0);
        else
            reap(c, WNOHANG);
    }
    if (!c->exited) {
        kill(c->pid, SIGTERM);
        read_until_quiet(c, 200, &ignored);
        reap(c, 0);
        fail("%s", "the TUI did not exit within 10 s of 'q'");
    }
    close(c->master);
    if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0)
        fprintf(stderr, "tui_harness: the TUI exited with status %d\n", c->status);
}

/* Plays "G k*400 ^D*3" and waits for quiet after each key. */
static void navigate(struct child *c, const char *script, bool verbose)
{
    const char *p = script;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char key[8];
        size_t key_length = 0;
        if (p[0] == '^' && p[1] != '\0' && p[1] != ' ' && p[1] != '*') {
            key[key_length++] = (char)(p[1] & 0x1f);
            p += 2;
        } else {
            key[key_length++] = *p++;
        }
        long count = 1;
        if (*p == '*')
            count = strtol(p + 1, (char **)&p, 10);
        long silent = 0;
        for (long i = 0; i < count; i++) {
            long long got = 0;
            send_key(c, key, key_length);
            read_until_quiet(c, step_quiet_ms, &got);
            silent += got == 0;
        }
        if (verbose)
            fprintf(stderr, "nav %s%c x%ld: %ld without output\n", key[0] < 0x20 ? "^" : "",
                    key[0] < 0x20 ? key[0] + '@' : key[0], count, silent);
    }
}

int main(int argc, char **argv)
{
    int first_runs = 0, steps = 0, opt;
    bool verbose = false;
    const char *nav = "";
    while ((opt = getopt(argc, argv, "+c:r:H:m:Q:q:f:N:j:v")) != -1) {
        switch (opt) {
        case 'c': cols = atoi(optarg); break;
        case 'r': rows = atoi(optarg); break;
        case 'H': home_dir = optarg; break;
        case 'm': marker = optarg; break;
        case 'Q': first_quiet_ms = atof(optarg); break;
        case 'q': step_quiet_ms = atof(optarg); break;
        case 'f': first_runs = atoi(optarg); break;
        case 'N': nav = optarg; break;
        case 'j': steps = atoi(optarg); break;
        case 'v': verbose = true; break;
        default: goto usage;
        }
    }
    if (optind >= argc || home_dir == NULL || marker == NULL || (first_runs < 1 && steps < 1))
        goto usage;
    char **program = &argv[optind];
    signal(SIGPIPE, SIG_IGN);
    alarm(900); /* a TUI that never goes quiet must not hang `make bench` */

    if (first_runs > 0) {
        double *times = calloc((size_t)first_runs, sizeof *times);
        long max_rss = 0;
        static struct child c;
        printf("first_frame_ms");
        for (int i = 0; i < first_runs; i++) {
            double start;
            spawn(&c, program, &start);
            times[i] = first_frame(&c, start);
            quit(&c);
            if (c.usage.ru_maxrss > max_rss)
                max_rss = c.usage.ru_maxrss;
            printf(" %.2f", times[i]);
            fflush(stdout);
        }
        printf("\nfirst_frame_median_ms %.2f\nfirst_runs_max_rss_kb %ld\n",
               measure_median(times, first_runs), max_rss);
    }
    if (steps > 0) {
        double start;
        static struct child c;
        spawn(&c, program, &start);
        double first = first_frame(&c, start);
        navigate(&c, nav, verbose);
        double *latency = calloc((size_t)steps, sizeof *latency);
        double *bytes = calloc((size_t)steps, sizeof *bytes);
        int with_output = 0, silent = 0;
        for (int i = 0; i < steps; i++) {
            long long got = 0;
            double sent = measure_now_ms();
            send_key(&c, "j", 1);
            double last = read_until_quiet(&c, step_quiet_ms, &got);
            bytes[i] = (double)got;
            if (last < 0)
                silent++;
            else
                latency[with_output++] = last - sent;
            if (verbose)
                fprintf(stderr, "step %d: %lld bytes, %.3f ms\n", i, got,
                        last < 0 ? -1.0 : last - sent);
        }
        quit(&c);
        double total = 0;
        for (int i = 0; i < steps; i++)
            total += bytes[i];
        qsort(bytes, (size_t)steps, sizeof *bytes, measure_compare);
        qsort(latency, (size_t)with_output, sizeof *latency, measure_compare);
        printf("session_first_frame_ms %.2f\n", first);
        printf("steps %d with_output %d silent %d\n", steps, with_output, silent);
        printf("step_median_ms %.3f\nstep_p90_ms %.3f\nstep_max_ms %.3f\n",
               measure_median(latency, with_output), measure_quantile(latency, with_output, 0.9),
               with_output ? latency[with_output - 1] : -1.0);
        printf("step_bytes_median %.0f\nstep_bytes_mean %.1f\nstep_bytes_max %.0f\n",
               measure_median(bytes, steps), total / steps, bytes[steps - 1]);
        printf("session_max_rss_kb %ld\n", c.usage.ru_maxrss);
    }
    return 0;
usage:
    fprintf(stderr, "usage: tui_harness [-c COLS] [-r ROWS] -H HOME -m MARKER [-Q ms] [-q ms] "
                    "[-f FIRST_RUNS] [-N NAV] [-j STEPS] -- PROGRAM ARGS...\n");
    return 2;
}
