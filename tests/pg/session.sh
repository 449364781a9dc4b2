#!/bin/sh
# The same program on PostgreSQL (issue 10), against a real private server
# (scripts/pg-cluster.sh): the tutorial's session through the CLI gives the
# same output as on SQLite; the db commands; a password never printed; the
# TUI on a server database, where a post from another session appears
# through LISTEN/NOTIFY well before the refresh tick; restricted mode on a
# server; and a database that is not ours refused untouched.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

pg_private_cluster "PostgreSQL session"
pg_cleanup() {
    sh "$MB_ROOT/scripts/pg-cluster.sh" destroy "$PG_DIR" > /dev/null 2>&1
    tui_cleanup
}
trap pg_cleanup EXIT
fresh() { sh "$MB_ROOT/scripts/pg-cluster.sh" createdb "$PG_DIR"; }
PASSWORD=$(printf '%s' "$PG_URL" | sed 's|^postgresql://[^:]*:\([^@]*\)@.*|\1|')

# ---- the tutorial's session, on both engines ---------------------------
session() {  # session DB: the Flask Mega-Tutorial chapter's steps
    db=$1
    "$MB_BIN" --db "$db" user add john --email john@example.com --no-password
    "$MB_BIN" --db "$db" user add susan --email susan@example.com --no-password
    "$MB_BIN" --db "$db" post --as john "my first post!" | sed 's/[0-9]\+/N/'
    "$MB_BIN" --db "$db" posts --user john --json | sed 's/"timestamp":"[^"]*"/"timestamp":T/'
    "$MB_BIN" --db "$db" posts --user susan
    "$MB_BIN" --db "$db" user list --desc
    "$MB_BIN" --db "$db" user del john --yes
    "$MB_BIN" --db "$db" user del susan --yes
    "$MB_BIN" --db "$db" user list
    "$MB_BIN" --db "$db" posts
} 2>&1
PGDB=$(fresh)
session "$PGDB" > "$T/pg.out"
session "$T/lite.db" > "$T/lite.out"
expect_eq "the tutorial's session on PostgreSQL prints what it prints on SQLite" \
    "$(cat "$T/lite.out")" "$(cat "$T/pg.out")"
expect_contains "and it did something" "$(cat "$T/pg.out")" "deleted user 'john' and 1 post"

# ---- db commands ----------------------------------------------------------
PGDB=$(fresh)
run_cmd "$MB_BIN" --db "$PGDB" db current
expect_eq "db current on a new server database is base" "base" "$OUT"
run_cmd "$MB_BIN" --db "$PGDB" db upgrade
expect_eq "db upgrade applies every revision" "upgraded to 0001 users table
upgraded to 0002 posts table
upgraded to 0003 username keys
upgraded to 0004 social
upgraded to 0005 journal
upgraded to 0006 search index (head)" "$OUT"
run_cmd "$MB_BIN" --db "$PGDB" db check
expect_eq "db check compares the catalog with a scratch schema: clean" 0 "$RC"
psql -q "$PGDB" -c 'CREATE INDEX ix_extra ON post (body)' > /dev/null 2>&1
run_cmd "$MB_BIN" --db "$PGDB" db check
expect_eq "db check finds an index nobody's revision made (exit 1)" 1 "$RC"
expect_contains "and names it" "$OUT" "ix_extra"
psql -q "$PGDB" -c 'DROP INDEX ix_extra' > /dev/null 2>&1
"$MB_BIN" --db "$PGDB" post --as nobody x > /dev/null 2>&1
"$MB_BIN" --db "$PGDB" post "kept" > /dev/null
run_cmd "$MB_BIN" --db "$PGDB" db history
expect_contains "db history marks current and head" "$OUT" "* 0006 search index   applied "
expect_contains "and says so" "$OUT" "(current, head)"
run_cmd "$MB_BIN" --db "$PGDB" user add 'аlice2' --no-password
run_cmd "$MB_BIN" --db "$PGDB" user add 'alice2' --no-password
expect_contains "lookalike names are refused on a server too" "$ERR" "looks like the existing user 'аlice2'"

# ---- the password is never printed ---------------------------------------
BAD=$(printf '%s' "$PGDB" | sed "s|:$PASSWORD@|:not-the-password-xyz@|")
run_cmd "$MB_BIN" --db "$BAD" posts
expect_eq "a wrong password fails with one line" 1 "$(printf '%s\n' "$ERR" | grep -c '^microblog-tui: ')"
expect_not_contains "the given password is not printed" "$ERR" "not-the-password-xyz"
run_cmd env DATABASE_URL="$PGDB" "$MB_BIN" db downgrade 9
expect_not_contains "nor the right one, in any error" "$ERR" "$PASSWORD"
run_cmd "$MB_BIN" --db "$PGDB" db downgrade 1
expect_not_contains "nor in a notice" "$OUT$ERR" "$PASSWORD"
expect_contains "db downgrade 1 reverts 0006, 0005 and 0004 too" "$OUT" "reverted 0006 search index
reverted 0005 journal
reverted 0004 social"
"$MB_BIN" --db "$PGDB" db upgrade > /dev/null 2>&1
run_cmd "$MB_BIN" --db "$PGDB" db check
expect_eq "db check is clean after down to 0001 and up to the head again" 0 "$RC"

