/* The social store (issue 11) as a specification: profiles (about, last
 * seen), follows, mutes, read positions, replies and threads, edits and
 * @mentions; who may do each in the shared and restricted modes; and that
 * a refused or failed write leaves every table as it was. Rows are read
 * back with sqlite3 or psql, not through the store's own readers.
 * On both backends: tests/run.sh runs it on SQLite files (unit/test_social)
 * and on its private PostgreSQL cluster (unit-pg/test_social), a fresh
 * database per test. */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <time.h>

struct fixture {
    char *dir;
    char *path;         /* a SQLite file in dir, or a PostgreSQL URL */
    int64_t alice, bob, carol, jean;
};

/* alice, bob, carol and jean-luc, made in personal mode. */
static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir();
    f->path = testutil_new_db(f->dir, "social.db");
    struct store *store = testutil_open(f->path);
    assert_int_equal(store_user_add(store, "alice", NULL, NULL, &f->alice), MB_OK);
    assert_int_equal(store_user_add(store, "bob", NULL, NULL, &f->bob), MB_OK);
    assert_int_equal(store_user_add(store, "carol", NULL, NULL, &f->carol), MB_OK);
    assert_int_equal(store_user_add(store, "jean-luc", NULL, NULL, &f->jean), MB_OK);
    store_close(store);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    testutil_rmtree(f->dir);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

static struct store *open_as(const struct fixture *f, enum store_mode mode, const char *person,
                             bool admin)
{
    return testutil_open_as(f->path, mode, person, admin);
}

/* The output of SQL run by sqlite3 or psql on the test's database (rows
 * one a line, columns separated by '|', NULL empty), newly allocated. */
static char *sql(const struct fixture *f, const char *text)
{
    return testutil_sql(f->path, f->dir, text);
}

/* Asserts that SQL gives exactly `expected`. */
static void expect_sql(const struct fixture *f, const char *text, const char *expected)
{
    char *out = sql(f, text);
    if (strcmp(out, expected) != 0)
        fail_msg("%s\n  gave: [%s]\n  want: [%s]", text, out, expected);
    free(out);
}

/* Every row the social store writes, to prove a refusal wrote nothing. */
static char *dump(const struct fixture *f)
{
    return sql(f, "SELECT id, username, about, last_seen FROM \"user\" ORDER BY id;\n"
                  "SELECT id, user_id, body, reply_to, thread_id, edited_at FROM post ORDER BY id;\n"
                  "SELECT follower_id, followed_id FROM follow ORDER BY 1, 2;\n"
                  "SELECT user_id, muted_id FROM mute ORDER BY 1, 2;\n"
                  "SELECT user_id, post_id FROM mention ORDER BY 1, 2;\n"
                  "SELECT user_id, view, timestamp, post_id FROM read_mark ORDER BY 1, 2;\n");
}

#define EXPECT_UNCHANGED(f, before)          \
    do {                                     \
        char *after_ = dump(f);              \
        assert_string_equal((before), after_); \
        free(after_);                        \
    } while (0)

static void expect_error(struct store *store, const char *text)
{
    if (strstr(store_error(store), text) == NULL)
        fail_msg("error '%s' does not say '%s'", store_error(store), text);
}

/* ---- profiles ---- */

static void test_about(void **state)
{
    struct fixture *f = *state;
    struct mb_error err = { { 0 } };
    char long_text[STORE_ABOUT_MAX * 2 + 3] = "";
    for (int i = 0; i < STORE_ABOUT_MAX; i++)
        strcat(long_text, "\xc3\xa9"); /* é: 140 code points, 280 bytes */
    assert_int_equal(store_validate_about(long_text, &err), MB_OK);
    strcat(long_text, "x");
    assert_int_equal(store_validate_about(long_text, &err), MB_INVALID);
    assert_non_null(strstr(err.message, "141 characters"));
    assert_int_equal(store_validate_about("  \n", &err), MB_INVALID);
    assert_int_equal(store_validate_about("bell\a", &err), MB_INVALID);
    assert_int_equal(store_validate_about("bad \xff utf-8", &err), MB_INVALID);

    struct store *store = testutil_open(f->path);
    char *before = dump(f);
    assert_int_equal(store_user_set_about(store, f->alice, long_text), MB_INVALID);
    assert_int_equal(store_user_set_about(store, 999, "who?"), MB_NOT_FOUND);
    expect_error(store, "no user with id 999");
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_user_set_about(store, f->alice, "I write\tthings"), MB_OK);
    expect_sql(f, "SELECT about FROM \"user\" WHERE username = 'alice';", "I write\tthings\n");
    assert_int_equal(store_user_set_about(store, f->alice, ""), MB_OK);
    expect_sql(f, "SELECT count(*) FROM \"user\" WHERE about IS NULL;", "4\n");
    assert_int_equal(store_user_set_about(store, f->alice, "back"), MB_OK);
    assert_int_equal(store_user_set_about(store, f->alice, NULL), MB_OK);
    expect_sql(f, "SELECT count(*) FROM \"user\" WHERE about IS NULL;", "4\n");
    store_close(store);

    /* Your own profile; an admin anyone's. */
    store = open_as(f, STORE_MODE_SHARED, "alice", false);
    before = dump(f);
    assert_int_equal(store_user_set_about(store, f->bob, "bob is gone"), MB_DENIED);
    expect_error(store, "you can only edit your own profile");
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_user_set_about(store, f->alice, "mine"), MB_OK);
    store_close(store);
    store = open_as(f, STORE_MODE_RESTRICTED, "carol", true);
    assert_int_equal(store_user_set_about(store, f->bob, "moderated"), MB_OK);
    store_close(store);
    expect_sql(f, "SELECT username, about FROM \"user\" WHERE about IS NOT NULL ORDER BY id;",
               "alice|mine\nbob|moderated\n");
}

