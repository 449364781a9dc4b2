/* Search and tag pages measured inside one process (`make bench`, item 10),
 * on the search set of bench/gen_search.sql (SQLite) or a `db copy` of it
 * (PostgreSQL): store_posts_page with filter.search, the first page of 50
 * and the next one (keyset, after the first page's last post), for each
 * word given; a tag's first page (filter.tag); store_tag_list's first page
 * of 500 (cli/journal.c's). Each beside the same SQL run bare, and the
 * search beside two things a person might write instead: the plain FTS5
 * join, and LIKE '%word%' newest first (ILIKE on PostgreSQL).
 *
 * SQLite's floor is the store's own statement, taken from the store as it
 * runs: this program defines sqlite3_step, which the store (linked
 * statically) calls; every call goes on to the library's own (dlsym
 * RTLD_NEXT), and while one untimed store call is made to capture it, the
 * expanded text (sqlite3_expanded_sql: the parameters written in as
 * literals) of each statement started is kept, but for those FTS5 steps
 * inside another step; the page's is the last.
 * So the floor follows the store's SQL whatever it becomes. It runs on a
 * bare read-only connection, as the sqlite3 shell runs it (prepare, step
 * every row copying the text columns as the store copies them, finalize:
 * "same"), and prepared once ("kept": what the store does with a search's
 * statement). PostgreSQL's floor is the store's statement written out
 * here (store/post_query.c's text for that engine, STORE_POST_COLUMNS),
 * run with PQexecParams as the store runs a search page (not kept
 * prepared). Every floor must return the same rows, in the same order, as
 * the store did, or the program stops.
 *
 * Cases run in groups (one word's first and next pages with their floors;
 * the tag page and the tag list), ROUNDS interleaved rounds each after one
 * untimed round; the slow cases (the plain join, LIKE) in groups of their
 * own of SLOW_ROUNDS rounds, so that their scans do not fall between the
 * fast cases' rounds. Medians in microseconds.
 *
 *   search sqlite DB ROUNDS SLOW_ROUNDS TAG LABEL=WORD...
 *   search pg URL ROUNDS SLOW_ROUNDS TAG LABEL=WORD...
 *   search sql DB search WORD | sql DB tag TAG | sql DB tags
 *
 * The first two print "name median_us" lines (LABEL_api, LABEL_same,
 * LABEL_kept, LABEL_next_api, ..., LABEL_plain, LABEL_like; tag_api,
 * tag_same, tags_api, ...) and "name_rows N" lines; LABEL_matches is the
 * word's number of matches. `sql` prints the store's statement of that
 * first page on SQLite, for the sqlite3 shell.
 *
 * This file includes <sqlite3.h> and <libpq-fe.h> outside store/ on
 * purpose: the floors are the engines with nothing of ours around them. */
#include <dlfcn.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure.h"
#include "store/post_query.h"
#include "store/store.h"

#define PAGE 50
#define TAG_PAGE 500 /* cli/journal.c's */
#define MAX_WORDS 8

/* ---- the store's SQL, captured --------------------------------------------- */

static bool capturing;
static char *captured;

int sqlite3_step(sqlite3_stmt *stmt)
{
    static int (*library_step)(sqlite3_stmt *);
    if (library_step == NULL) {
        void *symbol = dlsym(RTLD_NEXT, "sqlite3_step");
        if (symbol == NULL) {
            fprintf(stderr, "search: no sqlite3_step in the SQLite library\n");
            exit(1);
        }
        memcpy(&library_step, &symbol, sizeof library_step);
    }
    /* Depth 0: the store's own statements, not those FTS5 steps inside. */
    static int depth;
    if (capturing && depth == 0 && !sqlite3_stmt_busy(stmt)) {
        sqlite3_free(captured);
        captured = sqlite3_expanded_sql(stmt);
    }
    depth++;
    int status = library_step(stmt);
    depth--;
    return status;
}

/* ---- what a page returned: its rows and a hash of their keys in order ---- */

struct result {
    int64_t rows;
    uint64_t hash;
};

static void hash_bytes(struct result *r, const void *bytes, size_t length)
{
    const unsigned char *b = bytes;
    if (r->hash == 0)
        r->hash = 14695981039346656037ULL;
    for (size_t i = 0; i < length; i++)
        r->hash = (r->hash ^ b[i]) * 1099511628211ULL;
}

static void hash_id(struct result *r, int64_t id)
{
    hash_bytes(r, &id, sizeof id);
}

