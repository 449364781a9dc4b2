/* The invariants of the social and journal tables (issues 11 and 12),
 * checked from outside the program after a crash or a concurrent load, on
 * either engine: the database is read through its own command-line client
 * (sqlite3, on a copy taken read-only so that the check neither
 * checkpoints a killed writer's WAL nor refuses FTS5's write-shaped
 * commands; psql on a server), one script per check whose output is cut
 * into sections. What the store's parser decided is compared with a
 * second, deliberately simple reading of the same bodies written here
 * (ASCII only: the drivers' bodies hold no other letters):
 * - mentions: a post that is not private mentions NAME (one of rel_names,
 *   created before any writer starts) exactly when its body holds "@NAME"
 *   (any case) not after a letter, digit, '_' or '.', not followed by a
 *   letter, digit or '_', and NAME is not its author; no other mention row;
 * - tags: the rows of a post are the lower-cased "#word"s of its body
 *   ('#' not after a letter, digit, '_' or '&'; the word's letters, digits
 *   and '_', with a letter); tag_count.n is count(*) of each tag's rows;
 * - private entries: no tag or mention row, the placeholder body, one
 *   sealed row each; nothing in the search index (rel_words holds
 *   "private" and "entry", which only the placeholder says);
 * - search: the posts a word matches are those that are not private whose
 *   body holds it as a whole word (any case); SQLite (revision 0006: the
 *   index's rowids are search keys, search_key maps each to its post):
 *   every post that is not private has one search key and a private entry
 *   none, no key names a missing post, each key lies in its post's second
 *   (key >> 20 is the timestamp clamped to +-2^43), FTS5's integrity-check
 *   (rank 1) passes, every term of the index (fts5vocab) read through
 *   search_key equals the words of the bodies that are not private, the
 *   matches read through search_key are the posts above, and an index
 *   rebuilt from scratch on those bodies (checked against them: rank 1)
 *   matches the same posts; PostgreSQL: search equals
 *   to_tsvector('mb_search', body) (revision 0006's configuration:
 *   'simple' with accents folded), NULL for private entries;
 * - replies: thread_id is the parent's thread, or the parent, while the
 *   parent exists; post counts kept by triggers equal count(*).
 * Header-only, as rel.h: each driver is its own program. */
#ifndef TESTS_RELIABILITY_INVARIANTS_H
#define TESTS_RELIABILITY_INVARIANTS_H

#include <ctype.h>
#include <sys/wait.h>

#include "tests/reliability/rel.h"
#include "tests/reliability/search_keys.h"

/* The users bodies may mention: created before the writers start. */
static const char *const rel_names[] = { "alice", "bob", "carol", "dave" };
#define REL_NAME_COUNT (sizeof rel_names / sizeof rel_names[0])
/* The words searched for after a run. */
static const char *const rel_words[] = { "fox", "lazy", "t3", "journal", "private", "entry" };
#define REL_WORD_COUNT (sizeof rel_words / sizeof rel_words[0])

/* A body with mentions and tags, from r (a random number): ASCII words,
 * a space after every name and tag, at most 140 code points. */
static inline void rel_social_body(char *out, size_t size, const char *prefix, uint64_t r)
{
    static const char *const tags[] = { "#t1", "#t2", "#T3", "#journal", "#Journal", "#x_1",
                                        "#12", "a#b", "C# " };
    static const char *const ats[] = { "@alice", "@Bob,", "@carol.", "@dave's", "@alicex",
                                       "mail@bob.org", "@Carol", "@nobody" };
    snprintf(out, size, "%s %s %s fox %s %s lazy", prefix, ats[r % 8], tags[(r >> 3) % 9],
             ats[(r >> 7) % 8], tags[(r >> 10) % 9]);
}

struct rel_db {
    bool postgres;
    const char *target;    /* the SQLite file, or the server's URL */
    const char *scratch;   /* a directory for the copy and the scripts */
};

/* One section of a script's output: the lines after "#CHECK name". */
struct rel_lines {
    char **items;
    size_t count;
};

static inline void rel_lines_add(struct rel_lines *lines, char *line)
{
    lines->items = xreallocarray(lines->items, lines->count + 1, sizeof *lines->items);
    lines->items[lines->count++] = line;
}

static inline void rel_lines_free(struct rel_lines *lines)
{
    for (size_t i = 0; i < lines->count; i++)
        free(lines->items[i]);
    free(lines->items);
    *lines = (struct rel_lines){ 0 };
}

