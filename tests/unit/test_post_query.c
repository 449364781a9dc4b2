/* Reading posts (store/post_query.c): every post_filter field narrows a
 * page and they combine; keyset pages in both directions never skip nor
 * repeat a post, also among posts of one timestamp; muted authors are gone
 * from the viewer's pages; since is inclusive and until exclusive; the
 * following timeline gives the same posts whichever index it walks (both
 * checked against a brute-force reference on random data) and chooses the
 * merge for a few quiet authors and the time index for busy ones;
 * conversations come oldest first in keyset pages; the count of newer
 * posts stops at its cap; a post read alone carries its reply, thread and
 * edit fields, a user their profile; and a revision-0002 database with
 * data upgrades to head with its posts readable through all of these; a
 * db copy into PostgreSQL leaves the planner's statistics.
 * On both backends: tests/run.sh runs it on SQLite files
 * (unit/test_post_query) and on its private PostgreSQL cluster
 * (unit-pg/test_post_query). */
#include "tests/unit/testutil.h"

#include "store/post_query.h"
#include "store/queries.h"

struct fixture {
    char *dir;
    char *path;
    struct store *store;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir();
    f->path = testutil_new_db(f->dir, "posts.db");
    f->store = testutil_open(f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_test_following_strategy(STORE_FOLLOWING_CHOOSE);
    store_close(f->store);
    testutil_rmtree(f->dir);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

#define expect_ok(store, call)                                                     \
    do {                                                                           \
        enum mb_status status_ = (call);                                           \
        if (status_ != MB_OK)                                                      \
            fail_msg("%s: %d %s", #call, (int)status_, store_error(store));        \
    } while (0)

/* Runs SQL written for both engines (the store's own query op), for rows
 * the API has no call for here: follows, mutes, mentions, replies. */
static void sql(struct store *store, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char text[1024];
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    struct store_query query = { .slot = -1, .sql = text, .what = "test" };
    expect_ok(store, store->backend->query(store, &query, NULL, 0, NULL, NULL, NULL));
}

static int64_t user(struct store *store, const char *name)
{
    int64_t id = 0;
    expect_ok(store, store_user_add(store, name, NULL, NULL, &id));
    return id;
}

static int64_t post(struct store *store, int64_t author, int64_t timestamp)
{
    int64_t id = 0;
    char body[32];
    snprintf(body, sizeof body, "at %lld", (long long)timestamp);
    expect_ok(store, store_post_add(store, author, body, timestamp, &id));
    return id;
}

/* Every page of filter in `direction`, `limit` at a time, as ids newest
 * first (pages of PAGE_NEWER are put back in that order); at most max. */
static size_t walk(struct store *store, const struct post_filter *filter,
                   enum page_direction direction, size_t limit, int64_t *ids, size_t max)
{
    size_t n = 0;
    struct post_cursor cursor;
    bool have = false;
    for (;;) {
        struct post_list page = { 0 };
        expect_ok(store, store_posts_page(store, filter, have ? &cursor : NULL, direction, limit,
                                          &page));
        assert_true(page.count <= limit);
        for (size_t i = 0; i < page.count; i++) {
            /* Every page newest first. */
            if (i > 0)
                assert_true(page.items[i - 1].timestamp > page.items[i].timestamp ||
                            (page.items[i - 1].timestamp == page.items[i].timestamp &&
                             page.items[i - 1].id > page.items[i].id));
            size_t at = direction == PAGE_OLDER ? i : page.count - 1 - i;
            assert_true(n < max);
            ids[n++] = page.items[at].id;
        }
        if (page.count == 0) {
            store_post_list_free(&page);
            break;
        }
        struct post *edge = direction == PAGE_OLDER ? &page.items[page.count - 1]
                                                    : &page.items[0];
        cursor = (struct post_cursor){ edge->timestamp, edge->id };
        have = true;
        store_post_list_free(&page);
    }
    if (direction == PAGE_NEWER)
        for (size_t i = 0; i < n / 2; i++) {
            int64_t swap = ids[i];
            ids[i] = ids[n - 1 - i];
            ids[n - 1 - i] = swap;
        }
    return n;
}

static void expect_ids(const int64_t *got, size_t got_count, const int64_t *want,
                       size_t want_count, const char *what)
{
    if (got_count != want_count)
        fail_msg("%s: %zu posts, expected %zu", what, got_count, want_count);
    for (size_t i = 0; i < want_count; i++)
        if (got[i] != want[i])
            fail_msg("%s: post %zu is %lld, expected %lld", what, i, (long long)got[i],
                     (long long)want[i]);
}

/* Both directions, in pages of 1, 2 and 7, give exactly want. */
static void expect_filter(struct store *store, const struct post_filter *filter,
                          const int64_t *want, size_t want_count, const char *what)
{
    int64_t got[600];
    static const size_t limits[] = { 1, 2, 7 };
    for (size_t l = 0; l < 3; l++) {
        size_t n = walk(store, filter, PAGE_OLDER, limits[l], got, 600);
        expect_ids(got, n, want, want_count, what);
        n = walk(store, filter, PAGE_NEWER, limits[l], got, 600);
        expect_ids(got, n, want, want_count, what);
    }
}

/* ---- a small hand-made world ---- */

struct world {
    int64_t ann, bob, cat, dan;
    int64_t p[12];
};

/* ann, bob, cat, dan; ann follows bob; dan mutes bob; posts at 100..160
 * with ties (p[3], p[4], p[5] all at 130); cat mentions ann in p[6] and
 * p[9], bob mentions ann in p[3]. */
static void make_world(struct store *store, struct world *w)
{
    w->ann = user(store, "ann");
    w->bob = user(store, "bob");
    w->cat = user(store, "cat");
    w->dan = user(store, "dan");
    static const struct {
        int who;
        int64_t ts;
    } rows[12] = {
        {0, 100}, {1, 110}, {2, 120}, {1, 130}, {0, 130}, {2, 130},
        {2, 140}, {3, 150}, {1, 150}, {2, 160}, {0, 160}, {1, 170},
    };
    int64_t who[4] = { w->ann, w->bob, w->cat, w->dan };
    for (int i = 0; i < 12; i++)
        w->p[i] = post(store, who[rows[i].who], rows[i].ts);
    sql(store, "INSERT INTO follow (follower_id, followed_id, created_at) VALUES (%lld, %lld, 1)",
        (long long)w->ann, (long long)w->bob);
    sql(store, "INSERT INTO mute (user_id, muted_id, created_at) VALUES (%lld, %lld, 1)",
        (long long)w->dan, (long long)w->bob);
    int mentioned[3] = { 3, 6, 9 };
    for (int i = 0; i < 3; i++)
        sql(store, "INSERT INTO mention (user_id, timestamp, post_id) "
                   "SELECT %lld, p.timestamp, p.id FROM post p WHERE p.id = %lld",
            (long long)w->ann, (long long)w->p[mentioned[i]]);
}

#define IDS(...) (int64_t[]){ __VA_ARGS__ }, sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)

static void test_filters_alone_and_combined(void **state)
{
    struct fixture *f = *state;
    struct world w;
    make_world(f->store, &w);
    int64_t *p = w.p;
    /* Everything, newest first; ties by id. */
    expect_filter(f->store, NULL, IDS(p[11], p[10], p[9], p[8], p[7], p[6], p[5], p[4], p[3],
                                      p[2], p[1], p[0]), "all");
    expect_filter(f->store, &(struct post_filter){ .author_id = w.bob },
                  IDS(p[11], p[8], p[3], p[1]), "bob's");
    expect_filter(f->store, &(struct post_filter){ .following_of = w.ann },
                  IDS(p[11], p[10], p[8], p[4], p[3], p[1], p[0]), "ann's home");
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann },
                  IDS(p[9], p[6], p[3]), "mentioning ann");
    expect_filter(f->store, &(struct post_filter){ .viewer_id = w.dan },
                  IDS(p[10], p[9], p[7], p[6], p[5], p[4], p[2], p[0]), "dan's view");
    /* since inclusive, until exclusive. */
    expect_filter(f->store, &(struct post_filter){ .since = 130, .until = 160 },
                  IDS(p[8], p[7], p[6], p[5], p[4], p[3]), "130 <= t < 160");
    /* Combined. */
    expect_filter(f->store, &(struct post_filter){ .following_of = w.ann, .viewer_id = w.dan },
                  IDS(p[10], p[4], p[0]), "ann's home as dan sees it");
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann, .author_id = w.cat },
                  IDS(p[9], p[6]), "cat's mentioning ann");
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann, .following_of = w.ann },
                  IDS(p[3]), "mentioning ann in ann's home");
    expect_filter(f->store, &(struct post_filter){ .author_id = w.cat, .following_of = w.ann },
                  NULL, 0, "cat is not followed");
    expect_filter(f->store, &(struct post_filter){ .author_id = w.bob, .viewer_id = w.dan },
                  NULL, 0, "bob muted");
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann, .since = 140,
                                                   .until = 161 },
                  IDS(p[9], p[6]), "mentions in [140, 161)");
    expect_filter(f->store, &(struct post_filter){ .author_id = w.bob, .since = 110,
                                                   .until = 150 },
                  IDS(p[3], p[1]), "bob's in [110, 150)");
    /* Both strategies of the following timeline, with bounds. */
    for (int s = STORE_FOLLOWING_SCAN; s <= STORE_FOLLOWING_MERGE; s++) {
        store_test_following_strategy((enum store_following_strategy)s);
        expect_filter(f->store, &(struct post_filter){ .following_of = w.ann, .since = 110,
                                                       .until = 170 },
                      IDS(p[10], p[8], p[4], p[3], p[1]), "ann's home in [110, 170)");
    }
    /* A search with mentions (every post says "at TS"): a common word
     * walks the mentions and probes the search (12 matches, 3 mentions),
     * a rare one walks its matches. Search and tags otherwise are
     * tests/unit/test_journal.c's. */
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann, .search = "at" },
                  IDS(p[9], p[6], p[3]), "mentioning ann, with 'at'");
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann, .search = "160" },
                  IDS(p[9]), "mentioning ann, with '160'");
    expect_filter(f->store, &(struct post_filter){ .mentioning = w.ann, .search = "160",
                                                   .viewer_id = w.dan, .author_id = w.cat },
                  IDS(p[9]), "cat's mentioning ann with '160', as dan sees it");
}

