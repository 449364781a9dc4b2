/* Fuzz target: the username, email and post-body rules, fed arbitrary
 * bytes (made NUL-terminated, as the store receives them). Whatever they
 * accept must be valid UTF-8 within the length limits, and hold nothing
 * from core/text's dangerous list that the rule refuses: nothing at all in
 * a username or email, no control but '\n' and '\t' in a body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s[0..len) holds a code point of a class in `classes`, other
 * than the ones in `allowed`. */
static bool holds(const char *s, size_t len, unsigned classes, const char *allowed)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        i += text_decode(s + i, len - i, &cp);
        if (cp >= 0 && (text_danger(cp) & classes) && (cp == 0 || !strchr(allowed, cp)))
            return true;
    }
    return false;
}

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
    if (store_validate_username(s, &err) == MB_OK &&
        (!valid || count == 0 || count > 64 || holds(s, len, TEXT_DANGER_ANY, "")))
        abort();
    if (store_validate_email(s, &err) == MB_OK &&
        (!valid || count == 0 || count > 120 || holds(s, len, TEXT_DANGER_ANY, "")))
        abort();
    if (store_validate_body(s, &err) == MB_OK &&
        (!valid || count == 0 || count > 140 || holds(s, len, TEXT_DANGER_CONTROL, "\n\t")))
        abort();
    free(s);
    return 0;
}
