#!/bin/sh
# Posts from the shell: the default author created on first use, the
# 140-character rule counted in code points, passwords, stdin bodies,
# listing with --user/--limit/--before, local time, post show and del.
. "$MB_ROOT/tests/lib.sh"


# The config's user (USER=tester in tests/lib.sh) is created on first use.
run_cmd mb post hello journal
expect_eq "post without --as exits 0" 0 "$RC"
expect_contains "post says it created the default author" "$OUT" "created user 'tester' (no password)"
expect_contains "post reports the id" "$OUT" "posted 1 as tester"
expect_eq "the default author has no password" "tester|0" \
    "$(sql 'SELECT username, CAST(password_hash IS NOT NULL AS INTEGER) FROM user')"
run_cmd mb post again
expect_eq "the second post does not create the author again" "posted 2 as tester" "$OUT"

# 140 emoji fit, 141 do not (each is 4 bytes of UTF-8).
emoji140=$(i=0; while [ $i -lt 140 ]; do printf '\360\237\230\200'; i=$((i + 1)); done)
before=$(dump)
run_cmd mb post "${emoji140}😀"
expect_eq "141 emoji exit 1" 1 "$RC"
expect_eq "141 emoji are explained in one line" \
    "microblog-tui: the post is 141 characters long; the limit is 140" "$ERR"
expect_eq "141 emoji left the database unchanged" "$before" "$(dump)"
run_cmd mb post "$emoji140"
expect_eq "140 emoji exit 0" 0 "$RC"
expect_eq "140 emoji are stored whole" "$emoji140" "$(sql 'SELECT body FROM post WHERE id = 3')"

before=$(dump)
run_cmd mb post --as nobody hi
expect_eq "post --as an unknown user exits 1" 1 "$RC"
expect_eq "post --as an unknown user says so" "microblog-tui: no user 'nobody'" "$ERR"
expect_eq "post --as nobody left the database unchanged" "$before" "$(dump)"
run_cmd mb post "   "
expect_eq "a blank post exits 1" 1 "$RC"
expect_eq "a blank post left the database unchanged" "$before" "$(dump)"

# A new database is not created by a post that is refused.
run_cmd "$MB_BIN" --db "$T/new.db" post "${emoji140}x"
expect_eq "a refused post on a new path exits 1" 1 "$RC"
check "a refused post creates no database" test ! -e "$T/new.db"

# Words are joined by single spaces; "post -" reads stdin.
run_cmd mb post -- -5 degrees  today
expect_eq "text after -- may start with a dash" 0 "$RC"
expect_eq "words are joined by spaces" "-5 degrees today" \
    "$(sql 'SELECT body FROM post ORDER BY id DESC LIMIT 1')"
run_cmd sh -c 'printf "from stdin\n" | "$0" --db "$1" post -' "$MB_BIN" "$DB"
expect_eq "post - exits 0" 0 "$RC"
expect_eq "post - strips the trailing newline" "from stdin" \
    "$(sql 'SELECT body FROM post ORDER BY id DESC LIMIT 1')"
expect_eq "post - keeps nothing else" "10" \
    "$(sql 'SELECT length(body) FROM post ORDER BY id DESC LIMIT 1')"
run_cmd sh -c 'printf "" | "$0" --db "$1" post -' "$MB_BIN" "$DB"
expect_eq "post - with empty stdin exits 1" 1 "$RC"

# A user with a password must give it.
printf 'pw1\n' | mb user add john --password-stdin >/dev/null
before=$(dump)
run_cmd sh -c 'printf "wrong\n" | "$0" --db "$1" post --as john --password-stdin hi' "$MB_BIN" "$DB"
expect_eq "a wrong password exits 1" 1 "$RC"
expect_eq "a wrong password is one line" "microblog-tui: wrong password for 'john'" "$ERR"
expect_eq "a wrong password left the database unchanged" "$before" "$(dump)"
run_cmd mb post --as john hi </dev/null
expect_eq "no password and no terminal exits 1" 1 "$RC"
expect_contains "no password and no terminal says to use --password-stdin" "$ERR" "--password-stdin"
expect_eq "no password left the database unchanged" "$before" "$(dump)"
run_cmd sh -c 'printf "pw1\n" | "$0" --db "$1" post --as john --password-stdin hi there' "$MB_BIN" "$DB"
expect_eq "the right password exits 0" 0 "$RC"
expect_eq "the right password posts" "hi there|john" \
    "$(sql 'SELECT p.body, u.username FROM post p JOIN user u ON u.id = p.user_id ORDER BY p.id DESC LIMIT 1')"
run_cmd mb post --as john --password-stdin -
expect_eq "password and body both from stdin is a usage error" 2 "$RC"

# Listing: newest first, --limit, --before, --user; local time honours TZ.
sql "UPDATE post SET timestamp = 1700000000 + id * 60"
run_cmd mb posts --limit 2
expect_eq "posts --limit 2 prints two lines" 2 "$(printf '%s\n' "$OUT" | wc -l)"
expect_eq "posts are newest first" "hi there" "$(printf '%s\n' "$OUT" | head -n 1 | sed 's/.*  //')"
run_cmd mb posts --before 2
expect_eq "posts --before 2 shows only post 1" "hello journal" "$(printf '%s\n' "$OUT" | sed 's/.*  //')"
run_cmd mb posts --user john --json
expect_eq "posts --user john shows only john's" 1 "$(printf '%s\n' "$OUT" | wc -l)"
run_cmd mb posts --before 2
expect_eq "local time in UTC" "1  tester  2023-11-14 22:14  hello journal" "$OUT"
run_cmd env TZ=JST-9 "$MB_BIN" --db "$DB" posts --before 2
expect_eq "local time follows TZ" "1  tester  2023-11-15 07:14  hello journal" "$OUT"
run_cmd mb posts
expect_eq "ids and authors are aligned" "6  john    2023|5  tester  2023" \
    "$(printf '%s\n' "$OUT" | sed -n '1p;2p' | cut -c1-15 | paste -sd'|')"