static void hash_text(struct result *r, const char *text)
{
    hash_bytes(r, text, strlen(text) + 1);
}

/* ---- the cases -------------------------------------------------------------- */

enum kind { SEARCH_FIRST, SEARCH_NEXT, TAG_FIRST, TAG_LIST };

struct word {
    const char *label, *word;
    struct post_cursor next; /* the first page's last post */
    char *sql[2];            /* SQLite: the store's first and next page */
    sqlite3_stmt *kept[2];
};

struct context {
    struct store *store;
    sqlite3 *db;   /* SQLite's floors */
    PGconn *conn;  /* PostgreSQL's */
    const char *tag;
    char *tag_sql, *tags_sql;
    sqlite3_stmt *tag_kept, *tags_kept;
    struct word words[MAX_WORDS];
    int count;
};

static void fail(struct context *c, const char *what)
{
    fprintf(stderr, "search: %s: %s\n", what, store_error(c->store));
    exit(1);
}

static struct result store_page(struct context *c, const struct post_filter *filter,
                                const struct post_cursor *cursor, struct post_cursor *last)
{
    struct post_list list = { 0 };
    if (store_posts_page(c->store, filter, cursor, PAGE_OLDER, PAGE, &list) != MB_OK)
        fail(c, "store_posts_page");
    struct result r = { .rows = (int64_t)list.count };
    for (size_t i = 0; i < list.count; i++)
        hash_id(&r, list.items[i].id);
    if (last != NULL && list.count > 0)
        *last = (struct post_cursor){ .timestamp = list.items[list.count - 1].timestamp,
                                      .id = list.items[list.count - 1].id };
    store_post_list_free(&list);
    return r;
}

/* Ours: the store's call for kind (w: the word, for a search). */
static struct result ours(struct context *c, enum kind kind, struct word *w)
{
    if (kind == TAG_LIST) {
        struct tag_list list = { 0 };
        if (store_tag_list(c->store, NULL, TAG_PAGE, &list) != MB_OK)
            fail(c, "store_tag_list");
        struct result r = { .rows = (int64_t)list.count };
        for (size_t i = 0; i < list.count; i++)
            hash_text(&r, list.items[i].tag);
        store_tag_list_free(&list);
        return r;
    }
    struct post_filter filter = { .search = kind == TAG_FIRST ? NULL : w->word,
                                  .tag = kind == TAG_FIRST ? c->tag : NULL };
    return store_page(c, &filter, kind == SEARCH_NEXT ? &w->next : NULL, NULL);
}

/* The store's statement for kind, captured during one call of it. */
static char *capture(struct context *c, enum kind kind, struct word *w)
{
    capturing = true;
    ours(c, kind, w);
    capturing = false;
    char *sql = captured != NULL ? strdup(captured) : NULL;
    sqlite3_free(captured);
    captured = NULL;
    if (sql == NULL) {
        fprintf(stderr, "search: no statement captured\n");
        exit(1);
    }
    return sql;
}

/* Steps stmt to its end as the store reads rows: integers read, text
 * copied. The first column is the row's key. */
static struct result step_all(sqlite3_stmt *stmt)
{
    struct result r = { 0 };
    int status;
    while ((status = sqlite3_step(stmt)) == SQLITE_ROW) {
        int columns = sqlite3_column_count(stmt);
        for (int i = 0; i < columns; i++) {
            if (sqlite3_column_type(stmt, i) == SQLITE_TEXT)
                free(strdup((const char *)sqlite3_column_text(stmt, i)));
            else
                (void)sqlite3_column_int64(stmt, i);
        }
        if (sqlite3_column_type(stmt, 0) == SQLITE_TEXT)
            hash_text(&r, (const char *)sqlite3_column_text(stmt, 0));
        else
            hash_id(&r, sqlite3_column_int64(stmt, 0));
        r.rows++;
    }
    if (status != SQLITE_DONE) {
        fprintf(stderr, "search: %s\n", sqlite3_errmsg(sqlite3_db_handle(stmt)));
        exit(1);
    }
    return r;
}

/* The sqlite3 shell's way: prepare, step, finalize. */
static struct result lite_once(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "search: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    struct result r = step_all(stmt);
    sqlite3_finalize(stmt);
    return r;
}

static sqlite3_stmt *lite_keep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "search: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return stmt;
}

static struct result lite_kept(sqlite3_stmt *stmt)
{
    struct result r = step_all(stmt);
    sqlite3_reset(stmt);
    return r;
}

