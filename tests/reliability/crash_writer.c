/* Crash safety: a child process opens the store and posts one post per
 * commit, appending "ID ROUND SEQ" to a log with write(2) only after the
 * commit has returned; the parent SIGKILLs it at a random moment (during
 * open, a write, a commit or a checkpoint), then checks from outside that
 * every logged post is present with its body, at most one unlogged post
 * appeared (the one committed just before the kill), integrity_check is ok
 * and foreign_key_check is empty. Every tenth round the database is reopened
 * read-write (WAL recovery and checkpoint on close); the others check it
 * read-only so the WAL keeps growing and the child's automatic checkpoints
 * get killed too. Every fifth round also kills a child creating a brand-new
 * database, which must afterwards open at head.
 *
 *   crash_writer DIR ROUNDS [MAX_DELAY_MS] [--log-before-commit]
 *
 * --log-before-commit is the negative control: the child logs inside the
 * transaction, before COMMIT, so a kill there loses a logged post and the
 * run must report it. Prints TAP lines and "# figure" lines. */
#include "tests/reliability/rel.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct logged {
    int64_t id;
    int round;
    int seq;
};

static bool log_before_commit;

static void body_for(char *out, size_t size, int round, int seq)
{
    /* Long enough that a commit touches a few pages; UTF-8 on purpose. */
    snprintf(out, size, "round %d post %d — the quick brown fox jumps over the lazy dog "
                        "while the database is being killed",
             round, seq);
}

static void write_line(int fd, int64_t id, int round, int seq)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%lld %d %d\n", (long long)id, round, seq);
    if (write(fd, line, (size_t)n) != n)
        _exit(4);
}

/* The child: never returns. */
static void child_write(const char *path, const char *log_path, int round)
{
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        _exit(3);
    struct store_options options = rel_options(path);
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK) {
        fprintf(stderr, "child open: %s\n", err.message);
        _exit(2);
    }
    struct user user = { 0 };
    if (store_user_ensure(store, "crash", &user, NULL) != MB_OK) {
        fprintf(stderr, "child user: %s\n", store_error(store));
        _exit(2);
    }
    for (int seq = 0;; seq++) {
        char body[200];
        int64_t id = 0;
        body_for(body, sizeof body, round, seq);
        if (log_before_commit) {
            /* Deliberately wrong: the log claims a post before it is durable. */
            if (store_batch_begin(store) != MB_OK || store_post_add(store, user.id, body, 0, &id) != MB_OK)
                _exit(2);
            write_line(fd, id, round, seq);
            if (store_batch_commit(store) != MB_OK)
                _exit(2);
            continue;
        }
        if (store_post_add(store, user.id, body, 0, &id) != MB_OK) {
            fprintf(stderr, "child post: %s\n", store_error(store));
            _exit(2);
        }
        write_line(fd, id, round, seq);
    }
}

/* The child creating a fresh database: open (create + migrate) and close. */
static void child_create(const char *path)
{
    struct store_options options = rel_options(path);
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK)
        _exit(2);
    store_close(store);
    _exit(0);
}

/* Reads log lines after *offset into *items; a torn last line is left. */
static void read_log(const char *log_path, off_t *offset, struct logged **items, size_t *count,
                     size_t *capacity)
{
    FILE *f = fopen(log_path, "r");
    if (f == NULL)
        return;
    fseeko(f, *offset, SEEK_SET);
    char line[128];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n')
            break;
        struct logged entry;
        long long id;
        if (sscanf(line, "%lld %d %d", &id, &entry.round, &entry.seq) != 3)
            break;
        entry.id = id;
        if (*count == *capacity) {
            *capacity = *capacity ? *capacity * 2 : 1024;
            *items = xreallocarray(*items, *capacity, sizeof **items);
        }
        (*items)[(*count)++] = entry;
        *offset += (off_t)len;
    }
    fclose(f);
}

/* Kills after delay_us; returns true when the child was still running. */
static bool kill_after(pid_t pid, int64_t delay_us)
{
    rel_sleep_us(delay_us);
    kill(pid, SIGKILL);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    return WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL;
}

/* Checks the logged entries from first on against the database. Returns
 * the number of problems (first few described). */
