/* Helpers shared by the reliability drivers (crash, concurrency, migration
 * faults, password tries): TAP lines, a figures line that torture.sh reads,
 * a small deterministic random generator, monotonic time, running a shell
 * command for its output (sqlite3 and sha256sum check the files from
 * outside the program), and opening the store the way the program does.
 * Header-only: every C file in tests/reliability is built as its own program. */
#ifndef TESTS_RELIABILITY_REL_H
#define TESTS_RELIABILITY_REL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "store/store.h"

static int rel_failures;

/* Prints "ok - NAME" or "not ok - NAME" with a "#   why" line. */
static inline bool rel_check(bool condition, const char *name, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static inline bool rel_check(bool condition, const char *name, const char *format, ...)
{
    if (condition) {
        printf("ok - %s\n", name);
    } else {
        rel_failures++;
        printf("not ok - %s\n#   ", name);
        va_list args;
        va_start(args, format);
        vprintf(format, args);
        va_end(args);
        printf("\n");
    }
    fflush(stdout);
    return condition;
}

/* Prints a comment line; "# figure KEY VALUE" lines are read by torture.sh. */
static inline void rel_note(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline void rel_note(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("# ");
    vprintf(format, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
}

/* Ends the program at once with a "not ok" line: for set-up failures. */
static inline void rel_die(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));
static inline void rel_die(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("not ok - set-up: ");
    vprintf(format, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
    exit(1);
}

static inline int64_t rel_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void rel_sleep_us(int64_t us)
{
    struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* xorshift64*: reproducible from the seed printed by each driver. */
static inline uint64_t rel_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ULL;
}

static inline uint64_t rel_seed(void)
{
    const char *env = getenv("MB_SEED");
    if (env != NULL && env[0] != '\0')
        return strtoull(env, NULL, 10) | 1;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec) | 1;
}

/* Runs a shell command and returns its standard output (caller frees). */
static inline char *rel_shell(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline char *rel_shell(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *command = NULL;
    if (vasprintf(&command, format, args) < 0)
        rel_die("out of memory");
    va_end(args);
    FILE *pipe = popen(command, "r");
    if (pipe == NULL)
        rel_die("popen %s", command);
    size_t size = 0, capacity = 256;
    char *out = xmalloc(capacity);
    size_t got;
    while ((got = fread(out + size, 1, capacity - size - 1, pipe)) > 0) {
        size += got;
        if (capacity - size < 2) {
            capacity *= 2;
            out = xrealloc(out, capacity);
        }
    }
    out[size] = '\0';
    pclose(pipe);
    free(command);
    return out;
}

static inline struct store_options rel_options(const char *path)
{
    struct store_options options = {
        .path = path,
        .busy_timeout_ms = 5000,
        .migrate = STORE_MIGRATE_AUTO,
        .password_strength = CRYPTO_STRENGTH_MINIMUM,
    };
    return options;
}

/* Checks the file from outside the program: integrity_check must say "ok"
 * and foreign_key_check must print nothing. Read-only, so that the check
 * does not itself checkpoint the WAL a killed writer left behind. Returns
 * NULL when fine, else what sqlite3 said (caller frees). */
static inline char *rel_sqlite_health(const char *path)
{
    char *out = rel_shell("sqlite3 -readonly '%s' 'PRAGMA integrity_check' "
                          "'PRAGMA foreign_key_check' 2>&1",
                          path);
    if (strcmp(out, "ok\n") == 0) {
        free(out);
        return NULL;
    }
    return out;
}

#endif
