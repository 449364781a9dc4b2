/* The PostgreSQL backend (store/postgres/) on a real server: a private
 * cluster from scripts/pg-cluster.sh, a fresh database per test, and the
 * backend's operations called directly on a handle filled in here (as
 * store_open will). Opening at head, users (taken by case, lookalike keys,
 * pages both ways), posts (keyset pages with cursors, counts), revisions
 * (history, down to base and up, stamp, check clean and with drift), a
 * foreign and a newer database refused, the password in no message, and
 * NOTIFY waking a second connection. Skipped, with the reason, where
 * PostgreSQL cannot run. */
#include "tests/unit/testutil.h"

#include <poll.h>
#include <sys/wait.h>
#include <time.h>

#include "core/names.h"
#include "store/backend.h"
#include "store/internal.h"
#include "store/postgres/url.h"

static const struct store_backend *pg = &store_backend_postgres;

/* The cluster of this run (scripts/pg-cluster.sh start), or the reason
 * there is none. */
static struct {
    char *root;
    char *dir;
    char *url;
    char *admin_url;
    char *bindir;
    char skip_reason[512];
} cluster;

static char *value_of(const char *output, const char *name)
{
    char *key = xasprintf("%s=", name);
    const char *p = output;
    char *value = NULL;
    while (p != NULL && *p != '\0') {
        if (strncmp(p, key, strlen(key)) == 0) {
            const char *start = p + strlen(key);
            value = xstrndup(start, strcspn(start, "\n"));
            break;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    free(key);
    return value;
}

static int group_setup(void **state)
{
    (void)state;
    const char *root = getenv("MB_ROOT");
    cluster.root = xstrdup(root != NULL ? root : ".");
    char *errors = xasprintf("/tmp/mbpgunit.%ld.err", (long)getpid());
    char *command = xasprintf("sh '%s/scripts/pg-cluster.sh' start 2>'%s'", cluster.root, errors);
    FILE *p = popen(command, "r");
    char output[4096] = "";
    size_t got = p != NULL ? fread(output, 1, sizeof output - 1, p) : 0;
    output[got] = '\0';
    int rc = p != NULL ? pclose(p) : -1;
    int code = rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    size_t len = 0;
    char *why = testutil_read(errors, &len);
    unlink(errors);
    free(errors);
    free(command);
    if (code != 0) {
        snprintf(cluster.skip_reason, sizeof cluster.skip_reason,
                 "PostgreSQL cannot run here (pg-cluster.sh start exit %d): %s", code,
                 why != NULL ? why : "");
        cluster.skip_reason[strcspn(cluster.skip_reason, "\n")] = '\0';
        free(why);
        /* 77 is "cannot run": skip; anything else is a failure of the helper. */
        return code == 77 ? 0 : -1;
    }
    free(why);
    cluster.dir = value_of(output, "PG_DIR");
    cluster.url = value_of(output, "PG_URL");
    cluster.admin_url = value_of(output, "PG_ADMIN_URL");
    cluster.bindir = value_of(output, "PG_BINDIR");
    return cluster.dir != NULL && cluster.url != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (cluster.dir != NULL) {
        char *out = testutil_shell("sh '%s/scripts/pg-cluster.sh' destroy '%s' 2>&1",
                                   cluster.root, cluster.dir);
        free(out);
    }
    free(cluster.root);
    free(cluster.dir);
    free(cluster.url);
    free(cluster.admin_url);
    free(cluster.bindir);
    return 0;
}

#define NEED_SERVER()                                            \
    do {                                                         \
        if (cluster.dir == NULL) {                               \
            print_message("# SKIP %s\n", cluster.skip_reason);   \
            skip();                                              \
        }                                                        \
    } while (0)

/* A fresh empty database; its URL, newly allocated. */
static char *fresh_database(void)
{
    char *out = testutil_shell("sh '%s/scripts/pg-cluster.sh' createdb '%s' 2>&1",
                               cluster.root, cluster.dir);
    out[strcspn(out, "\n")] = '\0';
    if (strncmp(out, "postgresql://", 13) != 0)
        fail_msg("createdb: %s", out);
    return out;
}

/* psql on url; fails the test on an error. Output, newly allocated. */
static char *psql(const char *url, const char *sql)
{
    char *out = testutil_shell("'%s/psql' -X -q -At -v ON_ERROR_STOP=1 -d '%s' -c \"%s\" 2>&1 "
                               "|| echo PSQL-FAILED", cluster.bindir, url, sql);
    if (strstr(out, "PSQL-FAILED") != NULL)
        fail_msg("psql %s: %s", sql, out);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

static void notices(void *context, const char *message)
{
    char *seen = context;
    snprintf(seen, 512, "%s", message);
}

static char last_notice[512];

/* A handle filled in as store_open will, opened by the backend. On
 * failure (the expected status) it is closed and NULL is returned. */
static struct store *open_pg(const char *url, enum store_migrate_policy policy,
                             enum mb_status expected, struct mb_error *err)
{
    struct store *store = xcalloc(1, sizeof *store);
    store->backend = pg;
    store->path = xstrdup(url);
    store->migrations = migrations_builtin_postgres();
    store->busy_timeout_ms = 5000;
    store->password_strength = CRYPTO_STRENGTH_MINIMUM;
    store->notice = notices;
    store->notice_context = last_notice;
    struct store_options options = testutil_options(url);
    options.migrate = policy;
    memset(err, 0, sizeof *err);
    enum mb_status status = pg->open(store, &options, err);
    if (status != expected)
        fail_msg("open(%s) = %s, expected %s: %s", url, mb_status_message(status),
                 mb_status_message(expected), err->message);
    if (status != MB_OK) {
        pg->close(store);
        free(store->path);
        free(store);
        return NULL;
    }
    return store;
}

static void close_pg(struct store *store)
{
    if (store == NULL)
        return;
    pg->close(store);
    free(store->path);
    free(store);
}

static void expect_ok(struct store *store, enum mb_status status)
{
    if (status != MB_OK)
        fail_msg("%s: %s", mb_status_message(status), store->error);
}

static int64_t add_user(struct store *store, const char *name, const char *email)
{
    struct name_keys keys = {0};
    struct mb_error err;
    assert_int_equal(names_keys(name, &keys, &err), MB_OK);
    int64_t id = 0;
    expect_ok(store, pg->begin(store));
    enum mb_status status = pg->user_insert(store, name, email, NULL, &keys, 1000, &id);
    if (status == MB_OK)
        status = pg->commit(store);
    else
        pg->rollback(store);
    names_keys_clear(&keys);
    expect_ok(store, status);
    return id;
}

static int64_t add_post(struct store *store, int64_t user_id, const char *body,
                        int64_t timestamp)
{
    int64_t id = 0;
    expect_ok(store, pg->begin(store));
    enum mb_status status = pg->post_insert(store, user_id, body, timestamp, 0, 0, &id);
    if (status == MB_OK)
        status = pg->commit(store);
    else
        pg->rollback(store);
    expect_ok(store, status);
    return id;
}

/* ---- names ------------------------------------------------------------ */

static void test_display_url_hides_passwords(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"postgresql://bob:s3cret@db.example:5432/mb", "postgresql://bob:***@db.example:5432/mb"},
        {"postgres://bob@db/mb", "postgres://bob@db/mb"},
        {"postgresql://bob:p%40ss@h/mb?sslmode=require&password=two",
         "postgresql://bob:***@h/mb?sslmode=require&password=***"},
        {"postgresql://:pw@:5433/mb?host=/tmp/sock", "postgresql://:***@:5433/mb?host=/tmp/sock"},
        {"postgresql:///mb?host=/run/pg", "postgresql:///mb?host=/run/pg"},
        {"/var/lib/microblog.db", "/var/lib/microblog.db"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *shown = store_postgres_display_url(cases[i][0]);
        assert_string_equal(shown, cases[i][1]);
        free(shown);
    }
    char text[64] = "password s3cret and s3cret again";
    store_postgres_scrub(text, sizeof text, "s3cret");
    assert_string_equal(text, "password *** and *** again");
}

/* ---- opening ---------------------------------------------------------- */

/* The last built-in PostgreSQL revision: the tests name revisions relative
 * to it, so that a new revision does not break them. */
static int builtin_head(void)
{
    return (int)migrations_builtin_postgres()->count;
}

/* "NNNN (name)" of built-in revision r, newly allocated. */
static char *revision_named(int r)
{
    return xasprintf("%04d (%s)", r, migrations_builtin_postgres()->items[r - 1].name);
}

static void test_open_fresh_at_head(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int current = -1, head = -1;
    expect_ok(store, store_revision(store, &current, &head));
    /* Both engines have the same revisions, numbered alike. */
    assert_int_equal(builtin_head(), (int)migrations_builtin()->count);
    assert_int_equal(head, builtin_head());
    assert_int_equal(current, head);
    struct revision_info *history = NULL;
    size_t count = 0;
    expect_ok(store, pg->history(store, &history, &count));
    assert_int_equal(count, (size_t)head);
    for (size_t i = 0; i < count; i++) {
        assert_true(history[i].applied);
        assert_false(history[i].checksum_changed);
        assert_true(history[i].applied_at > 0);
    }
    free(history);
    /* The handle names the server without its password from now on. */
    assert_non_null(strstr(store->path, "postgresql://microblog:***@"));
    char *marker = psql(url, "SELECT application_id FROM microblog_meta");
    assert_string_equal(marker, "1296190535");
    free(marker);
    close_pg(store);
    /* At head, every policy opens it. */
    store = open_pg(url, STORE_MIGRATE_REFUSE, MB_OK, &err);
    close_pg(store);
    free(url);
}

static void test_foreign_database_refused(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    free(psql(url, "CREATE TABLE invoices (id int)"));
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_FOREIGN, &err);
    assert_null(store);
    assert_non_null(strstr(err.message, "is not a microblog-tui database: refusing to touch it"));
    char *tables = psql(url, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
                             "WHERE relnamespace = 'public'::regnamespace");
    assert_string_equal(tables, "invoices");
    free(tables);
    /* Another program's marker is not ours either. */
    free(psql(url, "DROP TABLE invoices; CREATE TABLE microblog_meta (application_id bigint); "
                   "INSERT INTO microblog_meta VALUES (42)"));
    store = open_pg(url, STORE_MIGRATE_AUTO, MB_FOREIGN, &err);
    assert_non_null(strstr(err.message, "application id 42"));
    free(url);
}

static void test_newer_database_refused(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    int head = builtin_head();
    close_pg(open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err));
    char *future = xasprintf("INSERT INTO schema_revision VALUES (%d, 'from the future', 'x', 1)",
                             head + 1);
    free(psql(url, future));
    free(future);
    assert_null(open_pg(url, STORE_MIGRATE_AUTO, MB_NEWER, &err));
    char *ours = xasprintf("newer than this program's head %04d", head);
    if (strstr(err.message, ours) == NULL)
        fail_msg("'%s' not in: %s", ours, err.message);
    free(ours);
    assert_null(open_pg(url, STORE_MIGRATE_REFUSE, MB_NEWER, &err));
    /* The db commands may look at it, and nothing writes. */
    struct store *store = open_pg(url, STORE_MIGRATE_NONE, MB_OK, &err);
    assert_true(store->newer);
    assert_int_equal(store_write_begin(store), MB_NEWER);
    assert_int_equal(store_upgrade(store, -1, NULL), MB_NEWER);
    struct revision_info *history = NULL;
    size_t count = 0;
    expect_ok(store, pg->history(store, &history, &count));
    assert_int_equal(count, (size_t)head + 1);
    assert_string_equal(history[head].name, "(unknown to this program)");
    free(history);
    close_pg(store);
    free(url);
}

