/* Migration faults on a big database (100,000 posts by default, with the
 * follows, mentions, replies, tags and private entries of revisions 0004
 * and 0005 on some of them). The migration set is the built-in one plus a
 * test revision after its head that rebuilds the post table as the head
 * left it, adding a column, with SQLite's 12-step procedure (the riskiest
 * kind of revision: post references user ON DELETE CASCADE, mention, tag,
 * private_entry and post itself reference post, the search index and its
 * triggers hang on it, and the table holds every row). Checked from
 * outside with sqlite3 and sha256sum:
 *
 *  - upgrade -> downgrade -> upgrade -> downgrade across the rebuild keeps
 *    every user and post row (hash of the rows), foreign_key_check stays
 *    empty, `db check` finds no drift, and the search index (0006: rowids
 *    are search keys, search_key maps them to posts) finds the same posts
 *    through search_key, passes FTS5's integrity-check and keeps its key
 *    rules; on the rebuilt table the recreated triggers still index a new
 *    post and drop a deleted one; the downgrade of 0002 (which drops the
 *    post table by design) first writes a backup holding every post;
 *  - for every revision, in both directions, a failure injected before each
 *    of its statements leaves the file's schema, version and content
 *    byte-identical (hash of .dump + user_version + application_id) and the
 *    revision where it was; past the last statement the step succeeds.
 *
 *   migrate_big DIR POSTS USERS */
#include "tests/reliability/rel.h"
#include "tests/reliability/search_keys.h"

#include <sys/stat.h>

static const char *db_path;
static const char *dir_path;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        rel_die("write %s", path);
}

static struct migration_set *make_set(void)
{
    char *mdir = xasprintf("%s/migrations", dir_path);
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
    /* The post table as the built-in revisions left it (CREATE TABLE and
     * their ADD COLUMNs, as stored), and its columns, read from the
     * database at head: the rebuild adds a column to it, and the way back
     * writes the stored text again, so that `db check` compares equal. */
    char *table = rel_shell("sqlite3 -readonly '%s' \"SELECT sql FROM sqlite_schema "
                            "WHERE type = 'table' AND name = 'post'\" 2>&1",
                            db_path);
    for (size_t n = strlen(table); n > 0 && table[n - 1] == '\n'; n--)
        table[n - 1] = '\0';
    static const char prefix[] = "CREATE TABLE post (";
    char *close = strrchr(table, ')');
    if (strncmp(table, prefix, strlen(prefix)) != 0 || close == NULL)
        rel_die("unexpected post table at head: %s", table);
    const char *body = table + strlen("CREATE TABLE post");
    char *columns = rel_shell("sqlite3 -readonly '%s' \"SELECT group_concat(name, ', ') "
                              "FROM pragma_table_info('post')\" 2>&1",
                              db_path);
    columns[strcspn(columns, "\n")] = '\0';
    /* Step 8 of SQLite's 12-step procedure: recreate the indexes and
     * triggers of the rebuilt table, whatever the built-in revisions put
     * there (the search index's triggers too), read from the database at
     * head. */
    char *extra = rel_shell("sqlite3 -readonly '%s' \"SELECT sql || ';' FROM sqlite_schema "
                            "WHERE tbl_name = 'post' AND type IN ('index', 'trigger') "
                            "AND sql IS NOT NULL ORDER BY type, name\" 2>&1",
                            db_path);
    char *up_sql = xasprintf("CREATE TABLE post_new %.*s,\n    likes INTEGER NOT NULL DEFAULT 0);\n"
                             "INSERT INTO post_new (%s) SELECT %s FROM post;\n"
                             "DROP TABLE post;\n"
                             "ALTER TABLE post_new RENAME TO post;\n%s",
                             (int)(close - body), body, columns, columns, extra);
    char *down_sql = xasprintf("CREATE TABLE post_old %s;\n"
                               "INSERT INTO post_old (%s) SELECT %s FROM post;\n"
                               "DROP TABLE post;\n"
                               "ALTER TABLE post_old RENAME TO post;\n%s",
                               body, columns, columns, extra);
    free(table);
    free(columns);
    char *up = xasprintf("%s/%04zu_rebuild_post.up.sql", mdir, builtin->count + 1);
    char *down = xasprintf("%s/%04zu_rebuild_post.down.sql", mdir, builtin->count + 1);
    write_file(up, up_sql);
    write_file(down, down_sql);
    free(extra);
    free(up_sql);
    free(down_sql);
    free(up);
    free(down);
    struct migration_set *set = NULL;
    struct mb_error err;
    if (migration_set_load_dir(mdir, &set, &err) != MB_OK)
        rel_die("load %s: %s", mdir, err.message);
    free(mdir);
    return set;
}

