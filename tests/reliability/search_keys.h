/* SQLite revision 0006's search index as the tests read it from outside
 * the program (migrations/sqlite/0006_search_index.up.sql): the index's
 * rowids are search keys, second * 2^20 + slot, and search_key maps each
 * to its post. One home for the queries that check its rules, shared by
 * invariants.h (the crash and concurrency drivers), migrate_big.c and
 * tests/unit/test_migrate.c:
 * - REL_SEARCH_KEYS_SQL prints 0 when every post that is not private has
 *   one search key, a private entry none, and no key names a missing post;
 * - REL_KEY_SECONDS_SQL prints 0 when every key lies in its post's second
 *   (key >> 20 is the timestamp's integer part, CAST as the migration
 *   does for a text or fractional one another program stored, clamped to
 *   +-2^43);
 * - REL_SEARCH_IDS_FORMAT (a printf format taking the word) lists the ids
 *   of the posts a word matches, a key search_key does not map showing as
 *   "nokey KEY".
 * Plain string macros: no code, so that any test can include it. */
#ifndef TESTS_RELIABILITY_SEARCH_KEYS_H
#define TESTS_RELIABILITY_SEARCH_KEYS_H

#define REL_SEARCH_KEYS_SQL                                                                        \
    "SELECT (SELECT count(*) FROM post p WHERE (p.private = 0) <> EXISTS (SELECT 1 FROM "          \
    "search_key k WHERE k.post_id = p.id)) + (SELECT count(*) FROM search_key k WHERE NOT "        \
    "EXISTS (SELECT 1 FROM post p WHERE p.id = k.post_id))"

#define REL_KEY_SECONDS_SQL                                                                        \
    "SELECT count(*) FROM search_key k JOIN post p ON p.id = k.post_id WHERE k.key >> 20 <> "      \
    "max(min(CAST(p.timestamp AS INTEGER), 8796093022207), -8796093022208)"

#define REL_SEARCH_IDS_FORMAT                                                                      \
    "SELECT coalesce(k.post_id, 'nokey ' || s.rowid) FROM post_search s LEFT JOIN search_key k "   \
    "ON k.key = s.rowid WHERE post_search MATCH '%s'"

#endif
