#!/bin/sh
# Terminal injection: usernames and posts holding C0/C1 controls, CSI, OSC
# (title, OSC 52 clipboard, OSC 8 links), DCS, APC, report requests, raw C1
# bytes and bidi controls, inserted with sqlite3 straight into the database.
# The exact bytes the CLI writes (to a pipe and to a pty) and the bytes the
# TUI sends to its terminal (tmux pipe-pane from the first byte) are scanned
# by term_scan, which must find none of them. As a control, the scanner
# must find them in sqlite3's raw output of the same rows.
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
. "$MB_ROOT/tests/tui/helpers.inc"
scan="$MB_BUILD/tests/reliability/term_scan"

mb user list > /dev/null 2>&1
E="char(27)"
BEL="char(7)"
ST="$E || '\\'"
EVIL_USER="'evil' || $E || ']0;user-title' || $BEL || char(8238) || 'x' || char(155) || 'y' || char(157) || '0;t' || char(156)"
sql "INSERT INTO user (username, created_at) VALUES ($EVIL_USER, 0);"
sql "INSERT INTO user (username, created_at) VALUES ('plain', 0);"
uid="(SELECT id FROM user WHERE username LIKE 'evil%')"
n=0
post() {
    n=$((n + 1))
    sql "INSERT INTO post (body, timestamp, user_id) VALUES ($1, $((1700000000 + n)), $uid);"
}
post "'clear' || $E || '[2J' || $E || '[3J' || $E || 'c' || 'after-clear'"
post "'title' || $E || ']0;pwned' || $BEL || 'after-title'"
post "'osc52' || $E || ']52;c;aGFja2Vk' || $BEL || 'after-osc52'"
post "'link' || $E || ']8;;http://evil.example/' || $ST || 'click' || $E || ']8;;' || $ST"
post "'dcs' || $E || 'P1\$qm' || $ST || 'after-dcs'"
post "'apc' || $E || '_payload' || $ST || 'after-apc'"
post "'report' || $E || '[6n' || $E || '[21t' || 'after-report'"
post "'c1' || char(155) || '31m' || char(157) || '0;c1-title' || char(156) || char(144) || 'after-c1'"
post "CAST(X'7261772d9b33316d2d9d302d6166746572' AS TEXT)"
post "'bidi' || char(8238) || 'desrever' || char(8294) || 'iso' || char(8297) || char(8206) || char(1564) || 'after-bidi'"
post "'c0' || char(8) || char(13) || char(127) || char(11) || char(12) || 'after-c0'"
sql "INSERT INTO post (body, timestamp, user_id) VALUES ('plain post', 1800000000, (SELECT id FROM user WHERE username = 'plain'));"
evil_id=$(sql "SELECT id FROM user WHERE username LIKE 'evil%';")
evil_name=$(sql "SELECT username FROM user WHERE id = $evil_id;")

# The control: sqlite3's own output of these rows is full of findings.
sql "SELECT username FROM user; SELECT body FROM post;" > "$T/raw.bin"
if "$scan" cli "$T/raw.bin" > "$T/scan.txt"; then
    not_ok "control: the scanner finds the injected sequences in the raw rows" "$(cat "$T/scan.txt")"
else
    ok "control: the scanner finds the injected sequences in the raw rows ($(tail -n 1 "$T/scan.txt" | sed 's/.*bytes scanned, //'))"
fi

# scan_cli NAME COMMAND...: stdout and stderr of the command, each scanned.
scan_cli() {
    name=$1
    shift
    mb "$@" > "$T/out.bin" 2> "$T/err.bin"
    rc=$?
    if "$scan" cli "$T/out.bin" > "$T/scan.txt" && "$scan" cli "$T/err.bin" >> "$T/scan.txt" &&
        ! grep -q 'Sanitizer\|runtime error' "$T/err.bin"; then
        ok "CLI '$name' writes no injected sequence (exit $rc, $(wc -c < "$T/out.bin") bytes)"
    else
        not_ok "CLI '$name' writes no injected sequence" "$(cat "$T/scan.txt")"
    fi
}
scan_cli "posts" posts
scan_cli "posts --limit 3" posts --limit 3
scan_cli "posts --user EVIL" posts --user "$evil_name"
scan_cli "posts --json" posts --json
scan_cli "export" export
scan_cli "user list" user list
scan_cli "user list --desc" user list --desc
scan_cli "user show ID" user show "$evil_id"
scan_cli "user show EVIL" user show "$evil_name"
for id in $(sql "SELECT id FROM post;"); do
    scan_cli "post show $id" post show "$id"
