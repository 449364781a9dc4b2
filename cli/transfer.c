/* `microblog-tui import` and `export`: posts as JSON Lines, the format
 * `posts --json` prints. An import is all or nothing: it runs in one store
 * batch and the first bad line rolls everything back, reported as
 * FILE:LINE. A line is read into one fixed buffer of IMPORT_LINE_MAX bytes
 * and refused as soon as it outgrows it, so memory stays flat whatever the
 * input (a post is at most 140 characters, 560 bytes, escaped perhaps six
 * times over: 64 KiB is generous). Lines are parsed with jansson; export
 * writes with the same careful escaping as `posts --json`. */
#include "cli/cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define EXPORT_PAGE 1000
#define IMPORT_LINE_MAX 65536 /* bytes before the newline */

const struct cli_option cli_import_options[] = {
    { NULL, NULL, NULL },
};

/* Authors seen so far, by exact name, so that a million lines by a
 * thousand authors cost a thousand lookups (open addressing, FNV-1a). */
struct author_cache {
    char **names;
    int64_t *ids;
    size_t capacity;
    size_t count;
};

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t cache_slot(const struct author_cache *cache, const char *name)
{
    size_t i = (size_t)hash_name(name) & (cache->capacity - 1);
    while (cache->names[i] != NULL && strcmp(cache->names[i], name) != 0)
        i = (i + 1) & (cache->capacity - 1);
    return i;
}

static bool cache_find(const struct author_cache *cache, const char *name, int64_t *id)
{
    if (cache->capacity == 0)
        return false;
    size_t i = cache_slot(cache, name);
    if (cache->names[i] == NULL)
        return false;
    *id = cache->ids[i];
    return true;
}

static void cache_add(struct author_cache *cache, const char *name, int64_t id)
{
    if ((cache->count + 1) * 2 > cache->capacity) {
        struct author_cache bigger = {
            .capacity = cache->capacity ? cache->capacity * 2 : 64,
        };
        bigger.names = xcalloc(bigger.capacity, sizeof *bigger.names);
        bigger.ids = xcalloc(bigger.capacity, sizeof *bigger.ids);
        for (size_t i = 0; i < cache->capacity; i++) {
            if (cache->names[i] == NULL)
                continue;
            size_t slot = cache_slot(&bigger, cache->names[i]);
            bigger.names[slot] = cache->names[i];
            bigger.ids[slot] = cache->ids[i];
        }
        bigger.count = cache->count;
        free(cache->names);
        free(cache->ids);
        *cache = bigger;
    }
    size_t slot = cache_slot(cache, name);
    cache->names[slot] = xstrdup(name);
    cache->ids[slot] = id;
    cache->count++;
}

static void cache_free(struct author_cache *cache)
{
    for (size_t i = 0; i < cache->capacity; i++)
        free(cache->names[i]);
    free(cache->names);
    free(cache->ids);
}

