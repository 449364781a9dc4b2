#!/bin/sh
# SQLite's search index (revision 0006: a contentless FTS5 index whose
# rowids are search keys, second * 2^20 + slot, which search_key maps to
# posts) as seen from outside the program, on real files the binary
# created:
# - FTS5's own commands work with private entries (known bug 3 of revision
#   0005, where the index's content was the whole post table): the
#   integrity-check against the content (rank 1) passes with a private
#   entry and after it is deleted, and 'rebuild' is refused instead of
#   indexing the entries' placeholders, so a search still lists the
#   ordinary entry only;
# - two posts of one second whose ids differ by exactly 2^20 (the same
#   preferred slot), written by another program through sqlite3, get two
#   keys of that second; `posts --search` lists both, newest first by key,
#   and after deleting either one through the binary it lists the other,
#   the integrity-check passing at each step;
# - three posts of one second whose slots collide at both ends of the
#   second are all accepted and found in id order;
# - INSERT OR REPLACE and UPDATE OR REPLACE through sqlite3 (the replaced
#   row goes without its delete triggers) leave no index entry behind and
#   post_count right;
# - a timestamp stored as text or a fraction by another program counts as
#   its integer part and keeps its key when its second is renumbered;
# - after all that, invariants.h's checks (check_invariants) hold on the
#   files when the reliability drivers are built.
. "$MB_ROOT/tests/lib.sh"
if ! command -v sqlite3 > /dev/null; then
    echo "ok - $(basename "$0") # SKIP no sqlite3"
    exit 0
fi
integrity() {
    sqlite3 "$1" "INSERT INTO post_search (post_search, rank) VALUES ('integrity-check', 1);" 2>&1
}
# The ids `posts --search WORD` lists, in its order, one line.
search_ids() {
    "$MB_BIN" --db "$1" posts --search "$2" --json 2>&1 |
        sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | paste -sd' '
}

# Known bug 3 of 0005: integrity-check and rebuild with a private entry.
db="$T/journal.db"
"$MB_BIN" --db "$db" post "an ordinary entry" > /dev/null 2>&1
printf 'a passphrase\n' |
    "$MB_BIN" --db "$db" post --private --password-stdin "sealed words" > /dev/null 2>&1
expect_eq "the journal holds an ordinary and a private entry" "0 1" \
    "$(sqlite3 "$db" "SELECT private FROM post ORDER BY id" | paste -sd' ')"
expect_eq "FTS5's integrity-check against its content passes with a private entry" "" \
    "$(integrity "$db")"
rebuild=$(sqlite3 "$db" "INSERT INTO post_search (post_search) VALUES ('rebuild');" 2>&1)
expect_contains "FTS5's 'rebuild' is refused (the index has no content to rebuild from)" \
    "$rebuild" "contentless"
expect_eq "after the rebuild attempt, posts --search entry lists the ordinary entry only" \
    "1" "$(search_ids "$db" entry)"
expect_eq "nor does the placeholder's other word find the private entry" "" \
    "$(search_ids "$db" private)"
expect_eq "and the integrity-check still passes" "" "$(integrity "$db")"
"$MB_BIN" --db "$db" post del 2 --yes > /dev/null 2>&1
expect_eq "the private entry deleted, the integrity-check passes" "" "$(integrity "$db")"
expect_eq "and the search lists the ordinary entry" "1" "$(search_ids "$db" entry)"

# Two posts in one second whose ids differ by 2^20: one preferred slot.
db="$T/collide.db"
"$MB_BIN" --db "$db" post "a first post" > /dev/null 2>&1
low=5000
high=$((low + 1048576))
sqlite3 "$db" "INSERT INTO post (id, body, timestamp, user_id) VALUES
    ($low, 'collide low', 1700000000, 1), ($high, 'collide high', 1700000000, 1);" 2>&1
expect_eq "both posts of the second have a key in it" "2 1700000000 1700000000" \
    "$(sqlite3 "$db" "SELECT count(DISTINCT key), min(key >> 20), max(key >> 20) FROM search_key
                      WHERE post_id IN ($low, $high)" | tr '|' ' ')"
expect_eq "the integrity-check passes after the collision" "" "$(integrity "$db")"
expect_eq "posts --search finds both colliding posts (newest key first)" "$high $low" \
    "$(search_ids "$db" collide)"
expect_eq "each by its own word (low)" "$low" "$(search_ids "$db" low)"
expect_eq "each by its own word (high)" "$high" "$(search_ids "$db" high)"
"$MB_BIN" --db "$db" post del "$low" --yes > /dev/null 2>&1
expect_eq "deleting the post that holds its own slot leaves the other found" "$high" \
    "$(search_ids "$db" collide)"
expect_eq "the integrity-check passes after the delete" "" "$(integrity "$db")"
expect_eq "the deleted post's key is gone" "0" \
    "$(sqlite3 "$db" "SELECT count(*) FROM search_key WHERE post_id = $low")"
# The other way round: the post that took the slot goes, the moved one stays.
sqlite3 "$db" "INSERT INTO post (id, body, timestamp, user_id) VALUES
    ($low, 'collide low again', 1700000000, 1);" 2>&1
expect_eq "a post taking the freed slot back is found with the other" "$high $low" \
    "$(search_ids "$db" collide)"
