#!/bin/sh
# migrations/postgres/*.sql on a real server (scripts/pg-cluster.sh), as the
# migration runner will apply them: each file in one transaction with
# psql --single-transaction -v ON_ERROR_STOP=1, every revision up to the
# head, down to base (through 0005 and 0004 holding follows, mentions,
# replies, tags and a private entry), up again.
# The schema behaves as SQLite's: ASCII-only case-insensitive unique
# usernames and emails (checked in a database whose default collation folds
# more than ASCII, C.UTF-8), lengths in characters, ON DELETE CASCADE, keyset
# pages as index range scans, and post counts that stay exact under eight
# concurrent writers (pgbench) at READ COMMITTED and REPEATABLE READ, and
# under 80 (more than the slots of the total); a long transaction holding
# a slot of the total makes no other writer wait.
# Skipped, with the reason, where PostgreSQL is not installed or cannot start.
. "$MB_ROOT/tests/lib.sh"

cluster="$MB_ROOT/scripts/pg-cluster.sh"
migrations="$MB_ROOT/migrations/postgres"
PG_DIR=""
trap '[ -n "$PG_DIR" ] && sh "$cluster" destroy "$PG_DIR"; rm -rf "$T"' EXIT

run_cmd sh "$cluster" start
if [ "$RC" = 77 ]; then
    echo "ok - postgres migrations # SKIP $ERR"
    exit 0
