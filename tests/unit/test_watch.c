/* The SQLite backend's change watch (store/sqlite/watch.c): its descriptor
 * becomes readable when the -wal is written or truncated, when the -wal is
 * deleted and made again (and the new file's writes wake it too), when a
 * -wal appears that did not exist, and when the database file is replaced;
 * other files in the directory wake it without counting; idle, it stays
 * quiet. Then through the store: another process's commits are seen with
 * and without the TRUNCATE checkpoint after each write, and while another
 * process holds the write lock the descriptor wakes again by itself, so a
 * reader woken before a commit is published is not left behind. SQLite
 * only: PostgreSQL's descriptor is the server's socket (tests/pg). */
#include "testutil.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "store/sqlite/sqlite.h"

struct files {
    char *dir, *db, *wal;
    struct store_watch *watch;
};

/* Readable within ms? */
static bool readable_within(int fd, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

static void append(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int files_setup(void **state)
{
    struct files *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir();
    f->db = xasprintf("%s/x.db", f->dir);
    f->wal = xasprintf("%s/x.db-wal", f->dir);
    testutil_write(f->db, "not even a database: the watch reads nothing");
    *state = f;
    return 0;
}

static int files_teardown(void **state)
{
    struct files *f = *state;
    store_sqlite_watch_close(f->watch);
    testutil_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f->wal);
    free(f);
    return 0;
}

/* Wakes within a second and, drained, counts as the database's. */
static void expect_wake(struct files *f, const char *what)
{
    int fd = store_sqlite_watch_fd(f->watch);
    if (!readable_within(fd, 1000))
        fail_msg("no wake-up after: %s", what);
    assert_true(store_sqlite_watch_drain(f->watch));
    assert_false(readable_within(fd, 0));
}

static void test_wal_written_and_truncated(void **state)
{
    struct files *f = *state;
    testutil_write(f->wal, "");
    f->watch = store_sqlite_watch_open(f->db);
    assert_non_null(f->watch);
    int fd = store_sqlite_watch_fd(f->watch);
    assert_true(fd >= 0);
    assert_false(readable_within(fd, 200));   /* idle: quiet */
    append(f->wal, "frame");
    expect_wake(f, "a frame appended to the -wal");
    assert_int_equal(truncate(f->wal, 0), 0);   /* the TRUNCATE checkpoint */
    expect_wake(f, "the -wal truncated");
    append(f->wal, "frame after the checkpoint");
    expect_wake(f, "a frame written after the truncation");
    append(f->db, "a checkpoint writes the database");
    expect_wake(f, "the database file written");
}

static void test_wal_deleted_and_made_again(void **state)
{
    struct files *f = *state;
    testutil_write(f->wal, "");
    f->watch = store_sqlite_watch_open(f->db);
    assert_non_null(f->watch);
    assert_int_equal(unlink(f->wal), 0);
    expect_wake(f, "the -wal deleted");
    testutil_write(f->wal, "");
    expect_wake(f, "the -wal made again");
    /* The directory says nothing of writes: only a watch on the new file. */
    append(f->wal, "frame in the new file");
    expect_wake(f, "a frame in the new -wal");
    /* Made again by a rename over the name. */
    char *other = xasprintf("%s/elsewhere", f->dir);
    testutil_write(other, "");
    assert_true(readable_within(store_sqlite_watch_fd(f->watch), 1000));
    store_sqlite_watch_drain(f->watch);   /* "elsewhere" itself: not the database's */
    assert_int_equal(rename(other, f->wal), 0);
    expect_wake(f, "a file renamed to the -wal's name");
    append(f->wal, "frame in the renamed file");
    expect_wake(f, "a frame in the renamed -wal");
    free(other);
}

static void test_wal_missing_at_start(void **state)
{
    struct files *f = *state;
    f->watch = store_sqlite_watch_open(f->db);
    assert_non_null(f->watch);
    append(f->wal, "");
    expect_wake(f, "the -wal created");
    append(f->wal, "first frame");
    expect_wake(f, "the first frame of a -wal made after the watch began");
}

static void test_other_files_and_replacement(void **state)
{
    struct files *f = *state;
    f->watch = store_sqlite_watch_open(f->db);
    assert_non_null(f->watch);
    int fd = store_sqlite_watch_fd(f->watch);
    char *other = xasprintf("%s/notes.txt", f->dir);
    testutil_write(other, "unrelated");
    assert_true(readable_within(fd, 1000));
    assert_false(store_sqlite_watch_drain(f->watch));   /* a wake-up, not a change */
    assert_false(readable_within(fd, 0));
    append(other, "more");   /* writes to other files: not even a wake-up */
    assert_false(readable_within(fd, 200));
    assert_int_equal(rename(other, f->db), 0);   /* mv notes.txt x.db */
    expect_wake(f, "the database replaced by a rename");
    free(other);
}

static void test_no_watch_on_a_missing_directory(void **state)
{
    (void)state;
    assert_null(store_sqlite_watch_open("/nonexistent/microblog/x.db"));
    assert_int_equal(store_sqlite_watch_fd(NULL), -1);
    assert_false(store_sqlite_watch_drain(NULL));
}

/* ---- through the store, with other processes ---- */

static struct store *open_store(const char *path, bool checkpoint_after_write)
{
    struct store_options options = testutil_options(path);
    options.checkpoint_after_write = checkpoint_after_write;
    options.watch_changes = true;
    struct store *store = NULL;
    struct mb_error err = { { 0 } };
    if (store_open(&options, &store, &err) != MB_OK)
        fail_msg("store_open(%s): %s", path, err.message);
    return store;
}

static int64_t post_count(struct store *store)
{
    int64_t count = -1;
    assert_int_equal(store_post_count(store, 0, &count), MB_OK);
    return count;
}

/* A child posting `posts` times, ~3 ms apart, then exiting. */
static pid_t start_poster(const char *path, int posts, bool checkpoint_after_write)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(20);
        struct store *store = open_store(path, checkpoint_after_write);
        struct user user = { 0 };
        int rc = store_author_resolve(store, "poster", NULL, true, NULL, &user, NULL) == MB_OK
                     ? 0 : 2;
        for (int i = 0; rc == 0 && i < posts; i++) {
            char body[32];
            snprintf(body, sizeof body, "post %d", i);
            if (store_post_add(store, user.id, body, 0, NULL) != MB_OK)
                rc = 1;
            usleep(3000);
        }
        store_user_clear(&user);
        store_close(store);
        _exit(rc);
    }
    return pid;
}

