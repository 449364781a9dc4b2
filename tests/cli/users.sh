#!/bin/sh
# Users from the shell: duplicates refused with the database unchanged,
# passwords from stdin, show, passwd, and deletion that needs --yes when
# there is no terminal to ask.
. "$MB_ROOT/tests/lib.sh"


mb user add john --email john@example.com >/dev/null
mb user add susan --email susan@example.com >/dev/null
before=$(dump)

run_cmd mb user add JOHN
expect_eq "a username differing only in case exits 1" 1 "$RC"
expect_eq "the duplicate username error is one line" "microblog-tui: username 'JOHN' is taken" "$ERR"
expect_eq "the duplicate username prints nothing" "" "$OUT"
expect_eq "the duplicate username left the database unchanged" "$before" "$(dump)"

run_cmd mb user add bob --email SUSAN@example.com
expect_eq "a taken email exits 1" 1 "$RC"
expect_contains "the taken email is named" "$ERR" "microblog-tui: email 'SUSAN@example.com' is taken"
expect_eq "the taken email error is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
expect_eq "the taken email left the database unchanged" "$before" "$(dump)"

run_cmd mb user add "bad name"
expect_eq "a username with a space exits 1" 1 "$RC"
expect_eq "a username with a space is explained" \
    "microblog-tui: the username may not contain spaces or control characters" "$ERR"
run_cmd mb user add ""
expect_eq "an empty username exits 1" 1 "$RC"
expect_contains "an empty username is explained" "$ERR" "microblog-tui: "
expect_eq "an empty username left the database unchanged" "$before" "$(dump)"

long=$(printf 'a%.0s' $(seq 65))
run_cmd mb user add "$long"
expect_eq "a 65-character username exits 1" 1 "$RC"
run_cmd mb user add "$(printf 'a%.0s' $(seq 64))"
expect_eq "a 64-character username is fine" 0 "$RC"
mb user del "$(printf 'a%.0s' $(seq 64))" --yes >/dev/null

run_cmd mb user add carol --email "not an email"
expect_eq "a malformed email exits 1" 1 "$RC"
expect_eq "a malformed email left the database unchanged" "$before" "$(dump)"

run_cmd mb user add x --password-stdin --no-password
expect_eq "--password-stdin with --no-password is a usage error" 2 "$RC"
expect_contains "the usage error shows the usage" "$ERR" "usage: microblog-tui user add"

# Passwords from stdin.
run_cmd sh -c 'printf "s3cret\n" | "$0" --db "$1" user add alice --password-stdin' "$MB_BIN" "$DB"
expect_eq "user add --password-stdin exits 0" 0 "$RC"
case "$(sql "SELECT password_hash FROM user WHERE username = 'alice'")" in
    '$argon2id$'*) ok "the password is stored as an Argon2id hash" ;;
    *) not_ok "the password is stored as an Argon2id hash" ;;
esac
expect_eq "the password itself is not stored" "0" \
    "$(sql "SELECT count(*) FROM user WHERE password_hash LIKE '%s3cret%'")"

run_cmd sh -c 'printf "" | "$0" --db "$1" user add empty --password-stdin' "$MB_BIN" "$DB"
expect_eq "no password on stdin exits 1" 1 "$RC"
expect_eq "no password on stdin adds nobody" "0" "$(sql "SELECT count(*) FROM user WHERE username = 'empty'")"

# user show, by name and by id.
mb post --as john hello >/dev/null
run_cmd mb user show john
expect_eq "user show exits 0" 0 "$RC"
expect_contains "user show gives the id" "$OUT" "id:        1"
expect_contains "user show gives the email" "$OUT" "email:     john@example.com"
expect_contains "user show gives the post count" "$OUT" "posts:     1"
expect_contains "user show says whether there is a password" "$OUT" "password:  no"
run_cmd mb user show 2
expect_contains "user show by id" "$OUT" "username:  susan"
run_cmd mb user show nobody
expect_eq "user show of nobody exits 1" 1 "$RC"
expect_eq "user show of nobody says so" "microblog-tui: no user 'nobody'" "$ERR"

