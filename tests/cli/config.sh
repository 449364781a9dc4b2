#!/bin/sh
# Configuration from the command line: --config > $MICROBLOG_CONFIG > the
# XDG file; --db > $DATABASE_URL (SQLAlchemy forms) > `database` > the XDG
# data file; errors name FILE:LINE and create nothing.
. "$MB_ROOT/tests/lib.sh"
sqlite_only "the default database is an XDG data file; database paths from the config and DATABASE_URL forms checked as files"

conf() {  # conf FILE USER DATABASE
    printf 'password_strength = minimum\nuser = %s\ndatabase = %s\n' "$2" "$3" >"$1"
}
author_in() { sqlite3 "$1" 'SELECT u.username FROM post p JOIN user u ON u.id = p.user_id'; }

conf "$T/a.conf" alice "$T/a.db"
conf "$T/b.conf" bob "$T/b.db"
mkdir -p "$XDG_CONFIG_HOME/microblog"
conf "$XDG_CONFIG_HOME/microblog/microblog.conf" carol "$T/c.db"

run_cmd env MICROBLOG_CONFIG="$T/a.conf" "$MB_BIN" --config "$T/b.conf" post hi
expect_eq "--config wins over MICROBLOG_CONFIG" "bob" "$(author_in "$T/b.db")"
check "--config's database is used, not MICROBLOG_CONFIG's" test ! -e "$T/a.db"
run_cmd env MICROBLOG_CONFIG="$T/a.conf" "$MB_BIN" post hi
expect_eq "MICROBLOG_CONFIG wins over the XDG file" "alice" "$(author_in "$T/a.db")"
run_cmd env -u MICROBLOG_CONFIG "$MB_BIN" post hi
expect_eq "the XDG config file is read last" "carol" "$(author_in "$T/c.db")"
rm "$XDG_CONFIG_HOME/microblog/microblog.conf"

# The database path.
run_cmd env DATABASE_URL="sqlite:///$T/url.db" "$MB_BIN" --config "$T/a.conf" post hi
expect_eq "DATABASE_URL sqlite:////abs/path exits 0" 0 "$RC"
expect_eq "DATABASE_URL sqlite:////abs/path wins over the config" "alice" "$(author_in "$T/url.db")"
run_cmd sh -c 'cd "$1" && DATABASE_URL=sqlite:///rel.db "$0" post hi' "$MB_BIN" "$T"
expect_eq "DATABASE_URL sqlite:///rel/path is relative" "tester" "$(author_in "$T/rel.db")"
run_cmd env DATABASE_URL="$T/plain.db" "$MB_BIN" post hi
expect_eq "DATABASE_URL may be a plain path" "tester" "$(author_in "$T/plain.db")"
run_cmd env DATABASE_URL="$T/plain.db" "$MB_BIN" --db "$T/flag.db" post hi
expect_eq "--db wins over DATABASE_URL" "tester" "$(author_in "$T/flag.db")"
run_cmd "$MB_BIN" post hi
expect_eq "the default database is under XDG_DATA_HOME" "tester" \
    "$(author_in "$XDG_DATA_HOME/microblog/microblog.db")"
expect_eq "its directory is created 0700" "700" "$(stat -c %a "$XDG_DATA_HOME/microblog")"
expect_eq "the database file is created 0600" "600" "$(stat -c %a "$XDG_DATA_HOME/microblog/microblog.db")"
rm -rf "$XDG_DATA_HOME"

# Errors: one line, exit 1, nothing created.
nothing_created() {
    if [ ! -e "$XDG_DATA_HOME" ] && [ ! -e "$DB" ]; then ok "$1"; else not_ok "$1"; fi
}
run_cmd env DATABASE_URL=mysql://me@localhost/blog "$MB_BIN" post hi
expect_eq "an unsupported DATABASE_URL scheme exits 1" 1 "$RC"
expect_eq "an unsupported scheme is one clear line" \
    "microblog-tui: DATABASE_URL scheme 'mysql' is not supported (sqlite or postgresql)" "$ERR"
nothing_created "an unsupported scheme creates nothing"

printf 'password_strength = minimum\n# a comment\ncolour = red\n' >"$T/bad.conf"
run_cmd "$MB_BIN" --config "$T/bad.conf" --db "$DB" post hi
expect_eq "an unknown key exits 1" 1 "$RC"
expect_contains "an unknown key names FILE:LINE" "$ERR" "microblog-tui: $T/bad.conf:3: "
expect_contains "an unknown key names the key" "$ERR" "colour"
expect_eq "an unknown key is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
nothing_created "an unknown key creates nothing"
run_cmd env MICROBLOG_CONFIG="$T/bad.conf" "$MB_BIN" --db "$DB" user list
expect_contains "an unknown key via MICROBLOG_CONFIG names FILE:LINE" "$ERR" "$T/bad.conf:3: "
nothing_created "an unknown key via MICROBLOG_CONFIG creates nothing"

printf 'user = ann\nthis line is malformed\n' >"$T/malformed.conf"
run_cmd "$MB_BIN" --config "$T/malformed.conf" --db "$DB" posts
expect_eq "a malformed line exits 1" 1 "$RC"
expect_contains "a malformed line names FILE:LINE" "$ERR" "microblog-tui: $T/malformed.conf:2: "
nothing_created "a malformed line creates nothing"

printf 'busy_timeout_ms = soon\n' >"$T/value.conf"
run_cmd "$MB_BIN" --config "$T/value.conf" --db "$DB" posts
expect_contains "a bad value names FILE:LINE" "$ERR" "microblog-tui: $T/value.conf:1: "
nothing_created "a bad value creates nothing"

run_cmd "$MB_BIN" --config "$T/missing.conf" --db "$DB" posts
expect_eq "a missing --config file exits 1" 1 "$RC"
expect_contains "a missing --config file is named" "$ERR" "$T/missing.conf"
nothing_created "a missing --config file creates nothing"
run_cmd env MICROBLOG_CONFIG="$T/missing.conf" "$MB_BIN" --db "$DB" posts
expect_eq "a missing MICROBLOG_CONFIG file exits 1" 1 "$RC"
nothing_created "a missing MICROBLOG_CONFIG file creates nothing"
run_cmd env -u MICROBLOG_CONFIG "$MB_BIN" --db "$DB" db current
expect_eq "a missing default config file is fine" 0 "$RC"
rm -f "$DB"

run_cmd "$MB_BIN" --config "$T/bad.conf" posts --help
expect_eq "--help works even with a broken config" 0 "$RC"

# auto_migrate = no: a database behind head is refused, not upgraded.
mb db upgrade 1 >/dev/null
sql "INSERT INTO user (username, created_at) VALUES ('old', 0)"
before=$(sqlite3 "$DB" .dump | sha256sum)
printf 'password_strength = minimum\nauto_migrate = no\n' >"$T/nomigrate.conf"
run_cmd "$MB_BIN" --config "$T/nomigrate.conf" --db "$DB" user list
expect_eq "auto_migrate = no refuses an old database" 1 "$RC"
expect_contains "the refusal says to run db upgrade" "$ERR" "db upgrade"
expect_eq "the refusal is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
expect_eq "the refused database is unchanged" "$before" "$(sqlite3 "$DB" .dump | sha256sum)"
run_cmd mb user list
expect_eq "with auto_migrate on, the same command upgrades" "1  old" "$OUT"
