/* The rules for usernames, emails and post bodies, checked in C before
 * anything reaches SQL (SQLite's length() stops at a NUL and does not check
 * UTF-8). Lengths are Unicode code points of valid UTF-8. What is dangerous
 * comes from core/text's one list (text_danger): names and emails refuse
 * all of it, bodies its controls other than '\n' and '\t' (a bidi mark
 * is ordinary in right-to-left writing; the sanitizer and JSON neutralise
 * it on the way out). Spaces are this file's own rule. An "about me" is
 * prose as a body is; which characters a name may hold is also what ends
 * an @mention (store/mentions.c). */
#include "store/store.h"

#include <utf8proc.h>

#include <string.h>

#include "core/text.h"
#include "store/internal.h"

/* The code point at *p, before end, through core/text's one decoder;
 * moves *p past it. The text is valid UTF-8 (check_text came first). */
static int32_t next_codepoint(const char **p, const char *end)
{
    int32_t c;
    *p += text_decode(*p, (size_t)(end - *p), &c);
    return c;
}

/* Spaces, visible or not: none in a name, and a body of nothing else is
 * empty. Unicode's space separators (category Zs: test_text holds this to
 * utf8proc's table), U+200B ZERO WIDTH SPACE, U+FEFF ZERO WIDTH NO-BREAK
 * SPACE, tab and newline. */
static bool is_space(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000 ||
           c == 0xFEFF;
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

/* Characters that make two names look the same by showing nothing, or
 * that no reader can tell apart: format characters (zero-width joiners and
 * the like), unassigned and private-use code points, and the blanks that
 * are not spaces (braille blank, Hangul fillers). */
static bool invisible_in_a_name(int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
        return true;
    default:
        return c == 0x2800 || c == 0xFFFC || c == 0x3164 || c == 0xFFA0 || c == 0x115F || c == 0x1160 ||
               c == 0x034F || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
    }
}

bool store_name_char(int32_t c)
{
    return text_danger(c) == TEXT_SAFE && !is_space(c) && !invisible_in_a_name(c);
}

enum mb_status store_validate_username(const char *username, struct mb_error *err)
{
    size_t count;
    enum mb_status status = check_text(username, "the username", STORE_USERNAME_MAX, &count,
                                       err);
    if (status != MB_OK)
        return status;
    const char *p = username, *end = username + strlen(username);
    bool all_digits = true;
    while (p < end) {
        int32_t c = next_codepoint(&p, end);
        if (text_danger(c) != TEXT_SAFE || is_space(c))
            return mb_fail(err, MB_INVALID,
                           "the username may not contain spaces or control characters");
        if (invisible_in_a_name(c))
            return mb_fail(err, MB_INVALID,
                           "the username may not contain invisible, unassigned or "
                           "private-use characters (U+%04X)", (unsigned)c);
        if (c < '0' || c > '9')
            all_digits = false;
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
    const char *p = email, *end = email + strlen(email);
    size_t ats = 0;
    while (p < end) {
        int32_t c = next_codepoint(&p, end);
        if (text_danger(c) != TEXT_SAFE || is_space(c))
            return mb_fail(err, MB_INVALID,
                           "the email may not contain spaces or control characters");
        if (c == '@')
            ats++;
    }
    const char *at = strchr(email, '@');
    if (ats != 1 || at == email || at[1] == '\0')
        return mb_fail(err, MB_INVALID, "'%s' is not an email address (name@host)", email);
    return MB_OK;
}

/* Prose (a post's body, an "about me"): up to max code points, no
 * controls other than '\n' and '\t', not only spaces; `what` names it. */
static enum mb_status check_prose(const char *text, const char *what, size_t max,
                                  struct mb_error *err)
{
    size_t count;
    enum mb_status status = check_text(text, what, max, &count, err);
    if (status != MB_OK)
        return status;
    const char *p = text, *end = text + strlen(text);
    bool blank = true;
    while (p < end) {
        int32_t c = next_codepoint(&p, end);
        if (text_danger(c) == TEXT_DANGER_CONTROL && c != '\n' && c != '\t')
            return mb_fail(err, MB_INVALID,
                           "%s contains a control character (U+%04X)", what, (unsigned)c);
        if (blank && !is_space(c))
            blank = false;
    }
    if (blank)
        return mb_fail(err, MB_INVALID, "%s is empty", what);
    return MB_OK;
}

enum mb_status store_validate_body(const char *body, struct mb_error *err)
{
    return check_prose(body, "the post", STORE_BODY_MAX, err);
}

enum mb_status store_validate_about(const char *about, struct mb_error *err)
{
    return check_prose(about, "the about text", STORE_ABOUT_MAX, err);
}
