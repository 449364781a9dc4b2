#!/bin/sh
# The journal formats of import and export: twtxt both ways (RFC 3339 with
# the local offset, a tab, newlines as U+2028; twtxt -> twtxt keeps the
# text and the second), jrnl's JSON export in (title and body joined, local
# date and time, a too long entry named and nothing imported), a Markdown
# journal out (a heading per local day, the body escaped); --as and the
# default author for the formats without authors; JSON Lines stays the
# default. Bad input: one line, FILE:LINE, nothing imported.
. "$MB_ROOT/tests/lib.sh"

TAB=$(printf '\t')
LS=$(printf '\342\200\250') # U+2028

# Three posts over two days (UTC), with a newline, a tab, an emoji and
# Markdown in them.
cat >"$T/seed.jsonl" <<'JSON'
{"author":"tester","timestamp":"2026-11-29T13:05:30Z","body":"Hello twtxt"}
{"author":"tester","timestamp":"2026-11-29T23:30:00Z","body":"two\nlines\tand a tab 😀"}
{"author":"susan","timestamp":"2026-11-30T08:00:00Z","body":"# *not* [a link](x) <b>&amp;</b> a_b\n- no list\n1. no list either"}
JSON
run_cmd mb import "$T/seed.jsonl"
expect_eq "the seed imports" "imported 3 posts (2 new users)" "$OUT"

# ---- JSON Lines stays the default ----------------------------------------
expect_eq "export --format jsonl is the default" "$(mb export)" "$(mb export --format jsonl)"

# ---- twtxt out -----------------------------------------------------------
run_cmd mb export --format twtxt
expect_eq "export --format twtxt exits 0" 0 "$RC"
expect_eq "twtxt: RFC 3339 with the offset, a tab, newlines as U+2028" \
"2026-11-29T13:05:30+00:00${TAB}Hello twtxt
2026-11-29T23:30:00+00:00${TAB}two${LS}lines${TAB}and a tab 😀
2026-11-30T08:00:00+00:00${TAB}# *not* [a link](x) <b>&amp;</b> a_b${LS}- no list${LS}1. no list either" "$OUT"
run_cmd env TZ=JST-9 "$MB_BIN" --db "$DB" export --format twtxt --user tester
expect_eq "twtxt: the local time and offset follow TZ; --user picks one author" \
"2026-11-29T22:05:30+09:00${TAB}Hello twtxt
2026-11-30T08:30:00+09:00${TAB}two${LS}lines${TAB}and a tab 😀" "$OUT"
run_cmd mb export --format twtxt --user nobody
expect_eq "export --user nobody exits 1" 1 "$RC"
expect_eq "export --user nobody says so" "microblog-tui: no user 'nobody'" "$ERR"

# ---- twtxt -> twtxt round trip -------------------------------------------
mb export --format twtxt --user tester >"$T/tester.txt"
copy=$(new_db copy) || exit 1
run_cmd "$MB_BIN" --db "$copy" import --format twtxt "$T/tester.txt"
expect_eq "import --format twtxt exits 0" 0 "$RC"
expect_eq "import --format twtxt reports the default author it created" \
    "imported 2 posts (1 new user)" "$OUT"
expect_eq "twtxt -> twtxt keeps text and time to the second" "$(cat "$T/tester.txt")" \
    "$("$MB_BIN" --db "$copy" export --format twtxt)"
expect_eq "U+2028 reads back as a newline; a second tab is text" \
    '"body":"two\nlines\tand a tab 😀"' \
    "$("$MB_BIN" --db "$copy" export | sed -n '2s/.*\("body":.*\)}$/\1/p')"
expect_eq "twtxt posts are the default author's (the config's user)" "tester|2" \
    "$(sql_db "$copy" "SELECT u.username, count(*) FROM post p JOIN user u ON u.id = p.user_id GROUP BY u.username")"

# ---- twtxt in: comments, CRLF, offsets, local time, --as -----------------
printf '%s\n' "# nick = ann" "" "   # an indented comment" \
    "2026-11-29T14:05:30.25+01:00${TAB}with a fraction and an offset" \
    "2026-11-29T14:05Z${TAB}no seconds, Z" \
    "2026-11-29 15:00:00${TAB}  local time (TZ), spaces kept  " \
    "2026-11-29T16:00:00Z${TAB}a CRLF line$(printf '\r')" >"$T/ann.txt"
