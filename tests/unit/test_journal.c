/* The journal's store (issue 12) as a specification: #tags recorded with
 * a post (folded, capped, re-recorded on edit, counted, listed in keyset
 * pages, and a tag's posts as a filter), no mention of an author by
 * themself, full-text search as a filter that no query can turn into an
 * error, and private entries: sealed under the author's passphrase, shown
 * to everyone as a placeholder and to their unlocked author as written,
 * one salt per author, only the author may unlock or write them, never
 * edited, and their text nowhere in the database (the SQLite file, its
 * -wal and the search index; every row on PostgreSQL), where a public
 * post's text is found. Rows are read back with sqlite3 or psql.
 * On both backends: tests/run.sh runs it on SQLite files (unit/test_journal)
 * and on its private PostgreSQL cluster (unit-pg/test_journal). */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <time.h>

#include "store/post_query.h"
#include "store/private.h"
#include "store/words.h"

struct fixture {
    char *dir;
    char *path;         /* a SQLite file in dir, or a PostgreSQL URL */
    int64_t alice, bob;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir();
    f->path = testutil_new_db(f->dir, "journal.db");
    struct store *store = testutil_open(f->path);
    assert_int_equal(store_user_add(store, "alice", NULL, NULL, &f->alice), MB_OK);
    assert_int_equal(store_user_add(store, "bob", NULL, NULL, &f->bob), MB_OK);
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

static void expect_sql(const struct fixture *f, const char *text, const char *expected)
{
    char *out = testutil_sql(f->path, f->dir, text);
    if (strcmp(out, expected) != 0)
        fail_msg("%s\n  gave: [%s]\n  want: [%s]", text, out, expected);
    free(out);
}

static void expect_error(struct store *store, const char *text)
{
    if (strstr(store_error(store), text) == NULL)
        fail_msg("error '%s' does not say '%s'", store_error(store), text);
}

static int64_t post_at(struct store *store, int64_t user, const char *body, int64_t timestamp)
{
    int64_t id = 0;
    if (store_post_add(store, user, body, timestamp, &id) != MB_OK)
        fail_msg("posting '%s': %s", body, store_error(store));
    return id;
}

/* The ids of a page, "3 2 1". */
static char *page_ids(struct store *store, const struct post_filter *filter,
                      const struct post_cursor *cursor, size_t limit)
{
    struct post_list list = { 0 };
    if (store_posts_page(store, filter, cursor, PAGE_OLDER, limit, &list) != MB_OK)
        fail_msg("page: %s", store_error(store));
    char *out = xstrdup("");
    for (size_t i = 0; i < list.count; i++) {
        char *next = xasprintf("%s%s%lld", out, i ? " " : "", (long long)list.items[i].id);
        free(out);
        out = next;
    }
    store_post_list_free(&list);
    return out;
}

static void expect_page(struct store *store, const struct post_filter *filter,
                        const char *expected)
{
    char *ids = page_ids(store, filter, NULL, 50);
    if (strcmp(ids, expected) != 0)
        fail_msg("page gave [%s], want [%s]", ids, expected);
    free(ids);
}

/* ---- tags ---- */

static void test_tags_recorded(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    post_at(store, f->alice,
            "Hello #World and #world, #Caf\xc3\xa9 #12 C#x a#b &#38; #snake_case "
            "#\xef\xbd\x83\xef\xbd\x81\xef\xbd\x86\xef\xbd\x85 @alice @bob",
            1000);
    /* Decomposed é (e, U+0301) is the same tag as precomposed. */
    post_at(store, f->bob, "#cafe\xcc\x81 #Caf\xc3\x89!", 1001);
    expect_sql(f, "SELECT tag, post_id FROM tag ORDER BY tag, post_id;",
               "cafe|1\ncaf\xc3\xa9|1\ncaf\xc3\xa9|2\nsnake_case|1\nworld|1\n");
    expect_sql(f, "SELECT tag, n FROM tag_count ORDER BY tag;",
               "cafe|1\ncaf\xc3\xa9|2\nsnake_case|1\nworld|1\n");
    /* alice mentioning herself is no mention; bob is. */
    expect_sql(f, "SELECT user_id, post_id FROM mention ORDER BY 1;", "2|1\n");
    int64_t unread = -1;
    assert_int_equal(store_mentions_unread(store, f->alice, 10, &unread), MB_OK);
    assert_int_equal(unread, 0);
    store_close(store);
}

/* A word is a tag only when its folded form is one too: U+3164 (Hangul
 * filler, a letter) folds to nothing, U+FDFA (one Arabic ligature) to four
 * words and spaces, U+FDFA without spaces would be 18 letters; a folded
 * tag is at most 64 code points. */
static void test_tags_fold_to_tag_words(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    char long_word[80] = "#";
    memset(long_word + 1, 'x', 65);
    long_word[66] = '\0';
    post_at(store, f->alice, "#\xe3\x85\xa4 #\xef\xb7\xba #ok #a\xe3\x85\xa4" "b", 1000);
    post_at(store, f->alice, long_word, 1001);
    char *body = xasprintf("#%.64s", long_word + 1);
    post_at(store, f->alice, body, 1002);
    /* 'a', U+3164, 'b' folds to "ab": a tag word, kept. */
    char *expected = xasprintf("ab\nok\n%.64s\n", long_word + 1);
    expect_sql(f, "SELECT tag FROM tag ORDER BY tag;", expected);
    free(expected);
    free(body);

    struct mb_error err;
    char *out = NULL;
    const char *refused[] = { "\xe3\x85\xa4", "#\xef\xb7\xba", long_word };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(store_tag_fold(refused[i], &out, &err), MB_INVALID);
        assert_null(out);
        assert_non_null(strstr(err.message, "not a tag"));
    }
    assert_int_equal(store_tag_fold(long_word + 2, &out, &err), MB_OK);
    assert_int_equal(strlen(out), 64);
    free(out);
    struct post_filter filter = { .tag = "\xe3\x85\xa4" };
    struct post_list page = { 0 };
    assert_int_equal(store_posts_page(store, &filter, NULL, PAGE_OLDER, 10, &page), MB_INVALID);
    store_close(store);
}

