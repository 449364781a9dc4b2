/* Writers for the PostgreSQL reliability test (test_pg_crash.sh, issue 10),
 * through the store API under the sanitizers.
 *
 *   pg_writers write URL LOG STOPFILE
 *     One writer: posts one post per commit until STOPFILE exists, and
 *     appends "ID BODY" to LOG with write(2) only after store_post_add
 *     returned MB_OK. A failure (the server killed under it) is printed on
 *     stderr as "error: MESSAGE", and the writer carries on after 50 ms,
 *     with the same handle, so that the store's own reconnection is what is
 *     tested. At the end: "# figure pg_writer_posts N" and
 *     "# figure pg_writer_errors N" on stdout, exit 0.
 *
 *   pg_writers load URL SECONDS N
 *     N writer processes at once on one (fresh) database for SECONDS: no
 *     error may reach a caller, and the post count (store_post_count and
 *     the rows) must equal the sum of the commits. Prints TAP lines and
 *     "# figure pg_load_* N" lines.
 */
#include "tests/reliability/rel.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void body_for(char *out, size_t size, int writer, int seq)
{
    snprintf(out, size, "writer %d post %d — the server is killed under it", writer, seq);
}

static struct store *open_store(const char *url)
{
    struct store_options options = rel_options(url);
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        exit(2);
    }
    return store;
}

static int write_mode(const char *url, const char *log_path, const char *stop_path)
{
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        rel_die("open %s", log_path);
    struct store *store = open_store(url);
    struct user user = { 0 };
    if (store_user_ensure(store, "crash", &user, NULL) != MB_OK)
        rel_die("user: %s", store_error(store));
    long posts = 0, errors = 0;
    for (int seq = 0; access(stop_path, F_OK) != 0; seq++) {
        char body[160];
        body_for(body, sizeof body, 0, seq);
        int64_t id = 0;
        enum mb_status status = store_post_add(store, user.id, body, 0, &id);
        if (status != MB_OK) {
            errors++;
            fprintf(stderr, "error: %s\n", store_error(store));
            rel_sleep_us(50000);
            continue;
        }
        char line[200];
        int n = snprintf(line, sizeof line, "%lld %s\n", (long long)id, body);
        if (write(fd, line, (size_t)n) != n)
            rel_die("write %s", log_path);
        posts++;
    }
    close(fd);
    store_user_clear(&user);
    store_close(store);
    rel_note("figure pg_writer_posts %ld", posts);
    rel_note("figure pg_writer_errors %ld", errors);
    return 0;
}

/* One loaded writer: writes "COMMITS ERRORS" to fd and exits. */
static void load_child(const char *url, int writer, int64_t until_ms, int fd)
{
    struct store *store = open_store(url);
    char name[32];
    snprintf(name, sizeof name, "writer%d", writer);
    struct user user = { 0 };
    long commits = 0, errors = 0;
    if (store_user_ensure(store, name, &user, NULL) != MB_OK) {
        fprintf(stderr, "%s: %s\n", name, store_error(store));
        errors++;
    }
    for (int seq = 0; errors == 0 && rel_now_ms() < until_ms; seq++) {
        char body[160];
        body_for(body, sizeof body, writer, seq);
        int64_t id = 0;
        if (store_post_add(store, user.id, body, 0, &id) != MB_OK) {
            fprintf(stderr, "%s: %s\n", name, store_error(store));
            errors++;
        } else {
            commits++;
        }
    }
    store_user_clear(&user);
    store_close(store);
    char line[64];
    int n = snprintf(line, sizeof line, "%ld %ld\n", commits, errors);
    if (write(fd, line, (size_t)n) != n)
        _exit(3);
    exit(0);
}

static int load_mode(const char *url, int seconds, int writers)
{
    /* Brings the database to head once, before the writers race. */
    store_close(open_store(url));
    int fds[64][2];
    pid_t pids[64];
    if (writers < 1 || writers > 64)
        rel_die("1 to 64 writers");
    int64_t until_ms = rel_now_ms() + (int64_t)seconds * 1000;
    fflush(stdout);
    for (int i = 0; i < writers; i++) {
        if (pipe(fds[i]) != 0)
            rel_die("pipe");
        pids[i] = fork();
        if (pids[i] < 0)
            rel_die("fork");
        if (pids[i] == 0) {
            close(fds[i][0]);
            load_child(url, i, until_ms, fds[i][1]);
        }
        close(fds[i][1]);
    }
    long commits = 0, errors = 0;
    int crashed = 0;
    for (int i = 0; i < writers; i++) {
        char line[64] = "";
        ssize_t got = read(fds[i][0], line, sizeof line - 1);
        close(fds[i][0]);
        long c = 0, e = 0;
        if (got <= 0 || sscanf(line, "%ld %ld", &c, &e) != 2)
            crashed++;
        commits += c;
        errors += e;
        int wstatus = 0;
        while (waitpid(pids[i], &wstatus, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
            crashed++;
    }
    rel_check(crashed == 0, "every writer ran to the end and exited 0 (no sanitizer report)",
              "%d writers crashed or failed", crashed);
    rel_check(errors == 0, "no error reached a caller (serialization failures retried inside)",
              "%ld errors (on stderr)", errors);
    struct store *store = open_store(url);
    int64_t counted = -1;
    enum mb_status status = store_post_count(store, 0, &counted);
    rel_check(status == MB_OK && counted == commits, "the post count equals the commits",
              "count %lld (%s), commits %ld", (long long)counted,
              status == MB_OK ? "ok" : store_error(store), commits);
    store_close(store);
    rel_note("figure pg_load_writers %d", writers);
    rel_note("figure pg_load_seconds %d", seconds);
    rel_note("figure pg_load_commits %ld", commits);
    rel_note("figure pg_load_errors %ld", errors);
    return rel_failures != 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return write_mode(argv[2], argv[3], argv[4]);
    if (argc == 5 && strcmp(argv[1], "load") == 0)
        return load_mode(argv[2], atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: pg_writers write URL LOG STOPFILE | load URL SECONDS N\n");
    return 2;
}