run_cmd env TZ=CET-1 "$MB_BIN" --db "$DB" import --format twtxt --as ann "$T/ann.txt"
expect_eq "import --format twtxt --as ann" "imported 4 posts (1 new user)" "$OUT"
expect_eq "twtxt lines: times to the second, text as written, CR dropped" \
"1795957530|with a fraction and an offset
1795961100|no seconds, Z
1795960800|  local time (TZ), spaces kept  
1795968000|a CRLF line" \
    "$(sql "SELECT p.timestamp, p.body FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = 'ann' ORDER BY p.id")"

# ---- bad twtxt: FILE:LINE, one line, nothing imported --------------------
before=$(dump)
bad_twtxt() {  # bad_twtxt NAME LINE EXPECTED-PART
    printf '2026-11-29T10:00:00Z\tfine\n%s\n' "$2" >"$T/bad.txt"
    run_cmd mb import --format twtxt "$T/bad.txt"
    expect_eq "twtxt $1: exits 1" 1 "$RC"
    expect_contains "twtxt $1: names FILE:LINE" "$ERR" "microblog-tui: $T/bad.txt:2: $3"
    expect_eq "twtxt $1: is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
    expect_eq "twtxt $1: imports nothing" "$before" "$(dump)"
}
bad_twtxt "a line without a tab" "2026-11-29T10:00:00Z no tab" "expected TIME<TAB>TEXT"
bad_twtxt "a bad time" "yesterday${TAB}x" "cannot read 'yesterday' as a time"
bad_twtxt "an impossible day" "2026-02-30T10:00:00Z${TAB}x" "'2026-02-30T10:00:00Z' is not a day of the calendar"
bad_twtxt "a time at the epoch" "1970-01-01T00:00:00Z${TAB}x" "'1970-01-01T00:00:00Z' is at or before 1970-01-01T00:00:00Z"
bad_twtxt "a second past 60" "2016-12-31T23:59:61Z${TAB}x" "'2016-12-31T23:59:61Z' is not a time of day"
bad_twtxt "an empty text" "2026-11-29T10:00:00Z${TAB}" "the post is empty"
bad_twtxt "a body too long" "2026-11-29T10:00:00Z${TAB}$(printf 'x%.0s' $(seq 141))" \
    "the post is 141 characters long; the limit is 140"
bad_twtxt "a control character" "2026-11-29T10:00:00Z${TAB}a$(printf '\033')[2Jb" \
    "the post contains a control character"
line=$(head -c 65530 /dev/zero | tr '\0' 'x')
bad_twtxt "a line of 65537 bytes" "2026-11-29T10:00:00Z${TAB}$line" "line longer than 65536 bytes"
run_cmd sh -c 'printf "no tab\n" | "$0" --db "$1" import --format twtxt -' "$MB_BIN" "$DB"
expect_eq "twtxt on stdin is named stdin:LINE" "microblog-tui: stdin:1: expected TIME<TAB>TEXT (a twtxt line)" "$ERR"

# ---- jrnl in ---------------------------------------------------------------
# As jrnl --export json writes it (indented, ASCII with \u escapes).
cat >"$T/journal.json" <<'JSON'
{
  "tags": {
    "@work": 1
  },
  "entries": [
    {
      "title": "Called in sick.",
      "body": "Used the time to clean the house \u00e9 @work\n",
      "date": "2026-11-29",
      "time": "09:00",
      "tags": [
        "@work"
      ],
      "starred": false
    },
    {
      "title": "A title only",
      "body": "",
      "date": "2026-11-30",
      "time": "21:15",
      "tags": [],
      "starred": true,
      "uuid": "5E4B8F0A"
    }
  ]
}
JSON
fresh_db
run_cmd env TZ=CET-1 "$MB_BIN" --db "$DB" import --format jrnl "$T/journal.json"
expect_eq "import --format jrnl exits 0" 0 "$RC"
expect_eq "import --format jrnl reports what it did" "imported 2 posts (1 new user)" "$OUT"
expect_eq "jrnl: title and body joined by a space, local date and time, the default author" \
"tester|1795939200|Called in sick. Used the time to clean the house é @work
tester|1796069700|A title only" \
    "$(sql "SELECT u.username, p.timestamp, p.body FROM post p JOIN user u ON u.id = p.user_id ORDER BY p.id")"