/* sha256 (hex) of a query's output, or of the whole dump when sql is NULL. */
static char *hash_of(const char *path, const char *sql)
{
    char *out;
    if (sql == NULL)
        out = rel_shell("{ sqlite3 -readonly '%s' .dump 'PRAGMA user_version' "
                        "'PRAGMA application_id'; } 2>&1 | sha256sum",
                        path);
    else
        out = rel_shell("sqlite3 -readonly '%s' \"%s\" 2>&1 | sha256sum", path, sql);
    out[strcspn(out, " \n")] = '\0';
    return out;
}

#define USER_ROWS "SELECT id, username, email, password_hash, created_at FROM user ORDER BY id"
#define POST_ROWS "SELECT id, body, timestamp, user_id FROM post ORDER BY id"
/* The posts the search index finds for a word of every body, through the
 * search keys. */
#define SEARCH_ROWS                                                                                \
    "SELECT k.post_id FROM post_search s JOIN search_key k ON k.key = s.rowid "                    \
    "WHERE post_search MATCH 'quotes' ORDER BY s.rowid"

/* What is wrong with the search index (caller frees), or NULL: FTS5's
 * integrity-check, and the key rules (one key per post that is not
 * private, none for others, each in its post's clamped second). */
static char *search_problem(const char *path)
{
    char *out = rel_shell(
        "sqlite3 '%s' \"INSERT INTO post_search (post_search, rank) VALUES ('integrity-check', 1); "
        REL_SEARCH_KEYS_SQL "; " REL_KEY_SECONDS_SQL "\" 2>&1",
        path);
    if (strcmp(out, "0\n0\n") == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Whether the search for word finds exactly post id (found) or nothing. */
static bool search_finds(const char *path, const char *word, int64_t id, bool found)
{
    char *out = rel_shell("sqlite3 -readonly '%s' \"" REL_SEARCH_IDS_FORMAT "\" 2>&1", path, word);
    char *expected = found ? xasprintf("%lld\n", (long long)id) : xstrdup("");
    bool same = strcmp(out, expected) == 0;
    free(out);
    free(expected);
    return same;
}

static int current_of(struct store *store)
{
    int current = -1, head = -1;
    if (store_revision(store, &current, &head) != MB_OK)
        return -1;
    return current;
}

static int64_t count_of(const char *path, const char *table)
{
    char *out = rel_shell("sqlite3 -readonly '%s' 'SELECT count(*) FROM %s' 2>&1", path, table);
    int64_t n = strtoll(out, NULL, 10);
    free(out);
    return n;
}

static void remove_backups(void)
{
    free(rel_shell("rm -f '%s'.rev*.bak", db_path));
}

static bool fk_clean(const char *path)
{
    char *out = rel_shell("sqlite3 -readonly '%s' 'PRAGMA foreign_key_check' 2>&1", path);
    bool clean = out[0] == '\0';
    free(out);
    return clean;
}

static void populate(int64_t posts, int users)
{
    struct store_options options = rel_options(db_path);
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("open: %s", err.message);
    int64_t *ids = xcalloc((size_t)users, sizeof *ids);
    if (store_batch_begin(store) != MB_OK)
        rel_die("batch: %s", store_error(store));
    for (int u = 0; u < users; u++) {
        char name[32], email[64];
        snprintf(name, sizeof name, "user%04d", u);
        snprintf(email, sizeof email, "user%04d@example.org", u);
        if (store_user_add(store, name, u % 3 ? email : NULL, NULL, &ids[u]) != MB_OK)
            rel_die("user: %s", store_error(store));
    }
    uint64_t seed = 42;
    for (int64_t i = 0; i < posts; i++) {
        char body[160];
        snprintf(body, sizeof body, "post %lld: «ünïcödé» 'quotes' \"double\" 日本語 %llx",
                 (long long)i, (unsigned long long)rel_random(&seed));
        if (store_post_add(store, ids[i % users], body, 1700000000 + i * 7, NULL) != MB_OK)
            rel_die("post: %s", store_error(store));
    }
    if (store_batch_commit(store) != MB_OK)
        rel_die("commit: %s", store_error(store));
    free(ids);
    store_close(store);
    /* The rows of revisions 0004 and 0005, as another program would write
     * them: each user follows the next and mutes the one after, every 10th
     * post mentions someone, every 5th answers the one before, every 7th
     * has a tag, every 100th is a private entry. */
    char *out = rel_shell(
        "sqlite3 '%s' \"PRAGMA foreign_keys = ON; BEGIN; "
        "INSERT INTO follow SELECT id, id %% %d + 1, 1 FROM user WHERE id <> id %% %d + 1; "
        "INSERT INTO mute SELECT id, (id + 1) %% %d + 1, 1 FROM user "
        "    WHERE id <> (id + 1) %% %d + 1; "
        "INSERT OR IGNORE INTO mention SELECT user_id %% %d + 1, timestamp, id FROM post "
        "    WHERE id %% 10 = 0; "
        "UPDATE post SET reply_to = id - 1, thread_id = id - 1 WHERE id %% 5 = 0; "
        "INSERT OR IGNORE INTO tag SELECT 'tag' || (id %% 50), timestamp, id FROM post "
        "    WHERE id %% 7 = 0; "
        "UPDATE post SET private = 1 WHERE id %% 100 = 0; "
        "INSERT INTO private_entry SELECT id, 'sealed ' || id FROM post WHERE private = 1; "
        "COMMIT;\" 2>&1",
        db_path, users, users, users, users, users);
    if (out[0] != '\0')
        rel_die("social and journal rows: %s", out);
    free(out);
}

/* Injects a failure before each statement of revision r in one direction,
 * starting from the revision the store is at, until the step succeeds.
 * Returns the number of failed (and checked) attempts; bad counts problems. */
static int inject_each(struct store *store, int r, bool up, int *bad, char *why, size_t size)
{
    bool succeeded = false;
    int start = current_of(store);
    char *before = hash_of(db_path, NULL);
    int attempts = 0;
    for (int i = 0;; i++) {
        store_test_fail_migration(r, i);
        enum mb_status status = up ? store_upgrade(store, r, NULL) : store_downgrade(store, r - 1, NULL);
        store_test_fail_migration(-1, -1);
        remove_backups();
        if (status == MB_OK) {
            succeeded = true;
            if (current_of(store) != (up ? r : r - 1) && (*bad)++ == 0)
                snprintf(why, size, "revision %d %s: succeeded at the wrong revision", r,
                         up ? "up" : "down");
            break;
        }
        attempts++;
        char *after = hash_of(db_path, NULL);
        bool same = strcmp(before, after) == 0;
        bool injected = strstr(store_error(store), "injected") != NULL;
        if ((!same || !injected || current_of(store) != start) && (*bad)++ == 0)
            snprintf(why, size, "revision %d %s, failure before statement %d: %s%s(%.200s)", r,
                     up ? "up" : "down", i + 1, same ? "" : "file changed ",
                     current_of(store) != start ? "revision moved " : "", store_error(store));
        free(after);
        if (i > 100)
            break;
    }
    /* Every revision has statements, so the first attempt must fail, and
     * past the last statement the step must succeed. */
    if ((attempts == 0 || !succeeded) && (*bad)++ == 0)
        snprintf(why, size, "revision %d %s: %d failed attempts, %s", r, up ? "up" : "down",
                 attempts, succeeded ? "then succeeded" : "never succeeded");
    free(before);
    return attempts;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        rel_die("usage: migrate_big DIR POSTS USERS");
    dir_path = argv[1];
    int64_t posts = strtoll(argv[2], NULL, 10);
    int users = atoi(argv[3]);
    char *path = xasprintf("%s/big.db", dir_path);
    db_path = path;
    int64_t started = rel_now_ms();
    populate(posts, users);
    rel_note("migrate_big: %lld posts by %d users written in %.1f s", (long long)posts, users,
             (double)(rel_now_ms() - started) / 1000.0);
    struct migration_set *set = make_set();
    int head = (int)set->count;

    char *users_hash = hash_of(path, USER_ROWS);
    char *posts_hash = hash_of(path, POST_ROWS);
    char *search_hash = hash_of(path, SEARCH_ROWS);
    struct store_options options = rel_options(path);
    options.migrate = STORE_MIGRATE_NONE;
    options.migrations = set;
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("open: %s", err.message);

    /* upgrade -> downgrade -> upgrade -> downgrade across the rebuild. */
    int cycle_bad = 0;
    char cycle_why[512] = "";
    const int steps[] = { head, head - 1, head, head - 1 };
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        int target = steps[s];
        enum mb_status status = target > current_of(store) ? store_upgrade(store, target, NULL)
                                                           : store_downgrade(store, target, NULL);
        remove_backups();
        char *u = hash_of(path, USER_ROWS);
        char *p = hash_of(path, POST_ROWS);
        char *found = hash_of(path, SEARCH_ROWS);
        char *search = search_problem(path);
        char *report = NULL;
        /* No drift after every step: the rebuild's way back writes the
         * table's stored text again. */
        enum mb_status check = status == MB_OK ? store_check(store, &report) : status;
        if ((status != MB_OK || current_of(store) != target || strcmp(u, users_hash) != 0 ||
             strcmp(p, posts_hash) != 0 || strcmp(found, search_hash) != 0 || search != NULL ||
             !fk_clean(path) || check != MB_OK) &&
            cycle_bad++ == 0)
            snprintf(cycle_why, sizeof cycle_why,
                     "step %zu to %d: %s; users %s, posts %s, search %s (%.100s), fk %s, "
                     "check %.100s", s, target, status == MB_OK ? "ok" : store_error(store),
                     strcmp(u, users_hash) ? "CHANGED" : "same",
                     strcmp(p, posts_hash) ? "CHANGED" : "same",
                     strcmp(found, search_hash) ? "CHANGED" : "same", search ? search : "sound",
                     fk_clean(path) ? "clean" : "BROKEN", report ? report : mb_status_message(check));
        /* On the rebuilt table, the search triggers it got back: a post is
         * indexed, its edit replaces its words, its deletion drops them. */
        if (target == head && status == MB_OK) {
            int64_t id = 0;
            bool added = store_post_add(store, 1, "a zyzzyva after the rebuild", 0, &id) == MB_OK;
            bool indexed = added && search_finds(path, "zyzzyva", id, true);
            bool edited = added && store_post_edit(store, id, 1, "a quokka now") == MB_OK &&
                          search_finds(path, "zyzzyva", id, false) &&
                          search_finds(path, "quokka", id, true);
            bool deleted = added && store_post_delete(store, id) == MB_OK &&
                           search_finds(path, "quokka", id, false);
            if ((!indexed || !edited || !deleted) && cycle_bad++ == 0)
                snprintf(cycle_why, sizeof cycle_why,
                         "step %zu to %d, the rebuilt table's search triggers: %s", s, target,
                         !added     ? store_error(store)
                         : !indexed ? "a new post is not found"
                         : !edited  ? "an edit is not indexed"
                                    : "a deleted post is still found");
        }
        free(report);
        free(search);
        free(found);
        free(u);
        free(p);
    }
    char *health = rel_sqlite_health(path);
    rel_check(cycle_bad == 0 && health == NULL && count_of(path, "post") == posts,
              "migration: upgrade/downgrade/upgrade/downgrade of a post-table rebuild keeps "
              "every row of a big database, foreign keys clean, no drift, the search index "
              "sound and its triggers working",
              "%s; health %s", cycle_why, health ? health : "ok");
    free(health);

    /* Downgrading 0002 drops the post table (as written); its backup must
     * hold every post. */
    char *backup = NULL;
    enum mb_status status = store_downgrade(store, 1, &backup);
    char *backup_posts = backup != NULL ? hash_of(backup, POST_ROWS) : xstrdup("none");
    char *live_users = hash_of(path, USER_ROWS);
    rel_check(status == MB_OK && backup != NULL && strcmp(backup_posts, posts_hash) == 0 &&
                  strcmp(live_users, users_hash) == 0,
              "migration: downgrading the post table first backs up every post; users kept",
              "status %s, backup %s, backup posts %s, users %s", mb_status_message(status),
              backup ? backup : "none", strcmp(backup_posts, posts_hash) ? "DIFFER" : "same",
              strcmp(live_users, users_hash) ? "DIFFER" : "same");
    free(backup_posts);
    free(live_users);
    free(backup);
    store_close(store);
    store = NULL;
    remove_backups();

    /* Faults: start again from the big database at the built-in head B. */
    free(rel_shell("rm -f '%s' '%s-wal' '%s-shm'", path, path, path));
    int64_t refill = rel_now_ms();
    populate(posts, users);
    rel_note("migrate_big: refilled in %.1f s", (double)(rel_now_ms() - refill) / 1000.0);
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("open: %s", err.message);
    int bad = 0, attempts = 0;
    char why[512] = "";
    /* The test rebuild (head) up and down, then every built-in revision
     * down to base (revision 2 drops the 100k posts) and up again. */
    int builtin_head = head - 1;
    attempts += inject_each(store, head, true, &bad, why, sizeof why);
    attempts += inject_each(store, head, false, &bad, why, sizeof why);
    for (int r = builtin_head; r >= 1; r--) {
        attempts += inject_each(store, r, false, &bad, why, sizeof why);
        remove_backups();
    }
    for (int r = 1; r <= builtin_head; r++)
        attempts += inject_each(store, r, true, &bad, why, sizeof why);
    store_close(store);
    rel_check(bad == 0,
              "migration: a failure injected before each statement of every revision, both "
              "ways, on the big database leaves schema, version and content byte-identical",
              "%d problems in %d attempts: %s", bad, attempts, why);
    rel_note("figure migrate_posts %lld", (long long)posts);
    rel_note("figure migrate_fault_attempts %d", attempts);
    rel_note("figure migrate_findings %d", bad + cycle_bad);
    rel_note("figure migrate_seconds %.1f", (double)(rel_now_ms() - started) / 1000.0);
    free(users_hash);
    free(posts_hash);
    free(search_hash);
    migration_set_free(set);
    free(path);
    return rel_failures == 0 ? 0 : 1;
}
