/* The social store measured inside one process (`make bench`, item 8), on
 * the data set of bench/gen_social.sql (SQLite) or a db copy of it
 * (PostgreSQL): the following timeline's first and next page for a user
 * following 500 busy authors (user9001) and for one following 3 quiet
 * ones (user9002), beside the global first and next page; the conversation
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
 * Cases are measured in groups (the timelines, the conversation's first
 * page, the whole conversation, mentions with the post count, the counts
 * of newer posts): a group's rounds run each of its cases once, in order,
 * after one untimed round; each figure is the median over rounds, in
 * microseconds.
 *
 *   social DB|URL ROOT_POST_ID [ROUNDS]
 *
 * Prints "name median_us" lines, then "name_rows N" (rows a page returned,
 * or the count a count returned) for each case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

#define PAGE 50
#define THREAD_PAGE 500 /* cli/thread.c's */
#define CAP 99          /* NEW_POSTS_CAP and SESSION_UNREAD_CAP */

struct context {
    struct store *store;
    int64_t busy, quiet, many, few, root;
    struct post_cursor global_next, busy_next, quiet_next;
    struct post_cursor global_back, busy_back, quiet_back;
};

static void fail(struct store *store, const char *what)
{
    fprintf(stderr, "social: %s: %s\n", what, store_error(store));
    exit(1);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, compare_double);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* A page of the timeline of filter; *last (when not NULL) gets the cursor
 * of its item `at` (or of its last, when shorter). Returns the rows. */
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

static struct post_filter home(int64_t user)
{
    return (struct post_filter){ .following_of = user, .viewer_id = user };
}

static struct post_filter mentions(int64_t user)
{
    return (struct post_filter){ .mentioning = user, .viewer_id = user };
}

static int64_t global_first(struct context *c)
{
    return page(c->store, NULL, NULL, PAGE, 0, NULL);
}
static int64_t global_next(struct context *c)
{
    return page(c->store, NULL, &c->global_next, PAGE, 0, NULL);
}
static int64_t busy_first(struct context *c)
{
    struct post_filter filter = home(c->busy);
    return page(c->store, &filter, NULL, PAGE, 0, NULL);
}
static int64_t busy_next(struct context *c)
{
    struct post_filter filter = home(c->busy);
    return page(c->store, &filter, &c->busy_next, PAGE, 0, NULL);
}
static int64_t quiet_first(struct context *c)
{
    struct post_filter filter = home(c->quiet);
    return page(c->store, &filter, NULL, PAGE, 0, NULL);
}
static int64_t quiet_next(struct context *c)
{
    struct post_filter filter = home(c->quiet);
    return page(c->store, &filter, &c->quiet_next, PAGE, 0, NULL);
}
static int64_t mentions_many(struct context *c)
{
    struct post_filter filter = mentions(c->many);
    return page(c->store, &filter, NULL, PAGE, 0, NULL);
}
static int64_t mentions_few(struct context *c)
{
    struct post_filter filter = mentions(c->few);
    return page(c->store, &filter, NULL, PAGE, 0, NULL);
}

/* The conversation from its start, in pages of limit, at most pages of
 * them (as cli/thread.c reads it: the cursor is the last post read). */
static int64_t conversation(struct context *c, size_t limit, int pages)
{
    struct post_cursor cursor;
    int64_t rows = 0;
    for (int i = 0; i < pages; i++) {
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
static int64_t conversation_first(struct context *c)
{
    return conversation(c, PAGE, 1);
}
static int64_t conversation_whole(struct context *c)
{
    return conversation(c, THREAD_PAGE, 1000);
}

static int64_t unread(struct context *c, int64_t user)
{
    int64_t count = 0;
    if (store_mentions_unread(c->store, user, CAP, &count) != MB_OK)
        fail(c->store, "store_mentions_unread");
    return count;
}
static int64_t unread_many(struct context *c)
{
    return unread(c, c->many);
}
static int64_t unread_few(struct context *c)
{
    return unread(c, c->few);
}

static int64_t post_count(struct context *c)
{
    int64_t count = 0;
    if (store_post_count(c->store, 0, &count) != MB_OK)
        fail(c->store, "store_post_count");
    return count;
}

static int64_t newer(struct context *c, const struct post_filter *filter,
                     const struct post_cursor *after)
{
    int64_t count = 0;
    if (store_posts_count_newer(c->store, filter, after, CAP, &count) != MB_OK)
        fail(c->store, "store_posts_count_newer");
    return count;
}
static int64_t newer_global(struct context *c)
{
    return newer(c, NULL, &c->global_back);
}
static int64_t newer_busy(struct context *c)
{
    struct post_filter filter = home(c->busy);
    return newer(c, &filter, &c->busy_back);
}
static int64_t newer_quiet(struct context *c)
{
    struct post_filter filter = home(c->quiet);
    return newer(c, &filter, &c->quiet_back);
}

/* Cases of one group are interleaved round by round (a page beside its
 * floor, under the same load); the groups run one after the other, so
 * that one view's rows (the conversation's 1,000, say) do not push
 * another's out of SQLite's page cache between two of its rounds, which a
 * person going back to the same view would not see either. */
static const struct {
    const char *name;
    int group;
    int64_t (*run)(struct context *);
} cases[] = {
    { "global_first", 0, global_first },
    { "global_next", 0, global_next },
    { "busy_first", 0, busy_first },
    { "busy_next", 0, busy_next },
    { "quiet_first", 0, quiet_first },
    { "quiet_next", 0, quiet_next },
    { "conversation_first", 1, conversation_first },
    { "conversation_whole", 2, conversation_whole },
    { "mentions_many", 3, mentions_many },
    { "mentions_few", 3, mentions_few },
    { "unread_many", 3, unread_many },
    { "unread_few", 3, unread_few },
    { "post_count", 3, post_count },
    { "newer_global", 4, newer_global },
    { "newer_busy", 4, newer_busy },
    { "newer_quiet", 4, newer_quiet },
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
    c.busy = user_id(c.store, "user9001");
    c.quiet = user_id(c.store, "user9002");
    c.many = user_id(c.store, "user9003");
    c.few = user_id(c.store, "user9004");
    /* The next pages start after each first page; the counts of newer
     * posts start from the 150th newest (or the oldest, on a shorter
     * timeline), so that the cap is reached where there are enough. */
    struct post_filter busy = home(c.busy), quiet = home(c.quiet);
    page(c.store, NULL, NULL, PAGE, PAGE - 1, &c.global_next);
    page(c.store, &busy, NULL, PAGE, PAGE - 1, &c.busy_next);
    page(c.store, &quiet, NULL, PAGE, PAGE - 1, &c.quiet_next);
    page(c.store, NULL, NULL, 150, 149, &c.global_back);
    page(c.store, &busy, NULL, 150, 149, &c.busy_back);
    page(c.store, &quiet, NULL, 150, 149, &c.quiet_back);

    double *times = calloc((size_t)rounds * CASES, sizeof *times);
    int64_t rows[CASES] = { 0 };
    for (int group = 0; group <= cases[CASES - 1].group; group++)
        for (int round = -1; round < rounds; round++)
            for (int i = 0; i < CASES; i++) {
                if (cases[i].group != group)
                    continue;
                double start = now_us();
                int64_t got = cases[i].run(&c);
                double elapsed = now_us() - start;
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
        printf("%s %.1f\n", cases[i].name, median(times + (size_t)i * (size_t)rounds, rounds));
    for (int i = 0; i < CASES; i++)
        printf("%s_rows %lld\n", cases[i].name, (long long)rows[i]);
    free(times);
    store_close(c.store);
    return 0;
}
