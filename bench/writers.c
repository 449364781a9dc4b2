/* `make bench`: post commits per second with N writer processes (not
 * threads) through the store API, on a SQLite file or a PostgreSQL URL;
 * and the post count, in process, beside the same SQL through bare libpq.
 *
 *   writers DB N SECONDS
 *     N processes, each opening DB and posting one post per commit as its
 *     own user until SECONDS have passed (they start together after every
 *     one has opened the store). Prints "commits N", "errors N",
 *     "commits_per_second X".
 *   writers count URL ROUNDS
 *     store_post_count(all) against PQexec of the store's statement on a
 *     bare connection, interleaved, after one untimed round each. Prints
 *     "count_us MEDIAN" and "count_floor_us MEDIAN". */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct store *open_store(const char *db)
{
    struct store_options options = {
        .path = db,
        .busy_timeout_ms = 5000,
        .migrate = STORE_MIGRATE_AUTO,
        .password_strength = CRYPTO_STRENGTH_MINIMUM,
    };
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK) {
        fprintf(stderr, "writers: %s\n", err.message);
        exit(1);
    }
    return store;
}

/* One writer: waits for the go byte on go_fd, posts until the deadline,
 * writes "COMMITS ERRORS\n" to out_fd. */
static void writer(const char *db, int index, double seconds, int go_fd, int out_fd)
{
    struct store *store = open_store(db);
    char name[32];
    snprintf(name, sizeof name, "writer%02d", index);
    struct user user = { 0 };
    long commits = 0, errors = 0;
    if (store_user_ensure(store, name, &user, NULL) != MB_OK) {
        fprintf(stderr, "writers: %s: %s\n", name, store_error(store));
        exit(1);
    }
    char go;
    if (read(go_fd, &go, 1) != 1)
        exit(1);
    double until = now_s() + seconds;
    while (now_s() < until) {
        int64_t id;
        if (store_post_add(store, user.id, "a post from a benchmark writer", 0, &id) == MB_OK)
            commits++;
        else
            errors++;
    }
    store_user_clear(&user);
    store_close(store);
    char line[64];
    int n = snprintf(line, sizeof line, "%ld %ld\n", commits, errors);
    exit(write(out_fd, line, (size_t)n) == n ? 0 : 1);
}

static int run_writers(const char *db, int count, double seconds)
{
    store_close(open_store(db));   /* at head before the race */
    int go[2], out[2];
    if (pipe(go) != 0 || pipe(out) != 0)
        return 1;
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            close(go[1]);
            close(out[0]);
            writer(db, i, seconds, go[0], out[1]);
        }
    }
    close(go[0]);
    close(out[1]);
    usleep(300000 + 20000 * (useconds_t)count);   /* every writer has opened */
    for (int i = 0; i < count; i++)
        if (write(go[1], "g", 1) != 1)
            return 1;
    close(go[1]);
    long commits = 0, errors = 0;
    FILE *results = fdopen(out[0], "r");
    long c, e;
    while (results != NULL && fscanf(results, "%ld %ld", &c, &e) == 2) {
        commits += c;
        errors += e;
    }
    int failed = 0, status;
    while (wait(&status) > 0 || errno == EINTR)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    printf("commits %ld\nerrors %ld\nfailed_writers %d\ncommits_per_second %.0f\n", commits,
           errors, failed, (double)commits / seconds);
    return failed != 0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_count(const char *url, int rounds)
{
    struct store *store = open_store(url);
    PGconn *conn = PQconnectdb(url);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "writers: %s", PQerrorMessage(conn));
        return 1;
    }
    const char *sql = "SELECT coalesce(sum(n), 0) FROM post_count WHERE user_id = 0";
    PGresult *prepared = PQprepare(conn, "count", sql, 0, NULL);
    PQclear(prepared);
    double *ours = calloc((size_t)rounds, sizeof *ours);
    double *floor = calloc((size_t)rounds, sizeof *floor);
    long long total = 0, floor_total = 0;
    for (int i = -1; i < rounds; i++) {
        int64_t count = 0;
        double t0 = now_s();
        if (store_post_count(store, 0, &count) != MB_OK)
            return 1;
        double t1 = now_s();
        PGresult *result = PQexecPrepared(conn, "count", 0, NULL, NULL, NULL, 0);
        double t2 = now_s();
        if (PQresultStatus(result) != PGRES_TUPLES_OK)
            return 1;
        floor_total = atoll(PQgetvalue(result, 0, 0));
        PQclear(result);
        total = count;
        if (i >= 0) {
            ours[i] = (t1 - t0) * 1e6;
            floor[i] = (t2 - t1) * 1e6;
        }
    }
    qsort(ours, (size_t)rounds, sizeof *ours, compare_double);
    qsort(floor, (size_t)rounds, sizeof *floor, compare_double);
    printf("count %lld\ncount_floor %lld\ncount_us %.1f\ncount_floor_us %.1f\n", total,
           floor_total, ours[rounds / 2], floor[rounds / 2]);
    free(ours);
    free(floor);
    PQfinish(conn);
    store_close(store);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "count") == 0)
        return run_count(argv[2], atoi(argv[3]));
    if (argc == 4)
        return run_writers(argv[1], atoi(argv[2]), atof(argv[3]));
    fprintf(stderr, "usage: writers DB N SECONDS | writers count URL ROUNDS\n");
    return 2;
}
