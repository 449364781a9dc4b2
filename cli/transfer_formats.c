/* The journal formats of `import` and `export` (the commands, JSON Lines
 * and the batch are in cli/transfer.c): twtxt.txt both ways, jrnl's JSON
 * export in, a Markdown journal out.
 *
 * twtxt (twtxt.readthedocs.io) is one line per post, an RFC 3339 time, a
 * tab and the text. A post may hold newlines (bodies allow '\n' and '\t',
 * no other control): they are written as U+2028, as the twtxt multiline
 * extension does, and U+2028 reads back as '\n'; a tab after the first is
 * text. So twtxt ⇄ twtxt keeps the text and the time to the second; only
 * a body that held U+2028 itself comes back with a newline there.
 *
 * jrnl's `--export json` is one document: {"tags": {...}, "entries":
 * [{"title", "body", "date": "YYYY-MM-DD", "time": "HH:MM", "tags",
 * "starred", ...}]} in local time. A post is title and body joined by a
 * space (jrnl's own full text); tags stay in the text, the star and the
 * rest are not kept. The document is read whole (jansson has no reader of
 * one entry at a time), at most JRNL_MAX bytes: its tree takes up to ~76
 * times the file's size (a file of 8 MiB of "{}," peaks at 630 MB of RSS,
 * one of 64 MiB at 5 GB), so a larger journal is to be split.
 *
 * Markdown is an export for reading, not a round trip: a heading per
 * local day and a list item per post, escaped so that a body cannot
 * become a heading, a link, HTML or a code block, and sanitized like
 * everything this program shows. GitHub's extended autolinks find links in
 * plain text: every ':' is escaped (https\://x is text) and so is the '.'
 * after "www" (www\.x is text), as cmark-gfm renders them. An e-mail
 * address still shows as a mailto: link there: GFM reads it from the text
 * whatever is escaped, and only changing the text would stop it. */
#include "cli/cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/transfer.h"
#include "core/text.h"
#include "core/when.h"
#include "core/xalloc.h"

#define JRNL_MAX (8 << 20)
#define LINE_SEPARATOR "\xE2\x80\xA8" /* U+2028 */

/* ---- twtxt in ----------------------------------------------------------- */

/* U+2028 becomes '\n', in place (the text only shrinks). */
static void read_line_separators(char *text)
{
    char *to = text;
    for (const char *from = text; *from != '\0';) {
        if (strncmp(from, LINE_SEPARATOR, 3) == 0) {
            *to++ = '\n';
            from += 3;
        } else {
            *to++ = *from++;
        }
    }
    *to = '\0';
}

int transfer_import_twtxt(struct transfer_import *import, FILE *in, int64_t user_id)
{
    struct transfer_lines lines;
    int status;

    transfer_lines_open(&lines, in, import->name);
    while (transfer_lines_next(&lines, &status)) {
        char *line = lines.line;
        struct mb_error err;
        int64_t timestamp;

        if (line[strspn(line, " \t")] == '#')
            continue;  /* a comment ("# nick = ...") */
        if (memchr(line, '\0', lines.length) != NULL) {
            status = cli_fail("%s: the line contains a NUL byte", lines.where);
            break;
        }
        char *tab = strchr(line, '\t');
        if (tab == NULL) {
            status = cli_fail("%s: expected TIME<TAB>TEXT (a twtxt line)", lines.where);
            break;
        }
        *tab = '\0';
        if (when_parse_timestamp(line, &timestamp, &err) != MB_OK) {
            status = cli_fail("%s: %s", lines.where, err.message);
            break;
        }
        char *text = tab + 1;
        size_t text_length = lines.length - (size_t)(text - line);
        if (text_length > 0 && text[text_length - 1] == '\r')
            text[--text_length] = '\0';  /* CRLF: a body never holds '\r' */
        read_line_separators(text);
        status = transfer_import_add(import, user_id, 0, text, timestamp, lines.where, NULL);
        if (status != CLI_EXIT_OK)
            break;
    }
    transfer_lines_close(&lines);
    return status;
}

/* ---- jrnl in ------------------------------------------------------------ */