/* Waits only on the descriptor (no polling of data_version): every post
 * of the child is seen, the last one too, within 2 s of the last wake. */
static void see_every_post(bool checkpoint_after_write)
{
    char *dir = testutil_tempdir();
    char *path = xasprintf("%s/live.db", dir);
    struct store *store = open_store(path, true);
    int fd = store_change_fd(store);
    assert_true(fd >= 0);
    int64_t expected = 0;
    for (int round = 0; round < 10; round++) {
        expected += 5;
        pid_t child = start_poster(path, 5, checkpoint_after_write);
        while (post_count(store) < expected) {
            if (!readable_within(fd, 2000)) {
                kill(child, SIGKILL);
                fail_msg("round %d: %lld of %lld posts seen, and no wake-up for 2 s", round,
                         (long long)post_count(store), (long long)expected);
            }
            store_change_drain(store);
        }
        int status = 0;
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    store_close(store);
    testutil_rmtree(dir);
    free(path);
    free(dir);
}

static void test_every_commit_seen_with_truncate_checkpoints(void **state)
{
    (void)state;
    see_every_post(true);
}

static void test_every_commit_seen_with_frames_left_in_the_wal(void **state)
{
    (void)state;
    see_every_post(false);
}

/* While another process holds the write lock, a drained descriptor wakes
 * again by itself (the commit may not be published yet); once the writer
 * is gone, it stays quiet. */
static void test_wakes_again_while_a_writer_holds_the_lock(void **state)
{
    (void)state;
    char *dir = testutil_tempdir();
    char *path = xasprintf("%s/lock.db", dir);
    store_close(open_store(path, true));   /* made, at head, in WAL mode */
    int to_child[2], from_child[2];
    assert_int_equal(pipe(to_child), 0);
    assert_int_equal(pipe(from_child), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {   /* a bare connection that stops inside a write */
        alarm(20);    /* never outlives a failed test */
        sqlite3 *db = NULL;
        char go = 0;
        int rc = sqlite3_open(path, &db) == SQLITE_OK &&
                 sqlite3_exec(db, "BEGIN IMMEDIATE; CREATE TABLE held (x)", NULL, NULL,
                              NULL) == SQLITE_OK ? 0 : 1;
        if (write(from_child[1], "h", 1) != 1 || read(to_child[0], &go, 1) != 1)
            rc = 1;
        if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = 1;
        sqlite3_close(db);
        _exit(rc);
    }
    char held = 0;
    assert_int_equal(read(from_child[0], &held, 1), 1);
    struct store *store = open_store(path, true);
    int fd = store_change_fd(store);
    uint64_t before = 0, after = 0;
    assert_int_equal(store_data_version(store, &before), MB_OK);
    store_change_drain(store);   /* as if woken by the writer's first frame */
    assert_true(readable_within(fd, 500));
    store_change_drain(store);
    assert_true(readable_within(fd, 500));   /* and again, while it lasts */
    assert_int_equal(write(to_child[1], "c", 1), 1);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(readable_within(fd, 1000));
    store_change_drain(store);
    assert_int_equal(store_data_version(store, &after), MB_OK);
    assert_true(after != before);
    /* Nobody writing: no more wake-ups. */
    while (readable_within(fd, 300))
        store_change_drain(store);
    assert_false(readable_within(fd, 300));
    store_close(store);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    testutil_rmtree(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wal_written_and_truncated, files_setup,
                                        files_teardown),
        cmocka_unit_test_setup_teardown(test_wal_deleted_and_made_again, files_setup,
                                        files_teardown),
        cmocka_unit_test_setup_teardown(test_wal_missing_at_start, files_setup, files_teardown),
        cmocka_unit_test_setup_teardown(test_other_files_and_replacement, files_setup,
                                        files_teardown),
        cmocka_unit_test(test_no_watch_on_a_missing_directory),
        cmocka_unit_test(test_every_commit_seen_with_truncate_checkpoints),
        cmocka_unit_test(test_every_commit_seen_with_frames_left_in_the_wal),
        cmocka_unit_test(test_wakes_again_while_a_writer_holds_the_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