static void test_behind_policies(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    char *backup = (char *)"untouched";
    expect_ok(store, store_downgrade(store, 2, &backup));
    assert_null(backup);
    assert_non_null(strstr(last_notice, "no backup file is taken"));
    close_pg(store);
    assert_null(open_pg(url, STORE_MIGRATE_REFUSE, MB_BEHIND, &err));
    assert_non_null(strstr(err.message, "run `microblog-tui db upgrade`"));
    store = open_pg(url, STORE_MIGRATE_NONE, MB_OK, &err);
    int current = 0, head = 0;
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, 2);
    close_pg(store);
    last_notice[0] = '\0';
    store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, builtin_head());
    char *from = revision_named(2), *to = revision_named(builtin_head());
    char *said = xasprintf("from revision %s to %s", from, to);
    if (strstr(last_notice, said) == NULL)
        fail_msg("'%s' not in: %s", said, last_notice);
    free(said);
    free(to);
    free(from);
    close_pg(store);
    free(url);
}

static void test_password_never_shown(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    /* PG_URL is postgresql://microblog:PASSWORD@127.0.0.1:PORT/microblog */
    const char *colon = strchr(cluster.url + strlen("postgresql://"), ':');
    const char *at = strchr(cluster.url, '@');
    char *password = xstrndup(colon + 1, (size_t)(at - colon - 1));
    char *wrong = xasprintf("postgresql://microblog:%sWRONG@%s", password, at + 1);
    assert_null(open_pg(wrong, STORE_MIGRATE_AUTO, MB_DENIED, &err));
    assert_null(strstr(err.message, password));
    assert_non_null(strstr(err.message, "postgresql://microblog:***@"));
    /* The right password, a database that does not exist. */
    char *missing = xasprintf("postgresql://microblog:%s@%.*s/no_such_db", password,
                              (int)strcspn(at + 1, "/"), at + 1);
    assert_null(open_pg(missing, STORE_MIGRATE_AUTO, MB_IO, &err));
    assert_null(strstr(err.message, password));
    assert_non_null(strstr(err.message, "no_such_db"));
    /* The password as a parameter, and a malformed URL quoting it. */
    char *param = xasprintf("postgresql://microblog@%.*s/microblog?password=%sX&bogus=1",
                            (int)strcspn(at + 1, "/"), at + 1, password);
    assert_null(open_pg(param, STORE_MIGRATE_AUTO, MB_IO, &err));
    assert_null(strstr(err.message, password));
    free(param);
    free(missing);
    free(wrong);
    free(password);
}

