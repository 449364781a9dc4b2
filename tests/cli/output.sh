#!/bin/sh
# Nothing from the database reaches the terminal raw: escape sequences, C0
# and C1 controls, DEL and bidi controls put in behind the program's back
# (with sqlite3) are sanitized on a terminal and escaped in JSON.
. "$MB_ROOT/tests/lib.sh"

mb user add john >/dev/null
mb post --as john placeholder >/dev/null
# Body: a ESC[31m b BEL c CSI(C1) d RLO e DEL f LS g " h \ i NL j TAB k LRI l ALM m FF(invalid byte) (SQLite only)
body_hex=611b5b33316d6207 # a ESC [31m b BEL
body_hex=${body_hex}63c29b64e280ae657f66e280a86722685c690a6a096be281a66cd89c6d
# The invalid byte only on SQLite: PostgreSQL refuses invalid UTF-8 in
# text, so no stored body can hold it there.
if sqlite_backend; then body_hex=${body_hex}ff; bad="�"; json_bad='\ufffd'; else bad=""; json_bad=""; fi
sql "UPDATE post SET body = CAST(X'$body_hex' AS TEXT) WHERE id = 1"
# Author: x ESC]0;owned BEL y RLO z
sql "UPDATE user SET username = CAST(X'781b5d303b6f776e656407797ae280ae7a' AS TEXT) WHERE id = 1"
sql "UPDATE post SET timestamp = 1700000000 WHERE id = 1"
sql "INSERT INTO post (body, timestamp, user_id) VALUES ('fine', 1700000060, 1)"

# bad_bytes FILE: true when FILE holds a control character other than
# newline, a C1 control, or a bidi control (U+061C, U+200E/F, U+202A-E,
# U+2066-9) in UTF-8. bad_json_bytes also refuses newlines inside a line
# and U+2028/U+2029, which JSON consumers (JavaScript) take as line ends.
bad_bytes() {
    LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c' "$1"
}
bad_json_bytes() {
    bad_bytes "$1" || LC_ALL=C grep -qP '\xe2\x80[\xa8\xa9]' "$1"
}

for cmd in "posts" "posts --user john" "post show 1" "user list" "user show 1" "export" ; do
    # shellcheck disable=SC2086
    mb $cmd >"$T/out" 2>"$T/err"
    if bad_bytes "$T/out" || bad_bytes "$T/err"; then
        not_ok "'$cmd' writes no control or bidi characters" "$(od -c "$T/out" | head -n 20)"
    else
        ok "'$cmd' writes no control or bidi characters"
    fi
done
mb posts >"$T/out"
expect_contains "the post is still shown, controls replaced" "$(cat "$T/out")" "  a�[31mb�c�d�e�f"
expect_contains "a newline in a body is a space in a list" "$(cat "$T/out")" "\"h\\i j k�l�m$bad"

# The sanitizer is the only thing standing between the database and the
# terminal: make sure the test above can see raw bytes at all.
printf 'a\033[31mb\n' >"$T/raw"
check "bad_bytes sees an escape sequence" bad_bytes "$T/raw"
printf 'a\342\200\256b\n' >"$T/raw"
check "bad_bytes sees a bidi override" bad_bytes "$T/raw"

# Error messages that quote user input are sanitized too.
run_cmd mb posts --user "$(printf 'eve\033[2J')"
expect_eq "an error quoting input exits 1" 1 "$RC"
printf '%s' "$ERR" >"$T/err"
if bad_bytes "$T/err"; then not_ok "an error quoting input is sanitized"; else ok "an error quoting input is sanitized"; fi

# JSON escapes instead.
run_cmd mb posts --json --before 2
expect_eq "JSON escapes controls, C1, DEL, bidi, U+2028 and invalid UTF-8" \
    '{"id":1,"author":"x\u001b]0;owned\u0007yz\u202ez","timestamp":"2023-11-14T22:13:20Z","body":"a\u001b[31mb\u0007c\u009bd\u202ee\u007ff\u2028g\"h\\i\nj\tk\u2066l\u061cm'"$json_bad"'"}' \
    "$OUT"
printf '%s\n' "$OUT" >"$T/json"
if bad_json_bytes "$T/json"; then not_ok "JSON output holds no raw control bytes"; else ok "JSON output holds no raw control bytes"; fi
run_cmd mb posts --json --limit 1
expect_eq "JSON field order is id, author, timestamp, body" \
    '{"id":2,"author":"x\u001b]0;owned\u0007yz\u202ez","timestamp":"2023-11-14T22:14:20Z","body":"fine"}' "$OUT"
if command -v python3 >/dev/null 2>&1; then
    mb posts --json >"$T/json"
    if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/json" 2>/dev/null; then
        ok "every JSON line parses"
    else
        not_ok "every JSON line parses" "$(cat "$T/json")"
    fi
fi
# Emoji and other printable text stay as they are in JSON.
mb user add zoe >/dev/null
mb post --as zoe "héllo 😀 世界" >/dev/null
run_cmd mb posts --json --limit 1
expect_contains "printable non-ASCII is kept as UTF-8 in JSON" "$OUT" '"body":"héllo 😀 世界"'
