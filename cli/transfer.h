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

/* The lines of an import's input, one at a time: each is read into one
 * fixed buffer of TRANSFER_LINE_MAX bytes and refused as soon as it
 * outgrows it, so memory stays flat whatever the input. */
struct transfer_lines {
    FILE *in;
    const char *name;     /* the input as messages name it: FILE or "stdin" */
    char *line;           /* the current line without its newline, NUL-terminated */
    size_t length;        /* its length (it may hold NUL bytes) */
    long number;          /* its number, from 1 */
    char where[4400];     /* "FILE:LINE", for messages */
};

void transfer_lines_open(struct transfer_lines *lines, FILE *in, const char *name);

/* Moves to the next line that is not blank (spaces, tabs and carriage
 * returns only): true with line, length, number and where set. False at
 * the end of the input with *status CLI_EXIT_OK (the caller checks
 * ferror: a read error ends the input too), or when a line is longer than
 * TRANSFER_LINE_MAX bytes (one byte past the limit is read, no more),
 * with the FILE:LINE message printed and *status CLI_EXIT_FAILURE. A last
 * line without a newline is a line. */
bool transfer_lines_next(struct transfer_lines *lines, int *status);

void transfer_lines_close(struct transfer_lines *lines);

/* One import in progress, inside store_import_begin's batch: every post
 * goes through transfer_import_add, which counts it. */
struct transfer_import {
    struct store *store;
    const char *name;        /* the input as messages name it: FILE or "stdin" */
    int64_t imported;
    int64_t created_users;
};

/* Adds body by user_id at timestamp, answering post reply_to (0: none)
 * (store_post_reply: the store validates the body); *id (may be NULL) is
 * the new post's. On failure prints "WHERE: the store's message" and
 * returns CLI_EXIT_FAILURE; the caller rolls the batch back. */
int transfer_import_add(struct transfer_import *import, int64_t user_id, int64_t reply_to,
                        const char *body, int64_t timestamp, const char *where, int64_t *id);

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