static void test_seen_writes_at_most_once_a_minute(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(store_user_seen(store, f->bob), MB_OK);
    char *seen = sql(f, "SELECT last_seen FROM \"user\" WHERE username = 'bob';");
    int64_t first = strtoll(seen, NULL, 10);
    free(seen);
    assert_true(first >= now && first <= now + 2);
    /* Seen 30 s ago: fresh, nothing written. */
    char *set = xasprintf("UPDATE \"user\" SET last_seen = %lld WHERE username = 'bob';",
                          (long long)(now - 30));
    free(sql(f, set));
    free(set);
    char *before = dump(f);
    assert_int_equal(store_user_seen(store, f->bob), MB_OK);
    EXPECT_UNCHANGED(f, before);
    free(before);
    /* 61 s ago: written again. */
    set = xasprintf("UPDATE \"user\" SET last_seen = %lld WHERE username = 'bob';",
                    (long long)(now - 61));
    free(sql(f, set));
    free(set);
    assert_int_equal(store_user_seen(store, f->bob), MB_OK);
    seen = sql(f, "SELECT last_seen FROM \"user\" WHERE username = 'bob';");
    assert_true(strtoll(seen, NULL, 10) >= now);
    free(seen);
    assert_int_equal(store_user_seen(store, 999), MB_NOT_FOUND);
    store_close(store);

    /* Only the person is seen. */
    store = open_as(f, STORE_MODE_SHARED, "alice", true);
    before = dump(f);
    assert_int_equal(store_user_seen(store, f->carol), MB_DENIED);
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_user_seen(store, f->alice), MB_OK);
    store_close(store);
}

/* A fresh last_seen takes no write lock (SQLite: another writer holds
 * it, and the call still succeeds at once); a stale one does (the
 * control: it waits and gives up). */
static void test_fresh_seen_takes_no_write_lock(void **state)
{
    struct fixture *f = *state;
    if (testutil_postgres()) {
        print_message("# SKIP SQLite only: PostgreSQL has no database-wide write lock\n");
        skip();
    }
    struct store_options options = testutil_options(f->path);
    options.busy_timeout_ms = 50;
    struct store *store = NULL, *holder = testutil_open(f->path);
    struct mb_error err = { { 0 } };
    assert_int_equal(store_open(&options, &store, &err), MB_OK);
    assert_int_equal(store_user_seen(store, f->bob), MB_OK);
    assert_int_equal(store_batch_begin(holder), MB_OK);
    assert_int_equal(store_user_seen(store, f->bob), MB_OK);
    assert_int_equal(store_user_seen(store, f->carol), MB_BUSY);
    store_batch_rollback(holder);
    store_close(holder);
    store_close(store);
}

/* ---- follows and mutes ---- */