static void test_tags_capped_and_edited(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    char body[STORE_BODY_MAX + 1] = "";
    for (int i = 0; i < 20; i++) {
        char word[8];
        snprintf(word, sizeof word, "#t%c%c ", 'a' + i / 10, 'a' + i % 10);
        strcat(body, word);
    }
    int64_t id = post_at(store, f->alice, body, 1000);
    expect_sql(f, "SELECT count(*) FROM tag;", "16\n");
    int64_t other = post_at(store, f->bob, "#keep #gone", 1001);
    assert_int_equal(store_post_edit(store, id, f->alice, "now #keep and #new"), MB_OK);
    expect_sql(f, "SELECT tag, timestamp, post_id FROM tag ORDER BY tag, post_id;",
               "gone|1001|2\nkeep|1000|1\nkeep|1001|2\nnew|1000|1\n");
    expect_sql(f, "SELECT tag, n FROM tag_count ORDER BY tag;", "gone|1\nkeep|2\nnew|1\n");
    assert_int_equal(store_post_delete(store, other), MB_OK);
    expect_sql(f, "SELECT tag, n FROM tag_count ORDER BY tag;", "keep|1\nnew|1\n");
    store_close(store);
}

static void test_tag_list_and_pages(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    post_at(store, f->alice, "#b first", 1000);       /* 1 */
    post_at(store, f->bob, "#a #b second", 1001);     /* 2 */
    post_at(store, f->alice, "#c #b third", 1002);    /* 3 */
    post_at(store, f->alice, "untagged", 1003);       /* 4 */
    post_at(store, f->bob, "#B fourth", 1002);        /* 5: ties with 3 */

    struct tag_list list = { 0 };
    assert_int_equal(store_tag_list(store, NULL, 2, &list), MB_OK);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].tag, "a");
    assert_int_equal(list.items[0].posts, 1);
    assert_string_equal(list.items[1].tag, "b");
    assert_int_equal(list.items[1].posts, 4);
    store_tag_list_free(&list);
    assert_int_equal(store_tag_list(store, "b", 2, &list), MB_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].tag, "c");
    store_tag_list_free(&list);

    /* A tag's posts newest first, asked for in any case, with or without '#'. */
    struct post_filter filter = { .tag = "#B" };
    expect_page(store, &filter, "5 3 2 1");
    char *ids = page_ids(store, &filter, &(struct post_cursor){ 1002, 5 }, 2);
    assert_string_equal(ids, "3 2");
    free(ids);
    filter = (struct post_filter){ .tag = "b", .author_id = f->alice };
    expect_page(store, &filter, "3 1");
    filter = (struct post_filter){ .tag = "b", .since = 1001, .until = 1002 };
    expect_page(store, &filter, "2");
    filter = (struct post_filter){ .tag = "nothing" };
    expect_page(store, &filter, "");
    int64_t count = 0;
    filter = (struct post_filter){ .tag = "b" };
    assert_int_equal(store_posts_count_newer(store, &filter, &(struct post_cursor){ 1000, 1 },
                                             10, &count),
                     MB_OK);
    assert_int_equal(count, 3);

    /* Not one tag: refused, not an empty page. */
    struct post_list page = { 0 };
    const char *bad[] = { "a b", "12", "#", "", "a-b", "caf\xff" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        filter = (struct post_filter){ .tag = bad[i] };
        assert_int_equal(store_posts_page(store, &filter, NULL, PAGE_OLDER, 10, &page),
                         MB_INVALID);
    }
    expect_error(store, "tag");
    store_close(store);
}