/* jansson's reader, stopping past JRNL_MAX bytes. */
struct capped_input {
    FILE *in;
    size_t total;
};

static size_t read_capped(void *buffer, size_t size, void *data)
{
    struct capped_input *input = data;
    if (input->total > JRNL_MAX)
        return (size_t)-1;
    /* One byte past the cap at most, so that it is seen even when the
     * document ends before it (blanks after it are valid JSON). */
    if (size > (size_t)JRNL_MAX + 1 - input->total)
        size = (size_t)JRNL_MAX + 1 - input->total;
    size_t got = fread(buffer, 1, size, input->in);
    if (got == 0 && ferror(input->in))
        return (size_t)-1;
    input->total += got;
    return got;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends s without its surrounding white space to text (a space between
 * it and what is there). */
static void append_trimmed(char **text, size_t *length, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_space(*s))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    if (n == 0)
        return;
    *text = xrealloc(*text, *length + n + 2);
    if (*length > 0)
        (*text)[(*length)++] = ' ';
    memcpy(*text + *length, s, n);
    *length += n;
    (*text)[*length] = '\0';
}

/* One entry: its time and text, or why not into what. */
static bool read_entry(json_t *entry, int64_t *timestamp, char **text, char *what, size_t size)
{
    json_t *date = json_object_get(entry, "date"), *time = json_object_get(entry, "time");
    json_t *title = json_object_get(entry, "title"), *body = json_object_get(entry, "body");
    json_t *starred = json_object_get(entry, "starred"), *tags = json_object_get(entry, "tags");
    struct mb_error err;
    size_t length = 0;

    if (!json_is_string(date) || !json_is_string(time)) {
        snprintf(what, size, "\"date\" and \"time\" must be strings (\"2026-11-29\", \"14:05\")");
        return false;
    }
    if (!json_is_string(title) || (body != NULL && !json_is_string(body))) {
        snprintf(what, size, "\"title\" and \"body\" must be strings");
        return false;
    }
    if ((starred != NULL && !json_is_boolean(starred)) || (tags != NULL && !json_is_array(tags))) {
        snprintf(what, size, "\"starred\" must be true or false and \"tags\" a list");
        return false;
    }
    char *stamp = xasprintf("%s %s", json_string_value(date), json_string_value(time));
    bool ok = when_parse_timestamp(stamp, timestamp, &err) == MB_OK;
    free(stamp);
    if (!ok) {
        snprintf(what, size, "%s", err.message);
        return false;
    }
    *text = xstrdup("");
    append_trimmed(text, &length, json_string_value(title));
    if (body != NULL)
        append_trimmed(text, &length, json_string_value(body));
    return true;
}

int transfer_import_jrnl(struct transfer_import *import, FILE *in, int64_t user_id)
{
    struct capped_input input = { .in = in };
    json_error_t error;
    int status = CLI_EXIT_OK;
    json_t *root = json_load_callback(read_capped, &input, JSON_REJECT_DUPLICATES, &error);

    if (root == NULL || input.total > JRNL_MAX) {
        json_decref(root);
        if (input.total > JRNL_MAX)
            return cli_fail("%s: larger than %d MiB: split it (jrnl -from DATE -to DATE "
                            "--export json) and import each part", import->name,
                            JRNL_MAX >> 20);
        if (ferror(in))
            return cli_fail("cannot read %s", import->name);
        return cli_fail("%s:%d: invalid JSON: %s", import->name, error.line, error.text);
    }
    json_t *entries = json_is_object(root) ? json_object_get(root, "entries") : NULL;
    if (!json_is_array(entries)) {
        status = cli_fail("%s: not a jrnl JSON export (expected {\"tags\":{...},"
                          "\"entries\":[...]})", import->name);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *entry = json_array_get(entries, i);
        json_t *date = json_object_get(entry, "date"), *time = json_object_get(entry, "time");
        char where[4400], what[600];
        char *text = NULL;
        int64_t timestamp;

        /* Named by position and, when it has them, date and time. */
        if (json_is_string(date) && json_is_string(time))
            snprintf(where, sizeof where, "%s: entry %zu (%.16s %.16s)", import->name, i + 1,
                     json_string_value(date), json_string_value(time));
        else
            snprintf(where, sizeof where, "%s: entry %zu", import->name, i + 1);
        if (!json_is_object(entry)) {
            status = cli_fail("%s: not an object", where);
            break;
        }
        if (!read_entry(entry, &timestamp, &text, what, sizeof what)) {
            status = cli_fail("%s: %s", where, what);
            break;
        }
        status = transfer_import_add(import, user_id, 0, text, timestamp, where, NULL);
        free(text);
        if (status != CLI_EXIT_OK)
            break;
    }
out:
    json_decref(root);
    return status;
}

