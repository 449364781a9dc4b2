#!/bin/sh
# Tagged writes on PostgreSQL take the tag_count rows they change in one
# order (byte order of the tags, after the post rows), so that two of them
# never deadlock (known bug 4 of the reliability run: an edit took its old
# tags' rows, then its new ones'). Against a private cluster
# (scripts/pg-cluster.sh), through the CLI and pg_writers.c:
# - a psql session holds tag_count's row of #aa, waits until the program's
#   write waits for it, then takes #zz's and commits: an edit from #zz to
#   #aa, the delete of a post whose tag rows lie as #zz then #aa, and the
#   delete of a user whose posts carry #zz then #aa must each wait and then
#   succeed (taking #zz before #aa, they deadlocked: "deadlock detected");
#   the same for an import of a post with #zz, then one with #aa (one
#   transaction); the tags and counts afterwards are the bodies' (an edit
#   keeps the rows of the tags it keeps);
# - a reply that commits while the delete of its parent waits for it, and
#   is edited at once by a session that then wants #aa: the delete locks
#   it too before its tags (it deadlocked when the delete looked at the
#   replies only once);
# - the same edit and import on SQLite give the same tags;
# - MB_PG_WRITERS (8) writers of posts, replies, edits and deletes with
#   #tags for MB_PG_SECONDS (8): no deadlock (nor other error) reaches a
#   writer (pg_writers load: 7 to 11 deadlocks in 8-10 s before).
. "$MB_ROOT/tests/lib.sh"
if [ ! -x "$MB_BUILD/tests/reliability/pg_writers" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
pg_private_cluster "PostgreSQL tag locks"
trap 'sh "$MB_ROOT/scripts/pg-cluster.sh" destroy "$PG_DIR" > /dev/null 2>&1; rm -rf "$T"' EXIT
psql() { "${PG_BINDIR:+$PG_BINDIR/}psql" -X -At -q -v ON_ERROR_STOP=1 "$@"; }

# The other session: holds #aa's row until the program's write waits for a
# lock, then takes #zz's and commits.
cat > "$T/hold.sql" <<EOF
BEGIN;
UPDATE tag_count SET n = n WHERE tag = 'aa';
\\! touch '$T/holding'
DO \$\$ BEGIN
    FOR i IN 1..200 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted);
        PERFORM pg_sleep(0.02);
    END LOOP;
END \$\$;
UPDATE tag_count SET n = n WHERE tag = 'zz';
COMMIT;
EOF

