#!/bin/sh
# SQLite's search index can be checked and rebuilt with FTS5's own
# commands, private entries and all (found 2026-11-29 by invariants.h, then
# known bug 3): post_search's content is the view post_public (the posts
# that are not private), the very rows its triggers index. With the whole
# post table as its content, FTS5's integrity-check reported "database disk
# image is malformed" on any journal with a private entry, and 'rebuild'
# (the documented repair) indexed every private entry's placeholder.
. "$MB_ROOT/tests/lib.sh"
if ! command -v sqlite3 > /dev/null; then
    echo "ok - search index checks # SKIP no sqlite3 shell"
    exit 0
fi
fts="$T/fts.db"
"$MB_BIN" --db "$fts" post "an ordinary entry" > /dev/null 2>&1
printf 'a passphrase\n' | "$MB_BIN" --db "$fts" post --private --password-stdin "sealed words" > /dev/null 2>&1
expect_eq "a private entry was written" 1 "$(sqlite3 "$fts" "SELECT count(*) FROM private_entry;")"
check=$(sqlite3 "$fts" "INSERT INTO post_search (post_search, rank) VALUES ('integrity-check', 1);" 2>&1)
expect_eq "FTS5's integrity-check against its content passes with a private entry" "" "$check"
sqlite3 "$fts" "INSERT INTO post_search (post_search) VALUES ('rebuild');" 2>&1
expect_eq "after FTS5's rebuild, posts --search entry lists the ordinary entry only" \
    1 "$("$MB_BIN" --db "$fts" posts --search entry 2>&1 | wc -l)"
expect_eq "and the private entry's words are not in it" \
    0 "$("$MB_BIN" --db "$fts" posts --search sealed 2>&1 | wc -l)"