static void test_follow(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t followers = -1, following = -1;
    bool yes = true;
    assert_int_equal(store_is_following(store, f->alice, f->bob, &yes), MB_OK);
    assert_false(yes);
    assert_int_equal(store_follow(store, f->alice, f->bob), MB_OK);
    assert_int_equal(store_follow(store, f->carol, f->bob), MB_OK);
    assert_int_equal(store_follow(store, f->bob, f->alice), MB_OK);
    assert_int_equal(store_is_following(store, f->alice, f->bob, &yes), MB_OK);
    assert_true(yes);
    assert_int_equal(store_is_following(store, f->bob, f->carol, &yes), MB_OK);
    assert_false(yes);
    assert_int_equal(store_follow_counts(store, f->bob, &followers, &following), MB_OK);
    assert_int_equal(followers, 2);
    assert_int_equal(following, 1);

    char *before = dump(f);
    assert_int_equal(store_follow(store, f->alice, f->bob), MB_EXISTS);
    assert_string_equal(store_error(store), "you already follow 'bob'");
    assert_int_equal(store_follow(store, f->alice, f->alice), MB_INVALID);
    assert_string_equal(store_error(store), "you cannot follow yourself");
    assert_int_equal(store_follow(store, f->alice, 999), MB_NOT_FOUND);
    assert_int_equal(store_unfollow(store, f->alice, f->carol), MB_NOT_FOUND);
    assert_string_equal(store_error(store), "you do not follow 'carol'");
    EXPECT_UNCHANGED(f, before);
    free(before);

    assert_int_equal(store_unfollow(store, f->alice, f->bob), MB_OK);
    assert_int_equal(store_follow_counts(store, f->bob, &followers, &following), MB_OK);
    assert_int_equal(followers, 1);
    store_close(store);

    /* Only as yourself, even an admin. */
    store = open_as(f, STORE_MODE_SHARED, "alice", true);
    before = dump(f);
    assert_int_equal(store_follow(store, f->bob, f->carol), MB_DENIED);
    expect_error(store, "you can only act as yourself (alice)");
    assert_int_equal(store_unfollow(store, f->bob, f->alice), MB_DENIED);
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_follow(store, f->alice, f->carol), MB_OK);
    store_close(store);
    store = open_as(f, STORE_MODE_RESTRICTED, "carol", false);
    assert_int_equal(store_unfollow(store, f->alice, f->carol), MB_DENIED);
    assert_int_equal(store_follow(store, f->carol, f->alice), MB_OK);
    store_close(store);
    expect_sql(f, "SELECT follower_id, followed_id FROM follow ORDER BY 1, 2;",
               "1|3\n2|1\n3|1\n3|2\n");
}

/* The names of a page, joined by spaces. */
static char *names(const struct user_list *list)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < list->count; i++) {
        char *next = xasprintf("%s%s%s", out, i > 0 ? " " : "", list->items[i].username);
        free(out);
        out = next;
    }
    return out;
}

static void expect_page(struct store *store, int64_t user, int kind, const char *after,
                        size_t limit, const char *expected)
{
    struct user_list list = { 0 };
    enum mb_status status = kind == 2 ? store_mute_list(store, user, after, limit, &list)
                                      : store_follow_list(store, user, kind == 1, after, limit,
                                                          &list);
    if (status != MB_OK)
        fail_msg("list: %s", store_error(store));
    char *got = names(&list);
    if (strcmp(got, expected) != 0)
        fail_msg("after '%s': gave [%s], want [%s]", after ? after : "(start)", got, expected);
    free(got);
    store_user_list_free(&list);
}

static void test_follow_and_mute_lists_page_by_name_ignoring_case(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    const char *more[] = { "Dave", "erin", "Frank", "zed", "Zoe" };
    int64_t id, post;
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(store_user_add(store, more[i], NULL, NULL, &id), MB_OK);
        assert_int_equal(store_follow(store, f->alice, id), MB_OK);
        assert_int_equal(store_follow(store, id, f->alice), MB_OK);
        if (i % 2 == 0)
            assert_int_equal(store_mute(store, f->alice, id), MB_OK);
    }
    assert_int_equal(store_follow(store, f->alice, f->bob), MB_OK);
    assert_int_equal(store_post_add(store, f->bob, "one", 0, &post), MB_OK);
    assert_int_equal(store_post_add(store, f->bob, "two", 0, &post), MB_OK);

    /* following: 0, followers: 1, mutes: 2 */
    expect_page(store, f->alice, 0, NULL, 3, "bob Dave erin");
    expect_page(store, f->alice, 0, "erin", 3, "Frank zed Zoe");
    expect_page(store, f->alice, 0, "ERIN", 2, "Frank zed");
    expect_page(store, f->alice, 0, "Zoe", 3, "");
    expect_page(store, f->alice, 1, NULL, 10, "Dave erin Frank zed Zoe");
    expect_page(store, f->alice, 1, "dave", 2, "erin Frank");
    expect_page(store, f->alice, 2, NULL, 10, "Dave Frank Zoe");
    expect_page(store, f->alice, 2, "Frank", 10, "Zoe");
    expect_page(store, f->bob, 0, NULL, 10, "");

    struct user_list list = { 0 };
    assert_int_equal(store_follow_list(store, f->alice, false, NULL, 1, &list), MB_OK);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].id, f->bob);
    assert_int_equal(list.items[0].post_count, 2);
    store_user_list_free(&list);
    store_close(store);
}

