/* The social store measured inside one process (`make bench`, item 8), on
 * the data set of bench/gen_social.sql (SQLite) or a db copy of it
 * (PostgreSQL): the following timeline's first and next page for a user
 * following 500 busy authors (user9001), for one following 3 quiet ones
 * (user9002) and for one following 30 as every other user does (user5000:
 * 20 busy, 10 quiet), beside the global first and next page; the conversation
 * of 1,000 replies (its first page of 50, and the whole of it in the pages
 * of 500 that `post show` reads); the mentions listing's first page and
 * store_mentions_unread (cap 99, the TUI's) for a user mentioned 10,000
 * times on 1M (user9003) and one mentioned 5 times (user9004);
 * store_posts_count_newer (cap 99, the TUI's) on the global, busy and
 * quiet timelines; and store_post_count, the O(1) reference. Everything
 * goes through the public store API, as the TUI calls it: its 256 KiB
 * page cache, and viewer_id set as the Home and Mentions views set it (the
 * mute probe is paid too).
 *
 * Cases are measured in groups (the global, busy and quiet timelines; the
 * typical one; the conversation's first page; the whole conversation;
 * mentions with the post count; the counts of newer posts): a group's
 * rounds run each of its cases once, in order, after one untimed round;
 * each figure is the median over rounds, in microseconds.
 *
 *   social DB|URL ROOT_POST_ID [ROUNDS]
 *
 * Prints "name median_us" lines, then "name_rows N" (rows a page returned,
 * or the count a count returned) for each case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure.h"
#include "store/store.h"

#define PAGE 50
#define THREAD_PAGE 500 /* cli/thread.c's */
#define CAP 99          /* NEW_POSTS_CAP and SESSION_UNREAD_CAP */

/* The timelines measured: every post, and the Home of the two followers. */
enum timeline { GLOBAL, BUSY, QUIET, TYPICAL, TIMELINES };

struct context {
    struct store *store;
    int64_t many, few, root;
    struct post_filter filter[TIMELINES];
    struct post_cursor next[TIMELINES]; /* after each first page */
    struct post_cursor back[TIMELINES]; /* the 150th newest, or the oldest */
};

static void fail(struct store *store, const char *what)
{
    fprintf(stderr, "social: %s: %s\n", what, store_error(store));
    exit(1);
}

/* A page of filter (NULL: every post); *last (when not NULL) gets the
 * cursor of its item `at` (or of its last, when shorter). Returns the rows. */
static int64_t page(struct store *store, const struct post_filter *filter,
                    const struct post_cursor *cursor, size_t limit, size_t at,
                    struct post_cursor *last)
{
    struct post_list list = { 0 };
    if (store_posts_page(store, filter, cursor, PAGE_OLDER, limit, &list) != MB_OK)
        fail(store, "store_posts_page");
    if (last != NULL && list.count > 0) {
        const struct post *p = &list.items[at < list.count ? at : list.count - 1];
        *last = (struct post_cursor){ .timestamp = p->timestamp, .id = p->id };
    }
    int64_t rows = (int64_t)list.count;
    store_post_list_free(&list);
    return rows;
}

/* arg: a timeline; or it plus TIMELINES for its next page. */
static int64_t timeline_page(struct context *c, int arg)
{
    int which = arg % TIMELINES;
    return page(c->store, &c->filter[which], arg >= TIMELINES ? &c->next[which] : NULL, PAGE,
                0, NULL);
}

static int64_t newer(struct context *c, int which)
{
    int64_t count = 0;
    if (store_posts_count_newer(c->store, &c->filter[which], &c->back[which], CAP, &count) !=
        MB_OK)
        fail(c->store, "store_posts_count_newer");
    return count;
}

/* arg 1: the user mentioned 10,000 times; 0: 5 times. */
static int64_t mentions_page(struct context *c, int arg)
{
    int64_t user = arg ? c->many : c->few;
    struct post_filter filter = { .mentioning = user, .viewer_id = user };
    return page(c->store, &filter, NULL, PAGE, 0, NULL);
}

static int64_t unread(struct context *c, int arg)
{
    int64_t count = 0;
    if (store_mentions_unread(c->store, arg ? c->many : c->few, CAP, &count) != MB_OK)
        fail(c->store, "store_mentions_unread");
    return count;
}

static int64_t post_count(struct context *c, int arg)
{
    int64_t count = 0;
    if (store_post_count(c->store, 0, &count) != MB_OK)
        fail(c->store, "store_post_count");
    return count;
}

/* The conversation from its start in pages of limit (arg), to its end
 * when arg is THREAD_PAGE, as cli/thread.c reads it (the cursor is the
 * last post read); one page otherwise. */
static int64_t conversation(struct context *c, int arg)
{
    size_t limit = (size_t)arg;
    struct post_cursor cursor;
    int64_t rows = 0;
    for (int i = 0; i == 0 || limit == THREAD_PAGE; i++) {
        struct post_list list = { 0 };
        if (store_conversation(c->store, c->root, i == 0 ? NULL : &cursor, limit, &list) != MB_OK)
            fail(c->store, "store_conversation");
        size_t got = list.count;
        rows += (int64_t)got;
        if (got > 0)
            cursor = (struct post_cursor){ .timestamp = list.items[got - 1].timestamp,
                                           .id = list.items[got - 1].id };
        store_post_list_free(&list);
        if (got < limit)
            break;
    }
    return rows;
}

