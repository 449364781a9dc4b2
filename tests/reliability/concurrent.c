/* Concurrency: WRITERS processes posting, batching, adding users, deleting
 * and reading at once for SECONDS, and making the writes of issues 11 and
 * 12 (social_ops.h: replies, edits with @mentions and #tags, private
 * entries, follows, mutes, read marks, last seen), plus one process opening
 * and closing connections in a loop and one long reader walking the whole
 * timeline in keyset pages, all through the store API with the program's
 * busy timeout (5000 ms). Every process counts what it committed and every
 * error it saw; at the end the number of posts and users must equal what
 * the processes say they committed, no busy error may have reached any of
 * them, each writer reads back what only it wrote (its posts' bodies, its
 * private entry, follows, mutes, read mark), the long reader's pages must
 * be strictly ordered without repeats, the file must pass integrity_check,
 * and the mentions, tags, tag counts, threads, private entries and the
 * FTS5 index must hold invariants.h's invariants.
 *
 *   concurrent DIR SECONDS WRITERS [--deferred]
 *
 * --deferred is the negative control: writes begin DEFERRED (a store
 * option for tests), and the run then requires that busy errors DID reach
 * the callers, proving that the test notices them. */
#include "tests/reliability/social_ops.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

enum role { ROLE_WRITER, ROLE_OPENER, ROLE_LONG_READER };

struct tally {
    int role;
    int64_t post_commits;   /* posts added (single or in committed batches) */
    int64_t post_deletes;
    int64_t user_commits;   /* users added */
    int64_t reads;
    int64_t opens;
    int64_t order_errors;   /* long reader: pages out of order / repeated */
    int64_t shared_id;      /* id of the user every writer ensured */
    /* Issues 11 and 12's writes (posts included), and every error seen. */
    struct rel_social_tally social;
};

static const char *db_path;
static bool deferred;

static struct store *open_store(struct tally *t)
{
    struct store_options options = rel_options(db_path);
    options.deferred_writes = deferred;
    struct store *store = NULL;
    struct mb_error err;
    enum mb_status status = store_open(&options, &store, &err);
    if (status != MB_OK) {
        rel_social_fail(&t->social, status, "open", err.message);
        return NULL;
    }
    t->opens++;
    return store;
}

static void writer(struct tally *t, int index, int64_t deadline, uint64_t seed)
{
    struct store *store = open_store(t);
    if (store == NULL)
        return;
    struct user shared = { 0 }, own = { 0 };
    char name[32], label[32];
    snprintf(name, sizeof name, "writer%d", index);
    snprintf(label, sizeof label, "writer %d", index);
    /* A failure here is counted and retried, so that every writer takes
     * part in the load even in the negative control. */
    enum mb_status status;
    while ((status = store_user_ensure(store, "shared", &shared, NULL)) != MB_OK) {
        rel_social_fail(&t->social, status, "ensure shared", store_error(store));
        if (status != MB_BUSY || rel_now_ms() >= deadline)
            goto out;
    }
    t->shared_id = shared.id;
    bool created = false;
    while ((status = store_user_ensure(store, name, &own, &created)) != MB_OK) {
        rel_social_fail(&t->social, status, "ensure own", store_error(store));
        if (status != MB_BUSY || rel_now_ms() >= deadline)
            goto out;
    }
    t->user_commits += created;
    struct rel_social social = { .store = store, .own = own.id, .seed = seed, .label = label };
    if (!rel_social_start(&social, &t->social))
        goto out;
    int64_t last_post = 0;
    int added_users = 0;
    for (int64_t n = 0; rel_now_ms() < deadline; n++) {
        unsigned op = (unsigned)(rel_random(&seed) % 100);
        char body[100];
        snprintf(body, sizeof body, "writer %d post %lld", index, (long long)n);
        int64_t author = op % 2 ? own.id : shared.id;
        if (op < 35) {
            int64_t id = rel_social_post(&social, &t->social, author, 0);
            last_post = id != 0 && author == shared.id ? id : last_post;
        } else if (op < 43) {
            /* An import-like batch: a lookup, then several posts, atomically. */
            status = store_batch_begin(store);
            int added = 0;
            struct user found = { 0 };
            if (status == MB_OK)
                status = store_user_ensure(store, "shared", &found, NULL);
            store_user_clear(&found);
            for (int k = 0; status == MB_OK && k < 5; k++) {
                status = store_post_add(store, shared.id, body, 0, NULL);
                added += status == MB_OK;
            }
            if (status == MB_OK)
                status = store_batch_commit(store);
            else
                store_batch_rollback(store);
            if (status == MB_OK)
                t->post_commits += added;
            else
                rel_social_fail(&t->social, status, "batch", store_error(store));
        } else if (op < 48) {
            char extra[48];
            snprintf(extra, sizeof extra, "w%d-u%d", index, added_users);
            status = store_user_add(store, extra, NULL, NULL, NULL);
            if (status == MB_OK) {
                t->user_commits++;
                added_users++;
            } else {
                rel_social_fail(&t->social, status, "user add", store_error(store));
            }
        } else if (op < 51 && last_post != 0) {
            status = store_post_delete(store, last_post);
            if (status == MB_OK)
                t->post_deletes++;
            else
                rel_social_fail(&t->social, status, "delete", store_error(store));
            last_post = 0;
        } else if (op < 85) {
            rel_social_step(&social, &t->social);
        } else {
            struct post_list page = { 0 };
            struct user_list users = { 0 };
            int64_t count = 0;
            status = store_posts_page(store, &(struct post_filter){ .author_id = op % 3 ? 0 : own.id }, NULL, PAGE_OLDER, 20, &page);
            if (status == MB_OK)
                status = store_post_count(store, 0, &count);
            if (status == MB_OK)
                status = store_user_list(store, NULL, false, 50, &users);
            if (status == MB_OK)
                t->reads++;
            else
                rel_social_fail(&t->social, status, "read", store_error(store));
            store_post_list_free(&page);
            store_user_list_free(&users);
        }
    }
    if (!deferred)
        rel_social_verify(&social, &t->social);
out:
    store_user_clear(&shared);
    store_user_clear(&own);
    store_close(store);
}

