#!/bin/sh
# The journal commands as a user runs them (issue 12): #tags (tags with
# counts, --json, pages; posts --tag in any case), posts --search (every
# word, never a query syntax error), private entries (post --private with
# the passphrase from stdin or typed twice on a terminal for the first,
# posts --unlock showing them, everyone else seeing only the placeholder,
# left out of export and of search and tags, never edited, and their text
# nowhere in the database where a public post's is found); every refusal
# one line on stderr, a non-zero exit and the database unchanged.
. "$MB_ROOT/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "ok - $TEST_NAME # SKIP no python3 to parse JSON"; exit 0; }

# ids OUTPUT: the post ids of a terminal listing, "3 2 1".
ids() { printf '%s\n' "$1" | awk 'NF { printf "%s%s", sep, $1; sep = " " }'; }

for u in alice bob carol; do mb user add $u --no-password >/dev/null; done
printf 'pw\n' | mb user add dave --password-stdin >/dev/null

for words in tags post posts; do
    # shellcheck disable=SC2086
    run_cmd mb $words --help
    expect_contains "'$words --help' prints its usage" "$OUT" "usage: microblog-tui $words"
done
run_cmd mb post --help
expect_contains "post --help offers --private" "$OUT" "--private"
run_cmd mb posts --help
expect_contains "posts --help offers --tag" "$OUT" "--tag WORD"
expect_contains "posts --help offers --search" "$OUT" "--search QUERY"
expect_contains "posts --help offers --unlock" "$OUT" "--unlock"

# ---- tags --------------------------------------------------------------
mb post --as alice "Hello #World and #work, C# is no tag, nor #12" >/dev/null   # 1
mb post --as bob "#Work again, with #caf$(printf '\303\251')" >/dev/null          # 2
mb post --as alice "no tags here, @alice" >/dev/null                             # 3
run_cmd mb tags
expect_eq "tags lists each tag with its posts, in order" "1  #café
2  #work
1  #world" "$OUT"
expect_eq "tags exits 0" 0 "$RC"
run_cmd mb tags --json
expect_eq "tags --json" "café:1 work:2 world:1" \
    "$(printf '%s\n' "$OUT" | json_field '" ".join("%s:%d" % (r["tag"], r["posts"]) for r in rows)')"
run_cmd mb tags --limit 1 --after '#CAFÉ'
expect_eq "tags --after --limit is the next page" "2  #work" "$OUT"
refused "tags --after a non-tag" 2 "microblog-tui: --after: not a tag: a tag is one word of letters, digits and _, with a letter (at most 64 characters)" \
    mb tags --after "a b"
expect_eq "an author mentioning themself is no mention" 0 "$(sql 'SELECT count(*) FROM mention')"

run_cmd mb posts --tag WORK
expect_eq "posts --tag, any case, newest first" "2 1" "$(ids "$OUT")"
run_cmd mb posts --tag '#work' --user alice
expect_eq "posts --tag combines with --user" "1" "$(ids "$OUT")"
run_cmd mb posts --tag work --json
expect_eq "posts --tag --json" "2 1" \
    "$(printf '%s\n' "$OUT" | json_field '" ".join(str(r["id"]) for r in rows)')"
run_cmd mb posts --tag nothing
expect_eq "an unknown tag lists nothing" "0|" "$RC|$OUT"
refused "posts --tag a non-tag" 1 "microblog-tui: not a tag: a tag is one word of letters, digits and _, with a letter (at most 64 characters)" \
    mb posts --tag 12

mb post edit 1 --as alice "Hello again #world" >/dev/null
run_cmd mb tags
expect_eq "an edit records its tags again" "1  #café
1  #work
1  #world" "$OUT"

