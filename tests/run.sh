#!/bin/sh
# The one test runner behind `make test`: runs every cmocka unit binary
# (TAP output), every CLI, TUI (tmux), SSH (a real sshd), shared-box and
# reliability test script,
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

if [ -n "$failures" ]; then
    echo "# failed:$failures"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
