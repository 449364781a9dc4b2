/* Fuzz target: the import parser (one JSON Lines record of `import`). The
 * parser is static in cli/transfer.c, so this file includes that file whole
 * (its other symbols then come from here, not from the library) and feeds
 * each input line by line through parse_line and the validators the import
 * applies next, as cli_import_run does; nothing may crash or leak, and an
 * accepted line must carry an author and a body. */
#include "cli/transfer.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t start = 0;
    while (start <= size) {
        const char *newline = memchr(text + start, '\n', size - start);
        size_t end = newline != NULL ? (size_t)(newline - text) : size;
        size_t length = end - start;
        char *line = xstrndup(text + start, length);
        length = strlen(line); /* getline would stop a C string at NUL too */
        if (!blank(line, length)) {
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
        free(line);
        if (newline == NULL)
            break;
        start = end + 1;
    }
    return 0;
}
