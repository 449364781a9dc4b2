/* The rules for usernames, emails and post bodies, checked in C before
 * anything reaches SQL (SQLite's length() stops at a NUL and does not check
 * UTF-8). Lengths are Unicode code points of valid UTF-8. */
#include "store/store.h"

#include <string.h>

#include "core/text.h"

/* Decodes one code point of valid UTF-8 (validity checked beforehand). */
static unsigned decode(const unsigned char *s, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if (s[0] < 0xE0) {
        *len = 2;
        return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    }
    if (s[0] < 0xF0) {
        *len = 3;
        return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    }
    *len = 4;
    return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
           (s[3] & 0x3Fu);
}

static bool is_control(unsigned c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

static bool is_bidi_control(unsigned c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

static bool is_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == 0xA0 || c == 0x3000 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0xFEFF;
}

/* Checks UTF-8 and length; `what` names the field in messages. */
static enum mb_status check_text(const char *text, const char *what, size_t max,
                                 size_t *count, struct mb_error *err)
{
    if (text == NULL)
        return mb_fail(err, MB_INVALID, "%s is missing", what);
    size_t len = strlen(text);
    if (!text_codepoints(text, len, count))
        return mb_fail(err, MB_INVALID, "%s is not valid UTF-8", what);
    if (*count == 0)
        return mb_fail(err, MB_INVALID, "%s is empty", what);
    if (*count > max)
        return mb_fail(err, MB_INVALID, "%s is %zu characters long; the limit is %zu", what,
                       *count, max);
    return MB_OK;
}

enum mb_status store_validate_username(const char *username, struct mb_error *err)
{
    size_t count;
    enum mb_status status = check_text(username, "the username", STORE_USERNAME_MAX, &count,
                                       err);
    if (status != MB_OK)
        return status;
    const unsigned char *p = (const unsigned char *)username;
    bool all_digits = true;
    while (*p != '\0') {
        size_t n;
        unsigned c = decode(p, &n);
        if (is_control(c) || is_bidi_control(c) || is_space(c))
            return mb_fail(err, MB_INVALID,
                           "the username may not contain spaces or control characters");
        if (c < '0' || c > '9')
            all_digits = false;
        p += n;
    }
    if (all_digits)
        return mb_fail(err, MB_INVALID, "the username may not be only digits (ids are)");
    return MB_OK;
}

enum mb_status store_validate_email(const char *email, struct mb_error *err)
{
    size_t count;
    enum mb_status status = check_text(email, "the email", STORE_EMAIL_MAX, &count, err);
    if (status != MB_OK)
        return status;
    const unsigned char *p = (const unsigned char *)email;
    size_t ats = 0;
    while (*p != '\0') {
        size_t n;
        unsigned c = decode(p, &n);
        if (is_control(c) || is_bidi_control(c) || is_space(c))
            return mb_fail(err, MB_INVALID,
                           "the email may not contain spaces or control characters");
        if (c == '@')
            ats++;
        p += n;
    }
    const char *at = strchr(email, '@');
    if (ats != 1 || at == email || at[1] == '\0')
        return mb_fail(err, MB_INVALID, "'%s' is not an email address (name@host)", email);
    return MB_OK;
}

enum mb_status store_validate_body(const char *body, struct mb_error *err)
{
    size_t count;
    enum mb_status status = check_text(body, "the post", STORE_BODY_MAX, &count, err);
    if (status != MB_OK)
        return status;
    const unsigned char *p = (const unsigned char *)body;
    bool blank = true;
    while (*p != '\0') {
        size_t n;
        unsigned c = decode(p, &n);
        if (is_control(c) && c != '\n' && c != '\t')
            return mb_fail(err, MB_INVALID,
                           "the post contains a control character (U+%04X)", c);
        if (blank && !is_space(c))
            blank = false;
        p += n;
    }
    if (blank)
        return mb_fail(err, MB_INVALID, "the post is empty");
    return MB_OK;
}
