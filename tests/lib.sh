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
DB="$T/test.db"
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

sql() { sqlite3 "$DB" "$@"; }