/* ---- users ------------------------------------------------------------ */

static void test_users(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int64_t john = add_user(store, "john", "john@example.com");
    int64_t susan = add_user(store, "Susan", NULL);
    add_user(store, "alice", NULL);
    add_user(store, "bob", NULL);
    assert_true(john > 0 && susan > john);

    char *existing = NULL;
    expect_ok(store, pg->user_name_taken(store, "JOHN", &existing));
    assert_string_equal(existing, "john");
    free(existing);
    expect_ok(store, pg->user_name_taken(store, "johnny", &existing));
    assert_null(existing);
    /* Only ASCII folds, as SQLite's NOCASE. */
    expect_ok(store, pg->user_name_taken(store, "SUSAN", &existing));
    assert_string_equal(existing, "Susan");
    free(existing);
    expect_ok(store, pg->user_email_taken(store, "John@Example.com", &existing));
    assert_string_equal(existing, "john");
    free(existing);

    /* The unique index says it too, in the store's words. */
    struct name_keys keys = {0};
    assert_int_equal(names_keys("JOHN", &keys, &err), MB_OK);
    expect_ok(store, pg->begin(store));
    assert_int_equal(pg->user_insert(store, "JOHN", NULL, NULL, &keys, 0, NULL), MB_EXISTS);
    assert_string_equal(store->error, "username 'JOHN' is taken");
    pg->rollback(store);
    names_keys_clear(&keys);
    assert_int_equal(names_keys("jim", &keys, &err), MB_OK);
    expect_ok(store, pg->begin(store));
    assert_int_equal(pg->user_insert(store, "jim", "JOHN@example.com", NULL, &keys, 0, NULL),
                     MB_EXISTS);
    assert_string_equal(store->error, "email 'JOHN@example.com' is taken");
    pg->rollback(store);
    names_keys_clear(&keys);

    /* A Cyrillic а looks like alice. */
    assert_int_equal(names_keys("\xd0\xb0lice", &keys, &err), MB_OK);
    expect_ok(store, pg->user_lookalike(store, &keys, &existing));
    assert_string_equal(existing, "alice");
    free(existing);
    names_keys_clear(&keys);

    struct user user = {0};
    expect_ok(store, pg->user_by_name(store, "jOhN", &user));
    assert_int_equal(user.id, john);
    assert_string_equal(user.email, "john@example.com");
    assert_false(user.has_password);
    assert_int_equal(user.created_at, 1000);
    store_user_clear(&user);
    expect_ok(store, pg->user_by_id(store, susan, &user));
    assert_string_equal(user.username, "Susan");
    assert_null(user.email);
    store_user_clear(&user);
    assert_int_equal(pg->user_by_name(store, "nobody", &user), MB_NOT_FOUND);
    assert_string_equal(store->error, "no user named 'nobody'");
    assert_int_equal(pg->user_by_id(store, 999, &user), MB_NOT_FOUND);
    assert_string_equal(store->error, "no user with id 999");

    /* Pages by name, ignoring case, both ways. */
    struct user_list page = {0};
    expect_ok(store, pg->user_list(store, NULL, false, 2, &page));
    assert_int_equal(page.count, 2);
    assert_string_equal(page.items[0].username, "alice");
    assert_string_equal(page.items[1].username, "bob");
    store_user_list_free(&page);
    expect_ok(store, pg->user_list(store, "BOB", false, 10, &page));
    assert_int_equal(page.count, 2);
    assert_string_equal(page.items[0].username, "john");
    assert_string_equal(page.items[1].username, "Susan");
    store_user_list_free(&page);
    expect_ok(store, pg->user_list(store, NULL, true, 3, &page));
    assert_int_equal(page.count, 3);
    assert_string_equal(page.items[0].username, "Susan");
    assert_string_equal(page.items[2].username, "bob");
    store_user_list_free(&page);
    expect_ok(store, pg->user_list(store, "bob", true, 3, &page));
    assert_int_equal(page.count, 1);
    assert_string_equal(page.items[0].username, "alice");
    store_user_list_free(&page);

    /* Hashes. */
    char hash[CRYPTO_HASH_MAX];
    bool present = true;
    expect_ok(store, pg->user_hash(store, john, hash, sizeof hash, &present));
    assert_false(present);
    expect_ok(store, pg->begin(store));
    expect_ok(store, pg->user_set_hash(store, john, "$argon2id$fake"));
    expect_ok(store, pg->commit(store));
    expect_ok(store, pg->user_hash(store, john, hash, sizeof hash, &present));
    assert_true(present);
    assert_string_equal(hash, "$argon2id$fake");
    expect_ok(store, pg->begin(store));
    assert_int_equal(pg->user_set_hash(store, 999, NULL), MB_NOT_FOUND);
    pg->rollback(store);

    /* Keys missing, set, and pairs. */
    free(psql(url, "INSERT INTO \\\"user\\\" (username, created_at) VALUES ('AIice', 1)"));
    expect_ok(store, pg->user_keys_missing(store, 10, &page));
    assert_int_equal(page.count, 1);
    assert_string_equal(page.items[0].username, "AIice");
    assert_int_equal(names_keys("AIice", &keys, &err), MB_OK);
    expect_ok(store, pg->begin(store));
    expect_ok(store, pg->user_set_keys(store, page.items[0].id, &keys));
    expect_ok(store, pg->commit(store));
    names_keys_clear(&keys);
    store_user_list_free(&page);
    struct user_list pairs = { 0 };
    expect_ok(store, pg->user_lookalike_pairs(store, &pairs));
    assert_int_equal(pairs.count, 2);
    assert_string_equal(pairs.items[0].username, "alice");
    assert_string_equal(pairs.items[1].username, "AIice");
    store_user_list_free(&pairs);

    /* Deleting. */
    expect_ok(store, pg->begin(store));
    expect_ok(store, pg->user_delete(store, susan));
    expect_ok(store, pg->commit(store));
    assert_int_equal(pg->user_by_id(store, susan, &user), MB_NOT_FOUND);
    expect_ok(store, pg->begin(store));
    assert_int_equal(pg->user_delete(store, susan), MB_NOT_FOUND);
    char expected[64];
    snprintf(expected, sizeof expected, "no user with id %lld", (long long)susan);
    assert_string_equal(store->error, expected);
    pg->rollback(store);
    close_pg(store);
    free(url);
}