static bool blank(const char *line, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

enum line_result { LINE_OK, LINE_END, LINE_TOO_LONG };

/* Reads the next line of in into line[0..IMPORT_LINE_MAX] without its
 * newline, NUL-terminated, its length in *length. Returns LINE_END at the
 * end of the input (or on a read error: the caller checks ferror) and
 * LINE_TOO_LONG, having read one byte past the limit and no more, when the
 * line does not fit. A last line without a newline is a line. */
static enum line_result read_line(FILE *in, char line[IMPORT_LINE_MAX + 1], size_t *length)
{
    size_t n = 0;
    int c;

    while ((c = getc_unlocked(in)) != EOF && c != '\n') {
        if (n == IMPORT_LINE_MAX)
            return LINE_TOO_LONG;
        line[n++] = (char)c;
    }
    line[n] = '\0';
    *length = n;
    return c == EOF && (n == 0 || ferror(in)) ? LINE_END : LINE_OK;
}

/* Parses one line into author, body and timestamp (0: now); the strings
 * point into *json (caller decrefs). On failure writes why into what. */
static bool parse_line(const char *line, size_t length, json_t **json, const char **author,
                       const char **body, int64_t *timestamp, char *what, size_t size)
{
    json_error_t error;
    const char *key;
    json_t *value;

    *timestamp = 0;
    *author = *body = NULL;
    *json = json_loadb(line, length, JSON_REJECT_DUPLICATES, &error);
    if (*json == NULL) {
        snprintf(what, size, "invalid JSON: %s", error.text);
        return false;
    }
    if (!json_is_object(*json)) {
        snprintf(what, size, "expected an object like {\"author\":\"...\",\"body\":\"...\"}");
        return false;
    }
    json_object_foreach(*json, key, value) {
        if (strcmp(key, "author") == 0 && json_is_string(value)) {
            *author = json_string_value(value);
        } else if (strcmp(key, "body") == 0 && json_is_string(value)) {
            *body = json_string_value(value);
        } else if (strcmp(key, "timestamp") == 0 && json_is_string(value)) {
            if (!cli_parse_utc_time(json_string_value(value), timestamp)) {
                snprintf(what, size, "\"timestamp\" is not YYYY-MM-DDTHH:MM:SSZ");
                return false;
            }
        } else if (strcmp(key, "id") == 0 && json_is_integer(value)) {
            /* Ids are given anew; the old one only identified the line. */
        } else if (strcmp(key, "author") == 0 || strcmp(key, "body") == 0
                   || strcmp(key, "timestamp") == 0) {
            snprintf(what, size, "\"%.40s\" must be a string", key);
            return false;
        } else if (strcmp(key, "id") == 0) {
            snprintf(what, size, "\"id\" must be an integer");
            return false;
        } else {
            snprintf(what, size, "unknown field \"%.40s\"", key);
            return false;
        }
    }
    if (*author == NULL || *body == NULL) {
        snprintf(what, size, "missing \"%s\"", *author == NULL ? "author" : "body");
        return false;
    }
    return true;
}

int cli_import_run(struct cli_context *context, const struct cli_args *args)
{
    const char *file = args->positional[0];
    bool from_stdin = strcmp(file, "-") == 0;
    const char *name = from_stdin ? "stdin" : file;
    struct author_cache cache = { 0 };
    struct store *store = NULL;
    FILE *in = NULL;
    char *line = xmalloc(IMPORT_LINE_MAX + 1);
    size_t length;
    enum line_result read;
    long line_number = 0;
    int64_t imported = 0;
    bool in_batch = false;
    int status;

    in = from_stdin ? stdin : fopen(file, "r");
    if (in == NULL) {
        status = cli_fail("cannot open %s: %s", file, strerror(errno));
        goto out;
    }
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_import_begin(store) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    in_batch = true;
    int64_t created_users = 0;
    while ((read = read_line(in, line, &length)) != LINE_END) {
        json_t *json = NULL;
        const char *author, *body;
        int64_t timestamp, user_id, post_id;
        char what[300];

        line_number++;
        if (read == LINE_TOO_LONG) {
            status = cli_fail("%s:%ld: line longer than %d bytes", name, line_number,
                              IMPORT_LINE_MAX);
            goto out;
        }
        if (blank(line, length))
            continue;
        if (!parse_line(line, length, &json, &author, &body, &timestamp, what,
                        sizeof what)) {
            json_decref(json);
            status = cli_fail("%s:%ld: %s", name, line_number, what);
            goto out;
        }
        /* The store validates the author (when it creates one) and the body,
         * with the same messages; the line number is added here. */
        if (!cache_find(&cache, author, &user_id)) {
            struct user user = { 0 };
            bool created = false;
            if (store_user_ensure(store, author, &user, &created) != MB_OK) {
                json_decref(json);
                status = cli_fail("%s:%ld: %s", name, line_number, store_error(store));
                goto out;
            }
            user_id = user.id;
            created_users += created;
            cache_add(&cache, author, user_id);
            store_user_clear(&user);
        }
        enum mb_status added = store_post_add(store, user_id, body, timestamp, &post_id);
        json_decref(json);
        if (added != MB_OK) {
            status = cli_fail("%s:%ld: %s", name, line_number, store_error(store));
            goto out;
        }
        imported++;
    }
    if (ferror(in)) {
        status = cli_fail("cannot read %s", name);
        goto out;
    }
    in_batch = false;
    if (store_batch_commit(store) != MB_OK) {
        store_batch_rollback(store);
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    printf("imported %lld post%s (%lld new user%s)\n", (long long)imported,
           imported == 1 ? "" : "s", (long long)created_users, created_users == 1 ? "" : "s");
out:
    if (in_batch)
        store_batch_rollback(store);
    store_close(store);
    if (in != NULL && in != stdin)
        fclose(in);
    free(line);
    cache_free(&cache);
    return status;
}

int cli_export_run(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct post_cursor cursor;
    bool have_cursor = false;
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        return status;
    /* PAGE_NEWER pages come newest first: print each backwards. */
    for (;;) {
        struct post_list page = { 0 };
        if (store_posts_page(store, NULL, have_cursor ? &cursor : NULL, PAGE_NEWER, EXPORT_PAGE,
                             &page) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            break;
        }
        for (size_t i = page.count; i > 0; i--)
            cli_print_post_json(stdout, &page.items[i - 1]);
        size_t got = page.count;
        if (got > 0) {
            cursor = (struct post_cursor){ .timestamp = page.items[0].timestamp,
                                           .id = page.items[0].id };
            have_cursor = true;
        }
        store_post_list_free(&page);
        if (got < EXPORT_PAGE)
            break;
    }
    store_close(store);
    return status;
}