# ---- search ------------------------------------------------------------
run_cmd mb posts --search HELLO
expect_eq "posts --search finds a word in any case" "1" "$(ids "$OUT")"
run_cmd mb posts --search "again world"
expect_eq "posts --search: every word" "1" "$(ids "$OUT")"
run_cmd mb posts --search "again"
expect_eq "posts --search newest first" "2 1" "$(ids "$OUT")"
run_cmd mb posts --search "again" --user bob --since 2000-01-01
expect_eq "posts --search combines with the other filters" "2" "$(ids "$OUT")"
for query in '"again' 'again AND' 'NEAR(again' 'again*' 'body:again' '(again)' '^again'; do
    run_cmd mb posts --search "$query"
    expect_eq "posts --search '$query' is words, never an error" "0|" "$RC|$ERR"
done
refused "a search without words" 1 "microblog-tui: the search has no words (letters or digits)" \
    mb posts --search '""'

# ---- private entries ---------------------------------------------------
refused "post --private with --reply-to" 2 "microblog-tui: a private entry answers no post (--reply-to)" \
    mb post --as alice --private --reply-to 1 hello
before=$(dump)
printf 'correct horse\n' | mb post --as alice --private --password-stdin "dear diary zebrasecret #hidden @bob" >"$T/out" 2>"$T/err"
expect_eq "post --private says what it wrote" "posted private entry 4 as alice" "$(cat "$T/out")"
expect_eq "the entry's row holds the placeholder" "(private entry)|1" \
    "$(sql 'SELECT body, private FROM post WHERE id = 4')"
expect_eq "a private entry records no tags or mentions" "0|0" \
    "$(sql 'SELECT (SELECT count(*) FROM tag WHERE post_id = 4), (SELECT count(*) FROM mention WHERE post_id = 4)')"
run_cmd mb posts
expect_contains "everyone sees that it exists" "$OUT" "4  alice  "
expect_contains "and nothing more" "$OUT" "(private entry)"
expect_not_contains "not its text" "$OUT" "zebrasecret"
run_cmd mb posts --json --limit 1
expect_eq "posts --json marks it private" "(private entry)|True" \
    "$(printf '%s\n' "$OUT" | json_field '"%s|%s" % (rows[0]["body"], rows[0]["private"])')"
printf 'correct horse\n' | mb posts --as alice --unlock --password-stdin --limit 1 >"$T/out" 2>"$T/err"
expect_contains "posts --unlock shows the author their entry" "$(cat "$T/out")" \
    "dear diary zebrasecret #hidden @bob (private)"
printf 'correct horse\n' | mb posts --as alice --unlock --password-stdin --json --limit 1 >"$T/out"
expect_eq "posts --unlock --json: the text, marked private" "dear diary zebrasecret #hidden @bob|True" \
    "$(json_field '"%s|%s" % (rows[0]["body"], rows[0]["private"])' <"$T/out")"
refused "posts --unlock with a wrong passphrase" 1 "microblog-tui: wrong passphrase" \
    sh -c "printf 'wrong horse\n' | $MB_WRAP '$MB_BIN' --db '$DB' posts --as alice --unlock --password-stdin"
refused "post --private with a wrong passphrase" 1 "microblog-tui: wrong passphrase" \
    sh -c "printf 'wrong horse\n' | $MB_WRAP '$MB_BIN' --db '$DB' post --as alice --private --password-stdin second"
refused "posts --unlock of an author without entries" 1 "microblog-tui: 'bob' has no private entries yet (post --private TEXT writes the first)" \
    sh -c "printf 'x\n' | $MB_WRAP '$MB_BIN' --db '$DB' posts --as bob --unlock --password-stdin"
refused "posts --password-stdin without --unlock" 2 "microblog-tui: --password-stdin goes with --unlock" \
    mb posts --password-stdin
refused "an empty passphrase" 1 "microblog-tui: the passphrase is empty" \
    sh -c "printf '\n' | $MB_WRAP '$MB_BIN' --db '$DB' post --as bob --private --password-stdin hi"
refused "a first passphrase of 7 characters" 1 "microblog-tui: the passphrase is too short: at least 8 characters (it is all that guards your private entries)" \
    sh -c "printf 'seven77\n' | $MB_WRAP '$MB_BIN' --db '$DB' post --as bob --private --password-stdin hi"