/* A page starting at a cursor inside a run of equal timestamps. */
static void test_keyset_inside_equal_timestamps(void **state)
{
    struct fixture *f = *state;
    int64_t a = user(f->store, "ann");
    int64_t ids[9];
    for (int i = 0; i < 9; i++)
        ids[i] = post(f->store, a, i < 2 ? 50 : i < 7 ? 60 : 70);
    struct post_list page = { 0 };
    struct post_cursor at = { 60, ids[4] };
    expect_ok(f->store, store_posts_page(f->store, NULL, &at, PAGE_OLDER, 3, &page));
    assert_int_equal(page.count, 3);
    assert_int_equal(page.items[0].id, ids[3]);
    assert_int_equal(page.items[1].id, ids[2]);
    assert_int_equal(page.items[2].id, ids[1]);
    store_post_list_free(&page);
    expect_ok(f->store, store_posts_page(f->store, NULL, &at, PAGE_NEWER, 3, &page));
    assert_int_equal(page.count, 3);
    assert_int_equal(page.items[0].id, ids[7]);
    assert_int_equal(page.items[1].id, ids[6]);
    assert_int_equal(page.items[2].id, ids[5]);
    store_post_list_free(&page);
    expect_ok(f->store, store_posts_page(f->store, &(struct post_filter){ .author_id = a }, &at,
                                         PAGE_NEWER, 1, &page));
    assert_int_equal(page.count, 1);
    assert_int_equal(page.items[0].id, ids[5]);
    store_post_list_free(&page);
    expect_ok(f->store, store_posts_page(f->store, NULL, NULL, PAGE_OLDER, 0, &page));
    assert_int_equal(page.count, 0);
}

