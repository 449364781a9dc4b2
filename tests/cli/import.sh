#!/bin/sh
# import and export: JSON Lines as `posts --json` prints them; export is
# oldest first; import creates authors as needed and is all or nothing,
# a bad line (one longer than 65536 bytes too) reported as FILE:LINE.
. "$MB_ROOT/tests/lib.sh"


cat >"$T/in.jsonl" <<'JSON'
{"id":7,"author":"john","timestamp":"2026-01-02T03:04:05Z","body":"first"}
{"author":"susan","timestamp":"2026-01-02T03:04:06Z","body":"tab\tquote\" nl\n emoji 😀 \u00e9"}

{"author":"john","timestamp":"2026-01-02T03:04:07Z","body":"third"}
JSON
run_cmd mb import "$T/in.jsonl"
expect_eq "import exits 0" 0 "$RC"
expect_eq "import reports what it did" "imported 3 posts (2 new users)" "$OUT"
expect_eq "imported posts keep author and time" "john|1767323045|first
susan|1767323046|0
john|1767323047|third" \
    "$(sql "SELECT u.username, p.timestamp, CASE WHEN p.id = 2 THEN CAST(instr(p.body, 'x') AS TEXT) ELSE p.body END FROM post p JOIN user u ON u.id = p.user_id ORDER BY p.id")"
expect_eq "escapes are decoded on import" "$(printf 'tab\tquote" nl\n emoji 😀 é')" \
    "$(sql 'SELECT body FROM post WHERE id = 2')"

run_cmd mb export
expect_eq "export exits 0" 0 "$RC"
expect_eq "export prints JSON Lines, oldest first" \
'{"id":1,"author":"john","timestamp":"2026-01-02T03:04:05Z","body":"first"}
{"id":2,"author":"susan","timestamp":"2026-01-02T03:04:06Z","body":"tab\tquote\" nl\n emoji 😀 é"}
{"id":3,"author":"john","timestamp":"2026-01-02T03:04:07Z","body":"third"}' "$OUT"
run_cmd mb posts --json
expect_eq "posts --json is export newest first" "$(mb export | tac)" "$OUT"

# Round trip into a new database gives the same export.
mb export >"$T/out.jsonl"
run_cmd "$MB_BIN" --db "$T/copy.db" import - <"$T/out.jsonl"
expect_eq "import - reads stdin" 0 "$RC"
expect_eq "export, import, export is the same" "$(cat "$T/out.jsonl")" \
    "$("$MB_BIN" --db "$T/copy.db" export)"

# Bad lines: FILE:LINE, nothing imported.
before=$(dump)
bad_line() {  # bad_line NAME LINE EXPECTED-PART
    printf '{"author":"ann","body":"fine"}\n%s\n' "$2" >"$T/bad.jsonl"
    run_cmd mb import "$T/bad.jsonl"
    expect_eq "$1: exits 1" 1 "$RC"
    expect_contains "$1: names FILE:LINE" "$ERR" "microblog-tui: $T/bad.jsonl:2: $3"
    expect_eq "$1: is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
    expect_eq "$1: imports nothing" "$before" "$(dump)"
}
bad_line "broken JSON" '{"author":"ann",' "invalid JSON"
bad_line "not an object" '[1,2]' "expected an object"
bad_line "a missing body" '{"author":"ann"}' 'missing "body"'
bad_line "a missing author" '{"body":"x"}' 'missing "author"'
bad_line "an unknown field" '{"author":"ann","body":"x","likes":3}' 'unknown field "likes"'
bad_line "a bad timestamp" '{"author":"ann","body":"x","timestamp":"2026-02-30T00:00:00Z"}' '"timestamp"'
bad_line "a body too long" "{\"author\":\"ann\",\"body\":\"$(printf 'x%.0s' $(seq 141))\"}" "the post is 141 characters"
bad_line "a control character" '{"author":"ann","body":"a\u001b[2Jb"}' "the post contains a control character"
bad_line "a bad author" '{"author":"a b","body":"x"}' "the username may not contain spaces"
bad_line "a NUL" '{"author":"ann","body":"a\u0000b"}' "invalid JSON"
# A line is at most 65536 bytes before its newline: one byte more is
# refused, even when it is valid JSON padded with spaces.
padded() {  # padded BYTES: a valid line of exactly BYTES bytes
    line='{"author":"ann","body":"edge"}'
    printf '%s' "$line"
    head -c $(($1 - ${#line})) /dev/zero | tr '\0' ' '
}
bad_line "a line of 65537 bytes" "$(padded 65537)" "line longer than 65536 bytes"
padded 65536 >"$T/edge.jsonl"
printf '\n' >>"$T/edge.jsonl"
padded 65536 >>"$T/edge.jsonl"
run_cmd "$MB_BIN" --db "$T/edge.db" import "$T/edge.jsonl"
expect_eq "lines of 65536 bytes, the last without a newline, are imported" \
    "imported 2 posts (1 new user)" "$OUT"
run_cmd sh -c 'printf "{\"author\":\"ann\"}\n" | "$0" --db "$1" import -' "$MB_BIN" "$DB"
expect_contains "a bad line on stdin is named stdin:LINE" "$ERR" "microblog-tui: stdin:1: "
run_cmd mb import "$T/none.jsonl"
expect_eq "a missing file exits 1" 1 "$RC"
expect_contains "a missing file is named" "$ERR" "$T/none.jsonl"
expect_eq "a missing file imports nothing" "$before" "$(dump)"

# Many rows: pages of posts and users join up without gaps or repeats,
# including posts that share one timestamp (the id breaks the tie).
fresh_db
awk 'BEGIN { for (i = 1; i <= 1203; i++)
    printf "{\"author\":\"user%04d\",\"timestamp\":\"2026-01-01T00:00:%02dZ\",\"body\":\"post %d\"}\n", i % 601 + 1, (i > 600) * 30, i }' \
    >"$T/many.jsonl"
run_cmd mb import "$T/many.jsonl"
expect_eq "a large import succeeds" "imported 1203 posts (601 new users)" "$OUT"
run_cmd mb posts --limit 1100 --json
expect_eq "posts --limit 1100 prints 1100 posts" 1100 "$(printf '%s\n' "$OUT" | wc -l)"
expect_eq "across pages, posts are newest first without repeats" \
    "$(seq 1203 -1 104 | paste -sd' ')" \
    "$(printf '%s\n' "$OUT" | sed 's/^{"id":\([0-9]*\),.*/\1/' | paste -sd' ')"
run_cmd mb posts --before 104 --limit 5000 --json
expect_eq "--before continues where the last page ended" "$(seq 103 -1 1 | paste -sd' ')" \
    "$(printf '%s\n' "$OUT" | sed 's/^{"id":\([0-9]*\),.*/\1/' | paste -sd' ')"
run_cmd mb export
expect_eq "export of more than a page is oldest first without repeats" "$(seq 1 1203 | paste -sd' ')" \
    "$(printf '%s\n' "$OUT" | sed 's/^{"id":\([0-9]*\),.*/\1/' | paste -sd' ')"
run_cmd mb user list
expect_eq "user list of more than a page lists every user once, in order" \
    "$(seq 1 601 | awk '{ printf "user%04d\n", $1 }' | paste -sd' ')" \
    "$(printf '%s\n' "$OUT" | awk '{ print $2 }' | paste -sd' ')"
run_cmd mb user list --desc
expect_eq "user list --desc of more than a page" \
    "$(seq 601 -1 1 | awk '{ printf "user%04d\n", $1 }' | paste -sd' ')" \
    "$(printf '%s\n' "$OUT" | awk '{ print $2 }' | paste -sd' ')"