static void test_mute(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    assert_int_equal(store_mute(store, f->alice, f->bob), MB_OK);
    char *before = dump(f);
    assert_int_equal(store_mute(store, f->alice, f->bob), MB_EXISTS);
    assert_string_equal(store_error(store), "you already mute 'bob'");
    assert_int_equal(store_mute(store, f->alice, f->alice), MB_INVALID);
    assert_string_equal(store_error(store), "you cannot mute yourself");
    assert_int_equal(store_unmute(store, f->alice, f->carol), MB_NOT_FOUND);
    assert_string_equal(store_error(store), "you do not mute 'carol'");
    assert_int_equal(store_mute(store, f->alice, 999), MB_NOT_FOUND);
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_unmute(store, f->alice, f->bob), MB_OK);
    expect_sql(f, "SELECT count(*) FROM mute;", "0\n");
    store_close(store);

    store = open_as(f, STORE_MODE_SHARED, "bob", true);
    before = dump(f);
    assert_int_equal(store_mute(store, f->alice, f->carol), MB_DENIED);
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_mute(store, f->bob, f->carol), MB_OK);
    assert_int_equal(store_unmute(store, f->bob, f->carol), MB_OK);
    store_close(store);
}

/* ---- read positions ---- */

static void expect_mark(struct store *store, int64_t user, enum store_mark mark,
                        int64_t timestamp, int64_t id)
{
    struct post_cursor at = { -1, -1 };
    assert_int_equal(store_read_mark_get(store, user, mark, &at), MB_OK);
    assert_int_equal(at.timestamp, timestamp);
    assert_int_equal(at.id, id);
}

static void test_read_marks_never_move_back(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    expect_mark(store, f->alice, STORE_MARK_TIMELINE, 0, 0);
    struct post_cursor at = { 1000, 5 };
    assert_int_equal(store_read_mark_set(store, f->alice, STORE_MARK_TIMELINE, &at), MB_OK);
    expect_mark(store, f->alice, STORE_MARK_TIMELINE, 1000, 5);
    expect_mark(store, f->alice, STORE_MARK_MENTIONS, 0, 0);
    char *before = dump(f);
    const struct post_cursor back[] = { { 999, 100 }, { 1000, 4 }, { 1000, 5 } };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(store_read_mark_set(store, f->alice, STORE_MARK_TIMELINE, &back[i]),
                         MB_OK);
    EXPECT_UNCHANGED(f, before);
    free(before);
    expect_mark(store, f->alice, STORE_MARK_TIMELINE, 1000, 5);
    at = (struct post_cursor){ 1000, 6 };
    assert_int_equal(store_read_mark_set(store, f->alice, STORE_MARK_TIMELINE, &at), MB_OK);
    expect_mark(store, f->alice, STORE_MARK_TIMELINE, 1000, 6);
    at = (struct post_cursor){ 2000, 1 };
    assert_int_equal(store_read_mark_set(store, f->alice, STORE_MARK_MENTIONS, &at), MB_OK);
    expect_mark(store, f->alice, STORE_MARK_MENTIONS, 2000, 1);
    expect_mark(store, f->alice, STORE_MARK_TIMELINE, 1000, 6);
    store_close(store);

    store = open_as(f, STORE_MODE_SHARED, "bob", true);
    before = dump(f);
    at = (struct post_cursor){ 5000, 1 };
    assert_int_equal(store_read_mark_set(store, f->alice, STORE_MARK_TIMELINE, &at),
                     MB_DENIED);
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_read_mark_set(store, f->bob, STORE_MARK_TIMELINE, &at), MB_OK);
    expect_mark(store, f->bob, STORE_MARK_TIMELINE, 5000, 1);
    store_close(store);
}

/* ---- the guards in the SQL, against a session that wrote in between ---- */

/* Runs update in another session (sqlite3 or psql) that keeps its write
 * open for a second; returns once the write is made and not committed.
 * wait_racer() waits for that commit. */
