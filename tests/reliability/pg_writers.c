/* Writers for the PostgreSQL reliability test (test_pg_crash.sh, issue 10),
 * through the store API under the sanitizers.
 *
 *   pg_writers write URL LOG STOPFILE
 *     One writer: until STOPFILE exists, one commit each, posts with
 *     @mentions and #tags, replies to its recent posts, edits, private
 *     entries (a test-strength key) and deletes, logged as writes_log.h
 *     says (an intent line before, an acknowledgement after the write
 *     returned MB_OK). A failure (the server killed under it) is printed on
 *     stderr as "error: MESSAGE", and the writer carries on after 50 ms,
 *     with the same handle, so that the store's own reconnection is what is
 *     tested. At the end: "# figure pg_writer_posts N" (acknowledged
 *     writes) and "# figure pg_writer_errors N" on stdout, exit 0.
 *
 *   pg_writers verify URL LOG SCRATCH
 *     After the writer: every acknowledged write holds (a post or reply
 *     with its body, an edit's body, a private entry opening to its text, a
 *     deleted post gone); a write that failed happened whole or not at all
 *     (an edit's body or the one before; a delete done or not; the post
 *     count off by at most the failed additions and deletes); invariants.h's
 *     invariants hold. Prints TAP lines and "# figure pg_crash_unlogged N".
 *
 *   pg_writers load URL SECONDS N SCRATCH
 *     N writer processes at once on one (fresh) database for SECONDS, each
 *     posting and making issue 11 and 12's writes (social_ops.h: replies,
 *     edits with @mentions and #tags, private entries, follows, mutes, read
 *     marks, deletes): no error may reach a caller (a deadlock between two
 *     tagged writes neither: test_pg_tags.sh), each writer reads back
 *     what only it wrote, the post count (store_post_count and the rows)
 *     must equal the sum of the commits, and the database must hold
 *     invariants.h's invariants (checked through psql; SCRATCH is a
 *     directory for its script). Prints TAP lines and "# figure pg_load_* N"
 *     lines.
 */
#include "tests/reliability/social_ops.h"
#include "tests/reliability/writes_log.h"

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

#define PASSPHRASE "the server is killed under it"

static int write_mode(const char *url, const char *log_path, const char *stop_path)
{
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        rel_die("open %s", log_path);
    struct store *store = open_store(url);
    struct user user = { 0 };
    if (store_user_ensure(store, "crash", &user, NULL) != MB_OK)
        rel_die("user: %s", store_error(store));
    for (size_t n = 0; n < REL_NAME_COUNT; n++) {
        struct user named = { 0 };
        if (store_user_ensure(store, rel_names[n], &named, NULL) != MB_OK)
            rel_die("user %s: %s", rel_names[n], store_error(store));
        store_user_clear(&named);
    }
    if (store_private_unlock(store, user.id, PASSPHRASE) != MB_OK)
        rel_die("unlock: %s", store_error(store));
    uint64_t seed = rel_seed();
    int64_t ids[64];
    bool private[64];
    size_t count = 0;
    long posts = 0, errors = 0;
    for (int seq = 0; access(stop_path, F_OK) != 0; seq++) {
        unsigned op = (unsigned)(rel_random(&seed) % 100);
        size_t pick = count > 0 ? (size_t)(rel_random(&seed) % count) : 0;
        char kind = op < 50 ? 'P' : op < 65 ? 'R' : op < 80 ? 'E' : op < 92 ? 'V' : 'D';
        if (count == 0 || (kind == 'E' && private[pick]))
            kind = 'P';
        int64_t target = kind == 'E' || kind == 'D' ? ids[pick] : 0;
        int64_t parent = kind == 'R' ? ids[pick] : 0;
        char body[200];
        rel_write_body(body, sizeof body, kind, 0, seq);
        rel_log_line(fd, 'I', kind, target, parent, 0, seq);
        int64_t id = target;
        enum mb_status status =
            kind == 'V'   ? store_post_private(store, user.id, body, &id)
            : kind == 'E' ? store_post_edit(store, target, user.id, body)
            : kind == 'D' ? store_post_delete(store, target)
                          : store_post_reply(store, user.id, parent, body, 0, &id);
        if (kind == 'D')
            ids[pick] = ids[--count], private[pick] = private[count];
        if (status != MB_OK) {
            errors++;
            fprintf(stderr, "error: %s\n", store_error(store));
            rel_sleep_us(50000);
            continue;
        }
        rel_log_line(fd, 'A', kind, id, parent, 0, seq);
        posts++;
        if (kind != 'D' && kind != 'E') {
            if (count == 64) {
                memmove(ids, ids + 1, 63 * sizeof ids[0]);
                memmove(private, private + 1, 63 * sizeof private[0]);
                count--;
            }
            ids[count] = id;
            private[count++] = kind == 'V';
        }
    }
    close(fd);
    store_user_clear(&user);
    store_close(store);
    rel_note("figure pg_writer_posts %ld", posts);
    rel_note("figure pg_writer_errors %ld", errors);
    return 0;
}