run_cmd mb posts --before 999
expect_eq "posts --before an unknown id exits 1" 1 "$RC"
run_cmd mb posts --user nobody
expect_eq "posts --user nobody exits 1" 1 "$RC"
expect_eq "posts --user nobody says so" "microblog-tui: no user 'nobody'" "$ERR"
for bad in 0 -1 1x " 5" +5 99999999999999999999999; do
    run_cmd mb posts --limit "$bad"
    expect_eq "posts --limit '$bad' is a usage error" 2 "$RC"
done

# post show and post del.
run_cmd mb post show 1
expect_eq "post show exits 0" 0 "$RC"
expect_eq "post show prints the post" "id:      1
author:  tester
time:    2023-11-14 22:14:20

hello journal" "$OUT"
run_cmd mb post show 999
expect_eq "post show of a missing post exits 1" 1 "$RC"
expect_eq "post show of a missing post says so" "microblog-tui: no post 999" "$ERR"
run_cmd mb post show abc
expect_eq "post show abc is a usage error" 2 "$RC"
before=$(dump)
run_cmd mb post del 1 </dev/null
expect_eq "post del without a terminal or --yes exits 1" 1 "$RC"
expect_eq "post del refused left the database unchanged" "$before" "$(dump)"
run_cmd mb post del 1 --yes
expect_eq "post del --yes exits 0" 0 "$RC"
expect_eq "post del --yes deletes" "0" "$(sql 'SELECT count(*) FROM post WHERE id = 1')"

# --since and --until (core/when): since inclusive, until exclusive, a day
# whole for either bound, in local time; the relative forms count back
# from now. Four posts by ann around the leap day 2024-02-29 (UTC), three
# recent ones by bob.
fresh_db
now=$(date +%s)
utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
{
    for stamp in 2024-02-28T23:59:59Z 2024-02-29T00:00:00Z 2024-02-29T23:59:59Z 2024-03-01T00:00:00Z; do
        printf '{"author":"ann","timestamp":"%s","body":"at %s"}\n' "$stamp" "$stamp"
    done
    for ago in 864000 172800 10800; do
        printf '{"author":"bob","timestamp":"%s","body":"%s s ago"}\n' "$(utc $((now - ago)))" "$ago"
    done
} >"$T/dated.jsonl"
mb import "$T/dated.jsonl" >/dev/null
bodies() {  # bodies ARGS...: the bodies posts ARGS lists, oldest first, one line
    mb posts --limit 100 "$@" --json | sed 's/.*"body":"\([^"]*\)".*/\1/' | tac | paste -sd'|'
}
expect_eq "--since DAY --until DAY is that whole day" \
    "at 2024-02-29T00:00:00Z|at 2024-02-29T23:59:59Z" \
    "$(bodies --user ann --since 2024-02-29 --until 2024-02-29)"
expect_eq "--until a time leaves that second out" \
    "at 2024-02-28T23:59:59Z|at 2024-02-29T00:00:00Z" \
    "$(bodies --user ann --until 2024-02-29T23:59:59Z)"
expect_eq "--since a time keeps that second" \
    "at 2024-02-29T23:59:59Z|at 2024-03-01T00:00:00Z" \
    "$(bodies --user ann --since '2024-03-01 00:59:59+01:00')"
expect_eq "a day is the local day (TZ)" \
    "at 2024-02-28T23:59:59Z|at 2024-02-29T00:00:00Z" \
    "$(TZ=CET-1; export TZ; bodies --user ann --since 2024-02-29 --until 2024-02-29)"
expect_eq "--since 7d: the last seven days" "172800 s ago|10800 s ago" "$(bodies --user bob --since 7d)"
expect_eq "--since 2w --until 12h" "864000 s ago|172800 s ago" "$(bodies --user bob --since 2w --until 12h)"
expect_eq "--since 240m" "10800 s ago" "$(bodies --user bob --since 240m)"
expect_eq "--since a UTC time --until now, with --limit" "10800 s ago" \
    "$(bodies --since "$(utc $((now - 10860)))" --until now --limit 1)"
before=$(dump)
run_cmd mb posts --since x
expect_eq "an unreadable --since is a usage error" 2 "$RC"
expect_eq "an unreadable --since says what to write, in one line" \
    "microblog-tui: --since: cannot read 'x' as a date (try 2026-11-29, today, 7d)" "$ERR"
run_cmd mb posts --until 2026-02-30
expect_eq "an impossible --until is a usage error" 2 "$RC"
expect_eq "an impossible --until says so" \
    "microblog-tui: --until: '2026-02-30' is not a day of the calendar" "$ERR"
run_cmd mb posts --since today --until yesterday
expect_eq "--since after --until exits 1" 1 "$RC"
expect_eq "--since after --until says no post can match" \
    "microblog-tui: --since today is not before --until yesterday: no post can match" "$ERR"
expect_eq "refused filters change nothing" "$before" "$(dump)"
