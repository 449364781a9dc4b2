#!/bin/sh
# The one test runner behind `make test`: runs every cmocka unit binary
# (TAP output), every CLI, TUI (tmux), SSH (a real sshd), shared-box and
# reliability test script (the CLI and TUI scripts and the store's
# authorization unit test a second time on PostgreSQL, as cli-pg/, tui-pg/
# and unit-pg/, when a private cluster can run),
# counts TAP "ok"/"not ok" lines and ends with "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR   (BUILD_DIR holds microblog-tui and tests/)
set -u
build=${1:-build/asan}
root=$(cd "$(dirname "$0")/.." && pwd)
export MB_BIN="$root/$build/microblog-tui"
export MB_ROOT="$root"
export MB_BUILD="$root/$build"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CMOCKA_MESSAGE_OUTPUT=TAP
filter=${TESTS:-}

passed=0
failed=0
skipped=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
    name=$1
    shift
    case "$name" in *"$filter"*) ;; *) return ;; esac
    echo "# $name"
    "$@" >"$log" 2>&1
    status=$?
    cat "$log"
    ok=$(grep '^ok ' "$log" | grep -vc '# SKIP')
    bad=$(grep '^not ok ' "$log" | grep -vc '# SKIP')
    skip=$(grep -c '^\(not \)\{0,1\}ok .*# SKIP' "$log")
    skipped=$((skipped + skip))
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
        # A crash, a sanitizer report or a script error counts as a failure.
        echo "not ok - $name exited with status $status"
        bad=1
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$bad" -ne 0 ]; then
        failures="$failures $name"
    fi
}

# Under `make valgrind`, every binary runs inside memcheck; a report or a
# leak makes it exit non-zero, which counts as a failure.
wrap=""
if [ -n "${MB_VALGRIND:-}" ]; then
    wrap="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-fds=no"
    export MB_WRAP="$wrap"
fi
for t in "$root/$build"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "unit/$(basename "$t")" $wrap "$t"
done
for t in "$root/$build"/tests/replay_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t" | sed 's/^replay_//')
    run_one "fuzz/$name" "$t" "$name" "$root/tests/fuzz/corpus/$name"
done
for t in "$root"/tests/cli/*.sh "$root"/tests/pg/*.sh "$root"/tests/tui/*.sh "$root"/tests/ssh/*.sh \
         "$root"/tests/shared/*.sh "$root"/tests/reliability/test_*.sh; do
    [ -e "$t" ] || continue
    run_one "$(basename "$(dirname "$t")")/$(basename "$t")" sh "$t"
done

# The CLI and TUI suites and the unit tests that take a database name
# (pg_units) again on PostgreSQL (issue 10): one private cluster for the
# whole pass (scripts/pg-cluster.sh), a fresh database for each script
# (tests/lib.sh) or unit test (tests/unit/testutil.h), MB_BACKEND=postgresql.
# A script or test about SQLite files says so with a TAP skip line. Named
# cli-pg/..., tui-pg/..., unit-pg/..., so that TESTS=cli-pg/ runs just those.
pg_units="test_authz test_social test_post_query test_journal"
pg_wanted=""
for t in "$root"/tests/cli/*.sh "$root"/tests/tui/*.sh; do
    name="$(basename "$(dirname "$t")")-pg/$(basename "$t")"
    case "$name" in *"$filter"*) pg_wanted=1 ;; esac
done
for u in $pg_units; do
    case "unit-pg/$u" in *"$filter"*) pg_wanted=1 ;; esac
done
if [ -n "$pg_wanted" ]; then
    pg_err=$(mktemp)
    pg_state=$(sh "$root/scripts/pg-cluster.sh" start 2>"$pg_err")
    pg_rc=$?
    if [ "$pg_rc" -eq 0 ]; then
        eval "$pg_state"
        pg_destroy() {
            sh "$root/scripts/pg-cluster.sh" destroy "$PG_DIR" >/dev/null 2>&1
        }
        trap 'pg_destroy; rm -f "$log" "$pg_err"' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        trap 'exit 129' HUP
        for u in $pg_units; do
            t="$root/$build/tests/$u"
            [ -x "$t" ] || continue
            run_one "unit-pg/$u" \
                env MB_BACKEND=postgresql PG_DIR="$PG_DIR" PG_BINDIR="$PG_BINDIR" $wrap "$t"
        done
        for t in "$root"/tests/cli/*.sh "$root"/tests/tui/*.sh; do
            [ -e "$t" ] || continue
            run_one "$(basename "$(dirname "$t")")-pg/$(basename "$t")" \
                env MB_BACKEND=postgresql PG_DIR="$PG_DIR" PG_BINDIR="$PG_BINDIR" sh "$t"
        done
        pg_destroy
        trap 'rm -f "$log" "$pg_err"' EXIT
    else
        echo "# unit-pg, cli-pg, tui-pg"
        echo "ok - unit, CLI and TUI suites on PostgreSQL # SKIP the private cluster cannot run here (exit $pg_rc): $(head -n 1 "$pg_err")"
        skipped=$((skipped + 1))
    fi
    rm -f "$pg_err"
fi

if [ -n "$failures" ]; then
    echo "# failed:$failures"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
