/* Crash safety: a child process opens the store and writes, one commit
 * each, posts with @mentions and #tags, replies to random existing posts,
 * edits of posts, private entries (a test-strength key) and deletes, with
 * follows and read marks in between; before each of the first five it
 * appends an intent line "I KIND ID PARENT ROUND SEQ" to a log, and after
 * the write returned an acknowledgement "A KIND ID PARENT ROUND SEQ"
 * (write(2), the new post's id for an addition). The parent SIGKILLs it at
 * a random moment (during open, a write, a commit or a checkpoint), then
 * checks from outside that every acknowledged write holds: a post or reply
 * is there with its body (a reply answering its parent while the parent
 * exists), an edited post has its new body, a private entry opens to its
 * text, a deleted post is gone; the one intended write without an
 * acknowledgement either happened whole or not at all, and the post count
 * moved by exactly the acknowledged writes (and that one); integrity_check
 * is ok, foreign_key_check empty, and invariants.h's invariants hold
 * (mentions and tags against the bodies, tag_count, threads, private
 * entries, the FTS5 index and its integrity-check). Every tenth round the
 * database is reopened read-write (WAL recovery and checkpoint on close);
 * the others check it read-only so the WAL keeps growing and the child's
 * automatic checkpoints get killed too. Every fifth round also kills a
 * child creating a brand-new database, which must afterwards open at head.
 *
 *   crash_writer DIR ROUNDS [MAX_DELAY_MS] [--log-before-commit]
 *
 * --log-before-commit is the negative control: the child acknowledges
 * plain posts inside the transaction, before COMMIT, so a kill there loses
 * an acknowledged post and the run must report it. Prints TAP lines and
 * "# figure" lines. */
#include "tests/reliability/writes_log.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PASSPHRASE "the crash passphrase"
#define CANDIDATES 64

static bool log_before_commit;

static void child_fail(struct store *store, const char *what)
{
    fprintf(stderr, "child %s: %s\n", what, store_error(store));
    _exit(2);
}

/* The newest posts, as candidates to reply to, edit (not private) or delete. */
struct candidates {
    int64_t ids[CANDIDATES];
    bool private[CANDIDATES];
    size_t count;
};

static void candidate_add(struct candidates *c, int64_t id, bool is_private)
{
    if (c->count == CANDIDATES) {
        memmove(c->ids, c->ids + 1, (CANDIDATES - 1) * sizeof c->ids[0]);
        memmove(c->private, c->private + 1, (CANDIDATES - 1) * sizeof c->private[0]);
        c->count--;
    }
    c->ids[c->count] = id;
    c->private[c->count++] = is_private;
}