fi
[ "$RC" = 0 ] || { not_ok "pg-cluster.sh start" "$ERR"; exit 1; }
eval "$OUT"
psql="$PG_BINDIR/psql"
q() { url=$1; shift; "$psql" -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@"; }

# A database whose default collation is C.UTF-8: there lower() under the
# default collation folds É, so only lower() under "C" matches SQLite.
q "$PG_ADMIN_URL" -c "CREATE DATABASE utf8_db OWNER microblog TEMPLATE template0 LOCALE 'C.UTF-8'" 2>"$T/err"
if [ $? = 0 ]; then
    DBURL=$(echo "$PG_URL" | sed 's|/microblog$|/utf8_db|')
    check "the test database folds non-ASCII under its default collation" \
        test "$(q "$DBURL" -c "SELECT lower('É')")" = "é"
else
    echo "# no C.UTF-8 locale ($(cat "$T/err")): the database microblog (C) instead"
    DBURL=$PG_URL
fi

# Every revision of migrations/postgres, oldest first, and newest first.
revisions=$(cd "$migrations" && ls -- *.up.sql | sed 's/\.up\.sql$//')
revisions_down=$(printf '%s\n' $revisions | sort -r)
expect_eq "the revisions are 0001 to 0006, numbered alike on both engines" \
    "0001_users_table 0002_posts_table 0003_username_keys 0004_social 0005_journal 0006_search_index" \
    "$(echo $revisions)"
apply() { q "$DBURL" --single-transaction -f "$migrations/$1.$2.sql"; }
# The public schema's objects, as one line per object (to compare).
catalog() {
    q "$DBURL" -c "
        SELECT c.relkind::text || ' ' || c.relname FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace
        UNION ALL
        SELECT 'f ' || p.proname FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace
        UNION ALL
        SELECT 't ' || t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal
        ORDER BY 1"
}

for f in "$migrations"/*.sql; do
    if grep -qiE 'concurrently|vacuum|^[[:space:]]*(begin|commit|rollback)[[:space:]]*;' "$f"; then
        not_ok "$(basename "$f") runs inside one transaction" "$(grep -niE 'concurrently|vacuum|begin|commit|rollback' "$f")"
    else
        ok "$(basename "$f") runs inside one transaction"
    fi
done
for r in $revisions; do
    check "$r same name in migrations/ and migrations/postgres/" \
        test -e "$MB_ROOT/migrations/$r.up.sql" -o -e "$MB_ROOT/migrations/sqlite/$r.up.sql"
done

# ---- up to the head ----------------------------------------------------------
empty=$(catalog)
for r in $revisions; do
    run_cmd apply "$r" up
    expect_eq "up $r" "0|" "$RC|$ERR"
done
at_head=$(catalog)
# 0006: the search column folds diacritics as SQLite's index does.
run_cmd q "$DBURL" -c "SELECT to_tsvector('mb_search', 'Zoë''s café-crème') @@ plainto_tsquery('mb_search', 'zoe CAFE creme')"
expect_eq "mb_search folds diacritics (cafe finds café, Zoë zoe)" "t" "$OUT"
run_cmd apply 0002_posts_table up
check "a failing revision (0002 again) exits non-zero" test "$RC" != 0
expect_eq "... and leaves the schema as it was" "$at_head" "$(catalog)"

# ---- the schema behaves as SQLite's ----------------------------------------
# sql_state SQL: the SQLSTATE of the error SQL raises, or ok.
sql_state() {
    q "$DBURL" -c "DO \$do\$ BEGIN $1; RAISE EXCEPTION USING ERRCODE = 'P0099'; END \$do\$" \
        >/dev/null 2>"$T/err"
    q "$DBURL" -c "DO \$do\$ BEGIN $1; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'state=%', SQLSTATE; END \$do\$" \
        2>&1 | sed -n 's/.*state=\([0-9A-Z]*\).*/\1/p' | grep . || echo ok
}
user_row() { echo "INSERT INTO \"user\" (username, email, created_at) VALUES ($1, $2, 0)"; }
q "$DBURL" -c "$(user_row "'john'" "'John@Example.com'")"
q "$DBURL" -c "$(user_row "'Émile'" NULL)"
expect_eq "usernames differing in ASCII case collide" 23505 "$(sql_state "$(user_row "'JOHN'" NULL)")"
expect_eq "usernames differing in non-ASCII case do not (SQLite's NOCASE)" ok "$(sql_state "$(user_row "'émile'" NULL)")"
expect_eq "emails differing in ASCII case collide" 23505 "$(sql_state "$(user_row "'susan'" "'john@EXAMPLE.COM'")")"
q "$DBURL" -c "$(user_row "'susan'" NULL)"
expect_eq "several users without email" ok "$(sql_state "$(user_row "'ann'" NULL)")"
expect_eq "empty username refused" 23514 "$(sql_state "$(user_row "''" NULL)")"
expect_eq "64-character username (128 bytes) accepted" ok "$(sql_state "$(user_row "repeat('é', 64)" NULL)")"
expect_eq "65-character username refused" 23514 "$(sql_state "$(user_row "repeat('ê', 65)" NULL)")"
expect_eq "120-character email accepted" ok "$(sql_state "$(user_row "'e120'" "repeat('é', 120)")")"
expect_eq "121-character email refused" 23514 "$(sql_state "$(user_row "'e121'" "repeat('ê', 121)")")"
expect_eq "empty email refused" 23514 "$(sql_state "$(user_row "'e0'" "''")")"
run_cmd q "$DBURL" -c "SELECT username FROM \"user\" WHERE lower(username) = lower('JOHN' COLLATE \"C\")"
expect_eq "lookup ignoring ASCII case" "john" "$OUT"
run_cmd q "$DBURL" -c "SELECT string_agg(username, ' ') FROM \"user\" WHERE lower(username) = lower('ÉMILE' COLLATE \"C\")"
expect_eq "... and only ASCII case (ÉMILE finds Émile, not émile)" "Émile" "$OUT"
run_cmd q "$DBURL" -c "SELECT string_agg(username, ' ' ORDER BY lower(username)) FROM \"user\" WHERE username IN ('john', 'Émile', 'émile', 'susan', 'ann')"
expect_eq "users in NOCASE order (ASCII folded, then bytes)" "ann john susan Émile émile" "$OUT"

