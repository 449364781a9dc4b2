#!/bin/sh
# --help for every command (exit 0, stdout), --version, and usage errors:
# the usage on stderr and exit status 2, with nothing created.
. "$MB_ROOT/tests/lib.sh"

run_cmd "$MB_BIN" --version
expect_eq "--version prints the version" "microblog-tui 0.1.0" "$OUT"
expect_eq "--version exits 0" 0 "$RC"

run_cmd "$MB_BIN" --help
expect_eq "--help exits 0" 0 "$RC"
expect_contains "--help shows the usage" "$OUT" "usage: microblog-tui [--db PATH|URL] [--config FILE] [COMMAND [ARGS...]]"
for c in db user post posts import export; do
    expect_contains "--help lists '$c'" "$OUT" "
  $c "
done
expect_eq "--help writes nothing on stderr" "" "$ERR"

for words in "db" "db upgrade" "db downgrade" "db current" "db history" "db show" \
             "db stamp" "db check" "db new" "user" "user add" "user list" "user show" \
             "user passwd" "user del" "post" "post show" "post del" "posts" "import" "export"; do
    # shellcheck disable=SC2086
    run_cmd mb $words --help
    expect_eq "'$words --help' exits 0" 0 "$RC"
    expect_contains "'$words --help' prints its usage on stdout" "$OUT" "usage: microblog-tui $words"
    expect_eq "'$words --help' is quiet on stderr" "" "$ERR"
done
run_cmd mb user add -h
expect_eq "-h works as --help" 0 "$RC"
expect_contains "user add --help lists its options" "$OUT" "--password-stdin"
if db_created; then not_ok "--help opens no database"; else ok "--help opens no database"; fi

# usage_error NAME ARGS...: exit 2, "microblog-tui: ..." then the usage.
usage_error() {
    name=$1; shift
    run_cmd "$MB_BIN" --db "$DB" "$@"
    expect_eq "$name exits 2" 2 "$RC"
    expect_eq "$name prints nothing on stdout" "" "$OUT"
    case "$ERR" in
        "microblog-tui: "*"usage: microblog-tui"*) ok "$name prints the usage on stderr" ;;
        *) not_ok "$name prints the usage on stderr" "got: $ERR" ;;
    esac
}
usage_error "an unknown command" frobnicate
usage_error "an unknown option" posts --colour
usage_error "an unknown global option" --verbose posts
usage_error "a missing --limit value" posts --limit
usage_error "a value for a flag" posts --json=yes
usage_error "a missing subcommand" user
usage_error "an unknown subcommand" user frob
usage_error "a missing argument" user add
usage_error "an extra argument" user show john susan
usage_error "a missing post text" post
usage_error "an extra argument to posts" posts john
usage_error "an invalid revision" db show two
usage_error "an invalid post id" post del 1.5
run_cmd "$MB_BIN" --db
expect_eq "--db without a path exits 2" 2 "$RC"
if db_created; then not_ok "usage errors create no database"; else ok "usage errors create no database"; fi

# Global options go before the command, and -- ends them.
run_cmd "$MB_BIN" --db="$DB" -- posts
expect_eq "--db=PATH and -- before the command work" 0 "$RC"
check "--db=PATH names the database" db_created
run_cmd "$MB_BIN" posts --db "$DB"
expect_eq "--db after the command is a usage error" 2 "$RC"

# No command starts the terminal interface, which needs a terminal.
run_cmd mb </dev/null
expect_eq "no command without a terminal exits 1" 1 "$RC"
case "$ERR" in
    "microblog-tui: "*) ok "no command without a terminal says why in one line" ;;
    *) not_ok "no command without a terminal says why in one line" "got: $ERR" ;;
esac
expect_eq "no command without a terminal is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
run_cmd "$MB_BIN" --config "$T/missing.conf" --db "$DB" </dev/null
expect_contains "no command still reads the config first" "$ERR" "$T/missing.conf"
