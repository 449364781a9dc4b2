/* `make bench`: live updates as people see them (issue 11). N real TUIs
 * run in pseudo-terminals on one database while this program, as another
 * session, posts; for every post and every TUI, the time until the post's
 * text is on that TUI's screen. And the CPU the same TUIs use while
 * nothing happens.
 *
 *   live [-n SESSIONS] [-p POSTS] [-g GAP_MS] [-i IDLE_S] [-c COLS] [-r ROWS]
 *        -H HOME -m MARKER -d DB -- PROGRAM ARGS...
 *
 * 1. Starts SESSIONS copies of PROGRAM ARGS (the TUI on DB) in ptys of
 *    COLSxROWS with the environment of bench/tui_harness.c, and waits for
 *    each one's first frame (MARKER in its output, escape sequences
 *    stripped) and then 1 s of quiet.
 * 2. Idle: the CPU time of the TUI processes over IDLE_S seconds in which
 *    nobody types or writes (/proc/PID/schedstat, nanoseconds on a CPU;
 *    utime+stime of /proc/PID/stat when that is missing), as a percentage
 *    of one core.
 * 3. Posts: POSTS posts through the store API (a session of its own, like
 *    the CLI: a TRUNCATE checkpoint after each write on SQLite), spaced by
 *    a random GAP_MS/2 to 3*GAP_MS/2 ms. Each body carries a token of ten
 *    random letters, upper case for even posts and lower case for odd ones,
 *    over an anchor post of dots made before the sessions start, so that
 *    no letter repeats what the previous screen had in the same cell and
 *    the terminal update writes the token in one piece. The
 *    latency of a (post, session) is from just before the store call to
 *    the read() of the pty output that completes the token; a token not
 *    seen within 5 s counts as missed, with the time waited for it (the
 *    quantiles are then lower bounds). Once every session shows it (or
 *    after those 5 s) the post is deleted again, and the next gap begins:
 *    the timeline keeps its selected post in view, so a pile of new posts
 *    above it would otherwise push the newest out of sight.
 * Prints "sessions N", "idle_seconds S", "idle_cpu_ms X",
 * "idle_cpu_percent_of_core X", "posts N", "samples N", "missed N",
 * "latency_p50_ms X", "latency_p95_ms X", "latency_max_ms X",
 * "post_call_median_ms X", and what the sessions spent: wake-ups (voluntary
 * context switches) per second idle, CPU ms and wake-ups per session per
 * post (a post and its deletion). Exit status 1 when a TUI never shows a frame
 * or dies. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/pty.h"
#include "store/store.h"

#define MAX_SESSIONS 256
#define TOKEN_LENGTH 10
#define FRAME_TIMEOUT_MS 60000.0
#define STRAGGLER_MS 5000.0

struct session {
    pid_t pid;
    int master;
    bool exited;
    bool closed;                /* its terminal gave EOF */
    struct pty_text screen;     /* what it was sent, escape sequences stripped */
    int first_unseen;           /* posts before it are all seen */
};

static struct session sessions[MAX_SESSIONS];
static int session_count = 40, cols = 120, rows = 40;
static const char *home_dir, *marker;
static bool quitting;   /* a closed terminal is then expected */

/* Per post: when it was sent, its token, and per session when it showed. */
static int post_count = 200, posts_sent;
static double *sent_at;
static char (*tokens)[TOKEN_LENGTH + 1];
static long long *search_from;  /* absolute text position per (post, session) */
static double *seen_at;         /* now_ms() when shown, -1 while unseen */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

__attribute__((format(printf, 1, 2), noreturn))
static void fail(const char *format, ...)
{
    va_list args;
    fprintf(stderr, "live: ");
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    for (int i = 0; i < session_count; i++)
        if (sessions[i].pid > 0 && !sessions[i].exited)
            kill(sessions[i].pid, SIGKILL);
    exit(1);
}