static int verify_mode(const char *url, const char *log_path, const char *scratch)
{
    struct rel_logged *items = NULL;
    size_t count = 0, capacity = 0;
    off_t offset = 0;
    rel_log_read(log_path, &offset, &items, &count, &capacity);
    struct rel_model model = { 0 };
    long adds = 0, failed_adds = 0, failed_deletes = 0, acknowledged = 0;
    const struct rel_logged *pending = NULL;
    for (size_t i = 0; i <= count; i++) {
        if (pending != NULL && (i == count || !items[i].ack)) {
            rel_model_failed(&model, pending);
            failed_adds += pending->kind != 'E' && pending->kind != 'D';
            failed_deletes += pending->kind == 'D';
        }
        if (i == count)
            break;
        if (!items[i].ack) {
            pending = &items[i];
            continue;
        }
        pending = NULL;
        acknowledged++;
        rel_model_apply(&model, &items[i]);
        adds += items[i].kind == 'D' ? -1 : items[i].kind == 'E' ? 0 : 1;
    }
    struct store *store = open_store(url);
    struct user user = { 0 };
    if (store_user_get(store, "crash", &user) != MB_OK ||
        store_private_unlock(store, user.id, PASSPHRASE) != MB_OK)
        rel_die("unlock: %s", store_error(store));
    store_user_clear(&user);
    int missing = 0;
    char why[512] = "";
    for (size_t id = 0; id < model.size; id++)
        missing += rel_verify_post(store, &model, (int64_t)id, why, sizeof why);
    int64_t posts = -1;
    enum mb_status status = store_post_count(store, 0, &posts);
    store_close(store);
    long unlogged = (long)posts - adds;
    rel_check(missing == 0,
              "every acknowledged post, reply, edit, private entry and delete holds (an edit "
              "or delete that failed is whole or absent)",
              "%d problems, first: %s", missing, why);
    rel_check(status == MB_OK && unlogged <= failed_adds && -unlogged <= failed_deletes,
              "the post count is the acknowledged writes', off by at most the failed ones",
              "count %lld, acknowledged %ld, failed additions %ld, failed deletes %ld",
              (long long)posts, adds, failed_adds, failed_deletes);
    struct rel_db db = { .postgres = true, .target = url, .scratch = scratch };
    int problems = rel_invariants(&db, why, sizeof why);
    rel_check(problems == 0,
              "after the kills mentions and tags match the bodies, tag_count, threads, private "
              "entries, post counts; search equals to_tsvector('simple', body)",
              "%d problems, first: %s", problems, why);
    rel_note("figure pg_crash_acknowledged %ld", acknowledged);
    rel_note("figure pg_crash_unlogged %ld", unlogged < 0 ? -unlogged : unlogged);
    free(items);
    free(model.posts);
    return rel_failures != 0;
}

/* What one loaded writer reports to the parent through its pipe. */
struct load_report {
    long commits;    /* plain posts */
    long errors;
    struct rel_social_tally social;
};

/* One loaded writer: writes its load_report to fd and exits. */
static void load_child(const char *url, int writer, int64_t until_ms, int fd)
{
    struct store *store = open_store(url);
    char name[32], label[32];
    snprintf(name, sizeof name, "writer%d", writer);
    snprintf(label, sizeof label, "writer %d", writer);
    struct user user = { 0 };
    struct load_report report = { 0 };
    uint64_t seed = rel_seed() + (uint64_t)writer * 7919;
    struct rel_social social = { .store = store, .seed = seed, .label = label };
    if (store_user_ensure(store, name, &user, NULL) != MB_OK) {
        fprintf(stderr, "%s: %s\n", name, store_error(store));
        report.errors++;
    }
    social.own = user.id;
    if (report.errors == 0 && !rel_social_start(&social, &report.social))
        fprintf(stderr, "%s: %s\n", name, report.social.first_error);
    for (int seq = 0; report.errors + report.social.errors + report.social.busy == 0 &&
                      rel_now_ms() < until_ms;
         seq++) {
        if (rel_random(&seed) % 2) {
            rel_social_step(&social, &report.social);
            continue;
        }
        char body[160];
        body_for(body, sizeof body, writer, seq);
        int64_t id = 0;
        if (store_post_add(store, user.id, body, 0, &id) != MB_OK) {
            fprintf(stderr, "%s: %s\n", name, store_error(store));
            report.errors++;
        } else {
            report.commits++;
        }
    }
    if (report.social.errors + report.social.busy > 0)
        fprintf(stderr, "%s: %s\n", name, report.social.first_error);
    else
        rel_social_verify(&social, &report.social);
    store_user_clear(&user);
    store_close(store);
    if (write(fd, &report, sizeof report) != (ssize_t)sizeof report)
        _exit(3);
    exit(0);
}

