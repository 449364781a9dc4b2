# Shared helpers for the shell tests (CLI and TUI). Source it:
#   . "$MB_ROOT/tests/lib.sh"
# Each check prints a TAP line "ok - NAME" or "not ok - NAME"; tests/run.sh
# counts them. Every test gets a private temporary directory $T with a
# private config and XDG dirs, so nothing touches the user's files.
set -u
: "${MB_BIN:?run through tests/run.sh}"
T=$(mktemp -d "${TMPDIR:-/tmp}/mbtest.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
mkdir -p "$HOME"
unset DATABASE_URL MICROBLOG_CONFIG VISUAL EDITOR
export USER=tester TZ=UTC LC_ALL=C.UTF-8
# Fast password hashing for tests only.
export MICROBLOG_CONFIG="$T/test.conf"
printf 'password_strength = minimum\n' > "$MICROBLOG_CONFIG"
# The backend: tests/run.sh runs the CLI and TUI suites twice, on SQLite
# files and with MB_BACKEND=postgresql on a private cluster it started
# (PG_DIR, from scripts/pg-cluster.sh). There DB is a fresh, empty database
# URL for each script; --db takes it as it takes a path.
MB_BACKEND=${MB_BACKEND:-sqlite}
TEST_NAME="$(basename "$(dirname "$0")")$([ "$MB_BACKEND" = sqlite ] || echo -pg)/$(basename "$0")"
sqlite_backend() { [ "$MB_BACKEND" = sqlite ]; }
# sqlite_only REASON: for a whole script about SQLite files (file modes,
# -wal, backups, paths, ...): under PostgreSQL, one TAP skip line and exit.
sqlite_only() {
    if ! sqlite_backend; then
        echo "ok - $TEST_NAME # SKIP SQLite only: $1"
        exit 0
    fi
}
# new_db [NAME]: prints the name of a new, empty database: a path in $T
# (NAME, default a fresh one) on SQLite, a fresh database URL on PostgreSQL.
new_db() {
    if sqlite_backend; then
        mktemp -u "$T/${1:-db}.XXXXXX"
    else
        sh "$MB_ROOT/scripts/pg-cluster.sh" createdb "$PG_DIR" || {
            echo "not ok - $TEST_NAME: cannot create a database in the cluster at $PG_DIR" >&2
            return 1
        }
    fi
}
case "$MB_BACKEND" in
    sqlite)
        DB="$T/test.db" ;;
    postgresql)
        : "${PG_DIR:?MB_BACKEND=postgresql needs PG_DIR (tests/run.sh starts the cluster)}"
        DB=$(new_db) || exit 1 ;;
    *)
        echo "not ok - $TEST_NAME: unknown MB_BACKEND '$MB_BACKEND' (sqlite or postgresql)"
        exit 1 ;;
