#!/bin/sh
# The db commands (as `flask db`): current, history, show, upgrade,
# downgrade, stamp, check, new; a test migrations directory; automatic
# upgrade with a backup; newer and foreign files refused byte-identical.
. "$MB_ROOT/tests/lib.sh"
# The first part runs on both backends; from the backups on, SQLite only.
if sqlite_backend; then engine=sqlite; else engine=postgres; fi

dump() { sqlite3 "$DB" .dump | sha256sum; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
# The expected texts below name the built-in revisions (head 0006 search
# index);
# a revision number that must not exist is one past the files.
head=$(ls "$MB_ROOT/migrations/$engine"/*.up.sql | wc -l)
unknown=$((head + 1))

run_cmd mb db current
expect_eq "db current on a new file exits 0" 0 "$RC"
expect_eq "a new file opened by db is at base" "base" "$OUT"
run_cmd mb db history
expect_eq "db history at base" "  0001 users table    not applied
  0002 posts table    not applied
  0003 username keys  not applied
  0004 social         not applied
  0005 journal        not applied
  0006 search index   not applied                  (head)
* base  (current)" "$OUT"

run_cmd mb db upgrade 1
expect_eq "db upgrade 1 exits 0" 0 "$RC"
expect_eq "db upgrade 1 says what it applied" "upgraded to 0001 users table" "$OUT"
run_cmd mb db current
expect_eq "db current after upgrade 1" "0001 users table" "$OUT"
run_cmd mb db upgrade
if ! sqlite_backend; then
    # PostgreSQL says why it takes no backup file (each revision in one
    # transaction), data or none; SQLite backs up only a database with data.
    expect_contains "db upgrade on PostgreSQL says no backup file is taken" "$OUT" \
        "each revision in one transaction (PostgreSQL): no backup file is taken"
    OUT=$(printf '%s\n' "$OUT" | grep -v 'no backup file is taken$')
fi
expect_eq "db upgrade to head" "upgraded to 0002 posts table
upgraded to 0003 username keys
upgraded to 0004 social
upgraded to 0005 journal
upgraded to 0006 search index (head)" "$OUT"
run_cmd mb db current
expect_eq "db current at head" "0006 search index (head)" "$OUT"
run_cmd mb db upgrade
expect_eq "db upgrade at head changes nothing" "already at 0006 search index (head)" "$OUT"
run_cmd mb db upgrade 1
expect_eq "db upgrade to an older revision exits 1" 1 "$RC"
expect_eq "db upgrade to an older revision points to downgrade" \
    "microblog-tui: the database is at 0006 search index, past 0001 users table: use 'db downgrade'" "$ERR"
run_cmd mb db upgrade "$unknown"
expect_eq "db upgrade to an unknown revision exits 1" 1 "$RC"
expect_contains "db upgrade to an unknown revision says so" "$ERR" "unknown revision '$unknown'"
run_cmd mb db history
expect_eq "db history marks applied, current and head" 6 \
    "$(printf '%s\n' "$OUT" | grep -cE '^[ *] 000[123456] (users table  |posts table  |username keys|social       |journal      |search index )  applied [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}')"
expect_eq "db history marks the current revision" "* 0006 search in" \
    "$(printf '%s\n' "$OUT" | grep '^\*' | cut -c1-16)"
expect_contains "db history marks current and head" "$OUT" "(current, head)"
expect_eq "db history is oldest first" "0001 0002 0003 0004 0005 0006" "$(printf '%s\n' "$OUT" | cut -c3-6 | paste -sd' ')"

run_cmd mb db show 2
expect_eq "db show exits 0" 0 "$RC"
expect_eq "db show prints the up and the down SQL" \
    "$(printf -- '-- 0002 posts table: upgrade\n'; cat "$MB_ROOT/migrations/$engine/0002_posts_table.up.sql"; printf '\n-- 0002 posts table: downgrade\n'; cat "$MB_ROOT/migrations/$engine/0002_posts_table.down.sql")" \
    "$OUT"
run_cmd mb db show 0001
if sqlite_backend; then table='CREATE TABLE user'; else table='CREATE TABLE "user"'; fi
expect_contains "db show takes 0001" "$OUT" "$table"
run_cmd mb db show 6
expect_contains "db show takes the head" "$OUT" "-- 0006 search index: downgrade"
run_cmd mb db show "$unknown"
expect_eq "db show of an unknown revision exits 1" 1 "$RC"
expect_contains "db show of an unknown revision says so" "$ERR" "microblog-tui: unknown revision '$unknown'"

run_cmd mb db check
expect_eq "db check on a clean database exits 0" 0 "$RC"
sql "CREATE INDEX ix_extra ON post (body)"
run_cmd mb db check
expect_eq "db check with an extra index exits 1" 1 "$RC"
expect_contains "db check names the difference" "$OUT" "ix_extra"
expect_contains "db check says it differs" "$ERR" "microblog-tui: the schema differs"
sql "DROP INDEX ix_extra"

# stamp moves the marker only.
run_cmd mb db stamp 1
expect_eq "db stamp exits 0" 0 "$RC"
expect_eq "db stamp says it ran nothing" "stamped 0001 users table (no SQL was run)" "$OUT"
if sqlite_backend; then
    tables="SELECT name FROM sqlite_schema WHERE name = 'post'"
else
    tables="SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'post'"
fi
expect_eq "db stamp leaves the tables" "post" "$(sql "$tables")"
run_cmd mb db current
expect_eq "db current after stamp" "0001 users table" "$OUT"
run_cmd mb db check
expect_eq "db check after a wrong stamp exits 1" 1 "$RC"
mb db stamp head >/dev/null
run_cmd mb db check
expect_eq "db check after stamping back exits 0" 0 "$RC"
sqlite_only "the rest of db.sh: backup files, sqlite_schema, migrations/sqlite files, byte-identical files and -wal (tests/pg/session.sh and tests/pg/migrations.sh cover PostgreSQL's own)"

# downgrade and upgrade again, rows kept, with a backup: through 0006
# (search index: keys in time order, search_key), 0005 (journal: the search
# index and its triggers, tags) and 0004 (social: a follow, a mention)
# holding rows.
mb user add john >/dev/null
mb user add susan >/dev/null
mb post --as john "hello @susan #world" >/dev/null
mb follow john --as susan >/dev/null
sql "INSERT OR IGNORE INTO tag SELECT 'world', timestamp, id FROM post"
expect_eq "the social and journal tables hold rows" "1 1 1 1" \
    "$(sql "SELECT (SELECT count(*) FROM follow), (SELECT count(*) FROM mention),
                   (SELECT count(*) FROM tag), (SELECT count(*) FROM post_search
                                                WHERE post_search MATCH 'hello')" | tr '|' ' ')"
post=$(sql "SELECT id FROM post")
expect_eq "0006's index finds the post through its search key" "$post" \
    "$(sql "SELECT k.post_id FROM post_search s JOIN search_key k ON k.key = s.rowid
            WHERE post_search MATCH 'hello'")"
run_cmd mb db downgrade
expect_eq "db downgrade of 0006 exits 0" 0 "$RC"
expect_contains "db downgrade reverts 0006" "$OUT" "reverted 0006 search index"
expect_contains "db downgrade of 0006 says where it is" "$OUT" "now at 0005 journal"
expect_eq "0005's index finds the post by its id" "$post" \
    "$(sql "SELECT rowid FROM post_search WHERE post_search MATCH 'hello'")"
expect_eq "the search keys are gone with 0006" 0 \
    "$(sql "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'search_key%'")"
run_cmd mb db check
expect_eq "db check after reverting 0006 with data exits 0" 0 "$RC"
run_cmd mb db downgrade
expect_eq "db downgrade exits 0" 0 "$RC"
expect_contains "db downgrade says what it reverted" "$OUT" "reverted 0005 journal"
expect_contains "db downgrade says where it is" "$OUT" "now at 0004 social"
expect_contains "db downgrade of data prints the backup" "$OUT" "backup of revision 0005 written to "
backup=$(printf '%s\n' "$OUT" | sed -n 's/^backup of revision 0005 written to //p')
check "the backup file exists" test -f "$backup"
expect_eq "the backup holds the data" "john susan" \
    "$(sqlite3 "$backup" 'SELECT username FROM user ORDER BY id' | paste -sd' ')"
expect_eq "the backup holds the journal's rows" "1 1" \
    "$(sqlite3 "$backup" "SELECT count(*) FROM tag; SELECT count(*) FROM post_search
                          WHERE post_search MATCH 'hello'" | paste -sd' ')"
run_cmd mb db check
expect_eq "db check after reverting 0005 with data exits 0" 0 "$RC"
run_cmd mb db downgrade
expect_eq "db downgrade of 0004 with data exits 0" 0 "$RC"
expect_contains "db downgrade reverts 0004" "$OUT" "reverted 0004 social"
expect_eq "the post is kept below 0004" "hello @susan #world" "$(sql "SELECT body FROM post")"
run_cmd mb db check
expect_eq "db check after reverting 0004 with data exits 0" 0 "$RC"
mb db downgrade 1 >/dev/null
run_cmd mb db current
expect_eq "db current after downgrade" "0001 users table" "$OUT"
# A data command on a database behind head upgrades it, with a backup.
run_cmd mb user list
expect_eq "a data command on an old database exits 0" 0 "$RC"
expect_contains "the automatic upgrade prints the backup on stderr" "$ERR" "microblog-tui: backup of revision 0001 written to "
expect_eq "the data command still prints its result" "1  john
2  susan" "$OUT"
run_cmd mb db current
expect_eq "the automatic upgrade reached head" "0006 search index (head)" "$OUT"
run_cmd mb db check
expect_eq "db check after down and up again exits 0" 0 "$RC"
run_cmd mb db downgrade base
expect_contains "db downgrade base reverts everything" "$OUT" "now at base"
expect_eq "db downgrade base leaves no tables but the version table" "schema_revision" \
    "$(sql "SELECT name FROM sqlite_schema WHERE type = 'table'")"
run_cmd mb db downgrade
expect_eq "db downgrade at base exits 1" 1 "$RC"
mb db upgrade >/dev/null
mb user add john >/dev/null

# db new writes the next empty pair, after the real revisions (0007 after
# 0006 search index).
mkdir "$T/migrations"
cp "$MB_ROOT"/migrations/sqlite/*.sql "$T/migrations/"
run_cmd mb db new "add likes" --migrations "$T/migrations"
expect_eq "db new exits 0" 0 "$RC"
expect_eq "db new prints the two paths" "$T/migrations/0007_add_likes.up.sql
$T/migrations/0007_add_likes.down.sql" "$OUT"
check "db new writes the up file" test -f "$T/migrations/0007_add_likes.up.sql"
check "db new writes the down file" test -f "$T/migrations/0007_add_likes.down.sql"
mkdir -p "$T/repo/migrations/sqlite"
cp "$T"/migrations/*.sql "$T/repo/migrations/sqlite/"
(cd "$T/repo" && "$MB_BIN" --db "$DB" db new "second one" >"$T/out" 2>&1)
expect_eq "db new defaults to ./migrations/sqlite" "migrations/sqlite/0008_second_one.up.sql
migrations/sqlite/0008_second_one.down.sql" "$(cat "$T/out")"

# A failing revision from a test directory leaves the database as it was.
mb post --as john hello >/dev/null
printf 'ALTER TABLE post ADD COLUMN likes INTEGER NOT NULL DEFAULT 0;\nINSERT INTO nowhere VALUES (1);\n' \
    >"$T/migrations/0007_add_likes.up.sql"
printf 'ALTER TABLE post DROP COLUMN likes;\n' >"$T/migrations/0007_add_likes.down.sql"
before=$(dump)
run_cmd mb db upgrade --migrations "$T/migrations"
expect_eq "a failing revision exits 1" 1 "$RC"
expect_contains "the error names the revision" "$ERR" "revision 0007"
expect_contains "the error names the statement" "$ERR" "nowhere"
expect_eq "the failing revision's error is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
expect_eq "a failing revision leaves the database as it was" "$before" "$(dump)"

# A working one: the database is then newer than the binary.
printf 'ALTER TABLE post ADD COLUMN likes INTEGER NOT NULL DEFAULT 0;\n' \
    >"$T/migrations/0007_add_likes.up.sql"
run_cmd mb db history --migrations "$T/migrations"
expect_contains "db history shows a pending revision" "$OUT" "  0007 add likes      not applied"
run_cmd mb db upgrade --migrations "$T/migrations"
expect_eq "db upgrade --migrations exits 0" 0 "$RC"
expect_contains "db upgrade --migrations applies 0007" "$OUT" "upgraded to 0007 add likes (head)"
rm -f "$DB"-wal "$DB"-shm
sum_before=$(sum "$DB")
for cmd in "posts" "user list" "user add mary" "post newer" "db upgrade" "db downgrade" \
           "db stamp 1" "db check" "export"; do
    # shellcheck disable=SC2086
    run_cmd mb $cmd
    expect_eq "'$cmd' on a newer database exits 1" 1 "$RC"
    expect_contains "'$cmd' on a newer database names the revisions" "$ERR" "0007"
    expect_eq "'$cmd' leaves a newer database byte-identical" "$sum_before" "$(sum "$DB")"
done
run_cmd mb posts
expect_contains "the refusal names the known head" "$ERR" "newer than this program's head 0006 (search index)"
run_cmd mb db current
expect_eq "db current works on a newer database" 0 "$RC"
expect_contains "db current names the unknown revision" "$OUT" "0007"
run_cmd mb db history
expect_eq "db history works on a newer database" 0 "$RC"
expect_contains "db history lists the unknown revision" "$OUT" "* 0007 (unknown"
expect_eq "db current and history leave it byte-identical" "$sum_before" "$(sum "$DB")"
check "no -wal file was left beside the newer database" test ! -e "$DB-wal"
mb db downgrade 6 --migrations "$T/migrations" >/dev/null

# Foreign files: not SQLite, or SQLite that is not ours.
printf 'my shopping list\n' >"$T/notes.txt"
sqlite3 "$T/other.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
for file in "$T/notes.txt" "$T/other.db"; do
    before=$(sum "$file")
    for cmd in "posts" "user add mary" "db upgrade" "db current" "db stamp 1"; do
        # shellcheck disable=SC2086
        run_cmd "$MB_BIN" --db "$file" $cmd
        expect_eq "'$cmd' on $(basename "$file") exits 1" 1 "$RC"
        expect_contains "'$cmd' on $(basename "$file") says it is not ours" "$ERR" "refusing to touch it"
    done
    expect_eq "$(basename "$file") is byte-identical" "$before" "$(sum "$file")"
    check "$(basename "$file") got no -wal beside it" test ! -e "$file-wal"
done