done
scan_cli "post --as EVIL (echoes the name)" post --as "$evil_name" "hello from evil"
scan_cli "user add EVIL (error naming it)" user add "$evil_name" --no-password

# The same through a pseudo-terminal (what a user's terminal receives).
for cmd in "posts" "user list" "user show $evil_id" "post show 1"; do
    script -q -e -c "'$MB_BIN' --db '$DB' $cmd" /dev/null < /dev/null > "$T/pty.bin" 2>&1
    sed 's/\r$//' "$T/pty.bin" > "$T/pty-lf.bin"
    if "$scan" cli "$T/pty-lf.bin" > "$T/scan.txt"; then
        ok "CLI '$cmd' on a terminal writes no injected sequence ($(wc -c < "$T/pty.bin") bytes)"
    else
        not_ok "CLI '$cmd' on a terminal writes no injected sequence" "$(cat "$T/scan.txt")"
    fi
done

# The TUI: capture from its very first byte (it waits for a go file), show
# the users pane with the evil name, filter on that user, open the help.
touch "$T/no-go"
tm start-server \; set-option -g remain-on-exit on \; set-option -g default-terminal screen \; \
    new-session -d -s t -x 100 -y 30 \
    "while [ ! -e '$T/go' ]; do sleep 0.05; done; '$MB_BIN' --db '$DB' 2>'$T/inj.err'; echo \$? > '$T/inj.exit'"
tm pipe-pane -t t -o "cat >> '$T/tui.bin'"
touch "$T/go"
if wait_for "?:help" 10; then ok "TUI started"; else not_ok "TUI started" "$(shown)"; fi
expect_screen "TUI shows the injected posts (inert)" "after-osc52"
keys Tab
sleep 0.2
keys j j
sleep 0.2
keys Enter
sleep 0.3
keys Tab
sleep 0.2
keys G
sleep 0.2
keys g
sleep 0.2
keys '?'
sleep 0.3
keys Escape
sleep 0.2
keys C-l
sleep 0.3
keys q
for i in $(seq 1 100); do [ -s "$T/inj.exit" ] && break; sleep 0.1; done
# The TUI's own terminal probe (tui/probe.c) asks for the cursor position
# after drawing each disputed cluster, before anything else is drawn
# ("\r<cluster>ESC[6n"): the program's request, not a post's. It is taken
# out of the first bytes before scanning; a post's request would come with
# the posts, later.
python3 - "$T/tui.bin" "$T/tui-scan.bin" <<'EOF'
import re, sys
data = open(sys.argv[1], 'rb').read()
head = re.sub(rb'\r[^\x1b\r\n]{1,32}\x1b\[6n', b'', data[:256])
open(sys.argv[2], 'wb').write(head + data[256:])
EOF
if "$scan" tui "$T/tui-scan.bin" > "$T/scan.txt"; then
    ok "TUI sends no injected sequence to the terminal ($(wc -c < "$T/tui.bin") bytes scanned)"
else
    not_ok "TUI sends no injected sequence to the terminal" "$(cat "$T/scan.txt")"
fi
if [ "$(wc -c < "$T/tui.bin")" -gt 2000 ] && grep -q "after-title" "$T/tui.bin"; then
    ok "TUI output was captured from the start, including the posts"
else
    not_ok "TUI output was captured from the start, including the posts" "$(wc -c < "$T/tui.bin") bytes"
fi
title=$(tm display-message -p -t t '#{pane_title}' 2>/dev/null)
case "$title" in
    *pwned*|*user-title*|*c1-title*) not_ok "the pane title was not changed" "title: $title" ;;
    *) ok "the pane title was not changed" ;;
esac
if [ "$(cat "$T/inj.exit" 2>/dev/null)" = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$T/inj.err"; then
    ok "TUI quits cleanly after hostile text"
else
    not_ok "TUI quits cleanly after hostile text" "exit: $(cat "$T/inj.exit" 2>/dev/null)" "$(head -c 600 "$T/inj.err")"
fi
scan_cli "post del (confirmation names the post)" post del 1 --yes
