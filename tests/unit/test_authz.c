/* Authorization is a property of the store: a store opened for a person
 * (shared or restricted mode) refuses, by itself, every write that person
 * may not make, whichever face asks, and writes nothing when it refuses.
 * Personal mode allows everything. Also: the file check that keeps writes
 * out of a database file that was deleted or replaced.
 * On both backends: tests/run.sh runs it on SQLite files (unit/test_authz)
 * and on its private PostgreSQL cluster (unit-pg/test_authz,
 * MB_BACKEND=postgresql), a fresh database per test; the tests about SQLite
 * files and names are skipped there, with the reason. */
#include "tests/unit/testutil.h"

#include <stdio.h>

struct fixture {
    char *dir;
    char *path;           /* a SQLite file in dir, or a PostgreSQL URL */
    int64_t alice_post;   /* written by alice */
    int64_t bob_post;     /* written by bob */
    int64_t bob_id;
};

/* A database with alice, bob (password "pw") and carol, one post each by
 * alice and bob, made in personal mode. */
static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir();
    f->path = testutil_new_db(f->dir, "shared.db");
    struct store *store = testutil_open(f->path);
    int64_t alice, carol;
    assert_int_equal(store_user_add(store, "alice", NULL, NULL, &alice), MB_OK);
    assert_int_equal(store_user_add(store, "bob", NULL, "pw", &f->bob_id), MB_OK);
    assert_int_equal(store_user_add(store, "carol", NULL, NULL, &carol), MB_OK);
    assert_int_equal(store_post_add(store, alice, "by alice", 0, &f->alice_post), MB_OK);
    assert_int_equal(store_post_add(store, f->bob_id, "by bob", 0, &f->bob_post), MB_OK);
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

/* Everything the database holds, to prove a refusal wrote nothing. */
static char *dump(const struct fixture *f)
{
    return testutil_dump(f->path);
}

/* For a test about SQLite files or names: on PostgreSQL, the reason and a
 * skip. */
#define SQLITE_ONLY(reason)                                             \
    do {                                                                \
        if (testutil_postgres()) {                                      \
            print_message("# SKIP SQLite only: %s\n", reason);          \
            skip();                                                     \
        }                                                               \
    } while (0)

static int64_t user_id(struct store *store, const char *name)
{
    struct user user = { 0 };
    assert_int_equal(store_user_get(store, name, &user), MB_OK);
    int64_t id = user.id;
    store_user_clear(&user);
    return id;
}

static void test_person_is_created_on_first_use(void **state)
{
    struct fixture *f = *state;
    struct store *store = open_as(f, STORE_MODE_SHARED, "dave", false);
    assert_string_equal(store_person(store), "dave");
    assert_true(store_person_id(store) > 0);
    assert_int_equal(store_person_id(store), user_id(store, "dave"));
    assert_false(store_person_is_admin(store));
    store_close(store);
}

/* A login that differs from a user only in case, or looks like one, is
 * not that user (and so never an admin by their name). */
static void test_person_is_exactly_their_name(void **state)
{
    struct fixture *f = *state;
    const char *impostors[] = { "ALICE", "Alice", "\xd0\xb0lice" /* Cyrillic a */, "aIice" };
    for (size_t i = 0; i < sizeof impostors / sizeof impostors[0]; i++) {
        struct store_options options = testutil_options(f->path);
        options.mode = STORE_MODE_SHARED;
        options.person = impostors[i];
        struct store *store = NULL;
        struct mb_error err = { { 0 } };
        char *dump_before = dump(f);
        assert_int_equal(store_open(&options, &store, &err), MB_DENIED);
        assert_null(store);
        assert_non_null(strstr(err.message, "looks like the existing user 'alice'"));
        char *dump_after = dump(f);
        assert_string_equal(dump_before, dump_after);
        free(dump_before);
        free(dump_after);
    }
}