refused "editing a private entry" 1 "microblog-tui: private entries cannot be edited yet" \
    mb post edit 4 --as alice "in the clear"
# An author with a password: the passphrase first, then the password.
printf 'dave phrase\npw\n' | mb post --as dave --private --password-stdin "dave's zebrasecret" >"$T/out" 2>"$T/err"
expect_eq "post --private as a user with a password" "posted private entry 5 as dave|" \
    "$(cat "$T/out")|$(cat "$T/err")"
printf 'dave phrase\n' | mb posts --as dave --unlock --password-stdin --user dave >"$T/out" 2>"$T/err"
expect_contains "dave reads his entry" "$(cat "$T/out")" "dave's zebrasecret (private)"
expect_not_contains "dave does not read alice's" "$(cat "$T/out")" "dear diary"

run_cmd mb posts --search zebrasecret
expect_eq "a private entry is never found by a search" "0|" "$RC|$OUT"
run_cmd mb posts --search "private entry"
expect_eq "nor its placeholder" "0|" "$RC|$OUT"
run_cmd mb tags
expect_not_contains "nor are its tags listed" "$OUT" "#hidden"
run_cmd mb export
expect_not_contains "export leaves private entries out" "$OUT" "private entry"
expect_eq "export keeps the rest" "3" "$(printf '%s\n' "$OUT" | grep -c .)"

# The text is nowhere in the database; a public post's is.
mb post --as bob "zebrapublic in the open" >/dev/null
if sqlite_backend; then
    mb posts >/dev/null
    found=$(cat "$DB" "$DB-wal" 2>/dev/null | grep -c zebrasecret)
    expect_eq "the SQLite file and its -wal never hold a private text" 0 "$found"
    found=$(cat "$DB" "$DB-wal" 2>/dev/null | grep -c zebrapublic)
    check "... where a public post's text is found" [ "$found" -gt 0 ]
else
    expect_eq "no row of the server database holds a private text" "0" \
        "$(sql "SELECT (SELECT count(*) FROM post t WHERE t::text LIKE '%zebrasecret%')
                     + (SELECT count(*) FROM private_entry t WHERE t::text LIKE '%zebrasecret%')
                     + (SELECT count(*) FROM tag t WHERE t::text LIKE '%zebrasecret%')")"
    expect_eq "... where a public post's text is found" "1" \
        "$(sql "SELECT count(*) FROM post t WHERE t::text LIKE '%zebrapublic%'")"
fi