static int load_mode(const char *url, int seconds, int writers, const char *scratch)
{
    /* Brings the database to head once, before the writers race, with the
     * users their bodies mention. */
    struct store *store = open_store(url);
    for (size_t n = 0; n < REL_NAME_COUNT; n++)
        if (store_user_add(store, rel_names[n], NULL, NULL, NULL) != MB_OK)
            rel_die("adding %s: %s", rel_names[n], store_error(store));
    store_close(store);
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
    struct rel_social_tally social = { 0 };
    int crashed = 0;
    for (int i = 0; i < writers; i++) {
        struct load_report report = { 0 };
        ssize_t got = read(fds[i][0], &report, sizeof report);
        close(fds[i][0]);
        if (got != (ssize_t)sizeof report)
            crashed++;
        commits += report.commits;
        errors += report.errors;
        rel_social_add(&social, &report.social);
        int wstatus = 0;
        while (waitpid(pids[i], &wstatus, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
            crashed++;
    }
    errors += social.errors + social.busy;
    long posts = commits + (long)social.posts - (long)social.deletes;
    rel_check(crashed == 0, "every writer ran to the end and exited 0 (no sanitizer report)",
              "%d writers crashed or failed", crashed);
    rel_check(errors == 0, "no error reached a caller (serialization failures retried inside)",
              "%ld errors (on stderr), first: %s", errors, social.first_error);
    rel_check(social.deadlocks == 0,
              "no deadlock between tagged writes reached a writer (tag_count's rows taken in "
              "byte order: store/tag_locks.c)",
              "%lld deadlocks, first: %s", (long long)social.deadlocks, social.first_deadlock);
    store = open_store(url);
    int64_t counted = -1;
    enum mb_status status = store_post_count(store, 0, &counted);
    rel_check(status == MB_OK && counted == posts, "the post count equals the commits",
              "count %lld (%s), commits %ld (%ld plain, %lld social) - %lld deletes",
              (long long)counted, status == MB_OK ? "ok" : store_error(store), posts, commits,
              (long long)social.posts, (long long)social.deletes);
    store_close(store);
    rel_check(social.mismatches == 0,
              "each writer reads back its posts' bodies, private entry, follows, mutes and read "
              "mark", "%lld differences, first: %s", (long long)social.mismatches,
              social.first_error);
    rel_check(social.replies > 0 && social.edits > 0 && social.privates > 0 &&
                  social.follows > 0 && social.mutes > 0 && social.marks > 0,
              "replies, edits, private entries, follows, mutes and read marks were committed",
              "replies %lld, edits %lld, private %lld, follows %lld, mutes %lld, marks %lld",
              (long long)social.replies, (long long)social.edits, (long long)social.privates,
              (long long)social.follows, (long long)social.mutes, (long long)social.marks);
    struct rel_db db = { .postgres = true, .target = url, .scratch = scratch };
    char why[512];
    int problems = rel_invariants(&db, why, sizeof why);
    rel_check(problems == 0,
              "mentions and tags match the bodies, tag_count, threads, private entries, post "
              "counts; search equals to_tsvector('simple', body) and matches the bodies",
              "%d problems, first: %s", problems, why);
    rel_note("figure pg_load_writers %d", writers);
    rel_note("figure pg_load_seconds %d", seconds);
    rel_note("figure pg_load_commits %ld", commits + (long)social.posts);
    rel_note("figure pg_load_rows %ld", posts);
    rel_note("figure pg_load_social %lld", (long long)(social.replies + social.edits +
                                                       social.privates + social.deletes +
                                                       social.follows + social.mutes +
                                                       social.marks + social.seen));
    rel_note("figure pg_load_replies %lld", (long long)social.replies);
    rel_note("figure pg_load_edits %lld", (long long)social.edits);
    rel_note("figure pg_load_privates %lld", (long long)social.privates);
    rel_note("figure pg_load_errors %ld", errors);
    rel_note("figure pg_load_deadlocks %lld", (long long)social.deadlocks);
    return rel_failures != 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return write_mode(argv[2], argv[3], argv[4]);
    if (argc == 5 && strcmp(argv[1], "verify") == 0)
        return verify_mode(argv[2], argv[3], argv[4]);
    if (argc == 6 && strcmp(argv[1], "load") == 0)
        return load_mode(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
    fprintf(stderr, "usage: pg_writers write URL LOG STOPFILE | verify URL LOG SCRATCH | load URL "
                    "SECONDS N SCRATCH\n");
    return 2;
}