/* ---- random data against a brute-force reference ---- */

#define R_USERS 8
#define R_POSTS 300

/* Words of the posts' bodies, for the searches: post i has word w when
 * bit w of words[i] is set. */
static const char *const r_words[] = { "alpha", "beta", "gamma" };

struct random_world {
    int64_t users[R_USERS];
    int64_t ids[R_POSTS], ts[R_POSTS];
    int author[R_POSTS];
    unsigned words[R_POSTS];
    bool follows[R_USERS][R_USERS], mutes[R_USERS][R_USERS];
};

/* What the reference keeps: the home of user `home` (-1: everyone's
 * posts), as viewer v sees them (-1: nobody), in [since, until) (0: no
 * bound), with word `word` (-1: any). */
struct reference_filter {
    int home, viewer, author; /* author: -1 any */
    int64_t since, until;
    int word;
};

/* The posts the filter keeps, newest first. */
static size_t reference_of(const struct random_world *r, const struct reference_filter *q,
                           int64_t *out)
{
    int u = q->home, v = q->viewer;
    int64_t since = q->since, until = q->until;
    size_t n = 0;
    for (int i = 0; i < R_POSTS; i++) {
        int a = r->author[i];
        if (u >= 0 && a != u && !r->follows[u][a])
            continue;
        if (q->author >= 0 && a != q->author)
            continue;
        if (q->word >= 0 && !(r->words[i] & (1u << q->word)))
            continue;
        if (v >= 0 && r->mutes[v][a])
            continue;
        if ((since != 0 && r->ts[i] < since) || (until != 0 && r->ts[i] >= until))
            continue;
        out[n++] = i;
    }
    /* Insertion sort by (ts, id) descending, then indexes to ids. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            int64_t x = out[j - 1], y = out[j];
            if (r->ts[x] > r->ts[y] || (r->ts[x] == r->ts[y] && r->ids[x] > r->ids[y]))
                break;
            out[j - 1] = y;
            out[j] = x;
        }
    for (size_t i = 0; i < n; i++)
        out[i] = r->ids[out[i]];
    return n;
}

/* The posts of u's home as viewer v sees them (v < 0: nobody), in
 * [since, until) (0: no bound), newest first. */
static size_t reference(const struct random_world *r, int u, int v, int64_t since, int64_t until,
                        int64_t *out)
{
    struct reference_filter q = { .home = u, .viewer = v, .author = -1, .since = since,
                                  .until = until, .word = -1 };
    return reference_of(r, &q, out);
}

/* Users, R_POSTS posts with few distinct timestamps (many ties; users
 * 0..1 busy, 6..7 quiet) and random words, follows and mutes. */
static void random_world_fill(struct store *store, struct random_world *r)
{
    for (int u = 0; u < R_USERS; u++) {
        char name[24];
        snprintf(name, sizeof name, "user%d", u);
        r->users[u] = user(store, name);
    }
    expect_ok(store, store_batch_begin(store));
    for (int i = 0; i < R_POSTS; i++) {
        int a = rand() % 10;
        r->author[i] = a < 6 ? a % 2 : a - 4 < R_USERS ? a - 4 : 7;
        if (rand() % 20 == 0)
            r->author[i] = 6 + rand() % 2;
        r->ts[i] = 1000 + rand() % 40;
        r->words[i] = (unsigned)(rand() % 8);
        char body[64];
        snprintf(body, sizeof body, "at %lld%s%s%s", (long long)r->ts[i],
                 r->words[i] & 1 ? " alpha" : "", r->words[i] & 2 ? " beta" : "",
                 r->words[i] & 4 ? " gamma" : "");
        expect_ok(store, store_post_add(store, r->users[r->author[i]], body, r->ts[i],
                                        &r->ids[i]));
    }
    expect_ok(store, store_batch_commit(store));
    for (int u = 0; u < R_USERS; u++)
        for (int v = 0; v < R_USERS; v++) {
            if (u == v)
                continue;
            if (rand() % 3 == 0) {
                r->follows[u][v] = true;
                sql(store, "INSERT INTO follow (follower_id, followed_id, created_at) "
                           "VALUES (%lld, %lld, 1)",
                    (long long)r->users[u], (long long)r->users[v]);
            }
            if (rand() % 5 == 0) {
                r->mutes[u][v] = true;
                sql(store, "INSERT INTO mute (user_id, muted_id, created_at) "
                           "VALUES (%lld, %lld, 1)",
                    (long long)r->users[u], (long long)r->users[v]);
            }
        }
}

static void test_following_strategies_match_reference(void **state)
{
    struct fixture *f = *state;
    struct random_world *r = xcalloc(1, sizeof *r);
    srand(11);
    random_world_fill(f->store, r);
    int64_t *want = xcalloc(R_POSTS, sizeof *want), *got = xcalloc(R_POSTS, sizeof *got);
    for (int s = STORE_FOLLOWING_SCAN; s <= STORE_FOLLOWING_MERGE; s++) {
        store_test_following_strategy((enum store_following_strategy)s);
        for (int u = 0; u < R_USERS; u++)
            for (int round = 0; round < 3; round++) {
                int v = round == 0 ? -1 : round == 1 ? u : rand() % R_USERS;
                int64_t since = round == 2 ? 1000 + rand() % 20 : 0;
                int64_t until = round == 2 ? 1020 + rand() % 21 : 0;
                struct post_filter filter = {
                    .following_of = r->users[u],
                    .viewer_id = v >= 0 ? r->users[v] : 0,
                    .since = since,
                    .until = until,
                };
                size_t n = reference(r, u, v, since, until, want);
                char what[160];
                snprintf(what, sizeof what, "strategy %d, user%d's home seen by %d in [%lld, %lld)",
                         s, u, v, (long long)since, (long long)until);
                size_t limit = (size_t)(1 + rand() % 9);
                size_t count = walk(f->store, &filter, PAGE_OLDER, limit, got, R_POSTS);
                expect_ids(got, count, want, n, what);
                count = walk(f->store, &filter, PAGE_NEWER, limit, got, R_POSTS);
                expect_ids(got, count, want, n, what);
                /* The count of newer posts from the oldest: all, or the cap. */
                int64_t newer = -1;
                expect_ok(f->store, store_posts_count_newer(f->store, &filter, NULL, 5, &newer));
                assert_int_equal(newer, n < 5 ? (int64_t)n : 5);
            }
    }
    free(want);
    free(got);
    free(r);
}

/* A search gives, alone and with every other filter, exactly the posts
 * with the word newest first, in keyset pages both ways among many ties
 * (SQLite: its index's key order; PostgreSQL: both of its ways); then
 * after edits and deletions. */
static void search_matches_reference(struct store *store, struct random_world *r,
                                     const char *what)
{
    int64_t *want = xcalloc(R_POSTS, sizeof *want), *got = xcalloc(R_POSTS, sizeof *got);
    for (int word = 0; word < 3; word++)
        for (int round = 0; round < 8; round++) {
            struct reference_filter q = {
                .home = round == 3 ? rand() % R_USERS : -1,
                /* Busy authors (0, 1: the matches walked) and quiet ones
                 * (6, 7: their own posts walked, the search probed). */
                .author = round == 6 ? rand() % 2 : round == 7 ? 6 + rand() % 2 : -1,
                .viewer = round == 1 || round == 4 ? rand() % R_USERS : -1,
                .since = round >= 2 ? 1000 + rand() % 20 : 0,
                .until = round >= 2 ? 1020 + rand() % 21 : 0,
                .word = word,
            };
            struct post_filter filter = {
                .search = r_words[word],
                .following_of = q.home >= 0 ? r->users[q.home] : 0,
                .author_id = q.author >= 0 ? r->users[q.author] : 0,
                .viewer_id = q.viewer >= 0 ? r->users[q.viewer] : 0,
                .since = q.since,
                .until = q.until,
            };
            size_t n = reference_of(r, &q, want);
            char text[200];
            snprintf(text, sizeof text, "%s: '%s', home %d, viewer %d, author %d, [%lld, %lld)",
                     what, r_words[word], q.home, q.viewer, q.author, (long long)q.since,
                     (long long)q.until);
            size_t limit = (size_t)(1 + rand() % 9);
            size_t count = walk(store, &filter, PAGE_OLDER, limit, got, R_POSTS);
            expect_ids(got, count, want, n, text);
            count = walk(store, &filter, PAGE_NEWER, limit, got, R_POSTS);
            expect_ids(got, count, want, n, text);
            int64_t newer = -1;
            expect_ok(store, store_posts_count_newer(store, &filter, NULL, 5, &newer));
            assert_int_equal(newer, n < 5 ? (int64_t)n : 5);
        }
    free(want);
    free(got);
}

static void test_search_matches_reference(void **state)
{
    struct fixture *f = *state;
    struct random_world *r = xcalloc(1, sizeof *r);
    srand(12);
    random_world_fill(f->store, r);
    static const int64_t walks[] = { 0, -1, 1 };
    for (size_t w = 0; w < sizeof walks / sizeof walks[0]; w++) {
        store_test_search_walk(walks[w]);
        search_matches_reference(f->store, r, "as written");
    }
    store_test_search_walk(0);
    /* Edits change words (and keep the posts' places), deletions leave
     * no match behind. */
    for (int i = 0; i < R_POSTS; i += 7) {
        r->words[i] = (r->words[i] + 3) % 8;
        char body[64];
        snprintf(body, sizeof body, "at %lld%s%s%s", (long long)r->ts[i],
                 r->words[i] & 1 ? " alpha" : "", r->words[i] & 2 ? " beta" : "",
                 r->words[i] & 4 ? " gamma" : "");
        expect_ok(f->store, store_post_edit(f->store, r->ids[i], r->users[r->author[i]], body));
    }
    for (int i = 3; i < R_POSTS; i += 11) {
        expect_ok(f->store, store_post_delete(f->store, r->ids[i]));
        r->words[i] = 0;
    }
    search_matches_reference(f->store, r, "after edits and deletions");
    free(r);
}

/* Within one second a search lists posts by id, also past ids 2^20 apart
 * (SQLite: one slot of the second each, the second's keys given again
 * when no slot lies between a post's neighbours), and a cursor whose post
 * is gone or edited still lands between the same neighbours. */
static void test_search_order_within_a_second(void **state)
{
    struct fixture *f = *state;
    int64_t ann = user(f->store, "ann");
    int64_t low[5];
    for (int i = 0; i < 5; i++)
        expect_ok(f->store, store_post_add(f->store, ann, "the fox", 1000, &low[i]));
    int64_t early = 0;
    expect_ok(f->store, store_post_add(f->store, ann, "a fox before", 999, &early));
    /* Explicit ids sharing low bits with the first posts (1 + 2^20 ...),
     * and the last slot of a second (2^20 - 1, 2^21 - 1). */
    static const int64_t high[] = { 1048577, 2097153, 1048575, 2097151, 1048578, 3145729 };
    for (size_t i = 0; i < sizeof high / sizeof high[0]; i++)
        sql(f->store, "INSERT INTO post (id, body, timestamp, user_id) VALUES "
                      "(%lld, 'fox %zu', 1000, %lld)",
            (long long)high[i], i, (long long)ann);
    struct post_filter filter = { .search = "fox" };
    expect_filter(f->store, &filter,
                  IDS(3145729, 2097153, 2097151, 1048578, 1048577, 1048575, low[4], low[3],
                      low[2], low[1], low[0], early),
                  "one second, ids 2^20 apart");
    /* Pages from a cursor whose post was deleted, or edited. */
    expect_ok(f->store, store_post_delete(f->store, 1048577));
    expect_ok(f->store, store_post_edit(f->store, 2097151, ann, "fox edited"));
    struct post_list page = { 0 };
    expect_ok(f->store, store_posts_page(f->store, &filter, &(struct post_cursor){ 1000, 1048577 },
                                         PAGE_OLDER, 2, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, 1048575);
    assert_int_equal(page.items[1].id, low[4]);
    store_post_list_free(&page);
    expect_ok(f->store, store_posts_page(f->store, &filter, &(struct post_cursor){ 1000, 1048577 },
                                         PAGE_NEWER, 2, &page));
    assert_int_equal(page.count, 2);
    assert_int_equal(page.items[0].id, 2097151);
    assert_int_equal(page.items[1].id, 1048578);
    store_post_list_free(&page);
    expect_filter(f->store, &filter,
                  IDS(3145729, 2097153, 2097151, 1048578, 1048575, low[4], low[3], low[2],
                      low[1], low[0], early),
                  "after a deletion and an edit");
}

/* The choice from the counts: a few quiet authors are merged, authors
 * who write most posts are filtered from the time index. */
static void test_following_chooses_by_counts(void **state)
{
    struct fixture *f = *state;
    int64_t busy[4], quiet[3];
    int64_t reader = user(f->store, "reader"), other = user(f->store, "other");
    char name[24];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "busy%d", i);
        busy[i] = user(f->store, name);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "quiet%d", i);
        quiet[i] = user(f->store, name);
    }
    expect_ok(f->store, store_batch_begin(f->store));
    for (int i = 0; i < 400; i++)
        post(f->store, busy[i % 4], 1000 + i);
    for (int i = 0; i < 3; i++)
        post(f->store, quiet[i], 1100 + i);
    expect_ok(f->store, store_batch_commit(f->store));
    for (int i = 0; i < 4; i++)
        sql(f->store, "INSERT INTO follow (follower_id, followed_id, created_at) "
                      "VALUES (%lld, %lld, 1)", (long long)reader, (long long)busy[i]);
    for (int i = 0; i < 3; i++)
        sql(f->store, "INSERT INTO follow (follower_id, followed_id, created_at) "
                      "VALUES (%lld, %lld, 1)", (long long)other, (long long)quiet[i]);
    bool merged = true;
    char *plan = NULL;
    expect_ok(f->store, store_posts_explain(f->store, &(struct post_filter){
                                                .following_of = reader },
                                            PAGE_OLDER, &merged, &plan));
    assert_false(merged);
    if (!testutil_postgres() && strstr(plan, "ix_post_timestamp") == NULL)
        fail_msg("the busy home does not walk ix_post_timestamp:\n%s", plan);
    free(plan);
    plan = NULL;
    expect_ok(f->store, store_posts_explain(f->store, &(struct post_filter){
                                                .following_of = other },
                                            PAGE_OLDER, &merged, &plan));
    assert_true(merged);
    if (!testutil_postgres() && strstr(plan, "ix_post_user_timestamp") == NULL)
        fail_msg("the quiet home does not walk ix_post_user_timestamp:\n%s", plan);
    free(plan);
    int64_t got[8];
    size_t n = walk(f->store, &(struct post_filter){ .following_of = other }, PAGE_OLDER, 2, got,
                    8);
    assert_int_equal(n, 3);
}