static void start_racer(const struct fixture *f, const char *update)
{
    char *script = xasprintf("%s/racer.sql", f->dir);
    char *held = xasprintf("%s/held", f->dir), *done = xasprintf("%s/done", f->dir);
    char *text;
    char *command;
    unlink(held);
    unlink(done);
    if (testutil_postgres()) {
        text = xasprintf("BEGIN;\n%s;\n\\! touch '%s'\nSELECT pg_sleep(1);\nCOMMIT;\n"
                         "\\! touch '%s'\n", update, held, done);
        char *psql = testutil_psql();
        command = xasprintf("'%s' -X -q -At -v ON_ERROR_STOP=1 -d '%s' -f '%s' "
                            ">/dev/null 2>&1 &", psql, f->path, script);
        free(psql);
    } else {
        text = xasprintf("BEGIN IMMEDIATE;\n%s;\n.shell touch '%s'\n.shell sleep 1\nCOMMIT;\n"
                         ".shell touch '%s'\n", update, held, done);
        command = xasprintf("sqlite3 -bail '%s' < '%s' >/dev/null 2>&1 &", f->path, script);
    }
    testutil_write(script, text);
    assert_int_equal(system(command), 0);
    for (int i = 0; i < 1000 && access(held, F_OK) != 0; i++)
        usleep(10000);
    if (access(held, F_OK) != 0)
        fail_msg("the racing session did not start: %s", command);
    free(script);
    free(held);
    free(done);
    free(text);
    free(command);
}

static void wait_racer(const struct fixture *f)
{
    char *done = xasprintf("%s/done", f->dir);
    for (int i = 0; i < 1000 && access(done, F_OK) != 0; i++)
        usleep(10000);
    assert_int_equal(access(done, F_OK), 0);
    free(done);
}

/* The store read "last seen 2 minutes ago" just before another session's
 * write made it 5 s ago: the UPDATE's own check writes nothing. */
static void test_seen_is_checked_in_the_update_too(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    long long now = (long long)time(NULL);
    char *update = xasprintf("UPDATE \"user\" SET last_seen = %lld WHERE username = 'bob'",
                             now - 120);
    free(sql(f, update));
    free(update);
    update = xasprintf("UPDATE \"user\" SET last_seen = %lld WHERE username = 'bob'", now - 5);
    start_racer(f, update);
    assert_int_equal(store_user_seen(store, f->bob), MB_OK);
    wait_racer(f);
    free(update);
    char *expected = xasprintf("%lld\n", now - 5);
    expect_sql(f, "SELECT last_seen FROM \"user\" WHERE username = 'bob';", expected);
    free(expected);
    store_close(store);
}

/* The same for a read position moved further by another session. */
static void test_read_mark_is_checked_in_the_upsert_too(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    struct post_cursor at = { 1000, 1 };
    assert_int_equal(store_read_mark_set(store, f->bob, STORE_MARK_TIMELINE, &at), MB_OK);
    start_racer(f, "UPDATE read_mark SET timestamp = 9000, post_id = 9 WHERE view = 'timeline'");
    at = (struct post_cursor){ 5000, 5 };
    assert_int_equal(store_read_mark_set(store, f->bob, STORE_MARK_TIMELINE, &at), MB_OK);
    wait_racer(f);
    expect_mark(store, f->bob, STORE_MARK_TIMELINE, 9000, 9);
    store_close(store);
}

/* ---- mentions ---- */

/* The names recorded as mentioned by post id, by user id. */
static void expect_mentions(const struct fixture *f, int64_t post, const char *expected)
{
    char *query = xasprintf("SELECT u.username FROM mention m JOIN \"user\" u ON u.id = m.user_id "
                            "WHERE m.post_id = %lld ORDER BY u.id;", (long long)post);
    expect_sql(f, query, expected);
    free(query);
}

static void test_mentions_are_recorded_once_when_written(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t post;
    assert_int_equal(store_post_add(store, f->alice,
                                    "hi @Bob and @bob, (@CAROL). mail carol@example.com", 0,
                                    &post), MB_OK);
    expect_mentions(f, post, "bob\ncarol\n");
    assert_int_equal(store_post_add(store, f->alice, "write to carol@example.com or bob@x", 0,
                                    &post), MB_OK);
    expect_mentions(f, post, "");
    assert_int_equal(store_post_add(store, f->alice, "@nobody @bobby @carol_ x.@bob _@bob", 0,
                                    &post), MB_OK);
    expect_mentions(f, post, "");
    /* A name with punctuation, and punctuation after a name. */
    assert_int_equal(store_post_add(store, f->bob, "@jean-luc's and @alice, @jean", 0, &post),
                     MB_OK);
    expect_mentions(f, post, "alice\njean-luc\n");
    assert_int_equal(store_post_add(store, f->bob, "@Jean-Luc: @@alice!", 0, &post), MB_OK);
    expect_mentions(f, post, "alice\njean-luc\n");
    /* Replies record theirs too. */
    int64_t reply;
    assert_int_equal(store_post_reply(store, f->carol, post, "@bob agreed", 0, &reply), MB_OK);
    expect_mentions(f, reply, "bob\n");
    store_close(store);
}