static int verify_entries(struct store *store, const struct logged *items, size_t first,
                          size_t count, char *why, size_t why_size)
{
    int problems = 0;
    for (size_t i = first; i < count; i++) {
        struct post post = { 0 };
        enum mb_status status = store_post_get(store, items[i].id, &post);
        char expected[200];
        body_for(expected, sizeof expected, items[i].round, items[i].seq);
        if (status != MB_OK || strcmp(post.body, expected) != 0) {
            if (problems++ == 0)
                snprintf(why, why_size, "logged post %lld (round %d, seq %d): %s",
                         (long long)items[i].id, items[i].round, items[i].seq,
                         status != MB_OK ? mb_status_message(status) : "body differs");
        }
        store_post_clear(&post);
    }
    return problems;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        rel_die("usage: crash_writer DIR ROUNDS [MAX_DELAY_MS] [--log-before-commit]");
    const char *dir = argv[1];
    int rounds = atoi(argv[2]);
    int max_delay_ms = argc > 3 && argv[3][0] != '-' ? atoi(argv[3]) : 40;
    for (int i = 3; i < argc; i++)
        if (strcmp(argv[i], "--log-before-commit") == 0)
            log_before_commit = true;
    uint64_t seed = rel_seed();
    rel_note("crash: seed %llu (MB_SEED=%llu reproduces), %d rounds, kill within %d ms%s",
             (unsigned long long)seed, (unsigned long long)seed, rounds, max_delay_ms,
             log_before_commit ? ", NEGATIVE CONTROL: log written before commit" : "");

    char *path = xasprintf("%s/crash.db", dir);
    char *log_path = xasprintf("%s/crash.log", dir);
    struct logged *items = NULL;
    size_t count = 0, capacity = 0;
    off_t offset = 0;
    int64_t previous_posts = 0;
    int kills = 0, early_exits = 0, missing = 0, extra = 0, unhealthy = 0;
    int fresh_rounds = 0, fresh_failures = 0, recoveries = 0;
    char why[512] = "";
    char health_why[512] = "";
    char fresh_why[512] = "";
    int64_t started = rel_now_ms();

    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        if (pid < 0)
            rel_die("fork: %s", strerror(errno));
        if (pid == 0)
            child_write(path, log_path, round);
        /* A quarter of the kills land in the first few milliseconds: open,
         * WAL set-up, the first transaction. */
        int64_t limit_us = (int64_t)max_delay_ms * 1000;
        int64_t delay = (int64_t)(rel_random(&seed) % (uint64_t)limit_us);
        if (rel_random(&seed) % 4 == 0)
            delay /= 10;
        if (kill_after(pid, delay))
            kills++;
        else
            early_exits++;

        size_t first = count;
        read_log(log_path, &offset, &items, &count, &capacity);

        bool read_write = round % 10 == 9;
        struct store_options options = rel_options(path);
        options.read_only = !read_write;
        options.migrate = read_write ? STORE_MIGRATE_AUTO : STORE_MIGRATE_NONE;
        struct store *store = NULL;
        struct mb_error err;
        enum mb_status status = store_open(&options, &store, &err);
        if (status == MB_NOT_FOUND && count == 0) {
            continue; /* killed before the file existed */
        }
        if (status != MB_OK) {
            /* A kill during creation can leave an empty or uninitialised
             * file; the next writer must cope with that, so only fail
             * when posts were ever logged. */
            if (count > 0) {
                missing++;
                snprintf(why, sizeof why, "round %d: reopening failed: %.300s", round, err.message);
            }
            continue;
        }
        int at = -1, known = -1;
        if (store_revision(store, &at, &known) == MB_OK && at < known && count == 0) {
            /* Killed while the first writer was still migrating the new
             * file (read-only, nothing upgrades it): nothing to check yet. */
            store_close(store);
            continue;
        }
        recoveries += read_write;
        char detail[256] = "";
        int problems = verify_entries(store, items, first, count, detail, sizeof detail);
        if (problems > 0) {
            if (missing == 0)
                snprintf(why, sizeof why, "round %d: %.300s", round, detail);
            missing += problems;
        }
        int64_t posts = 0;
        if (store_post_count(store, 0, &posts) != MB_OK) {
            missing++;
            snprintf(why, sizeof why, "round %d: count: %.300s", round, store_error(store));
        }
        int64_t unlogged = posts - previous_posts - (int64_t)(count - first);
        if (unlogged < 0 || unlogged > 1) {
            if (extra++ == 0)
                snprintf(why, sizeof why,
                         "round %d: %lld posts appeared, %zu were logged (at most one "
                         "commit may be unlogged)",
                         round, (long long)(posts - previous_posts), count - first);
        }
        previous_posts = posts;
        store_close(store);

        char *health = rel_sqlite_health(path);
        if (health != NULL) {
            if (unhealthy++ == 0)
                snprintf(health_why, sizeof health_why, "round %d: %.300s", round, health);
            free(health);
        }

        if (round % 5 == 4) {
            /* Kill a child creating a new database, then open it again. */
            char *fresh = xasprintf("%s/fresh-%d.db", dir, round);
            pid_t creator = fork();
            if (creator == 0)
                child_create(fresh);
            kill_after(creator, (int64_t)(rel_random(&seed) % 8000));
            fresh_rounds++;
            struct store_options fresh_options = rel_options(fresh);
            struct store *again = NULL;
            int current = -1, head = -2;
            if (store_open(&fresh_options, &again, &err) != MB_OK ||
                store_revision(again, &current, &head) != MB_OK || current != head) {
                if (fresh_failures++ == 0)
                    snprintf(fresh_why, sizeof fresh_why, "round %d: %.300s (revision %d of %d)",
                             round, again == NULL ? err.message : store_error(again), current,
                             head);
            }
            store_close(again);
            char *health_fresh = rel_sqlite_health(fresh);
            if (health_fresh != NULL) {
                if (fresh_failures++ == 0)
                    snprintf(fresh_why, sizeof fresh_why, "round %d: %.300s", round, health_fresh);
                free(health_fresh);
            }
            char *rm = rel_shell("rm -f '%s' '%s-wal' '%s-shm'", fresh, fresh, fresh);
            free(rm);
            free(fresh);
        }
    }

    /* Finally every post ever logged, in one pass, after a read-write open. */
    struct store_options options = rel_options(path);
    struct store *store = NULL;
    struct mb_error err;
    int final_missing = 0;
    char final_why[256] = "";
    if (store_open(&options, &store, &err) == MB_OK) {
        final_missing = verify_entries(store, items, 0, count, final_why, sizeof final_why);
        store_close(store);
    } else {
        final_missing = (int)count;
        snprintf(final_why, sizeof final_why, "open: %.200s", err.message);
    }
    char *health = rel_sqlite_health(path);
    int64_t elapsed = rel_now_ms() - started;

    rel_check(early_exits == 0, "crash: every writer was still running when killed",
              "%d of %d writers exited on their own (see stderr)", early_exits, rounds);
    rel_check(missing == 0 && extra == 0,
              "crash: after each kill every logged post is present and at most one unlogged",
              "%d missing, %d rounds with unexplained posts: %s", missing, extra, why);
    rel_check(unhealthy == 0, "crash: integrity_check ok and foreign_key_check empty after each kill",
              "%d bad rounds: %s", unhealthy, health_why);
    rel_check(fresh_failures == 0, "crash: a database killed while being created opens at head",
              "%d failures: %s", fresh_failures, fresh_why);
    rel_check(final_missing == 0 && health == NULL,
              "crash: at the end all logged posts are present and the file is sound",
              "%d missing (%s); health: %s", final_missing, final_why,
              health != NULL ? health : "ok");
    rel_check(count > (size_t)rounds, "crash: the writers committed posts between kills",
              "only %zu posts logged in %d rounds", count, rounds);
    rel_note("figure crash_rounds %d", rounds);
    rel_note("figure crash_kills %d", kills + fresh_rounds);
    rel_note("figure crash_posts %zu", count);
    rel_note("figure crash_recoveries %d", recoveries);
    rel_note("figure crash_findings %d",
             missing + extra + unhealthy + fresh_failures + final_missing + (health != NULL));
    rel_note("figure crash_seconds %.1f", (double)elapsed / 1000.0);
    free(health);
    free(items);
    free(path);
    free(log_path);
    return rel_failures == 0 ? 0 : 1;
}