/* ---- search ---- */

/* The pages of test_search's posts (before the edit). */
static void search_pages(struct store *store, const struct fixture *f)
{
    struct post_filter filter = { .search = "MORNING" };
    expect_page(store, &filter, "6 3 2 1");
    char *ids = page_ids(store, &filter, &(struct post_cursor){ 1002, 3 }, 1);
    assert_string_equal(ids, "2");
    free(ids);
    filter.search = "  coffee\tmorning ";
    expect_page(store, &filter, "2 1");
    filter.search = "caf\xc3\xa9";
    expect_page(store, &filter, "3");
    filter.search = "don't";
    expect_page(store, &filter, "4");
    filter = (struct post_filter){ .search = "morning", .author_id = f->alice };
    expect_page(store, &filter, "6 3 1");
    filter = (struct post_filter){ .search = "morning", .tag = "morning" };
    expect_page(store, &filter, "3");
    filter = (struct post_filter){ .search = "morning", .since = 1001, .until = 1005 };
    expect_page(store, &filter, "3 2");
    filter = (struct post_filter){ .search = "morning", .viewer_id = f->alice };
    expect_page(store, &filter, "6 3 1");
    struct post_list newer = { 0 };
    filter = (struct post_filter){ .search = "morning" };
    assert_int_equal(store_posts_page(store, &filter, &(struct post_cursor){ 1000, 1 },
                                      PAGE_NEWER, 2, &newer),
                     MB_OK);
    assert_int_equal(newer.count, 2);
    assert_int_equal(newer.items[0].id, 3);
    assert_int_equal(newer.items[1].id, 2);
    store_post_list_free(&newer);
}

static void test_search(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    post_at(store, f->alice, "Coffee in the morning", 1000);      /* 1 */
    post_at(store, f->bob, "Morning run, no coffee", 1001);       /* 2 */
    post_at(store, f->alice, "caf\xc3\xa9 au lait #morning", 1002); /* 3 */
    post_at(store, f->alice, "Don't panic", 1003);                /* 4 */
    post_at(store, f->bob, "nothing to see", 1004);               /* 5 */
    post_at(store, f->alice, "morning again", 1005);              /* 6 */

    assert_int_equal(store_mute(store, f->alice, f->bob), MB_OK);
    /* A search alone chooses between sorting the matches and walking the
     * time index: both ways, and the choice, give the same pages (off,
     * computed, walk from 1 match on, sort up to 2^40 matches: on
     * PostgreSQL a window of no rows). */
    static const int64_t walks[] = { -1, 0, 1, (int64_t)1 << 40 };
    for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
        store_test_search_walk(walks[i]);
        search_pages(store, f);
    }
    store_test_search_walk(0);
    struct post_filter filter;
    /* An edit takes the old words out of the index and puts the new in. */
    assert_int_equal(store_post_edit(store, 5, f->bob, "seen this morning"), MB_OK);
    filter = (struct post_filter){ .search = "morning" };
    expect_page(store, &filter, "6 5 3 2 1");
    filter.search = "nothing";
    expect_page(store, &filter, "");
    filter.search = "seen";
    expect_page(store, &filter, "5");
    int64_t count = 0;
    filter = (struct post_filter){ .search = "morning" };
    assert_int_equal(store_posts_count_newer(store, &filter, &(struct post_cursor){ 1001, 2 },
                                             10, &count),
                     MB_OK);
    assert_int_equal(count, 3);

    /* What would be FTS5 syntax is words here: never an error. */
    const char *hostile[] = { "\"morning", "morning\"", "morning AND", "OR morning",
                              "NEAR(morning", "morning*", "body:morning", "^morning",
                              "-morning", "(morning)", "morning + coffee", "\"\"\"morning" };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        struct post_list page = { 0 };
        filter = (struct post_filter){ .search = hostile[i] };
        if (store_posts_page(store, &filter, NULL, PAGE_OLDER, 10, &page) != MB_OK)
            fail_msg("search [%s]: %s", hostile[i], store_error(store));
        store_post_list_free(&page);
    }
    const char *empty[] = { "", "   ", "!!!", "\"\"", "*" };
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        struct post_list page = { 0 };
        filter = (struct post_filter){ .search = empty[i] };
        assert_int_equal(store_posts_page(store, &filter, NULL, PAGE_OLDER, 10, &page),
                         MB_INVALID);
        expect_error(store, "the search has no words");
    }
    /* A search's cost is capped on both engines: 16 words (a repeat
     * counts: PostgreSQL reads the query as typed), 1 KiB; past that one
     * line names the limit, in no time, whatever the query holds. */
    static const char sixteen[] = "morning coffee b c d e f g h i j k l m n o";
    filter = (struct post_filter){ .search = sixteen };
    expect_page(store, &filter, "");
    filter.search = "morning Coffee morning Coffee morning Coffee morning Coffee";
    expect_page(store, &filter, "2 1");
    char *seventeen = xasprintf("%s p", sixteen);
    char *repeated = xstrdup("");
    for (int i = 0; i < 40; i++) {
        char *longer = xasprintf("%smorning Coffee ", repeated);
        free(repeated);
        repeated = longer;
    }
    char *huge = xmalloc(20001);
    for (size_t i = 0; i < 20000; i++)
        huge[i] = i % 2 ? ' ' : (char)('a' + i / 2 % 26);
    huge[20000] = '\0';
    const struct { const char *query, *error; } refused[] = {
        { seventeen, "the search has more than 16 words" },
        { repeated, "the search has more than 16 words" },
        { huge, "the search is longer than 1024 bytes" },
    };
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct post_list page = { 0 };
        filter = (struct post_filter){ .search = refused[i].query };
        assert_int_equal(store_posts_page(store, &filter, NULL, PAGE_OLDER, 10, &page),
                         MB_INVALID);
        expect_error(store, refused[i].error);
        int64_t newer = 0;
        assert_int_equal(store_posts_count_newer(store, &filter,
                                                 &(struct post_cursor){ 1001, 2 }, 10, &newer),
                         MB_INVALID);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    assert_true(end.tv_sec - start.tv_sec < 2);
    free(huge);
    free(seventeen);
    free(repeated);
    store_close(store);
}

