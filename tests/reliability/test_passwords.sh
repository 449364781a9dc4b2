#!/bin/sh
# Passwords: the store-level driver (pw_tries: wrong passwords refused,
# damaged stored hashes refused without a crash), the same from the command
# line (post --as NAME --password-stdin), and core dumps disabled while a
# password is in memory: `user passwd` waits at its second prompt on a pty,
# running as nobody, and its /proc entry must show RLIMIT_CORE 0 and a
# non-dumpable process (the kernel then gives the files in /proc/PID to root; a dumpable
# process of nobody keeps them as nobody's, which the control checks).
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
. "$MB_ROOT/tests/tui/helpers.inc"
mkdir -p "$T/store"
"$MB_BUILD/tests/reliability/pw_tries" "$T/store" "${MB_PASSWORD_TRIES:-2000}" || true

printf 'right-password\n' | mb user add locked --password-stdin > /dev/null 2>&1
hash=$(sql "SELECT password_hash FROM user WHERE username = 'locked';")
case "$hash" in
    '$argon2id$v=19$'*) ok "CLI: user add stores an \$argon2id\$ hash" ;;
    *) not_ok "CLI: user add stores an \$argon2id\$ hash" "stored: $hash" ;;
esac

# try_post LABEL PASSWORD EXPECTED_RC: one post attempt as locked.
try_post() {
    before=$(sql "SELECT count(*) FROM post;")
    printf '%s\n' "$2" | mb post --as locked --password-stdin "attempt" > "$T/.out" 2> "$T/.err"
    rc=$?
    after=$(sql "SELECT count(*) FROM post;")
    if [ "$3" -eq 0 ]; then
        if [ "$rc" -eq 0 ] && [ "$after" -eq $((before + 1)) ]; then ok "$1"; else not_ok "$1" "exit $rc: $(cat "$T/.err")"; fi
    elif [ "$rc" -eq 1 ] && [ "$(wc -l < "$T/.err")" -eq 1 ] && [ "$after" -eq "$before" ] &&
        ! grep -q 'Sanitizer\|runtime error' "$T/.err"; then
        ok "$1: $(cat "$T/.err")"
    else
        not_ok "$1" "exit $rc, posts $before -> $after: $(head -c 600 "$T/.err")"
    fi
}
try_post "CLI: the right password posts" right-password 0
for wrong in wrong-password right-passwor right-password. Right-password "" "right-password right-password"; do
    try_post "CLI: wrong password '$wrong' refused, nothing written" "$wrong" 1
done

# Damaged stored hashes, written with sqlite3 from a file (no shell $).
damage() {
    printf "UPDATE user SET password_hash = %s WHERE username = 'locked';\n" "$1" > "$T/damage.sql"
    sqlite3 "$DB" < "$T/damage.sql"
}
restore() {
    printf "UPDATE user SET password_hash = '%s' WHERE username = 'locked';\n" "$hash" > "$T/damage.sql"
    sqlite3 "$DB" < "$T/damage.sql"
}
len=${#hash}
for expr in "substr(password_hash, 1, 20)" "substr(password_hash, 1, $((len / 2)))" \
    "substr(password_hash, 1, $((len - 1)))" "password_hash || 'A'" \
    "replace(password_hash, 'argon2id', 'argon2i')" "replace(password_hash, 't=1', 't=4000000000')" \
    "replace(password_hash, 'm=8', 'm=4294967295')" "''" "X'00ff24'" "'\$argon2id\$'"; do
    damage "$expr"
    try_post "CLI: stored hash $expr refuses the right password" right-password 1
    restore
done
try_post "CLI: the restored hash works again" right-password 0

# ---- core dumps while a password is in memory --------------------------
# nobody may not be able to enter the checkout (a clone under /root or a
# mktemp -d directory is 0700): it runs a copy of the binary from $T (0711),
# root's, so nobody cannot change it. The sanitizer build needs nothing else.
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
chmod 0711 "$T"
mkdir -p "$T/bin"
cp "$MB_BIN" "$T/bin/microblog-tui"
chmod 0755 "$T/bin" "$T/bin/microblog-tui"
if ! $nobody true 2>/dev/null; then
    ok "core dumps # SKIP cannot run as nobody here"
elif ! $nobody test -x "$T/bin/microblog-tui"; then
    ok "core dumps # SKIP nobody cannot reach $T (TMPDIR=${TMPDIR:-})"
else
    bin="$T/bin/microblog-tui"
    chmod 0644 "$MICROBLOG_CONFIG"
    mkdir -p "$T/nobody"
    chown 65534:65534 "$T/nobody"
    $nobody env HOME="$T/nobody" "$bin" --db "$T/nobody/p.db" user add pw --no-password > /dev/null 2>&1
    tm start-server \; new-session -d -s t -x 100 -y 10 \
        "echo \$\$ > '$T/passwd.pid'; exec $nobody env HOME='$T/nobody' '$bin' --db '$T/nobody/p.db' user passwd pw"
    if wait_for "New password" 10; then
        type_text "first-secret"
        keys Enter
        wait_for "Again" 5
        pid=$(cat "$T/passwd.pid")
        core=$(awk '/Max core file size/ { print $5, $6 }' "/proc/$pid/limits")
        owner=$(stat -c %u "/proc/$pid/status")
        expect_eq "core dumps: RLIMIT_CORE is 0 (soft and hard) while the password is held" "0 0" "$core"
        expect_eq "core dumps: the process is not dumpable (its /proc/PID/status belongs to root)" 0 "$owner"
        keys C-c
    else
        not_ok "core dumps: user passwd prompts on a terminal" "$(shown)"
    fi
    # The control: the same check on a dumpable process of nobody.
    $nobody sleep 5 &
    control=$!
    sleep 0.2
    expect_eq "core dumps (control): a dumpable process of nobody owns its /proc/PID/status" 65534 \
        "$(stat -c %u "/proc/$control/status")"
    kill "$control" 2>/dev/null
    wait "$control" 2>/dev/null
fi
exit 0
