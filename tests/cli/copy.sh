#!/bin/sh
# db copy between two SQLite files: every row (ids, password hashes,
# lookalike keys) into a new file brought to head, counts kept by the
# triggers, the printed SHA-256 the rows' own (store.h's canonical form,
# computed here with sha256sum); a target with rows is refused untouched;
# a source behind head is told to upgrade first. tests/pg/copy.sh does the
# same across engines.
. "$MB_ROOT/tests/lib.sh"
sqlite_only "db copy between two SQLite files; tests/pg/copy.sh copies across engines"

dump() {
    sqlite3 "$1" "SELECT * FROM user ORDER BY id; SELECT * FROM post ORDER BY id;
                  SELECT * FROM post_count ORDER BY user_id"
}

mb user add john --email john@example.com --no-password > /dev/null
printf 'pw one\n' | mb user add susan --password-stdin > /dev/null
mb post --as john 'first' > /dev/null
mb post --as john 'with a \ backslash' > /dev/null
printf 'pw one\n' | mb post --as susan --password-stdin 'susan here' > /dev/null
mb post del 1 --yes > /dev/null
copy_social_rows "$DB"

run_cmd mb db copy "$T/copy.db"
expect_eq "db copy into a new file succeeds" 0 "$RC"
expect_eq "and says what it copied and that it verified" \
    "copied 2 users, 4 posts and 6 other rows (follows, mentions, tags ...) to $T/copy.db; verified (sha256 $(copy_digest "$DB"))" "$OUT"
expect_eq "the copy's rows are the original's, ids and counts included" \
    "$(dump "$DB")" "$(dump "$T/copy.db")"
run_cmd "$MB_BIN" --db "$T/copy.db" db current
expect_contains "the new file is at head" "$OUT" "(head)"
run_cmd sh -c "printf 'pw one\n' | '$MB_BIN' --db '$T/copy.db' post --as susan --password-stdin again"
expect_eq "the password still logs in on the copy" 0 "$RC"

run_cmd mb db copy "sqlite:///$T/copy2.db"
expect_eq "a sqlite:/// URL names a file too" 0 "$RC"

BEFORE=$(dump "$T/copy.db")
run_cmd mb db copy "$T/copy.db"
expect_eq "a target that holds rows is refused" 1 "$RC"
expect_eq "with one line" "microblog-tui: $T/copy.db is not empty: db copy writes only into an empty database" "$ERR"
expect_eq "and is left as it was" "$BEFORE" "$(dump "$T/copy.db")"

mb db downgrade 2 > /dev/null
run_cmd mb db copy "$T/copy3.db"
expect_eq "a source behind head is refused" 1 "$RC"
expect_contains "and told to upgrade first" "$ERR" "run db upgrade first"
check "before anything is created at the target" test ! -e "$T/copy3.db"
