/* The words of a post that are recorded in its own write transaction
 * (migrations 0004 and 0005): its @mentions (the mention table) and its
 * #tags (the tag table; tag_count follows by triggers). Both are found in
 * one pass over the body; an edit then changes only the tags that differ,
 * all tag rows in byte order (tags_write: the lock order of tagged
 * writes on PostgreSQL).
 *
 * A mention is an '@' that does not follow a letter, a digit, '.' or '_'
 * (so alice@example.com mentions nobody), then a name: the longest run of
 * the characters a username may hold (store_name_char) that is an existing
 * user's name ignoring case, found as store_user_get finds one. Since a
 * name may hold punctuation ("jean-luc", "a.b"), "@alice," and "@alice's"
 * first try the whole run, then the run cut before each character that is
 * not a letter, a digit or '_', longest first ("@carol_" is not carol).
 * Unknown names are ignored, a user mentioned twice is recorded once, the
 * author mentioning themself is not recorded (it would count as unread),
 * and both the mentions recorded and the names looked up per post are
 * capped, so that a body of 140 '@'s costs what any other does.
 *
 * A tag is a '#' that does not follow a letter, a digit, '_' or '&' (so
 * "C#", "a#b" and "&#38;" carry none), then a word: letters, digits and
 * '_', with the combining marks that follow them (a decomposed "café"),
 * holding at least one letter ("#12" is an issue number, not a tag). It is
 * stored as NFKC_Casefold of the word (utf8proc: "#Café", "#CAFÉ" and
 * "#ｃａｆｅ" are one tag), once per post, at most STORE_TAGS_MAX per post,
 * when the folded word is itself a tag word of at most
 * STORE_TAG_CODEPOINTS_MAX code points (else the word is no tag: a letter
 * that folds to nothing, or to words and spaces).
 * store_tag_fold applies the same rule to a tag someone asks for. */
#include "store/words.h"

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
    int64_t author;        /* never recorded as mentioned */
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
    bool seen = user.id == found->author;
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

/* Where an '#' may follow for it to start a tag (0: the body's start). */
static bool may_precede_tag(int32_t c)
{
    return c == 0 || !(word_char(c) || c == '&');
}

static bool combining_mark(int32_t c)
{
    utf8proc_category_t category = utf8proc_category(c);
    return category == UTF8PROC_CATEGORY_MN || category == UTF8PROC_CATEGORY_MC ||
           category == UTF8PROC_CATEGORY_ME;
}

static bool letter(int32_t c)
{
    return letter_or_digit(c) && utf8proc_category(c) <= UTF8PROC_CATEGORY_LO;
}

/* The length in bytes of the tag word that starts at word (just after its
 * '#'), 0 when there is none. */
static size_t tag_length(const char *word, const char *end)
{
    const char *p = word;
    bool any_letter = false;
    while (p < end) {
        int32_t c;
        size_t length = text_decode(p, (size_t)(end - p), &c);
        if (!(word_char(c) || (p > word && combining_mark(c))))
            break;
        any_letter = any_letter || letter(c);
        p += length;
    }
    return any_letter ? (size_t)(p - word) : 0;
}

/* The tag the word [word, word + length) (valid UTF-8, a tag_length
 * word) is: its NFKC_Casefold, newly allocated in *out, when that is
 * itself a tag word of at most STORE_TAG_CODEPOINTS_MAX code points.
 * Folding can empty a word (U+3164, a letter, folds to nothing) or make it
 * several ("\uFDFA" folds to four words with spaces) or long (18 code
 * points from one): MB_INVALID, no tag. MB_NOMEM when utf8proc runs out
 * of memory. */
static enum mb_status tag_folded(const char *word, size_t length, char **out)
{
    char *raw = xstrndup(word, length);
    char *folded = (char *)utf8proc_NFKC_Casefold((const utf8proc_uint8_t *)raw);
    size_t codepoints = 0;
    free(raw);
    *out = NULL;
    if (folded == NULL)
        return MB_NOMEM;
    size_t folded_length = strlen(folded);
    if (folded_length == 0 || tag_length(folded, folded + folded_length) != folded_length ||
        !text_codepoints(folded, folded_length, &codepoints) ||
        codepoints > STORE_TAG_CODEPOINTS_MAX) {
        free(folded);
        return MB_INVALID;
    }
    *out = folded;
    return MB_OK;
}

