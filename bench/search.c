/* Search and tag pages measured inside one process (`make bench`, item 10),
 * on the search set of bench/gen_search.sql (SQLite) or a `db copy` of it
 * (PostgreSQL): store_posts_page with filter.search, the first page of 50
 * and the next one (keyset, after the first page's last post), for each
 * word given; a tag's first page (filter.tag); store_tag_list's first page
 * of 500 (cli/journal.c's). Each beside the same SQL run bare, and the
 * search beside two things a person might write instead: the plain FTS5
 * join through search_key (revision 0006: the index's rowids are search
 * keys) newest first, and LIKE '%word%' newest first (ILIKE on
 * PostgreSQL).
 *
 * Every floor is the store's own statement, taken from the store as it
 * runs (bench/capture.h: one untimed store call, the page's statement the
 * last it started), so that it follows the store's SQL whatever it
 * becomes. PostgreSQL's floor was a hand copy of an older statement.
 * The floors run on a bare connection of their own: SQLite's read-only,
 * as the sqlite3 shell runs it (prepare, step every row copying the text
 * columns as the store copies them, finalize: "same"), and prepared once
 * ("kept": what the store does with a search's statement); PostgreSQL's
 * with PQexecParams ("same": parsed and planned per call, the parameters
 * apart) and prepared once (PQprepare, then PQexecPrepared: "kept", as
 * the store keeps a search's statement). Every floor must return the
 * same rows, in the same order, as the store did, or the program stops.
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
 *   search pgsql URL search WORD | ... (the same on PostgreSQL)
 *
 * The first two print "name median_us" lines (LABEL_api, LABEL_same,
 * LABEL_kept, LABEL_next_api, ..., LABEL_plain, LABEL_like; tag_api,
 * tag_same, tags_api, ...) and "name_rows N" lines; LABEL_matches is the
 * word's number of matches. `sql` prints the store's statement of that
 * first page on SQLite, for the sqlite3 shell; `pgsql` the PostgreSQL
 * one as psql's PREPARE page AS ...; EXECUTE page(...parameters...), for
 * psql (EXPLAIN ANALYZE EXECUTE ...).
 *
 * This file includes <sqlite3.h> and <libpq-fe.h> outside store/ on
 * purpose: the floors are the engines with nothing of ours around them. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/capture.h"
#include "bench/measure.h"
#include "store/post_query.h"
#include "store/post_sql.h"
#include "store/store.h"

#define PAGE 50
#define TAG_PAGE 500 /* cli/journal.c's */
#define MAX_WORDS 8

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

/* A floor: the store's statement (SQLite's with its parameters written
 * in) and the same prepared once on the floor's connection. */
struct floor {
    struct capture_statement statement;
    sqlite3_stmt *kept; /* SQLite */
    char name[16];      /* PostgreSQL: prepared under this name */
};

struct word {
    const char *label, *word;
    struct post_cursor next; /* the first page's last post */
    struct floor floor[2];   /* the first and the next page */
};

