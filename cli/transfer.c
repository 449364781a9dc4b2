/* `microblog-tui import` and `export`: posts in and out, JSON Lines (the
 * format `posts --json` prints, exact both ways) by default, or a journal
 * format (cli/transfer_formats.c: twtxt both ways, jrnl's JSON export in,
 * Markdown out). An import is all or nothing: it runs in one store batch
 * and the first bad line rolls everything back, reported as FILE:LINE. A
 * line is read into one fixed buffer of TRANSFER_LINE_MAX bytes and
 * refused as soon as it outgrows it, so memory stays flat whatever the
 * input (a post is at most 140 characters, 560 bytes, escaped perhaps six
 * times over: 64 KiB is generous). JSON Lines carry their authors; the
 * journal formats have none, so their posts are the acting author's:
 * --as NAME, else the config's user (personal mode) or the person. Lines
 * are parsed with jansson; export writes with the same careful escaping as
 * `posts --json`. */
#include "cli/cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/transfer.h"
#include "core/when.h"
#include "core/xalloc.h"

#define EXPORT_PAGE 1000

/* The formats: which way each goes. */
enum transfer_format { FORMAT_JSONL, FORMAT_TWTXT, FORMAT_JRNL, FORMAT_MARKDOWN };

static const struct format_name {
    const char *name;
    enum transfer_format format;
    bool import, export;
} formats[] = {
    { "jsonl", FORMAT_JSONL, true, true },
    { "twtxt", FORMAT_TWTXT, true, true },
    { "jrnl", FORMAT_JRNL, true, false },
    { "markdown", FORMAT_MARKDOWN, false, true },
};

const struct cli_option cli_import_options[] = {
    { "--format", "FORMAT", "jsonl (default), twtxt or jrnl (its JSON export)" },
    { "--as", "NAME", "twtxt, jrnl: whose posts these are (default: the config's `user`)" },
    { NULL, NULL, NULL },
};

const struct cli_option cli_export_options[] = {
    { "--format", "FORMAT", "jsonl (default), twtxt or markdown (a journal by day)" },
    { "--user", "NAME", "only this user's posts" },
    { NULL, NULL, NULL },
};

/* The --format of args for import (or export); a usage error naming the
 * formats of that direction when it is none of them. */
static int choose_format(const struct cli_args *args, bool import, enum transfer_format *out)
{
    const char *name = cli_option(args, "--format");
    char known[64] = "";
    *out = FORMAT_JSONL;
    if (name == NULL)
        return CLI_EXIT_OK;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (import ? !formats[i].import : !formats[i].export)
            continue;
        if (strcmp(formats[i].name, name) == 0) {
            *out = formats[i].format;
            return CLI_EXIT_OK;
        }
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", formats[i].name);
    }
    return cli_usage_error(args, "unknown --format '%s' (%s)", name, known);
}

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

/* As cache_add, or gives a name already there a new id. */
static void cache_set(struct author_cache *cache, const char *name, int64_t id)
{
    if (cache->capacity > 0) {
        size_t i = cache_slot(cache, name);
        if (cache->names[i] != NULL) {
            cache->ids[i] = id;
            return;
        }
    }
    cache_add(cache, name, id);
}

static void cache_free(struct author_cache *cache)
{
    for (size_t i = 0; i < cache->capacity; i++)
        free(cache->names[i]);
    free(cache->names);
    free(cache->ids);
}

/* One JSON Lines record: the strings point into its JSON value. */
struct jsonl_post {
    const char *author;
    const char *body;
    int64_t timestamp;  /* 0: now */
    int64_t id;         /* 0: none (the line's own id in the file it came from) */
    int64_t reply_to;   /* 0: none (an id of that file) */
};

/* Parses one line into *post; its strings point into *json (caller
 * decrefs). On failure writes why into what. */
static bool parse_line(const char *line, size_t length, json_t **json, struct jsonl_post *post,
                       char *what, size_t size)
{
    json_error_t error;
    const char *key;
    json_t *value;

    *post = (struct jsonl_post){ 0 };
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
            post->author = json_string_value(value);
        } else if (strcmp(key, "body") == 0 && json_is_string(value)) {
            post->body = json_string_value(value);
        } else if (strcmp(key, "timestamp") == 0 && json_is_string(value)) {
            struct mb_error err;
            if (when_parse_timestamp(json_string_value(value), &post->timestamp, &err)
                != MB_OK) {
                snprintf(what, size, "\"timestamp\": %.200s", err.message);
                return false;
            }
        } else if ((strcmp(key, "id") == 0 || strcmp(key, "reply_to") == 0)
                   && json_is_integer(value) && json_integer_value(value) > 0) {
            /* Ids are given anew: the old ones only tie a reply to the
             * post it answers, earlier in the same file. */
            *(key[0] == 'i' ? &post->id : &post->reply_to) = json_integer_value(value);
        } else if (strcmp(key, "reply_to_author") == 0 || strcmp(key, "edited_at") == 0) {
            /* Who a reply answered follows from reply_to; when a post was
             * edited is not kept. */
        } else if (strcmp(key, "author") == 0 || strcmp(key, "body") == 0
                   || strcmp(key, "timestamp") == 0) {
            snprintf(what, size, "\"%.40s\" must be a string", key);
            return false;
        } else if (strcmp(key, "id") == 0 || strcmp(key, "reply_to") == 0) {
            snprintf(what, size, "\"%s\" must be a post id (a number from 1)", key);
            return false;
        } else {
            snprintf(what, size, "unknown field \"%.40s\"", key);
            return false;
        }
    }
    if (post->author == NULL || post->body == NULL) {
        snprintf(what, size, "missing \"%s\"", post->author == NULL ? "author" : "body");
        return false;
    }
    return true;
}