enum mb_status store_tag_fold(const char *text, char **out, struct mb_error *err)
{
    size_t codepoints = 0;
    *out = NULL;
    if (text == NULL || !text_codepoints(text, strlen(text), &codepoints))
        return mb_fail(err, MB_INVALID, "a tag must be valid UTF-8");
    const char *word = text[0] == '#' ? text + 1 : text;
    const char *end = word + strlen(word);
    size_t length = tag_length(word, end);
    enum mb_status status = MB_INVALID;
    if (length != 0 && word + length == end && codepoints <= STORE_BODY_MAX)
        status = tag_folded(word, length, out);
    if (status == MB_NOMEM)
        return mb_fail(err, MB_NOMEM, "out of memory folding a tag");
    if (status != MB_OK)
        return mb_fail(err, MB_INVALID, "not a tag: a tag is one word of letters, digits "
                                        "and _, with a letter (at most %d characters)",
                       STORE_TAG_CODEPOINTS_MAX);
    return MB_OK;
}

struct tags {
    char *words[STORE_TAGS_MAX];
    size_t count;
};

/* The tag at word (just after its '#'), added to found once; *next is
 * where the scan goes on. MB_NOMEM only. */
static enum mb_status tag_at(const char *word, const char *end, struct tags *found,
                             const char **next)
{
    size_t length = tag_length(word, end);
    *next = word + length;
    if (length == 0)
        return MB_OK;
    char *tag = NULL;
    enum mb_status status = tag_folded(word, length, &tag);
    if (status == MB_INVALID)
        return MB_OK; /* folds to no tag word: no tag */
    if (status != MB_OK)
        return MB_NOMEM;
    bool seen = false;
    for (size_t i = 0; i < found->count; i++)
        seen = seen || strcmp(found->words[i], tag) == 0;
    if (seen)
        free(tag);
    else
        found->words[found->count++] = tag;
    return MB_OK;
}

static void tags_clear(struct tags *tags)
{
    for (size_t i = 0; i < tags->count; i++)
        free(tags->words[i]);
    tags->count = 0;
}

/* The scan's step at character *c (just decoded, *p after it): a '#' that
 * may start a tag adds it to tags and moves *p past it, *c then standing
 * for what precedes the next character (a word's). The one tag rule of
 * store_words_record and store_body_tags. */
static enum mb_status tag_step(const char **p, const char *end, int32_t previous, int32_t *c,
                               struct tags *tags)
{
    if (*c != '#' || !may_precede_tag(previous) || tags->count >= STORE_TAGS_MAX)
        return MB_OK;
    const char *after = *p;
    enum mb_status status = tag_at(*p, end, tags, &after);
    if (after > *p) {
        *p = after;
        *c = 'a';
    }
    return status;
}

enum mb_status store_body_tags(const char *body, char ***tags, size_t *count)
{
    struct tags found = { .count = 0 };
    const char *p = body, *end = body + strlen(body);
    int32_t previous = 0;
    enum mb_status status = MB_OK;
    while (status == MB_OK && p < end) {
        int32_t c;
        p += text_decode(p, (size_t)(end - p), &c);
        status = tag_step(&p, end, previous, &c, &found);
        previous = c;
    }
    if (status != MB_OK) {
        tags_clear(&found);
        return status;
    }
    *tags = xcalloc(found.count + 1, sizeof **tags);
    memcpy(*tags, found.words, found.count * sizeof found.words[0]);
    *count = found.count;
    return MB_OK;
}

static int tag_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tags recorded for a post before an edit (any number: the rows
 * were written by whatever wrote them). */
struct recorded {
    char **words;
    size_t count;
};

static enum mb_status read_recorded(void *context, const struct store_value *columns,
                                    size_t count)
{
    struct recorded *old = context;
    if (count != 1 || columns[0].type != STORE_VALUE_TEXT)
        return MB_DB;
    old->words = xreallocarray(old->words, old->count + 1, sizeof *old->words);
    old->words[old->count++] = xstrdup(columns[0].text);
    return MB_OK;
}

/* With replace (an edit): forgets the post's mentions and reads the tags
 * recorded before into *old. */