static void test_shared_person_cannot_act_for_others(void **state)
{
    struct fixture *f = *state;
    struct store *store = open_as(f, STORE_MODE_SHARED, "alice", false);
    int64_t alice = store_person_id(store), id;
    char *before = dump(f);

    /* Posting as someone else, or at a chosen time. */
    assert_int_equal(store_post_add(store, f->bob_id, "forged", 0, &id), MB_DENIED);
    assert_non_null(strstr(store_error(store), "only post as yourself (alice)"));
    assert_int_equal(store_post_add(store, alice, "backdated", 1000, &id), MB_DENIED);
    /* Deleting someone else's post, someone else, adding users. */
    assert_int_equal(store_post_delete(store, f->bob_post), MB_DENIED);
    assert_string_equal(store_error(store), "only an admin may delete other people's posts");
    assert_int_equal(store_user_delete(store, f->bob_id), MB_DENIED);
    assert_int_equal(store_user_add(store, "mallory", NULL, NULL, &id), MB_DENIED);
    struct user ensured = { 0 };
    assert_int_equal(store_user_ensure(store, "mallory", &ensured, NULL), MB_DENIED);
    /* Someone else's password, set or removed. */
    assert_int_equal(store_user_set_password(store, f->bob_id, NULL), MB_DENIED);
    assert_int_equal(store_user_set_password(store, f->bob_id, "mine now"), MB_DENIED);
    /* Import and the schema. */
    assert_int_equal(store_import_begin(store), MB_DENIED);
    assert_int_equal(store_stamp(store, 1), MB_DENIED);
    assert_int_equal(store_downgrade(store, 0, NULL), MB_DENIED);
    assert_int_equal(store_upgrade(store, -1, NULL), MB_DENIED);
    /* The author rule: only yourself, with or without a password. */
    struct user author = { 0 };
    assert_int_equal(store_author_resolve(store, "bob", NULL, false, "pw", &author, NULL),
                     MB_DENIED);
    store_user_clear(&author);

    char *after = dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* What alice may do: post as herself, delete her own post, her own
     * password. */
    assert_int_equal(store_author_resolve(store, NULL, NULL, false, NULL, &author, NULL), MB_OK);
    assert_string_equal(author.username, "alice");
    assert_int_equal(store_post_add(store, author.id, "mine", 0, &id), MB_OK);
    store_user_clear(&author);
    assert_int_equal(store_post_delete(store, f->alice_post), MB_OK);
    assert_int_equal(store_user_set_password(store, alice, "secret"), MB_OK);
    store_close(store);
}

static void test_restricted_mode_is_checked_alike(void **state)
{
    struct fixture *f = *state;
    struct store *store = open_as(f, STORE_MODE_RESTRICTED, "carol", false);
    int64_t id;
    assert_int_equal(store_post_add(store, f->bob_id, "forged", 0, &id), MB_DENIED);
    assert_int_equal(store_post_delete(store, f->alice_post), MB_DENIED);
    assert_int_equal(store_post_add(store, store_person_id(store), "carol here", 0, &id), MB_OK);
    store_close(store);
}

static void test_admin_manages_users_and_imports(void **state)
{
    struct fixture *f = *state;
    struct store *store = open_as(f, STORE_MODE_SHARED, "carol", true);
    int64_t id;
    assert_true(store_person_is_admin(store));
    /* An admin deletes others' posts and users, and imports... */
    assert_int_equal(store_post_delete(store, f->alice_post), MB_OK);
    assert_int_equal(store_user_add(store, "erin", NULL, NULL, &id), MB_OK);
    assert_int_equal(store_user_delete(store, id), MB_OK);
    assert_int_equal(store_import_begin(store), MB_OK);
    struct user imported = { 0 };
    assert_int_equal(store_user_ensure(store, "frank", &imported, NULL), MB_OK);
    assert_int_equal(store_post_add(store, imported.id, "old", 1000, &id), MB_OK);
    store_user_clear(&imported);
    assert_int_equal(store_batch_commit(store), MB_OK);
    /* ...but outside an import posts only as themselves, and now. */
    assert_int_equal(store_post_add(store, f->bob_id, "forged", 0, &id), MB_DENIED);
    assert_int_equal(store_post_add(store, store_person_id(store), "backdated", 1000, &id),
                     MB_DENIED);
    store_close(store);
}

static void test_personal_mode_password_rule(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    struct user author = { 0 };
    bool created = true;
    /* Everything is allowed, but bob's password is asked for once. */
    assert_int_equal(store_author_resolve(store, "bob", NULL, false, NULL, &author, &created),
                     MB_PASSWORD);
    assert_string_equal(author.username, "bob");
    assert_false(created);
    store_user_clear(&author);
    assert_int_equal(store_author_resolve(store, "bob", NULL, false, "no", &author, NULL),
                     MB_AUTH);
    store_user_clear(&author);
    assert_int_equal(store_author_resolve(store, "bob", NULL, false, "pw", &author, NULL), MB_OK);
    store_user_clear(&author);
    assert_int_equal(store_author_resolve(store, "bob", NULL, false, NULL, &author, NULL), MB_OK);
    store_user_clear(&author);
    /* An unknown --as is not created; the default author is. */
    assert_int_equal(store_author_resolve(store, "nobody", NULL, false, NULL, &author, NULL),
                     MB_NOT_FOUND);
    store_user_clear(&author);
    assert_int_equal(store_author_resolve(store, NULL, "journal", true, NULL, &author, &created),
                     MB_OK);
    assert_true(created);
    store_user_clear(&author);
    store_close(store);
}