/* Records the posts whose token session `index` has now shown. */
static void look_for_tokens(int index, double when)
{
    struct session *s = &sessions[index];
    for (int p = s->first_unseen; p < posts_sent; p++) {
        size_t at = (size_t)p * (size_t)session_count + (size_t)index;
        if (seen_at[at] >= 0)
            continue;
        long long from = search_from[at] - s->screen.base;
        if (from < 0)
            from = 0;
        if (strstr(s->screen.text + from, tokens[p]) != NULL)
            seen_at[at] = when;
    }
    while (s->first_unseen < posts_sent &&
           seen_at[(size_t)s->first_unseen * (size_t)session_count + (size_t)index] >= 0)
        s->first_unseen++;
}

/* Reads whatever the TUIs wrote, waiting at most timeout_ms for the first
 * byte. Returns the number of bytes read. */
static long pump(double timeout_ms)
{
    struct pollfd fds[MAX_SESSIONS];
    for (int i = 0; i < session_count; i++)
        fds[i] = (struct pollfd){ .fd = sessions[i].closed ? -1 : sessions[i].master,
                                  .events = POLLIN };
    int ready = poll(fds, (nfds_t)session_count, timeout_ms < 0 ? 0 : (int)(timeout_ms + 0.999));
    if (ready < 0 && errno != EINTR)
        fail("poll: %s", strerror(errno));
    long total = 0;
    for (int i = 0; ready > 0 && i < session_count; i++) {
        if (fds[i].revents == 0)
            continue;
        unsigned char buffer[65536];
        ssize_t got = read(sessions[i].master, buffer, sizeof buffer);
        double when = now_ms();
        if (got <= 0) {
            if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            sessions[i].closed = true;
            if (quitting)
                continue;
            fail("session %d (pid %ld) closed its terminal; its last output:\n%s", i,
                 (long)sessions[i].pid,
                 sessions[i].screen.text +
                     (sessions[i].screen.length > 600 ? sessions[i].screen.length - 600 : 0));
        }
        total += got;
        pty_answer_reports(sessions[i].master, buffer, (size_t)got);
        pty_text_add(&sessions[i].screen, buffer, (size_t)got);
        look_for_tokens(i, when);
    }
    return total;
}

/* Pumps until `ms` have passed. */
static void pump_for(double ms)
{
    double until = now_ms() + ms;
    for (double left = ms; left > 0; left = until - now_ms())
        pump(left);
}

/* Pumps until nothing came for quiet_ms, or timeout_ms passed. */
static void pump_until_quiet(double quiet_ms, double timeout_ms)
{
    double until = now_ms() + timeout_ms;
    while (now_ms() < until && pump(quiet_ms) > 0) {
    }
}

/* CPU time of a process so far, in ms. */
static double cpu_ms(pid_t pid, bool *from_schedstat)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
    FILE *f = fopen(path, "r");
    unsigned long long ns = 0;
    if (f != NULL) {
        bool got = fscanf(f, "%llu", &ns) == 1;
        fclose(f);
        if (got) {
            *from_schedstat = true;
            return (double)ns / 1e6;
        }
    }
    *from_schedstat = false;
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (f == NULL)
        fail("%s: %s", path, strerror(errno));
    char line[4096];
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    char *after = got != NULL ? strrchr(line, ')') : NULL;
    unsigned long utime = 0, stime = 0;
    /* After "pid (comm)": state and 10 more fields, then utime and stime. */
    if (after == NULL ||
        sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
               &stime) != 2)
        fail("cannot read %s", path);
    return (double)(utime + stime) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/* Voluntary context switches of a process so far: its wake-ups. */
static long long wakeups(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    long long count = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "voluntary_ctxt_switches: %lld", &count) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return count;
}

static long long total_wakeups(void)
{
    long long total = 0;
    for (int i = 0; i < session_count; i++)
        total += wakeups(sessions[i].pid);
    return total;
}

