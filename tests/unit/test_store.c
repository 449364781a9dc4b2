/* The store on real SQLite files: users, posts, keyset pages, passwords,
 * and the rules checked before anything reaches SQL. */
#include "tests/unit/testutil.h"

#include "store/sqlite/sqlite.h"

struct fixture {
    char *dir;
    char *path;
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir();
    f->path = xasprintf("%s/test.db", f->dir);
    f->store = testutil_open(f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    testutil_rmtree(f->dir);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

static int64_t add_user(struct store *store, const char *name, const char *email,
                        const char *password)
{
    int64_t id = 0;
    enum mb_status status = store_user_add(store, name, email, password, &id);
    if (status != MB_OK)
        fail_msg("store_user_add(%s): %s", name, store_error(store));
    return id;
}

static void test_new_file_is_private_wal_and_at_head(void **state)
{
    struct fixture *f = *state;
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    int current = -1, head = -1;
    assert_int_equal(store_revision(f->store, &current, &head), MB_OK);
    assert_int_equal(head, (int)migrations_builtin()->count);
    assert_int_equal(current, head);
    char *mode = testutil_shell("sqlite3 '%s' 'PRAGMA journal_mode; PRAGMA application_id;'",
                                f->path);
    assert_string_equal(mode, "wal\n1296190535\n");
    free(mode);
}

static void test_duplicate_username_and_email(void **state)
{
    struct fixture *f = *state;
    add_user(f->store, "susan", "susan@example.com", NULL);
    assert_int_equal(store_user_add(f->store, "Susan", NULL, NULL, NULL), MB_EXISTS);
    assert_non_null(strstr(store_error(f->store), "username 'Susan' is taken"));
    assert_int_equal(store_user_add(f->store, "sue", "SUSAN@example.com", NULL, NULL),
                     MB_EXISTS);
    assert_non_null(strstr(store_error(f->store), "email"));
    struct user_list list;
    assert_int_equal(store_user_list(f->store, NULL, false, 10, &list), MB_OK);
    assert_int_equal(list.count, 1);
    store_user_list_free(&list);
}

static void test_username_rules(void **state)
{
    struct mb_error err;
    assert_int_equal(store_validate_username("john", &err), MB_OK);
    assert_int_equal(store_validate_username("日本語", &err), MB_OK);
    assert_int_equal(store_validate_username("", &err), MB_INVALID);
    assert_int_equal(store_validate_username("two words", &err), MB_INVALID);
    assert_int_equal(store_validate_username("esc\x1b[2J", &err), MB_INVALID);
    assert_int_equal(store_validate_username("12345", &err), MB_INVALID);
    assert_int_equal(store_validate_username("bad\xff", &err), MB_INVALID);
    char name[70];
    memset(name, 'a', 64);
    name[64] = '\0';
    assert_int_equal(store_validate_username(name, &err), MB_OK);
    strcat(name, "a");
    assert_int_equal(store_validate_username(name, &err), MB_INVALID);
    assert_int_equal(store_validate_email("a@b", &err), MB_OK);
    assert_int_equal(store_validate_email("nobody", &err), MB_INVALID);
    assert_int_equal(store_validate_email("a@b@c", &err), MB_INVALID);
    (void)state;
}

static char *repeat(const char *unit, size_t times)
{
    size_t len = strlen(unit);
    char *s = xmalloc(len * times + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * len, unit, len);
    s[len * times] = '\0';
    return s;
}

static void test_body_limit_counts_code_points(void **state)
{
    struct fixture *f = *state;
    int64_t john = add_user(f->store, "john", NULL, NULL);
    char *emoji140 = repeat("\xF0\x9F\x98\x80", 140); /* 560 bytes */
    char *emoji141 = repeat("\xF0\x9F\x98\x80", 141);
    char *cjk140 = repeat("\xE6\x97\xA5", 140);
    int64_t id = 0;
    assert_int_equal(store_post_add(f->store, john, emoji140, 0, &id), MB_OK);
    assert_int_equal(store_post_add(f->store, john, cjk140, 0, NULL), MB_OK);
    assert_int_equal(store_post_add(f->store, john, emoji141, 0, NULL), MB_INVALID);
    assert_non_null(strstr(store_error(f->store), "141"));
    assert_int_equal(store_post_add(f->store, john, "", 0, NULL), MB_INVALID);
    assert_int_equal(store_post_add(f->store, john, "  \n ", 0, NULL), MB_INVALID);
    assert_int_equal(store_post_add(f->store, john, "bad \xC0\xAF utf8", 0, NULL),
                     MB_INVALID);
    assert_int_equal(store_post_add(f->store, john, "bell\x07", 0, NULL), MB_INVALID);
    struct post post;
    assert_int_equal(store_post_get(f->store, id, &post), MB_OK);
    assert_string_equal(post.body, emoji140);
    assert_string_equal(post.author, "john");
    store_post_clear(&post);
    int64_t count = 0;
    assert_int_equal(store_post_count(f->store, 0, &count), MB_OK);
    assert_int_equal(count, 2);
    free(emoji140);
    free(emoji141);
    free(cjk140);
}

static void test_post_needs_existing_author(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_post_add(f->store, 999, "hello", 0, NULL), MB_NOT_FOUND);
}

static void test_keyset_pages_walk_every_post_once(void **state)
{
    struct fixture *f = *state;
    int64_t a = add_user(f->store, "alice", NULL, NULL);
    int64_t b = add_user(f->store, "bob", NULL, NULL);
    assert_int_equal(store_batch_begin(f->store), MB_OK);
    /* Many posts share a timestamp: the id must break ties. */
    for (int i = 0; i < 95; i++) {
        char body[32];
        snprintf(body, sizeof body, "post %d", i);
        assert_int_equal(store_post_add(f->store, i % 3 ? a : b, body, 1000 + i / 10, NULL),
                         MB_OK);
    }
    assert_int_equal(store_batch_commit(f->store), MB_OK);

    int seen = 0;
    struct post_cursor cursor;
    bool have_cursor = false;
    int64_t last_ts = INT64_MAX, last_id = INT64_MAX;
    for (;;) {
        struct post_list page;
        assert_int_equal(store_posts_page(f->store, NULL, have_cursor ? &cursor : NULL,
                                          PAGE_OLDER, 10, &page),
                         MB_OK);
        if (page.count == 0) {
            store_post_list_free(&page);
            break;
        }
        for (size_t i = 0; i < page.count; i++) {
            const struct post *p = &page.items[i];
            assert_true(p->timestamp < last_ts || (p->timestamp == last_ts && p->id < last_id));
            last_ts = p->timestamp;
            last_id = p->id;
            seen++;
        }
        cursor.timestamp = last_ts;
        cursor.id = last_id;
        have_cursor = true;
        store_post_list_free(&page);
    }
    assert_int_equal(seen, 95);

    /* Back towards the newest from the oldest: newest-first pages. */
    struct post_list newer;
    assert_int_equal(store_posts_page(f->store, NULL, &cursor, PAGE_NEWER, 5, &newer), MB_OK);
    assert_int_equal(newer.count, 5);
    assert_true(newer.items[0].timestamp > newer.items[4].timestamp ||
                newer.items[0].id > newer.items[4].id);
    store_post_list_free(&newer);

    struct post_list mine;
    assert_int_equal(store_posts_page(f->store, &(struct post_filter){ .author_id = b }, NULL, PAGE_OLDER, 100, &mine), MB_OK);
    assert_int_equal(mine.count, 32);
    for (size_t i = 0; i < mine.count; i++)
        assert_string_equal(mine.items[i].author, "bob");
    store_post_list_free(&mine);
}

static void test_passwords_are_argon2id_and_verified(void **state)
{
    struct fixture *f = *state;
    int64_t id = add_user(f->store, "susan", NULL, "cat");
    char *hash = testutil_shell("sqlite3 '%s' 'SELECT password_hash FROM user WHERE id = %lld'",
                                f->path, (long long)id);
    assert_memory_equal(hash, "$argon2id$", 10);
    free(hash);
    assert_int_equal(store_user_verify_password(f->store, id, "cat"), MB_OK);
    assert_int_equal(store_user_verify_password(f->store, id, "dog"), MB_AUTH);
    assert_int_equal(store_user_verify_password(f->store, id, ""), MB_AUTH);
    /* A garbled stored hash is refused, not a crash. */
    char *ignored = testutil_shell("sqlite3 '%s' \"UPDATE user SET password_hash = "
                                   "'\\$argon2id\\$v=19\\$m=8,t=1' WHERE id = %lld\"",
                                   f->path, (long long)id);
    free(ignored);
    assert_int_equal(store_user_verify_password(f->store, id, "cat"), MB_AUTH);
    int64_t none = add_user(f->store, "nopass", NULL, NULL);
    assert_int_equal(store_user_verify_password(f->store, none, "x"), MB_AUTH);
    assert_int_equal(store_user_set_password(f->store, none, "x"), MB_OK);
    assert_int_equal(store_user_verify_password(f->store, none, "x"), MB_OK);
}

static void test_delete_user_removes_posts(void **state)
{
    struct fixture *f = *state;
    int64_t john = add_user(f->store, "john", NULL, NULL);
    int64_t susan = add_user(f->store, "susan", NULL, NULL);
    assert_int_equal(store_post_add(f->store, john, "my first post!", 0, NULL), MB_OK);
    assert_int_equal(store_post_add(f->store, susan, "hi", 0, NULL), MB_OK);
    assert_int_equal(store_user_delete(f->store, john), MB_OK);
    int64_t count = -1;
    assert_int_equal(store_post_count(f->store, 0, &count), MB_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_user_delete(f->store, john), MB_NOT_FOUND);
    struct user user;
    assert_int_equal(store_user_get(f->store, "SUSAN", &user), MB_OK);
    assert_int_equal(user.post_count, 1);
    store_user_clear(&user);
}

/* Counts come from a table kept by triggers: they must follow every
 * insert, delete and cascade exactly. */
static void test_post_counts_follow_every_change(void **state)
{
    struct fixture *f = *state;
    int64_t a = add_user(f->store, "ann", NULL, NULL);
    int64_t b = add_user(f->store, "ben", NULL, NULL);
    int64_t first = 0, count = -1;
    assert_int_equal(store_post_add(f->store, a, "one", 0, &first), MB_OK);
    assert_int_equal(store_post_add(f->store, a, "two", 0, NULL), MB_OK);
    assert_int_equal(store_post_add(f->store, b, "three", 0, NULL), MB_OK);
    assert_int_equal(store_post_count(f->store, 0, &count), MB_OK);
    assert_int_equal(count, 3);
    assert_int_equal(store_post_count(f->store, a, &count), MB_OK);
    assert_int_equal(count, 2);
    assert_int_equal(store_post_delete(f->store, first), MB_OK);
    assert_int_equal(store_post_count(f->store, a, &count), MB_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_user_delete(f->store, a), MB_OK);
    assert_int_equal(store_post_count(f->store, 0, &count), MB_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_post_count(f->store, a, &count), MB_OK);
    assert_int_equal(count, 0);
    struct user user;
    assert_int_equal(store_user_get_by_id(f->store, b, &user), MB_OK);
    assert_int_equal(user.post_count, 1);
    store_user_clear(&user);
    char *real = testutil_shell("sqlite3 '%s' 'SELECT count(*) FROM post; "
                                "SELECT n FROM post_count WHERE user_id = 0'", f->path);
    assert_string_equal(real, "1\n1\n");
    free(real);
}

static void test_ensure_creates_once(void **state)
{
    struct fixture *f = *state;
    struct user user;
    bool created = false;
    assert_int_equal(store_user_ensure(f->store, "journal", &user, &created), MB_OK);
    assert_true(created);
    assert_false(user.has_password);
    int64_t id = user.id;
    store_user_clear(&user);
    assert_int_equal(store_user_ensure(f->store, "Journal", &user, &created), MB_OK);
    assert_false(created);
    assert_int_equal(user.id, id);
    store_user_clear(&user);
}

static void test_user_list_pages_both_ways(void **state)
{
    struct fixture *f = *state;
    const char *names[] = {"carol", "Alice", "bob", "dave"};
    for (size_t i = 0; i < 4; i++)
        add_user(f->store, names[i], NULL, NULL);
    struct user_list page;
    assert_int_equal(store_user_list(f->store, NULL, true, 2, &page), MB_OK);
    assert_int_equal(page.count, 2);
    assert_string_equal(page.items[0].username, "dave");
    assert_string_equal(page.items[1].username, "carol");
    store_user_list_free(&page);
    assert_int_equal(store_user_list(f->store, "bob", false, 10, &page), MB_OK);
    assert_int_equal(page.count, 2);
    assert_string_equal(page.items[0].username, "carol");
    store_user_list_free(&page);
}

static void test_batch_rollback_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    int64_t john = add_user(f->store, "john", NULL, NULL);
    assert_int_equal(store_batch_begin(f->store), MB_OK);
    assert_int_equal(store_post_add(f->store, john, "one", 0, NULL), MB_OK);
    assert_int_equal(store_post_add(f->store, john, "two", 0, NULL), MB_OK);
    store_batch_rollback(f->store);
    int64_t count = -1;
    assert_int_equal(store_post_count(f->store, 0, &count), MB_OK);
    assert_int_equal(count, 0);
}

static void test_data_version_sees_other_connections(void **state)
{
    struct fixture *f = *state;
    uint64_t before = 0, after = 0;
    struct store *other = testutil_open(f->path);
    assert_int_equal(store_data_version(f->store, &before), MB_OK);
    struct user user;
    assert_int_equal(store_user_ensure(other, "elsewhere", &user, NULL), MB_OK);
    store_user_clear(&user);
    assert_int_equal(store_data_version(f->store, &after), MB_OK);
    assert_true(after != before);
    store_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_file_is_private_wal_and_at_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_username_and_email, setup, teardown),
        cmocka_unit_test(test_username_rules),
        cmocka_unit_test_setup_teardown(test_body_limit_counts_code_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_needs_existing_author, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset_pages_walk_every_post_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passwords_are_argon2id_and_verified, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_user_removes_posts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_counts_follow_every_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ensure_creates_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_list_pages_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_version_sees_other_connections, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
