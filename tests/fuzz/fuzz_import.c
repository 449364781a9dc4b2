/* Fuzz target: the import parser (one JSON Lines record of `import`). The
 * parser is static in cli/transfer.c, so this file includes that file whole
 * (its other symbols then come from here, not from the library) and reads
 * each input with transfer_lines_next, through parse_line and the
 * validators the import applies next, as cli_import_run does; nothing may
 * crash or leak, a line read is never longer than TRANSFER_LINE_MAX, and an
 * accepted line must carry an author and a body. */
#include "cli/transfer.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0; /* fmemopen refuses an empty buffer */
    FILE *in = fmemopen((void *)data, size, "r");
    if (in == NULL)
        abort();
    struct transfer_lines lines;
    int status;
    transfer_lines_open(&lines, in, "fuzz");
    while (transfer_lines_next(&lines, &status)) {
        if (lines.length > TRANSFER_LINE_MAX || lines.line[lines.length] != '\0')
            abort();
        json_t *json = NULL;
        struct jsonl_post post;
        char what[300];
        struct mb_error err;
        if (parse_line(lines.line, lines.length, &json, &post, what, sizeof what)) {
            if (post.author == NULL || post.body == NULL || post.id < 0 || post.reply_to < 0)
                abort();
            (void)store_validate_username(post.author, &err);
            (void)store_validate_body(post.body, &err);
        }
        json_decref(json);
    }
    if (status != CLI_EXIT_OK && size <= TRANSFER_LINE_MAX)
        abort();
    transfer_lines_close(&lines);
    fclose(in);
    return 0;
}
