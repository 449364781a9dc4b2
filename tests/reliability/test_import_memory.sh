#!/bin/sh
# Import keeps memory flat whatever the input (issue 9, item 6): a single
# 200 MB line on a pipe, with no newline anywhere, is refused as
# "stdin:1: line longer than 65536 bytes" (exit 1, nothing imported) and
# the importer's peak resident set stays within 32 MB of what an ordinary
# small import needs. Before the cap, that line was held whole (getline)
# and the process reached about 590 MB before refusing it. Peak RSS is the
# child's own (wait4's ru_maxrss), measured by python3; the generator is
# python3 itself, writing into the pipe until the importer goes away.
. "$MB_ROOT/tests/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
    echo "ok - import memory # SKIP python3 is not installed (needed to measure peak RSS)"
    exit 0
fi

dump() { sqlite3 "$DB" .dump | sha256sum; }

printf '{"author":"ann","body":"already here"}\n' | mb import - >/dev/null
before=$(dump)

# measure LABEL BYTES [PREFIX-FILE]: runs `import -` with PREFIX-FILE's
# lines, then BYTES bytes of 'a' and no newline, on stdin; prints
# "STATUS PEAK_KB" and leaves stderr in $T/LABEL.err.
measure() {
    python3 - "$MB_BIN" "$DB" "$2" "${3:-}" "$T/$1.err" <<'PYTHON'
import os, subprocess, sys, threading
binary, db, size, prefix, err_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
with open(err_path, "wb") as err, open(os.devnull, "wb") as out:
    child = subprocess.Popen([binary, "--db", db, "import", "-"], stdin=subprocess.PIPE,
                             stdout=out, stderr=err)

    def feed():
        chunk = b"a" * (1 << 20)
        try:
            if prefix:
                with open(prefix, "rb") as lines:
                    child.stdin.write(lines.read())
            left = size
            while left > 0:
                n = min(left, len(chunk))
                child.stdin.write(chunk[:n])
                left -= n
            child.stdin.close()
        except BrokenPipeError:
            pass  # the importer stopped reading: what it should do

    writer = threading.Thread(target=feed)
    writer.start()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    writer.join()
    try:
        child.stdin.close()
    except BrokenPipeError:
        pass
print(child.returncode, usage.ru_maxrss)
PYTHON
}

printf '{"author":"bob","body":"one"}\n{"author":"bob","body":"two"}\n' >"$T/two.jsonl"

# The baseline: an ordinary import of two lines into a copy.
cp "$DB" "$T/base.db"
set -- $(DB="$T/base.db" measure base 0 "$T/two.jsonl")
base_status=$1 base_kb=$2
expect_eq "baseline: a two-line import exits 0" 0 "$base_status"

set -- $(measure long 200000000)
long_status=$1 long_kb=$2
echo "# figure import_baseline_peak_rss_kb $base_kb"
echo "# figure import_long_line_peak_rss_kb $long_kb"
expect_eq "a 200 MB line on a pipe: exits 1" 1 "$long_status"
expect_eq "a 200 MB line on a pipe: refused with its line number" \
    "microblog-tui: stdin:1: line longer than 65536 bytes" "$(cat "$T/long.err")"
expect_eq "a 200 MB line on a pipe: nothing imported" "$before" "$(dump)"
if [ $((long_kb - base_kb)) -lt 32768 ]; then
    ok "a 200 MB line: peak RSS ${long_kb} KB, within 32 MB of the baseline ${base_kb} KB"
else
    not_ok "a 200 MB line: peak RSS ${long_kb} KB, within 32 MB of the baseline ${base_kb} KB"
fi

# The same after good lines: still nothing imported, the third line named.
set -- $(measure after 50000000 "$T/two.jsonl")
expect_eq "a 50 MB third line: exits 1" 1 "$1"
expect_eq "a 50 MB third line: refused with its line number" \
    "microblog-tui: stdin:3: line longer than 65536 bytes" "$(cat "$T/after.err")"
expect_eq "a 50 MB third line: the two lines before it are not imported" "$before" "$(dump)"
if [ $(($2 - base_kb)) -lt 32768 ]; then
    ok "a 50 MB third line: peak RSS ${2} KB, within 32 MB of the baseline"
else
    not_ok "a 50 MB third line: peak RSS ${2} KB, within 32 MB of the baseline"
fi