/* The index each page walks on SQLite: no table scan, no sort of the
 * whole table (PostgreSQL plans by the statistics of tiny tables here:
 * the figures of a big database are in the report of the change). */
static void test_pages_walk_their_index(void **state)
{
    struct fixture *f = *state;
    if (testutil_postgres()) {
        print_message("# SKIP SQLite only: PostgreSQL plans tiny tables by sequential scans\n");
        skip();
    }
    struct world w;
    make_world(f->store, &w);
    static const struct {
        struct post_filter filter;
        const char *index;
    } cases[] = {
        { { 0 }, "SEARCH p USING INDEX ix_post_timestamp (timestamp>? AND timestamp<?)" },
        { { .since = 5, .until = 9 }, "SEARCH p USING INDEX ix_post_timestamp (timestamp>? AND timestamp<?)" },
        { { .viewer_id = 4 }, "ix_post_timestamp" },
        { { .author_id = 2 }, "SEARCH p USING INDEX ix_post_user_timestamp (user_id=?" },
        { { .mentioning = 1 }, "SEARCH m USING PRIMARY KEY (user_id=?" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int d = 0; d < 2; d++) {
            bool merged;
            char *plan = NULL;
            expect_ok(f->store, store_posts_explain(f->store, &cases[i].filter,
                                                    d ? PAGE_NEWER : PAGE_OLDER, &merged,
                                                    &plan));
            if (strstr(plan, cases[i].index) == NULL || strstr(plan, "TEMP B-TREE") != NULL)
                fail_msg("case %zu: expected %s without a sort, got:\n%s", i, cases[i].index,
                         plan);
            free(plan);
        }
}

static void test_conversation_oldest_first_in_pages(void **state)
{
    struct fixture *f = *state;
    int64_t a = user(f->store, "ann"), b = user(f->store, "bob");
    int64_t before = post(f->store, a, 90);
    int64_t root = post(f->store, a, 100);
    int64_t r1 = post(f->store, b, 110);
    int64_t r2 = post(f->store, a, 110);
    int64_t other = post(f->store, b, 115);
    int64_t r3 = post(f->store, b, 120);
    sql(f->store, "UPDATE post SET reply_to = %lld, thread_id = %lld WHERE id = %lld",
        (long long)root, (long long)root, (long long)r1);
    sql(f->store, "UPDATE post SET reply_to = %lld, thread_id = %lld WHERE id IN (%lld, %lld)",
        (long long)r1, (long long)root, (long long)r2, (long long)r3);
    (void)before;
    (void)other;
    int64_t want[] = { root, r1, r2, r3 };
    int64_t from[] = { root, r2, r3 };
    for (size_t s = 0; s < 3; s++) {
        struct post_list page = { 0 };
        expect_ok(f->store, store_conversation(f->store, from[s], NULL, 10, &page));
        assert_int_equal(page.count, 4);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(page.items[i].id, want[i]);
        assert_int_equal(page.items[2].reply_to, r1);
        assert_string_equal(page.items[2].reply_to_author, "bob");
        assert_int_equal(page.items[2].thread_id, root);
        assert_null(page.items[0].reply_to_author);
        store_post_list_free(&page);
    }
    /* Pages of one after each cursor, across the tie at 110. */
    struct post_cursor *cursor = NULL, at;
    for (size_t i = 0; i < 5; i++) {
        struct post_list page = { 0 };
        expect_ok(f->store, store_conversation(f->store, r3, cursor, 1, &page));
        if (i == 4) {
            assert_int_equal(page.count, 0);
            break;
        }
        assert_int_equal(page.count, 1);
        assert_int_equal(page.items[0].id, want[i]);
        at = (struct post_cursor){ page.items[0].timestamp, page.items[0].id };
        cursor = &at;
        store_post_list_free(&page);
    }
    struct post_list page = { 0 };
    assert_int_equal(store_conversation(f->store, 9999, NULL, 10, &page), MB_NOT_FOUND);
    assert_string_equal(store_error(f->store), "no post with id 9999");
}

static void test_count_newer_stops_at_cap(void **state)
{
    struct fixture *f = *state;
    int64_t a = user(f->store, "ann"), b = user(f->store, "bob");
    int64_t first = post(f->store, a, 100);
    for (int i = 0; i < 10; i++)
        post(f->store, i % 2 ? a : b, 100 + i / 3);
    int64_t count = -1;
    struct post_cursor after = { 100, first };
    expect_ok(f->store, store_posts_count_newer(f->store, NULL, &after, 3, &count));
    assert_int_equal(count, 3);
    expect_ok(f->store, store_posts_count_newer(f->store, NULL, &after, 100, &count));
    assert_int_equal(count, 10);
    expect_ok(f->store, store_posts_count_newer(f->store, &(struct post_filter){ .author_id = a },
                                                &after, 100, &count));
    assert_int_equal(count, 5);
    expect_ok(f->store, store_posts_count_newer(f->store, &(struct post_filter){ .viewer_id = a },
                                                &after, 100, &count));
    assert_int_equal(count, 10);
    expect_ok(f->store, store_posts_count_newer(f->store, NULL, &after, 0, &count));
    assert_int_equal(count, 0);
    expect_ok(f->store, store_posts_count_newer(f->store, NULL, NULL, 100, &count));
    assert_int_equal(count, 11);
}

static void test_post_get_and_user_carry_new_fields(void **state)
{
    struct fixture *f = *state;
    int64_t a = user(f->store, "ann"), b = user(f->store, "bob");
    int64_t root = post(f->store, a, 100);
    int64_t reply = post(f->store, b, 110);
    sql(f->store, "UPDATE post SET reply_to = %lld, thread_id = %lld, edited_at = 150 "
                  "WHERE id = %lld", (long long)root, (long long)root, (long long)reply);
    sql(f->store, "UPDATE \"user\" SET about = 'hello there', last_seen = 1234 WHERE id = %lld",
        (long long)b);
    struct post p = { 0 };
    expect_ok(f->store, store_post_get(f->store, reply, &p));
    assert_int_equal(p.id, reply);
    assert_int_equal(p.user_id, b);
    assert_string_equal(p.author, "bob");
    assert_string_equal(p.body, "at 110");
    assert_int_equal(p.timestamp, 110);
    assert_int_equal(p.reply_to, root);
    assert_string_equal(p.reply_to_author, "ann");
    assert_int_equal(p.thread_id, root);
    assert_int_equal(p.edited_at, 150);
    store_post_clear(&p);
    expect_ok(f->store, store_post_get(f->store, root, &p));
    assert_int_equal(p.reply_to, 0);
    assert_null(p.reply_to_author);
    assert_int_equal(p.thread_id, 0);
    assert_int_equal(p.edited_at, 0);
    store_post_clear(&p);
    /* The answered post deleted: reply_to is NULL again (ON DELETE SET
     * NULL), the thread kept. */
    expect_ok(f->store, store_post_delete(f->store, root));
    expect_ok(f->store, store_post_get(f->store, reply, &p));
    assert_int_equal(p.reply_to, 0);
    assert_null(p.reply_to_author);
    assert_int_equal(p.thread_id, root);
    store_post_clear(&p);
    assert_int_equal(store_post_get(f->store, 9999, &p), MB_NOT_FOUND);
    assert_string_equal(store_error(f->store), "no post with id 9999");

    struct user u = { 0 };
    expect_ok(f->store, store_user_get(f->store, "bob", &u));
    assert_string_equal(u.about, "hello there");
    assert_int_equal(u.last_seen, 1234);
    assert_int_equal(u.post_count, 1);
    store_user_clear(&u);
    expect_ok(f->store, store_user_get_by_id(f->store, a, &u));
    assert_null(u.about);
    assert_int_equal(u.last_seen, 0);
    store_user_clear(&u);
    struct user_list list = { 0 };
    expect_ok(f->store, store_user_list(f->store, NULL, false, 10, &list));
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[1].about, "hello there");
    store_user_list_free(&list);
}