# race DB NAME ARGS...: the program's write ARGS on DB against the session.
race() {
    race_db=$1 race_name=$2
    shift 2
    rm -f "$T/holding"
    psql -d "$race_db" -f "$T/hold.sql" > "$T/hold.out" 2>&1 &
    hold_pid=$!
    i=0
    while [ ! -e "$T/holding" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
    run_cmd "$MB_BIN" --db "$race_db" "$@"
    wait "$hold_pid"
    hold_rc=$?
    expect_eq "$race_name: the write waits for the other session, then both commit" \
        "0 0 " "$RC $hold_rc $ERR$(cat "$T/hold.out")"
}

tags_of() { psql -d "$1" -c "SELECT string_agg(tag || '=' || n, ' ' ORDER BY tag) FROM tag_count"; }

DB=$(sh "$MB_ROOT/scripts/pg-cluster.sh" createdb "$PG_DIR")
for u in alice bob; do "$MB_BIN" --db "$DB" user add $u --no-password > /dev/null; done
"$MB_BIN" --db "$DB" post --as alice "edited #zz #keep" > /dev/null
"$MB_BIN" --db "$DB" post --as bob "the other #aa #zz" > /dev/null
kept() { psql -d "$DB" -c "SELECT xmin FROM tag WHERE post_id = 1 AND tag = 'keep'"; }
kept_before=$(kept)
race "$DB" "an edit from #zz to #aa" post edit 1 --as alice "edited #aa #keep"
expect_eq "after the edit tag_count is the bodies'" "aa=2 keep=1 zz=1" "$(tags_of "$DB")"
expect_eq "the edit dropped #zz, added #aa" "aa keep" \
    "$(psql -d "$DB" -c "SELECT string_agg(tag, ' ' ORDER BY tag) FROM tag WHERE post_id = 1")"
expect_eq "the edit left the row of the tag it kept as it was" "$kept_before" "$(kept)"

# A post whose tag rows lie as #zz, then #aa (an edit added #aa): the
# cascade from the post deletes them in that order.
"$MB_BIN" --db "$DB" post --as alice "deleted #zz" > /dev/null
"$MB_BIN" --db "$DB" post edit 3 --as alice "deleted #zz #aa" > /dev/null
expect_eq "the post's tag rows lie as #zz, then #aa" "zz aa" \
    "$(psql -d "$DB" -c "SELECT string_agg(tag, ' ' ORDER BY ctid) FROM tag WHERE post_id = 3")"
race "$DB" "the delete of a post tagged #zz #aa" post del 3 --yes
expect_eq "after the delete tag_count is the bodies'" "aa=2 keep=1 zz=1" "$(tags_of "$DB")"

# A reply committed while the delete of its parent waits for it (its
# writer held the parent KEY SHARE): the delete's first look at the
# replies came before, so it looks again, or the cascade setting the
# reply's reply_to waits on whoever took the reply meanwhile (s2, which
# then wants #aa, held by the delete). s1 writes the reply, s3 holds #aa
# until s2 waits; each step waits for the one before (pg_stat_activity).
"$MB_BIN" --db "$DB" post --as alice "parent #aa" > /dev/null
# until_waiting CONDITION: SQL polling pg_stat_activity (its snapshot
# cleared each time: it is kept for the whole transaction)
until_waiting() {
    printf '%s\n' "DO \$\$ BEGIN FOR i IN 1..500 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1);
        PERFORM pg_sleep(0.02); PERFORM pg_stat_clear_snapshot(); END LOOP; END \$\$;"
}
deleting="application_name = 'microblog-tui'"
{ echo "BEGIN;"
  echo "INSERT INTO post (id, body, timestamp, user_id, reply_to, thread_id)
        SELECT 1000, 'in flight', 1, u.id, 4, 4 FROM \"user\" u WHERE u.username = 'bob';"
  echo "\\! touch '$T/s1'"
  until_waiting "$deleting AND query LIKE '%FROM post p%'"
  echo "COMMIT;"; } > "$T/s1.sql"
{ echo "BEGIN;"
  echo "UPDATE tag_count SET n = n WHERE tag = 'aa';"
  echo "\\! touch '$T/s3'"
  until_waiting "$deleting AND query LIKE '%FROM tag_count c%'"
  until_waiting "application_name = 's2'"
  echo "COMMIT;"; } > "$T/s3.sql"
{ until_waiting "$deleting AND query LIKE '%FROM tag_count c%'"
  echo "BEGIN;"
  echo "UPDATE post SET body = 'edited in flight' WHERE id = 1000;"
  echo "UPDATE tag_count SET n = n WHERE tag = 'aa';"
  echo "COMMIT;"; } > "$T/s2.sql"
rm -f "$T/s1" "$T/s3"
PGAPPNAME=s1 psql -d "$DB" -f "$T/s1.sql" > "$T/s1.out" 2>&1 &
s1=$!
PGAPPNAME=s3 psql -d "$DB" -f "$T/s3.sql" > "$T/s3.out" 2>&1 &
s3=$!
i=0
while { [ ! -e "$T/s1" ] || [ ! -e "$T/s3" ]; } && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
PGAPPNAME=s2 psql -d "$DB" -f "$T/s2.sql" > "$T/s2.out" 2>&1 &
s2=$!
run_cmd "$MB_BIN" --db "$DB" post del 4 --yes
wait "$s1"; r1=$?
wait "$s2"; r2=$?
wait "$s3"; r3=$?
expect_eq "the delete of a post whose reply commits while it waits: it, the reply and the edit of the reply all commit" \
    "0 0 0 0 " "$RC $r1 $r2 $r3 $ERR$(cat "$T/s1.out" "$T/s2.out" "$T/s3.out")"
expect_eq "the reply stays, answering nothing, with its edit" "|edited in flight" \
    "$(psql -d "$DB" -c "SELECT reply_to, body FROM post WHERE id = 1000")"

# A user whose posts carry #zz (older), then #aa.
"$MB_BIN" --db "$DB" user add carol --no-password > /dev/null
"$MB_BIN" --db "$DB" post --as carol "first #zz" > /dev/null
"$MB_BIN" --db "$DB" post --as carol "second #aa" > /dev/null
race "$DB" "the delete of a user whose posts carry #zz, then #aa" user del carol --yes
expect_eq "after the user's delete tag_count is the bodies'" "aa=2 keep=1 zz=1" "$(tags_of "$DB")"

# An import: one transaction of many posts, #zz in the first, #aa in the
# second; it writes their tag rows at its commit, sorted.
printf '%s\n' '{"author":"dave","body":"imported #zz"}' '{"author":"dave","body":"imported #aa"}' \
    > "$T/import.jsonl"
race "$DB" "an import of a post with #zz, then one with #aa" import "$T/import.jsonl"
expect_eq "after the import tag_count is the bodies'" "aa=3 keep=1 zz=2" "$(tags_of "$DB")"

# An import larger than what is kept in memory (128 rows) before the
# temporary table: 300 posts with two tags each.
i=0
while [ $i -lt 300 ]; do
    printf '{"author":"erin","body":"bulk %d #b%d #a%d"}\n' $i $((i % 7)) $((i % 5))
    i=$((i + 1))
done > "$T/bulk.jsonl"
run_cmd "$MB_BIN" --db "$DB" import "$T/bulk.jsonl"
expect_eq "an import of 300 posts with two tags each: tag_count is the bodies'" \
    "0 a0=60 a1=60 a2=60 a3=60 a4=60 b0=43 b1=43 b2=43 b3=43 b4=43 b5=43 b6=42" \
    "$RC $(psql -d "$DB" -c "SELECT string_agg(tag || '=' || n, ' ' ORDER BY tag) FROM tag_count
                             WHERE tag ~ '^[ab][0-9]$'")"
expect_eq "and the tag rows are the bodies'" "600 0" \
    "$(psql -d "$DB" -c "SELECT count(*), count(*) FILTER (WHERE p.body NOT LIKE '%#' || t.tag || '%')
                         FROM tag t JOIN post p ON p.id = t.post_id WHERE p.body LIKE 'bulk %'" | tr '|' ' ')"

# The same edit and import on SQLite.
lite="$T/lite.db"
"$MB_BIN" --db "$lite" user add alice --no-password > /dev/null
"$MB_BIN" --db "$lite" post --as alice "edited #zz #keep" > /dev/null
"$MB_BIN" --db "$lite" post --as alice "the other #aa #zz" > /dev/null
"$MB_BIN" --db "$lite" post edit 1 --as alice "edited #aa #keep #new" > /dev/null
"$MB_BIN" --db "$lite" import "$T/import.jsonl" > /dev/null
expect_eq "SQLite: the same edit and import give the bodies' tags" "3  #aa
1  #keep
1  #new
2  #zz" "$("$MB_BIN" --db "$lite" tags 2>&1)"

# Many writers at once.
mkdir -p "$T/scratch"
LOAD_DB=$(sh "$MB_ROOT/scripts/pg-cluster.sh" createdb "$PG_DIR")
"$MB_BUILD/tests/reliability/pg_writers" load "$LOAD_DB" "${MB_PG_SECONDS:-8}" \
    "${MB_PG_WRITERS:-8}" "$T/scratch" > "$T/load.out" 2> "$T/load.err"
# Its checks of errors and deadlocks count here, with their details; the
# others (the invariants) are test_pg_crash.sh's, shown as comments.
awk '/^(not )?ok - / { keep = /deadlock|no error reached|ran to the end/ }
     /^(not )?ok - / && !keep { print "# " $0; next } { print }' "$T/load.out"
expect_not_contains "no sanitizer report from the writers" "$(cat "$T/load.err")" "Sanitizer"
expect_eq "figure pg_load_deadlocks is 0 (${MB_PG_WRITERS:-8} writers, ${MB_PG_SECONDS:-8} s)" \
    0 "$(sed -n 's/^# figure pg_load_deadlocks //p' "$T/load.out")"