/* ---- posts ------------------------------------------------------------ */

static void test_posts(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int64_t john = add_user(store, "john", NULL);
    int64_t susan = add_user(store, "susan", NULL);
    /* Two posts share a timestamp: the id orders them. */
    int64_t p1 = add_post(store, john, "one", 100);
    int64_t p2 = add_post(store, susan, "two", 200);
    int64_t p3 = add_post(store, john, "three", 200);
    int64_t p4 = add_post(store, john, "four", 300);
    int64_t p5 = add_post(store, susan, "five", 400);

    struct post post = {0};
    expect_ok(store, store_post_get(store, p3, &post));
    assert_string_equal(post.body, "three");
    assert_string_equal(post.author, "john");
    assert_int_equal(post.user_id, john);
    assert_int_equal(post.timestamp, 200);
    store_post_clear(&post);
    assert_int_equal(store_post_get(store, 999, &post), MB_NOT_FOUND);
    assert_string_equal(store->error, "no post with id 999");

    struct post_list page = {0};
    expect_ok(store, store_posts_page(store, NULL, NULL, PAGE_OLDER, 2, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, p5);
    assert_int_equal(page.items[1].id, p4);
    struct post_cursor cursor = {page.items[1].timestamp, page.items[1].id};
    store_post_list_free(&page);
    expect_ok(store, store_posts_page(store, NULL, &cursor, PAGE_OLDER, 2, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, p3);
    assert_int_equal(page.items[1].id, p2);
    cursor = (struct post_cursor){page.items[1].timestamp, page.items[1].id};
    store_post_list_free(&page);
    expect_ok(store, store_posts_page(store, NULL, &cursor, PAGE_OLDER, 2, &page));
    assert_int_equal(page.count, 1);
    assert_int_equal(page.items[0].id, p1);
    store_post_list_free(&page);
    /* Newer: the oldest first page, returned newest first. */
    expect_ok(store, store_posts_page(store, NULL, NULL, PAGE_NEWER, 2, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, p2);
    assert_int_equal(page.items[1].id, p1);
    cursor = (struct post_cursor){page.items[0].timestamp, page.items[0].id};
    store_post_list_free(&page);
    expect_ok(store, store_posts_page(store, NULL, &cursor, PAGE_NEWER, 2, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, p4);
    assert_int_equal(page.items[1].id, p3);
    store_post_list_free(&page);
    /* One author's. */
    expect_ok(store, store_posts_page(store, &(struct post_filter){ .author_id = john }, NULL, PAGE_OLDER, 10, &page));
    assert_int_equal(page.count, 3);
    assert_int_equal(page.items[0].id, p4);
    assert_int_equal(page.items[2].id, p1);
    cursor = (struct post_cursor){page.items[0].timestamp, page.items[0].id};
    store_post_list_free(&page);
    expect_ok(store, store_posts_page(store, &(struct post_filter){ .author_id = john }, &cursor, PAGE_OLDER, 10, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, p3);
    store_post_list_free(&page);
    expect_ok(store, store_posts_page(store, &(struct post_filter){ .author_id = susan }, &cursor, PAGE_NEWER, 10, &page));
    assert_int_equal(page.count, 1);
    assert_int_equal(page.items[0].id, p5);
    store_post_list_free(&page);

    int64_t count = 0;
    expect_ok(store, pg->post_count(store, 0, &count));
    assert_int_equal(count, 5);
    expect_ok(store, pg->post_count(store, john, &count));
    assert_int_equal(count, 3);
    struct user user = {0};
    expect_ok(store, pg->user_by_id(store, susan, &user));
    assert_int_equal(user.post_count, 2);
    store_user_clear(&user);

    expect_ok(store, pg->begin(store));
    expect_ok(store, pg->post_delete(store, p4));
    expect_ok(store, pg->commit(store));
    expect_ok(store, pg->begin(store));
    assert_int_equal(pg->post_delete(store, p4), MB_NOT_FOUND);
    pg->rollback(store);
    expect_ok(store, pg->post_count(store, john, &count));
    assert_int_equal(count, 2);
    expect_ok(store, pg->begin(store));
    assert_int_equal(pg->post_insert(store, 999, "nobody's", 0, 0, 0, NULL), MB_NOT_FOUND);
    assert_string_equal(store->error, "no user with id 999");
    pg->rollback(store);
    /* Deleting a user takes their posts and their count. */
    expect_ok(store, pg->begin(store));
    expect_ok(store, pg->user_delete(store, john));
    expect_ok(store, pg->commit(store));
    expect_ok(store, pg->post_count(store, 0, &count));
    assert_int_equal(count, 2);
    expect_ok(store, pg->post_count(store, john, &count));
    assert_int_equal(count, 0);
    close_pg(store);
    free(url);
}

/* ---- revisions -------------------------------------------------------- */

static void test_revisions_down_up_stamp_check(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int64_t john = add_user(store, "john", NULL);
    add_post(store, john, "kept", 100);
    char *report = (char *)"untouched";
    expect_ok(store, pg->check(store, &report));
    assert_null(report);

    expect_ok(store, store_downgrade(store, -1, NULL));
    int current = 0, head = 0;
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(head, builtin_head());
    assert_int_equal(current, head - 1);
    expect_ok(store, pg->check(store, &report));
    assert_null(report);
    expect_ok(store, store_downgrade(store, 0, NULL));
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, 0);
    char *left = psql(url, "SELECT count(*) FROM pg_class WHERE relnamespace = "
                           "'public'::regnamespace AND relname IN ('user', 'post', 'post_count')");
    assert_string_equal(left, "0");
    free(left);
    expect_ok(store, store_upgrade(store, -1, NULL));
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, head);
    expect_ok(store, pg->check(store, &report));
    assert_null(report);
    assert_int_equal(store_upgrade(store, 2, NULL), MB_INVALID);
    assert_int_equal(store_upgrade(store, head + 1, NULL), MB_INVALID);

    /* Stamped at 3 with the schema of 2: check lists what is missing. */
    expect_ok(store, store_downgrade(store, 2, NULL));
    expect_ok(store, pg->stamp(store, 3));
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, 3);
    assert_int_equal(pg->check(store, &report), MB_DRIFT);
    assert_non_null(report);
    assert_non_null(strstr(report, "index ix_user_name_fold: in the revisions but missing "
                                   "from the database"));
    assert_non_null(strstr(report, "table user: definition differs"));
    free(report);
    expect_ok(store, pg->stamp(store, 2));
    expect_ok(store, store_upgrade(store, -1, NULL));
    expect_ok(store, pg->check(store, &report));
    assert_null(report);

    /* An index added by hand, and a column's default changed. */
    free(psql(url, "CREATE INDEX ix_extra ON post (body); "
                   "ALTER TABLE post ALTER COLUMN timestamp SET DEFAULT 0"));
    assert_int_equal(pg->check(store, &report), MB_DRIFT);
    assert_non_null(report);
    assert_non_null(strstr(report, "index ix_extra: in the database but not in the revisions"));
    assert_non_null(strstr(report, "table post: definition differs"));
    assert_non_null(strstr(store->error, "differs from its revisions"));
    free(report);
    /* The scratch schema left nothing behind. */
    left = psql(url, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'mb\\_check\\_%'");
    assert_string_equal(left, "0");
    free(left);
    /* A revision whose SQL changed after it was applied. */
    free(psql(url, "UPDATE schema_revision SET checksum = 'x' WHERE revision = 1"));
    struct revision_info *history = NULL;
    size_t count = 0;
    expect_ok(store, pg->history(store, &history, &count));
    assert_true(history[0].checksum_changed);
    assert_false(history[1].checksum_changed);
    free(history);
    assert_int_equal(pg->check(store, &report), MB_DRIFT);
    assert_non_null(strstr(report, "revision 0001 (users table): its SQL changed"));
    free(report);

    close_pg(store);
    free(url);
}

static void expect_clean(struct store *store)
{
    char *report = NULL;
    enum mb_status status = pg->check(store, &report);
    if (status != MB_OK)
        fail_msg("drift: %s: %s", store->error, report != NULL ? report : "");
    assert_null(report);
}

static void expect_psql(const char *url, const char *sql, const char *expected)
{
    char *out = psql(url, sql);
    if (strcmp(out, expected) != 0)
        fail_msg("%s\ngave: %s\nexpected: %s", sql, out, expected);
    free(out);
}

/* Revisions 0004 (social) and 0005 (journal) down and up again on a
 * database that uses them, as test_migrate does on SQLite: replies,
 * follows, mutes, mentions, read marks, tags, a private entry (mentioning
 * someone, and answered) and the generated search column. Going down keeps
 * every user and public post (a private entry goes with 0005, by design,
 * and what referenced it as its foreign keys say: the answer keeps no
 * reply_to, the mention goes), leaves no drift and exact counts; coming
 * back up the kept posts are found by search again. */
static void test_social_and_journal_down_up_with_data(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_NONE, MB_OK, &err);
    assert_true(builtin_head() >= 5);
    expect_ok(store, store_upgrade(store, 5, NULL));
    int64_t john = add_user(store, "john", NULL);
    int64_t susan = add_user(store, "susan", NULL);
    int64_t p1 = add_post(store, john, "hello #World, said John", 100);
    int64_t p2 = add_post(store, susan, "hi @john, nice weather", 200);
    int64_t p3 = add_post(store, john, "private entry", 300);
    int64_t p5 = add_post(store, susan, "answering a secret", 500);
    char *answer = xasprintf("UPDATE post SET reply_to = %lld, thread_id = %lld WHERE id = %lld; "
                             "INSERT INTO mention VALUES (%lld, 300, %lld) ON CONFLICT DO NOTHING",
                             (long long)p3, (long long)p3, (long long)p5, (long long)susan,
                             (long long)p3);
    free(psql(url, answer));
    free(answer);
    char *rows = xasprintf(
        "UPDATE \\\"user\\\" SET about = 'about john', last_seen = 5 WHERE id = %lld; "
        "UPDATE post SET reply_to = %lld, thread_id = %lld, edited_at = 250 WHERE id = %lld; "
        "UPDATE post SET private = 1 WHERE id = %lld; "
        "INSERT INTO private_entry VALUES (%lld, 'sealed text'); "
        "INSERT INTO follow VALUES (%lld, %lld, 1); "
        "INSERT INTO mute VALUES (%lld, %lld, 1); "
        "INSERT INTO mention VALUES (%lld, 200, %lld) ON CONFLICT DO NOTHING; "
        "INSERT INTO read_mark VALUES (%lld, 'mentions', 200, %lld); "
        "INSERT INTO tag VALUES ('world', 100, %lld) ON CONFLICT DO NOTHING",
        (long long)john, (long long)p1, (long long)p1, (long long)p2, (long long)p3,
        (long long)p3, (long long)susan, (long long)john, (long long)john, (long long)susan,
        (long long)john, (long long)p2, (long long)john, (long long)p2, (long long)p1);
    free(psql(url, rows));
    free(rows);
    static const char search[] =
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM post "
        "WHERE search @@ to_tsquery('simple', 'john | private')";
    static const char posts[] =
        "SELECT string_agg(id || ':' || body || ':' || timestamp || ':' || user_id, ',' "
        "ORDER BY id) FROM post";
    static const char counts_exact[] =
        "SELECT (SELECT sum(n) FROM post_count WHERE user_id = 0) = (SELECT count(*) FROM post) "
        "AND (SELECT bool_and(n = (SELECT count(*) FROM post p WHERE p.user_id = c.user_id)) "
        "FROM post_count c WHERE user_id <> 0)";
    /* The search column holds the public posts only; the tag is counted. */
    char *found = xasprintf("%lld,%lld", (long long)p1, (long long)p2);
    expect_psql(url, search, found);
    expect_psql(url, "SELECT string_agg(tag || '|' || n, ',') FROM tag_count", "world|1");
    char *users = psql(url, "SELECT string_agg(id || ':' || username, ',' ORDER BY id) "
                            "FROM \\\"user\\\"");
    char *public_posts = psql(url, "SELECT string_agg(id || ':' || body || ':' || timestamp "
                                   "|| ':' || user_id, ',' ORDER BY id) FROM post "
                                   "WHERE private = 0");
    expect_clean(store);

    /* 0005 down: the journal's tables and columns go, the private entry
     * with them. */
    expect_ok(store, store_downgrade(store, 4, NULL));
    int current = 0, head = 0;
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, 4);
    expect_clean(store);
    expect_psql(url,
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relname IN ('tag', 'tag_count', 'private_entry', 'ix_post_search')",
                "0");
    expect_psql(url, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.post'::regclass "
                     "AND attname IN ('search', 'private') AND NOT attisdropped",
                "0");
    expect_psql(url, posts, public_posts);
    char *replies = xasprintf("SELECT string_agg(id || ':' || coalesce(reply_to::text, '-'), ',' "
                              "ORDER BY id) FROM post WHERE id IN (%lld, %lld)",
                              (long long)p2, (long long)p5);
    char *replies_expected = xasprintf("%lld:%lld,%lld:-", (long long)p2, (long long)p1,
                                       (long long)p5);
    expect_psql(url, replies, replies_expected);
    free(replies_expected);
    free(replies);
    expect_psql(url, "SELECT (SELECT count(*) FROM follow) || ',' || (SELECT count(*) FROM mention)",
                "1,1");
    expect_psql(url, counts_exact, "t");

    /* 0004 down: the social tables, columns and change triggers go; users
     * and posts stay. */
    expect_ok(store, store_downgrade(store, 3, NULL));
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, 3);
    expect_clean(store);
    expect_psql(url,
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relname IN ('follow', 'mute', 'mention', 'read_mark')",
                "0");
    expect_psql(url, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tr\\_changed\\_%'", "0");
    expect_psql(url, "SELECT string_agg(id || ':' || username, ',' ORDER BY id) FROM \\\"user\\\"",
                users);
    expect_psql(url, posts, public_posts);
    expect_psql(url, counts_exact, "t");

    /* Up again to the head: the kept posts are searchable again, a new one
     * too, and the schema is the revisions'. */
    expect_ok(store, store_upgrade(store, -1, NULL));
    expect_ok(store, store_revision(store, &current, &head));
    assert_int_equal(current, builtin_head());
    expect_clean(store);
    expect_psql(url, search, found);
    int64_t p4 = add_post(store, susan, "private weather", 400);
    char *found_again = xasprintf("%s,%lld", found, (long long)p4);
    expect_psql(url, search, found_again);
    expect_psql(url, counts_exact, "t");
    free(found_again);
    free(found);
    free(users);
    free(public_posts);
    close_pg(store);
    free(url);
}

static void test_failing_revision_rolls_back(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_NONE, MB_OK, &err);
    expect_ok(store, store_upgrade(store, 2, NULL));
    /* 0003 cannot run when one of its columns exists already. */
    free(psql(url, "ALTER TABLE \\\"user\\\" ADD COLUMN name_skeleton text"));
    assert_int_equal(store_upgrade(store, -1, NULL), MB_DB);
    assert_non_null(strstr(store->error, "revision 0003 upgrade failed"));
    assert_non_null(strstr(store->error, "name_skeleton"));
    int current = 0, head_now = 0;
    expect_ok(store, store_revision(store, &current, &head_now));
    assert_int_equal(current, 2);
    char *fold = psql(url, "SELECT count(*) FROM pg_attribute WHERE attrelid = "
                           "'public.\\\"user\\\"'::regclass AND attname = 'name_fold'");
    assert_string_equal(fold, "0");
    free(fold);
    free(psql(url, "ALTER TABLE \\\"user\\\" DROP COLUMN name_skeleton"));
    expect_ok(store, store_upgrade(store, -1, NULL));

    /* A revision after the head with a mistake on its third line, after a
     * $$ body holding semicolons: the line is named and nothing of it is
     * left. */
    const struct migration_set *builtin = migrations_builtin_postgres();
    size_t head = builtin->count;
    struct migration *items = xcalloc(head + 1, sizeof *items);
    memcpy(items, builtin->items, head * sizeof items[0]);
    items[head] = (struct migration){
        (int)head + 1, "broken",
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n"
        "CREATE TABLE scratch (a int);\n"
        "SELECT nope FROM scratch;\n",
        "DROP TABLE scratch; DROP FUNCTION f();\n"};
    struct migration_set broken = {items, head + 1};
    store->migrations = &broken;
    assert_int_equal(store_upgrade(store, -1, NULL), MB_DB);
    char *expected = xasprintf("revision %04d upgrade failed at line 3 "
                               "(SELECT nope FROM scratch;): column \"nope\"",
                               (int)head + 1);
    if (strstr(store->error, expected) == NULL)
        fail_msg("'%s' not in: %s", expected, store->error);
    free(expected);
    char *scratch = psql(url, "SELECT to_regclass('scratch') IS NULL");
    assert_string_equal(scratch, "t");
    free(scratch);
    expect_ok(store, store_revision(store, &current, &head_now));
    assert_int_equal(current, (int)head);
    store->migrations = builtin;
    free(items);
    close_pg(store);
    free(url);
}