# On a terminal: the first entry's passphrase is typed twice.
if command -v script >/dev/null 2>&1; then
    on_terminal() {
        first=$1 second=$2
        shift 2
        # At most 20 s: a program that waits for more input fails, not hangs.
        (sleep 1; printf '%s\n' "$first"; sleep 1; printf '%s\n' "$second"; sleep 1) |
            timeout 20 script -qec "$*" /dev/null | tr -d '\r'
    }
    out=$(on_terminal "one horse" "two horses" "$MB_BIN --db '$DB' post --as carol --private carol")
    expect_contains "a first passphrase typed twice must match" "$out" "the passphrases do not match"
    expect_eq "... and nothing is written" 0 "$(sql "SELECT count(*) FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = 'carol'")"
    out=$(on_terminal "one horse" "one horse" "$MB_BIN --db '$DB' post --as carol --private carol")
    expect_contains "a first passphrase is asked twice" "$out" "Again: "
    expect_contains "... and the entry written" "$out" "posted private entry"
    out=$(on_terminal "one horse" "" "$MB_BIN --db '$DB' post --as carol --private again")
    expect_not_contains "a later entry's passphrase is asked once" "$out" "Again: "
    expect_contains "... and the entry written" "$out" "posted private entry"

    # The text of `post --private TEXT` is gone from the process's command
    # line (/proc/PID/cmdline, what ps shows everyone) while the passphrase
    # is asked. The binary is run as $T/mbargv to be found by its argv[0].
    ln -s "$MB_BIN" "$T/mbargv"
    (sleep 3; printf 'one horse\n'; sleep 1) |
        timeout 20 script -qec "'$T/mbargv' --db '$DB' post --as carol --private zebraargv hidden words" /dev/null \
        >"$T/argv.out" 2>&1 &
    script_pid=$!
    cmdline="" tries=0
    while [ -z "$cmdline" ] && [ $tries -lt 25 ]; do
        sleep 0.1
        tries=$((tries + 1))
        for pid in $(pgrep -x mbargv); do
            line=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
            case "$line" in "$T/mbargv "*) cmdline=$line ;; esac
        done
    done
    sleep 0.5  # the arguments are read: now at the passphrase prompt
    for pid in $(pgrep -x mbargv); do
        line=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
        case "$line" in "$T/mbargv "*) cmdline=$line ;; esac
    done
    expect_contains "post --private TEXT is found waiting at the prompt" "$cmdline" "post --as carol --private"
    expect_not_contains "... its text is not in /proc/PID/cmdline" "$cmdline" "zebraargv"
    expect_not_contains "... no word of it" "$cmdline" "hidden"
    wait "$script_pid"
    expect_contains "... and the entry is written whole" "$(tr -d '\r' <"$T/argv.out")" "posted private entry"
    printf 'one horse\n' | mb posts --as carol --unlock --password-stdin --limit 1 >"$T/out" 2>&1
    expect_contains "... as typed" "$(cat "$T/out")" "zebraargv hidden words (private)"

    # post --private - asks for the text without echo on a terminal.
    out=$(on_terminal "zebrastdin from a prompt" "one horse" "$MB_BIN --db '$DB' post --as carol --private -")
    expect_contains "post --private - asks for the text" "$out" "Private entry (not shown): "
    expect_not_contains "... without echo" "$out" "zebrastdin"
    expect_contains "... and writes it" "$out" "posted private entry"
    printf 'one horse\n' | mb posts --as carol --unlock --password-stdin --limit 1 >"$T/out" 2>&1
    expect_contains "... as typed" "$(cat "$T/out")" "zebrastdin from a prompt (private)"
else
    echo "ok - passphrases on a terminal # SKIP no script(1)"
fi

# ---- limits (security review of issue 12) ------------------------------
# A letter that folds to nothing (U+3164) or to words and spaces (U+FDFA)
# is no tag: no empty tag, no tag of four words.
mb post --as bob "#$(printf '\343\205\244') and #$(printf '\357\267\272') and #kept" >/dev/null
run_cmd mb tags --json
expect_eq "tags that fold to nothing or to several words are not recorded" "kept" \
    "$(printf '%s\n' "$OUT" | json_field '" ".join(r["tag"] for r in rows if r["tag"] in ("kept", "") or " " in r["tag"])')"
refused "posts --tag of a letter that folds to nothing" 1 "microblog-tui: not a tag: a tag is one word of letters, digits and _, with a letter (at most 64 characters)" \
    mb posts --tag "$(printf '\343\205\244')"
# A search is at most 16 words (a repeat counts) and 1024 bytes.
run_cmd mb posts --search "kept kept kept kept kept kept kept kept kept kept kept kept kept kept kept kept"
expect_eq "a word given again in a search is looked for once" "0|1" "$RC|$(printf '%s\n' "$OUT" | grep -c .)"
refused "a search of 17 words" 1 "microblog-tui: the search has more than 16 words" \
    mb posts --search "a b c d e f g h i j k l m n o p q"
refused "a search of 17 words, repeats counted" 1 "microblog-tui: the search has more than 16 words" \
    mb posts --search "kept kept kept kept kept kept kept kept kept kept kept kept kept kept kept kept kept"
refused "a search longer than 1024 bytes" 1 "microblog-tui: the search is longer than 1024 bytes" \
    mb posts --search "$(python3 -c 'print(" ".join(["w%d" % i for i in range(3000)]))')"