/* The page a person would write: the FTS5 join, or LIKE, newest first. */
static char *lite_naive(const char *word, bool like)
{
    char *sql = like ? sqlite3_mprintf("SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.body "
                                       "LIKE '%%%q%%' ORDER BY p.timestamp DESC, p.id DESC "
                                       "LIMIT %d", word, PAGE)
                     : sqlite3_mprintf("SELECT " STORE_POST_COLUMNS " FROM post_search s JOIN "
                                       "post p ON p.id = s.rowid WHERE post_search MATCH "
                                       "'\"%w\"' ORDER BY p.timestamp DESC, p.id DESC LIMIT %d",
                                       word, PAGE);
    char *copy = strdup(sql);
    sqlite3_free(sql);
    return copy;
}

/* PostgreSQL: the store's statements written out (store/post_query.c's
 * text for that engine: limit $1, the query or tag $2, then the bounds). */
static const char *const pg_sql[] = {
    [SEARCH_FIRST] = "SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.search @@ "
                     "plainto_tsquery('simple', $2) AND p.timestamp <= $3 AND (p.timestamp < $3 "
                     "OR p.id < $4) AND p.timestamp >= $5 ORDER BY p.timestamp DESC, p.id DESC "
                     "LIMIT $1",
    [TAG_FIRST] = "SELECT " STORE_POST_COLUMNS " FROM tag t JOIN post p ON p.id = t.post_id "
                  "WHERE t.tag = $2 AND t.timestamp <= $3 AND (t.timestamp < $3 OR t.post_id < "
                  "$4) AND t.timestamp >= $5 ORDER BY t.timestamp DESC, t.post_id DESC LIMIT $1",
    [TAG_LIST] = "SELECT t.tag, t.n FROM tag_count t WHERE t.tag > $1 ORDER BY t.tag LIMIT $2",
};
static const char pg_ilike[] = "SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.body ILIKE "
                               "'%' || $1 || '%' ORDER BY p.timestamp DESC, p.id DESC LIMIT 50";

static struct result pg_run(PGconn *conn, const char *sql, int count, const char *const *params)
{
    PGresult *result = PQexecParams(conn, sql, count, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        fprintf(stderr, "search: %s", PQerrorMessage(conn));
        exit(1);
    }
    struct result r = { .rows = PQntuples(result) };
    int columns = PQnfields(result);
    for (int row = 0; row < r.rows; row++) {
        for (int i = 0; i < columns; i++)
            if (!PQgetisnull(result, row, i))
                free(strdup(PQgetvalue(result, row, i)));
        if (columns == 2)
            hash_text(&r, PQgetvalue(result, row, 0));
        else
            hash_id(&r, strtoll(PQgetvalue(result, row, 0), NULL, 10));
    }
    PQclear(result);
    return r;
}

static struct result pg_floor(struct context *c, enum kind kind, struct word *w)
{
    char limit[32], at[32], at_id[32], far[32];
    snprintf(limit, sizeof limit, "%d", kind == TAG_LIST ? TAG_PAGE : PAGE);
    snprintf(at, sizeof at, "%" PRId64, kind == SEARCH_NEXT ? w->next.timestamp : INT64_MAX);
    snprintf(at_id, sizeof at_id, "%" PRId64, kind == SEARCH_NEXT ? w->next.id : INT64_MAX);
    snprintf(far, sizeof far, "%" PRId64, INT64_MIN);
    if (kind == TAG_LIST)
        return pg_run(c->conn, pg_sql[TAG_LIST], 2, (const char *const[]){ "", limit });
    const char *params[] = { limit, kind == TAG_FIRST ? c->tag : w->word, at, at_id, far };
    return pg_run(c->conn, pg_sql[kind == TAG_FIRST ? TAG_FIRST : SEARCH_FIRST], 5, params);
}

/* ---- the groups ----------------------------------------------------------------- */

enum way { API, SAME, KEPT, PLAIN, LIKE };
static const char *const way_name[] = { "api", "same", "kept", "plain", "like" };

static struct result run(struct context *c, enum kind kind, struct word *w, enum way way)
{
    bool next = kind == SEARCH_NEXT;
    if (way == API)
        return ours(c, kind, w);
    if (c->conn != NULL) {
        if (way == LIKE)
            return pg_run(c->conn, pg_ilike, 1, (const char *const[]){ w->word });
        return pg_floor(c, kind, w);
    }
    if (way == PLAIN || way == LIKE) {
        char *sql = lite_naive(w->word, way == LIKE);
        struct result r = lite_once(c->db, sql);
        free(sql);
        return r;
    }
    const char *sql = kind == TAG_FIRST ? c->tag_sql : kind == TAG_LIST ? c->tags_sql
                                                                         : w->sql[next];
    if (way == SAME)
        return lite_once(c->db, sql);
    return lite_kept(kind == TAG_FIRST ? c->tag_kept : kind == TAG_LIST ? c->tags_kept
                                                                        : w->kept[next]);
}

