/* Finding the @mentions of a post's body and recording them (the mention
 * table, migrations 0004), in the post's own write transaction. A mention
 * is an '@' that does not follow a letter, a digit, '.' or '_' (so
 * alice@example.com mentions nobody), then a name: the longest run of the
 * characters a username may hold (store_name_char) that is an existing
 * user's name ignoring case, found as store_user_get finds one. Since a
 * name may hold punctuation ("jean-luc", "a.b"), "@alice," and "@alice's"
 * first try the whole run, then the run cut before each character that is
 * not a letter, a digit or '_', longest first ("@carol_" is not carol). Unknown names are ignored, a
 * user mentioned twice is recorded once, and both the mentions recorded
 * and the names looked up per post are capped, so that a body of 140 '@'s
 * costs what any other does. */
#include "store/mentions.h"

#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "store/queries.h"

/* Names looked up for one post, at most. */
#define MENTION_LOOKUPS_MAX 64

static bool letter_or_digit(int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

/* A character that goes on a word: a name is never cut before one. */
static bool word_char(int32_t c)
{
    return letter_or_digit(c) || c == '_';
}

/* What an '@' may follow for it to start a mention (0: the body's start). */
static bool may_precede_mention(int32_t c)
{
    return c == 0 || !(word_char(c) || c == '.');
}

struct mentions {
    int64_t users[STORE_MENTIONS_MAX];
    size_t count;
    int lookups;
};

/* The user named by the text [name, end) when there is one: added to
 * found (once) and *matched set. */
static enum mb_status look_up(struct store *store, const char *name, const char *end,
                              struct mentions *found, bool *matched)
{
    struct user user = { 0 };
    char *candidate = xstrndup(name, (size_t)(end - name));
    enum mb_status status = store_user_get(store, candidate, &user);
    free(candidate);
    found->lookups++;
    *matched = status == MB_OK;
    if (status == MB_NOT_FOUND)
        return MB_OK;
    if (status != MB_OK)
        return status;
    bool seen = false;
    for (size_t i = 0; i < found->count; i++)
        seen = seen || found->users[i] == user.id;
    if (!seen)
        found->users[found->count++] = user.id;
    store_user_clear(&user);
    return MB_OK;
}

/* The mention whose name starts at name (just after its '@'). */
static enum mb_status mention_at(struct store *store, const char *name, const char *end,
                                 struct mentions *found)
{
    /* Where a candidate may end: before each character that is not a
     * letter, a digit or '_', and at the end of the run. */
    const char *ends[STORE_USERNAME_MAX + 1];
    size_t count = 0, codepoints = 0;
    const char *p = name;
    while (p < end && codepoints < STORE_USERNAME_MAX) {
        int32_t c;
        size_t length = text_decode(p, (size_t)(end - p), &c);
        if (!store_name_char(c))
            break;
        if (codepoints > 0 && !word_char(c))
            ends[count++] = p;
        p += length;
        codepoints++;
    }
    if (p > name)
        ends[count++] = p;
    enum mb_status status = MB_OK;
    bool matched = false;
    while (count > 0 && !matched && status == MB_OK && found->lookups < MENTION_LOOKUPS_MAX)
        status = look_up(store, name, ends[--count], found, &matched);
    return status;
}

enum mb_status store_mentions_record(struct store *store, int64_t post_id, int64_t timestamp,
                                     const char *body, bool replace)
{
    struct mentions found = { .count = 0 };
    enum mb_status status = MB_OK;
    if (replace) {
        struct store_value params[] = { store_value_int(post_id) };
        status = store_run(store, QUERY_MENTIONS_FORGET, params, 1, NULL, NULL, NULL);
    }
    const char *p = body, *end = body + strlen(body);
    int32_t previous = 0;
    while (status == MB_OK && p < end && found.count < STORE_MENTIONS_MAX &&
           found.lookups < MENTION_LOOKUPS_MAX) {
        int32_t c;
        p += text_decode(p, (size_t)(end - p), &c);
        if (c == '@' && may_precede_mention(previous))
            status = mention_at(store, p, end, &found);
        previous = c;
    }
    for (size_t i = 0; status == MB_OK && i < found.count; i++) {
        struct store_value params[] = { store_value_int(found.users[i]),
                                        store_value_int(timestamp), store_value_int(post_id) };
        status = store_run(store, QUERY_MENTION_INSERT, params, 3, NULL, NULL, NULL);
    }
    return status;
}