# user passwd.
run_cmd sh -c 'printf "newpass\n" | "$0" --db "$1" user passwd john --password-stdin' "$MB_BIN" "$DB"
expect_eq "user passwd --password-stdin exits 0" 0 "$RC"
expect_eq "john now has a password" "1" \
    "$(sql "SELECT CAST(password_hash IS NOT NULL AS INTEGER) FROM user WHERE username = 'john'")"
run_cmd mb user passwd john </dev/null
expect_eq "user passwd without a terminal or flag exits 1" 1 "$RC"
expect_contains "user passwd says to use --password-stdin" "$ERR" "--password-stdin"
run_cmd mb user passwd john --no-password
expect_eq "user passwd --no-password exits 0" 0 "$RC"
expect_eq "john's password is gone" "0" \
    "$(sql "SELECT CAST(password_hash IS NOT NULL AS INTEGER) FROM user WHERE username = 'john'")"

# user del needs --yes without a terminal.
before=$(dump)
run_cmd mb user del john </dev/null
expect_eq "user del without a terminal or --yes exits 1" 1 "$RC"
expect_contains "user del says why" "$ERR" "without --yes"
expect_eq "user del refused left the database unchanged" "$before" "$(dump)"
run_cmd mb user del nobody --yes
expect_eq "user del of nobody exits 1" 1 "$RC"
expect_eq "user del of nobody says so" "microblog-tui: no user 'nobody'" "$ERR"

# On a terminal (script(1) gives it one), user del asks y/N and user add
# asks for the password twice without echo. on_tty LOG COMMAND PROMPT
# ANSWER...: types each ANSWER once its PROMPT shows up in LOG.
on_tty() {
    log=$1 command=$2
    shift 2
    : >"$log"
    {
        while [ $# -ge 2 ]; do
            n=0
            until grep -qF -- "$1" "$log" || [ $n -ge 200 ]; do sleep 0.05; n=$((n + 1)); done
            printf '%s\n' "$2"
            shift 2
        done
        sleep 0.3
    } | script -qfec "$command" "$log" >/dev/null 2>&1
}
if command -v script >/dev/null 2>&1; then
    del="\"$MB_BIN\" --db \"$DB\" user del john"
    on_tty "$T/tty.log" "$del" "[y/N]" n
    expect_contains "user del on a terminal asks" "$(cat "$T/tty.log")" "Delete user 'john' and their 1 post? [y/N]"
    expect_eq "answering n keeps john" "1" "$(sql "SELECT count(*) FROM user WHERE username = 'john'")"
    on_tty "$T/tty.log" "$del" "[y/N]" y
    expect_eq "answering y deletes john" "0" "$(sql "SELECT count(*) FROM user WHERE username = 'john'")"

    on_tty "$T/tty.log" "\"$MB_BIN\" --db \"$DB\" user add dave" \
        "New password for 'dave':" hidden-pw "Again:" hidden-pw
    expect_contains "user add on a terminal asks for the password" "$(cat "$T/tty.log")" "New password for 'dave':"
    expect_contains "and asks again" "$(cat "$T/tty.log")" "Again:"
    expect_not_contains "the password is not echoed" "$(cat "$T/tty.log")" "hidden-pw"
    expect_eq "dave has a password" "1" \
        "$(sql "SELECT CAST(password_hash IS NOT NULL AS INTEGER) FROM user WHERE username = 'dave'")"
    on_tty "$T/tty.log" "\"$MB_BIN\" --db \"$DB\" user add erin" \
        "New password for 'erin':" one "Again:" two
    expect_contains "different passwords are refused" "$(cat "$T/tty.log")" "microblog-tui: the passwords do not match"
    expect_eq "erin was not added" "0" "$(sql "SELECT count(*) FROM user WHERE username = 'erin'")"

    # A user with a password is asked for it on a terminal before posting.
    on_tty "$T/tty.log" "\"$MB_BIN\" --db \"$DB\" post --as dave hello from a terminal" \
        "Password for 'dave':" hidden-pw
    expect_eq "the password asked on a terminal lets dave post" "hello from a terminal" \
        "$(sql "SELECT body FROM post ORDER BY id DESC LIMIT 1")"
fi
