#!/bin/sh
# Starts and stops a private PostgreSQL cluster for the test suites and
# `make bench`: initdb into a temporary directory, a Unix socket there and a
# free 127.0.0.1 port, scram-sha-256 passwords, a role and a database named
# microblog. Nothing depends on a system cluster or on systemd.
#
# Usage (a POSIX sh script; run it with sh):
#   pg-cluster.sh start [DIR]      initdb, start, create role and database;
#                                  prints the lines below on stdout
#   pg-cluster.sh restart DIR      stop if running, start again on the same
#                                  port (crash recovery runs if it was
#                                  killed); prints the same lines
#   pg-cluster.sh stop DIR         pg_ctl stop -m fast, then -m immediate,
#                                  then SIGKILL; returns when no process of
#                                  the cluster is left. Stopping a stopped
#                                  cluster is not an error.
#   pg-cluster.sh kill DIR         SIGKILL the postmaster and its children
#                                  at once (a crash; the data directory is
#                                  left as it was) and wait until they are gone
#   pg-cluster.sh createdb DIR [NAME]
#                                  CREATE DATABASE NAME OWNER microblog (an
#                                  empty database; NAME defaults to a fresh
#                                  t_XXXXXXXX); prints its URL (TCP) alone
#   pg-cluster.sh env DIR          prints the lines of `start` again
#   pg-cluster.sh destroy DIR      stop, then remove DIR
#
# Output of start, restart and env: shell assignments, one per line, to
# eval, e.g.  eval "$(sh scripts/pg-cluster.sh start)" || exit
#   PG_DIR=/tmp/mbpg.XXXXXX
#   PG_PORT=NNNNN
#   PG_URL=postgresql://microblog:PASSWORD@127.0.0.1:PORT/microblog
#   PG_SOCKET_URL=postgresql://microblog:PASSWORD@:PORT/microblog?host=PG_DIR
#                  (the port names the socket, DIR/.s.PGSQL.PORT)
#   PG_ADMIN_URL=postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres
#   PG_BINDIR=/usr/lib/postgresql/15/bin   (psql, pgbench, ... of the server)
# Passwords are random hex and DIR may only hold [A-Za-z0-9._/-], so no
# value needs quoting. The role microblog is
# not a superuser; it owns the database microblog and every database made by
# createdb. postgres is the superuser.
#
# DIR: the cluster user must be able to reach it. When the script runs as
# root the cluster runs as the user `postgres` (PostgreSQL refuses root),
# and a directory under a 0700 parent (a checkout under /root, a mktemp -d)
# is out of its reach. So leave DIR out: start then makes one with
# `mktemp -d /tmp/mbpg.XXXXXX` (PG_CLUSTER_TMP instead of /tmp), owned by the
# cluster user and mode 0755 (so that other local users, e.g. nobody, can
# reach the socket; every connection needs a password). A DIR given to start
# must not exist or be empty, and its parent must be reachable; otherwise
# start says so and exits 2. DIR holds: data/ (PGDATA), postgres.log (the
# server log), cluster.env (the lines above, mode 0600) and the socket.
# DIR's path must be short: a Unix socket path is at most 107 bytes.
#
# The server: listen_addresses 127.0.0.1 only, unix_socket_directories DIR,
# password_encryption and every pg_hba.conf line scram-sha-256 (local and
# host), data checksums on, fsync, synchronous_commit and full_page_writes
# on (the crash tests depend on them), shared_buffers 32MB, UTC, encoding
# UTF8 with the C locale.
#
# Exit status: 0 done; 77 PostgreSQL is not installed or the cluster cannot
# be started (no postgres user, initdb or the server fails; one line on
# stderr says why: callers turn it into a TAP SKIP); 2 usage error or
# unusable DIR; 1 any other failure (a database that cannot be created, a
# port taken before a restart, a cluster that would not stop).
#
# Environment: PG_BINDIR (directory of initdb, pg_ctl, postgres, psql)
# overrides the search (newest /usr/lib/postgresql/*/bin, then PATH);
# PG_CLUSTER_TMP is where start makes DIR (default /tmp).
set -u
umask 077
# Nothing from the caller's libpq environment may redirect our connections.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE \
      PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE PGDATA PGTZ 2>/dev/null
