/* Fuzz target: the import parser (one JSON Lines record of `import`). The
 * parser is static in cli/transfer.c, so this file includes that file whole
 * (its other symbols then come from here, not from the library) and reads
 * each input with read_line, through parse_line and the validators the
 * import applies next, as cli_import_run does; nothing may crash or leak,
 * a line read is never longer than IMPORT_LINE_MAX, and an accepted line
 * must carry an author and a body. */
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
    char *line = xmalloc(IMPORT_LINE_MAX + 1);
    size_t length;
    enum line_result read;
    while ((read = read_line(in, line, &length)) == LINE_OK) {
        if (length > IMPORT_LINE_MAX || line[length] != '\0')
            abort();
        if (blank(line, length))
            continue;
        json_t *json = NULL;
        const char *author = NULL, *body = NULL;
        int64_t timestamp = 0;
        char what[300];
        struct mb_error err;
        if (parse_line(line, length, &json, &author, &body, &timestamp, what, sizeof what)) {
            if (author == NULL || body == NULL)
                abort();
            (void)store_validate_username(author, &err);
            (void)store_validate_body(body, &err);
        }
        json_decref(json);
    }
    if (read == LINE_TOO_LONG && size <= IMPORT_LINE_MAX)
        abort();
    free(line);
    fclose(in);
    return 0;
}
