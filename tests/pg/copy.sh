#!/bin/sh
# db copy between the engines (issue 10): a SQLite journal copied into a
# fresh PostgreSQL database and back into a new SQLite file comes out row
# for row the same (ids, hashes, lookalike keys), its password still logs
# in, the post counts are right, the printed SHA-256 is the rows' own (the
# canonical form of store.h, computed here with sha256sum); a target that
# holds rows is refused and left as it was; a password is never printed.
. "$MB_ROOT/tests/lib.sh"

pg_private_cluster "db copy to PostgreSQL"
trap 'sh "$MB_ROOT/scripts/pg-cluster.sh" destroy "$PG_DIR" > /dev/null 2>&1; rm -rf "$T"' EXIT
fresh() { sh "$MB_ROOT/scripts/pg-cluster.sh" createdb "$PG_DIR"; }
PASSWORD=$(printf '%s' "$PG_URL" | sed 's|^postgresql://[^:]*:\([^@]*\)@.*|\1|')

dump() {
    sqlite3 "$1" "SELECT * FROM user ORDER BY id; SELECT * FROM post ORDER BY id;
                  SELECT * FROM post_count ORDER BY user_id"
}

# ---- a journal ------------------------------------------------------------
mb user add john --email john@example.com --no-password > /dev/null
mb user add gone --no-password > /dev/null
printf 'correct horse\n' | mb user add susan --password-stdin > /dev/null
mb post --as john 'my first post!' > /dev/null
mb post --as john 'a back\slash' > /dev/null
printf 'correct horse\n' | mb post --as susan --password-stdin 'hello from susan' > /dev/null
mb user del gone --yes > /dev/null     # ids keep a hole: 1, 3, 4
mb user add zoe --no-password > /dev/null
copy_social_rows "$DB"
WANT=$(copy_digest "$DB")

# ---- SQLite -> PostgreSQL -------------------------------------------------
PGDB=$(fresh)
run_cmd mb db copy "$PGDB"
expect_eq "db copy into an empty server database succeeds" 0 "$RC"
expect_contains "it says what it copied, to the server named without its password" "$OUT" \
    "copied 3 users, 5 posts and 6 other rows (follows, mentions, tags ...) to postgresql://microblog:***@127.0.0.1:$PG_PORT/"
expect_contains "and that it verified, with the rows' SHA-256" "$OUT" "verified (sha256 $WANT)"
ALL_OUT="$OUT$ERR"
count() { psql -XAtq "$PGDB" -c "$1"; }
expect_eq "the server has the users with their ids" "1 john|3 susan|4 zoe" \
    "$(count "SELECT string_agg(id || ' ' || username, '|' ORDER BY id) FROM \"user\"")"
expect_eq "the post counts kept there are right (total, per author)" "5|4|1" \
    "$(count "SELECT (SELECT sum(n) FROM post_count WHERE user_id = 0) || '|' ||
                     (SELECT sum(n) FROM post_count WHERE user_id = 1) || '|' ||
                     (SELECT sum(n) FROM post_count WHERE user_id = 3)")"
run_cmd "$MB_BIN" --db "$PGDB" post --as zoe 'after the copy'
expect_contains "the identity sequences were moved past the copied ids" "$OUT" "posted 6 as zoe"
run_cmd "$MB_BIN" --db "$PGDB" user add ann --no-password
expect_contains "for users too" "$OUT" "(id 5)"
run_cmd "$MB_BIN" --db "$PGDB" user del ann --yes
run_cmd "$MB_BIN" --db "$PGDB" post del 4 --yes
"$MB_BIN" --db "$PGDB" post del 4 --yes > /dev/null 2>&1

# ---- a target that holds rows is refused, untouched -------------------------
BEFORE=$(count "SELECT count(*) FROM \"user\"")/$(count "SELECT count(*) FROM post")/$(count "SELECT max(id) FROM post")
run_cmd mb db copy "$PGDB"
expect_eq "copying into a database that holds rows fails" 1 "$RC"
expect_eq "with one line" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
expect_contains "saying why" "$ERR" "is not empty"
expect_eq "and changes nothing there" "$BEFORE" \
    "$(count "SELECT count(*) FROM \"user\"")/$(count "SELECT count(*) FROM post")/$(count "SELECT max(id) FROM post")"
ALL_OUT="$ALL_OUT$OUT$ERR"

# ---- and back: PostgreSQL -> a new SQLite file ------------------------------
PGDB2=$(fresh)
mb db copy "$PGDB2" > /dev/null 2>&1
run_cmd "$MB_BIN" --db "$PGDB2" db copy "$T/back.db"
expect_eq "db copy from the server into a new SQLite file succeeds" 0 "$RC"
expect_contains "with the same SHA-256 as the copy to the server" "$OUT" "verified (sha256 $WANT)"
ALL_OUT="$ALL_OUT$OUT$ERR"
expect_eq "the file's rows are the journal's, row for row (users, posts, counts)" \
    "$(dump "$DB")" "$(dump "$T/back.db")"
expect_eq "the SHA-256 computed from the file is the one printed" "$WANT" "$(copy_digest "$T/back.db")"
run_cmd sh -c "printf 'correct horse\n' | '$MB_BIN' --db '$T/back.db' post --as susan --password-stdin 'back home'"
expect_contains "the copied password still logs in" "$OUT" "posted 6 as susan"
run_cmd sh -c "printf 'wrong\n' | '$MB_BIN' --db '$T/back.db' post --as susan --password-stdin 'no'"
expect_eq "and a wrong one does not" 1 "$RC"
expect_eq "the new post is counted" "6|2" \
    "$(sqlite3 "$T/back.db" "SELECT (SELECT n FROM post_count WHERE user_id = 0) || '|' || (SELECT n FROM post_count WHERE user_id = 3)")"

# ---- PostgreSQL -> PostgreSQL ------------------------------------------------
PGDB3=$(fresh)
run_cmd "$MB_BIN" --db "$PGDB2" db copy "$PGDB3"
expect_contains "db copy between two server databases verifies" "$OUT" "verified (sha256 $WANT)"
ALL_OUT="$ALL_OUT$OUT$ERR"

expect_not_contains "the server's password is never printed" "$ALL_OUT" "$PASSWORD"
expect_not_contains "nor the journal's password hashes" "$ALL_OUT" 'argon2'