/* ---- live updates and lost connections -------------------------------- */

static int64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void test_notify_wakes_another_connection(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *writer = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    struct store *reader = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int fd = pg->change_fd(reader);
    assert_true(fd >= 0);
    uint64_t before = 0, after = 0;
    expect_ok(reader, pg->data_version(reader, &before));
    struct pollfd wait = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&wait, 1, 50), 0); /* nothing yet */

    int64_t john = add_user(writer, "john", NULL);
    /* That announced itself too: wait for it, then drain it. */
    assert_int_equal(poll(&wait, 1, 2000), 1);
    pg->change_drain(reader);
    expect_ok(reader, pg->data_version(reader, &before));
    expect_ok(writer, pg->begin(writer));
    expect_ok(writer, pg->post_insert(writer, john, "hello", 0, 0, 0, NULL));
    /* Not before the commit. */
    assert_int_equal(poll(&wait, 1, 50), 0);
    int64_t committed = now_ms();
    expect_ok(writer, pg->commit(writer));
    assert_int_equal(poll(&wait, 1, 2000), 1);
    int64_t woke = now_ms();
    print_message("# NOTIFY woke the other connection %lld ms after the commit began\n",
                  (long long)(woke - committed));
    assert_true(woke - committed < 200);
    pg->change_drain(reader);
    expect_ok(reader, pg->data_version(reader, &after));
    assert_true(after != before);
    /* Drained: quiet again. */
    wait.fd = pg->change_fd(reader);
    assert_int_equal(poll(&wait, 1, 50), 0);
    close_pg(reader);
    close_pg(writer);
    free(url);
}