/* A database of revision 0002 (users and posts, as the release before
 * issue 11 writes them) upgrades to head at open with every post readable
 * through the new reads. */
static void test_revision_2_database_upgrades_with_posts(void **state)
{
    struct fixture *f = *state;
    int64_t a = user(f->store, "ann"), b = user(f->store, "bob");
    int64_t ids[6];
    for (int i = 0; i < 6; i++)
        ids[i] = post(f->store, i % 2 ? a : b, 200 + i / 2);
    expect_ok(f->store, store_downgrade(f->store, 2, NULL));
    int current = 0, head = 0;
    expect_ok(f->store, store_revision(f->store, &current, &head));
    assert_int_equal(current, 2);
    store_close(f->store);
    f->store = NULL;
    if (!testutil_postgres()) {
        /* A row written at revision 2 by hand, as the old release would. */
        char *out = testutil_shell("sqlite3 '%s' \"INSERT INTO post (body, timestamp, user_id) "
                                   "VALUES ('old one', 300, %lld); PRAGMA user_version;\" 2>&1",
                                   f->path, (long long)a);
        free(out);
        out = testutil_shell("sqlite3 '%s' 'SELECT count(*) FROM pragma_table_info(\"post\") "
                             "WHERE name = \"thread_id\"'",
                             f->path);
        assert_string_equal(out, "0\n");
        free(out);
    }
    f->store = testutil_open(f->path);
    expect_ok(f->store, store_revision(f->store, &current, &head));
    assert_int_equal(current, head);
    int64_t got[10];
    size_t n = walk(f->store, NULL, PAGE_OLDER, 4, got, 10);
    assert_int_equal(n, testutil_postgres() ? 6 : 7);
    n = walk(f->store, &(struct post_filter){ .author_id = a }, PAGE_NEWER, 2, got, 10);
    assert_int_equal(n, testutil_postgres() ? 3 : 4);
    struct post p = { 0 };
    expect_ok(f->store, store_post_get(f->store, ids[3], &p));
    assert_string_equal(p.author, "ann");
    assert_int_equal(p.timestamp, 201);
    assert_int_equal(p.reply_to, 0);
    assert_int_equal(p.thread_id, 0);
    store_post_clear(&p);
    struct post_list page = { 0 };
    expect_ok(f->store, store_conversation(f->store, ids[0], NULL, 10, &page));
    assert_int_equal(page.count, 1);
    assert_int_equal(page.items[0].id, ids[0]);
    store_post_list_free(&page);
    int64_t count = 0;
    expect_ok(f->store, store_posts_count_newer(f->store, &(struct post_filter){
                                                    .following_of = b },
                                                NULL, 10, &count));
    assert_int_equal(count, 3);
    struct user u = { 0 };
    expect_ok(f->store, store_user_get(f->store, "bob", &u));
    assert_null(u.about);
    assert_int_equal(u.post_count, 3);
    store_user_clear(&u);
}