export PGCONNECT_TIMEOUT=10

me=pg-cluster
die() { status=$1; shift; echo "$me: $*" >&2; exit "$status"; }
skip() { die 77 "$@"; }
usage() {
    die 2 "usage: pg-cluster.sh start [DIR] | restart DIR | stop DIR | kill DIR | createdb DIR [NAME] | env DIR | destroy DIR"
}

# ---- finding PostgreSQL and the cluster user ----------------------------

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/postgres" ] || skip "PostgreSQL is not installed: no $PG_BINDIR/postgres"
        bindir=$PG_BINDIR
        return
    fi
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
        bindir=""
        initdb_path=$(command -v initdb 2>/dev/null) && bindir=$(dirname "$initdb_path")
    fi
    [ -n "$bindir" ] && [ -x "$bindir/postgres" ] ||
        skip "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres, no initdb in PATH)"
    for tool in initdb pg_ctl psql pg_isready; do
        [ -x "$bindir/$tool" ] || skip "PostgreSQL is incomplete: no $bindir/$tool"
    done
}

# as_cluster_user COMMAND...: runs COMMAND as the user the server runs as.
if [ "$(id -u)" = 0 ]; then
    cluster_user=postgres
    as_cluster_user() {
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$cluster_user" -- "$@"
        else
            setpriv --reuid="$cluster_user" --regid="$cluster_user" --init-groups -- "$@"
        fi
    }
else
    cluster_user=$(id -un)
    as_cluster_user() { "$@"; }
fi

check_cluster_user() {
    if [ "$(id -u)" = 0 ]; then
        id -u "$cluster_user" >/dev/null 2>&1 ||
            skip "running as root and there is no user '$cluster_user' to run the server as"
        command -v runuser >/dev/null 2>&1 || command -v setpriv >/dev/null 2>&1 ||
            skip "running as root and neither runuser nor setpriv is there to drop to '$cluster_user'"
    fi
}

# ---- small helpers --------------------------------------------------------

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# The cluster's state, from DIR/cluster.env (written by start).
load_env() {
    dir=$1
    [ -f "$dir/cluster.env" ] || die 2 "$dir is not a cluster made by pg-cluster.sh (no cluster.env)"
    # Only our own KEY=value lines, never executed as shell.
    PG_PORT=$(sed -n 's/^PG_PORT=//p' "$dir/cluster.env")
    app_password=$(sed -n 's/^APP_PASSWORD=//p' "$dir/cluster.env")
    admin_password=$(sed -n 's/^ADMIN_PASSWORD=//p' "$dir/cluster.env")
    saved_bindir=$(sed -n 's/^PG_BINDIR=//p' "$dir/cluster.env")
    [ -n "$PG_PORT" ] && [ -n "$app_password" ] && [ -n "$admin_password" ] ||
        die 2 "$dir/cluster.env is incomplete"
    if [ -z "${PG_BINDIR:-}" ] && [ -x "$saved_bindir/postgres" ]; then
        bindir=$saved_bindir
    else
        find_bindir
    fi
}

print_env() {
    echo "PG_DIR=$dir"
    echo "PG_PORT=$PG_PORT"
    echo "PG_URL=postgresql://microblog:$app_password@127.0.0.1:$PG_PORT/microblog"
    echo "PG_SOCKET_URL=postgresql://microblog:$app_password@:$PG_PORT/microblog?host=$dir"
    echo "PG_ADMIN_URL=postgresql://postgres:$admin_password@127.0.0.1:$PG_PORT/postgres"
    echo "PG_BINDIR=$bindir"
}