static void opener(struct tally *t, int64_t deadline)
{
    while (rel_now_ms() < deadline) {
        struct store *store = open_store(t);
        if (store == NULL)
            continue;
        uint64_t version = 0;
        int64_t count = 0;
        enum mb_status status = store_data_version(store, &version);
        if (status == MB_OK)
            status = store_post_count(store, 0, &count);
        if (status == MB_OK)
            t->reads++;
        else
            rel_social_fail(&t->social, status, "opener read", store_error(store));
        store_close(store);
    }
}

/* Walks the whole timeline, oldest page last, again and again. */
static void long_reader(struct tally *t, int64_t deadline)
{
    struct store *store = open_store(t);
    if (store == NULL)
        return;
    while (rel_now_ms() < deadline) {
        struct post_cursor cursor = { 0 };
        bool have = false;
        for (;;) {
            struct post_list page = { 0 };
            enum mb_status status =
                store_posts_page(store, NULL, have ? &cursor : NULL, PAGE_OLDER, 50, &page);
            if (status != MB_OK) {
                rel_social_fail(&t->social, status, "long read", store_error(store));
                break;
            }
            t->reads++;
            for (size_t i = 0; i < page.count; i++) {
                const struct post *p = &page.items[i];
                if (have && (p->timestamp > cursor.timestamp ||
                             (p->timestamp == cursor.timestamp && p->id >= cursor.id)))
                    t->order_errors++;
                cursor = (struct post_cursor){ .timestamp = p->timestamp, .id = p->id };
                have = true;
            }
            size_t got = page.count;
            store_post_list_free(&page);
            if (got < 50 || rel_now_ms() >= deadline)
                break;
        }
        uint64_t version;
        (void)store_data_version(store, &version);
    }
    store_close(store);
}

