#!/bin/sh
# `make bench`: measures microblog-tui beside its floors and prints a table;
# writes the table, the machine and the method to bench/RESULTS.md.
#
#   sh bench/run.sh BUILD/release      (from the repository root)
#
# Data: JSON Lines from bench/gen_posts.c (deterministic) imported through
# `microblog-tui import` into databases of 1k, 10k, 100k and 1M posts by
# 1,000 users, cached in bench/data/KEY/ (KEY: a checksum of the generator
# and the migrations, so a schema change rebuilds them). Everything else is
# made fresh in bench/data/work/ on every run and removed at the end.
#
# Environment knobs (defaults in brackets): BENCH_RUNS [41] rounds for the
# process timings, BENCH_IMPORT_RUNS [7], BENCH_TUI_FIRST_RUNS [21],
# BENCH_TUI_STEPS [200], BENCH_TUI_MARKER ["?:help"] (text of the TUI's
# status line that says a frame is complete).
set -eu

REL=${1:-build/release}
BIN=./microblog-tui
BB=$REL/bench
ROOT=$(pwd)
RUNS=${BENCH_RUNS:-41}
IMPORT_RUNS=${BENCH_IMPORT_RUNS:-7}
TUI_FIRST_RUNS=${BENCH_TUI_FIRST_RUNS:-21}
TUI_STEPS=${BENCH_TUI_STEPS:-200}
TUI_MARKER=${BENCH_TUI_MARKER:-?:help}
# Deep in the timeline: 300 pages down from the top (about 4,000 posts, the
# window of loaded posts slid and trimmed many times), then 20 posts down so
# that the selection sits at the bottom edge and every 'j' moves the view or
# the selection. The 1k floor goes 40 pages down (it has 1,000 posts).
TUI_NAV_1M="^D*300 j*20"
TUI_NAV_1K="^D*40 j*20"
USERS=1000