static void test_lost_connection_recovers(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int64_t john = add_user(store, "john", NULL);
    char *dbname = psql(url, "SELECT current_database()");
    char *sql = xasprintf("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          "WHERE datname = '%s' AND application_name = 'microblog-tui'", dbname);
    free(psql(cluster.admin_url, sql));
    struct user user = {0};
    enum mb_status status = pg->user_by_id(store, john, &user);
    assert_int_equal(status, MB_IO);
    assert_non_null(strstr(store->error, "lost the connection to the database server"));
    assert_null(strstr(store->error, strchr(cluster.url + 13, ':') + 1));
    /* The next call reconnects (with its prepared statements again). */
    expect_ok(store, pg->user_by_id(store, john, &user));
    assert_string_equal(user.username, "john");
    store_user_clear(&user);
    add_post(store, john, "after the reconnect", 0);
    free(sql);
    free(dbname);
    close_pg(store);
    free(url);
}

/* Eight processes writing at once, each post in its own transaction (as
 * the store brackets them): no error reaches a caller and the counts are
 * exact (READ COMMITTED with the slot rows of 0002). */
static void test_concurrent_writers(void **state)
{
    (void)state;
    NEED_SERVER();
    struct mb_error err;
    char *url = fresh_database();
    struct store *store = open_pg(url, STORE_MIGRATE_AUTO, MB_OK, &err);
    int64_t authors[2] = {add_user(store, "john", NULL), add_user(store, "susan", NULL)};
    enum { WRITERS = 8, POSTS = 40 };
    pid_t children[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        children[w] = fork();
        assert_true(children[w] >= 0);
        if (children[w] != 0)
            continue;
        struct store *mine = xcalloc(1, sizeof *mine);
        mine->path = xstrdup(url);
        mine->migrations = migrations_builtin_postgres();
        mine->busy_timeout_ms = 5000;
        struct store_options options = testutil_options(url);
        int failures = 0;
        if (pg->open(mine, &options, &err) != MB_OK) {
            fprintf(stderr, "writer %d: %s\n", w, err.message);
            _exit(2);
        }
        for (int i = 0; i < POSTS; i++) {
            enum mb_status status = pg->begin(mine);
            if (status == MB_OK)
                status = pg->post_insert(mine, authors[i % 2], "busy", 0, 0, 0, NULL);
            if (status == MB_OK && i % 4 == 3)
                status = pg->post_insert(mine, authors[(i + 1) % 2], "busier", 0, 0, 0, NULL);
            if (status == MB_OK)
                status = pg->commit(mine);
            else
                pg->rollback(mine);
            if (status != MB_OK) {
                fprintf(stderr, "writer %d: %s\n", w, mine->error);
                failures++;
            }
        }
        pg->close(mine);
        free(mine->path);
        free(mine);
        _exit(failures == 0 ? 0 : 1);
    }
    for (int w = 0; w < WRITERS; w++) {
        int wstatus = 0;
        assert_int_equal(waitpid(children[w], &wstatus, 0), children[w]);
        assert_true(WIFEXITED(wstatus));
        assert_int_equal(WEXITSTATUS(wstatus), 0);
    }
    int64_t total = 0, john = 0, susan = 0;
    expect_ok(store, pg->post_count(store, 0, &total));
    expect_ok(store, pg->post_count(store, authors[0], &john));
    expect_ok(store, pg->post_count(store, authors[1], &susan));
    assert_int_equal(total, WRITERS * (POSTS + POSTS / 4));
    assert_int_equal(john + susan, total);
    char *counted = psql(url, "SELECT count(*) FROM post");
    char expected[24];
    snprintf(expected, sizeof expected, "%lld", (long long)total);
    assert_string_equal(counted, expected);
    free(counted);
    close_pg(store);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_display_url_hides_passwords),
        cmocka_unit_test(test_open_fresh_at_head),
        cmocka_unit_test(test_foreign_database_refused),
        cmocka_unit_test(test_newer_database_refused),
        cmocka_unit_test(test_behind_policies),
        cmocka_unit_test(test_password_never_shown),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_posts),
        cmocka_unit_test(test_revisions_down_up_stamp_check),
        cmocka_unit_test(test_social_and_journal_down_up_with_data),
        cmocka_unit_test(test_failing_revision_rolls_back),
        cmocka_unit_test(test_notify_wakes_another_connection),
        cmocka_unit_test(test_lost_connection_recovers),
        cmocka_unit_test(test_concurrent_writers),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