static void test_mentions_are_capped(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    char body[STORE_BODY_MAX + 1] = "";
    int64_t id, post;
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "u%02d", i);
        assert_int_equal(store_user_add(store, name, NULL, NULL, &id), MB_OK);
        strcat(body, "@");
        strcat(body, name);
        strcat(body, " ");
    }
    assert_int_equal(store_post_add(store, f->alice, body, 0, &post), MB_OK);
    expect_sql(f, "SELECT count(*) FROM mention;", "16\n");
    /* A body of nothing but '@'s mentions nobody, and costs little. */
    memset(body, '@', STORE_BODY_MAX);
    body[STORE_BODY_MAX] = '\0';
    assert_int_equal(store_post_add(store, f->alice, body, 0, &post), MB_OK);
    expect_mentions(f, post, "");
    store_close(store);
}

static void test_unread_mentions_after_the_mark(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t count = -1, ids[5];
    for (int i = 0; i < 5; i++)
        assert_int_equal(store_post_add(store, f->alice, "hey @bob", 1000 + i, &ids[i]), MB_OK);
    assert_int_equal(store_post_add(store, f->alice, "hey @carol", 2000, NULL), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->bob, 100, &count), MB_OK);
    assert_int_equal(count, 5);
    assert_int_equal(store_mentions_unread(store, f->bob, 3, &count), MB_OK);
    assert_int_equal(count, 3);
    assert_int_equal(store_mentions_unread(store, f->alice, 100, &count), MB_OK);
    assert_int_equal(count, 0);
    struct post_cursor at = { 1001, ids[1] };
    assert_int_equal(store_read_mark_set(store, f->bob, STORE_MARK_MENTIONS, &at), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->bob, 100, &count), MB_OK);
    assert_int_equal(count, 3);
    at = (struct post_cursor){ 1004, ids[4] };
    assert_int_equal(store_read_mark_set(store, f->bob, STORE_MARK_MENTIONS, &at), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->bob, 100, &count), MB_OK);
    assert_int_equal(count, 0);
    /* Another person's mark is theirs. */
    assert_int_equal(store_mentions_unread(store, f->carol, 100, &count), MB_OK);
    assert_int_equal(count, 1);
    store_close(store);
}

/* Mentions by someone you mute are never shown, so they are not unread
 * either (else nothing could ever clear the count). */
static void test_muted_mentions_are_not_unread(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t count = -1;
    assert_int_equal(store_post_add(store, f->carol, "hey @bob", 1000, NULL), MB_OK);
    assert_int_equal(store_post_add(store, f->alice, "hey @bob", 1001, NULL), MB_OK);
    assert_int_equal(store_post_add(store, f->carol, "again @bob", 1002, NULL), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->bob, 100, &count), MB_OK);
    assert_int_equal(count, 3);
    assert_int_equal(store_mute(store, f->bob, f->carol), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->bob, 100, &count), MB_OK);
    assert_int_equal(count, 1);
    /* Only bob's mutes count for bob. */
    assert_int_equal(store_post_add(store, f->carol, "hey @alice", 1003, NULL), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->alice, 100, &count), MB_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_unmute(store, f->bob, f->carol), MB_OK);
    assert_int_equal(store_mentions_unread(store, f->bob, 100, &count), MB_OK);
    assert_int_equal(count, 3);
    store_close(store);
}

/* Whom someone mutes and where they have read up to are theirs alone:
 * in the shared modes the store answers only the person (follows are
 * public). */