/* Random queries of FTS5's special characters, words and spaces: each is
 * a page or "no words", never an engine's error. */
static void test_search_never_fails(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    post_at(store, f->alice, "near and or not a b c", 1000);
    static const char *pieces[] = { "\"", "'", "(", ")", "*", "^", ":", "-", "+", "{", "}",
                                    ",", ".", "NEAR", "AND", "OR", "NOT", "a", "b", "body",
                                    " ", " ", "\t", "caf\xc3\xa9", "\xe6\x97\xa5", "\\", "%" };
    srand(12);
    for (int i = 0; i < 400; i++) {
        char query[128] = "";
        int n = 1 + rand() % 8;
        for (int j = 0; j < n; j++)
            strcat(query, pieces[rand() % (int)(sizeof pieces / sizeof pieces[0])]);
        struct post_filter filter = { .search = query };
        struct post_list page = { 0 };
        enum mb_status status = store_posts_page(store, &filter, NULL, PAGE_OLDER, 10, &page);
        if (status != MB_OK && status != MB_INVALID)
            fail_msg("search [%s]: %s", query, store_error(store));
        store_post_list_free(&page);
    }
    store_close(store);
}

/* Search folds diacritics on both engines (SQLite: FTS5's unicode61
 * remove_diacritics 2; PostgreSQL: revision 0006's mb_search, unaccent
 * then simple): "cafe" finds "café" and "Zoë" finds "zoe", whichever side
 * holds the accent, whatever the case; a hyphenated word's parts too. On
 * PostgreSQL through both ways of a search alone (the GIN matches and the
 * time-index walk). */
static void test_search_folds_diacritics(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    post_at(store, f->alice, "breakfast at the caf\xc3\xa9", 1000);    /* 1 */
    post_at(store, f->bob, "Zo\xc3\xab says hi", 1001);                /* 2 */
    post_at(store, f->alice, "a cafe without its accent, zoe", 1002); /* 3 */
    post_at(store, f->bob, "nothing to see", 1003);                   /* 4 */
    post_at(store, f->alice, "un caf\xc3\xa9-cr\xc3\xa8me", 1004);      /* 5 */
    static const int64_t walks[] = { 0, 1, (int64_t)1 << 40 };
    for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
        store_test_search_walk(walks[i]);
        struct post_filter filter = { .search = "cafe" };
        expect_page(store, &filter, "5 3 1");
        filter.search = "CAF\xc3\x89";
        expect_page(store, &filter, "5 3 1");
        filter.search = "zoe";
        expect_page(store, &filter, "3 2");
        filter.search = "Zo\xc3\xab";
        expect_page(store, &filter, "3 2");
        filter.search = "creme";
        expect_page(store, &filter, "5");
        filter.search = "cafe zoe";
        expect_page(store, &filter, "3");
    }
    store_test_search_walk(0);
    store_close(store);
}

/* SQLite's plans: a tag's page walks the tag primary key; a search's walks
 * the FTS5 index in its rowid (search key) order, newest first, between
 * two keys (FTS5's idxNum 192: ordered by rowid, descending; "M1<>": the
 * match and both bounds, in either order), with no sort of the matches. */