# admin_psql [PSQL ARGS...]: psql as the superuser over the socket.
admin_psql() {
    PGPASSWORD=$admin_password "$bindir/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$dir" -p "$PG_PORT" -U postgres -d postgres "$@"
}

# The postmaster's pid while one runs on DIR/data, else nothing.
postmaster_pid() {
    [ -f "$dir/data/postmaster.pid" ] || return 1
    pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
    case "$pid" in ''|*[!0-9]*) return 1 ;; esac
    is_alive "$pid" || return 1
    # The pid file may be stale and the pid reused: it must be a postgres
    # whose data directory is ours.
    tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$dir/data" || return 1
    echo "$pid"
}

# The processes of the cluster: the postmaster and its children.
cluster_pids() {
    pm=$(postmaster_pid) || return 0
    echo "$pm"
    if command -v pgrep >/dev/null 2>&1; then
        pgrep -P "$pm"
    else
        for status_file in /proc/[0-9]*/status; do
            awk -v pm="$pm" '$1 == "PPid:" && $2 == pm { split(FILENAME, p, "/"); print p[3] }' \
                "$status_file" 2>/dev/null
        done
    fi
}

# is_alive PID: a process that still runs (a zombie counts as gone: when the
# postmaster dies, whoever inherits its children reaps them, or not).
is_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/^.*) \([A-Z]\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$state" != Z ]
}

# wait_gone SECONDS PID...: true when none of PID is left within SECONDS.
wait_gone() {
    tries=$(($1 * 20)); shift
    while [ "$tries" -gt 0 ]; do
        alive=""
        for p in "$@"; do
            if is_alive "$p"; then alive="$alive $p"; fi
        done
        [ -z "$alive" ] && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    return 1
}

port_is_free() {
    command -v python3 >/dev/null 2>&1 || return 0   # the server will tell
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server does
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$1" 2>/dev/null
}

# A port below Linux's ephemeral range (32768-60999), free right now.
pick_port() {
    while :; do
        port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000))
        port_is_free "$port" && { echo "$port"; return; }
    done
}

# log_lines: how many lines the server log has now.
log_lines() {
    if [ -f "$dir/postgres.log" ]; then wc -l < "$dir/postgres.log"; else echo 0; fi
}

# log_since N: the log after its first N lines (what the last start wrote).
log_since() { tail -n +"$(($1 + 1))" "$dir/postgres.log" 2>/dev/null; }

# last_error N: the last error logged after line N, for the one-line reason.
last_error() {
    log_since "$1" | grep -E 'FATAL|PANIC|ERROR|could not' | tail -n 1 |
        sed 's/^.*\(FATAL\|PANIC\|ERROR\|LOG\): *//'
}

# bind_failed N: the start after log line N failed for want of the port.
bind_failed() { log_since "$1" | grep -q 'could not bind\|could not create any TCP/IP sockets'; }

# remove_stale_locks: after a crash, the lock files of a postmaster that is
# gone. PostgreSQL removes them itself when their pid is dead, but not when
# it is a zombie, which it stays where PID 1 reaps no orphans (containers).
# Its shared memory check still refuses to start while any old backend is
# attached.
remove_stale_locks() {
    for lock in "$dir/data/postmaster.pid" "$dir/.s.PGSQL.$PG_PORT.lock"; do
        [ -f "$lock" ] || continue
        pid=$(head -n 1 "$lock" 2>/dev/null)
        case "$pid" in ''|*[!0-9]*) continue ;; esac
        is_alive "$pid" || rm -f "$lock"
    done
}

# server_start: pg_ctl start and wait for pg_isready; false on failure.
server_start() {
    remove_stale_locks
    # pg_ctl -l sends the server's output to the log and its stdin from
    # /dev/null, so it never holds the caller's pipes open.
    as_cluster_user "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" \
        -w -t 60 -s >/dev/null 2>&1 || return 1
    tries=200
    while [ "$tries" -gt 0 ]; do
        "$bindir/pg_isready" -q -h "$dir" -p "$PG_PORT" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    return 1
}