void transfer_lines_open(struct transfer_lines *lines, FILE *in, const char *name)
{
    *lines = (struct transfer_lines){ .in = in, .name = name };
    lines->line = xmalloc(TRANSFER_LINE_MAX + 1);
}

void transfer_lines_close(struct transfer_lines *lines)
{
    free(lines->line);
    lines->line = NULL;
}

static bool blank(const char *line, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

bool transfer_lines_next(struct transfer_lines *lines, int *status)
{
    *status = CLI_EXIT_OK;
    for (;;) {
        size_t n = 0;
        int c;
        while ((c = getc_unlocked(lines->in)) != EOF && c != '\n') {
            if (n == TRANSFER_LINE_MAX) {
                lines->number++;
                *status = cli_fail("%s:%ld: line longer than %d bytes", lines->name,
                                   lines->number, TRANSFER_LINE_MAX);
                return false;
            }
            lines->line[n++] = (char)c;
        }
        lines->line[n] = '\0';
        lines->length = n;
        if (c == EOF && (n == 0 || ferror(lines->in)))
            return false;
        lines->number++;
        if (!blank(lines->line, n)) {
            snprintf(lines->where, sizeof lines->where, "%s:%ld", lines->name, lines->number);
            return true;
        }
    }
}

int transfer_import_add(struct transfer_import *import, int64_t user_id, int64_t reply_to,
                        const char *body, int64_t timestamp, const char *where, int64_t *id)
{
    int64_t post_id;
    if (store_post_reply(import->store, user_id, reply_to, body, timestamp, &post_id) != MB_OK)
        return cli_fail("%s: %s", where, store_error(import->store));
    import->imported++;
    if (id != NULL)
        *id = post_id;
    return CLI_EXIT_OK;
}

/* JSON Lines, each with its author (created as needed, remembered in
 * authors). A reply answers the post its reply_to names when that post
 * came earlier in the file (ids holds what each old id became, by its
 * decimal text; the latest line of an id wins, so exports put one after
 * the other still tie right), else it comes in as a plain post. */
static int import_jsonl(struct transfer_import *import, FILE *in, struct author_cache *authors)
{
    struct author_cache ids = { 0 };
    struct transfer_lines lines;
    int status;

    transfer_lines_open(&lines, in, import->name);
    while (transfer_lines_next(&lines, &status)) {
        json_t *json = NULL;
        struct jsonl_post post;
        int64_t user_id, reply_to = 0, new_id = 0;
        char what[300], key[24];

        if (!parse_line(lines.line, lines.length, &json, &post, what, sizeof what)) {
            json_decref(json);
            status = cli_fail("%s: %s", lines.where, what);
            break;
        }
        /* The store validates the author (when it creates one) and the body,
         * with the same messages; the line number is added here. */
        if (!cache_find(authors, post.author, &user_id)) {
            struct user user = { 0 };
            bool created = false;
            if (store_user_ensure(import->store, post.author, &user, &created) != MB_OK) {
                json_decref(json);
                status = cli_fail("%s: %s", lines.where, store_error(import->store));
                break;
            }
            user_id = user.id;
            import->created_users += created;
            cache_add(authors, post.author, user_id);
            store_user_clear(&user);
        }
        snprintf(key, sizeof key, "%lld", (long long)post.reply_to);
        if (post.reply_to != 0 && !cache_find(&ids, key, &reply_to))
            reply_to = 0;
        status = transfer_import_add(import, user_id, reply_to, post.body, post.timestamp,
                                     lines.where, &new_id);
        json_decref(json);
        if (status != CLI_EXIT_OK)
            break;
        if (post.id != 0) {
            snprintf(key, sizeof key, "%lld", (long long)post.id);
            cache_set(&ids, key, new_id);
        }
    }
    transfer_lines_close(&lines);
    cache_free(&ids);
    return status;
}

/* The author of a journal format's posts: --as NAME, else the config's
 * user in personal mode and the person in the shared ones; created as
 * needed without a password, as a JSON Lines author is (an import is an
 * admin's act: the store refused everyone else at store_import_begin). */
static int import_author(struct cli_context *context, struct transfer_import *import,
                         const char *as, int64_t *user_id)
{
    const char *name = as;
    struct user user = { 0 };
    bool created = false;
    if (name == NULL)
        name = context->identity.mode == IDENTITY_PERSONAL ? context->config.user
                                                            : context->identity.person;
    if (name == NULL)
        return cli_fail("no author: give --as NAME");
    if (store_user_ensure(import->store, name, &user, &created) != MB_OK)
        return cli_fail("%s", store_error(import->store));
    *user_id = user.id;
    import->created_users += created;
    store_user_clear(&user);
    return CLI_EXIT_OK;
}

int cli_import_run(struct cli_context *context, const struct cli_args *args)
{
    const char *file = args->positional[0];
    const char *as = cli_option(args, "--as");
    bool from_stdin = strcmp(file, "-") == 0;
    struct transfer_import import = { .name = from_stdin ? "stdin" : file };
    struct author_cache cache = { 0 };
    enum transfer_format format;
    FILE *in = NULL;
    int64_t user_id = 0;
    bool in_batch = false;
    int status = choose_format(args, true, &format);

    if (status != CLI_EXIT_OK)
        return status;
    if (format == FORMAT_JSONL && as != NULL)
        return cli_usage_error(args, "--as is for twtxt and jrnl: JSON Lines name their "
                                     "authors");
    in = from_stdin ? stdin : fopen(file, "r");
    if (in == NULL) {
        status = cli_fail("cannot open %s: %s", file, strerror(errno));
        goto out;
    }
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &import.store);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_import_begin(import.store) != MB_OK) {
        status = cli_fail("%s", store_error(import.store));
        goto out;
    }
    in_batch = true;
    if (format != FORMAT_JSONL) {
        status = import_author(context, &import, as, &user_id);
        if (status != CLI_EXIT_OK)
            goto out;
    }
    switch (format) {
    case FORMAT_TWTXT: status = transfer_import_twtxt(&import, in, user_id); break;
    case FORMAT_JRNL: status = transfer_import_jrnl(&import, in, user_id); break;
    default: status = import_jsonl(&import, in, &cache); break;
    }
    if (status != CLI_EXIT_OK)
        goto out;
    if (ferror(in)) {
        status = cli_fail("cannot read %s", import.name);
        goto out;
    }
    in_batch = false;
    if (store_batch_commit(import.store) != MB_OK) {
        store_batch_rollback(import.store);
        status = cli_fail("%s", store_error(import.store));
        goto out;
    }
    printf("imported %lld post%s (%lld new user%s)\n", (long long)import.imported,
           import.imported == 1 ? "" : "s", (long long)import.created_users,
           import.created_users == 1 ? "" : "s");