struct timing {
    const char *prefix; /* a word's label, "tag" or "tags" */
    enum kind kind;
    struct word *word;
    enum way way;
};

/* Runs a group's cases in rounds; prints each median and its rows. Every
 * case but LIKE must return what the store returns (called untimed
 * first), every round the same. */
static void group(struct context *c, const struct timing *cases, int count, int rounds)
{
    double *times = calloc((size_t)rounds * (size_t)count, sizeof *times);
    struct result *first = calloc((size_t)count, sizeof *first);
    struct result *expected = calloc((size_t)count, sizeof *expected);
    for (int i = 0; i < count; i++)
        expected[i] = ours(c, cases[i].kind, cases[i].word);
    for (int round = -1; round < rounds; round++)
        for (int i = 0; i < count; i++) {
            const struct timing *t = &cases[i];
            double start = measure_now_us();
            struct result r = run(c, t->kind, t->word, t->way);
            double elapsed = measure_now_us() - start;
            if (round < 0)
                first[i] = r;
            else
                times[(size_t)i * (size_t)rounds + (size_t)round] = elapsed;
            const struct result *want = t->way == LIKE ? &first[i] : &expected[i];
            if ((round >= 0 || t->way != LIKE) &&
                (r.rows != want->rows || r.hash != want->hash)) {
                fprintf(stderr, "search: %s %s%s gave other rows than %s (%" PRId64
                                " against %" PRId64 ")\n",
                        t->prefix, t->kind == SEARCH_NEXT ? "next_" : "", way_name[t->way],
                        t->way == LIKE ? "before" : "the store", r.rows, want->rows);
                exit(1);
            }
        }
    for (int i = 0; i < count; i++) {
        const char *next = cases[i].kind == SEARCH_NEXT ? "next_" : "";
        printf("%s_%s%s %.1f\n", cases[i].prefix, next, way_name[cases[i].way],
               measure_median(times + (size_t)i * (size_t)rounds, rounds));
        printf("%s_%s%s_rows %" PRId64 "\n", cases[i].prefix, next, way_name[cases[i].way],
               first[i].rows);
    }
    fflush(stdout);
    free(expected);
    free(first);
    free(times);
}

static int64_t matches(struct context *c, const char *word)
{
    if (c->conn != NULL) {
        PGresult *result = PQexecParams(c->conn, "SELECT count(*) FROM post WHERE search @@ "
                                        "plainto_tsquery('simple', $1)", 1, NULL, &word, NULL,
                                        NULL, 0);
        int64_t n = PQresultStatus(result) == PGRES_TUPLES_OK
                        ? strtoll(PQgetvalue(result, 0, 0), NULL, 10) : -1;
        PQclear(result);
        return n;
    }
    char *sql = sqlite3_mprintf("SELECT count(*) FROM post_search WHERE post_search MATCH "
                                "'\"%w\"'", word);
    sqlite3_stmt *stmt = lite_keep(c->db, sql);
    sqlite3_free(sql);
    int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return n;
}

static void open_store(struct context *c, const char *where)
{
    struct mb_error err = { { 0 } };
    struct store_options options = {
        .path = where, .busy_timeout_ms = 5000, .migrate = STORE_MIGRATE_REFUSE,
        .password_strength = CRYPTO_STRENGTH_MINIMUM, .read_only = true,
    };
    if (store_open(&options, &c->store, &err) != MB_OK) {
        fprintf(stderr, "search: %s\n", err.message);
        exit(1);
    }
}