static void test_plans(void **state)
{
    struct fixture *f = *state;
    if (testutil_postgres()) {
        skip(); /* PostgreSQL's planner chooses by its statistics */
        return;
    }
    struct store *store = testutil_open(f->path);
    struct post_filter tag = { .tag = "work" }, search = { .search = "a" };
    bool merged = false;
    char *plan = NULL;
    assert_int_equal(store_posts_explain(store, &tag, PAGE_OLDER, &merged, &plan), MB_OK);
    if (strstr(plan, "SEARCH t USING PRIMARY KEY (tag=?") == NULL)
        fail_msg("a tag's page: %s", plan);
    free(plan);
    assert_int_equal(store_posts_explain(store, &search, PAGE_OLDER, &merged, &plan), MB_OK);
    if ((strstr(plan, "SCAN s VIRTUAL TABLE INDEX 192:M1<>") == NULL &&
         strstr(plan, "SCAN s VIRTUAL TABLE INDEX 192:M1><") == NULL) ||
        strstr(plan, "TEMP B-TREE") != NULL)
        fail_msg("a search's page: %s", plan);
    free(plan);
    store_close(store);
}

/* store_body_tags: what the TUI's t offers is what the store records for
 * that body (the TUI scanned bytes and took an em dash into the word, so
 * "#tag\u2014x" offered nothing, and "&#123" for a tag). */
static void test_body_tags(void **state)
{
    (void)state;
    static const struct {
        const char *body, *tags;
    } cases[] = {
        { "#Tag\xe2\x80\x94x and #tag again, #Zebra", "tag zebra" },
        { "&#123 C#sharp #12 no tags", "" },
        { "(#caf\xc3\xa9) #WORK", "caf\xc3\xa9 work" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char **tags = NULL;
        size_t count = 0;
        assert_int_equal(store_body_tags(cases[i].body, &tags, &count), MB_OK);
        char joined[256] = "";
        for (size_t t = 0; t < count; t++) {
            snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s",
                     t > 0 ? " " : "", tags[t]);
            free(tags[t]);
        }
        free(tags);
        assert_string_equal(joined, cases[i].tags);
    }
}

static void test_search_expression(void **state)
{
    (void)state;
    struct mb_error err;
    char *out = NULL;
    assert_int_equal(store_search_expression(" a \"b\" don't ", &out, &err), MB_OK);
    assert_string_equal(out, "\"a\" \"\"\"b\"\"\" \"don't\"");
    free(out);
    assert_int_equal(store_search_expression("-- ** x", &out, &err), MB_OK);
    assert_string_equal(out, "\"x\"");
    free(out);
    assert_int_equal(store_search_expression("bad \xff", &out, &err), MB_INVALID);
    assert_null(out);
    /* A word given again is kept once (bytes alike: case is FTS5's). */
    assert_int_equal(store_search_expression("cat cat dog cat Cat", &out, &err), MB_OK);
    assert_string_equal(out, "\"cat\" \"dog\" \"Cat\"");
    free(out);
    /* 16 words, and 1024 bytes, are the most. */
    char query[1100] = "";
    for (int i = 0; i < 16; i++)
        sprintf(query + strlen(query), "w%d ", i);
    assert_int_equal(store_search_expression(query, &out, &err), MB_OK);
    free(out);
    strcat(query, "w16");
    assert_int_equal(store_search_expression(query, &out, &err), MB_INVALID);
    assert_string_equal(err.message, "the search has more than 16 words");
    assert_null(out);
    memset(query, 'x', 1024);
    query[1024] = '\0';
    assert_int_equal(store_search_expression(query, &out, &err), MB_OK);
    free(out);
    strcat(query, "x");
    assert_int_equal(store_search_expression(query, &out, &err), MB_INVALID);
    assert_string_equal(err.message, "the search is longer than 1024 bytes");
}

/* ---- private entries ---- */

/* The body of post id as the handle reads it in a page of its author. */
static char *body_of(struct store *store, int64_t author, int64_t id, bool *is_private)
{
    struct post_filter filter = { .author_id = author };
    struct post_list list = { 0 };
    assert_int_equal(store_posts_page(store, &filter, NULL, PAGE_OLDER, 50, &list), MB_OK);
    char *body = NULL;
    for (size_t i = 0; i < list.count; i++)
        if (list.items[i].id == id) {
            body = xstrdup(list.items[i].body);
            *is_private = list.items[i].is_private;
        }
    store_post_list_free(&list);
    assert_non_null(body);
    return body;
}

static void expect_body(struct store *store, int64_t author, int64_t id, const char *expected,
                        bool expected_private)
{
    bool is_private = !expected_private;
    char *body = body_of(store, author, id, &is_private);
    assert_string_equal(body, expected);
    assert_int_equal(is_private, expected_private);
    free(body);
}