static enum mb_status forget(struct store *store, int64_t post_id, struct recorded *old)
{
    struct store_value params[] = { store_value_int(post_id) };
    enum mb_status status = store_run(store, QUERY_MENTIONS_FORGET, params, 1, NULL, NULL, NULL);
    if (status == MB_OK)
        status = store_run(store, QUERY_TAGS_OF_POST, params, 1, read_recorded, old, NULL);
    if (status == MB_DB && store->error[0] == '\0')
        status = store_fail(store, MB_DB, "reading a post's tags: not a tag row");
    return status;
}

/* The post's tags become fresh (sorted) where they were old (sorted): in
 * one pass over both in byte order, a tag only old is forgotten, one only
 * fresh is inserted, one in both keeps its row. Each tag row written
 * changes its tag_count row (a trigger), which PostgreSQL keeps locked to
 * the commit; every tagged write takes those rows in byte order, after
 * its post rows (a deletion: store_tags_lock; a batch puts its new posts'
 * off to its commit: store_tags_defer), so that two never wait for
 * each other in a circle. An edit that forgot all its old tags and then
 * inserted its new ones took two runs of rows one after the other ("#zz"
 * edited to "#aa": zz then aa) and deadlocked against a post with
 * "#aa #zz" (tests/reliability/test_pg_tags.sh). */
static enum mb_status tags_write(struct store *store, int64_t post_id, int64_t timestamp,
                                 const struct recorded *old, const struct tags *fresh)
{
    enum mb_status status = MB_OK;
    size_t i = 0, j = 0;
    if (store->in_batch && old->count == 0 && store_on_server(store)) {
        for (; status == MB_OK && j < fresh->count; j++)
            status = store_tags_defer(store, fresh->words[j], timestamp, post_id);
        return status;
    }
    while (status == MB_OK && (i < old->count || j < fresh->count)) {
        int order = i == old->count      ? 1
                    : j == fresh->count  ? -1
                                         : strcmp(old->words[i], fresh->words[j]);
        if (order < 0) {
            struct store_value params[] = { store_value_int(post_id),
                                            store_value_text(old->words[i++]) };
            status = store_run(store, QUERY_TAG_FORGET, params, 2, NULL, NULL, NULL);
        } else if (order > 0) {
            struct store_value params[] = { store_value_text(fresh->words[j++]),
                                            store_value_int(timestamp),
                                            store_value_int(post_id) };
            status = store_run(store, QUERY_TAG_INSERT, params, 3, NULL, NULL, NULL);
        } else {
            while (i < old->count && strcmp(old->words[i], fresh->words[j]) == 0)
                i++;
            j++;
        }
    }
    return status;
}

enum mb_status store_words_record(struct store *store, int64_t post_id, int64_t author_id,
                                  int64_t timestamp, const char *body, bool replace)
{
    struct mentions found = { .author = author_id, .count = 0 };
    struct tags tags = { .count = 0 };
    struct recorded old = { 0 };
    /* An edit in a batch: the post's put-off rows first (it may be one). */
    enum mb_status status = replace ? store_tags_flush(store) : MB_OK;
    if (status == MB_OK && replace)
        status = forget(store, post_id, &old);
    const char *p = body, *end = body + strlen(body);
    int32_t previous = 0;
    while (status == MB_OK && p < end) {
        int32_t c;
        p += text_decode(p, (size_t)(end - p), &c);
        if (c == '@' && may_precede_mention(previous) && found.count < STORE_MENTIONS_MAX &&
            found.lookups < MENTION_LOOKUPS_MAX)
            status = mention_at(store, p, end, &found);
        if (status == MB_OK && (status = tag_step(&p, end, previous, &c, &tags)) != MB_OK)
            status = store_fail(store, status, "out of memory folding a tag");
        previous = c;
    }
    for (size_t i = 0; status == MB_OK && i < found.count; i++) {
        struct store_value params[] = { store_value_int(found.users[i]),
                                        store_value_int(timestamp), store_value_int(post_id) };
        status = store_run(store, QUERY_MENTION_INSERT, params, 3, NULL, NULL, NULL);
    }
    qsort(tags.words, tags.count, sizeof tags.words[0], tag_order);
    if (old.count > 1)
        qsort(old.words, old.count, sizeof old.words[0], tag_order);
    if (status == MB_OK)
        status = tags_write(store, post_id, timestamp, &old, &tags);
    tags_clear(&tags);
    for (size_t i = 0; i < old.count; i++)
        free(old.words[i]);
    free(old.words);
    return status;
}