john="(SELECT id FROM \"user\" WHERE username = 'john')"
susan="(SELECT id FROM \"user\" WHERE username = 'susan')"
post_row() { echo "INSERT INTO post (body, timestamp, user_id) VALUES ($1, 1700000000, $2)"; }
expect_eq "140-character body accepted" ok "$(sql_state "$(post_row "repeat('€', 140)" "$john")")"
expect_eq "141-character body refused" 23514 "$(sql_state "$(post_row "repeat('€', 141)" "$john")")"
expect_eq "empty body refused" 23514 "$(sql_state "$(post_row "''" "$john")")"
expect_eq "post by a missing user refused" 23503 "$(sql_state "$(post_row "'x'" 999999)")"

# counts: "author n" lines plus "total n", and the truth from post itself.
counts() {
    q "$DBURL" -F ' ' -c "
        SELECT user_id, n FROM post_count WHERE user_id <> 0 AND n <> 0 ORDER BY 1;
        SELECT 'total', sum(n) FROM post_count WHERE user_id = 0"
}
truth() {
    q "$DBURL" -F ' ' -c "
        SELECT user_id, count(*) FROM post GROUP BY 1 ORDER BY 1;
        SELECT 'total', count(*) FROM post"
}
q "$DBURL" -c "$(post_row "'one'" "$john"); $(post_row "'two'" "$john"); $(post_row "'three'" "$susan")"
expect_eq "counts after inserts" "$(truth)" "$(counts)"
run_cmd q "$DBURL" -c "SELECT n FROM post_count WHERE user_id = $john"
expect_eq "john's count" "3" "$OUT"
q "$DBURL" -c "UPDATE post SET user_id = $susan WHERE body = 'two'"
q "$DBURL" -c "UPDATE post SET user_id = $john WHERE body = 'three'; UPDATE post SET user_id = $susan WHERE body = 'three'"
q "$DBURL" -c "UPDATE post SET body = 'deux', user_id = user_id WHERE body = 'two'"
expect_eq "counts after moving posts between authors" "$(truth)" "$(counts)"
q "$DBURL" -c "DELETE FROM post WHERE body = 'one'"
expect_eq "counts after a delete" "$(truth)" "$(counts)"
q "$DBURL" -c "DELETE FROM \"user\" WHERE username = 'susan'"
run_cmd q "$DBURL" -c "SELECT count(*) FROM post WHERE body IN ('deux', 'three')"
expect_eq "deleting a user deletes its posts (ON DELETE CASCADE)" "0" "$OUT"
expect_eq "... and its count row, and the total follows" "$(truth)" "$(counts)"
run_cmd q "$DBURL" -c "SELECT count(*) FROM post_count WHERE user_id NOT IN (SELECT id FROM \"user\") AND user_id <> 0"
expect_eq "no count row for a deleted user" "0" "$OUT"

# Keyset pages and lookups are index range scans, never a sort or a scan
# of everything: with the alternatives priced out, a plan without a Sort
# node is one that an index serves in order.
plan() {
    q "$DBURL" -c "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off; EXPLAIN $1" |
        tr '\n' ' '
}
p=$(plan "SELECT id FROM post WHERE (timestamp, id) < (1700000000, 5) ORDER BY timestamp DESC, id DESC LIMIT 20")
expect_contains "all posts, newest first: ix_post_timestamp" "$p" "Index Only Scan Backward using ix_post_timestamp"
expect_not_contains "... without a sort" "$p" "Sort"
p=$(plan "SELECT id FROM post WHERE user_id = 1 AND (timestamp, id) < (1700000000, 5) ORDER BY timestamp DESC, id DESC LIMIT 20")
expect_contains "a user's posts, newest first: ix_post_user_timestamp" "$p" "Backward using ix_post_user_timestamp"
expect_not_contains "... without a sort" "$p" "Sort"
p=$(plan "SELECT id FROM \"user\" WHERE lower(username) > lower('b' COLLATE \"C\") ORDER BY lower(username) LIMIT 20")
expect_contains "users in NOCASE order: ix_user_username" "$p" "using ix_user_username"
expect_not_contains "... without a sort" "$p" "Sort"
p=$(plan "SELECT sum(n) FROM post_count WHERE user_id = 0")
expect_contains "the total reads the slot rows by key" "$p" "post_count_pkey"