for program in "$BIN" "$BB/gen_posts" "$BB/import_floor" "$BB/timeit" "$BB/tui_harness" \
               "$BB/pages" "$BB/writers" \
               "$BB/social" "$BB/search"; do
    [ -x "$program" ] || { echo "bench: $program is missing: run make bench" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is missing" >&2; exit 1; }

KEY=$(cat bench/gen_posts.c migrations/sqlite/*.sql | cksum | cut -d' ' -f1)
DATA=bench/data/$KEY
WORK=bench/data/work
mkdir -p "$DATA"
# Databases cached under another key belong to an older generator or schema.
for old in bench/data/*; do
    [ "$old" = "$DATA" ] || [ "$old" = "$WORK" ] || rm -rf "$old"
done
rm -rf "$WORK"
mkdir -p "$WORK/home/.config/microblog"
trap 'rm -rf "$ROOT/$WORK"' EXIT INT TERM

# A private, predictable environment for every process measured.
unset DATABASE_URL MICROBLOG_CONFIG NO_COLOR LINES COLUMNS
HOME=$ROOT/$WORK/home
XDG_CONFIG_HOME=$HOME/.config
XDG_DATA_HOME=$HOME/.local/share
XDG_STATE_HOME=$HOME/.local/state
XDG_CACHE_HOME=$HOME/.cache
TZ=UTC
LC_ALL=C.UTF-8
USER=bench
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME TZ LC_ALL USER
echo "password_strength = minimum" > "$XDG_CONFIG_HOME/microblog/microblog.conf"

now_ms() { date +%s%3N; }

# ---- data -------------------------------------------------------------------
for n in 1000 10000 100000 1000000; do
    jsonl=$DATA/posts-$n.jsonl
    db=$DATA/posts-$n.db
    # The file is needed to build the database, and for item 4 (100k).
    if { [ ! -s "$db" ] || [ "$n" = 100000 ]; } && [ ! -s "$jsonl" ]; then
        echo "bench: generating $n posts by $USERS users"
        "$BB/gen_posts" "$n" "$USERS" > "$jsonl.tmp"
        mv "$jsonl.tmp" "$jsonl"
    fi
    if [ ! -s "$db" ]; then
        echo "bench: importing $n posts with microblog-tui import (once; cached in $DATA)"
        rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
        start=$(now_ms)
        "$BIN" --db "$db.tmp" import "$jsonl" >/dev/null
        echo "bench:   took $(( $(now_ms) - start )) ms"
        [ ! -e "$db.tmp-wal" ] || sqlite3 "$db.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
        rm -f "$db.tmp-wal" "$db.tmp-shm"
        mv "$db.tmp" "$db"
    fi
    # Only the 100k file is read again (item 4).
    [ "$n" = 100000 ] || rm -f "$jsonl"
done
DB1K=$DATA/posts-1000.db
DB10K=$DATA/posts-10000.db
DB100K=$DATA/posts-100000.db
DB1M=$DATA/posts-1000000.db
JSONL100K=$DATA/posts-100000.jsonl

# ---- set-up (not timed) -------------------------------------------------------
# The 500,000th post, newest first, and its timestamp; a user of the middle.
DEEP_ID=$(sqlite3 "$DB1M" "SELECT id FROM post ORDER BY timestamp DESC, id DESC LIMIT 1 OFFSET 499999")
DEEP_TS=$(sqlite3 "$DB1M" "SELECT timestamp FROM post WHERE id = $DEEP_ID")
AUTHOR=user0001
AUTHOR_ID=$(sqlite3 "$DB1M" "SELECT id FROM user WHERE username = '$AUTHOR'")
FILTER=user0500
FILTER_ID=$(sqlite3 "$DB1M" "SELECT id FROM user WHERE username = '$FILTER'")
cp "$DB1M" "$WORK/post.db"          # item 1 writes into a copy
"$BIN" --db "$WORK/template.db" db upgrade >/dev/null   # empty, at head (item 4)

# The store's SQL, copied from the statement table in store/store.c.
POST_COLUMNS="SELECT p.id, p.user_id, (SELECT u.username FROM user u WHERE u.id = p.user_id), p.body, p.timestamp FROM post p"
USER_COLUMNS="SELECT u.id, u.username, u.email, u.password_hash IS NOT NULL, u.created_at, (SELECT count(*) FROM post p WHERE p.user_id = u.id) FROM user u"
BODY="hello from the benchmark"

ROWS=$WORK/rows
: > "$ROWS"
# row NAME OURS FLOOR RATIO TARGET MET UNIT
row() { printf '%s|%s|%s|%s|%s|%s|%s\n' "$@" >> "$ROWS"; }
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
median_of() { awk -v c="$1" '$1 == "cmd" && $2 == c { print $4 }' "$2"; }
ratio_of() { awk '$1 == "ratio_median" { print $2 }' "$1"; }
# verdict VALUE OP LIMIT  ->  met / NOT met
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    ok = (op == "<=") ? (v + 0 <= l + 0) : 0; print ok ? "met" : "NOT met" }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# derived_set ITEM NAME SCRIPT N KEY: DATA/NAME-N-KEY.db, a copy of
# posts-N.db changed by the SQL script, made once (items 8 and 10); the
# milliseconds it took are kept beside it in NAME-N-KEY.ms.
derived_set() {
    set_db=$DATA/$2-$4-$5.db
    [ ! -s "$set_db" ] || return 0
    echo "bench: $1 making the $2 set of $4 posts with $3 (once; cached in $DATA)"
    rm -f "$DATA/$2-$4-"*
    start=$(now_ms)
    cp "$DATA/posts-$4.db" "$set_db.tmp"
    sqlite3 "$set_db.tmp" < "$3" > /dev/null
    rm -f "$set_db.tmp-wal" "$set_db.tmp-shm"
    mv "$set_db.tmp" "$set_db"
    echo "$(( $(now_ms) - start ))" > "$DATA/$2-$4-$5.ms"
    echo "bench:   took $(cat "$DATA/$2-$4-$5.ms") ms"
}

timed() { # NAME OUT -- timeit arguments...
    name=$1; out=$2; shift 2
    echo "bench: $name"
    "$BB/timeit" "$@" > "$out"
}

# ---- 1. one post from the shell ------------------------------------------------
timed "1 one post" "$WORK/t1" -n "$RUNS" -- \
    "$BIN" --db "$WORK/post.db" post --as "$AUTHOR" "$BODY" :: \
    sqlite3 "$WORK/post.db" "PRAGMA foreign_keys = ON; $USER_COLUMNS WHERE u.username = '$AUTHOR'; BEGIN IMMEDIATE; INSERT INTO post (body, timestamp, user_id) VALUES ('$BODY', CAST(strftime('%s', 'now') AS INTEGER), $AUTHOR_ID); COMMIT;"
r=$(ratio_of "$WORK/t1")
row "1 one post from the shell, 1M db (ms)" "$(median_of 0 "$WORK/t1")" "$(median_of 1 "$WORK/t1")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"

# ---- 2. newest 50 and a user's newest 50 on 1M -----------------------------------
timed "2a posts --limit 50" "$WORK/t2a" -n "$RUNS" -- \
    "$BIN" --db "$DB1M" posts --limit 50 :: \
    sqlite3 "$DB1M" "$POST_COLUMNS ORDER BY p.timestamp DESC, p.id DESC LIMIT 50"
r=$(ratio_of "$WORK/t2a")
row "2 posts --limit 50, 1M (ms)" "$(median_of 0 "$WORK/t2a")" "$(median_of 1 "$WORK/t2a")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"

timed "2b posts --user --limit 50" "$WORK/t2b" -n "$RUNS" -- \
    "$BIN" --db "$DB1M" posts --user "$FILTER" --limit 50 :: \
    sqlite3 "$DB1M" "$USER_COLUMNS WHERE u.username = '$FILTER'; $POST_COLUMNS WHERE p.user_id = $FILTER_ID ORDER BY p.timestamp DESC, p.id DESC LIMIT 50"
r=$(ratio_of "$WORK/t2b")
row "2 posts --user $FILTER --limit 50, 1M (ms)" "$(median_of 0 "$WORK/t2b")" "$(median_of 1 "$WORK/t2b")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"

# ---- 3. the 50 after position 500,000 (keyset) -----------------------------------
timed "3 posts --before (position 500,000)" "$WORK/t3" -n "$RUNS" -- \
    "$BIN" --db "$DB1M" posts --before "$DEEP_ID" --limit 50 :: \
    sqlite3 "$DB1M" "$POST_COLUMNS WHERE p.id = $DEEP_ID; $POST_COLUMNS WHERE p.timestamp <= $DEEP_TS AND (p.timestamp < $DEEP_TS OR p.id < $DEEP_ID) ORDER BY p.timestamp DESC, p.id DESC LIMIT 50"
r=$(ratio_of "$WORK/t3")
row "3 posts --before ID(500,000th) --limit 50, 1M (ms)" "$(median_of 0 "$WORK/t3")" "$(median_of 1 "$WORK/t3")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"

timed "3 deep page vs first page" "$WORK/t3b" -n "$RUNS" -- \
    "$BIN" --db "$DB1M" posts --before "$DEEP_ID" --limit 50 :: \
    "$BIN" --db "$DB1M" posts --limit 50
r=$(ratio_of "$WORK/t3b")
row "3 deep page / first page, both ours (ms)" "$(median_of 0 "$WORK/t3b")" "$(median_of 1 "$WORK/t3b")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"

echo "bench: 2/3 in-process pages"
"$BB/pages" "$DB1M" "$FILTER_ID" "$DEEP_ID" 201 > "$WORK/pages"
p() { field "$1" "$WORK/pages"; }
r=$(div "$(p first)" "$(p first_floor)")
row "2 in-process: newest 50, store_posts_page (us)" "$(p first)" "$(p first_floor)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
r=$(div "$(p user)" "$(p user_floor)")
row "2 in-process: a user's newest 50 (us)" "$(p user)" "$(p user_floor)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
r=$(div "$(p deep)" "$(p deep_floor)")
row "3 in-process: 50 after position 500,000 (us)" "$(p deep)" "$(p deep_floor)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
r=$(div "$(p deep)" "$(p first)")
row "3 in-process: deep page / first page (us)" "$(p deep)" "$(p first)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"

# ---- 4. import 100k ----------------------------------------------------------------
timed "4 import 100k" "$WORK/t4" -n "$IMPORT_RUNS" \
    -p "rm -f '$WORK/import.db' '$WORK/import.db-wal' '$WORK/import.db-shm' && cp '$WORK/template.db' '$WORK/import.db'" -- \
    "$BIN" --db "$WORK/import.db" import "$JSONL100K" :: \
    "$BB/import_floor" "$WORK/import.db" "$JSONL100K"
r=$(ratio_of "$WORK/t4")
row "4 import 100k posts (ms)" "$(median_of 0 "$WORK/t4")" "$(median_of 1 "$WORK/t4")" "$r" "<= 1.5x" "$(verdict "$r" "<=" 1.5)"

# ---- 5. the TUI ------------------------------------------------------------------------
harness() { "$BB/tui_harness" -c 120 -r 40 -H "$HOME" -m "$TUI_MARKER" "$@"; }
tui_ok=yes
tui_first() { # DB RUNS OUT
    echo "bench: 5 TUI first frame on $(basename "$1")"
    harness -f "$2" -- "$ROOT/$BIN" --db "$1" > "$3" 2> "$3.err" || {
        echo "bench: the TUI harness failed on $1: $(tail -n 3 "$3.err")" >&2; tui_ok=no; }
}
tui_session() { # DB NAV OUT
    echo "bench: 5 TUI scroll session on $(basename "$1")"
    harness -N "$2" -j "$TUI_STEPS" -- "$ROOT/$BIN" --db "$1" > "$3" 2> "$3.err" || {
        echo "bench: the TUI harness failed on $1: $(tail -n 3 "$3.err")" >&2; tui_ok=no; }
}
tui_first "$DB1K" "$TUI_FIRST_RUNS" "$WORK/f1k"
[ "$tui_ok" = yes ] && tui_first "$DB1M" "$TUI_FIRST_RUNS" "$WORK/f1m"
[ "$tui_ok" = yes ] && tui_first "$DB10K" 11 "$WORK/f10k"
[ "$tui_ok" = yes ] && tui_first "$DB100K" 11 "$WORK/f100k"
[ "$tui_ok" = yes ] && tui_session "$DB1K" "$TUI_NAV_1K" "$WORK/s1k"
[ "$tui_ok" = yes ] && tui_session "$DB1M" "$TUI_NAV_1M" "$WORK/s1m"
if [ "$tui_ok" = yes ]; then
    a=$(field first_frame_median_ms "$WORK/f1m"); b=$(field first_frame_median_ms "$WORK/f1k")
    row "5 TUI first complete frame, 1M (ms; floor: same on 1k)" "$a" "$b" "$(div "$a" "$b")" "<= 30 ms" "$(verdict "$a" "<=" 30)"
    for n in 10k 100k; do
        a=$(field first_frame_median_ms "$WORK/f$n")
        row "5 TUI first complete frame, $n (ms; floor: 1k)" "$a" "$b" "$(div "$a" "$b")" "<= 30 ms" "$(verdict "$a" "<=" 30)"
    done
    silent=$(awk '$1 == "steps" { print $2 - $4 }' "$WORK/s1m")
    note=""
    [ "$silent" = 0 ] || note=" ($silent of $TUI_STEPS 'j' drew nothing and are left out)"
    a=$(field step_median_ms "$WORK/s1m"); b=$(field step_median_ms "$WORK/s1k")
    row "5 TUI one 'j' step deep in the timeline, 1M (ms, median; floor: 1k)$note" "$a" "$b" "$(div "$a" "$b")" "<= 2 ms" "$(verdict "$a" "<=" 2)"
    a=$(field step_p90_ms "$WORK/s1m"); b=$(field step_p90_ms "$WORK/s1k")
    row "5 TUI one 'j' step, 1M (ms, 90th percentile; floor: 1k)" "$a" "$b" "$(div "$a" "$b")" "<= 2 ms" "$(verdict "$a" "<=" 2)"
    a=$(field step_bytes_mean "$WORK/s1m"); b=$(field step_bytes_mean "$WORK/s1k")
    row "5 TUI bytes per 'j' at 120x40, mean of $TUI_STEPS (floor: 1k)" "$a" "$b" "$(div "$a" "$b")" "<= 1024 B" "$(verdict "$a" "<=" 1024)"
    a=$(field step_bytes_max "$WORK/s1m"); b=$(field step_bytes_max "$WORK/s1k")
    row "5 TUI bytes of the costliest 'j' (the view moves; floor: 1k)" "$a" "$b" "$(div "$a" "$b")" "<= 1024 B" "$(verdict "$a" "<=" 1024)"
    a=$(field session_max_rss_kb "$WORK/s1m"); b=$(field session_max_rss_kb "$WORK/s1k")
    r=$(div "$a" "$b")
    met=$(awk -v r="$r" -v a="$a" 'BEGIN { print (r <= 1.1 && a <= 16384) ? "met" : "NOT met" }')
    row "5 TUI peak RSS, 1M (KiB; floor: same session on 1k)" "$a" "$b" "$r" "<= 1.1x, <= 16 MiB" "$met"
else
    for name in "5 TUI first complete frame, 1M" "5 TUI one 'j' step deep in the timeline, 1M" \
                "5 TUI bytes per 'j' at 120x40" "5 TUI peak RSS, 1M vs 1k"; do
        row "$name" "not measured (TUI unavailable)" "-" "-" "-" "-"
    done
fi

# ---- 6. PostgreSQL, on a private server (scripts/pg-cluster.sh) ---------------------
# The 100k data set (not 1M: importing 1M posts through the program takes
# too long for one bench run on 2 cores), imported with the program itself.
PG_SET=${BENCH_PG_POSTS:-100000}
pg_ok=no
if PG_STATE=$(sh scripts/pg-cluster.sh start 2> "$WORK/pg.err"); then
    eval "$PG_STATE"
    pg_ok=yes
    trap 'sh "$ROOT/scripts/pg-cluster.sh" destroy "$PG_DIR" >/dev/null 2>&1; rm -rf "$ROOT/$WORK"' EXIT INT TERM
    PGDB=$(sh scripts/pg-cluster.sh createdb "$PG_DIR")
    echo "bench: 6 importing $PG_SET posts into PostgreSQL with microblog-tui import"
    [ -s "$DATA/posts-$PG_SET.jsonl" ] || "$BB/gen_posts" "$PG_SET" "$USERS" > "$DATA/posts-$PG_SET.jsonl"
    start=$(now_ms)
    "$BIN" --db "$PGDB" import "$DATA/posts-$PG_SET.jsonl" > /dev/null
    PG_IMPORT_MS=$(( $(now_ms) - start ))
    "$PG_BINDIR/psql" -X -q "$PGDB" -c "VACUUM ANALYZE" > /dev/null 2>&1
    PQ="$PG_BINDIR/psql -X -q -At"
    PG_MID=$(( PG_SET / 2 - 1 ))
    PG_DEEP_ID=$($PQ "$PGDB" -c "SELECT id FROM post ORDER BY timestamp DESC, id DESC LIMIT 1 OFFSET $PG_MID")
    PG_DEEP_TS=$($PQ "$PGDB" -c "SELECT timestamp FROM post WHERE id = $PG_DEEP_ID")
    PG_FILTER_ID=$($PQ "$PGDB" -c "SELECT id FROM \"user\" WHERE username = '$FILTER'")
    PG_POST_COLUMNS="SELECT p.id, p.user_id, (SELECT u.username FROM \"user\" u WHERE u.id = p.user_id), p.body, p.timestamp FROM post p"
    PG_USER_COLUMNS="SELECT u.id, u.username, u.email, u.password_hash IS NOT NULL, u.created_at, coalesce((SELECT sum(c.n) FROM post_count c WHERE c.user_id = u.id), 0) FROM \"user\" u"
    set_label="$(( PG_SET / 1000 ))k"

    timed "6a PostgreSQL posts --limit 50" "$WORK/p1" -n "$RUNS" -- \
        "$BIN" --db "$PGDB" posts --limit 50 :: \
        $PQ "$PGDB" -c "$PG_POST_COLUMNS ORDER BY p.timestamp DESC, p.id DESC LIMIT 50"
    r=$(ratio_of "$WORK/p1")
    row "6 PostgreSQL: posts --limit 50, $set_label (ms; floor: psql)" "$(median_of 0 "$WORK/p1")" "$(median_of 1 "$WORK/p1")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    timed "6b PostgreSQL posts --user" "$WORK/p2" -n "$RUNS" -- \
        "$BIN" --db "$PGDB" posts --user "$FILTER" --limit 50 :: \
        $PQ "$PGDB" -c "$PG_USER_COLUMNS WHERE lower(u.username) = lower('$FILTER'::text COLLATE \"C\")" \
            -c "$PG_POST_COLUMNS WHERE p.user_id = $PG_FILTER_ID ORDER BY p.timestamp DESC, p.id DESC LIMIT 50"
    r=$(ratio_of "$WORK/p2")
    row "6 PostgreSQL: posts --user $FILTER --limit 50, $set_label (ms; floor: psql)" "$(median_of 0 "$WORK/p2")" "$(median_of 1 "$WORK/p2")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    timed "6c PostgreSQL posts --before (middle)" "$WORK/p3" -n "$RUNS" -- \
        "$BIN" --db "$PGDB" posts --before "$PG_DEEP_ID" --limit 50 :: \
        $PQ "$PGDB" -c "$PG_POST_COLUMNS WHERE p.id = $PG_DEEP_ID" \
            -c "$PG_POST_COLUMNS WHERE (p.timestamp, p.id) < ($PG_DEEP_TS, $PG_DEEP_ID) ORDER BY p.timestamp DESC, p.id DESC LIMIT 50"
    r=$(ratio_of "$WORK/p3")
    row "6 PostgreSQL: posts --before ID(middle) --limit 50, $set_label (ms; floor: psql)" "$(median_of 0 "$WORK/p3")" "$(median_of 1 "$WORK/p3")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    timed "6d PostgreSQL one post" "$WORK/p4" -n "$RUNS" -- \
        "$BIN" --db "$PGDB" post --as "$AUTHOR" "$BODY" :: \
        $PQ "$PGDB" -c "$PG_USER_COLUMNS WHERE lower(u.username) = lower('$AUTHOR'::text COLLATE \"C\")" \
            -c "INSERT INTO post (body, timestamp, user_id) VALUES ('$BODY', extract(epoch from now())::bigint, (SELECT id FROM \"user\" WHERE username = '$AUTHOR'))"
    r=$(ratio_of "$WORK/p4")
    row "6 PostgreSQL: one post from the shell, $set_label (ms; floor: psql)" "$(median_of 0 "$WORK/p4")" "$(median_of 1 "$WORK/p4")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    echo "bench: 6e PostgreSQL post count (in process)"
    "$BB/writers" count "$PGDB" 201 > "$WORK/p5"
    a=$(field count_us "$WORK/p5"); b=$(field count_floor_us "$WORK/p5")
    row "6 PostgreSQL: store_post_count, all posts, $set_label (us; floor: same SQL, bare libpq)" "$a" "$b" "$(div "$a" "$b")" "<= 1.3x" "$(verdict "$(div "$a" "$b")" "<=" 1.3)"
else
    echo "bench: PostgreSQL rows skipped: $(head -n 1 "$WORK/pg.err")" >&2
    row "6 PostgreSQL rows" "skipped: $(head -n 1 "$WORK/pg.err")" "-" "-" "-" "-"
fi

# ---- 7. concurrency: post commits per second, 1, 8 and 32 writer processes ---------
WRITER_SECONDS=${BENCH_WRITER_SECONDS:-5}
for n in 1 8 32; do
    echo "bench: 7 $n writers on SQLite"
    rm -f "$WORK/writers.db" "$WORK/writers.db-wal" "$WORK/writers.db-shm"
    cp "$WORK/template.db" "$WORK/writers.db"
    "$BB/writers" "$WORK/writers.db" "$n" "$WRITER_SECONDS" > "$WORK/w-s$n"
    lite=$(field commits_per_second "$WORK/w-s$n"); lite_err=$(field errors "$WORK/w-s$n")
    server="-"; server_err="-"
    if [ "$pg_ok" = yes ]; then
        echo "bench: 7 $n writers on PostgreSQL"
        "$BB/writers" "$(sh scripts/pg-cluster.sh createdb "$PG_DIR")" "$n" "$WRITER_SECONDS" > "$WORK/w-p$n"
        server=$(field commits_per_second "$WORK/w-p$n"); server_err=$(field errors "$WORK/w-p$n")
    fi
    row "7 post commits/s, $n writer process(es), ${WRITER_SECONDS} s (ours: PostgreSQL; floor: SQLite; errors $server_err / $lite_err)" "$server" "$lite" "$(div "$server" "$lite")" "-" "-"
done

# ---- 8. the social store (issue 11): bench/gen_social.sql, bench/social.c ----------
# The social sets: a copy of posts-N.db changed by bench/gen_social.sql in one
# transaction (10,000 users, follows, conversations, mentions), cached beside
# it under a checksum of that script. Measured in process (bench/social.c)
# on 1M and on 100k (the floor of the rows that must not grow with the
# database); on PostgreSQL, `db copy` of both sets into fresh databases of
# the cluster of item 6.
SOCIAL_KEY=$(cksum < bench/gen_social.sql | cut -d' ' -f1)
SOCIAL_ROUNDS=${BENCH_SOCIAL_ROUNDS:-201}
for n in 100000 1000000; do
    derived_set 8 social bench/gen_social.sql "$n" "$SOCIAL_KEY"
done
SOCIAL_DB1M=$DATA/social-1000000-$SOCIAL_KEY.db
SOCIAL_DB100K=$DATA/social-100000-$SOCIAL_KEY.db
# The conversation of 1,000 replies: the thread with the most posts.
social_root() {
    sqlite3 "$1" "SELECT thread_id FROM post WHERE thread_id IS NOT NULL GROUP BY thread_id ORDER BY count(*) DESC LIMIT 1"
}
SOCIAL_ROOT1M=$(social_root "$SOCIAL_DB1M")
SOCIAL_ROOT100K=$(social_root "$SOCIAL_DB100K")

social_big() { field "$1" "$SOCIAL_BIG"; }
social_small() { field "$1" "$SOCIAL_SMALL"; }
social_ratio_row() { # NAME OURS FLOOR TARGET_RATIO
    r=$(div "$2" "$3")
    row "$1" "$2" "$3" "$r" "<= ${4}x" "$(verdict "$r" "<=" "$4")"
}
social_flat_row() { # NAME CASE: 1M beside 100k, must not grow with the database
    social_ratio_row "$1, 1M (us; floor: same on 100k)" "$(social_big "$2")" "$(social_small "$2")" 1.5
}
# social_rows ENGINE BIG SMALL: the rows of item 8 from bench/social.c's
# output on 1M (BIG) and on 100k (SMALL).
social_rows() {
    e=$1; SOCIAL_BIG=$2; SOCIAL_SMALL=$3
    social_ratio_row "8 $e: Home of a user following 500 busy users (40% of posts), first 50, 1M, 10k users (us; floor: all posts' first 50)" \
        "$(social_big busy_first)" "$(social_big global_first)" 2
    social_ratio_row "8 $e: Home of a user following 3 quiet users ($(social_big quiet_first_rows) of ~90 posts), first page, 1M (us; floor: all posts' first 50)" \
        "$(social_big quiet_first)" "$(social_big global_first)" 2
    social_ratio_row "8 $e: Home, 500 busy, next 50 (keyset), 1M (us; floor: all posts' next 50)" \
        "$(social_big busy_next)" "$(social_big global_next)" 2
    social_ratio_row "8 $e: Home, 3 quiet, next page (keyset, the last $(social_big quiet_next_rows)), 1M (us; floor: all posts' next 50)" \
        "$(social_big quiet_next)" "$(social_big global_next)" 2
    social_ratio_row "8 $e: Home of a user following 30 like everyone (20 busy, 10 quiet: 1.6% of posts), first 50, 1M (us; floor: all posts' first 50)" \
        "$(social_big typical_first)" "$(social_big global_first)" 2
    social_ratio_row "8 $e: Home, 30 like everyone, next 50 (keyset), 1M (us; floor: all posts' next 50)" \
        "$(social_big typical_next)" "$(social_big global_next)" 2
    a=$(social_big conversation_first)
    row "8 $e: conversation of 1,000 replies, first 50 (store_conversation), 1M (us; floor: same on 100k)" \
        "$a" "$(social_small conversation_first)" "$(div "$a" "$(social_small conversation_first)")" "< 10 ms" "$(verdict "$a" "<=" 10000)"
    a=$(social_big conversation_whole)
    row "8 $e: conversation of 1,000 replies, all $(social_big conversation_whole_rows) posts in pages of 500 (as post show), 1M (us; floor: same on 100k)" \
        "$a" "$(social_small conversation_whole)" "$(div "$a" "$(social_small conversation_whole)")" "< 10 ms" "$(verdict "$a" "<=" 10000)"
    social_flat_row "8 $e: Mentions, first 50 of user9003's 10,000 (1,000 on 100k)" mentions_many
    social_flat_row "8 $e: Mentions of user9004 (all $(social_big mentions_few_rows))" mentions_few
    social_flat_row "8 $e: store_mentions_unread, cap 99, user9003 (counts $(social_big unread_many_rows))" unread_many
    social_flat_row "8 $e: store_mentions_unread, cap 99, user9004 (counts $(social_big unread_few_rows))" unread_few
    social_flat_row "8 $e: store_post_count, all posts (the O(1) reference)" post_count
    social_flat_row "8 $e: store_posts_count_newer, cap 99, all posts (counts $(social_big newer_global_rows))" newer_global
    social_flat_row "8 $e: store_posts_count_newer, cap 99, Home of 500 busy (counts $(social_big newer_busy_rows))" newer_busy
    a=$(social_big newer_quiet)
    row "8 $e: store_posts_count_newer, cap 99, Home of 3 quiet (counts $(social_big newer_quiet_rows) on 1M, $(social_small newer_quiet_rows) on 100k: all they have), 1M (us; floor: same on 100k)" \
        "$a" "$(social_small newer_quiet)" "$(div "$a" "$(social_small newer_quiet)")" "-" "-"
}

echo "bench: 8 the social store on SQLite (in process)"
"$BB/social" "$SOCIAL_DB1M" "$SOCIAL_ROOT1M" "$SOCIAL_ROUNDS" > "$WORK/social-s1m"
"$BB/social" "$SOCIAL_DB100K" "$SOCIAL_ROOT100K" "$SOCIAL_ROUNDS" > "$WORK/social-s100k"
social_rows SQLite "$WORK/social-s1m" "$WORK/social-s100k"

SOCIAL_PG_COPY_MS=
if [ "$pg_ok" = yes ]; then
    for n in 100000 1000000; do
        echo "bench: 8 copying the social set of $n posts into PostgreSQL with microblog-tui db copy"
        url=$(sh scripts/pg-cluster.sh createdb "$PG_DIR")
        start=$(now_ms)
        "$BIN" --db "$DATA/social-$n-$SOCIAL_KEY.db" db copy "$url" > /dev/null
        "$PG_BINDIR/psql" -X -q "$url" -c "VACUUM ANALYZE" > /dev/null 2>&1
        SOCIAL_PG_COPY_MS="$SOCIAL_PG_COPY_MS${SOCIAL_PG_COPY_MS:+, }$(( $(now_ms) - start )) ms for $n"
        root=$SOCIAL_ROOT100K
        [ "$n" = 100000 ] || root=$SOCIAL_ROOT1M
        echo "bench: 8 the social store on PostgreSQL, $n posts (in process)"
        "$BB/social" "$url" "$root" "$SOCIAL_ROUNDS" > "$WORK/social-p$n"
    done
    social_rows PostgreSQL "$WORK/social-p1000000" "$WORK/social-p100000"
else
    row "8 PostgreSQL rows of the social store" "skipped: no PostgreSQL server (item 6)" "-" "-" "-" "-"
fi

cat > "$WORK/method-social.md" <<EOF

## The social store (item 8)

- **Data.** \`bench/gen_social.sql\` turns a copy of posts-1000000.db and of
  posts-100000.db into a set of 10,000 users in one transaction of SQL
  ($(cat "$DATA/social-1000000-$SOCIAL_KEY.ms") ms for 1M and $(cat "$DATA/social-100000-$SOCIAL_KEY.ms") ms for 100k, once: the sets are kept in
  bench/data/KEY/ under a checksum of the script). The 1,000 users of the
  posts set are the busy ones and keep 80% of the posts (about 800 each on
  1M); user1001..user10000 are added and get every fifth post in turn (about
  22 each on 1M, spread over the whole time range). Every user follows 30
  others, 20 busy and 10 not (user5000's Home is measured as the typical
  one: 1.6% of the posts); user9001 follows 500 busy users instead (40% of
  the posts) and user9002 follows 3 quiet ones (with their own, about 90
  posts of 1M: walking the time index to filter them would read
  everything). Three posts in 20 answer the one before them; the middle of
  the set holds a conversation of 1,000 replies spread over 20,000 posts.
  One post in 10 mentions one of 9,000 users, one in 100 mentions user9003
  (10,000 mentions on 1M, 1,000 on 100k), and user9004 is mentioned 5
  times. The rows are the store's own (the mention table as posting records
  it, thread_id as a reply sets it), written by SQL because through the
  program they would take minutes. Nobody has a read mark: every mention is
  unread.
- **Measure.** \`bench/social.c\` opens the store as the TUI does (256 KiB page
  cache; read-only here) and calls the public API: store_posts_page with the
  Home filter (following_of and viewer_id, as tui/view.c sets them) and with
  the Mentions filter; store_conversation (a page of 50, and the whole
  conversation in the pages of 500 that \`post show\` reads);
  store_mentions_unread and store_posts_count_newer with the TUI's cap of 99
  (counting from the 150th newest post, or the oldest of a shorter
  timeline); store_post_count. Cases run in groups: the global, busy and
  quiet timelines; the typical one; the conversation's first page; the whole
  conversation; the mentions with the post count; the counts. Each group
  runs $SOCIAL_ROUNDS interleaved rounds after an untimed one; medians in
  microseconds. Groups do not share rounds, so that the rows of one view
  (the 1,000 of the conversation, the 1,500 read for the typical Home) do
  not evict the pages of another from the small cache between two of its
  rounds, which a person staying in one view would not see either.
- **Floors.** The Home pages: the global page (no filter) of the same size
  and position, in the same rounds (the typical Home in rounds of its own,
  beside the global figure of the same run); target at most 2x. The
  conversation: an absolute target (under 10 ms), beside the same on 100k.
  Mentions, unread counts, the post count and the counts of newer posts:
  the same case on the 100k set (the same users, 10 times fewer posts),
  target at most 1.5x: they are range scans or O(1), never a scan that
  grows with the database.
- **PostgreSQL.** Both sets are copied into fresh databases of the item-6
  server with \`microblog-tui db copy\` and VACUUM ANALYZEd
  (${SOCIAL_PG_COPY_MS:-not run}), then measured the same way over TCP.
EOF

# ---- 9. live updates (issue 11): bench/live.c, 40 TUIs and a writer ------------------
# Real TUIs (the release binary, default config: refresh_ms 500) in ptys on
# one database; a writer process posts through the store and each post's
# time to reach every screen is taken; before that, the same TUIs sit idle
# and their CPU time is read from /proc. SQLite: a copy of the 1k database;
# PostgreSQL: a fresh database of the item-6 server with 1k posts imported.
LIVE_SESSIONS=${BENCH_LIVE_SESSIONS:-40}
LIVE_POSTS=${BENCH_LIVE_POSTS:-200}
LIVE_GAP_MS=${BENCH_LIVE_GAP_MS:-100}
LIVE_IDLE_S=${BENCH_LIVE_IDLE_S:-10}
live_run() { # ENGINE DB OUT
    echo "bench: 9 live updates, $LIVE_SESSIONS TUIs on $1"
    "$BB/live" -n "$LIVE_SESSIONS" -p "$LIVE_POSTS" -g "$LIVE_GAP_MS" -i "$LIVE_IDLE_S" \
        -c 120 -r 40 -H "$HOME" -m "$TUI_MARKER" -d "$2" -- "$ROOT/$BIN" --db "$2" \
        > "$3" 2> "$3.err" || {
        echo "bench: bench/live failed on $1: $(tail -n 3 "$3.err")" >&2
        row "9 live updates, $1" "not measured: $(tail -n 1 "$3.err")" "-" "-" "-" "-"
        return 0
    }
    p95=$(field latency_p95_ms "$3")
    row "9 live: a post on screen in $LIVE_SESSIONS other TUIs, $1, 95th percentile of $(field posts "$3") posts x $LIVE_SESSIONS (ms; median $(field latency_p50_ms "$3"), max $(field latency_max_ms "$3"), missed $(field missed "$3"); CPU per TUI per post and its deletion $(field cpu_ms_per_session_per_post "$3") ms)" \
        "$p95" "-" "-" "<= 50 ms" "$(verdict "$p95" "<=" 50)"
    idle=$(field idle_cpu_percent_of_core "$3")
    met=$(awk -v v="$idle" 'BEGIN { print (v + 0 < 1) ? "met" : "NOT met" }')
    row "9 live: $LIVE_SESSIONS idle TUIs together, $1, $(field idle_seconds "$3") s (% of one core; $(field idle_wakeups_per_session_per_s "$3") wake-ups per TUI per s)" \
        "$idle" "-" "-" "< 1%" "$met"
}
if [ -x "$BB/live" ]; then
    cp "$DB1K" "$WORK/live.db"
    live_run SQLite "$WORK/live.db" "$WORK/live-s"
    if [ "$pg_ok" = yes ]; then
        LIVE_PGDB=$(sh scripts/pg-cluster.sh createdb "$PG_DIR")
        "$BB/gen_posts" 1000 "$USERS" > "$WORK/live.jsonl"
        "$BIN" --db "$LIVE_PGDB" import "$WORK/live.jsonl" > /dev/null
        live_run PostgreSQL "$LIVE_PGDB" "$WORK/live-p"
    else
        row "9 live updates, PostgreSQL" "skipped: no PostgreSQL server (item 6)" "-" "-" "-" "-"
    fi
else
    row "9 live updates" "not measured: $BB/live is missing (make bench)" "-" "-" "-" "-"
fi

cat > "$WORK/method-live.md" <<EOF

## Live updates (item 9)

- **Sessions.** \`bench/live.c\` starts $LIVE_SESSIONS copies of \`microblog-tui --db DB\`
  (the release binary, the default refresh_ms of 500) in pseudo-terminals of
  120x40 with the environment of the TUI rows (item 5), all on one database:
  on SQLite a copy of the 1k database, on PostgreSQL a fresh database of the
  item-6 server with the 1k set imported. It waits for every first frame and
  then 1 s of quiet. The TUIs run on the same $(nproc) cores as the writer and
  the harness.
- **Idle.** Then, for $LIVE_IDLE_S s, nobody types or writes: the CPU time of the
  $LIVE_SESSIONS TUI processes over that time (first field of /proc/PID/schedstat,
  nanoseconds on a CPU; utime+stime of /proc/PID/stat where it is missing),
  summed, as a percentage of one core, and their wake-ups (voluntary
  context switches in /proc/PID/status; on PostgreSQL each round trip to
  the server is one). Only the TUIs: a PostgreSQL server has nothing to do
  for a LISTEN with no NOTIFY.
- **Latency.** A writer process (the store API, a session of its own with the
  CLI's TRUNCATE checkpoint after each write on SQLite) makes $LIVE_POSTS posts,
  one every ${LIVE_GAP_MS} ms on average (uniformly $(( LIVE_GAP_MS / 2 ))-$(( LIVE_GAP_MS * 3 / 2 )) ms apart). Each body holds
  ten random letters, unique to it, and the harness reads every terminal's
  output as it comes (escape sequences stripped); the latency of a post in a
  session is from just before the writer's store call to the read() that
  completes the letters on that terminal. A post not seen within 5 s counts
  as missed, with 5 s (the percentiles are then lower bounds). Once every
  session shows it, the writer deletes it again, so that the next post lands
  on the same screen (a pile of new posts would push the selected post, and
  with it the view, away from the top); the next gap starts after that.
  Tokens alternate upper and lower case over a first post of dots, so that
  no cell already shows the letter a new token puts there (the terminal
  update skips such cells, which would cut the letters in two). The figure
  is the 95th percentile over all posts x sessions, with the median and the
  maximum beside it, and the CPU time the TUIs spent meanwhile, per TUI and
  per post (with its deletion: two changes to show).
EOF

# ---- 10. search and tags (issue 12): bench/gen_search.sql, bench/search.c ----------
# The search sets: a copy of posts-N.db with marker words and tags added by
# bench/gen_search.sql, cached beside it under a checksum of that script.
# Each search word is measured in process (bench/search.c: the store beside
# its own SQL captured as it runs, the plain FTS5 join and LIKE) and as
# processes (`posts --search` against the sqlite3 shell running the store's
# SQL); PostgreSQL on the 100k set, `db copy`d into the cluster of item 6.
SEARCH_KEY=$(cksum < bench/gen_search.sql | cut -d' ' -f1)
SEARCH_ROUNDS=${BENCH_SEARCH_ROUNDS:-101}
SEARCH_SLOW_ROUNDS=${BENCH_SEARCH_SLOW_ROUNDS:-11}
SEARCH_MID=quokka
SEARCH_WORDS="rare=zyzzyva mid=$SEARCH_MID wide=wombat common=coffee"
SEARCH_TAG=$SEARCH_MID
for n in 100000 1000000; do
    derived_set 10 search bench/gen_search.sql "$n" "$SEARCH_KEY"
done
SEARCH_DB1M=$DATA/search-1000000-$SEARCH_KEY.db
SEARCH_DB100K=$DATA/search-100000-$SEARCH_KEY.db
div4() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0) ? a / b : 0 }'; }
# search_rows ENGINE SET OUT: the in-process rows from bench/search.c's OUT.
search_rows() {
    e=$1; set=$2; out=$3
    sr() { field "$1" "$out"; }
    floor_name="the store's SQL, prepare/step/finalize"
    [ "$e" = SQLite ] || floor_name="the store's SQL, PQexecParams"
    for pair in $SEARCH_WORDS; do
        l=${pair%%=*}; w=${pair#*=}
        r=$(div "$(sr "${l}_api")" "$(sr "${l}_same")")
        kept="; prepared once: $(sr "${l}_kept")"
        row "10 $e: search '$w' ($(sr "${l}_matches") matches, $l), first $(sr "${l}_api_rows"), $set, store_posts_page (us; floor: $floor_name$kept)" \
            "$(sr "${l}_api")" "$(sr "${l}_same")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    done
    for pair in $SEARCH_WORDS; do
        l=${pair%%=*}; w=${pair#*=}
        like=LIKE
        [ "$e" = SQLite ] || like=ILIKE
        r=$(div4 "$(sr "${l}_api")" "$(sr "${l}_like")")
        target="-"; met="- (not judged: $like stops early)"
        case $l in rare|mid) target="<= 0.02x (50x faster)"; met=$(verdict "$r" "<=" 0.02) ;; esac
        row "10 $e: search '$w' ($l), first page, $set, beside $like '%$w%' newest first ($(sr "${l}_like_rows") rows; us)" \
            "$(sr "${l}_api")" "$(sr "${l}_like")" "$r" "$target" "$met"
    done
    if [ "$e" = SQLite ]; then
        for pair in $SEARCH_WORDS; do
            l=${pair%%=*}; w=${pair#*=}
            r=$(div "$(sr "${l}_api")" "$(sr "${l}_plain")")
            row "10 $e: search '$w' ($l), first page, $set, beside the plain FTS5 join a person would write (us)" \
                "$(sr "${l}_api")" "$(sr "${l}_plain")" "$r" "-" "-"
        done
    fi
    r=$(div "$(sr mid_next_api)" "$(sr mid_next_same)")
    row "10 $e: search '$SEARCH_MID' (mid), next $(sr mid_next_api_rows) (keyset), $set (us; floor: $floor_name; its first page: $(sr mid_api))" \
        "$(sr mid_next_api)" "$(sr mid_next_same)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    r=$(div "$(sr tag_api)" "$(sr tag_same)")
    row "10 $e: posts tagged #$SEARCH_TAG, first $(sr tag_api_rows), $set, store_posts_page (us; floor: $floor_name)" \
        "$(sr tag_api)" "$(sr tag_same)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
    r=$(div "$(sr tags_api)" "$(sr tags_same)")
    row "10 $e: store_tag_list, first $(sr tags_api_rows) tags, $set (us; floor: $floor_name)" \
        "$(sr tags_api)" "$(sr tags_same)" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
}

echo "bench: 10 search and tags on SQLite (in process)"
# shellcheck disable=SC2086
"$BB/search" sqlite "$SEARCH_DB1M" "$SEARCH_ROUNDS" "$SEARCH_SLOW_ROUNDS" "$SEARCH_TAG" \
    $SEARCH_WORDS > "$WORK/search-s"
search_rows SQLite 1M "$WORK/search-s"
# As processes: the CLI against the sqlite3 shell running the store's SQL.
search_cli() { # NAME OUT SQL -- CLI ARGS...
    label=$1; out=$2; sql=$3; shift 4
    timed "10 $label" "$out" -n "$RUNS" -- "$BIN" --db "$SEARCH_DB1M" "$@" :: \
        sqlite3 "$SEARCH_DB1M" "$sql"
    r=$(ratio_of "$out")
    row "10 $label, 1M (ms; floor: sqlite3 shell, the store's SQL)" "$(median_of 0 "$out")" \
        "$(median_of 1 "$out")" "$r" "<= 1.3x" "$(verdict "$r" "<=" 1.3)"
}
for pair in $SEARCH_WORDS; do
    l=${pair%%=*}; w=${pair#*=}
    search_cli "posts --search $w --limit 50 ($l)" "$WORK/search-t-$l" \
        "$("$BB/search" sql "$SEARCH_DB1M" search "$w")" -- posts --search "$w" --limit 50
done
search_cli "posts --tag $SEARCH_TAG --limit 50" "$WORK/search-t-tag" \
    "$("$BB/search" sql "$SEARCH_DB1M" tag "$SEARCH_TAG")" -- posts --tag "$SEARCH_TAG" --limit 50
search_cli "tags --limit 500" "$WORK/search-t-tags" "$("$BB/search" sql "$SEARCH_DB1M" tags)" \
    -- tags --limit 500

SEARCH_PG_COPY_MS=
if [ "$pg_ok" = yes ]; then
    echo "bench: 10 copying the search set of 100000 posts into PostgreSQL with microblog-tui db copy"
    url=$(sh scripts/pg-cluster.sh createdb "$PG_DIR")
    start=$(now_ms)
    "$BIN" --db "$SEARCH_DB100K" db copy "$url" > /dev/null
    "$PG_BINDIR/psql" -X -q "$url" -c "VACUUM ANALYZE" > /dev/null 2>&1
    SEARCH_PG_COPY_MS=$(( $(now_ms) - start ))
    echo "bench: 10 search and tags on PostgreSQL (in process)"
    # shellcheck disable=SC2086
    "$BB/search" pg "$url" "$SEARCH_ROUNDS" "$SEARCH_SLOW_ROUNDS" "$SEARCH_TAG" $SEARCH_WORDS \
        > "$WORK/search-p"
    search_rows PostgreSQL 100k "$WORK/search-p"
else
    row "10 PostgreSQL rows of search and tags" "skipped: no PostgreSQL server (item 6)" "-" "-" "-" "-"
fi

cat > "$WORK/method-search.md" <<EOF

## Search and tags (item 10)

- **Data.** \`bench/gen_search.sql\` turns a copy of posts-1000000.db and of
  posts-100000.db (imported at the head revision: the FTS5 index of
  revision 0006, keyed by search keys in time order, is filled by its
  triggers as the posts come in) into the search sets, in one
  transaction of SQL ($(cat "$DATA/search-1000000-$SEARCH_KEY.ms") ms for 1M and $(cat "$DATA/search-100000-$SEARCH_KEY.ms") ms for 100k, once: kept in
  bench/data/KEY/ under a checksum of the script). The generator's words
  are all common, so marker words are written into bodies at fixed places
  spread evenly over the time range, through the FTS5 triggers (the index
  is left as those writes leave it, not optimized): "zyzzyva" in 20 posts
  (rare), "#quokka" in 2,000 (mid; also the tag quokka), "wombat" in every
  33rd (wide: 30,303 on 1M, 3,030 on 100k); the common word is the
  generator's "coffee" (about 20% of the posts). 1,000 tags #topic000..999
  are on every 20th post, for the tag list.
- **In process** (\`bench/search.c\`, the store opened read-only with the
  CLI's settings): store_posts_page with filter.search = WORD (nothing
  else: no viewer, as \`posts --search\` with no such user), the first page
  of 50 and the next page after its last post; filter.tag = $SEARCH_TAG, first
  50; store_tag_list's first 500 (a \`tags\` page). $SEARCH_ROUNDS interleaved rounds per
  group after an untimed one, medians in microseconds.
- **The floor is the store's own statement**, captured from the store as
  it runs (bench/capture.h; SQLite: search.c wraps sqlite3_step and keeps
  sqlite3_expanded_sql of the statements the store starts: the page's, with
  its parameters written in; PostgreSQL: the store's libpq calls, the
  page's statement and its parameters), run on a bare connection: on
  SQLite read-only as the sqlite3 shell runs it: prepare, step every row
  copying the text columns as the store does, finalize. The row name also
  gives it prepared once: the store keeps a search's statement prepared,
  so that figure is the stricter floor for the search rows (a tag page is
  built per call by the store). Each floor must return the store's rows in
  the store's order. The store pays what it reads before the page on top
  (SQLite: the cursor post's search key; PostgreSQL: the post count, the
  choice's input).
- **As processes** (items 1-3's way, \`bench/timeit.c\`, $RUNS rounds):
  \`microblog-tui --db SET posts --search WORD --limit 50\` (and \`--tag\`,
  and \`tags --limit 500\`) against \`sqlite3 SET "<that same captured
  statement>"\`: the issue's floor, "the same full-text query run in the
  sqlite3 shell", start-up included on both sides.
- **The store's search** (store/post_search.c): on SQLite (revision 0006)
  a page reads the FTS5 index in its own order, the search keys' (time
  order), from the cursor's key and stops at its 50th match: no sort, no
  choice. On PostgreSQL a search alone chooses inside its statement
  between the GIN index's matches, sorted, and a walk of the time index
  (at most 50 x posts / sqrt(50 x posts / 4) rows: 4,468 on 100k).
- **Beside it, what a person might write** ($SEARCH_SLOW_ROUNDS rounds, their own groups):
  the plain FTS5 join through search_key (\`... FROM post_search s JOIN
  search_key k ON k.key = s.rowid JOIN post p ON p.id = k.post_id WHERE
  post_search MATCH '"WORD"' ORDER BY p.timestamp DESC, p.id DESC LIMIT
  50\`: it reads and sorts every match), and LIKE '%WORD%' newest first
  (\`... FROM post p WHERE p.body LIKE '%WORD%' ORDER BY p.timestamp DESC,
  p.id DESC LIMIT 50\`; ILIKE on PostgreSQL), prepared per call. LIKE walks
  the time index and stops at its 50th match: it reads about 50 x posts /
  matches rows, so it is slow only for words rarer than a page. The 50x
  target is therefore judged on the rare word and the mid one (the issue's
  "rare" and "mid-frequency" words); for wide and common words LIKE stops
  after a few hundred or thousand rows and wins, and those rows say so
  without a verdict.
- **PostgreSQL.** The 100k search set is copied into a fresh database of
  the item-6 server with \`microblog-tui db copy\` and VACUUM ANALYZEd
  (${SEARCH_PG_COPY_MS:-not run} ms). The floor is the store's statement and parameters,
  captured, run on a bare libpq connection with PQexecParams (parsed and
  planned per call: a custom plan that sees the word) and prepared once
  (PQprepare: after five custom plans PostgreSQL's plan cache may keep a
  generic one, as it does for the store's kept statement). It replaces a
  hand copy of an older statement (16 ms for the rare word: the planner
  walked the time index for a word outside its statistics). Its rows
  beside ILIKE are judged on 100k posts, where ILIKE reads a tenth of the
  rows it would read on the issue's 1M.
EOF

# ---- the table -----------------------------------------------------------------------
table() {
    printf '| %s | %s | %s | %s | %s | %s |\n' "item" "ours" "floor" "ratio" "target" "met"
    printf '|---|---:|---:|---:|---|---|\n'
    while IFS='|' read -r name ours floor ratio target met; do
        printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$ours" "$floor" "$ratio" "$target" "$met"
    done < "$ROWS"
}
echo
table

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cores=$(nproc)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
sqlite_version=$(sqlite3 :memory: "SELECT sqlite_version()")
{
    echo "# microblog-tui benchmarks"
    echo
    echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit"
    echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . 2>/dev/null || echo ', working tree with uncommitted changes')."
    echo
    echo "Machine: $cpu, $cores cores, $mem memory, Linux $(uname -r), SQLite $sqlite_version"
    echo "(library and shell), $(${CC:-cc} --version | head -n 1)."
    echo
    table
    echo
    cat <<EOF
Ratios are ours / floor, the median over rounds of the per-round ratio (process
timings) or the ratio of the medians (in-process and TUI figures). "floor" for
the TUI rows is the same program in the same session on the 1k-post database:
the targets there are absolute, and the ratio shows growth with the data.

## How each figure was taken

Repeat with \`make bench\` (or \`sh bench/run.sh build/release\` after
\`make bench\` has built the programs). Knobs: BENCH_RUNS=$RUNS,
BENCH_IMPORT_RUNS=$IMPORT_RUNS, BENCH_TUI_FIRST_RUNS=$TUI_FIRST_RUNS, BENCH_TUI_STEPS=$TUI_STEPS.

- **Data.** \`bench/gen_posts.c\` writes N posts by $USERS users as JSON Lines (fixed
  xorshift seed: the same bytes on every machine; bodies of 1-140 code points,
  one in eight with accents, CJK or emoji; timestamps 0-59 s apart from
  2015-01-01, so equal timestamps occur). Each file is imported once with
  \`microblog-tui --db posts-N.db import posts-N.jsonl\`, and the databases are
  kept in bench/data/KEY/ (KEY: a checksum of the generator and migrations/).
  Nothing else is kept between runs: the post copy, the import target, HOME and
  the config are made fresh in bench/data/work/ and deleted afterwards.
- **Environment.** HOME and XDG_* point to a private directory with a config of
  \`password_strength = minimum\`; TZ=UTC; LC_ALL=C.UTF-8; DATABASE_URL,
  MICROBLOG_CONFIG, NO_COLOR, LINES, COLUMNS unset. The sqlite3 shell therefore
  reads no ~/.sqliterc.
- **OS page cache.** Not dropped (that needs root and measures the disk rather
  than the program) and not pre-loaded: every measurement starts with one
  untimed round of everything it compares, so the files are in the page cache
  as they are for a user's second command; ours and the floor then run on the
  same files in the same state. The set-up reads the 1M database once (the
  500,000th post is found with an OFFSET query, outside any timing).
- **Process timings (items 1-4)** use \`bench/timeit.c\`: rounds that run ours
  and then the floor once each (interleaved, so load from elsewhere on the
  machine falls on both), wall time from fork() to waitpid(), stdout to
  /dev/null; the figure is the median of $RUNS rounds ($IMPORT_RUNS for imports), and the
  ratio is the median of the per-round ratios.
  1. \`microblog-tui --db post.db post --as $AUTHOR "$BODY"\` on a fresh copy of
     the 1M database, against \`sqlite3 post.db "PRAGMA foreign_keys = ON;
     <the store's user-by-name query>; BEGIN IMMEDIATE; INSERT INTO post ...;
     COMMIT;"\`. Both commit durably: WAL with SQLite's default synchronous=FULL
     (neither sets it), and both close the last connection, which checkpoints.
  2. \`posts --limit 50\` and \`posts --user $FILTER --limit 50\` on 1M, against the
     store's statements (STMT_POSTS_ALL_NEWEST; STMT_USER_BY_NAME then
     STMT_POSTS_USER_NEWEST) with the values written in, through \`sqlite3\`.
  3. \`posts --before $DEEP_ID --limit 50\` where post $DEEP_ID is the 500,000th newest,
     against STMT_POST_BY_ID then STMT_POSTS_ALL_OLDER through \`sqlite3\`; and
     ours deep against ours first page, interleaved the same way.
  4. \`microblog-tui --db import.db import posts-100000.jsonl\` against
     \`bench/import_floor.c\` (jansson for the lines, one BEGIN IMMEDIATE ...
     COMMIT, three prepared statements, a hash of authors seen) on the same
     file; before every run of either, import.db is a fresh copy of an empty
     database at head made by \`microblog-tui db upgrade\` (copying not timed).
- **In-process pages (items 2-3)** use \`bench/pages.c\`: store_posts_page() for
  50 posts against the same SQL prepared once on a bare SQLite connection
  (stepping 50 rows, copying the text columns), 201 interleaved rounds after one
  untimed round, medians in microseconds.
- **TUI (item 5)** uses \`bench/tui_harness.c\`: forkpty() with a 120x40 window
  (TIOCSWINSZ; LINES/COLUMNS unset), TERM=xterm-256color, the private HOME,
  TZ=UTC, running \`microblog-tui --db DB\`. All output is read as it comes and
  timestamped (CLOCK_MONOTONIC).
  - *First complete frame*: the status-line text "$TUI_MARKER" has appeared in the
    output (escape sequences stripped) and the output then stays quiet for
    150 ms; the figure is the time from just before fork() to the last byte
    before that quiet period. Median of $TUI_FIRST_RUNS start-ups (11 for 10k and 100k),
    each quit with 'q' at once.
  - *Scroll step*: one session: first frame, then "$TUI_NAV_1M" (Ctrl-D: page
    down, 300 times, about 4,000 posts deep; then 20 posts down so that the
    selection sits at the bottom edge; "$TUI_NAV_1K" on the 1k floor), each key
    waited to 40 ms of quiet; then $TUI_STEPS 'j' keys, each
    timed from write() to the last byte before 40 ms of quiet, and its bytes
    counted. Median and 90th percentile of the latencies; mean bytes per 'j'
    (what a long scroll sends over SSH per key) and the costliest 'j'.
  - *Peak RSS*: ru_maxrss from wait4() of the TUI after 'q' ends that session,
    on 1M and on 1k posts.

Why the costliest 'j' stays above 1 KB at 120 columns: with the users pane
beside it the timeline is not full width, and a terminal can only scroll
full-width regions (ncurses has no left/right margins), so moving the view
means rewriting the pane's rows. The timeline jumps half a page when the
selection reaches its edge, so that cost comes once every ~8 steps and the
mean per key press stays under 1 KB; below 80 columns, where the timeline is
full width, every step is under 1 KB. Post counts come from a table kept by
triggers (migration 0002) and the TUI's page cache is 256 KiB, which is what
keeps start-up and memory flat from 1k to 1M posts.

## PostgreSQL (items 6 and 7)

- **Server.** A private cluster started by \`scripts/pg-cluster.sh\` on this
  machine (TCP on 127.0.0.1, scram-sha-256, fsync and synchronous_commit on,
  shared_buffers 32MB), destroyed at the end. Client and server share the 2
  cores.
- **Data.** Items 6 use the ${PG_SET}-post set (not 1M: importing 1M posts
  through the program did not fit one bench run), imported with
  \`microblog-tui --db URL import\` into a fresh database (${PG_IMPORT_MS:-?} ms), then
  VACUUM ANALYZE. Ours is the CLI over TCP; the floor is \`psql -X -At\` running
  the store's statements (the same SQL as store/postgres/statements.c, values
  written in) in one process; both pay a connection and its authentication
  (scram) per run. The post count is in process (\`bench/writers.c count\`):
  store_post_count() against the same statement prepared on a bare libpq
  connection, 201 interleaved rounds, medians.
- **Concurrency (item 7).** \`bench/writers.c\`: N processes (not threads),
  each opening the store and posting one post per commit as its own user for
  ${WRITER_SECONDS} s after all have opened; commits per second summed over the processes.
  SQLite: a fresh copy of an empty database at head in bench/data/work/
  (WAL, synchronous=FULL); PostgreSQL: a fresh database on the server above.
  The "ratio" there is PostgreSQL / SQLite. errors: store calls that
  returned an error (busy or serialization failures that reached a caller).
EOF
    cat "$WORK"/method-*.md 2>/dev/null || true
} > bench/RESULTS.md
echo
echo "bench: wrote bench/RESULTS.md"
