/* The floor for `microblog-tui import`: the least a C program must do to
 * load the same JSON Lines file into the same schema. One connection with
 * the settings the store uses (WAL is already in the file, foreign_keys ON,
 * the default synchronous = FULL), one BEGIN IMMEDIATE ... COMMIT, the same
 * JSON library (jansson), three prepared statements (find a user, add a
 * user, add a post) and a hash table of authors already seen. No
 * validation beyond what SQLite's CHECKs do, no error recovery: a
 * benchmark floor, not a second importer.
 *
 * This file includes <sqlite3.h> outside store/ on purpose: a floor is
 * SQLite with nothing of ours around it.
 *
 *   import_floor DB FILE.jsonl     (DB: an empty database at head) */
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUTHOR_SLOTS 8192 /* the benchmark has at most a few thousand authors */

static char *author_names[AUTHOR_SLOTS];
static int64_t author_ids[AUTHOR_SLOTS];

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "import_floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "error");
    exit(1);
}

static size_t author_slot(const char *name)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = name; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    size_t i = (size_t)h & (AUTHOR_SLOTS - 1);
    while (author_names[i] != NULL && strcmp(author_names[i], name) != 0)
        i = (i + 1) & (AUTHOR_SLOTS - 1);
    return i;
}

/* "YYYY-MM-DDTHH:MM:SSZ" to seconds since the epoch (days from civil). */
static int64_t parse_time(const char *text)
{
    int y, mo, d, h, mi, s;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s) != 6)
        return 0;
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + h * 3600 + mi * 60 + s;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        die(db, sql);
    return stmt;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: import_floor DB FILE.jsonl\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "r");
    if (in == NULL) {
        perror(argv[2]);
        return 1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        die(db, "open");
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        die(db, "begin");
    sqlite3_stmt *find_user = prepare(db, "SELECT id FROM user WHERE username = ?1");
    sqlite3_stmt *add_user =
        prepare(db, "INSERT INTO user (username, email, password_hash, created_at) "
                    "VALUES (?1, NULL, NULL, ?2)");
    sqlite3_stmt *add_post =
        prepare(db, "INSERT INTO post (body, timestamp, user_id) VALUES (?1, ?2, ?3)");

    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    long count = 0;
    while ((length = getline(&line, &capacity, in)) != -1) {
        json_error_t error;
        json_t *json = json_loadb(line, (size_t)length, 0, &error);
        const char *author = json_string_value(json_object_get(json, "author"));
        const char *body = json_string_value(json_object_get(json, "body"));
        const char *when = json_string_value(json_object_get(json, "timestamp"));
        if (author == NULL || body == NULL) {
            fprintf(stderr, "import_floor: bad line %ld\n", count + 1);
            return 1;
        }
        size_t slot = author_slot(author);
        if (author_names[slot] == NULL) {
            sqlite3_bind_text(find_user, 1, author, -1, SQLITE_STATIC);
            int64_t id;
            if (sqlite3_step(find_user) == SQLITE_ROW) {
                id = sqlite3_column_int64(find_user, 0);
            } else {
                sqlite3_bind_text(add_user, 1, author, -1, SQLITE_STATIC);
                sqlite3_bind_int64(add_user, 2, (int64_t)time(NULL));
                if (sqlite3_step(add_user) != SQLITE_DONE)
                    die(db, "adding a user");
                sqlite3_reset(add_user);
                id = sqlite3_last_insert_rowid(db);
            }
            sqlite3_reset(find_user);
            author_names[slot] = strdup(author);
            author_ids[slot] = id;
        }
        sqlite3_bind_text(add_post, 1, body, -1, SQLITE_STATIC);
        sqlite3_bind_int64(add_post, 2, when ? parse_time(when) : (int64_t)time(NULL));
        sqlite3_bind_int64(add_post, 3, author_ids[slot]);
        if (sqlite3_step(add_post) != SQLITE_DONE)
            die(db, "adding a post");
        sqlite3_reset(add_post);
        json_decref(json);
        count++;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die(db, "commit");
    sqlite3_finalize(find_user);
    sqlite3_finalize(add_user);
    sqlite3_finalize(add_post);
    sqlite3_close(db);
    fclose(in);
    free(line);
    printf("imported %ld posts\n", count);
    return 0;
}