static void test_private_entries(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t first = 0, second = 0, open_post = post_at(store, f->alice, "open #public", 1000);
    bool exists = true;
    assert_int_equal(store_private_exists(store, f->alice, &exists), MB_OK);
    assert_false(exists);
    assert_int_equal(store_post_private(store, f->alice, "too early", &first), MB_PASSWORD);
    assert_int_equal(store_private_unlock(store, f->alice, ""), MB_INVALID);
    assert_int_equal(store_private_unlock(store, f->alice, "correct horse"), MB_OK);
    assert_true(store_private_unlocked(store, f->alice));
    assert_false(store_private_unlocked(store, f->bob));
    assert_int_equal(store_post_private(store, f->alice, "", &first), MB_INVALID);
    assert_int_equal(store_post_private(store, f->alice, "my secret #hidden @bob", &first),
                     MB_OK);
    assert_int_equal(store_post_private(store, f->alice, "second secret", &second), MB_OK);
    assert_int_equal(store_private_exists(store, f->alice, &exists), MB_OK);
    assert_true(exists);
    /* bob has not unlocked: he cannot write as alice's key. */
    assert_int_equal(store_post_private(store, f->bob, "bob's", NULL), MB_PASSWORD);

    /* The row says an entry exists, nothing more; no tags, no mentions. */
    expect_sql(f, "SELECT id, body, private FROM post ORDER BY id;",
               "1|open #public|0\n2|(private entry)|1\n3|(private entry)|1\n");
    expect_sql(f, "SELECT tag FROM tag;", "public\n");
    expect_sql(f, "SELECT count(*) FROM mention;", "0\n");
    /* One salt per author: the entries' headers (salt and cost) agree. */
    expect_sql(f, "SELECT count(DISTINCT substr(sealed, 1, 30)), count(*) FROM private_entry;",
               "1|2\n");
    /* Never searchable, by placeholder or text. */
    struct post_filter filter = { .search = "secret" };
    expect_page(store, &filter, "");
    filter.search = "private entry";
    expect_page(store, &filter, "");
    filter.search = "open";
    expect_page(store, &filter, "1");

    /* The unlocked author reads them; an edit is refused. */
    expect_body(store, f->alice, first, "my secret #hidden @bob", true);
    expect_body(store, f->alice, open_post, "open #public", false);
    assert_int_equal(store_post_edit(store, first, f->alice, "new text"), MB_UNSUPPORTED);
    expect_error(store, "private entries cannot be edited yet");
    store_close(store);

    /* Another handle: the placeholder until unlocked, with the right
     * passphrase only. */
    store = testutil_open(f->path);
    struct post post = { 0 };
    assert_int_equal(store_post_get(store, second, &post), MB_OK);
    assert_string_equal(post.body, STORE_PRIVATE_PLACEHOLDER);
    assert_true(post.is_private);
    store_post_clear(&post);
    expect_body(store, f->alice, second, STORE_PRIVATE_PLACEHOLDER, true);
    assert_int_equal(store_private_unlock(store, f->alice, "wrong horse"), MB_AUTH);
    expect_error(store, "wrong passphrase");
    assert_false(store_private_unlocked(store, f->alice));
    expect_body(store, f->alice, second, STORE_PRIVATE_PLACEHOLDER, true);
    assert_int_equal(store_private_unlock(store, f->alice, "correct horse"), MB_OK);
    expect_body(store, f->alice, second, "second secret", true);
    assert_int_equal(store_post_get(store, first, &post), MB_OK);
    assert_string_equal(post.body, "my secret #hidden @bob");
    store_post_clear(&post);
    int64_t third = 0;
    assert_int_equal(store_post_private(store, f->alice, "third", &third), MB_OK);
    expect_sql(f, "SELECT count(DISTINCT substr(sealed, 1, 30)) FROM private_entry;", "1\n");
    /* bob's own key opens nothing of alice's. */
    assert_int_equal(store_private_unlock(store, f->bob, "correct horse"), MB_OK);
    expect_body(store, f->alice, second, STORE_PRIVATE_PLACEHOLDER, true);
    store_close(store);
}

/* An entry moved onto another row, or damaged, does not open: its author
 * is told, the others see the placeholder. */
static void test_private_moved(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t a = 0, b = 0;
    assert_int_equal(store_private_unlock(store, f->alice, "pass phrase"), MB_OK);
    assert_int_equal(store_post_private(store, f->alice, "entry a", &a), MB_OK);
    assert_int_equal(store_post_private(store, f->alice, "entry b", &b), MB_OK);
    char *swap = xasprintf("UPDATE private_entry SET sealed = (SELECT sealed FROM private_entry "
                           "WHERE post_id = %lld) WHERE post_id = %lld;",
                           (long long)b, (long long)a);
    free(testutil_sql(f->path, f->dir, swap));
    free(swap);
    expect_body(store, f->alice, a, STORE_PRIVATE_UNOPENED, true);
    expect_body(store, f->alice, b, "entry b", true);
    store_close(store);
}

