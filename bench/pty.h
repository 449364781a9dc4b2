/* A TUI in a pseudo-terminal, for the benchmark programs: started with the
 * benchmarks' clean environment, and its output kept as text with the
 * escape sequences stripped, to look for what it shows. Header-only (each
 * program in bench/ is a file of its own); bench/live.c and
 * bench/tui_harness.c use it.
 *
 * The environment: PATH, HOME=DIR with XDG_CONFIG_HOME/XDG_DATA_HOME/
 * XDG_STATE_HOME/XDG_CACHE_HOME under it, TERM=xterm-256color, TZ=UTC,
 * LANG=LC_ALL=C.UTF-8, USER=LOGNAME=bench; the window is COLSxROWS
 * (TIOCSWINSZ; LINES and COLUMNS are not set). */
#ifndef BENCH_PTY_H
#define BENCH_PTY_H

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PTY_TEXT_KEEP 65536

/* What a terminal was sent, as text: the newest PTY_TEXT_KEEP bytes. */
struct pty_text {
    bool cursor_moves;             /* set by the caller: CSI n C as n spaces, CSI H/f/d as '\n' */
    int escape;                    /* 0 text, 1 after ESC, 2 CSI, 3 string, 4 one more byte */
    char params[32];               /* the CSI's parameter bytes so far (with cursor_moves) */
    size_t params_length;
    char text[PTY_TEXT_KEEP + 1];
    size_t length;
    long long base;                /* position of text[0] in everything kept so far */
};

static inline void pty_text_append(struct pty_text *t, char ch)
{
    if (t->length == PTY_TEXT_KEEP) {
        memmove(t->text, t->text + PTY_TEXT_KEEP / 2, PTY_TEXT_KEEP / 2);
        t->length = PTY_TEXT_KEEP / 2;
        t->base += PTY_TEXT_KEEP / 2;
    }
    t->text[t->length++] = ch;
    t->text[t->length] = '\0';
}

/* Keeps the printable bytes: escape sequences (CSI, OSC/DCS strings, two-
 * and three-byte ESC sequences) and control characters are dropped, line
 * ends become '\n'. With t->cursor_moves, a cursor-forward CSI n C stands
 * as n spaces (at most 1000) and a cursor position CSI H, f or d as '\n',
 * so that text drawn with gaps reads as on the screen. */
static inline void pty_text_add(struct pty_text *t, const unsigned char *data, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char ch = data[i];
        switch (t->escape) {
        case 0:
            if (ch == 0x1b)
                t->escape = 1;
            else if (ch == '\r' || ch == '\n')
                pty_text_append(t, '\n');
            else if (ch >= 0x20 && ch != 0x7f)
                pty_text_append(t, (char)ch);
            break;
        case 1:
            t->escape = ch == '[' ? 2
                        : (ch == ']' || ch == 'P' || ch == '_' || ch == '^') ? 3
                        : (ch == '(' || ch == ')' || ch == '*' || ch == '+' || ch == '#') ? 4
                                                                                          : 0;
            t->params_length = 0;
            break;
        case 2:
            if (ch >= 0x40 && ch <= 0x7e) {
                t->params[t->params_length] = '\0';
                if (t->cursor_moves && ch == 'C') {
                    int n = t->params_length ? atoi(t->params) : 1;
                    for (int k = 0; k < n && k < 1000; k++)
                        pty_text_append(t, ' ');
                } else if (t->cursor_moves && (ch == 'H' || ch == 'f' || ch == 'd')) {
                    pty_text_append(t, '\n');
                }
                t->escape = 0;
            } else if (t->params_length + 1 < sizeof t->params) {
                t->params[t->params_length++] = (char)ch;
            }
            break;
        case 3:
            if (ch == 0x07 || ch == 0x1b || ch == 0x9c)
                t->escape = 0;
            break;
        default:
            t->escape = 0;
        }
    }
}

/* Answers the cursor position requests (CSI 6n) in data as a terminal
 * does, on master: the TUI asks at start how wide the terminal draws a
 * few emoji sequences (tui/probe.c) and waits up to 400 ms for answers
 * that every terminal gives at once; a pty with nobody behind it would
 * add those 400 ms to the first frame. The answer says column 3 (a
 * cluster drawn in two cells, as current terminals do). */
static inline void pty_answer_reports(int master, const unsigned char *data, size_t length)
{
    static const char answer[] = "\033[1;3R";
    for (size_t i = 0; i + 3 < length; i++)
        if (data[i] == 0x1b && data[i + 1] == '[' && data[i + 2] == '6' && data[i + 3] == 'n')
            if (write(master, answer, sizeof answer - 1) < 0) {
                /* A child that is gone does not need its answer. */
            }
}

/* Starts argv in a new pseudo-terminal of cols x rows with the benchmarks'
 * environment under home_dir; *master is its side, non-blocking. Returns
 * the child's pid, or -1 (errno set) when forkpty fails. */
static inline pid_t pty_spawn(char **argv, const char *home_dir, int cols, int rows, int *master)
{
    struct winsize size = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    char path_env[4096], home[4096], config[4200], data[4200], state[4200], cache[4200];
    const char *path = getenv("PATH");
    snprintf(path_env, sizeof path_env, "PATH=%s", path ? path : "/usr/bin:/bin");
    snprintf(home, sizeof home, "HOME=%s", home_dir);
    snprintf(config, sizeof config, "XDG_CONFIG_HOME=%s/.config", home_dir);
    snprintf(data, sizeof data, "XDG_DATA_HOME=%s/.local/share", home_dir);
    snprintf(state, sizeof state, "XDG_STATE_HOME=%s/.local/state", home_dir);
    snprintf(cache, sizeof cache, "XDG_CACHE_HOME=%s/.cache", home_dir);
    char *environment[] = {
        path_env, home, config, data, state, cache,
        "TERM=xterm-256color", "TZ=UTC", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
        "USER=bench", "LOGNAME=bench", NULL,
    };
    pid_t pid = forkpty(master, NULL, NULL, &size);
    if (pid == 0) {
        execve(argv[0], argv, environment);
        fprintf(stderr, "bench: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid > 0)
        fcntl(*master, F_SETFL, fcntl(*master, F_GETFL) | O_NONBLOCK);
    return pid;
}

#endif