static void test_private_state_is_the_persons(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    struct post_cursor at = { 1000, 1 };
    assert_int_equal(store_post_add(store, f->carol, "hey @alice", 1000, NULL), MB_OK);
    assert_int_equal(store_mute(store, f->alice, f->carol), MB_OK);
    assert_int_equal(store_read_mark_set(store, f->alice, STORE_MARK_TIMELINE, &at), MB_OK);
    store_close(store);

    for (int admin = 0; admin < 2; admin++) {
        store = open_as(f, admin ? STORE_MODE_SHARED : STORE_MODE_RESTRICTED, "bob", admin);
        struct user_list list = { 0 };
        struct post_list page = { 0 };
        struct post_cursor mark = { 0, 0 };
        int64_t count = -1;
        assert_int_equal(store_mute_list(store, f->alice, NULL, 10, &list), MB_DENIED);
        expect_error(store, "you can only act as yourself (bob)");
        assert_int_equal(store_read_mark_get(store, f->alice, STORE_MARK_TIMELINE, &mark),
                         MB_DENIED);
        assert_int_equal(store_mentions_unread(store, f->alice, 10, &count), MB_DENIED);
        struct post_filter as_alice = { .viewer_id = f->alice };
        assert_int_equal(store_posts_page(store, &as_alice, NULL, PAGE_OLDER, 10, &page),
                         MB_DENIED);
        assert_int_equal(store_posts_count_newer(store, &as_alice, &mark, 10, &count),
                         MB_DENIED);
        /* Their own, and the public rest, still answer. */
        struct post_filter as_bob = { .viewer_id = f->bob };
        assert_int_equal(store_posts_page(store, &as_bob, NULL, PAGE_OLDER, 10, &page), MB_OK);
        assert_int_equal(page.count, 1);
        store_post_list_free(&page);
        assert_int_equal(store_mute_list(store, f->bob, NULL, 10, &list), MB_OK);
        store_user_list_free(&list);
        assert_int_equal(store_follow_list(store, f->alice, false, NULL, 10, &list), MB_OK);
        store_user_list_free(&list);
        store_close(store);
    }
    /* alice herself may. */
    store = open_as(f, STORE_MODE_SHARED, "alice", false);
    struct user_list list = { 0 };
    assert_int_equal(store_mute_list(store, f->alice, NULL, 10, &list), MB_OK);
    assert_int_equal(list.count, 1);
    store_user_list_free(&list);
    store_close(store);
}

/* ---- replies, threads and edits ---- */

/* "reply_to|thread_id" of post id (0 for NULL). */
static void expect_links(const struct fixture *f, int64_t id, int64_t reply_to, int64_t thread)
{
    char *query = xasprintf("SELECT coalesce(reply_to, 0), coalesce(thread_id, 0) FROM post "
                            "WHERE id = %lld;", (long long)id);
    char *expected = xasprintf("%lld|%lld\n", (long long)reply_to, (long long)thread);
    expect_sql(f, query, expected);
    free(query);
    free(expected);
}

static void test_replies_and_threads(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t root, a, b, c;
    assert_int_equal(store_post_add(store, f->alice, "root", 0, &root), MB_OK);
    assert_int_equal(store_post_reply(store, f->bob, root, "a", 0, &a), MB_OK);
    assert_int_equal(store_post_reply(store, f->carol, a, "b", 0, &b), MB_OK);
    assert_int_equal(store_post_reply(store, f->alice, b, "c", 0, &c), MB_OK);
    expect_links(f, root, 0, 0);
    expect_links(f, a, root, root);
    expect_links(f, b, a, root);
    expect_links(f, c, b, root);

    char *before = dump(f);
    int64_t id = -1;
    assert_int_equal(store_post_reply(store, f->bob, 999, "to nothing @alice", 0, &id),
                     MB_NOT_FOUND);
    assert_string_equal(store_error(store), "no post with id 999");
    assert_int_equal(id, -1);
    EXPECT_UNCHANGED(f, before);
    free(before);

    /* The parent goes: the reply answers nothing, and stays in the
     * conversation. */
    assert_int_equal(store_post_delete(store, a), MB_OK);
    expect_links(f, b, 0, root);
    expect_links(f, c, b, root);
    /* A reply to b still joins root's conversation. */
    int64_t d;
    assert_int_equal(store_post_reply(store, f->bob, b, "d", 0, &d), MB_OK);
    expect_links(f, d, b, root);
    store_close(store);

    /* Replies are posts: only as yourself. */
    store = open_as(f, STORE_MODE_SHARED, "bob", true);
    before = dump(f);
    assert_int_equal(store_post_reply(store, f->alice, root, "forged", 0, &id), MB_DENIED);
    assert_int_equal(store_post_reply(store, f->bob, root, "backdated", 1000, &id), MB_DENIED);
    EXPECT_UNCHANGED(f, before);
    free(before);
    assert_int_equal(store_post_reply(store, f->bob, root, "mine", 0, &id), MB_OK);
    expect_links(f, id, root, root);
    store_close(store);
}

