#!/bin/sh
# scripts/pg-cluster.sh, the private PostgreSQL cluster the PostgreSQL tests
# and `make bench` run against: it starts; the role microblog reaches its
# database over TCP and over the socket with its password (scram-sha-256)
# and with nothing else; createdb makes fresh databases; a SIGKILLed cluster
# restarts on the same port with its committed rows; stop leaves no process.
# Skipped, with the reason, where PostgreSQL is not installed or cannot start.
. "$MB_ROOT/tests/lib.sh"

cluster="$MB_ROOT/scripts/pg-cluster.sh"
PG_DIR=""
trap '[ -n "$PG_DIR" ] && sh "$cluster" destroy "$PG_DIR"; rm -rf "$T"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# live PID...: those of PID that still run (zombies left to a PID 1 that
# reaps nothing count as gone).
live() {
    for p in "$@"; do
        stat=$(ps -o stat= -p "$p" 2>/dev/null) || continue
        case "$stat" in Z*) ;; *) printf '%s ' "$p" ;; esac
    done
}

# A private cluster (no DIR: the script makes one the server can reach).
t0=$(now_ms)
run_cmd sh "$cluster" start
t1=$(now_ms)
if [ "$RC" = 77 ]; then
    echo "ok - pg cluster # SKIP $ERR"
    exit 0
fi
expect_eq "start exits 0" 0 "$RC"
[ "$RC" = 0 ] || { not_ok "start: $ERR"; exit 1; }
echo "# start: $((t1 - t0)) ms"
eval "$OUT"
for var in PG_DIR PG_PORT PG_URL PG_SOCKET_URL PG_ADMIN_URL PG_BINDIR; do
    expect_contains "start prints $var" "
$OUT" "
$var="
done
expect_eq "start prints nothing on stderr" "" "$ERR"
psql="$PG_BINDIR/psql"
q() { url=$1; shift; "$psql" -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@"; }
case "$PG_DIR" in /tmp/mbpg.*) ok "the cluster lives under /tmp" ;;
    *) not_ok "the cluster lives under /tmp" "PG_DIR=$PG_DIR" ;; esac
check "the socket is in PG_DIR" test -S "$PG_DIR/.s.PGSQL.$PG_PORT"
"$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
expect_eq "pg_isready over TCP" 0 "$?"

# The role microblog, over TCP and over the socket.
run_cmd q "$PG_URL" -c 'SELECT current_user, inet_server_addr()'
expect_eq "microblog connects over TCP with its password" "microblog|127.0.0.1" "$OUT"
run_cmd q "$PG_SOCKET_URL" -c 'SELECT current_user, inet_server_addr() IS NULL'
expect_eq "microblog connects over the socket with its password" "microblog|t" "$OUT"
run_cmd q "$PG_URL" -c 'CREATE TABLE t (x int); INSERT INTO t VALUES (1); SELECT count(*) FROM t'
expect_eq "microblog creates tables in its database" "1" "$OUT"

# Passwords: a wrong one and none are refused, on both ways in.
wrong_tcp=$(echo "$PG_URL" | sed 's/microblog:[0-9a-f]*@/microblog:wrong@/')
wrong_socket=$(echo "$PG_SOCKET_URL" | sed 's/microblog:[0-9a-f]*@/microblog:wrong@/')
none_tcp=$(echo "$PG_URL" | sed 's/microblog:[0-9a-f]*@/microblog@/')
run_cmd q "$wrong_tcp" -c 'SELECT 1'
expect_eq "a wrong password is refused over TCP" 2 "$RC"
expect_contains "... by password authentication" "$ERR" 'password authentication failed for user "microblog"'
run_cmd q "$wrong_socket" -c 'SELECT 1'
expect_eq "a wrong password is refused over the socket" 2 "$RC"
expect_contains "... by password authentication" "$ERR" 'password authentication failed for user "microblog"'
run_cmd env PGPASSFILE=/dev/null "$psql" -X -w -At -d "$none_tcp" -c 'SELECT 1'
expect_eq "no password is refused" 2 "$RC"
run_cmd q "$PG_ADMIN_URL" -c "SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules"
expect_eq "every pg_hba.conf line is scram-sha-256" "scram-sha-256" "$OUT"
run_cmd q "$PG_ADMIN_URL" -c "SELECT rolname, rolsuper, rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname IN ('microblog', 'postgres') ORDER BY 1"
expect_eq "passwords are stored as SCRAM verifiers; microblog is no superuser" \
    "microblog|f|t
postgres|t|t" "$OUT"
run_cmd q "$PG_ADMIN_URL" -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'microblog'"
expect_eq "microblog owns the database microblog" "microblog" "$OUT"

# The settings the crash tests rely on.
run_cmd q "$PG_ADMIN_URL" -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN ('listen_addresses', 'fsync', 'synchronous_commit', 'full_page_writes', 'data_checksums', 'password_encryption', 'server_encoding')"
expect_eq "settings: 127.0.0.1 only, durable commits, checksums, scram, UTF8" \
    "data_checksums=on fsync=on full_page_writes=on listen_addresses=127.0.0.1 password_encryption=scram-sha-256 server_encoding=UTF8 synchronous_commit=on" "$OUT"

# createdb: fresh, empty databases owned by microblog.
t0=$(now_ms)
run_cmd sh "$cluster" createdb "$PG_DIR" first_db
t1=$(now_ms)
expect_eq "createdb NAME exits 0" 0 "$RC"
echo "# createdb: $((t1 - t0)) ms"
first_url=$OUT
expect_eq "createdb prints the database's URL" \
    "$(echo "$PG_URL" | sed 's|/microblog$|/first_db|')" "$first_url"
