/* Fuzz target: the username, email and post-body rules, fed arbitrary
 * bytes (made NUL-terminated, as the store receives them). Whatever they
 * accept must be valid UTF-8 within the length limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t len = strlen(s), count = 0;
    struct mb_error err;
    bool valid = text_codepoints(s, len, &count);
    if (store_validate_username(s, &err) == MB_OK && (!valid || count == 0 || count > 64))
        abort();
    if (store_validate_email(s, &err) == MB_OK && (!valid || count == 0 || count > 120))
        abort();
    if (store_validate_body(s, &err) == MB_OK && (!valid || count == 0 || count > 140))
        abort();
    free(s);
    return 0;
}