run_cmd mb import --format jrnl --as bob "$T/journal.json"
expect_eq "import --format jrnl --as bob" "imported 2 posts (1 new user)" "$OUT"

before=$(dump)
bad_jrnl() {  # bad_jrnl NAME FILE-CONTENT EXPECTED-MESSAGE
    printf '%s\n' "$2" >"$T/bad.json"
    run_cmd mb import --format jrnl "$T/bad.json"
    expect_eq "jrnl $1: exits 1" 1 "$RC"
    expect_eq "jrnl $1: says where, in one line" "microblog-tui: $T/bad.json$3" "$ERR"
    expect_eq "jrnl $1: imports nothing" "$before" "$(dump)"
}
long=$(printf 'y%.0s' $(seq 131))
bad_jrnl "an entry too long" \
    "{\"tags\":{},\"entries\":[{\"title\":\"ok\",\"body\":\"\",\"date\":\"2026-11-29\",\"time\":\"09:00\"},
{\"title\":\"Too long.\",\"body\":\"$long\",\"date\":\"2026-11-30\",\"time\":\"21:15\"}]}" \
    ": entry 2 (2026-11-30 21:15): the post is 141 characters long; the limit is 140"
bad_jrnl "broken JSON" '{"entries": [
  {"title": "x",' ":3: invalid JSON: string or '}' expected near end of file"
bad_jrnl "not an export" '[1, 2]' \
    ': not a jrnl JSON export (expected {"tags":{...},"entries":[...]})'
bad_jrnl "an entry without a date" '{"entries":[{"title":"x","body":"","time":"09:00"}]}' \
    ': entry 1: "date" and "time" must be strings ("2026-11-29", "14:05")'
bad_jrnl "an impossible time" '{"entries":[{"title":"x","date":"2026-11-29","time":"25:00"}]}' \
    ": entry 1 (2026-11-29 25:00): '2026-11-29 25:00' is not a time of day"
bad_jrnl "an empty entry" '{"entries":[{"title":" ","body":"\n","date":"2026-11-29","time":"09:00"}]}' \
    ": entry 1 (2026-11-29 09:00): the post is empty"

# ---- Markdown out ------------------------------------------------------------
fresh_db
mb import "$T/seed.jsonl" >/dev/null
run_cmd mb export --format markdown
expect_eq "export --format markdown exits 0" 0 "$RC"
expect_eq "markdown: a heading per day, a line per post, the body escaped" \
'## 2026-11-29

- 13:05 **tester**: Hello twtxt
- 23:30 **tester**: two\
  lines and a tab 😀

## 2026-11-30

- 08:00 **susan**: # \*not\* \[a link\](x) \<b\>\&amp;\</b\> a\_b\
  \- no list\
  1\. no list either' "$OUT"
run_cmd env TZ=JST-9 "$MB_BIN" --db "$DB" export --format markdown --user tester
expect_eq "markdown: days are local days" \
'## 2026-11-29

- 22:05 **tester**: Hello twtxt

## 2026-11-30

- 08:30 **tester**: two\
  lines and a tab 😀' "$OUT"
run_cmd "$MB_BIN" --db "$(new_db empty)" export --format markdown
expect_eq "markdown of an empty journal is empty" "0|" "$RC|$OUT"

# ---- usage -----------------------------------------------------------------
before=$(dump)
run_cmd mb export --format html
expect_eq "an unknown export format is a usage error" 2 "$RC"
expect_contains "an unknown export format lists the formats" "$ERR" \
    "unknown --format 'html' (jsonl, twtxt, markdown)"
run_cmd mb import --format markdown "$T/seed.jsonl"
expect_eq "markdown cannot be imported" 2 "$RC"
expect_contains "import lists its formats" "$ERR" "unknown --format 'markdown' (jsonl, twtxt, jrnl)"
run_cmd mb import --as ann "$T/seed.jsonl"
expect_eq "--as with JSON Lines is a usage error" 2 "$RC"
expect_contains "--as with JSON Lines says why" "$ERR" "JSON Lines name their authors"
run_cmd mb import --format twtxt --as "a b" "$T/tester.txt"
expect_eq "a bad --as name exits 1" 1 "$RC"
expect_contains "a bad --as name is explained" "$ERR" "the username may not contain spaces"
expect_eq "usage errors import nothing" "$before" "$(dump)"

# ---- JSON Lines timestamps go through the same parser ----------------------
fresh_db
printf '{"author":"ann","timestamp":"2026-11-29T15:05:30+01:00","body":"an offset"}\n' >"$T/offset.jsonl"
run_cmd mb import "$T/offset.jsonl"
expect_eq "a JSON Lines timestamp may carry an offset" "1795961130" "$(sql 'SELECT timestamp FROM post')"
before=$(dump)
printf '{"author":"ann","timestamp":"1970-01-01T00:00:00Z","body":"the epoch"}\n' >"$T/epoch.jsonl"
run_cmd mb import "$T/epoch.jsonl"
expect_eq "a JSON Lines timestamp at the epoch is refused (it would read as now)" \
    "1|microblog-tui: $T/epoch.jsonl:1: \"timestamp\": '1970-01-01T00:00:00Z' is at or before 1970-01-01T00:00:00Z" "$RC|$ERR"
expect_eq "the epoch imports nothing" "$before" "$(dump)"

# ---- JSON Lines: replies come back answering the same posts ----------------
fresh_db
mb post first >/dev/null
mb post gone >/dev/null
mb post --reply-to 1 a reply >/dev/null
mb post --reply-to 3 a reply to the reply >/dev/null
mb post del 2 --yes >/dev/null
sql "UPDATE post SET timestamp = 1795961130 + id"
mb export >"$T/thread.jsonl"
copy=$(new_db thread) || exit 1
run_cmd "$MB_BIN" --db "$copy" import "$T/thread.jsonl"
expect_eq "a thread imports" "imported 3 posts (1 new user)" "$OUT"
expect_eq "replies answer the same posts under their new ids" \
'{"id":1,"author":"tester","timestamp":"2026-11-29T14:05:31Z","body":"first"}
{"id":2,"author":"tester","timestamp":"2026-11-29T14:05:33Z","body":"a reply","reply_to":1,"reply_to_author":"tester"}
{"id":3,"author":"tester","timestamp":"2026-11-29T14:05:34Z","body":"a reply to the reply","reply_to":2,"reply_to_author":"tester"}' \
    "$("$MB_BIN" --db "$copy" export)"
copy=$(new_db thread2) || exit 1
"$MB_BIN" --db "$copy" import "$T/thread.jsonl" >/dev/null
"$MB_BIN" --db "$copy" export >"$T/thread2.jsonl"
fresh_db
mb import "$T/thread2.jsonl" >/dev/null
expect_eq "JSON Lines -> JSON Lines is exact when the ids run from 1" "$(cat "$T/thread2.jsonl")" "$(mb export)"
# Two exports one after the other: each reply ties to its own file's post.
cat "$T/thread2.jsonl" "$T/thread2.jsonl" >"$T/twice.jsonl"
fresh_db
mb import "$T/twice.jsonl" >/dev/null
expect_eq "two exports in one file keep their own threads" "0|1|2|0|4|5" \
    "$(sql 'SELECT coalesce(reply_to, 0) FROM post ORDER BY id' | paste -sd'|')"
printf '{"id":9,"author":"ann","reply_to":4,"body":"answers nothing here"}\n' >"$T/orphan.jsonl"
run_cmd mb import "$T/orphan.jsonl"
expect_eq "a reply to a post not in the file comes in as a plain post" "0" \
    "$(sql "SELECT coalesce(reply_to, 0) FROM post WHERE body = 'answers nothing here'")"

# ---- on a terminal, nothing it would obey ---------------------------------
fresh_db
printf '{"author":"ann","timestamp":"2026-11-29T10:00:00Z","body":"left \\u202e right"}\n' >"$T/bidi.jsonl"
mb import "$T/bidi.jsonl" >/dev/null
expect_eq "twtxt into a file keeps the bytes (a bidi control too)" \
    "2026-11-29T10:00:00+00:00${TAB}left $(printf '\342\200\256') right" "$(mb export --format twtxt)"
if command -v script >/dev/null 2>&1; then
    tty_out=$(script -qec "'$MB_BIN' --db '$DB' export --format twtxt" /dev/null | tr -d '\r')
    expect_eq "twtxt on a terminal is sanitized" \
        "2026-11-29T10:00:00+00:00${TAB}left $(printf '\357\277\275') right" "$tty_out"
else
    echo "ok - twtxt on a terminal is sanitized # SKIP script(1) is not installed"
fi
expect_eq "markdown is sanitized everywhere" \
    "- 10:00 **ann**: left $(printf '\357\277\275') right" "$(mb export --format markdown | tail -n 1)"

# ---- security review of issue 12 -------------------------------------------
# A leap second (RFC 3339 :60, as a clock wrote it) reads as the second
# before it; one second past the epoch is the first accepted.
fresh_db
printf '2016-12-31T23:59:60Z\tleap\n1970-01-01T00:00:01Z\tfirst second\n' >"$T/leap.txt"
run_cmd mb import --format twtxt --as ann "$T/leap.txt"
expect_eq "twtxt: a leap second and the second after the epoch import" \
    "0|1483228799 leap,1 first second" "$RC|$(sql 'SELECT timestamp, body FROM post ORDER BY id' | tr '|\n' ' ,' | sed 's/,$//')"
# GFM's bare links (https://..., www....) are text in the Markdown export.
printf '{"author":"ann","timestamp":"2026-11-29T10:00:00Z","body":"see https://evil.example/x, www.evil.example and WWW.Evil.example at 14:05"}\n' >"$T/links.jsonl"
mb import "$T/links.jsonl" >/dev/null
run_cmd mb export --format markdown
expect_eq "markdown: ':' and the '.' after www are escaped" \
    '- 10:00 **ann**: see https\://evil.example/x, www\.evil.example and WWW\.Evil.example at 14\:05' \
    "$(printf '%s\n' "$OUT" | tail -n 1)"
if command -v cmark-gfm >/dev/null 2>&1; then
    html=$(printf '%s\n' "$OUT" | cmark-gfm -e autolink)
    expect_not_contains "markdown: cmark-gfm with autolinks makes no link of them" "$html" "<a "
    expect_contains "... and shows the text as written" "$html" \
        "see https://evil.example/x, www.evil.example and WWW.Evil.example at 14:05"
else
    echo "ok - markdown rendered by cmark-gfm # SKIP cmark-gfm is not installed (apt-get install cmark-gfm)"
fi
# A jrnl export is read whole (its tree up to ~76 times the file): at most
# 8 MiB, past that one line says to split it.
jrnl_of_size() {  # jrnl_of_size BYTES FILE: an empty export padded with blanks
    { printf '{"tags":{},"entries":['; head -c $(($1 - 24)) /dev/zero | tr '\0' ' '; printf ']}'; } >"$2"
}
jrnl_of_size 8388608 "$T/at-cap.json"
expect_eq "a jrnl export of 8 MiB is read" "8388608" "$(wc -c <"$T/at-cap.json" | tr -d ' ')"
run_cmd mb import --format jrnl "$T/at-cap.json"
expect_eq "... and imports" "0" "$RC"
jrnl_of_size 8388609 "$T/over-cap.json"
before=$(dump)
run_cmd mb import --format jrnl "$T/over-cap.json"
expect_eq "a jrnl export over 8 MiB is refused in one line saying to split it" \
    "1|microblog-tui: $T/over-cap.json: larger than 8 MiB: split it (jrnl -from DATE -to DATE --export json) and import each part" \
    "$RC|$ERR"
expect_eq "... and imports nothing" "$before" "$(dump)"