/* A first passphrase is 8 characters or more (an older, shorter one would
 * still unlock: the rule is for new keys). */
static void test_private_passphrase_length(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    assert_int_equal(store_private_unlock(store, f->alice, "1234567"), MB_INVALID);
    expect_error(store, "the passphrase is too short: at least 8 characters");
    /* Characters, not bytes: seven of two bytes each are still seven. */
    assert_int_equal(store_private_unlock(store, f->alice, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                                          "\xc3\xa9\xc3\xa9\xc3\xa9"),
                     MB_INVALID);
    assert_false(store_private_unlocked(store, f->alice));
    assert_int_equal(store_private_unlock(store, f->alice, "12345678"), MB_OK);
    assert_int_equal(store_post_private(store, f->alice, "first", NULL), MB_OK);
    store_close(store);
}

/* The Argon2id cost of a private key's header, from its newest entry. */
static bool newest_key_below(const struct fixture *f, int64_t author, const char *passphrase,
                             enum crypto_strength strength)
{
    char *query = xasprintf("SELECT e.sealed FROM private_entry e JOIN post p ON p.id = "
                            "e.post_id WHERE p.user_id = %lld ORDER BY p.id DESC LIMIT 1;",
                            (long long)author);
    char *sealed = testutil_sql(f->path, f->dir, query);
    sealed[strcspn(sealed, "\n")] = '\0';
    struct crypto_private_key *key = NULL;
    assert_int_equal(crypto_private_key_derive(passphrase, sealed, &key), MB_OK);
    bool below = crypto_private_key_below(key, strength);
    crypto_private_key_free(key);
    free(sealed);
    free(query);
    return below;
}

/* Keys are never below interactive's cost, but for the tests' "minimum"
 * in a personal store; a key below the floor opens its entries but seals
 * no new one. */
static void test_private_key_floor(void **state)
{
    struct fixture *f = *state;
    /* The tests' strength, personal: alice's key at the minimum. */
    struct store *store = testutil_open(f->path);
    int64_t weak = 0;
    assert_int_equal(store_private_unlock(store, f->alice, "alice phrase"), MB_OK);
    assert_int_equal(store_post_private(store, f->alice, "under minimum", &weak), MB_OK);
    store_close(store);
    assert_true(newest_key_below(f, f->alice, "alice phrase", CRYPTO_STRENGTH_INTERACTIVE));

    /* Configured interactive: alice's old entry opens, a new one is refused. */
    struct store_options options = testutil_options(f->path);
    options.password_strength = CRYPTO_STRENGTH_INTERACTIVE;
    struct mb_error err;
    assert_int_equal(store_open(&options, &store, &err), MB_OK);
    assert_int_equal(store_private_unlock(store, f->alice, "alice phrase"), MB_OK);
    expect_body(store, f->alice, weak, "under minimum", true);
    assert_int_equal(store_post_private(store, f->alice, "refused", NULL), MB_DENIED);
    expect_error(store, "below password_strength = interactive");
    store_close(store);
    expect_sql(f, "SELECT count(*) FROM private_entry;", "1\n");

    /* A shared box configured with "minimum": bob's first key is made at
     * interactive's cost all the same. */
    store = testutil_open_as(f->path, STORE_MODE_SHARED, "bob", false);
    assert_int_equal(store_private_unlock(store, f->bob, "bob's phrase"), MB_OK);
    assert_int_equal(store_post_private(store, f->bob, "bob's", NULL), MB_OK);
    store_close(store);
    assert_false(newest_key_below(f, f->bob, "bob's phrase", CRYPTO_STRENGTH_INTERACTIVE));
}

/* Two sessions each unlock for a first entry (two new salts): the second
 * to write is told to unlock again, so an author keeps one salt. */
static void test_private_first_race(void **state)
{
    struct fixture *f = *state;
    struct store *one = testutil_open(f->path), *two = testutil_open(f->path);
    assert_int_equal(store_private_unlock(one, f->alice, "first phrase"), MB_OK);
    assert_int_equal(store_private_unlock(two, f->alice, "second phrase"), MB_OK);
    assert_int_equal(store_post_private(one, f->alice, "from one", NULL), MB_OK);
    assert_int_equal(store_post_private(two, f->alice, "from two", NULL), MB_AUTH);
    expect_error(two, "unlock again");
    expect_sql(f, "SELECT count(*) FROM post;", "1\n");
    assert_int_equal(store_private_unlock(two, f->alice, "second phrase"), MB_AUTH);
    assert_int_equal(store_private_unlock(two, f->alice, "first phrase"), MB_OK);
    assert_int_equal(store_post_private(two, f->alice, "from two", NULL), MB_OK);
    store_close(one);
    store_close(two);
}