/* A db copy into PostgreSQL leaves the planner statistics of what it
 * copied (copy_finish's ANALYZE): pg_class.reltuples is -1 for a table
 * never analyzed, and a fresh copy was planned as empty (a rare word's
 * search 40 ms instead of 0.4). SQLite keeps no statistics of its own. */
static void test_copy_into_postgres_gathers_statistics(void **state)
{
    struct fixture *f = *state;
    if (!testutil_postgres()) {
        print_message("# SKIP PostgreSQL only: db copy gathers PostgreSQL's planner statistics\n");
        skip();
    }
    char *path = xasprintf("%s/source.db", f->dir);
    struct store *source = testutil_open(path);
    int64_t a = user(source, "ann"), b = user(source, "bob");
    expect_ok(source, store_batch_begin(source));
    for (int i = 0; i < 300; i++)
        post(source, i % 3 ? a : b, 1000 + i);
    expect_ok(source, store_batch_commit(source));
    sql(source, "INSERT INTO follow (follower_id, followed_id, created_at) VALUES (%lld, %lld, 1)",
        (long long)a, (long long)b);
    struct copy_report report;
    expect_ok(f->store, store_copy(source, f->store, &report));
    assert_int_equal(report.posts, 300);
    static const char *const tables[] = { "post", "user", "follow", "post_count" };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char text[160];
        snprintf(text, sizeof text, "SELECT CAST(reltuples AS BIGINT) FROM pg_class "
                                    "WHERE oid = '\"%s\"'::regclass",
                 tables[i]);
        struct store_query query = { .slot = -1, .sql = text, .what = "test" };
        int64_t rows = -2;
        expect_ok(f->store, f->store->backend->query(f->store, &query, NULL, 0, store_row_ints,
                                                     &rows, NULL));
        if (rows < 1)
            fail_msg("%s: reltuples %lld after the copy (never analyzed)", tables[i],
                     (long long)rows);
    }
    store_close(source);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_filters_alone_and_combined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset_inside_equal_timestamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_matches_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_order_within_a_second, setup, teardown),
        cmocka_unit_test_setup_teardown(test_following_strategies_match_reference, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_following_chooses_by_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages_walk_their_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conversation_oldest_first_in_pages, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_count_newer_stops_at_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_get_and_user_carry_new_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_revision_2_database_upgrades_with_posts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_copy_into_postgres_gathers_statistics, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