static double total_cpu_ms(bool *from_schedstat)
{
    double total = 0;
    for (int i = 0; i < session_count; i++)
        total += cpu_ms(sessions[i].pid, from_schedstat);
    return total;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest rank on a sorted array. */
static double quantile(const double *sorted, size_t count, double q)
{
    return count == 0 ? -1 : sorted[(size_t)(q * (double)(count - 1) + 0.5)];
}

static struct store *open_writer(const char *db)
{
    struct store_options options = {
        .path = db,
        .busy_timeout_ms = 5000,
        .migrate = STORE_MIGRATE_REFUSE,
        .password_strength = CRYPTO_STRENGTH_MINIMUM,
        .checkpoint_after_write = true,   /* as the CLI and the TUI do */
    };
    struct store *store = NULL;
    struct mb_error err = { { 0 } };
    if (store_open(&options, &store, &err) != MB_OK)
        fail("%s: %s", db, err.message);
    return store;
}

static void quit_all(void)
{
    quitting = true;
    for (int i = 0; i < session_count; i++)
        if (write(sessions[i].master, "q", 1) != 1)
            sessions[i].exited = true;
    double until = now_ms() + 10000;
    int left = session_count;
    while (left > 0 && now_ms() < until) {
        pump(20);
        left = 0;
        for (int i = 0; i < session_count; i++) {
            if (!sessions[i].exited && waitpid(sessions[i].pid, NULL, WNOHANG) == sessions[i].pid)
                sessions[i].exited = true;
            left += !sessions[i].exited;
        }
    }
    for (int i = 0; i < session_count; i++) {
        if (!sessions[i].exited) {
            kill(sessions[i].pid, SIGKILL);
            waitpid(sessions[i].pid, NULL, 0);
        }
        close(sessions[i].master);
    }
}

/* ---- the writer: another process, so that the TUIs' output is read
 * while it commits ---- */

struct command {
    char kind;         /* 'P': post body; 'D': delete id */
    int64_t id;
    char body[64];
};

struct answer {
    double started, ended;   /* now_ms() around the store call */
    int64_t id;              /* the post made */
    int ok;
};

static void writer_loop(const char *db, int in, int out)
{
    struct store *store = open_writer(db);
    struct user author = { 0 };
    if (store_user_ensure(store, "livebench", &author, NULL) != MB_OK)
        fail("livebench: %s", store_error(store));
    struct command command;
    while (read(in, &command, sizeof command) == (ssize_t)sizeof command) {
        struct answer answer = { .started = now_ms() };
        enum mb_status status = command.kind == 'P'
                                    ? store_post_add(store, author.id, command.body, 0, &answer.id)
                                    : store_post_delete(store, command.id);
        answer.ended = now_ms();
        answer.ok = status == MB_OK;
        if (!answer.ok)
            fprintf(stderr, "live: writer: %s\n", store_error(store));
        if (write(out, &answer, sizeof answer) != (ssize_t)sizeof answer)
            break;
    }
    store_user_clear(&author);
    store_close(store);
}

static pid_t start_writer(const char *db, int *to_writer, int *from_writer)
{
    int commands[2], answers[2];
    if (pipe(commands) != 0 || pipe(answers) != 0)
        fail("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    if (pid == 0) {
        session_count = 0;   /* fail() must not kill the TUIs from here */
        close(commands[1]);
        close(answers[0]);
        writer_loop(db, commands[0], answers[1]);
        _exit(0);
    }
    close(commands[0]);
    close(answers[1]);
    *to_writer = commands[1];
    *from_writer = answers[0];
    return pid;
}

/* Sends a command and reads the TUIs' output until the answer comes. */
static struct answer ask_writer(int to_writer, int from_writer, const struct command *command)
{
    if (write(to_writer, command, sizeof *command) != (ssize_t)sizeof *command)
        fail("the writer is gone");
    struct pollfd answer_ready = { .fd = from_writer, .events = POLLIN };
    while (poll(&answer_ready, 1, 0) == 0)
        pump(1);
    struct answer answer;
    if (read(from_writer, &answer, sizeof answer) != (ssize_t)sizeof answer || !answer.ok)
        fail("the writer could not %s", command->kind == 'P' ? "post" : "delete");
    return answer;
}

int main(int argc, char **argv)
{
    int gap_ms = 100, opt;
    double idle_s = 10;
    const char *db = NULL;
    while ((opt = getopt(argc, argv, "+n:p:g:i:c:r:H:m:d:")) != -1) {
        switch (opt) {
        case 'n': session_count = atoi(optarg); break;
        case 'p': post_count = atoi(optarg); break;
        case 'g': gap_ms = atoi(optarg); break;
        case 'i': idle_s = atof(optarg); break;
        case 'c': cols = atoi(optarg); break;
        case 'r': rows = atoi(optarg); break;
        case 'H': home_dir = optarg; break;
        case 'm': marker = optarg; break;
        case 'd': db = optarg; break;
        default: goto usage;
        }
    }
    if (optind >= argc || home_dir == NULL || marker == NULL || db == NULL ||
        session_count < 1 || session_count > MAX_SESSIONS || post_count < 1 || gap_ms < 2)
        goto usage;
    signal(SIGPIPE, SIG_IGN);
    alarm(900);   /* a TUI that never goes quiet must not hang `make bench` */
    srand((unsigned)getpid() ^ (unsigned)time(NULL));

    /* The newest post when the sessions start: after each post is deleted
     * again its body is what the next token is drawn over, and no letter
     * of a token is in it (a cell that already shows the right character
     * is not written again, which would cut the token in two). */
    struct store *store = open_writer(db);
    struct user author = { 0 };
    if (store_user_ensure(store, "livebench", &author, NULL) != MB_OK ||
        store_post_add(store, author.id, "live ....................", 0, NULL) != MB_OK)
        fail("%s: %s", db, store_error(store));
    store_user_clear(&author);
    store_close(store);

    /* 1. The sessions and their first frames. */
    for (int i = 0; i < session_count; i++)
        if ((sessions[i].pid = pty_spawn(&argv[optind], home_dir, cols, rows,
                                         &sessions[i].master)) < 0)
            fail("forkpty: %s", strerror(errno));
    double deadline = now_ms() + FRAME_TIMEOUT_MS;
    for (int i = 0; i < session_count; i++)
        while (strstr(sessions[i].screen.text, marker) == NULL) {
            if (now_ms() > deadline)
                fail("session %d showed no frame with '%s' within %.0f s", i, marker,
                     FRAME_TIMEOUT_MS / 1000);
            pump(100);
        }
    pump_until_quiet(1000, 10000);
    bool verbose = getenv("LIVE_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "live: %d first frames after %.0f ms\n", session_count,
                now_ms() - (deadline - FRAME_TIMEOUT_MS));

    /* 2. Idle. */
    bool schedstat = false;
    double cpu_before = total_cpu_ms(&schedstat), idle_start = now_ms();
    long long wakeups_before = total_wakeups();
    pump_for(idle_s * 1000);
    double cpu_idle = total_cpu_ms(&schedstat) - cpu_before;
    double idle_wall = now_ms() - idle_start;
    long long idle_wakeups = total_wakeups() - wakeups_before;

    /* 3. Posts, from a writer process. */
    cpu_before = total_cpu_ms(&schedstat);
    wakeups_before = total_wakeups();
    int to_writer = -1, from_writer = -1;
    pid_t writer = start_writer(db, &to_writer, &from_writer);
    sent_at = calloc((size_t)post_count, sizeof *sent_at);
    tokens = calloc((size_t)post_count, sizeof *tokens);
    double *call_ms = calloc((size_t)post_count, sizeof *call_ms);
    size_t cells = (size_t)post_count * (size_t)session_count;
    search_from = calloc(cells, sizeof *search_from);
    seen_at = malloc(cells * sizeof *seen_at);
    if (!sent_at || !tokens || !call_ms || !search_from || !seen_at)
        fail("out of memory");
    for (size_t i = 0; i < cells; i++)
        seen_at[i] = -1;
    for (int p = 0; p < post_count; p++) {
        pump_for(gap_ms / 2 + rand() % (gap_ms + 1));
        for (int k = 0; k < TOKEN_LENGTH; k++)
            tokens[p][k] = (char)((p % 2 ? 'a' : 'A') + rand() % 26);
        for (int i = 0; i < session_count; i++)
            search_from[(size_t)p * (size_t)session_count + (size_t)i] =
                sessions[i].screen.base + (long long)sessions[i].screen.length;
        posts_sent = p + 1;
        struct command post = { .kind = 'P' };
        snprintf(post.body, sizeof post.body, "live %s", tokens[p]);
        struct answer posted = ask_writer(to_writer, from_writer, &post);
        sent_at[p] = posted.started;
        call_ms[p] = posted.ended - posted.started;
        /* Once every session shows it (or after STRAGGLER_MS), the post
         * goes again, so that the next one lands on the same screen: the
         * timeline keeps its selection in view, and the selected post would
         * otherwise be pushed down until new posts arrive out of sight. */
        double until = sent_at[p] + STRAGGLER_MS;
        for (;;) {
            bool all = true;
            for (int i = 0; i < session_count && all; i++)
                all = seen_at[(size_t)p * (size_t)session_count + (size_t)i] >= 0;
            if (all || now_ms() > until)
                break;
            pump(until - now_ms());
        }
        struct command delete = { .kind = 'D', .id = posted.id };
        struct answer deleted = ask_writer(to_writer, from_writer, &delete);
        if (verbose)
            fprintf(stderr, "live: post %d: call %.1f ms, deleted after %.1f ms (%.1f ms)\n", p,
                    call_ms[p], deleted.started - sent_at[p], deleted.ended - deleted.started);
    }
    double cpu_posting = total_cpu_ms(&schedstat) - cpu_before;
    long long posting_wakeups = total_wakeups() - wakeups_before;
    close(to_writer);
    close(from_writer);
    int writer_status = 0;
    if (waitpid(writer, &writer_status, 0) != writer || !WIFEXITED(writer_status) ||
        WEXITSTATUS(writer_status) != 0)
        fail("the writer process failed");
    quit_all();

    /* A missed one counts with the time waited for it: a lower bound. */
    double *latency = malloc(cells * sizeof *latency);
    size_t samples = 0;
    for (int p = 0; p < post_count; p++)
        for (int i = 0; i < session_count; i++) {
            double seen = seen_at[(size_t)p * (size_t)session_count + (size_t)i];
            samples += seen >= 0;
            latency[(size_t)p * (size_t)session_count + (size_t)i] =
                seen >= 0 ? seen - sent_at[p] : STRAGGLER_MS;
        }
    qsort(latency, cells, sizeof *latency, compare_double);
    qsort(call_ms, (size_t)post_count, sizeof *call_ms, compare_double);
    printf("sessions %d\n", session_count);
    printf("idle_seconds %.1f\nidle_cpu_ms %.1f\nidle_cpu_source %s\n", idle_wall / 1000,
           cpu_idle, schedstat ? "schedstat" : "stat");
    printf("idle_cpu_percent_of_core %.3f\n", 100.0 * cpu_idle / idle_wall);
    printf("idle_wakeups_per_session_per_s %.2f\n",
           (double)idle_wakeups / session_count / (idle_wall / 1000));
    printf("posts %d\nsamples %zu\nmissed %zu\n", post_count, samples, cells - samples);
    printf("latency_p50_ms %.1f\nlatency_p95_ms %.1f\nlatency_max_ms %.1f\n",
           quantile(latency, cells, 0.5), quantile(latency, cells, 0.95), latency[cells - 1]);
    printf("post_call_median_ms %.2f\n", quantile(call_ms, (size_t)post_count, 0.5));
    /* Each post is made and deleted: two changes. */
    printf("cpu_ms_per_session_per_post %.3f\n", cpu_posting / session_count / post_count);
    printf("wakeups_per_session_per_post %.1f\n",
           (double)posting_wakeups / session_count / post_count);
    free(latency);
    free(call_ms);
    free(sent_at);
    free(tokens);
    free(search_from);
    free(seen_at);
    return 0;
usage:
    fprintf(stderr, "usage: live [-n SESSIONS] [-p POSTS] [-g GAP_MS] [-i IDLE_S] [-c COLS] "
                    "[-r ROWS] -H HOME -m MARKER -d DB -- PROGRAM ARGS...\n");
    return 2;
}
