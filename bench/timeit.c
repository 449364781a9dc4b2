/* Times commands as processes, side by side: one round runs every command
 * once, in turn (ours, then its floor, then ours again next round...), so
 * that a burst of load from something else on the machine falls on both
 * and the medians and ratios stay honest. Each run is wall-clock time from
 * fork() to the end of waitpid() (CLOCK_MONOTONIC), stdin and stdout on
 * /dev/null, stderr kept. An optional preparation (a shell command, not
 * timed) runs before every run of every command, e.g. to lay down a fresh
 * copy of a database. A command that exits non-zero stops everything.
 *
 *   timeit [-n RUNS] [-w WARMUP] [-p PREPARE] -- CMD ARGS... [:: CMD ARGS...]...
 *
 * Prints, per command i (from 0): "cmd i median_ms M mean_ms A min_ms L
 * max_ms H runs N", then, when there are two or more, "ratio_median R":
 * the median over rounds of (command 0 / command 1). Warm-up rounds (one
 * by default) run everything untimed first: the OS page cache then holds
 * what a user's second use would find, and nothing more. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 8

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    double *sorted = malloc(sizeof *sorted * (size_t)count);
    memcpy(sorted, values, sizeof *sorted * (size_t)count);
    qsort(sorted, (size_t)count, sizeof *sorted, compare_double);
    double m = count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    free(sorted);
    return m;
}

static void run_shell(const char *command)
{
    int status = system(command);
    if (status != 0) {
        fprintf(stderr, "timeit: preparation failed (%d): %s\n", status, command);
        exit(1);
    }
}

/* Runs argv once; returns wall milliseconds. */
static double run_once(char **argv)
{
    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("timeit: fork");
        exit(1);
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            if (null > 2)
                close(null);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("timeit: waitpid");
            exit(1);
        }
    }
    double elapsed = now_ms() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "timeit: %s failed (status %d)\n", argv[0], status);
        exit(1);
    }
    return elapsed;
}

int main(int argc, char **argv)
{
    int runs = 21, warmup = 1, opt;
    const char *prepare = NULL;
    while ((opt = getopt(argc, argv, "+n:w:p:")) != -1) {
        switch (opt) {
        case 'n': runs = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'p': prepare = optarg; break;
        default: goto usage;
        }
    }
    if (optind >= argc || runs < 1 || warmup < 0)
        goto usage;

    char **commands[MAX_COMMANDS];
    int count = 0;
    commands[count++] = &argv[optind];
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "::") == 0) {
            argv[i] = NULL;
            if (count == MAX_COMMANDS || i + 1 >= argc)
                goto usage;
            commands[count++] = &argv[i + 1];
        }
    }

    double *times[MAX_COMMANDS];
    for (int c = 0; c < count; c++)
        times[c] = calloc((size_t)runs, sizeof **times);
    double *ratios = calloc((size_t)runs, sizeof *ratios);
    for (int round = -warmup; round < runs; round++) {
        for (int c = 0; c < count; c++) {
            if (prepare != NULL)
                run_shell(prepare);
            double t = run_once(commands[c]);
            if (round >= 0)
                times[c][round] = t;
        }
        if (round >= 0 && count >= 2)
            ratios[round] = times[0][round] / times[1][round];
    }
    for (int c = 0; c < count; c++) {
        double sum = 0, low = times[c][0], high = times[c][0];
        for (int r = 0; r < runs; r++) {
            sum += times[c][r];
            low = times[c][r] < low ? times[c][r] : low;
            high = times[c][r] > high ? times[c][r] : high;
        }
        printf("cmd %d median_ms %.3f mean_ms %.3f min_ms %.3f max_ms %.3f runs %d\n", c,
               median(times[c], runs), sum / runs, low, high, runs);
    }
    if (count >= 2)
        printf("ratio_median %.3f\n", median(ratios, runs));
    return 0;
usage:
    fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUP] [-p PREPARE] -- CMD ARGS... "
                    "[:: CMD ARGS...]...\n");
    return 2;
}
