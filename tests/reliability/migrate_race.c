/* Many processes opening an out-of-date database at the same instant: each
 * revision must run exactly once, every process must open at head, and
 * the data must survive. The migration set is the built-in one plus two
 * test revisions that record each run in a table (a second run would add
 * a second row) and create objects without IF NOT EXISTS (a second run
 * would fail). Rounds cycle through the starting points a user can have:
 * no file at all, an empty file, an initialised base, revision 1 with
 * users, revision 2 with posts, revision 3. The test revisions come after
 * the built-in ones (B+1 and B+2, B the built-in head).
 *
 *   migrate_race DIR ROUNDS PROCESSES */
#include "tests/reliability/rel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* printf formats: %d is the test revision's own number. */
static const char three_up[] =
    "CREATE TABLE IF NOT EXISTS migration_runs (revision INTEGER NOT NULL);\n"
    "INSERT INTO migration_runs (revision) VALUES (%d);\n"
    "CREATE TABLE race_three (id INTEGER PRIMARY KEY, note TEXT);\n";
static const char three_down[] = "DROP TABLE race_three;\n";
static const char four_up[] =
    "INSERT INTO migration_runs (revision) VALUES (%d);\n"
    "ALTER TABLE post ADD COLUMN race_flag INTEGER;\n";
static const char four_down[] = "ALTER TABLE post DROP COLUMN race_flag;\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        rel_die("write %s", path);
}

static struct migration_set *make_set(const char *dir)
{
    char *mdir = xasprintf("%s/migrations", dir);
    mkdir(mdir, 0700);
    const struct migration_set *builtin = migrations_builtin();
    for (size_t i = 0; i < builtin->count; i++) {
        const struct migration *m = &builtin->items[i];
        char stem[96];
        snprintf(stem, sizeof stem, "%04d_%s", m->revision, m->name);
        for (char *p = stem; *p; p++)
            if (*p == ' ')
                *p = '_';
        char *up = xasprintf("%s/%s.up.sql", mdir, stem);
        char *down = xasprintf("%s/%s.down.sql", mdir, stem);
        write_file(up, m->up_sql);
        write_file(down, m->down_sql);
        free(up);
        free(down);
    }
    const char *extra[][3] = {
        { "race_three", three_up, three_down },
        { "race_four", four_up, four_down },
    };
    for (size_t i = 0; i < 2; i++) {
        int revision = (int)(builtin->count + 1 + i);
        char *up = xasprintf("%s/%04d_%s.up.sql", mdir, revision, extra[i][0]);
        char *down = xasprintf("%s/%04d_%s.down.sql", mdir, revision, extra[i][0]);
        char *up_sql = i == 0 ? xasprintf(three_up, revision) : xasprintf(four_up, revision);
        write_file(up, up_sql);
        write_file(down, extra[i][2]);
        free(up_sql);
        free(up);
        free(down);
    }
    struct migration_set *set = NULL;
    struct mb_error err;
    if (migration_set_load_dir(mdir, &set, &err) != MB_OK)
        rel_die("load %s: %s", mdir, err.message);
    if (set->count != builtin->count + 2)
        rel_die("expected %zu revisions", builtin->count + 2);
    free(mdir);
    return set;
}

/* Prepares path at `start`: -2 no file, -1 empty file, else that revision
 * (with users from 1, posts from 2). Returns the rows that must survive. */
static void prepare(const char *path, const struct migration_set *set, int start,
                    int64_t *users, int64_t *posts)
{
    char *rm = rel_shell("rm -f '%s' '%s'-* '%s'.rev*", path, path, path);
    free(rm);
    *users = *posts = 0;
    if (start == -2)
        return;
    if (start == -1) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            rel_die("create %s", path);
        close(fd);
        return;
    }
    struct store_options options = rel_options(path);
    options.migrate = STORE_MIGRATE_NONE;
    options.migrations = set;
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("prepare open: %s", err.message);
    if (store_upgrade(store, start, NULL) != MB_OK)
        rel_die("prepare upgrade: %s", store_error(store));
    store_close(store);
    if (start >= 1) {
        char *out = rel_shell("sqlite3 '%s' \"INSERT INTO user (username, created_at) "
                              "VALUES ('ann', 1), ('bob', 2)\" 2>&1",
                              path);
        free(out);
        *users = 2;
    }
    if (start >= 2) {
        char *out = rel_shell("sqlite3 '%s' \"INSERT INTO post (body, timestamp, user_id) "
                              "VALUES ('kept', 3, 1), ('also kept', 4, 2)\" 2>&1",
                              path);
        free(out);
        *posts = 2;
    }
}