out:
    if (in_batch)
        store_batch_rollback(import.store);
    store_close(import.store);
    if (in != NULL && in != stdin)
        fclose(in);
    cache_free(&cache);
    return status;
}

static void write_jsonl(struct transfer_writer *writer, const struct post *post)
{
    cli_print_post_json(writer->out, post);
}

int cli_export_run(struct cli_context *context, const struct cli_args *args)
{
    const char *username = cli_option(args, "--user");
    struct store *store = NULL;
    struct user user = { 0 };
    struct post_filter filter = { 0 };
    struct post_cursor cursor;
    bool have_cursor = false;
    enum transfer_format format;
    struct transfer_writer writer = { .post = write_jsonl, .out = stdout };
    int status = choose_format(args, false, &format);

    if (status != CLI_EXIT_OK)
        return status;
    if (format == FORMAT_TWTXT)
        writer.post = transfer_write_twtxt;
    else if (format == FORMAT_MARKDOWN)
        writer.post = transfer_write_markdown;
    writer.terminal = isatty(fileno(stdout)) == 1;
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    if (username != NULL) {
        enum mb_status found = store_user_get(store, username, &user);
        if (found != MB_OK) {
            status = found == MB_NOT_FOUND ? cli_fail("no user '%s'", username)
                                           : cli_fail("%s", store_error(store));
            goto out;
        }
        filter.author_id = user.id;
    }
    /* PAGE_NEWER pages come newest first: write each backwards. */
    for (;;) {
        struct post_list page = { 0 };
        if (store_posts_page(store, &filter, have_cursor ? &cursor : NULL, PAGE_NEWER,
                             EXPORT_PAGE, &page) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            break;
        }
        for (size_t i = page.count; i > 0; i--)
            if (!page.items[i - 1].is_private) /* never unlocked here: a placeholder */
                writer.post(&writer, &page.items[i - 1]);
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
    if (status == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
        status = cli_fail("cannot write the export: %s", strerror(errno));
out:
    store_user_clear(&user);
    store_close(store);
    return status;
}
