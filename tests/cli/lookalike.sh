#!/bin/sh
# Usernames that look alike (issue 9.5): after NFKC_Casefold or by their
# confusable skeleton (Unicode TS #39, ICU). A refusal names the existing
# user and writes nothing; a database made before revision 0003 that
# already holds such a pair still upgrades, and `db check` lists the pairs.
. "$MB_ROOT/tests/lib.sh"

users() { sql 'SELECT username FROM user ORDER BY id' | paste -sd' '; }

mb user add alice --no-password >/dev/null
mb user add 'ÄBC' --no-password >/dev/null
mb user add 'alíce' --no-password >/dev/null   # a different letter: allowed
before=$(users)
refused() {  # refused LABEL NAME EXISTING
    run_cmd mb user add "$2" --no-password
    expect_eq "$1 is refused (exit 1)" 1 "$RC"
    expect_eq "$1: the refusal names the existing user" \
        "microblog-tui: username '$2' looks like the existing user '$3'" "$ERR"
}
refused "Cyrillic а for a" 'аlice' alice
refused "capital I for l" 'aIice' alice
refused "full-width letters" 'ＡＬＩＣＥ' alice
refused "lower case of an accented upper case" 'äbc' 'ÄBC'
refused "decomposed accent" "$(printf 'ali\314\201ce')" 'alíce'
refused "digit one for l" 'a1ice' alice
for name in 'ᴀlice' "$(printf 'ali\314\262ce')" "$(printf 'alice\342\240\200')" \
            "$(printf 'ali\342\200\215ce')" "$(printf '\363\260\200\200x')"; do
    run_cmd mb user add "$name" --no-password
    expect_eq "a name with a character names do not use is refused (exit 1)" 1 "$RC"
    expect_contains "and the refusal says why" "$ERR" "microblog-tui: "
done
expect_eq "refusals write nothing" "$before" "$(users)"
run_cmd mb user add ALICE --no-password
expect_eq "plain case is still 'taken'" "microblog-tui: username 'ALICE' is taken" "$ERR"

# Posting as the default author goes through the same rule.
run_cmd env USER='аlice' "$MB_BIN" --db "$DB" post hello
expect_eq "a lookalike default author is not created" 1 "$RC"
expect_contains "the post's refusal names alice" "$ERR" "looks like the existing user 'alice'"

# A database from before 0003 with a pair upgrades, and db check lists it.
OLD=$(new_db old) || exit 1
"$MB_BIN" --db "$OLD" db upgrade 2 >/dev/null
sql_db "$OLD" "INSERT INTO user (username, created_at) VALUES ('bob', 1), ('bоb', 2), ('carol', 3);
                INSERT INTO post (body, timestamp, user_id) VALUES ('kept', 4, 2);"
run_cmd "$MB_BIN" --db "$OLD" db upgrade
expect_eq "a database holding a lookalike pair upgrades" 0 "$RC"
expect_contains "it goes through 0003" "$OUT" "upgraded to 0003 username keys"
expect_contains "it reaches the head" "$OUT" "upgraded to 0006 search index (head)"
expect_eq "the pair and the post are kept" "bob bоb carol|kept" \
    "$(sql_db "$OLD" 'SELECT username FROM user ORDER BY id' | paste -sd' ')|$(sql_db "$OLD" 'SELECT body FROM post')"
run_cmd "$MB_BIN" --db "$OLD" db check
expect_eq "db check exits 1 on a lookalike pair" 1 "$RC"
expect_contains "db check lists the pair" "$OUT" "usernames 'bob' and 'bоb' look alike"
expect_contains "db check says what to do" "$ERR" "some usernames look alike"
run_cmd "$MB_BIN" --db "$OLD" user add 'bоb2' --no-password
expect_eq "a name like no upgraded user's is still allowed" 0 "$RC"
run_cmd "$MB_BIN" --db "$OLD" user add 'b0b' --no-password
expect_contains "a new lookalike of an upgraded user is refused" "$ERR" "looks like the existing user 'bob'"