static void test_private_shared_modes(void **state)
{
    struct fixture *f = *state;
    struct store *store = testutil_open(f->path);
    int64_t id = 0;
    assert_int_equal(store_private_unlock(store, f->alice, "alice's phrase"), MB_OK);
    assert_int_equal(store_post_private(store, f->alice, "alice only", &id), MB_OK);
    store_close(store);
    char *before = testutil_dump(f->path);

    enum store_mode modes[] = { STORE_MODE_SHARED, STORE_MODE_RESTRICTED };
    for (size_t i = 0; i < 2; i++) {
        /* bob, even as an admin, neither unlocks nor writes alice's. */
        store = testutil_open_as(f->path, modes[i], "bob", true);
        assert_int_equal(store_private_unlock(store, f->alice, "alice's phrase"), MB_DENIED);
        assert_false(store_private_unlocked(store, f->alice));
        assert_int_equal(store_post_private(store, f->alice, "as alice", NULL), MB_DENIED);
        expect_body(store, f->alice, id, STORE_PRIVATE_PLACEHOLDER, true);
        store_close(store);
        char *after = testutil_dump(f->path);
        assert_string_equal(before, after);
        free(after);
        store = testutil_open_as(f->path, modes[i], "alice", false);
        assert_int_equal(store_private_unlock(store, f->alice, "alice's phrase"), MB_OK);
        expect_body(store, f->alice, id, "alice only", true);
        store_close(store);
    }
    free(before);
}

/* ---- the text never reaches the database ---- */

static bool file_holds(const char *path, const char *needle)
{
    size_t length = 0;
    char *data = testutil_read(path, &length);
    bool found = data != NULL && memmem(data, length, needle, strlen(needle)) != NULL;
    free(data);
    return found;
}

static void test_private_never_stored(void **state)
{
    struct fixture *f = *state;
    static const char secret[] = "zebrasecretword";
    static const char open_word[] = "zebraopenword";
    struct store *store = testutil_open(f->path);
    assert_int_equal(store_private_unlock(store, f->alice, "a passphrase"), MB_OK);
    for (int i = 0; i < 20; i++) {
        char *text = xasprintf("%s %d #%s @bob", secret, i, secret);
        assert_int_equal(store_post_private(store, f->alice, text, NULL), MB_OK);
        free(text);
    }
    char *text = xasprintf("%s #%s", open_word, open_word);
    post_at(store, f->bob, text, 0);
    free(text);
    if (testutil_postgres()) {
        /* Every row of every table that holds text, as text. */
        static const char *tables[] = { "post", "private_entry", "tag", "tag_count", "mention",
                                        "\"user\"" };
        for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
            char *query = xasprintf("SELECT count(*) FROM %s t WHERE t::text LIKE '%%%s%%';",
                                    tables[i], secret);
            expect_sql(f, query, "0\n");
            free(query);
        }
        expect_sql(f, "SELECT count(*) FROM post t WHERE t::text LIKE '%zebraopenword%' "
                      "AND t.search::text LIKE '%zebraopenword%';",
                   "1\n");
        expect_sql(f, "SELECT count(*) FROM tag WHERE tag = 'zebraopenword';", "1\n");
        store_close(store);
        return;
    }
    /* SQLite: the file and its -wal while open (the commits are in the
     * -wal), then the file alone after the close's checkpoint. */
    char *wal = xasprintf("%s-wal", f->path);
    bool open_found = file_holds(f->path, open_word) || file_holds(wal, open_word);
    assert_true(open_found);
    assert_false(file_holds(f->path, secret));
    assert_false(file_holds(wal, secret));
    store_close(store);
    assert_true(file_holds(f->path, open_word));
    assert_false(file_holds(f->path, secret));
    assert_false(file_holds(wal, secret));
    /* The search index's own tables, read through SQL too. */
    expect_sql(f, "SELECT count(*) FROM post_search_data WHERE block LIKE '%zebrasecret%';",
               "0\n");
    expect_sql(f, "SELECT count(*) FROM post_search WHERE post_search MATCH 'zebraopenword';",
               "1\n");
    expect_sql(f, "SELECT count(*) FROM post_search WHERE post_search MATCH 'zebrasecretword';",
               "0\n");
    free(wal);
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_tags_recorded),
        TEST(test_tags_fold_to_tag_words),
        TEST(test_tags_capped_and_edited),
        TEST(test_tag_list_and_pages),
        TEST(test_search),
        TEST(test_search_never_fails),
        TEST(test_search_folds_diacritics),
        TEST(test_plans),
        cmocka_unit_test(test_search_expression),
        cmocka_unit_test(test_body_tags),
        TEST(test_private_entries),
        TEST(test_private_moved),
        TEST(test_private_passphrase_length),
        TEST(test_private_key_floor),
        TEST(test_private_first_race),
        TEST(test_private_shared_modes),
        TEST(test_private_never_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
