/* What `import` and `export` share between cli/transfer.c (the commands,
 * JSON Lines, the batch and the authors) and cli/transfer_formats.c (the
 * journal formats: twtxt both ways, jrnl's JSON export in, Markdown out):
 * the line reader with its cap, one import in progress, and the writers
 * export calls once per post, oldest first. */
#ifndef CLI_TRANSFER_H
#define CLI_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

#define TRANSFER_LINE_MAX 65536 /* bytes before the newline */

enum transfer_line { TRANSFER_LINE_OK, TRANSFER_LINE_END, TRANSFER_LINE_TOO_LONG };

/* Reads the next line of in into line[0..TRANSFER_LINE_MAX] without its
 * newline, NUL-terminated, its length in *length. Returns
 * TRANSFER_LINE_END at the end of the input (or on a read error: the
 * caller checks ferror) and TRANSFER_LINE_TOO_LONG, having read one byte
 * past the limit and no more, when the line does not fit. A last line
 * without a newline is a line. */
enum transfer_line transfer_read_line(FILE *in, char line[TRANSFER_LINE_MAX + 1],
                                      size_t *length);

/* True when line[0..length) holds only spaces, tabs and carriage returns. */
bool transfer_blank(const char *line, size_t length);

/* One import in progress, inside store_import_begin's batch: every post
 * goes through transfer_import_add, which counts it. */
struct transfer_import {
    struct store *store;
    const char *name;        /* the input as messages name it: FILE or "stdin" */
    int64_t imported;
    int64_t created_users;
};

/* Adds body by user_id at timestamp (store_post_add: the store validates
 * the body). On failure prints "WHERE: the store's message" and returns
 * CLI_EXIT_FAILURE; the caller rolls the batch back. */
int transfer_import_add(struct transfer_import *import, int64_t user_id, const char *body,
                        int64_t timestamp, const char *where);

/* twtxt.txt: "TIMESTAMP<TAB>TEXT" lines (RFC 3339), '#' comments and
 * blank lines skipped, U+2028 read as a newline (the multiline
 * extension), every post by user_id. Errors as FILE:LINE. */
int transfer_import_twtxt(struct transfer_import *import, FILE *in, int64_t user_id);

/* jrnl's JSON export ({"tags":{...},"entries":[{"date","time","title",
 * "body",...}]}): each entry one post by user_id at its local date and
 * time, its title and body joined by a space as jrnl's own full text
 * does. Errors as FILE:LINE for JSON, else FILE: entry N (DATE TIME). */
int transfer_import_jrnl(struct transfer_import *import, FILE *in, int64_t user_id);

/* An export format's writer: called once per post, oldest first. */
struct transfer_writer {
    void (*post)(struct transfer_writer *writer, const struct post *post);
    FILE *out;
    bool terminal;        /* out is a terminal: nothing it would obey is written */
    char day[48];         /* markdown: the local day of the last heading */
};

/* A journal: a "## YYYY-MM-DD" heading per local day, then one list
 * item per post, "- HH:MM **author**: body", the text escaped for
 * Markdown and sanitized (an export for reading, not a round trip). */
void transfer_write_markdown(struct transfer_writer *writer, const struct post *post);

/* twtxt.txt: RFC 3339 local time with its offset, a tab, the body with
 * each newline written as U+2028. Exact bytes into a file; sanitized on a
 * terminal. */
void transfer_write_twtxt(struct transfer_writer *writer, const struct post *post);

#endif