/* ---- Markdown out ------------------------------------------------------- */

/* Writes sanitized text escaped for Markdown: the characters that start
 * inline markup, links, HTML and entities get a backslash everywhere, as
 * do ':' and the '.' of "www." (GFM's bare links, above); a
 * newline becomes a hard break (a backslash) and the next line is
 * indented into the list item, its leading blanks dropped and its first
 * character escaped when it could open a block (a heading, a list, a
 * quote, a fence, a setext underline, "1." or "1)"). */
static void write_markdown_text(FILE *out, const char *s)
{
    char *clean = text_sanitize(s, strlen(s), TEXT_KEEP_NEWLINES);
    bool line_start = false;
    for (const char *p = clean; *p != '\0'; p++) {
        if (*p == '\n') {
            if (p[1 + strspn(p + 1, " \n")] == '\0')
                break;  /* trailing blank lines: nothing to break for */
            fputs("\\\n  ", out);
            line_start = true;
            continue;
        }
        if (line_start && *p == ' ')
            continue;
        if (line_start && *p >= '0' && *p <= '9') {
            size_t digits = strspn(p, "0123456789");
            fwrite(p, 1, digits, out);
            if (p[digits] == '.' || p[digits] == ')')
                putc('\\', out);
            p += digits - 1;
            line_start = false;
            continue;
        }
        if (strchr("\\`*_[]<>&~|:", *p) != NULL
            || (line_start && strchr("#-+=>", *p) != NULL)
            || (*p == '.' && p - clean >= 3 && strncasecmp(p - 3, "www", 3) == 0))
            putc('\\', out);
        putc(*p, out);
        line_start = false;
    }
    free(clean);
}

void transfer_write_markdown(struct transfer_writer *writer, const struct post *post)
{
    char when[48];
    cli_format_local_time(post->timestamp, false, when, sizeof when);
    /* "YYYY-MM-DD HH:MM": the day and the time of day. */
    char *space = strchr(when, ' ');
    const char *time = space != NULL ? space + 1 : "";
    if (space != NULL)
        *space = '\0';
    if (strcmp(when, writer->day) != 0) {
        fprintf(writer->out, "%s## %s\n\n", writer->day[0] != '\0' ? "\n" : "", when);
        snprintf(writer->day, sizeof writer->day, "%s", when);
    }
    fprintf(writer->out, "- %s **", time);
    write_markdown_text(writer->out, post->author != NULL ? post->author : "");
    fputs("**: ", writer->out);
    write_markdown_text(writer->out, post->body != NULL ? post->body : "");
    putc('\n', writer->out);
}

/* ---- twtxt out ---------------------------------------------------------- */

void transfer_write_twtxt(struct transfer_writer *writer, const struct post *post)
{
    char stamp[48];
    const char *body = post->body != NULL ? post->body : "";
    char *clean = writer->terminal ? text_sanitize(body, strlen(body), TEXT_KEEP_NEWLINES) : NULL;
    when_format_rfc3339(post->timestamp, stamp, sizeof stamp);
    fprintf(writer->out, "%s\t", stamp);
    for (const char *p = clean != NULL ? clean : body; *p != '\0'; p++) {
        if (*p == '\n')
            fputs(LINE_SEPARATOR, writer->out);
        else
            putc(*p, writer->out);
    }
    putc('\n', writer->out);
    free(clean);
}
