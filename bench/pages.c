/* Keyset pages measured inside one process, where microseconds are not
 * drowned by process start-up: store_posts_page() for the newest 50 posts,
 * a user's newest 50, and the 50 after a post deep in the timeline (the
 * cursor of `--before ID`), each beside the same SQL run on a bare SQLite
 * connection (prepared once, 50 rows stepped, text columns copied as the
 * store copies them). Rounds interleave all six, after one untimed round;
 * each figure is the median over rounds, in microseconds.
 *
 * This file includes <sqlite3.h> outside store/ on purpose: the floor is
 * SQLite with nothing of ours around it. The SQL is copied from the
 * statement table in store/store.c.
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
#include "store/store.h"

#define LIMIT 50

#define POST_COLUMNS \
    "SELECT p.id, p.user_id, (SELECT u.username FROM user u WHERE u.id = p.user_id), " \
    "p.body, p.timestamp FROM post p "

static const char *const floor_sql[3] = {
    POST_COLUMNS "ORDER BY p.timestamp DESC, p.id DESC LIMIT ?3",
    POST_COLUMNS "WHERE p.user_id = ?4 ORDER BY p.timestamp DESC, p.id DESC LIMIT ?3",
    POST_COLUMNS "WHERE p.timestamp <= ?1 AND (p.timestamp < ?1 OR p.id < ?2) "
                 "ORDER BY p.timestamp DESC, p.id DESC LIMIT ?3",
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

static size_t bare(sqlite3_stmt *stmt, int64_t user_id, const struct post_cursor *cursor)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (cursor != NULL) {
        sqlite3_bind_int64(stmt, 1, cursor->timestamp);
        sqlite3_bind_int64(stmt, 2, cursor->id);
    }
    sqlite3_bind_int64(stmt, 3, LIMIT);
    if (user_id != 0)
        sqlite3_bind_int64(stmt, 4, user_id);
    size_t count = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        /* What read_post does: two integers, two copied strings, one more. */
        volatile int64_t id = sqlite3_column_int64(stmt, 0);
        (void)id;
        free(strdup((const char *)sqlite3_column_text(stmt, 2)));
        free(strdup((const char *)sqlite3_column_text(stmt, 3)));
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
    sqlite3_stmt *stmt[3];
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    for (int i = 0; i < 3; i++)
        if (sqlite3_prepare_v3(db, floor_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmt[i], NULL)
            != SQLITE_OK) {
            fprintf(stderr, "pages: %s\n", sqlite3_errmsg(db));
            return 1;
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
            size_t got = i % 2 == 0 ? ours(store, uid, c) : bare(stmt[kind], uid, c);
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
        sqlite3_finalize(stmt[i]);
    sqlite3_close(db);
    store_close(store);
    return 0;
}