static int64_t query_int(const char *path, const char *sql)
{
    char *out = rel_shell("sqlite3 -readonly '%s' \"%s\" 2>&1", path, sql);
    char *end;
    long long v = strtoll(out, &end, 10);
    if (end == out)
        v = -1;
    free(out);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        rel_die("usage: migrate_race DIR ROUNDS PROCESSES");
    const char *dir = argv[1];
    int rounds = atoi(argv[2]);
    int processes = atoi(argv[3]);
    char *path = xasprintf("%s/race.db", dir);
    struct migration_set *set = make_set(dir);
    int head = (int)set->count;
    int three = head - 1, four = head;
    /* "1,2,...,head": every revision applied once. */
    char expected[256] = "";
    for (int r = 1; r <= head; r++)
        snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s%d",
                 r > 1 ? "," : "", r);
    char *runs3_sql = xasprintf("SELECT count(*) FROM migration_runs WHERE revision = %d", three);
    char *runs4_sql = xasprintf("SELECT count(*) FROM migration_runs WHERE revision = %d", four);
    int failures = 0, opens = 0;
    char why[512] = "";
    int64_t started = rel_now_ms();
    static const int starts[] = { -2, -1, 0, 1, 2, 3 };

    for (int round = 0; round < rounds; round++) {
        int start = starts[round % 6];
        int64_t users, posts;
        prepare(path, set, start, &users, &posts);
        int gate[2];
        if (pipe(gate) != 0)
            rel_die("pipe");
        pid_t *pids = xcalloc((size_t)processes, sizeof *pids);
        for (int i = 0; i < processes; i++) {
            pids[i] = fork();
            if (pids[i] == 0) {
                close(gate[1]);
                char go;
                if (read(gate[0], &go, 1) != 0)
                    _exit(3);
                struct store_options options = rel_options(path);
                options.migrations = set;
                struct store *store = NULL;
                struct mb_error err;
                if (store_open(&options, &store, &err) != MB_OK) {
                    fprintf(stderr, "race child: %s\n", err.message);
                    _exit(1);
                }
                int current = -1, known = -1;
                int code = store_revision(store, &current, &known) == MB_OK && current == known
                               ? 0
                               : 2;
                store_close(store);
                _exit(code);
            }
        }
        close(gate[0]);
        close(gate[1]);
        int bad_children = 0;
        for (int i = 0; i < processes; i++) {
            int wstatus = 0;
            waitpid(pids[i], &wstatus, 0);
            if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
                bad_children++;
            else
                opens++;
        }
        free(pids);

        char *revisions = rel_shell("sqlite3 -readonly '%s' "
                                    "'SELECT group_concat(revision) FROM "
                                    "(SELECT revision FROM schema_revision ORDER BY revision)' 2>&1",
                                    path);
        revisions[strcspn(revisions, "\n")] = '\0';
        int64_t runs3 = query_int(path, runs3_sql);
        int64_t runs4 = query_int(path, runs4_sql);
        int64_t version = query_int(path, "PRAGMA user_version");
        int64_t got_users = query_int(path, "SELECT count(*) FROM user");
        int64_t got_posts = query_int(path, "SELECT count(*) FROM post");
        char *health = rel_sqlite_health(path);
        bool ok = bad_children == 0 && strcmp(revisions, expected) == 0 &&
                  runs3 == 1 && runs4 == 1 && version == head &&
                  got_users == users && got_posts == posts && health == NULL;
        if (!ok && getenv("MB_VERBOSE") != NULL)
            rel_note("bad round %d (start %d): %d children failed; revisions %.20s runs of the "
                     "test revisions: %lld, %lld", round, start, bad_children, revisions,
                     (long long)runs3, (long long)runs4);
        if (!ok && failures++ == 0)
            snprintf(why, sizeof why,
                     "round %d (start %d): %d children failed; revisions %.20s runs of the test "
                     "revisions: %lld, %lld; user_version %lld; users %lld/%lld posts %lld/%lld; %.100s",
                     round, start, bad_children, revisions, (long long)runs3, (long long)runs4,
                     (long long)version, (long long)got_users, (long long)users,
                     (long long)got_posts, (long long)posts, health ? health : "healthy");
        free(revisions);
        free(health);
    }
    rel_check(failures == 0,
              "migration race: every process opens at head, each revision runs exactly once",
              "%d bad rounds of %d; first: %s", failures, rounds, why);
    rel_note("figure race_rounds %d", rounds);
    rel_note("figure race_processes %d", processes);
    rel_note("figure race_opens %d", opens);
    rel_note("figure race_findings %d", failures);
    rel_note("figure race_seconds %.1f", (double)(rel_now_ms() - started) / 1000.0);
    migration_set_free(set);
    free(runs3_sql);
    free(runs4_sql);
    free(path);
    return rel_failures == 0 ? 0 : 1;
}