static void test_writes_refuse_a_replaced_file(void **state)
{
    SQLITE_ONLY("a database file deleted or replaced under an open store");
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    char *other = xasprintf("%s/other.db", f->dir);
    struct store *second = testutil_open(other);
    int64_t id, writer;
    assert_int_equal(store_user_add(second, "other", NULL, NULL, &writer), MB_OK);
    assert_int_equal(store_post_add(second, writer, "the other file", 0, &id), MB_OK);
    store_close(second);
    assert_int_equal(store_file_check(store), MB_OK);

    /* mv other.db shared.db: the open handle must not write any more. */
    assert_int_equal(rename(other, f->path), 0);
    assert_int_equal(store_file_check(store), MB_REPLACED);
    assert_int_equal(store_post_add(store, f->bob_id, "lost?", 0, &id), MB_REPLACED);
    assert_non_null(strstr(store_error(store), "deleted or replaced"));
    char *posts = testutil_shell("sqlite3 '%s' 'SELECT body FROM post'", f->path);
    assert_string_equal(posts, "the other file\n");
    free(posts);

    /* rm: the same. */
    assert_int_equal(unlink(f->path), 0);
    assert_int_equal(store_file_check(store), MB_REPLACED);
    assert_int_equal(store_post_add(store, f->bob_id, "lost?", 0, &id), MB_REPLACED);
    store_close(store);
    free(other);
}

/* Posts written before the file is replaced must not be replayed into the
 * replacement from the old -wal: `wal` says whether the writer empties it
 * after each commit (the faces do); returns the bodies the replacement
 * shows afterwards. */
static char *replace_after_a_post(const struct fixture *f, bool wal)
{
    struct store_options options = testutil_options(f->path);
    options.checkpoint_after_write = wal;
    struct store *writer = NULL, *reader = testutil_open(f->path);
    struct mb_error err = { { 0 } };
    int64_t id, posts = 0;
    assert_int_equal(store_open(&options, &writer, &err), MB_OK);
    /* A second connection keeps the -wal from being removed at close. */
    assert_int_equal(store_post_count(reader, 0, &posts), MB_OK);
    assert_int_equal(store_post_add(writer, f->bob_id, "written before the mv", 0, &id), MB_OK);

    char *other = xasprintf("%s/other.db", f->dir);
    struct store *second = testutil_open(other);
    int64_t someone;
    assert_int_equal(store_user_add(second, "other", NULL, NULL, &someone), MB_OK);
    assert_int_equal(store_post_add(second, someone, "the other file", 0, &id), MB_OK);
    store_close(second);
    assert_int_equal(rename(other, f->path), 0);
    /* Anyone opening the new file now (sqlite3 here) reads what it holds. */
    char *after = testutil_shell("sqlite3 '%s' 'SELECT body FROM post ORDER BY id' 2>&1",
                                 f->path);
    store_close(writer);
    store_close(reader);
    free(other);
    return after;
}

static void test_a_replaced_file_gets_no_frames_from_the_old_wal(void **state)
{
    SQLITE_ONLY("frames of an old -wal file replayed into a replaced file");
    struct fixture *f = *state;
    char *after = replace_after_a_post(f, true);
    assert_string_equal(after, "the other file\n");
    free(after);
}

static void test_old_wal_frames_do_replay_without_the_checkpoint(void **state)
{
    /* The control: without emptying the -wal, SQLite replays the old
     * file's pages into the new one (the test above can fail). */
    SQLITE_ONLY("frames of an old -wal file replayed into a replaced file");
    struct fixture *f = *state;
    char *after = replace_after_a_post(f, false);
    assert_string_not_equal(after, "the other file\n");
    free(after);
}

static void test_database_names_that_lose_posts(void **state)
{
    (void)state;
    SQLITE_ONLY("the names :memory:, file: URIs and \"\" are SQLite's");
    const char *names[] = { ":memory:", "file:/tmp/x.db?mode=memory", "file:x.db", "" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct store_options options = testutil_options(names[i]);
        struct store *store = NULL;
        struct mb_error err = { { 0 } };
        assert_int_equal(store_open(&options, &store, &err), MB_INVALID);
        assert_null(store);
    }
    assert_int_equal(access(":memory:", F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_person_is_created_on_first_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_is_exactly_their_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_person_cannot_act_for_others, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_restricted_mode_is_checked_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_manages_users_and_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_personal_mode_password_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_refuse_a_replaced_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_replaced_file_gets_no_frames_from_the_old_wal,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_wal_frames_do_replay_without_the_checkpoint,
                                        setup, teardown),
        cmocka_unit_test(test_database_names_that_lose_posts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