/* `search sql DB search WORD | tag TAG | tags` */
static int print_sql(int argc, char **argv)
{
    struct context c = { .tag = argc > 4 ? argv[4] : NULL };
    struct word w = { .word = argc > 4 ? argv[4] : NULL };
    open_store(&c, argv[2]);
    enum kind kind = strcmp(argv[3], "tags") == 0 ? TAG_LIST
                     : strcmp(argv[3], "tag") == 0 ? TAG_FIRST : SEARCH_FIRST;
    char *sql = capture(&c, kind, &w);
    printf("%s\n", sql);
    free(sql);
    store_close(c.store);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "sql") == 0)
        return print_sql(argc, argv);
    if (argc < 7 || argc > 6 + MAX_WORDS ||
        (strcmp(argv[1], "sqlite") != 0 && strcmp(argv[1], "pg") != 0)) {
        fprintf(stderr, "usage: search sqlite|pg DB|URL ROUNDS SLOW_ROUNDS TAG LABEL=WORD...\n"
                        "       search sql DB search WORD | tag TAG | tags\n");
        return 2;
    }
    bool pg = strcmp(argv[1], "pg") == 0;
    int rounds = atoi(argv[3]), slow = atoi(argv[4]);
    if (rounds < 1 || slow < 1) {
        fprintf(stderr, "search: ROUNDS and SLOW_ROUNDS must be at least 1\n");
        return 2;
    }
    struct context c = { .tag = argv[5] };
    open_store(&c, argv[2]);
    if (pg) {
        c.conn = PQconnectdb(argv[2]);
        if (PQstatus(c.conn) != CONNECTION_OK) {
            fprintf(stderr, "search: %s", PQerrorMessage(c.conn));
            return 1;
        }
    } else if (sqlite3_open_v2(argv[2], &c.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "search: cannot open %s\n", argv[2]);
        return 1;
    }
    for (int i = 6; i < argc; i++) {
        struct word *w = &c.words[c.count++];
        char *equals = strchr(argv[i], '=');
        if (equals == NULL) {
            fprintf(stderr, "search: '%s' is not LABEL=WORD\n", argv[i]);
            return 2;
        }
        *equals = '\0';
        w->label = argv[i];
        w->word = equals + 1;
        struct post_filter filter = { .search = w->word };
        store_page(&c, &filter, NULL, &w->next);
        printf("%s_matches %" PRId64 "\n", w->label, matches(&c, w->word));
        if (!pg)
            for (int next = 0; next < 2; next++) {
                w->sql[next] = capture(&c, next ? SEARCH_NEXT : SEARCH_FIRST, w);
                w->kept[next] = lite_keep(c.db, w->sql[next]);
            }
    }
    if (!pg) {
        c.tag_sql = capture(&c, TAG_FIRST, NULL);
        c.tags_sql = capture(&c, TAG_LIST, NULL);
        c.tag_kept = lite_keep(c.db, c.tag_sql);
        c.tags_kept = lite_keep(c.db, c.tags_sql);
    }

    /* Each word's pages with their floors; then the tag page and list. */
    for (int i = 0; i < c.count; i++) {
        struct word *w = &c.words[i];
        struct timing first[] = {
            { w->label, SEARCH_FIRST, w, API }, { w->label, SEARCH_FIRST, w, SAME },
            { w->label, SEARCH_FIRST, w, KEPT },
        };
        struct timing next[] = {
            { w->label, SEARCH_NEXT, w, API }, { w->label, SEARCH_NEXT, w, SAME },
            { w->label, SEARCH_NEXT, w, KEPT },
        };
        group(&c, first, pg ? 2 : 3, rounds);
        group(&c, next, pg ? 2 : 3, rounds);
    }
    struct timing tag[] = { { "tag", TAG_FIRST, NULL, API }, { "tag", TAG_FIRST, NULL, SAME },
                            { "tag", TAG_FIRST, NULL, KEPT } };
    struct timing tags[] = { { "tags", TAG_LIST, NULL, API }, { "tags", TAG_LIST, NULL, SAME },
                             { "tags", TAG_LIST, NULL, KEPT } };
    group(&c, tag, pg ? 2 : 3, rounds);
    group(&c, tags, pg ? 2 : 3, rounds);
    /* The slow ones, a word's at a time. */
    for (int i = 0; i < c.count; i++) {
        struct word *w = &c.words[i];
        struct timing naive[] = {
            { w->label, SEARCH_FIRST, w, LIKE }, { w->label, SEARCH_FIRST, w, PLAIN },
        };
        group(&c, naive, pg ? 1 : 2, slow);
    }
    for (int i = 0; i < c.count; i++)
        for (int next = 0; next < 2; next++) {
            free(c.words[i].sql[next]);
            sqlite3_finalize(c.words[i].kept[next]);
        }
    free(c.tag_sql);
    free(c.tags_sql);
    sqlite3_finalize(c.tag_kept);
    sqlite3_finalize(c.tags_kept);
    sqlite3_close(c.db);
    PQfinish(c.conn);
    store_close(c.store);
    return 0;
}
