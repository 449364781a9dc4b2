#!/bin/sh
# Concurrency (quick variant): 4 writer/reader processes, an open/close
# looper and a long reader for 10 s through the store API: no busy error
# reaches a caller and the counts match the commits; the writers also make
# issue 11 and 12's writes (replies, edits with @mentions and #tags,
# private entries, follows, mutes, read marks, deletes) and the database
# must then hold invariants.h's invariants (mentions and tags against the
# bodies, tag_count, threads, private entries, the FTS5 index and its
# search keys). The negative controls: the same load with writes begun
# DEFERRED must see busy errors, and copies of the loaded database damaged
# one way at a time must each fail the invariants check. Then 8 processes at once open an
# out-of-date database, 30 rounds: each revision runs exactly once. Long
# variants in torture.sh.
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
drivers="$MB_BUILD/tests/reliability"
mkdir -p "$T/load" "$T/control" "$T/race" "$T/damaged"
"$drivers/concurrent" "$T/load" "${MB_CONCURRENCY_SECONDS:-10}" 4 || status=1
"$drivers/concurrent" "$T/control" 4 4 --deferred || status=1

# Each damage must be caught by the invariants check (foreign keys off, as
# a writer that bypassed the store would leave them).
damage() {
    what=$1
    shift
    rm -f "$T/damaged.db" "$T/damaged.db-wal" "$T/damaged.db-shm"
    sqlite3 "$T/load/concurrent.db" ".backup '$T/damaged.db'"
    sqlite3 "$T/damaged.db" "PRAGMA foreign_keys = OFF; $*"
    "$drivers/check_invariants" sqlite "$T/damaged.db" "$T/damaged" > "$T/damaged.out" 2>&1
    rc=$?
    # 1: an invariant broken (2 is a usage error, more a crash).
    if [ "$rc" -eq 1 ]; then
        ok "the invariants check notices $what"
    else
        not_ok "the invariants check notices $what" "exit $rc: $(cat "$T/damaged.out")"
    fi
}
if [ -f "$T/load/concurrent.db" ]; then
    damage "a mention row missing" \
        "DELETE FROM mention WHERE post_id = (SELECT max(post_id) FROM mention)"
    damage "a mention the body does not make" \
        "INSERT INTO mention (user_id, timestamp, post_id) SELECT u.id, p.timestamp, p.id
         FROM user u, post p WHERE u.username = 'alice' AND p.private = 0
         AND p.body NOT LIKE '%@alice%' LIMIT 1"
    damage "a tag_count off by one" "UPDATE tag_count SET n = n + 1 WHERE tag = 't1'"
    damage "a tag on a private entry" \
        "INSERT INTO tag (tag, timestamp, post_id) SELECT 'leak', timestamp, id FROM post
         WHERE private = 1 LIMIT 1"
    damage "a reply outside its parent's thread" \
        "UPDATE post SET thread_id = thread_id + 1 WHERE id = (SELECT max(id) FROM post
         WHERE reply_to IS NOT NULL)"
    # The search index (0006: rowids are search keys, search_key maps them
    # to posts); "last" is the newest post that is not private.
    last="(SELECT max(id) FROM post WHERE private = 0)"
    damage "a post left out of the search index" \
        "INSERT INTO post_search (post_search, rowid, body) SELECT 'delete', k.key, p.body
         FROM post p JOIN search_key k ON k.post_id = p.id WHERE p.id = $last"
    damage "a private entry's placeholder in the search index, with a search key" \
        "INSERT INTO search_key_assign (post_id, timestamp) SELECT id, timestamp FROM post
         WHERE private = 1 LIMIT 1;
         INSERT INTO post_search (rowid, body) SELECT k.key, p.body FROM search_key k
         JOIN post p ON p.id = k.post_id WHERE p.private = 1"
    damage "an index entry whose key names no post" \
        "INSERT INTO post_search (rowid, body) SELECT max(key) + 1, 'fox lazy' FROM search_key"
    damage "a private entry with a search key (nothing indexed)" \
        "INSERT INTO search_key_assign (post_id, timestamp) SELECT id, timestamp FROM post
         WHERE private = 1 LIMIT 1"
    damage "a search key naming a deleted post" \
        "INSERT INTO search_key (key, post_id) SELECT max(key) + 1, max(post_id) + 1000
         FROM search_key"
    damage "a post's key and index entry moved out of its second" \
        "INSERT INTO post_search (post_search, rowid, body) SELECT 'delete', k.key, p.body
         FROM post p JOIN search_key k ON k.post_id = p.id WHERE p.id = $last;
         UPDATE search_key SET key = key + 1048576 WHERE post_id = $last;
         INSERT INTO post_search (rowid, body) SELECT k.key, p.body FROM post p
         JOIN search_key k ON k.post_id = p.id WHERE p.id = $last"
    damage "a second text indexed under a post's key" \
        "INSERT INTO post_search (rowid, body) SELECT key, 'zebra' FROM search_key
         WHERE post_id = $last"
    damage "a post count off by one" "UPDATE post_count SET n = n + 1 WHERE user_id = 0"
    damage "a private entry without its sealed text" \
        "DELETE FROM private_entry WHERE post_id = (SELECT max(post_id) FROM private_entry)"
fi
"$drivers/migrate_race" "$T/race" 30 8 || status=1
exit "${status:-0}"