static void test_edit(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t post, other;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(store_post_add(store, f->alice, "hello @bob", 1000, &post), MB_OK);
    assert_int_equal(store_post_add(store, f->bob, "bob's", 0, &other), MB_OK);
    expect_sql(f, "SELECT count(*) FROM post WHERE edited_at IS NOT NULL;", "0\n");

    char *before = dump(f);
    /* Not the author: refused in personal mode too. */
    assert_int_equal(store_post_edit(store, post, f->bob, "bob was here"), MB_DENIED);
    assert_string_equal(store_error(store), "you can only edit your own posts");
    assert_int_equal(store_post_edit(store, post, f->alice, "   "), MB_INVALID);
    assert_int_equal(store_post_edit(store, 999, f->alice, "nothing"), MB_NOT_FOUND);
    assert_string_equal(store_error(store), "no post with id 999");
    EXPECT_UNCHANGED(f, before);
    free(before);

    assert_int_equal(store_post_edit(store, post, f->alice, "hello @carol and @CAROL"), MB_OK);
    char *query = xasprintf("SELECT body, timestamp, edited_at >= %lld FROM post WHERE id = %lld;",
                            (long long)now, (long long)post);
    char *row = sql(f, query);
    /* psql shows a boolean as t, sqlite3 as 1. */
    assert_true(strcmp(row, "hello @carol and @CAROL|1000|1\n") == 0 ||
                strcmp(row, "hello @carol and @CAROL|1000|t\n") == 0);
    free(row);
    free(query);
    expect_mentions(f, post, "carol\n");
    expect_sql(f, "SELECT timestamp FROM mention;", "1000\n");
    store_close(store);

    /* Shared modes: your own posts, as yourself; an admin is no author. */
    store = open_as(f, STORE_MODE_SHARED, "carol", true);
    before = dump(f);
    assert_int_equal(store_post_edit(store, other, store_person_id(store), "mine"), MB_DENIED);
    assert_string_equal(store_error(store), "you can only edit your own posts");
    assert_int_equal(store_post_edit(store, other, f->bob, "as bob"), MB_DENIED);
    EXPECT_UNCHANGED(f, before);
    free(before);
    store_close(store);
    store = open_as(f, STORE_MODE_RESTRICTED, "bob", false);
    assert_int_equal(store_post_edit(store, post, f->alice, "as alice"), MB_DENIED);
    assert_int_equal(store_post_edit(store, other, f->bob, "bob's, edited"), MB_OK);
    store_close(store);
}

/* A write that fails half-way (here a trigger refuses the mention row)
 * leaves nothing behind: the post and its mentions are one transaction. */
static void test_a_failed_write_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t post;
    assert_int_equal(store_post_add(store, f->alice, "hi @bob", 0, &post), MB_OK);
    char *trigger;
    if (testutil_postgres())
        trigger = xasprintf(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'refused'; END; $$;\n"
            "CREATE TRIGGER refuse BEFORE INSERT ON mention FOR EACH ROW "
            "WHEN (NEW.user_id = %lld) EXECUTE FUNCTION refuse();\n", (long long)f->carol);
    else
        trigger = xasprintf("CREATE TRIGGER refuse BEFORE INSERT ON mention "
                            "WHEN NEW.user_id = %lld BEGIN SELECT RAISE(ABORT, 'refused'); END;\n",
                            (long long)f->carol);
    free(sql(f, trigger));
    free(trigger);
    store_close(store);
    store = testutil_open(f->path);

    char *before = dump(f);
    int64_t id;
    assert_int_not_equal(store_post_add(store, f->bob, "hello @carol", 0, &id), MB_OK);
    assert_int_not_equal(store_post_reply(store, f->bob, post, "@alice @carol", 0, &id), MB_OK);
    assert_int_not_equal(store_post_edit(store, post, f->alice, "now @carol"), MB_OK);
    EXPECT_UNCHANGED(f, before);
    free(before);
    /* The handle still works afterwards. */
    assert_int_equal(store_post_edit(store, post, f->alice, "now @jean-luc"), MB_OK);
    expect_mentions(f, post, "jean-luc\n");
    store_close(store);
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_about),
        TEST(test_seen_writes_at_most_once_a_minute),
        TEST(test_fresh_seen_takes_no_write_lock),
        TEST(test_follow),
        TEST(test_follow_and_mute_lists_page_by_name_ignoring_case),
        TEST(test_mute),
        TEST(test_read_marks_never_move_back),
        TEST(test_seen_is_checked_in_the_update_too),
        TEST(test_read_mark_is_checked_in_the_upsert_too),
        TEST(test_mentions_are_recorded_once_when_written),
        TEST(test_mentions_are_capped),
        TEST(test_unread_mentions_after_the_mark),
        TEST(test_muted_mentions_are_not_unread),
        TEST(test_private_state_is_the_persons),
        TEST(test_replies_and_threads),
        TEST(test_edit),
        TEST(test_a_failed_write_leaves_nothing),
    };
#undef TEST
    return cmocka_run_group_tests(tests, NULL, NULL);
}