/* Cases of one group are interleaved round by round (a page beside its
 * floor, under the same load); the groups run one after the other, so
 * that one view's rows (the conversation's 1,000, say) do not push
 * another's out of the page cache between two of its rounds, which a
 * person going back to the same view would not see either. */
static const struct {
    const char *name;
    int group;
    int64_t (*run)(struct context *, int);
    int arg;
} cases[] = {
    { "global_first", 0, timeline_page, GLOBAL },
    { "global_next", 0, timeline_page, TIMELINES + GLOBAL },
    { "busy_first", 0, timeline_page, BUSY },
    { "busy_next", 0, timeline_page, TIMELINES + BUSY },
    { "quiet_first", 0, timeline_page, QUIET },
    { "quiet_next", 0, timeline_page, TIMELINES + QUIET },
    /* Alone: its ~1,500 rows would evict the pages of the others. */
    { "typical_first", 1, timeline_page, TYPICAL },
    { "typical_next", 1, timeline_page, TIMELINES + TYPICAL },
    { "conversation_first", 2, conversation, PAGE },
    { "conversation_whole", 3, conversation, THREAD_PAGE },
    { "mentions_many", 4, mentions_page, 1 },
    { "mentions_few", 4, mentions_page, 0 },
    { "unread_many", 4, unread, 1 },
    { "unread_few", 4, unread, 0 },
    { "post_count", 4, post_count, 0 },
    { "newer_global", 5, newer, GLOBAL },
    { "newer_busy", 5, newer, BUSY },
    { "newer_quiet", 5, newer, QUIET },
};
enum { CASES = sizeof cases / sizeof cases[0] };

static int64_t user_id(struct store *store, const char *name)
{
    struct user user = { 0 };
    if (store_user_get(store, name, &user) != MB_OK)
        fail(store, name);
    int64_t id = user.id;
    store_user_clear(&user);
    return id;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: social DB|URL ROOT_POST_ID [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 201;
    if (rounds < 1) {
        fprintf(stderr, "social: ROUNDS must be at least 1\n");
        return 2;
    }
    struct mb_error err = { { 0 } };
    struct store_options options = {
        .path = argv[1], .busy_timeout_ms = 5000, .migrate = STORE_MIGRATE_REFUSE,
        .password_strength = CRYPTO_STRENGTH_MINIMUM, .read_only = true,
        .cache_kib = 256, /* the TUI's (cli/open.c) */
    };
    struct context c = { .root = strtoll(argv[2], NULL, 10) };
    if (store_open(&options, &c.store, &err) != MB_OK) {
        fprintf(stderr, "social: %s\n", err.message);
        return 1;
    }
    static const char *const followers[TIMELINES] = {
        [BUSY] = "user9001", [QUIET] = "user9002", [TYPICAL] = "user5000",
    };
    for (int i = GLOBAL + 1; i < TIMELINES; i++) {
        int64_t id = user_id(c.store, followers[i]);
        c.filter[i] = (struct post_filter){ .following_of = id, .viewer_id = id };
    }
    c.many = user_id(c.store, "user9003");
    c.few = user_id(c.store, "user9004");
    /* The next pages start after each first page; the counts of newer
     * posts start from the 150th newest (or the oldest, on a shorter
     * timeline), so that the cap is reached where there are enough. */
    for (int i = 0; i < TIMELINES; i++) {
        page(c.store, &c.filter[i], NULL, PAGE, PAGE - 1, &c.next[i]);
        page(c.store, &c.filter[i], NULL, 150, 149, &c.back[i]);
    }

    double *times = calloc((size_t)rounds * CASES, sizeof *times);
    int64_t rows[CASES] = { 0 };
    for (int group = 0; group <= cases[CASES - 1].group; group++)
        for (int round = -1; round < rounds; round++)
            for (int i = 0; i < CASES; i++) {
                if (cases[i].group != group)
                    continue;
                double start = measure_now_us();
                int64_t got = cases[i].run(&c, cases[i].arg);
                double elapsed = measure_now_us() - start;
                if (round < 0)
                    rows[i] = got;
                else if (got != rows[i]) {
                    fprintf(stderr, "social: %s gave %lld, then %lld\n", cases[i].name,
                            (long long)rows[i], (long long)got);
                    return 1;
                } else
                    times[(size_t)i * (size_t)rounds + (size_t)round] = elapsed;
            }
    for (int i = 0; i < CASES; i++)
        printf("%s %.1f\n", cases[i].name,
               measure_median(times + (size_t)i * (size_t)rounds, rounds));
    for (int i = 0; i < CASES; i++)
        printf("%s_rows %lld\n", cases[i].name, (long long)rows[i]);
    free(times);
    store_close(c.store);
    return 0;
}