server_stop() {
    pids=$(cluster_pids)
    [ -n "$pids" ] || return 0
    as_cluster_user "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w -t 20 -s >/dev/null 2>&1 ||
        as_cluster_user "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 10 -s >/dev/null 2>&1
    # shellcheck disable=SC2086
    wait_gone 10 $pids && return 0
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    # shellcheck disable=SC2086
    wait_gone 10 $pids || die 1 "the cluster in $dir would not stop (pids:$(echo $pids))"
}

# ---- commands -------------------------------------------------------------

cmd_start() {
    find_bindir
    check_cluster_user
    made_dir=""
    if [ $# -ge 1 ] && [ -n "$1" ]; then
        dir=$1
        case "$dir" in /*) ;; *) dir=$(pwd)/$dir ;; esac
        if [ -e "$dir" ]; then
            [ -d "$dir" ] || die 2 "$dir exists and is not a directory"
            [ -z "$(ls -A "$dir")" ] || die 2 "$dir is not empty (to start an existing cluster: restart $dir)"
        else
            mkdir -m 0755 "$dir" || die 2 "cannot create $dir"
            made_dir=yes
        fi
    else
        base=${PG_CLUSTER_TMP:-/tmp}
        dir=$(mktemp -d "$base/mbpg.XXXXXX") || die 2 "cannot make a directory in $base"
        made_dir=yes
    fi
    dir=$(cd "$dir" && pwd -P)
    cd / || exit 1   # the server must not start in a directory it cannot enter
    case "$dir" in
        *[!A-Za-z0-9._/-]*)
            [ -n "$made_dir" ] && rmdir "$dir"
            die 2 "$dir: use only A-Z a-z 0-9 . _ / - in DIR (the lines printed are eval'ed)" ;;
    esac

    # A failure from here on removes what start made.
    cleanup_start() {
        [ -n "${PG_PORT:-}" ] && server_stop 2>/dev/null
        if [ -n "$made_dir" ]; then
            rm -rf "$dir"
        else
            rm -rf "${dir:?}"/* "${dir:?}"/.[!.]* 2>/dev/null
        fi
    }
    fail_start() { status=$1; shift; cleanup_start; die "$status" "$@"; }

    # The socket path "DIR/.s.PGSQL.NNNNN.lock" must fit in sun_path.
    [ $((${#dir} + 21)) -le 107 ] ||
        fail_start 2 "$dir is too long for a Unix socket path (at most 86 bytes)"
    if [ "$(id -u)" = 0 ]; then
        chown "$cluster_user:" "$dir" || fail_start 2 "cannot chown $dir to $cluster_user"
        chmod 0755 "$dir"
    fi
    as_cluster_user test -w "$dir" -a -x "$dir" 2>/dev/null ||
        fail_start 2 "$cluster_user cannot reach $dir (is a parent directory 0700?); leave DIR out and a directory under /tmp is made"

    app_password=$(random_hex 16)
    admin_password=$(random_hex 16)
    pwfile=$dir/.initdb-password
    ( umask 077; echo "$admin_password" > "$pwfile" )
    [ "$(id -u)" = 0 ] && chown "$cluster_user:" "$pwfile"
    initdb_log=$(as_cluster_user "$bindir/initdb" -D "$dir/data" -U postgres \
        --pwfile="$pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C \
        --data-checksums 2>&1)
    initdb_status=$?
    rm -f "$pwfile"
    [ "$initdb_status" = 0 ] ||
        fail_start 77 "initdb failed: $(echo "$initdb_log" | grep -v '^$' | tail -n 1)"

    # Written as the cluster user, who owns data/.
    as_cluster_user sh -c 'cat >> "$1"' sh "$dir/data/postgresql.conf" <<EOF

# ---- pg-cluster.sh: a private test cluster ----
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
password_encryption = 'scram-sha-256'
shared_buffers = 32MB
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
EOF

    # A free port; the server may still lose a race for it: try another.
    # Each try appends its port (the last "port =" line wins).
    attempts=10
    while :; do
        PG_PORT=$(pick_port)
        as_cluster_user sh -c 'echo "port = $2" >> "$1"' sh "$dir/data/postgresql.conf" "$PG_PORT"
        before=$(log_lines)
        server_start && break
        attempts=$((attempts - 1))
        [ "$attempts" -gt 0 ] && bind_failed "$before" && continue
        fail_start 77 "the server did not start: $(last_error "$before")"
    done

    {
        echo "PG_PORT=$PG_PORT"
        echo "APP_PASSWORD=$app_password"
        echo "ADMIN_PASSWORD=$admin_password"
        echo "PG_BINDIR=$bindir"
    } > "$dir/cluster.env" || fail_start 1 "cannot write $dir/cluster.env"

    admin_psql <<EOF >/dev/null 2>"$dir/.setup-error" ||
CREATE ROLE microblog LOGIN PASSWORD '$app_password';
CREATE DATABASE microblog OWNER microblog;
EOF
        fail_start 77 "cannot create the role and database: $(tail -n 1 "$dir/.setup-error")"
    rm -f "$dir/.setup-error"
    print_env
}

cmd_restart() {
    dir=$1
    load_env "$dir"
    check_cluster_user
    cd / || exit 1
    server_stop
    before=$(log_lines)
    server_start || {
        bind_failed "$before" && die 1 "port $PG_PORT of $dir is taken by another process"
        die 77 "the server did not start: $(last_error "$before")"
    }
    print_env
}

cmd_stop() {
    dir=$1
    load_env "$dir"
    check_cluster_user
    cd / || exit 1
    server_stop
}

cmd_kill() {
    dir=$1
    load_env "$dir"
    pm=$(postmaster_pid) || return 0
    # Stopped first, the postmaster forks no backend while its children are
    # listed; then one kill(1) for all of them, so that none of them gets
    # the chance to notice the others dying.
    kill -STOP "$pm" 2>/dev/null
    pids=$(cluster_pids)
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    # shellcheck disable=SC2086
    wait_gone 10 $pids || die 1 "processes of $dir survived SIGKILL:$(echo $pids)"
}

cmd_createdb() {
    dir=$1
    name=${2:-t_$(random_hex 4)}
    case "$name" in
        ''|[!a-z_]*|*[!a-z0-9_]*) die 2 "database name '$name': use [a-z_][a-z0-9_]*" ;;
    esac
    [ ${#name} -le 63 ] || die 2 "database name '$name' is longer than 63 bytes"
    load_env "$dir"
    err=$(admin_psql -c "CREATE DATABASE $name OWNER microblog" 2>&1 >/dev/null) ||
        die 1 "cannot create database $name: $(echo "$err" | tail -n 1)"
    echo "postgresql://microblog:$app_password@127.0.0.1:$PG_PORT/$name"
}

cmd_env() {
    dir=$1
    load_env "$dir"
    print_env
}

cmd_destroy() {
    dir=$1
    load_env "$dir"
    check_cluster_user
    cd / || exit 1
    server_stop
    rm -rf "$dir"
}

# resolve DIR: the physical absolute path, as start recorded it.
resolve() {
    [ -d "$1" ] || die 2 "$1: no such directory"
    (cd "$1" && pwd -P) || die 2 "cannot enter $1"
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
    start)
        [ $# -le 1 ] || usage
        cmd_start "$@" ;;
    restart|stop|kill|env|destroy)
        [ $# -eq 1 ] && [ -n "$1" ] || usage
        if [ "$command" = destroy ] && [ ! -e "$1" ]; then exit 0; fi
        d=$(resolve "$1") || exit 2
        "cmd_$command" "$d" ;;
    createdb)
        [ $# -ge 1 ] && [ $# -le 2 ] && [ -n "$1" ] || usage
        d=$(resolve "$1") || exit 2
        shift
        cmd_createdb "$d" "$@" ;;
    *) usage ;;
esac
