#!/bin/sh
# `make torture`: the long variants of the reliability suite, then a table
# of figures (rounds, processes, executions, findings) for the README.
#   sh tests/reliability/torture.sh BUILD_DIR/asan
# Knobs (environment): MB_TORTURE_CRASH_ROUNDS (1000), MB_TORTURE_SECONDS
# (60, the concurrency run), MB_TORTURE_WRITERS (8), MB_TORTURE_RACE_ROUNDS
# (300), MB_TORTURE_POSTS (500000), MB_TORTURE_TRIES (10000),
# MB_TORTURE_PG_KILLS (25, server kills in test_pg_crash.sh),
# MB_TORTURE_FUZZ_SECONDS (60 per fuzz target, when `make fuzz` has built
# them), MB_SEED (reproduce a run).
set -u
build=${1:-build/asan}
root=$(cd "$(dirname "$0")/../.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
drivers="$build/tests/reliability"
export MB_BIN="$build/microblog-tui" MB_BUILD="$build" MB_ROOT="$root"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CMOCKA_MESSAGE_OUTPUT=TAP
work=$(mktemp -d "${TMPDIR:-/tmp}/mbtorture.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/log"
rows="$work/rows"
: > "$rows"
failed=0

# figure NAME LOGFILE: the value of "# figure NAME V" (or "-").
figure() { v=$(sed -n "s/^# figure $1 //p" "$2.log" | tail -n 1); echo "${v:--}"; }
notok() { grep -c '^not ok' "$1"; }

# run NAME COMMAND...: runs, shows the TAP lines, keeps the log as $work/NAME.
run() {
    name=$1
    shift
    echo "== $name: $*"
    start=$(date +%s)
    "$@" > "$work/$name.log" 2>&1
    status=$?
    elapsed=$(( $(date +%s) - start ))
    grep -E '^(ok|not ok|#)' "$work/$name.log" | grep -v '^# figure' | head -n 40
    bad=$(notok "$work/$name.log")
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
    [ "$bad" -ne 0 ] && failed=$((failed + 1))
    echo "$elapsed" > "$work/$name.seconds"
    echo "$bad" > "$work/$name.bad"
}
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@" >> "$rows"; }

mkdir -p "$work/crash" "$work/load" "$work/control" "$work/race" "$work/big" "$work/pw"
run crash "$drivers/crash_writer" "$work/crash" "${MB_TORTURE_CRASH_ROUNDS:-1000}" 40
f="$work/crash"
row "1. crash safety (SIGKILL)" "$(figure crash_rounds "$f") rounds" "1 writer + 1 checker" \
    "$(figure crash_posts "$f") acknowledged writes ($(figure crash_replies "$f") replies, $(figure crash_edits "$f") edits, $(figure crash_privates "$f") private, $(figure crash_deletes "$f") deletes), $(figure crash_kills "$f") kills, $(figure crash_recoveries "$f") read-write recoveries; invariants after each kill" \
    "$(cat "$f.bad")" "$(cat "$f.seconds")"

writers=${MB_TORTURE_WRITERS:-8}
run load "$drivers/concurrent" "$work/load" "${MB_TORTURE_SECONDS:-60}" "$writers"
f="$work/load"
row "2. concurrency" "$(figure concurrency_seconds "$f") s" "$(figure concurrency_processes "$f") ($writers writers, opener, long reader)" \
    "$(figure concurrency_post_commits "$f") post + $(figure concurrency_user_commits "$f") user commits ($(figure concurrency_replies "$f") replies, $(figure concurrency_privates "$f") private), $(figure concurrency_edits "$f") edits, $(figure concurrency_deletes "$f") deletes, $(figure concurrency_follows "$f") follows/mutes, $(figure concurrency_marks "$f") read marks/seen, $(figure concurrency_reads "$f") reads, $(figure concurrency_opens "$f") opens; busy errors: $(figure concurrency_busy "$f")" \
    "$(cat "$f.bad")" "$(cat "$f.seconds")"
run control "$drivers/concurrent" "$work/control" 10 "$writers" --deferred
f="$work/control"
row "2. negative control (DEFERRED)" "$(figure deferred_seconds "$f") s" "$(figure deferred_processes "$f")" \
    "$(figure deferred_busy "$f") busy errors reached callers (required: > 0)" \
    "$(cat "$f.bad")" "$(cat "$f.seconds")"
run race "$drivers/migrate_race" "$work/race" "${MB_TORTURE_RACE_ROUNDS:-300}" 8
f="$work/race"
row "2. migration race" "$(figure race_rounds "$f") rounds" "$(figure race_processes "$f") at once" \
    "$(figure race_opens "$f") opens of an out-of-date database" "$(cat "$f.bad")" "$(cat "$f.seconds")"

run big "$drivers/migrate_big" "$work/big" "${MB_TORTURE_POSTS:-500000}" 5000
f="$work/big"
row "3. migration faults" "$(figure migrate_fault_attempts "$f") injected faults" "1" \
    "$(figure migrate_posts "$f") posts; up/down/up/down of a table rebuild" "$(cat "$f.bad")" "$(cat "$f.seconds")"

for t in hostile_files injection passwords files; do
    MB_PASSWORD_TRIES=${MB_TORTURE_TRIES:-10000} run "$t" sh "$root/tests/reliability/test_$t.sh"
done
f="$work/hostile_files"
row "4. hostile files (CLI + TUI)" "1" "-" "$(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"
f="$work/injection"
row "6. terminal injection" "1" "-" "$(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"
f="$work/passwords"
row "7. passwords" "$(figure password_tries "$f") wrong tries" "-" \
    "$(figure password_damaged_hashes "$f") damaged hashes; $(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"
f="$work/files"
row "8. files and signals" "1" "-" "$(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"

# 9. The file and hostile input (issue 9) and sharing a box (issue 8).
run trust sh "$root/tests/reliability/test_trust.sh"
f="$work/trust"
row "9. who else can write (StrictModes)" "1" "-" "$(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"
run import_memory sh "$root/tests/reliability/test_import_memory.sh"
f="$work/import_memory"
row "9. import memory (200 MB line)" "1" "1" "$(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"
run backups "$build/tests/test_migrate"
f="$work/backups"
row "9. backups: names taken, links swapped" "1" "1" "$(grep -c '^ok' "$f.log") migration and backup tests" "$(cat "$f.bad")" "$(cat "$f.seconds")"
run authz "$build/tests/test_authz"
f="$work/authz"
row "8. authorization in the store; replaced files" "1" "1" "$(grep -c '^ok' "$f.log") tests" "$(cat "$f.bad")" "$(cat "$f.seconds")"
run replaced sh "$root/tests/tui/replaced.sh"
f="$work/replaced"
row "9. TUI on a deleted or replaced file" "1" "-" "$(grep -c '^ok' "$f.log") checks" "$(cat "$f.bad")" "$(cat "$f.seconds")"
run shared_box sh "$root/tests/shared/shared_box.sh"
f="$work/shared_box"
row "8. shared box (setgid, two Unix users)" "1" "-" "$(grep -c '^ok' "$f.log") checks, $(grep -c '# SKIP' "$f.log") skipped" "$(cat "$f.bad")" "$(cat "$f.seconds")"
run ssh sh "$root/tests/ssh/restricted.sh"
f="$work/ssh"
row "8. restricted over a real sshd" "1" "-" "$(grep -c '^ok' "$f.log") checks, $(grep -c '# SKIP' "$f.log") skipped" "$(cat "$f.bad")" "$(cat "$f.seconds")"

# 10. PostgreSQL (issue 10): the server SIGKILLed under a writer, and
# eight writer processes at once (test_pg_crash.sh, pg_writers.c).
MB_PG_KILLS=${MB_TORTURE_PG_KILLS:-25} MB_PG_SECONDS=${MB_TORTURE_SECONDS:-60} \
MB_PG_WRITERS=$writers run pg_crash sh "$root/tests/reliability/test_pg_crash.sh"
f="$work/pg_crash"
if grep -q '# SKIP' "$f.log"; then
    row "10. PostgreSQL: server SIGKILLed, $writers writers" "-" "-" "skipped: $(sed -n 's/.*# SKIP //p' "$f.log" | head -n 1)" "0" "$(cat "$f.seconds")"
else
    row "10. PostgreSQL: server SIGKILLed under a writer" "$(figure pg_crash_kills "$f") kills + restarts" "1 writer + server" \
        "$(figure pg_crash_posts "$f") acknowledged writes (posts, replies, edits, private, deletes), $(figure pg_crash_errors "$f") lost-connection errors reported, $(figure pg_crash_unlogged "$f") unacknowledged commits; invariants after" \
        "$(cat "$f.bad")" "$(cat "$f.seconds")"
    row "10. PostgreSQL: writers at once" "$(figure pg_load_seconds "$f") s" "$(figure pg_load_writers "$f") writers" \
        "$(figure pg_load_commits "$f") post commits ($(figure pg_load_replies "$f") replies, $(figure pg_load_privates "$f") private), $(figure pg_load_edits "$f") edits, $(figure pg_load_social "$f") social writes in all; errors reaching a caller: $(figure pg_load_errors "$f"), deadlocks: $(figure pg_load_deadlocks "$f")" \
        "$(cat "$f.bad")" "-"
fi

# Bugs found earlier and not fixed yet: counted as findings, not failures.
run known_bugs sh "$root/tests/reliability/known_bugs.sh"
failed=$((failed - $(cat "$work/known_bugs.bad")))
row "known bugs (known_bugs.sh)" "1" "-" "$(grep -c '^ok' "$work/known_bugs.log") fixed, $(cat "$work/known_bugs.bad") still open" \
    "$(cat "$work/known_bugs.bad")" "$(cat "$work/known_bugs.seconds")"

# 5. The fuzz targets, when `make fuzz` has built them.
fuzz_dir="$build/../fuzz"
fuzz_seconds=${MB_TORTURE_FUZZ_SECONDS:-60}
for target in "$fuzz_dir"/fuzz_*; do
    [ -x "$target" ] || continue
    case "$target" in *.o|*.a|*.d) continue ;; esac
    name=$(basename "$target")
    mkdir -p "$work/corpus-$name"
    cp "$root/tests/fuzz/corpus/$name"/* "$work/corpus-$name/" 2>/dev/null
    echo "== 5. $name for ${fuzz_seconds}s"
    start=$(date +%s)
    "$target" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -max_len=4096 -timeout=10 \
        -artifact_prefix="$work/crash-$name-" -print_final_stats=1 "$work/corpus-$name" \
        > "$work/$name.log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
    crashes=$(ls "$work"/crash-"$name"-* 2>/dev/null | wc -l)
    [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
    if [ "$crashes" -ne 0 ]; then
        failed=$((failed + 1))
        mkdir -p "$root/tests/fuzz/crashers"
        cp "$work"/crash-"$name"-* "$root/tests/fuzz/crashers/" 2>/dev/null
        grep -A5 'ERROR' "$work/$name.log" | head -n 20
    fi
    row "5. fuzz $name" "${fuzz_seconds} s" "1" "${execs:-?} executions" "$crashes" "$(( $(date +%s) - start ))"
done

echo
echo "| item | rounds / time | processes | executions | findings | seconds |"
echo "|---|---|---|---|---|---|"
cat "$rows"
echo
echo "Host: $(nproc) CPUs, $(uname -sr); sanitizers: ASan+UBSan; $(date -u +%Y-%m-%d)."
if [ "$failed" -ne 0 ]; then
    echo "torture: $failed part(s) with findings (logs above)"
    exit 1
fi
echo "torture: no findings"