struct context {
    struct store *store;
    sqlite3 *db;   /* SQLite's floors */
    PGconn *conn;  /* PostgreSQL's */
    const char *tag;
    struct floor tag_floor, tags_floor;
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
static struct capture_statement capture(struct context *c, enum kind kind, struct word *w)
{
    capture_begin();
    ours(c, kind, w);
    return capture_end();
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

/* The page a person would write, newest first: the FTS5 join (revision
 * 0006: the index's rowids are search keys, search_key names their
 * posts), or LIKE. */
static char *lite_naive(const char *word, bool like)
{
    char *sql = like ? sqlite3_mprintf("SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.body "
                                       "LIKE '%%%q%%' ORDER BY p.timestamp DESC, p.id DESC "
                                       "LIMIT %d", word, PAGE)
                     : sqlite3_mprintf("SELECT " STORE_POST_COLUMNS " FROM post_search s JOIN "
                                       "search_key k ON k.key = s.rowid JOIN post p ON p.id = "
                                       "k.post_id WHERE post_search MATCH '\"%w\"' ORDER BY "
                                       "p.timestamp DESC, p.id DESC LIMIT %d",
                                       word, PAGE);
    char *copy = strdup(sql);
    sqlite3_free(sql);
    return copy;
}

static const char pg_ilike[] = "SELECT " STORE_POST_COLUMNS " FROM post p WHERE p.body ILIKE "
                               "'%' || $1 || '%' ORDER BY p.timestamp DESC, p.id DESC LIMIT 50";

/* Runs sql with PQexecParams, or the statement prepared under name. */
static struct result pg_run(PGconn *conn, const char *sql, const char *name, int count,
                            const char *const *params)
{
    PGresult *result = name != NULL
                           ? PQexecPrepared(conn, name, count, params, NULL, NULL, 0)
                           : PQexecParams(conn, sql, count, NULL, params, NULL, NULL, 0);
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

/* Prepares f's statement on the floor's connection (PostgreSQL) or
 * keeps it prepared (SQLite). */
static void floor_keep(struct context *c, struct floor *f)
{
    static int kept;
    if (c->conn == NULL) {
        f->kept = lite_keep(c->db, f->statement.sql);
        return;
    }
    snprintf(f->name, sizeof f->name, "floor%d", kept++);
    PGresult *result = PQprepare(c->conn, f->name, f->statement.sql, 0, NULL);
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
        fprintf(stderr, "search: %s", PQerrorMessage(c->conn));
        exit(1);
    }
    PQclear(result);
}

static void floor_make(struct context *c, struct floor *f, enum kind kind, struct word *w)
{
    f->statement = capture(c, kind, w);
    floor_keep(c, f);
}

static void floor_clear(struct floor *f)
{
    capture_statement_clear(&f->statement);
    sqlite3_finalize(f->kept);
}

/* ---- the groups ----------------------------------------------------------------- */

enum way { API, SAME, KEPT, PLAIN, LIKE };
static const char *const way_name[] = { "api", "same", "kept", "plain", "like" };

static struct result run(struct context *c, enum kind kind, struct word *w, enum way way)
{
    if (way == API)
        return ours(c, kind, w);
    if (c->conn != NULL && way == LIKE)
        return pg_run(c->conn, pg_ilike, NULL, 1, (const char *const[]){ w->word });
    if (way == PLAIN || way == LIKE) {
        char *sql = lite_naive(w->word, way == LIKE);
        struct result r = lite_once(c->db, sql);
        free(sql);
        return r;
    }
    const struct floor *f = kind == TAG_FIRST  ? &c->tag_floor
                            : kind == TAG_LIST ? &c->tags_floor
                                               : &w->floor[kind == SEARCH_NEXT];
    if (c->conn != NULL)
        return pg_run(c->conn, f->statement.sql, way == KEPT ? f->name : NULL,
                      f->statement.count, (const char *const *)f->statement.values);
    if (way == SAME)
        return lite_once(c->db, f->statement.sql);
    return lite_kept(f->kept);
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
                                        "plainto_tsquery(" STORE_PG_SEARCH_CONFIG ", $1)", 1,
                                        NULL, &word, NULL, NULL, 0);
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

/* Opens the store on a SQLite file or a PostgreSQL URL; on PostgreSQL
 * its statements are captured from then on. */
static void open_store(struct context *c, const char *where, bool pg)
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
    if (pg)
        capture_install_pg();
}

/* `search sql DB search WORD | tag TAG | tags` (pgsql URL ...: as
 * psql's PREPARE and EXECUTE) */
static int print_sql(int argc, char **argv)
{
    bool pg = strcmp(argv[1], "pgsql") == 0;
    struct context c = { .tag = argc > 4 ? argv[4] : NULL };
    struct word w = { .word = argc > 4 ? argv[4] : NULL };
    open_store(&c, argv[2], pg);
    enum kind kind = strcmp(argv[3], "tags") == 0 ? TAG_LIST
                     : strcmp(argv[3], "tag") == 0 ? TAG_FIRST : SEARCH_FIRST;
    if (pg) /* the page's statement is prepared by a first call */
        ours(&c, kind, &w);
    struct capture_statement s = capture(&c, kind, &w);
    if (!pg) {
        printf("%s\n", s.sql);
    } else {
        printf("PREPARE page AS %s;\nEXECUTE page(", s.sql);
        for (int i = 0; i < s.count; i++) {
            printf("%s", i ? ", " : "");
            if (s.values[i] == NULL) {
                printf("NULL");
                continue;
            }
            putchar('\'');
            for (const char *p = s.values[i]; *p != '\0'; p++)
                printf(*p == '\'' ? "''" : "%c", *p);
            putchar('\'');
        }
        printf(");\n");
    }
    capture_statement_clear(&s);
    store_close(c.store);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && (strcmp(argv[1], "sql") == 0 || strcmp(argv[1], "pgsql") == 0))
        return print_sql(argc, argv);
    if (argc < 7 || argc > 6 + MAX_WORDS ||
        (strcmp(argv[1], "sqlite") != 0 && strcmp(argv[1], "pg") != 0)) {
        fprintf(stderr, "usage: search sqlite|pg DB|URL ROUNDS SLOW_ROUNDS TAG LABEL=WORD...\n"
                        "       search sql|pgsql DB|URL search WORD | tag TAG | tags\n");
        return 2;
    }
    bool pg = strcmp(argv[1], "pg") == 0;
    int rounds = atoi(argv[3]), slow = atoi(argv[4]);
    if (rounds < 1 || slow < 1) {
        fprintf(stderr, "search: ROUNDS and SLOW_ROUNDS must be at least 1\n");
        return 2;
    }
    struct context c = { .tag = argv[5] };
    open_store(&c, argv[2], pg);
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
        for (int next = 0; next < 2; next++)
            floor_make(&c, &w->floor[next], next ? SEARCH_NEXT : SEARCH_FIRST, w);
    }
    floor_make(&c, &c.tag_floor, TAG_FIRST, NULL);
    floor_make(&c, &c.tags_floor, TAG_LIST, NULL);

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
        group(&c, first, 3, rounds);
        group(&c, next, 3, rounds);
    }
    struct timing tag[] = { { "tag", TAG_FIRST, NULL, API }, { "tag", TAG_FIRST, NULL, SAME },
                            { "tag", TAG_FIRST, NULL, KEPT } };
    struct timing tags[] = { { "tags", TAG_LIST, NULL, API }, { "tags", TAG_LIST, NULL, SAME },
                             { "tags", TAG_LIST, NULL, KEPT } };
    group(&c, tag, 3, rounds);
    group(&c, tags, 3, rounds);
    /* The slow ones, a word's at a time. */
    for (int i = 0; i < c.count; i++) {
        struct word *w = &c.words[i];
        struct timing naive[] = {
            { w->label, SEARCH_FIRST, w, LIKE }, { w->label, SEARCH_FIRST, w, PLAIN },
        };
        group(&c, naive, pg ? 1 : 2, slow);
    }
    for (int i = 0; i < c.count; i++)
        for (int next = 0; next < 2; next++)
            floor_clear(&c.words[i].floor[next]);
    floor_clear(&c.tag_floor);
    floor_clear(&c.tags_floor);
    sqlite3_close(c.db);
    PQfinish(c.conn);
    store_close(c.store);
    return 0;
}