static inline int rel_compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of section name in out (a copy, sorted). */
static inline struct rel_lines rel_section(const char *out, const char *name)
{
    struct rel_lines lines = { 0 };
    char *marker = xasprintf("#CHECK %s\n", name);
    const char *p = strstr(out, marker);
    if (p != NULL)
        p += strlen(marker);
    while (p != NULL && *p != '\0' && strncmp(p, "#CHECK ", 7) != 0) {
        const char *end = strchr(p, '\n');
        size_t length = end != NULL ? (size_t)(end - p) : strlen(p);
        rel_lines_add(&lines, xstrndup(p, length));
        p = end != NULL ? end + 1 : NULL;
    }
    free(marker);
    if (lines.count > 1)
        qsort(lines.items, lines.count, sizeof *lines.items, rel_compare_strings);
    return lines;
}

/* Differences between two sorted lists: their count, the first described. */
static inline int rel_difference(const struct rel_lines *expected, const struct rel_lines *actual,
                                 const char *what, char *why, size_t why_size)
{
    int differences = 0;
    size_t i = 0, j = 0;
    while (i < expected->count || j < actual->count) {
        int c = i == expected->count ? 1
                : j == actual->count ? -1
                                     : strcmp(expected->items[i], actual->items[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        if (differences++ == 0 && why[0] == '\0')
            snprintf(why, why_size, "%s: %s '%.80s'", what, c < 0 ? "missing" : "unexpected",
                     c < 0 ? expected->items[i] : actual->items[j]);
        c < 0 ? i++ : j++;
    }
    return differences;
}

static inline bool rel_word_byte(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Whether body mentions name, by the rule in this file's comment. */
static inline bool rel_body_mentions(const char *body, const char *name)
{
    size_t length = strlen(name);
    for (const char *at = strchr(body, '@'); at != NULL; at = strchr(at + 1, '@')) {
        char before = at > body ? at[-1] : ' ';
        if (rel_word_byte(before) || before == '.')
            continue;
        if (strncasecmp(at + 1, name, length) == 0 && !rel_word_byte(at[1 + length]))
            return true;
    }
    return false;
}

/* Whether body holds word as a whole word (runs of ASCII letters and digits). */
static inline bool rel_body_has_word(const char *body, const char *word)
{
    size_t length = strlen(word);
    for (const char *p = body; *p != '\0'; p++) {
        if (isalnum((unsigned char)*p) && (p == body || !isalnum((unsigned char)p[-1])) &&
            strncasecmp(p, word, length) == 0 && !isalnum((unsigned char)p[length]))
            return true;
    }
    return false;
}

/* Adds "POST|tag" for each tag of body. */
static inline void rel_body_tags(int64_t post, const char *body, struct rel_lines *out)
{
    for (const char *hash = strchr(body, '#'); hash != NULL; hash = strchr(hash + 1, '#')) {
        char before = hash > body ? hash[-1] : ' ';
        if (rel_word_byte(before) || before == '&')
            continue;
        size_t length = 0;
        bool letter = false;
        for (; rel_word_byte(hash[1 + length]); length++)
            letter = letter || isalpha((unsigned char)hash[1 + length]);
        if (!letter)
            continue;
        char *line = xasprintf("%lld|%.*s", (long long)post, (int)length, hash + 1);
        for (char *c = strchr(line, '|'); *c != '\0'; c++)
            *c = (char)tolower((unsigned char)*c);
        bool seen = false;
        for (size_t i = 0; i < out->count; i++)
            seen = seen || strcmp(out->items[i], line) == 0;
        if (seen)
            free(line);
        else
            rel_lines_add(out, line);
    }
}

/* "POST|term term ...": the body's words as unicode61 cuts ASCII text
 * (runs of letters and digits, lower case), in order (caller frees). */
static inline char *rel_body_terms(int64_t post, const char *body)
{
    char *line = xasprintf("%lld|", (long long)post);
    size_t used = strlen(line), capacity = used + strlen(body) + 2;
    line = xrealloc(line, capacity);
    bool first = true;
    for (const char *p = body; *p != '\0';) {
        if (!isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        if (!first)
            line[used++] = ' ';
        first = false;
        while (isalnum((unsigned char)*p))
            line[used++] = (char)tolower((unsigned char)*p++);
    }
    line[used] = '\0';
    return line;
}

/* Runs script through the engine's client; returns its output (caller
 * frees) and puts what it said on stderr, if anything, in *errors. */
static inline char *rel_db_script(const struct rel_db *db, const char *script, char **errors)
{
    char *script_path = xasprintf("%s/check.sql", db->scratch);
    char *error_path = xasprintf("%s/check.err", db->scratch);
    FILE *f = fopen(script_path, "w");
    if (f == NULL || fputs(script, f) < 0 || fclose(f) != 0)
        rel_die("writing %s", script_path);
    char *out = db->postgres
                    ? rel_shell("psql -X -q -At -F '|' -d '%s' -f '%s' 2> '%s'", db->target,
                                script_path, error_path)
                    : rel_shell("sqlite3 -batch -separator '|' '%s/copy.db' < '%s' 2> '%s'",
                                db->scratch, script_path, error_path);
    *errors = rel_shell("cat '%s'", error_path);
    free(script_path);
    free(error_path);
    return out;
}

/* The section queries common to both engines ("user" is quoted in both). */
static const char *const rel_common_checks[][2] = {
    { "users", "SELECT id || '|' || username FROM \"user\"" },
    { "posts", "SELECT id || '|' || user_id || '|' || private || '|' || body FROM post" },
    { "mentions", "SELECT post_id || '|' || user_id FROM mention" },
    { "tags", "SELECT post_id || '|' || tag FROM tag" },
    { "tag_count",
      "SELECT (SELECT count(*) FROM (SELECT tag, count(*) AS n FROM tag GROUP BY tag "
      "EXCEPT SELECT tag, n FROM tag_count) a) + (SELECT count(*) FROM (SELECT tag, n FROM "
      "tag_count EXCEPT SELECT tag, count(*) FROM tag GROUP BY tag) b)" },
    { "private_words",
      "SELECT (SELECT count(*) FROM tag t JOIN post p ON p.id = t.post_id WHERE p.private <> 0)"
      " + (SELECT count(*) FROM mention m JOIN post p ON p.id = m.post_id WHERE p.private <> 0)" },
    { "word_times",
      "SELECT (SELECT count(*) FROM tag t JOIN post p ON p.id = t.post_id WHERE p.timestamp <> "
      "t.timestamp) + (SELECT count(*) FROM mention m JOIN post p ON p.id = m.post_id WHERE "
      "p.timestamp <> m.timestamp)" },
    { "private_rows",
      "SELECT count(*) FROM post p WHERE (p.private <> 0) <> EXISTS (SELECT 1 FROM "
      "private_entry e WHERE e.post_id = p.id) OR (p.private <> 0 AND p.body <> '"
      STORE_PRIVATE_PLACEHOLDER "')" },
    { "threads",
      "SELECT count(*) FROM post c JOIN post p ON p.id = c.reply_to WHERE c.thread_id IS NULL "
      "OR c.thread_id <> coalesce(p.thread_id, p.id)" },
    { "post_count",
      "SELECT (SELECT count(*) FROM (SELECT user_id, sum(n) AS n FROM post_count WHERE user_id "
      "<> 0 GROUP BY user_id HAVING sum(n) <> 0 EXCEPT SELECT user_id, count(*) FROM post "
      "GROUP BY user_id) a) + (SELECT count(*) FROM (SELECT user_id, count(*) FROM post GROUP "
      "BY user_id EXCEPT SELECT user_id, sum(n) FROM post_count WHERE user_id <> 0 GROUP BY "
      "user_id) b) + CASE WHEN (SELECT sum(n) FROM post_count WHERE user_id = 0) = (SELECT "
      "count(*) FROM post) THEN 0 ELSE 1 END" },
};
#define REL_ZERO_FIRST 4   /* rel_common_checks from here on must print 0 */

/* Builds the script: each query after a marker line. */
static inline char *rel_script(const struct rel_db *db)
{
    const char *echo = db->postgres ? "\\echo" : ".print";
    char *script = xstrdup("");
    char *next;
#define REL_APPEND(...)                                                                            \
    do {                                                                                           \
        char *piece = xasprintf(__VA_ARGS__);                                                      \
        next = xasprintf("%s%s", script, piece);                                                   \
        free(piece);                                                                               \
        free(script);                                                                              \
        script = next;                                                                             \
    } while (0)
    for (size_t i = 0; i < sizeof rel_common_checks / sizeof rel_common_checks[0]; i++)
        REL_APPEND("%s '#CHECK %s'\n%s;\n", echo, rel_common_checks[i][0], rel_common_checks[i][1]);
    if (db->postgres) {
        REL_APPEND("\\echo '#CHECK search_column'\nSELECT count(*) FROM post WHERE (private = 0 "
                   "AND search IS DISTINCT FROM to_tsvector('mb_search', body)) OR (private <> 0 "
                   "AND search IS NOT NULL);\n");
        for (size_t w = 0; w < REL_WORD_COUNT; w++)
            REL_APPEND("\\echo '#CHECK match %s'\nSELECT id FROM post WHERE search @@ "
                       "to_tsquery('mb_search', '%s');\n", rel_words[w], rel_words[w]);
    } else {
        /* The search keys: one for each post that is not private, none for
         * a private entry or a missing post, each in its post's second
         * (0006_search_index.up.sql's clamp). */
        REL_APPEND(".print '#CHECK search_keys'\n" REL_SEARCH_KEYS_SQL ";\n"
                   ".print '#CHECK key_seconds'\n" REL_KEY_SECONDS_SQL ";\n");
        /* FTS5's own check (rank 1: against its content, which a
         * contentless index has none of, so the index's own structure).
         * Its messages go to stderr, which must stay empty. Then every
         * term of the index per post (a key with no search_key row shows
         * as "nokey KEY"), in order, for the comparison with the bodies. */
        REL_APPEND("INSERT INTO post_search (post_search, rank) VALUES ('integrity-check', 1);\n"
                   "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, post_search, instance);\n"
                   ".print '#CHECK terms'\nSELECT coalesce(k.post_id, 'nokey ' || t.doc) || '|' "
                   "|| t.words FROM (SELECT doc, group_concat(term, ' ') AS words FROM (SELECT "
                   "doc, term FROM temp.terms ORDER BY doc, offset) GROUP BY doc) t LEFT JOIN "
                   "search_key k ON k.key = t.doc;\n");
        for (size_t w = 0; w < REL_WORD_COUNT; w++)
            REL_APPEND(".print '#CHECK match %s'\n" REL_SEARCH_IDS_FORMAT ";\n", rel_words[w],
                       rel_words[w]);
        /* Rebuilt from scratch on what should be indexed, and checked
         * against that content (rank 1): the same matches. */
        REL_APPEND("CREATE VIEW rel_searchable AS SELECT id, body FROM post WHERE private = 0;\n"
                   "CREATE VIRTUAL TABLE rel_rebuilt USING fts5(body, content = 'rel_searchable', "
                   "content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');\n"
                   "INSERT INTO rel_rebuilt (rel_rebuilt) VALUES ('rebuild');\n"
                   "INSERT INTO rel_rebuilt (rel_rebuilt, rank) VALUES ('integrity-check', 1);\n");
        for (size_t w = 0; w < REL_WORD_COUNT; w++)
            REL_APPEND(".print '#CHECK rebuilt %s'\nSELECT rowid FROM rel_rebuilt WHERE "
                       "rel_rebuilt MATCH '%s';\n", rel_words[w], rel_words[w]);
    }
#undef REL_APPEND
    return script;
}

/* Checks every invariant of this file's comment on db. Returns the number
 * of problems, the first described in why. */
static inline int rel_invariants(const struct rel_db *db, char *why, size_t why_size)
{
    int problems = 0;
    why[0] = '\0';
    if (!db->postgres) {
        char *copy = rel_shell("rm -f '%s/copy.db' && sqlite3 -readonly '%s' "
                               "\".backup '%s/copy.db'\" 2>&1",
                               db->scratch, db->target, db->scratch);
        if (copy[0] != '\0') {
            snprintf(why, why_size, "copying the database: %.200s", copy);
            free(copy);
            return 1;
        }
        free(copy);
    }
    char *script = rel_script(db);
    char *errors = NULL;
    char *out = rel_db_script(db, script, &errors);
    if (errors[0] != '\0' && problems++ == 0)
        snprintf(why, why_size, "the client said: %.300s", errors);
    /* The sections that must print 0: the common ones from REL_ZERO_FIRST,
     * then the engine's own (rel_script). */
    static const char *const postgres_zero[] = { "search_column", NULL };
    static const char *const sqlite_zero[] = { "search_keys", "key_seconds", NULL };
    const size_t common = sizeof rel_common_checks / sizeof rel_common_checks[0];
    const char *const *engine_zero = db->postgres ? postgres_zero : sqlite_zero;
    for (size_t i = REL_ZERO_FIRST;; i++) {
        const char *name = i < common ? rel_common_checks[i][0] : engine_zero[i - common];
        if (name == NULL)
            break;
        struct rel_lines lines = rel_section(out, name);
        if ((lines.count != 1 || strcmp(lines.items[0], "0") != 0) && problems++ == 0)
            snprintf(why, why_size, "%s: %.100s (0 expected)", name,
                     lines.count > 0 ? lines.items[0] : "no answer");
        rel_lines_free(&lines);
    }

    /* The independent reading of the bodies. */
    struct rel_lines users = rel_section(out, "users"), posts = rel_section(out, "posts");
    struct rel_lines mentions = rel_section(out, "mentions"), tags = rel_section(out, "tags");
    int64_t name_ids[REL_NAME_COUNT] = { 0 };
    for (size_t i = 0; i < users.count; i++) {
        long long id = 0;
        int at = 0;
        if (sscanf(users.items[i], "%lld|%n", &id, &at) == 1)
            for (size_t n = 0; n < REL_NAME_COUNT; n++)
                if (strcasecmp(users.items[i] + at, rel_names[n]) == 0)
                    name_ids[n] = id;
    }
    struct rel_lines want_mentions = { 0 }, want_tags = { 0 }, want_terms = { 0 };
    struct rel_lines want_words[REL_WORD_COUNT] = { { 0 } };
    for (size_t i = 0; i < posts.count; i++) {
        long long id = 0, author = 0;
        int private = 0, at = 0;
        if (sscanf(posts.items[i], "%lld|%lld|%d|%n", &id, &author, &private, &at) != 3) {
            if (problems++ == 0)
                snprintf(why, why_size, "unreadable post row '%.100s'", posts.items[i]);
            continue;
        }
        if (private)
            continue;
        const char *body = posts.items[i] + at;
        for (size_t n = 0; n < REL_NAME_COUNT; n++)
            if (name_ids[n] != 0 && name_ids[n] != author && rel_body_mentions(body, rel_names[n]))
                rel_lines_add(&want_mentions, xasprintf("%lld|%lld", id, (long long)name_ids[n]));
        rel_body_tags(id, body, &want_tags);
        rel_lines_add(&want_terms, rel_body_terms(id, body));
        for (size_t w = 0; w < REL_WORD_COUNT; w++)
            if (rel_body_has_word(body, rel_words[w]))
                rel_lines_add(&want_words[w], xasprintf("%lld", id));
    }
    struct rel_lines *sorted[] = { &want_mentions, &want_tags, &want_terms };
    for (size_t s = 0; s < 3; s++)
        if (sorted[s]->count > 1)
            qsort(sorted[s]->items, sorted[s]->count, sizeof(char *), rel_compare_strings);
    problems += rel_difference(&want_mentions, &mentions, "mention rows against the bodies", why,
                               why_size);
    problems += rel_difference(&want_tags, &tags, "tag rows against the bodies", why, why_size);
    if (!db->postgres) {
        struct rel_lines terms = rel_section(out, "terms");
        problems += rel_difference(&want_terms, &terms, "FTS5 terms against the bodies", why,
                                   why_size);
        rel_lines_free(&terms);
    }
    for (size_t w = 0; w < REL_WORD_COUNT; w++) {
        if (want_words[w].count > 1)
            qsort(want_words[w].items, want_words[w].count, sizeof(char *), rel_compare_strings);
        for (int pass = 0; pass < (db->postgres ? 1 : 2); pass++) {
            char *name = xasprintf("%s %s", pass == 0 ? "match" : "rebuilt", rel_words[w]);
            struct rel_lines found = rel_section(out, name);
            char *what = xasprintf("search '%s' (%s) against the bodies", rel_words[w],
                                   pass == 0 ? "index as kept" : "after rebuild");
            problems += rel_difference(&want_words[w], &found, what, why, why_size);
            free(what);
            rel_lines_free(&found);
            free(name);
        }
        rel_lines_free(&want_words[w]);
    }
    rel_lines_free(&users);
    rel_lines_free(&posts);
    rel_lines_free(&mentions);
    rel_lines_free(&tags);
    rel_lines_free(&want_mentions);
    rel_lines_free(&want_tags);
    rel_lines_free(&want_terms);
    free(out);
    free(errors);
    free(script);
    return problems;
}

#endif