int main(int argc, char **argv)
{
    if (argc < 4)
        rel_die("usage: concurrent DIR SECONDS WRITERS [--deferred]");
    char *path = xasprintf("%s/concurrent.db", argv[1]);
    db_path = path;
    int seconds = atoi(argv[2]);
    int writers = atoi(argv[3]);
    deferred = argc > 4 && strcmp(argv[4], "--deferred") == 0;
    uint64_t seed = rel_seed();
    const char *label = deferred ? "concurrency (negative control, DEFERRED writes)" : "concurrency";
    rel_note("%s: seed %llu, %d writers + 1 opener + 1 long reader for %d s", label,
             (unsigned long long)seed, writers, seconds);

    /* Start from an initialised database, as a second user would. */
    struct store_options options = rel_options(path);
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("open %s: %s", path, err.message);
    /* The users bodies mention exist before anything mentions them. */
    for (size_t n = 0; n < REL_NAME_COUNT; n++)
        if (store_user_add(store, rel_names[n], NULL, NULL, NULL) != MB_OK)
            rel_die("adding %s: %s", rel_names[n], store_error(store));
    store_close(store);

    int processes = writers + 2;
    int pipes[2];
    if (pipe(pipes) != 0)
        rel_die("pipe");
    int gate[2];
    if (pipe(gate) != 0)
        rel_die("pipe");
    pid_t *pids = xcalloc((size_t)processes, sizeof *pids);
    for (int i = 0; i < processes; i++) {
        uint64_t child_seed = rel_random(&seed);
        pids[i] = fork();
        if (pids[i] < 0)
            rel_die("fork");
        if (pids[i] == 0) {
            close(pipes[0]);
            close(gate[1]);
            char go;
            if (read(gate[0], &go, 1) != 0)
                _exit(3);
            int64_t deadline = rel_now_ms() + (int64_t)seconds * 1000;
            struct tally t = { 0 };
            if (i < writers) {
                t.role = ROLE_WRITER;
                writer(&t, i, deadline, child_seed);
            } else if (i == writers) {
                t.role = ROLE_OPENER;
                opener(&t, deadline);
            } else {
                t.role = ROLE_LONG_READER;
                long_reader(&t, deadline);
            }
            if (write(pipes[1], &t, sizeof t) != (ssize_t)sizeof t)
                _exit(4);
            _exit(0);
        }
    }
    close(pipes[1]);
    close(gate[0]);
    close(gate[1]); /* everyone starts at once */

    struct tally sum = { 0 };
    int64_t shared_id = 0;
    bool shared_same = true;
    int reports = 0;
    struct tally t;
    while (read(pipes[0], &t, sizeof t) == (ssize_t)sizeof t) {
        reports++;
        sum.post_commits += t.post_commits;
        sum.post_deletes += t.post_deletes;
        sum.user_commits += t.user_commits;
        sum.reads += t.reads;
        sum.opens += t.opens;
        sum.order_errors += t.order_errors;
        rel_social_add(&sum.social, &t.social);
        if (t.role == ROLE_WRITER && t.shared_id != 0) {
            if (shared_id != 0 && shared_id != t.shared_id)
                shared_same = false;
            shared_id = t.shared_id;
        }
    }
    close(pipes[0]);
    int crashed = 0;
    for (int i = 0; i < processes; i++) {
        int wstatus = 0;
        waitpid(pids[i], &wstatus, 0);
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
            crashed++;
    }

    int64_t posts = -1, users = -1;
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("reopen: %s", err.message);
    struct user_list list = { 0 };
    if (store_post_count(store, 0, &posts) != MB_OK ||
        store_user_list(store, NULL, false, 1000000, &list) != MB_OK)
        rel_die("count: %s", store_error(store));
    users = (int64_t)list.count;
    store_user_list_free(&list);
    store_close(store);
    char *health = rel_sqlite_health(path);
    char invariants_why[512] = "";
    int invariant_problems = 0;
    if (!deferred) {
        struct rel_db db = { .postgres = false, .target = path, .scratch = argv[1] };
        invariant_problems = rel_invariants(&db, invariants_why, sizeof invariants_why);
    }
    /* The social writes' posts and deletes, and their errors. */
    sum.post_commits += sum.social.posts;
    sum.post_deletes += sum.social.deletes;
    int64_t busy = sum.social.busy;
    int64_t errors = sum.social.errors + sum.social.deadlocks; /* no deadlock on SQLite */
    const char *first_error = sum.social.first_error;
    int64_t expected_users = sum.user_commits + 1 + (int64_t)REL_NAME_COUNT; /* + "shared" */

    rel_check(crashed == 0 && reports == processes, "concurrency: every process finished cleanly",
              "%d of %d processes crashed or did not report", crashed + processes - reports,
              processes);
    if (deferred) {
        rel_check(busy > 0,
                  "concurrency negative control: DEFERRED writes let busy errors reach the caller",
                  "no busy error with deferred writes: the test could not detect them");
    } else {
        rel_check(busy == 0,
                  "concurrency: no busy/locked error reached any caller (busy_timeout 5000)",
                  "%lld busy errors, first: %s", (long long)busy, first_error);
        rel_check(errors == 0, "concurrency: no other error either",
                  "%lld errors, first: %s", (long long)errors, first_error);
    }
    rel_check(posts == sum.post_commits - sum.post_deletes,
              "concurrency: post count equals the successful commits",
              "COUNT = %lld, commits %lld - deletes %lld", (long long)posts,
              (long long)sum.post_commits, (long long)sum.post_deletes);
    rel_check(users == expected_users && shared_same,
              "concurrency: user count equals the successful commits, one shared user",
              "users %lld, expected %lld; shared id the same everywhere: %s", (long long)users,
              (long long)expected_users, shared_same ? "yes" : "no");
    rel_check(sum.order_errors == 0, "concurrency: long reader's keyset pages strictly ordered",
              "%lld rows out of order or repeated", (long long)sum.order_errors);
    rel_check(health == NULL, "concurrency: integrity_check ok, foreign_key_check empty", "%s",
              health != NULL ? health : "");
    if (!deferred) {
        rel_check(sum.social.mismatches == 0,
                  "concurrency: each writer reads back its posts' bodies, private entry, "
                  "follows, mutes and read mark",
                  "%lld differences, first: %s", (long long)sum.social.mismatches,
                  sum.social.first_error);
        rel_check(invariant_problems == 0,
                  "concurrency: mentions and tags match the bodies, tag_count, threads, private "
                  "entries, post counts; FTS5 integrity-check, matches before and after rebuild",
                  "%d problems, first: %s", invariant_problems, invariants_why);
        rel_check(sum.social.replies > 0 && sum.social.edits > 0 && sum.social.privates > 0 &&
                      sum.social.follows > 0 && sum.social.mutes > 0 && sum.social.marks > 0,
                  "concurrency: replies, edits, private entries, follows, mutes and read marks "
                  "were committed",
                  "replies %lld, edits %lld, private %lld, follows %lld, mutes %lld, marks %lld",
                  (long long)sum.social.replies, (long long)sum.social.edits,
                  (long long)sum.social.privates, (long long)sum.social.follows,
                  (long long)sum.social.mutes, (long long)sum.social.marks);
    }
    rel_check(sum.post_commits > 100 && sum.opens > 10,
              "concurrency: the load actually ran", "only %lld posts, %lld opens",
              (long long)sum.post_commits, (long long)sum.opens);
    const char *prefix = deferred ? "deferred_" : "concurrency_";
    rel_note("figure %sprocesses %d", prefix, processes);
    rel_note("figure %sseconds %d", prefix, seconds);
    rel_note("figure %spost_commits %lld", prefix, (long long)sum.post_commits);
    rel_note("figure %suser_commits %lld", prefix, (long long)sum.user_commits);
    rel_note("figure %sdeletes %lld", prefix, (long long)sum.post_deletes);
    rel_note("figure %sreads %lld", prefix, (long long)sum.reads);
    rel_note("figure %sopens %lld", prefix, (long long)sum.opens);
    rel_note("figure %sbusy %lld", prefix, (long long)busy);
    rel_note("figure %serrors %lld", prefix, (long long)errors);
    rel_note("figure %sreplies %lld", prefix, (long long)sum.social.replies);
    rel_note("figure %sedits %lld", prefix, (long long)sum.social.edits);
    rel_note("figure %sprivates %lld", prefix, (long long)sum.social.privates);
    rel_note("figure %sfollows %lld", prefix, (long long)(sum.social.follows + sum.social.mutes));
    rel_note("figure %smarks %lld", prefix, (long long)(sum.social.marks + sum.social.seen));
    rel_note("figure %srefused %lld", prefix, (long long)sum.social.refused);
    if (deferred && first_error[0])
        rel_note("first error seen with deferred writes: %s", first_error);
    free(health);
    free(pids);
    free(path);
    return rel_failures == 0 ? 0 : 1;
}