esac
# fresh_db: start over on an empty $DB (rm -f the file; a new database).
fresh_db() {
    if sqlite_backend; then rm -f "$DB" "$DB-wal" "$DB-shm"; else DB=$(new_db) || exit 1; fi
}
# db_created: the program has made $DB (the file exists; the database has
# tables).
db_created() {
    if sqlite_backend; then
        test -e "$DB"
    else
        [ "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]
    fi
}
# MB_WRAP is set by `make valgrind` (memcheck around every run).
MB_WRAP=${MB_WRAP:-}
mb() { $MB_WRAP "$MB_BIN" --db "$DB" "$@"; }

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
    name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# pg_private_cluster WHAT: starts a private PostgreSQL cluster of this
# script's own (scripts/pg-cluster.sh) and sets its PG_DIR, PG_URL ...;
# where none can run here (the script's exit 77), prints WHAT's skip line
# and ends the script; any other failure is a failure.
pg_private_cluster() {
    PG_STATE=$(sh "$MB_ROOT/scripts/pg-cluster.sh" start 2> "$T/pg.err")
    rc=$?
    if [ "$rc" -eq 77 ]; then
        echo "ok - $1 # SKIP the private cluster cannot run here: $(head -n 1 "$T/pg.err")"
        exit 0
    elif [ "$rc" -ne 0 ]; then
        not_ok "$1: the private cluster starts" "exit $rc: $(head -n 3 "$T/pg.err")"
        exit 1
    fi
    eval "$PG_STATE"
}

# json_field EXPR: evaluates EXPR over `rows` (the JSON Lines on stdin,
# parsed by python3) and prints the result; "BAD JSON" when a line does
# not parse.
json_field() {
    python3 -c '
import json, sys
try:
    rows = [json.loads(l) for l in sys.stdin if l.strip()]
except ValueError:
    print("BAD JSON"); sys.exit(0)
print(eval(sys.argv[1]))' "$1"
}

# run_cmd: runs the rest, capturing stdout in $OUT, stderr in $ERR, status in $RC.
run_cmd() {
    "$@" >"$T/.out" 2>"$T/.err"
    RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# expect_contains NAME HAYSTACK NEEDLE
expect_contains() {
    case "$2" in
        *"$3"*) ok "$1" ;;
        *) not_ok "$1" "expected to contain: $3" "actual: $2" ;;
    esac
}

expect_not_contains() {
    case "$2" in
        *"$3"*) not_ok "$1" "expected not to contain: $3" "actual: $2" ;;
        *) ok "$1" ;;
    esac
}

# sql QUERY: runs QUERY on $DB, rows as sqlite3 prints them (columns
# separated by |, NULL empty). On PostgreSQL through psql -At, with the
# SQLite spellings the tests use translated: the table user quoted as
# "user" (a reserved word there) after FROM/JOIN/INTO/UPDATE/TABLE, char()
# as chr(), instr() as strpos(), CAST(X'hex' AS TEXT) as a UTF-8 decoding
# (which refuses invalid UTF-8: PostgreSQL cannot store it). Booleans print
# t/f there: tests write CAST(expr AS INTEGER) to get 1/0 on both.
# PRAGMAs and sqlite_schema have no translation: checks using them belong
# under `if sqlite_backend`.
# sql_db NAME QUERY: the same on another database of the backend.
if sqlite_backend; then
    sql_db() { sqlite3 "$@"; }
else
    pg_sql_translate() {
        sed -E -e 's/\b(FROM|JOIN|INTO|UPDATE|TABLE)([[:space:]]+)user\b/\1\2"user"/gI' \
               -e 's/\bchar\(/chr(/gI' -e 's/\binstr\(/strpos(/gI' \
               -e "s/CAST\(X'([0-9A-Fa-f]*)' AS TEXT\)/convert_from('\\\\x\\1'::bytea, 'UTF8')/gI"
    }
    sql_db() {
        sql_db_name=$1
        shift
        printf '%s\n' "$*" | pg_sql_translate |
            "${PG_BINDIR:+$PG_BINDIR/}psql" -X -At -q -v ON_ERROR_STOP=1 -d "$sql_db_name" -f -
    }
fi
sql() { sql_db "$DB" "$@"; }

# dump: the whole database as text (schema and rows), for "left the
# database unchanged". On PostgreSQL, pg_dump without its \restrict key
# (random per run) and without sequence positions (a refused INSERT may
# consume an id; no row changes).
dump() {
    if sqlite_backend; then
        sqlite3 "$DB" .dump | sha256sum
    else
        "${PG_BINDIR:+$PG_BINDIR/}pg_dump" --no-owner -d "$DB" |
            grep -v '^\\\(un\)\{0,1\}restrict \|setval' | sha256sum
    fi
}