"$MB_BIN" --db "$db" post del "$high" --yes > /dev/null 2>&1
expect_eq "deleting the other one leaves the first found" "$low" "$(search_ids "$db" collide)"
expect_eq "the integrity-check passes after the second delete" "" "$(integrity "$db")"

# A second whose first and last slots are taken (ids 1048575 and 1048576)
# takes a third post whose own slot is taken too (2097151): three posts,
# not "more than 1048576" (known bug 5 of the first 0006).
db="$T/slots.db"
"$MB_BIN" --db "$db" post "a first post" > /dev/null 2>&1
expect_eq "a third post in a second whose first and last slots are taken is accepted" "" \
    "$(sqlite3 "$db" "INSERT INTO post (id, body, timestamp, user_id) VALUES
        (1048575, 'slot one', 1700000000, 1), (1048576, 'slot two', 1700000000, 1);
        INSERT INTO post (id, body, timestamp, user_id) VALUES
        (2097151, 'slot three', 1700000000, 1);" 2>&1)"
expect_eq "posts --search finds the three, newest (highest id) first" "2097151 1048576 1048575" \
    "$(search_ids "$db" slot)"
expect_eq "the integrity-check passes with the three" "" "$(integrity "$db")"

# Another program's INSERT OR REPLACE (SQLite deletes the replaced row
# without its delete triggers) and UPDATE OR REPLACE onto a taken id: the
# replaced post's words leave the index with it, and post_count counts it
# out (known bug 6 of the first 0006: one too many per replaced row).
cp "$db" "$T/replace.db"
db="$T/replace.db"
sqlite3 "$db" "INSERT OR REPLACE INTO post (id, body, timestamp, user_id)
    VALUES (1048576, 'replaced text', 1700000000, 1);" 2>&1
expect_eq "after INSERT OR REPLACE the old words find nothing of it" "2097151 1048575" \
    "$(search_ids "$db" slot)"
expect_eq "and the new words find it" "1048576" "$(search_ids "$db" replaced)"
sqlite3 "$db" "UPDATE OR REPLACE post SET id = 1048575 WHERE id = 2097151;" 2>&1
expect_eq "after UPDATE OR REPLACE onto a taken id one post is left, under that id" \
    "1048575" "$(search_ids "$db" slot)"
expect_eq "no index entry is left without its search key" "0" \
    "$(sqlite3 "$db" "SELECT count(*) FROM (SELECT rowid FROM post_search WHERE post_search
                      MATCH 'slot OR replaced OR first OR three OR one' EXCEPT SELECT key FROM search_key)")"
expect_eq "the integrity-check passes after the replacements" "" "$(integrity "$db")"
expect_eq "post_count counts the replaced posts out" "3 3" \
    "$(sqlite3 "$db" "SELECT (SELECT n FROM post_count WHERE user_id = 0),
                             (SELECT count(*) FROM post)" | tr '|' ' ')"

# A timestamp another program stored as text or a fraction counts as its
# integer part ('abc' as 0, 1000.5 as 1000), and keeps its key when its
# second's keys are given again (known bug 7 of the first 0006: such posts
# lost their keys and were never found). In each second two posts hold
# adjacent slots (20 and 21; 600000 and 600001) and a third comes between
# them by id with no slot between theirs, so the second is renumbered.
db="$T/typed.db"
"$MB_BIN" --db "$db" post "a first post" > /dev/null 2>&1
sqlite3 "$db" "INSERT INTO post (id, body, timestamp, user_id) VALUES
    (10, 'typed text', 'abc', 1), (20, 'typed top', 0, 1), (1048597, 'typed top', 0, 1);
    INSERT INTO post (id, body, timestamp, user_id) VALUES (30, 'typed top', 0, 1);
    INSERT INTO post (id, body, timestamp, user_id) VALUES
    (600000, 'typed half', 1000.5, 1), (1648576, 'typed next', 1000, 1);
    INSERT INTO post (id, body, timestamp, user_id) VALUES (600001, 'typed next', 1000, 1);" 2>&1
expect_eq "posts with a text or fractional timestamp keep their keys, in their second" \
    "10 0 600000 1000" \
    "$(sqlite3 "$db" "SELECT post_id, key >> 20 FROM search_key WHERE post_id IN (10, 600000)
                      ORDER BY post_id" | tr '|\n' '  ' | sed 's/ $//')"
expect_eq "the search finds them" "10 600000" \
    "$(sqlite3 "$db" "SELECT k.post_id FROM post_search s JOIN search_key k ON k.key = s.rowid
                      WHERE post_search MATCH 'typed AND (text OR half)' ORDER BY 1" | paste -sd' ')"
expect_eq "the integrity-check passes with them" "" "$(integrity "$db")"

drivers="$MB_BUILD/tests/reliability"
if [ -x "$drivers/check_invariants" ]; then
    for db in "$T/journal.db" "$T/collide.db" "$T/slots.db" "$T/replace.db" "$T/typed.db"; do
        mkdir -p "$T/scratch"
        "$drivers/check_invariants" sqlite "$db" "$T/scratch" \
            "invariants.h's invariants hold on $(basename "$db")"
    done
else
    ok "invariants.h's invariants # SKIP reliability drivers not built in $MB_BUILD"
fi
