/* Keyset pages measured inside one process, where microseconds are not
 * drowned by process start-up: store_posts_page() for the newest 50 posts,
 * a user's newest 50, and the 50 after a post deep in the timeline (the
 * cursor of `--before ID`), each beside the same statement run on a bare
 * SQLite connection: the SQL and parameters the store builds for that page
 * (store_posts_sql), prepared once, 50 rows stepped, the columns read as
 * the store's row reader reads them (integers; the author, body and the
 * answered post's author copied). So the floor does the store's work in
 * SQL and the row measures only what the store adds around it. Rounds
 * interleave all six, after one untimed round; each figure is the median
 * over rounds, in microseconds.
 *
 * This file includes <sqlite3.h> outside store/ on purpose (the floor is
 * SQLite with nothing of ours around it), and store/post_query.h for the
 * store's SQL.
 *
 *   pages DB USER_ID DEEP_POST_ID [ROUNDS]
 *
 * Prints "name median_us" lines: first, first_floor, user, user_floor,
 * deep, deep_floor. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/measure.h"
#include "store/post_query.h"

#define LIMIT 50

/* A page's statement on the bare connection, with its parameters. */
struct floor {
    sqlite3_stmt *stmt;
    int64_t params[STORE_PAGE_PARAMS];
    size_t count;
};

static size_t ours(struct store *store, int64_t user_id, const struct post_cursor *cursor)
{
    struct post_list list = { 0 };
    if (store_posts_page(store, &(struct post_filter){ .author_id = user_id }, cursor, PAGE_OLDER, LIMIT, &list) != MB_OK) {
        fprintf(stderr, "pages: %s\n", store_error(store));
        exit(1);
    }
    size_t count = list.count;
    store_post_list_free(&list);
    return count;
}

static size_t bare(struct floor *floor)
{
    sqlite3_stmt *stmt = floor->stmt;
    sqlite3_reset(stmt);
    for (size_t i = 0; i < floor->count; i++)
        sqlite3_bind_int64(stmt, (int)i + 1, floor->params[i]);
    size_t count = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        /* What read_post does: the integers, the texts copied. */
        volatile int64_t sum = 0;
        for (int c = 0; c < sqlite3_column_count(stmt); c++)
            if (sqlite3_column_type(stmt, c) == SQLITE_TEXT)
                free(strdup((const char *)sqlite3_column_text(stmt, c)));
            else
                sum += sqlite3_column_int64(stmt, c);
        (void)sum;
        count++;
    }
    sqlite3_reset(stmt);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: pages DB USER_ID DEEP_POST_ID [ROUNDS]\n");
        return 2;
    }
    int64_t user_id = strtoll(argv[2], NULL, 10);
    int64_t deep_id = strtoll(argv[3], NULL, 10);
    int rounds = argc > 4 ? atoi(argv[4]) : 201;
    struct mb_error err = { { 0 } };
    struct store_options options = {
        .path = argv[1], .busy_timeout_ms = 5000, .migrate = STORE_MIGRATE_REFUSE,
        .password_strength = CRYPTO_STRENGTH_MINIMUM, .read_only = true,
    };
    struct store *store = NULL;
    if (store_open(&options, &store, &err) != MB_OK) {
        fprintf(stderr, "pages: %s\n", err.message);
        return 1;
    }
    struct post deep = { 0 };
    if (store_post_get(store, deep_id, &deep) != MB_OK) {
        fprintf(stderr, "pages: %s\n", store_error(store));
        return 1;
    }
    struct post_cursor cursor = { .timestamp = deep.timestamp, .id = deep.id };
    store_post_clear(&deep);

    sqlite3 *db = NULL;
    struct floor floors[3] = { 0 };
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    for (int i = 0; i < 3; i++) {
        char *text = NULL;
        if (store_posts_sql(store, &(struct post_filter){ .author_id = i == 1 ? user_id : 0 },
                            i == 2 ? &cursor : NULL, PAGE_OLDER, LIMIT, &text, floors[i].params,
                            &floors[i].count) != MB_OK) {
            fprintf(stderr, "pages: %s\n", store_error(store));
            return 1;
        }
        if (sqlite3_prepare_v3(db, text, -1, SQLITE_PREPARE_PERSISTENT, &floors[i].stmt, NULL)
            != SQLITE_OK) {
            fprintf(stderr, "pages: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        free(text);
    }

    static const char *const names[6] = { "first", "first_floor", "user", "user_floor",
                                          "deep", "deep_floor" };
    double *times[6];
    for (int i = 0; i < 6; i++)
        times[i] = calloc((size_t)rounds, sizeof **times);
    for (int round = -1; round < rounds; round++) {
        for (int i = 0; i < 6; i++) {
            int kind = i / 2;
            int64_t uid = kind == 1 ? user_id : 0;
            const struct post_cursor *c = kind == 2 ? &cursor : NULL;
            double start = measure_now_us();
            size_t got = i % 2 == 0 ? ours(store, uid, c) : bare(&floors[kind]);
            double elapsed = measure_now_us() - start;
            if (got != LIMIT) {
                fprintf(stderr, "pages: %s returned %zu rows\n", names[i], got);
                return 1;
            }
            if (round >= 0)
                times[i][round] = elapsed;
        }
    }
    for (int i = 0; i < 6; i++)
        printf("%s %.1f\n", names[i], measure_median(times[i], rounds));
    for (int i = 0; i < 3; i++)
        sqlite3_finalize(floors[i].stmt);
    sqlite3_close(db);
    store_close(store);
    return 0;
}