run_cmd q "$first_url" -c "SELECT current_database(), current_user, (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace), pg_get_userbyid((SELECT datdba FROM pg_database WHERE datname = current_database()))"
expect_eq "the new database is empty and owned by microblog" "first_db|microblog|0|microblog" "$OUT"
run_cmd q "$first_url" -c 'CREATE TABLE t (x int)'
expect_eq "microblog creates tables in the new database" 0 "$RC"
run_cmd sh "$cluster" createdb "$PG_DIR"
expect_eq "createdb without NAME exits 0" 0 "$RC"
second_url=$OUT
run_cmd q "$second_url" -c 'SELECT count(*) FROM pg_tables WHERE tablename = $$t$$'
expect_eq "... a database of its own" "0" "$OUT"
run_cmd sh "$cluster" createdb "$PG_DIR" first_db
expect_eq "createdb refuses an existing name" 1 "$RC"
run_cmd sh "$cluster" createdb "$PG_DIR" 'x; DROP DATABASE first_db'
expect_eq "createdb refuses a name that is not an identifier" 2 "$RC"

# A crash: SIGKILL with a session open; the committed row survives.
q "$PG_URL" -c 'INSERT INTO t VALUES (2)' >/dev/null
"$psql" -X -q -d "$PG_URL" -c 'SELECT pg_sleep(60)' >/dev/null 2>&1 &
sleeper=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(q "$PG_ADMIN_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")" = 1 ] && break
    sleep 0.1
done
postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
children=$(pgrep -P "$postmaster" | tr '\n' ' ')
t0=$(now_ms)
run_cmd sh "$cluster" kill "$PG_DIR"
t1=$(now_ms)
expect_eq "kill exits 0" 0 "$RC"
echo "# kill: $((t1 - t0)) ms"
# shellcheck disable=SC2086
expect_eq "kill leaves no process of the cluster" "" "$(live "$postmaster" $children)"
wait "$sleeper"
expect_eq "the open session lost its server" 2 "$?"
run_cmd q "$PG_URL" -c 'SELECT 1'
expect_eq "nothing answers after kill" 2 "$RC"
before_restart=$(sh "$cluster" env "$PG_DIR")
t0=$(now_ms)
run_cmd sh "$cluster" restart "$PG_DIR"
t1=$(now_ms)
expect_eq "restart after kill exits 0" 0 "$RC"
echo "# restart after kill (crash recovery): $((t1 - t0)) ms"
expect_eq "restart prints the same lines (same port, same passwords)" "$before_restart" "$OUT"
run_cmd q "$PG_URL" -c 'SELECT string_agg(x::text, $$,$$ ORDER BY x) FROM t'
expect_eq "committed rows survive the crash" "1,2" "$OUT"
check "the server ran crash recovery" grep -q 'database system was interrupted\|redo starts' "$PG_DIR/postgres.log"

# stop: nothing is left.
postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
children=$(pgrep -P "$postmaster" | tr '\n' ' ')
t0=$(now_ms)
run_cmd sh "$cluster" stop "$PG_DIR"
t1=$(now_ms)
expect_eq "stop exits 0" 0 "$RC"
echo "# stop: $((t1 - t0)) ms"
# shellcheck disable=SC2086
expect_eq "stop leaves no process of the cluster" "" "$(live "$postmaster" $children)"
expect_eq "no process runs on PG_DIR" "" "$(pgrep -f "$PG_DIR" | tr '\n' ' ')"
check "the socket is gone" test ! -e "$PG_DIR/.s.PGSQL.$PG_PORT"
"$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
expect_eq "pg_isready says no response" 2 "$?"
run_cmd sh "$cluster" stop "$PG_DIR"
expect_eq "stopping a stopped cluster is no error" 0 "$RC"
run_cmd sh "$cluster" createdb "$PG_DIR" third_db
expect_eq "createdb on a stopped cluster fails" 1 "$RC"
run_cmd sh "$cluster" restart "$PG_DIR"
expect_eq "restart after stop exits 0" 0 "$RC"
run_cmd q "$first_url" -c 'SELECT count(*) FROM t'
expect_eq "... with its databases" "0" "$OUT"

# destroy: stops and removes PG_DIR.
postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
run_cmd sh "$cluster" destroy "$PG_DIR"
expect_eq "destroy exits 0" 0 "$RC"
check "destroy removes PG_DIR" test ! -e "$PG_DIR"
expect_eq "destroy leaves no postmaster" "" "$(live "$postmaster")"
PG_DIR=""

# Where PostgreSQL cannot run: exit 77 and one line why.
run_cmd env PG_BINDIR=/nonexistent sh "$cluster" start
expect_eq "no PostgreSQL: exit 77" 77 "$RC"
expect_eq "... with one line on stderr" 1 "$(printf '%s\n' "$ERR" | wc -l)"
expect_eq "... and nothing on stdout" "" "$OUT"

# DIR out of the server's reach (root drops to postgres): exit 2, said so.
if [ "$(id -u)" = 0 ]; then
    mkdir -m 0700 "$T/private"
    run_cmd sh "$cluster" start "$T/private/pg"
    expect_eq "a DIR the server cannot reach: exit 2" 2 "$RC"
    expect_contains "... saying so" "$ERR" "cannot reach $T/private/pg"
    check "... leaving nothing behind" test ! -e "$T/private/pg"
else
    echo "ok - a DIR the server cannot reach # SKIP not root: the server runs as $(id -un)"
fi