static enum mb_status read_tag(void *context, const struct store_value *columns, size_t count)
{
    struct tag_list *list = context;
    if (count != 2 || columns[0].type != STORE_VALUE_TEXT)
        return MB_DB;
    list->items = xreallocarray(list->items, list->count + 1, sizeof *list->items);
    list->items[list->count++] = (struct tag_count){
        .tag = xstrdup(columns[0].text),
        .posts = store_value_as_int(&columns[1]),
    };
    return MB_OK;
}

enum mb_status store_tag_list(struct store *store, const char *after, size_t limit,
                              struct tag_list *out)
{
    struct tag_list list = { 0 };
    struct store_value params[] = { store_value_text(after != NULL ? after : ""),
                                    store_value_int((int64_t)limit) };
    enum mb_status status = store_run(store, QUERY_TAG_PAGE, params, 2, read_tag, &list, NULL);
    if (status == MB_DB && store->error[0] == '\0')
        status = store_fail(store, MB_DB, "reading tags: not a tag row");
    if (status != MB_OK) {
        store_tag_list_free(&list);
        return status;
    }
    *out = list;
    return MB_OK;
}

void store_tag_list_free(struct tag_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].tag);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static bool space(int32_t c)
{
    utf8proc_category_t category = utf8proc_category(c);
    return c == '\t' || c == '\n' || c == '\r' || category == UTF8PROC_CATEGORY_ZS ||
           category == UTF8PROC_CATEGORY_ZL || category == UTF8PROC_CATEGORY_ZP;
}

/* Whether the word [word, word + length) is among the first count of
 * words (each a start and a length). */
static bool word_seen(const char *const *starts, const size_t *lengths, size_t count,
                      const char *word, size_t length)
{
    for (size_t i = 0; i < count; i++)
        if (lengths[i] == length && memcmp(starts[i], word, length) == 0)
            return true;
    return false;
}

enum mb_status store_search_expression(const char *query, char **out, struct mb_error *err)
{
    size_t length = query != NULL ? strlen(query) : 0, used = 0, count = 0, given = 0;
    const char *starts[STORE_SEARCH_WORDS_MAX];
    size_t lengths[STORE_SEARCH_WORDS_MAX];
    *out = NULL;
    if (query == NULL || !text_utf8_valid(query, length))
        return mb_fail(err, MB_INVALID, "the search must be valid UTF-8");
    if (length > STORE_SEARCH_BYTES_MAX)
        return mb_fail(err, MB_INVALID, "the search is longer than %d bytes",
                       STORE_SEARCH_BYTES_MAX);
    /* At worst every byte a doubled quote, and a quote pair per byte. */
    char *expression = xmalloc(4 * length + 1);
    const char *p = query, *end = query + length;
    while (p < end) {
        int32_t c;
        size_t n = text_decode(p, (size_t)(end - p), &c);
        if (space(c)) {
            p += n;
            continue;
        }
        const char *word = p;
        bool any = false;
        while (p < end && !space(c)) {
            any = any || letter_or_digit(c);
            p += n;
            if (p < end)
                n = text_decode(p, (size_t)(end - p), &c);
        }
        if (!any)
            continue;
        /* A repeat counts: PostgreSQL reads the query as typed, a GIN scan
         * per word given (100 times "common the": 2.4 s, against 70 ms). */
        if (++given > STORE_SEARCH_WORDS_MAX) {
            free(expression);
            return mb_fail(err, MB_INVALID, "the search has more than %d words",
                           STORE_SEARCH_WORDS_MAX);
        }
        if (word_seen(starts, lengths, count, word, (size_t)(p - word)))
            continue;
        starts[count] = word;
        lengths[count++] = (size_t)(p - word);
        if (used > 0)
            expression[used++] = ' ';
        expression[used++] = '"';
        for (const char *q = word; q < p; q++) {
            if (*q == '"')
                expression[used++] = '"';
            expression[used++] = *q;
        }
        expression[used++] = '"';
    }
    expression[used] = '\0';
    if (used == 0) {
        free(expression);
        return mb_fail(err, MB_INVALID, "the search has no words (letters or digits)");
    }
    *out = expression;
    return MB_OK;
}