# ---- a database that is not ours -----------------------------------------
OTHER=$(fresh)
psql -q "$OTHER" -c 'CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (1)' > /dev/null 2>&1
run_cmd "$MB_BIN" --db "$OTHER" post hello
expect_eq "a server database that is not ours is refused (exit 1)" 1 "$RC"
expect_contains "and says so" "$ERR" "refusing to touch it"
expect_eq "and nothing is created in it" "invoices" \
    "$(psql -At "$OTHER" -c "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")"

# ---- the TUI on a server: instant live updates through LISTEN/NOTIFY ------
DB=$(fresh)
"$MB_BIN" --db "$DB" post "before the TUI" > /dev/null
# A refresh tick of 60 s: only NOTIFY can bring the next post in quickly.
printf 'password_strength = minimum\nrefresh_ms = 60000\n' > "$MICROBLOG_CONFIG"
tui_start 80 24
expect_screen "the TUI opens on a server database" "before the TUI"
start=$(date +%s%N)
"$MB_BIN" --db "$DB" post "from another session" > /dev/null
if wait_for "from another session" 5; then
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    ok "a post from another session appears without the 60 s tick (${ms} ms)"
else
    not_ok "a post from another session appears without the 60 s tick" "$(shown)"
fi
keys i
type_text "typed on a server"
keys Enter
expect_screen "posting from the TUI works" "Posted as tester."
expect_eq "the post is in the server's database" "typed on a server" \
    "$(psql -At "$DB" -c "SELECT body FROM post ORDER BY id DESC LIMIT 1")"
keys Escape q
tm kill-server > /dev/null 2>&1

# ---- restricted mode on a server -------------------------------------------
DB=$(fresh)
"$MB_BIN" --db "$DB" user add bob --no-password > /dev/null
"$MB_BIN" --db "$DB" post --as bob "bob's post" > /dev/null
TUI_ARGS="--restricted --user alice"
tui_start 80 24
expect_screen "restricted mode opens on a server database" "bob's post"
keys i
type_text "alice via a key"
keys Enter
expect_screen "alice posts as herself" "Posted as alice."
expect_eq "the server has alice's post under her name" "alice|alice via a key" \
    "$(psql -At "$DB" -c "SELECT u.username || '|' || p.body FROM post p JOIN \"user\" u ON u.id = p.user_id ORDER BY p.id DESC LIMIT 1")"

# ---- admin authorize with a server URL -------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$T/key" -C 'alice@laptop' < /dev/null > /dev/null 2>&1
NOPW=$(printf '%s' "$DB" | sed "s|:$PASSWORD@|@|")
run_cmd "$MB_BIN" --db "$NOPW" admin authorize alice "$T/key.pub"
expect_contains "a server URL goes into the forced command as it is" "$OUT" "'--db' '$NOPW'"
run_cmd "$MB_BIN" --db "$DB" admin authorize alice "$T/key.pub"
expect_eq "a URL with a password is refused for a forced command (exit 1)" 1 "$RC"
expect_not_contains "and the password is not printed" "$OUT$ERR" "$PASSWORD"

# ---- import on a server: the batch counts its posts itself -----------------
DB=$(fresh)
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "{\"author\":\"a%d\",\"body\":\"post %d\"}\n", i % 37, i }' \
    > "$T/bulk.jsonl"
run_cmd "$MB_BIN" --db "$DB" import "$T/bulk.jsonl"
expect_eq "import into a server database works" "imported 5000 posts (37 new users)" "$OUT"
expect_eq "the total count is the posts (the slots summed)" "5000" \
    "$(psql -At "$DB" -c "SELECT sum(n) FROM post_count WHERE user_id = 0")"
expect_eq "every author's count is their posts" "0" \
    "$(psql -At "$DB" -c "SELECT count(*) FROM (SELECT user_id, count(*) AS c FROM post GROUP BY user_id) a JOIN post_count p ON p.user_id = a.user_id AND p.slot = 0 WHERE p.n <> a.c")"
"$MB_BIN" --db "$DB" post --as a1 "after the import" > /dev/null
expect_eq "and the trigger counts again after it" "5001" \
    "$(psql -At "$DB" -c "SELECT sum(n) FROM post_count WHERE user_id = 0")"