# refused NAME [STATUS] EXPECTED_ERR COMMAND...: the command exits STATUS
# (default 1) with EXPECTED_ERR as the first line of stderr (a usage error,
# exit 2, prints the usage after it) and writes nothing.
refused() {
    name=$1
    shift
    case $1 in [0-9] | [0-9][0-9]) status=$1; shift ;; *) status=1 ;; esac
    expected=$1
    shift
    before=$(dump)
    run_cmd "$@"
    expect_eq "$name exits $status" "$status" "$RC"
    [ "$status" = 2 ] && ERR=$(printf '%s\n' "$ERR" | head -n 1)
    expect_eq "$name says why in one line" "$expected" "$ERR"
    expect_eq "$name leaves the database unchanged" "$before" "$(dump)"
}

# ---- db copy (tests/cli/copy.sh, tests/pg/copy.sh) ----------------------
# The digest of store.h (store_copy) over a SQLite file's rows, computed
# apart from the program: one line per row, users, posts, then the tables
# that connect them, each in its key's order, chained with sha256sum.
copy_digest() {
    sqlite3 -separator '	' -nullvalue '@NULL@' "$1" \
        "SELECT 'user', id, username, email, password_hash, created_at, name_fold, name_skeleton,
                about, last_seen FROM user ORDER BY id;
         SELECT 'post', id, user_id, timestamp, body, reply_to, thread_id, edited_at, private
           FROM post ORDER BY id;
         SELECT 'follow', follower_id, followed_id, created_at FROM follow ORDER BY 2, 3;
         SELECT 'mute', user_id, muted_id, created_at FROM mute ORDER BY 2, 3;
         SELECT 'mention', user_id, timestamp, post_id FROM mention ORDER BY 2, 3, 4;
         SELECT 'read_mark', user_id, view, timestamp, post_id FROM read_mark ORDER BY 2, 3;
         SELECT 'private_entry', post_id, sealed FROM private_entry ORDER BY 2;
         SELECT 'tag', tag, timestamp, post_id FROM tag ORDER BY 2, 3, 4;" |
        sed 's/\\/\\\\/g; s/@NULL@/\\N/g' | {
        d=""
        while IFS= read -r line; do
            d=$(printf '%s%s\n' "$d" "$line" | sha256sum | cut -c1-64)
        done
        printf '%s\n' "$d"
    }
}
# One row in each table that connects users and posts, written with
# sqlite3 into the SQLite file $1 (users john and susan exist): a profile,
# a follow, a mute, an edited reply that mentions and tags, a read mark
# and a private entry (its sealed text made up: the copy never opens it).
# Adds 2 posts and 6 rows.
copy_social_rows() {
    sqlite3 "$1" "
        UPDATE user SET about = 'about john', last_seen = 1700000002 WHERE username = 'john';
        INSERT INTO follow VALUES ((SELECT id FROM user WHERE username = 'john'),
                                   (SELECT id FROM user WHERE username = 'susan'), 1700000000);
        INSERT INTO mute VALUES ((SELECT id FROM user WHERE username = 'susan'),
                                 (SELECT id FROM user WHERE username = 'john'), 1700000001);
        INSERT INTO post (body, timestamp, user_id, reply_to, thread_id, edited_at)
            VALUES ('@susan #tea?', 1700000003, (SELECT id FROM user WHERE username = 'john'),
                    (SELECT max(id) FROM post), (SELECT max(id) FROM post), 1700000005);
        INSERT INTO mention VALUES ((SELECT id FROM user WHERE username = 'susan'), 1700000003,
                                    (SELECT max(id) FROM post));
        INSERT INTO tag VALUES ('tea', 1700000003, (SELECT max(id) FROM post));
        INSERT INTO read_mark VALUES ((SELECT id FROM user WHERE username = 'john'), 'timeline',
                                      1700000003, (SELECT max(id) FROM post));
        INSERT INTO post (body, timestamp, user_id, private)
            VALUES ('(private)', 1700000006, (SELECT id FROM user WHERE username = 'john'), 1);
        INSERT INTO private_entry VALUES ((SELECT max(id) FROM post), 'mbp1:bWFkZSB1cA==');"
}