# CASCADE: mention, tag and private_entry (0004, 0005) reference post.
q "$DBURL" -c "SET client_min_messages = warning; TRUNCATE post CASCADE"
expect_eq "TRUNCATE resets the counts" "total 0" "$(counts)"

# ---- concurrent writers ----------------------------------------------
if [ -x "$PG_BINDIR/pgbench" ]; then
    q "$DBURL" -c "INSERT INTO \"user\" (username, created_at) SELECT 'w' || g, 0 FROM generate_series(1, 200) g"
    lo=$(q "$DBURL" -c "SELECT min(id) FROM \"user\" WHERE username LIKE 'w%'")
    hi=$(q "$DBURL" -c "SELECT max(id) FROM \"user\" WHERE username LIKE 'w%'")
    # 80 clients: more writers than slots, so that some find every slot taken.
    for run in "8 READ COMMITTED" "8 REPEATABLE READ" "80 READ COMMITTED"; do
        clients=${run%% *}
        isolation=${run#* }
        # Single-post transactions, a batch of three posts, deletes and moves.
        cat > "$T/write.sql" <<EOF
\\set a random($lo, $hi)
\\set b random($lo, $hi)
\\set r random(1, 10)
BEGIN ISOLATION LEVEL $isolation;
INSERT INTO post (body, timestamp, user_id) VALUES ('pgbench', 1700000000, :a);
\\if :r = 1
INSERT INTO post (body, timestamp, user_id) VALUES ('batch 2', 1700000000, :b);
INSERT INTO post (body, timestamp, user_id) VALUES ('batch 3', 1700000000, :a);
\\elif :r = 2
DELETE FROM post WHERE id = (SELECT id FROM post WHERE user_id = :b ORDER BY timestamp, id LIMIT 1);
\\elif :r = 3
UPDATE post SET user_id = :b WHERE id = (SELECT id FROM post WHERE user_id = :a ORDER BY timestamp DESC, id DESC LIMIT 1);
\\endif
COMMIT;
EOF
        "$PG_BINDIR/pgbench" -n -c "$clients" -j 2 -T 3 --max-tries=1000 -f "$T/write.sql" "$DBURL" \
            >"$T/pgbench.out" 2>&1
        expect_eq "pgbench, $clients clients, $isolation: exits 0" 0 "$?"
        done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$T/pgbench.out")
        failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$T/pgbench.out")
        retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$T/pgbench.out")
        tps=$(sed -n 's/^tps = \([0-9]*\).*/\1/p' "$T/pgbench.out")
        echo "# $clients clients, $isolation: ${done_tx:-?} transactions, ${tps:-?} tps, ${retried:-0} retried, ${failed:-?} failed"
        expect_eq "... no transaction failed for good" "0" "${failed:-?}"
        check "... some transactions ran" test "${done_tx:-0}" -gt 100
        expect_eq "... and the counts are exact" "$(truth)" "$(counts)"
    done
    run_cmd q "$DBURL" -c "SELECT count(*) FROM post_count WHERE user_id = 0 AND n <> 0"
    check "the writers used several slots of the total ($OUT)" test "$OUT" -gt 1

    # A long transaction (an import batch) holds its slot for 5 s; 200 short
    # ones, whose xids run through every slot, each wait at most 1 s.
    q "$DBURL" -c "BEGIN; $(post_row "'long'" "$lo"); SELECT pg_sleep(5); COMMIT" &
    holder=$!
    for _ in $(seq 50); do
        [ "$(q "$DBURL" -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")" = 1 ] && break
        sleep 0.1
    done
    start=$(date +%s)
    { echo "SET lock_timeout = '1s';"
      for _ in $(seq 200); do echo "$(post_row "'short'" "$hi");"; done; } > "$T/short.sql"
    run_cmd q "$DBURL" -f "$T/short.sql"
    took=$(($(date +%s) - start))
    expect_eq "a long transaction holding a slot makes no writer wait" "0|" "$RC|$ERR"
    check "... the short ones took less than 4 s (${took} s)" test "$took" -lt 4
    wait "$holder"
    expect_eq "... and the counts are exact" "$(truth)" "$(counts)"
else
    echo "ok - eight concurrent writers # SKIP no pgbench in $PG_BINDIR"
fi

# ---- down to base, up again ---------------------------------------------------
# The rows of 0004 and 0005: a follow and a mute, a mention, a reply, a
# tag and a private entry that is mentioned and answered (its foreign keys
# take the mention and the reply_to with it when 0005 goes down).
ann="(SELECT id FROM \"user\" WHERE username = 'ann')"
post_id() { echo "(SELECT id FROM post WHERE body = '$1')"; }
run_cmd q "$DBURL" -c "
    INSERT INTO post (body, timestamp, user_id) VALUES
        ('hello #world', 1, $john), ('an answer', 2, $ann),
        ('dear diary', 3, $john), ('to the diary', 4, $ann);
    INSERT INTO follow VALUES ($john, $ann, 1);
    INSERT INTO mute VALUES ($ann, $john, 1);
    INSERT INTO mention SELECT $ann, timestamp, id FROM post WHERE body = 'hello #world';
    INSERT INTO tag SELECT 'world', timestamp, id FROM post WHERE body = 'hello #world';
    UPDATE post SET reply_to = $(post_id 'hello #world'), thread_id = $(post_id 'hello #world')
     WHERE body = 'an answer';
    UPDATE post SET private = 1 WHERE body = 'dear diary';
    INSERT INTO private_entry SELECT id, 'sealed' FROM post WHERE body = 'dear diary';
    INSERT INTO mention SELECT $ann, timestamp, id FROM post WHERE body = 'dear diary';
    UPDATE post SET reply_to = $(post_id 'dear diary'), thread_id = $(post_id 'dear diary')
     WHERE body = 'to the diary';"
expect_eq "rows of 0004 and 0005 written" "0|" "$RC|$ERR"
posts_before=$(q "$DBURL" -c "SELECT count(*) FROM post WHERE private = 0")
for r in $revisions_down; do
    run_cmd apply "$r" down
    expect_eq "down $r" "0|" "$RC|$ERR"
    case $r in
    0005_journal)
        expect_eq "... keeps the public posts and drops the private entry" "$posts_before" \
            "$(q "$DBURL" -c "SELECT count(*) FROM post")"
        expect_eq "... and the counts follow" "$(truth)" "$(counts)"
        expect_eq "... the mention of the private entry went, the other stays" 1 \
            "$(q "$DBURL" -c "SELECT count(*) FROM mention")"
        expect_eq "... the answer to the private entry keeps no reply_to, the other its own" \
            "an answer|hello #world,to the diary|-" \
            "$(q "$DBURL" -c "SELECT string_agg(p.body || '|' || coalesce(r.body, '-'), ',' ORDER BY p.id)
                              FROM post p LEFT JOIN post r ON r.id = p.reply_to
                              WHERE p.body IN ('an answer', 'to the diary')")" ;;
    0004_social)
        expect_eq "... keeps the posts" "$posts_before" \
            "$(q "$DBURL" -c "SELECT count(*) FROM post")" ;;
    esac
done
expect_eq "down to base leaves the schema empty" "$empty" "$(catalog)"
for r in $revisions; do
    run_cmd apply "$r" up
    expect_eq "up $r again" "0|" "$RC|$ERR"
done
expect_eq "up again builds the same schema" "$at_head" "$(catalog)"