/* The child: never returns. */
static void child_write(const char *path, const char *log_path, int round, uint64_t seed)
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
    if (store_user_ensure(store, "crash", &user, NULL) != MB_OK)
        child_fail(store, "user");
    /* The users the bodies mention exist before any body mentions them. */
    int64_t names[REL_NAME_COUNT];
    for (size_t n = 0; n < REL_NAME_COUNT; n++) {
        struct user named = { 0 };
        if (store_user_ensure(store, rel_names[n], &named, NULL) != MB_OK)
            child_fail(store, "named user");
        names[n] = named.id;
        store_user_clear(&named);
    }
    struct candidates c = { .count = 0 };
    struct post_list page = { 0 };
    if (store_posts_page(store, NULL, NULL, PAGE_OLDER, CANDIDATES, &page) != MB_OK)
        child_fail(store, "page");
    for (size_t i = page.count; i > 0; i--)
        candidate_add(&c, page.items[i - 1].id, page.items[i - 1].is_private);
    store_post_list_free(&page);
    bool unlocked = false;
    for (int seq = 0;; seq++) {
        char body[200];
        int64_t id = 0;
        if (log_before_commit) {
            /* Deliberately wrong: the log claims a post before it is durable. */
            rel_write_body(body, sizeof body, 'P', round, seq);
            if (store_batch_begin(store) != MB_OK ||
                store_post_add(store, user.id, body, 0, &id) != MB_OK)
                _exit(2);
            rel_log_line(fd, 'A', 'P', id, 0, round, seq);
            rel_sleep_us(2000); /* most kills land here */
            if (store_batch_commit(store) != MB_OK)
                _exit(2);
            continue;
        }
        unsigned op = (unsigned)(rel_random(&seed) % 100);
        size_t pick = c.count > 0 ? (size_t)(rel_random(&seed) % c.count) : 0;
        char kind = op < 45   ? 'P'
                    : op < 60 ? 'R'
                    : op < 75 ? 'E'
                    : op < 85 ? 'V'
                    : op < 92 ? 'D'
                              : 'S';
        if ((kind == 'R' || kind == 'D') && c.count == 0)
            kind = 'P';
        if (kind == 'E' && (c.count == 0 || c.private[pick]))
            kind = 'P';
        if (kind == 'S') {
            /* Unacknowledged social writes between the others. */
            size_t n = (size_t)(rel_random(&seed) % REL_NAME_COUNT);
            enum mb_status status = store_follow(store, user.id, names[n]);
            if (status == MB_EXISTS)
                status = store_unfollow(store, user.id, names[n]);
            if (status == MB_OK && c.count > 0) {
                struct post_cursor at = { (int64_t)time(NULL), c.ids[c.count - 1] };
                status = store_read_mark_set(store, user.id, STORE_MARK_TIMELINE, &at);
            }
            if (status != MB_OK)
                child_fail(store, "follow or read mark");
            continue;
        }
        if (kind == 'V' && !unlocked) {
            if (store_private_unlock(store, user.id, PASSPHRASE) != MB_OK)
                child_fail(store, "unlock");
            unlocked = true;
        }
        int64_t target = kind == 'E' || kind == 'D' ? c.ids[pick] : 0;
        int64_t parent = kind == 'R' ? c.ids[pick] : 0;
        rel_write_body(body, sizeof body, kind, round, seq);
        rel_log_line(fd, 'I', kind, target, parent, round, seq);
        enum mb_status status;
        switch (kind) {
        case 'P':
        case 'R':
            status = store_post_reply(store, user.id, parent, body, 0, &id);
            break;
        case 'V':
            status = store_post_private(store, user.id, body, &id);
            break;
        case 'E':
            status = store_post_edit(store, target, user.id, body);
            id = target;
            break;
        default:
            status = store_post_delete(store, target);
            id = target;
            break;
        }
        if (status != MB_OK)
            child_fail(store, "write");
        rel_log_line(fd, 'A', kind, id, parent, round, seq);
        if (kind == 'D')
            c.ids[pick] = c.ids[--c.count], c.private[pick] = c.private[c.count];
        else if (kind != 'E')
            candidate_add(&c, id, kind == 'V');
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

/* The one write intended and not acknowledged: it happened whole or not at
 * all. Adopts it into the model when it happened. Returns the change of the
 * post count it may explain (+1, -1 or 0) through *delta. */
static int settle_pending(struct store *store, struct rel_model *m,
                          const struct rel_logged *pending, int *delta, char *why, size_t why_size)
{
    *delta = 0;
    if (pending == NULL)
        return 0;
    struct post post = { 0 };
    bool present = false;
    int problems = 0;
    if (pending->kind == 'E') {
        if (rel_post_holds(store, pending->id, 'E', pending->round, pending->seq, &present,
                           &post)) {
            struct rel_logged done = *pending;
            rel_model_apply(m, &done);
        }
    } else if (pending->kind == 'D') {
        if (store_post_get(store, pending->id, &post) == MB_NOT_FOUND) {
            rel_model_apply(m, pending);
            *delta = -1;
        }
    } else {
        *delta = 1; /* an addition: its id is unknown; the count tells */
    }
    store_post_clear(&post);
    return problems;
}
/* A store on path opened for checking, with the crash user's private
 * entries unlocked (when that user exists). NULL when it does not open. */
static struct store *open_for_check(const char *path, bool read_write, struct mb_error *err,
                                    enum mb_status *status)
{
    struct store_options options = rel_options(path);
    options.read_only = !read_write;
    options.migrate = read_write ? STORE_MIGRATE_AUTO : STORE_MIGRATE_NONE;
    struct store *store = NULL;
    *status = store_open(&options, &store, err);
    if (*status != MB_OK)
        return NULL;
    struct user user = { 0 };
    if (store_user_get(store, "crash", &user) == MB_OK &&
        store_private_unlock(store, user.id, PASSPHRASE) != MB_OK)
        fprintf(stderr, "unlock on the checking handle: %s\n", store_error(store));
    store_user_clear(&user);
    return store;
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
    char *scratch = xasprintf("%s/check", dir);
    if (mkdir(scratch, 0700) != 0 && errno != EEXIST)
        rel_die("mkdir %s", scratch);
    struct rel_db db = { .postgres = false, .target = path, .scratch = scratch };
    struct rel_logged *items = NULL;
    size_t count = 0, capacity = 0;
    off_t offset = 0;
    struct rel_model model = { 0 };
    int64_t previous_posts = 0;
    int64_t acked[128] = { 0 };
    int kills = 0, early_exits = 0, missing = 0, extra = 0, unhealthy = 0, broken = 0;
    int fresh_rounds = 0, fresh_failures = 0, recoveries = 0, pending_done = 0;
    char why[512] = "";
    char health_why[512] = "";
    char invariant_why[512] = "";
    char fresh_why[512] = "";
    int64_t started = rel_now_ms();

    for (int round = 0; round < rounds; round++) {
        uint64_t child_seed = rel_random(&seed);
        pid_t pid = fork();
        if (pid < 0)
            rel_die("fork: %s", strerror(errno));
        if (pid == 0)
            child_write(path, log_path, round, child_seed);
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
        rel_log_read(log_path, &offset, &items, &count, &capacity);
        /* The acknowledged writes, then the one intended after them. */
        const struct rel_logged *pending = NULL;
        int64_t adds = 0;
        for (size_t i = first; i < count; i++) {
            if (!items[i].ack) {
                pending = &items[i];
                continue;
            }
            pending = NULL;
            rel_model_apply(&model, &items[i]);
            acked[(unsigned char)items[i].kind]++;
            adds += items[i].kind == 'D' ? -1 : items[i].kind == 'E' ? 0 : 1;
        }

        bool read_write = round % 10 == 9;
        struct mb_error err;
        enum mb_status status;
        struct store *store = open_for_check(path, read_write, &err, &status);
        if (status == MB_NOT_FOUND && count == 0)
            continue; /* killed before the file existed */
        if (status != MB_OK) {
            /* A kill during creation can leave an empty or uninitialised
             * file; the next writer must cope with that, so only fail
             * when writes were ever logged. */
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
        int delta = 0;
        char detail[256] = "";
        settle_pending(store, &model, pending, &delta, detail, sizeof detail);
        int problems = 0;
        int64_t posts = 0;
        if (store_post_count(store, 0, &posts) != MB_OK) {
            missing++;
            snprintf(why, sizeof why, "round %d: count: %.300s", round, store_error(store));
        }
        int64_t unlogged = posts - previous_posts - adds;
        if (unlogged != 0 && unlogged != delta) {
            if (extra++ == 0)
                snprintf(why, sizeof why,
                         "round %d: the post count moved by %lld, the acknowledged writes by "
                         "%lld (the one unacknowledged may add %d)",
                         round, (long long)(posts - previous_posts), (long long)adds, delta);
        } else if (unlogged == 1) {
            /* The unacknowledged addition happened: it is the newest post. */
            struct post_list newest = { 0 };
            if (store_posts_page(store, NULL, NULL, PAGE_OLDER, 1, &newest) == MB_OK &&
                newest.count == 1) {
                struct rel_logged done = *pending;
                done.ack = true;
                done.id = newest.items[0].id;
                rel_model_apply(&model, &done);
                problems = rel_verify_post(store, &model, done.id, detail, sizeof detail);
                if (problems > 0 && missing++ == 0)
                    snprintf(why, sizeof why, "round %d: the unacknowledged write: %.300s",
                             round, detail);
            }
            store_post_list_free(&newest);
        }
        pending_done += unlogged != 0;
        /* Then what this round acknowledged (an addition that happened
         * unacknowledged may have taken the id of a post deleted before). */
        problems = 0;
        for (size_t i = first; i < count; i++)
            problems += rel_verify_post(store, &model, items[i].id, detail, sizeof detail);
        if (problems > 0) {
            if (missing == 0)
                snprintf(why, sizeof why, "round %d: %.300s", round, detail);
            missing += problems;
        }
        previous_posts = posts;
        store_close(store);

        char *health = rel_sqlite_health(path);
        if (health != NULL) {
            if (unhealthy++ == 0)
                snprintf(health_why, sizeof health_why, "round %d: %.300s", round, health);
            free(health);
        }
        char invariant_detail[512];
        if (rel_invariants(&db, invariant_detail, sizeof invariant_detail) > 0 && broken++ == 0)
            snprintf(invariant_why, sizeof invariant_why, "round %d: %.400s", round,
                     invariant_detail);

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

    /* Finally every acknowledged write, in one pass, after a read-write open. */
    struct mb_error err;
    enum mb_status status;
    int final_missing = 0;
    char final_why[256] = "";
    struct store *store = open_for_check(path, true, &err, &status);
    if (store != NULL) {
        for (size_t id = 0; id < model.size; id++)
            final_missing +=
                rel_verify_post(store, &model, (int64_t)id, final_why, sizeof final_why);
        store_close(store);
    } else {
        final_missing = (int)count;
        snprintf(final_why, sizeof final_why, "open: %.200s", err.message);
    }
    char *health = rel_sqlite_health(path);
    char final_invariants[512] = "";
    int final_broken = rel_invariants(&db, final_invariants, sizeof final_invariants);
    int64_t elapsed = rel_now_ms() - started;
    int64_t acknowledged = acked['P'] + acked['R'] + acked['E'] + acked['V'] + acked['D'];

    rel_check(early_exits == 0, "crash: every writer was still running when killed",
              "%d of %d writers exited on their own (see stderr)", early_exits, rounds);
    rel_check(missing == 0 && extra == 0,
              "crash: after each kill every acknowledged post, reply, edit, private entry and "
              "delete holds, and the one unacknowledged write is whole or absent",
              "%d missing, %d rounds with unexplained posts: %s", missing, extra, why);
    rel_check(unhealthy == 0,
              "crash: integrity_check ok and foreign_key_check empty after each kill",
              "%d bad rounds: %s", unhealthy, health_why);
    rel_check(broken == 0,
              "crash: after each kill mentions and tags match the bodies, tag_count, threads, "
              "private entries, post counts, FTS5 integrity-check and terms",
              "%d bad rounds: %s", broken, invariant_why);
    rel_check(fresh_failures == 0, "crash: a database killed while being created opens at head",
              "%d failures: %s", fresh_failures, fresh_why);
    rel_check(final_missing == 0 && health == NULL && final_broken == 0,
              "crash: at the end all acknowledged writes hold and the file is sound",
              "%d missing (%s); health: %s; invariants: %s", final_missing, final_why,
              health != NULL ? health : "ok", final_broken ? final_invariants : "ok");
    rel_check(acknowledged > rounds && (log_before_commit || (acked['R'] > 0 && acked['E'] > 0 &&
                                                               acked['V'] > 0 && acked['D'] > 0)),
              "crash: the writers committed posts, replies, edits, private entries and deletes "
              "between kills",
              "only %lld writes acknowledged in %d rounds (P %lld R %lld E %lld V %lld D %lld)",
              (long long)acknowledged, rounds, (long long)acked['P'], (long long)acked['R'],
              (long long)acked['E'], (long long)acked['V'], (long long)acked['D']);
    rel_note("acknowledged: %lld posts, %lld replies, %lld edits, %lld private entries, %lld "
             "deletes; %d unacknowledged writes had happened",
             (long long)acked['P'], (long long)acked['R'], (long long)acked['E'],
             (long long)acked['V'], (long long)acked['D'], pending_done);
    rel_note("figure crash_rounds %d", rounds);
    rel_note("figure crash_kills %d", kills + fresh_rounds);
    rel_note("figure crash_posts %lld", (long long)acknowledged);
    rel_note("figure crash_replies %lld", (long long)acked['R']);
    rel_note("figure crash_edits %lld", (long long)acked['E']);
    rel_note("figure crash_privates %lld", (long long)acked['V']);
    rel_note("figure crash_deletes %lld", (long long)acked['D']);
    rel_note("figure crash_recoveries %d", recoveries);
    rel_note("figure crash_findings %d", missing + extra + unhealthy + broken + fresh_failures +
                                             final_missing + (health != NULL) + final_broken);
    rel_note("figure crash_seconds %.1f", (double)elapsed / 1000.0);
    free(health);
    free(items);
    free(model.posts);
    free(path);
    free(log_path);
    free(scratch);
    return rel_failures == 0 ? 0 : 1;
}
