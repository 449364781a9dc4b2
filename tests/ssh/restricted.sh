#!/bin/sh
# Restricted mode behind a real sshd: one account, two people (alice and
# bob) known by their keys, each key's forced command made by
# `admin authorize`. The test starts its own sshd on 127.0.0.1 at a free
# port (its own host key, authorized_keys and AcceptEnv for the variables
# an attacker would send) and logs in with `ssh -tt` inside the private
# tmux server. The client sends VISUAL/EDITOR (a script that leaves a
# marker), DATABASE_URL, MICROBLOG_CONFIG, TMPDIR and XDG_* pointing at
# files of the attacker's choosing. Shown: each person's post carries
# their name; E, Ctrl-X and other keys start no editor, shell or other
# program; an ssh command line runs nothing; neither can delete the
# other's post; the environment the client sent is not used. Two controls
# show the attack is real: sshd does pass the variables on, and the same
# TUI without --restricted does run the client's VISUAL.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

S="$T/ssh"
mkdir -p "$S"
# tm_stop: ends the private tmux server and waits until it is gone (a
# server still exiting removes the socket of the next one).
tm_stop() {
    server=$(tm display-message -p '#{pid}' 2>/dev/null)
    tm kill-server >/dev/null 2>&1
    [ -n "$server" ] || return 0
    deadline=$(( $(date +%s) + 5 ))
    while kill -0 "$server" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
}

SSHD_PID=""
ssh_cleanup() {
    tm_stop
    if [ -n "$SSHD_PID" ]; then
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
    fi
    tui_cleanup
}
trap ssh_cleanup EXIT
trap 'exit 1' INT TERM HUP

skip_all() {
    echo "ok - restricted mode over a real sshd # SKIP $1"
    exit 0
}

[ -x /usr/sbin/sshd ] || skip_all "no /usr/sbin/sshd (Debian's openssh-server; scripts/deps.sh installs it)"
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
    skip_all "no ssh or ssh-keygen (openssh-client)"
LOGIN=$(id -un)
# sshd running as root wants its privilege-separation directory.
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
    mkdir -p /run/sshd && chmod 0755 /run/sshd
fi

ssh-keygen -q -t ed25519 -N '' -C host -f "$S/hostkey" || skip_all "ssh-keygen failed"
for who in alice bob control mallory; do
    ssh-keygen -q -t ed25519 -N '' -C "$who" -f "$S/$who" || skip_all "ssh-keygen failed"
done

# The site's configuration, named on alice's forced command (--config
# counts when the admin writes it); bob's has none.
printf 'password_strength = minimum\n' > "$S/site.conf"
mb db upgrade > /dev/null 2>&1

# What the attacker sends: an editor that leaves a marker, and a database,
# configurations and directories of their own (the configurations would
# make both of them admins).
MARKER="$S/marker"
cat > "$S/evil-editor" <<EOS
#!/bin/sh
echo "ran: \$0 \$*" >> "$MARKER"
exit 1
EOS
chmod 0755 "$S/evil-editor"
mkdir -p "$S/evil-tmp" "$S/evil-config/microblog" "$S/evil-data"
printf '[microblog]\ndatabase = %s\nadmins = alice, bob\n' "$S/evil.db" > "$S/evil.conf"
cp "$S/evil.conf" "$S/evil-config/microblog/microblog.conf"
EVIL_ENV="VISUAL=$S/evil-editor EDITOR=$S/evil-editor DATABASE_URL=sqlite:///$S/evil-url.db \
MICROBLOG_CONFIG=$S/evil.conf TMPDIR=$S/evil-tmp XDG_CONFIG_HOME=$S/evil-config \
XDG_DATA_HOME=$S/evil-data"

# authorized_keys: alice and bob through `admin authorize`; two controls.
"$MB_BIN" --db "$DB" --config "$S/site.conf" admin authorize alice "$S/alice.pub" \
    > "$S/alice.line" 2> "$T/.err"
"$MB_BIN" --db "$DB" admin authorize bob "$S/bob.pub" > "$S/bob.line" 2>> "$T/.err"
line=$(cat "$S/alice.line")
case "$line" in
    'restrict,pty,command="'*"--restricted"*"--user"*"alice"*"--db"*"$DB"*"--config"*"$S/site.conf"*'" ssh-ed25519 '*' alice')
        ok "admin authorize: restrict,pty and the forced command with --db and --config" ;;
    *) not_ok "admin authorize: restrict,pty and the forced command with --db and --config" \
           "line: $line" "stderr: $(cat "$T/.err")" ;;
esac
expect_eq "admin authorize prints one line per key" "1 1" \
    "$(wc -l < "$S/alice.line") $(wc -l < "$S/bob.line")"
{
    cat "$S/alice.line" "$S/bob.line"
    printf 'restrict,command="env > %s/env.seen" %s\n' "$S" "$(cat "$S/control.pub")"
    printf 'restrict,pty,command="%s --db %s/control.db --config %s/site.conf" %s\n' \
        "$MB_BIN" "$S" "$S" "$(cat "$S/mallory.pub")"
} > "$S/authorized_keys"

# sshd on a free port: its own configuration, host key and keys file.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_sshd() {
    PORT=$(free_port) || return 1
    cat > "$S/sshd_config" <<EOC
ListenAddress 127.0.0.1:$PORT
HostKey $S/hostkey
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $LOGIN
AcceptEnv LANG LC_* VISUAL EDITOR DATABASE_URL MICROBLOG_CONFIG TMPDIR XDG_CONFIG_HOME XDG_DATA_HOME
LogLevel VERBOSE
EOC
    /usr/sbin/sshd -t -f "$S/sshd_config" > "$S/sshd.check" 2>&1 || return 2
    : > "$S/sshd.log"
    /usr/sbin/sshd -D -e -f "$S/sshd_config" 2> "$S/sshd.log" &
    SSHD_PID=$!
    deadline=$(( $(date +%s) + 10 ))
    while :; do
        grep -q "Server listening on 127.0.0.1 port $PORT" "$S/sshd.log" && return 0
        if ! kill -0 "$SSHD_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            kill "$SSHD_PID" 2>/dev/null
            wait "$SSHD_PID" 2>/dev/null
            SSHD_PID=""
            return 1
        fi
        sleep 0.05
    done
}
started=""
for attempt in 1 2 3; do
    start_sshd
    rc=$?
    if [ "$rc" -eq 0 ]; then started=1; break; fi
    [ "$rc" -eq 2 ] && skip_all "sshd refuses its test configuration: $(head -n 1 "$S/sshd.check")"
done
[ -n "$started" ] || skip_all "sshd did not start: $(tail -n 1 "$S/sshd.log")"
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$S/hostkey.pub")" > "$S/known_hosts"

SSH_OPTS="-F /dev/null -p $PORT -o IdentitiesOnly=yes -o BatchMode=yes \
-o UserKnownHostsFile=$S/known_hosts -o StrictHostKeyChecking=yes -o LogLevel=ERROR \
-o ConnectTimeout=10 -o SendEnv=VISUAL -o SendEnv=EDITOR -o SendEnv=DATABASE_URL \
-o SendEnv=MICROBLOG_CONFIG -o SendEnv=TMPDIR -o SendEnv=XDG_CONFIG_HOME -o SendEnv=XDG_DATA_HOME \
-o SendEnv=LC_ALL"
# ssh_as KEY [ARGS...]: a login with KEY, sending the attacker's environment.
# shellcheck disable=SC2086
ssh_as() { key=$1; shift; env $EVIL_ENV ssh $SSH_OPTS -i "$S/$key" "$LOGIN@127.0.0.1" "$@"; }

# Control 1: sshd hands the client's variables to the forced command.
ssh_as control < /dev/null > /dev/null 2> "$T/.err"
if [ ! -s "$S/env.seen" ]; then
    if grep -q "account is locked\|not allowed because" "$S/sshd.log"; then
        skip_all "sshd will not let $LOGIN in: $(grep -m1 "account is locked\|not allowed because" "$S/sshd.log")"
    fi
    not_ok "control: a key logs in through this sshd" "ssh: $(cat "$T/.err")" \
        "sshd: $(tail -n 5 "$S/sshd.log" | tr '\n' ' ')"
    exit 0
fi
if grep -q "^VISUAL=$S/evil-editor\$" "$S/env.seen" && grep -q "^MICROBLOG_CONFIG=$S/evil.conf\$" "$S/env.seen"; then
    ok "control: sshd passes the client's VISUAL and MICROBLOG_CONFIG to a forced command"
else
    not_ok "control: sshd passes the client's VISUAL and MICROBLOG_CONFIG to a forced command" \
        "$(grep -v '^SSH_\|^MAIL\|^PATH' "$S/env.seen" | tr '\n' ' ')"
fi

# ssh_tui_start KEY: the TUI through ssh -tt in the private tmux server.
ssh_tui_start() {
    rm -f "$TUI_EXIT_FILE"
    tm_stop
    tm start-server \; set-option -g remain-on-exit on \; \
        set-option -g default-terminal screen \; \
        new-session -d -s t -x 80 -y 24 \
        "echo \$\$ > '$TUI_SHELL_PID_FILE'; env $EVIL_ENV LC_ALL=C.UTF-8 ssh $SSH_OPTS -tt -i '$S/$1' '$LOGIN@127.0.0.1' 2>'$TUI_ERR'; echo \$? > '$TUI_EXIT_FILE'"
    wait_for "?:help" 15
}

# The microblog process that sshd started for NAME (a forced command).
remote_pid() { pgrep -n -f -- "--restricted --user $1 --db $DB" 2>/dev/null; }

# no_children NAME LABEL: the person's TUI has started no process.
no_children() {
    pid=$(remote_pid "$1")
    if [ -z "$pid" ]; then
        not_ok "$2" "no microblog process for $1 found" "$(shown)"
    elif kids=$(pgrep -a -P "$pid"); then
        not_ok "$2" "children of $pid: $kids"
    else
        ok "$2"
    fi
}

# no_marker LABEL: the attacker's editor never ran (waits a moment: an
# editor would be started after the key is read).
no_marker() {
    sleep 0.5
    if [ -e "$MARKER" ]; then not_ok "$1" "the editor ran: $(cat "$MARKER")"; else ok "$1"; fi
}

# wait_any SECONDS TEXT...: polls until the screen shows one of the texts.
wait_any() {
    secs=$1; shift
    deadline=$(( $(date +%s) + secs ))
    while :; do
        s=$(screen)
        for text in "$@"; do
            case "$s" in *"$text"*) return 0 ;; esac
        done
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

quit_cleanly() {
    keys q
    if wait_for "Discard the draft" 1; then keys y; fi
    if wait_exit 10 && [ "$EXIT_STATUS" = 0 ]; then
        ok "$1"
    else
        not_ok "$1" "ssh exit status: ${EXIT_STATUS:-none}" "$(shown)" "$(cat "$TUI_ERR")"
    fi
}

author_of() { sql "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = '$1';"; }

# Control 2: the same TUI without --restricted runs the client's VISUAL
# on E (so the marker checks below can fail).
if ssh_tui_start mallory; then
    keys i
    type_text "control draft"
    keys Escape E
    deadline=$(( $(date +%s) + 5 ))
    while [ ! -e "$MARKER" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
    if [ -e "$MARKER" ]; then
        ok "control: without --restricted, E over ssh runs the client's VISUAL"
    else
        not_ok "control: without --restricted, E over ssh runs the client's VISUAL" "$(shown)"
    fi
else
    not_ok "control: the TUI starts over ssh -tt" "$(shown)" "$(cat "$TUI_ERR")"
fi
tm_stop
rm -f "$MARKER"

# The attempts every person makes in the TUI: E, Ctrl-X in the compose
# box, and other keys that some programs bind to a shell or an editor.
try_the_way_out() {
    who=$1
    keys E
    wait_for "No editor here" 5
    no_marker "$who: E starts no editor, even with VISUAL/EDITOR sent"
    expect_screen "$who: E says so in the status line" "No editor here"
    keys R    # replaces the message, so that Ctrl-X must say it again
    wait_for "Reloaded." 5
    keys i
    type_text "draft of $who"
    keys C-x
    no_marker "$who: Ctrl-X in the compose box starts no editor"
    expect_screen "$who: Ctrl-X says so too" "No editor here"
    expect_screen "$who: the draft is still in the box" "draft of $who"
    keys Escape
    for k in '!' ':' e v o s x C-z 'C-\' C-o C-v C-e C-t C-g C-k F1 F2 F10 Escape; do
        keys "$k"
    done
    no_marker "$who: ! : e v o s x Ctrl-Z Ctrl-\\ Ctrl-O Ctrl-V Ctrl-E Ctrl-T F1 F10 start nothing"
    no_children "$who" "$who: the TUI has started no process (no editor, no shell)"
    expect_screen "$who: and is still running" "?:help"
    keys u
    expect_screen "$who: u (switch author) is refused" "You are $who here"
    expect_no_screen "$who: and asks for no name" "Switch author to:"
    keys Escape
}

# ---- alice -------------------------------------------------------------
if ssh_tui_start alice; then
    ok "alice: the TUI starts over ssh -tt with her key"
    expect_screen "alice: she is alice" "as alice"
    keys i
    type_text "alice was here"
    keys Enter
    expect_screen "alice: her post is taken" "Posted as alice."
    expect_sql "alice: her post carries her name" "alice" \
        "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'alice was here';"
    keys Escape
    try_the_way_out alice
    quit_cleanly "alice: q ends the session (ssh exits 0)"
else
    not_ok "alice: the TUI starts over ssh -tt with her key" "$(shown)" "$(cat "$TUI_ERR")"
fi

# ---- bob ---------------------------------------------------------------
if ssh_tui_start bob; then
    ok "bob: the TUI starts over ssh -tt with his key"
    expect_screen "bob: he is bob" "as bob"
    for body in "bob was here" "bob's spare"; do
        keys i
        type_text "$body"
        keys Enter
        wait_for "Posted as bob." 5
        keys Escape
    done
    expect_sql "bob: his posts carry his name" "bob|bob" \
        "SELECT group_concat(u.username, '|') FROM post p JOIN user u ON u.id = p.user_id WHERE p.body LIKE 'bob%';"
    try_the_way_out bob
    # His own post (the newest) can go; alice's (third from the top) cannot.
    keys R g
    expect_selected "bob: his newest post is selected" "bob's spare"
    keys d
    wait_for "Delete this post? (y/n)" 5
    keys y
    expect_screen "bob: he can delete his own post" "Post deleted."
    expect_sql "bob: his post is gone" "0" "SELECT count(*) FROM post WHERE body = 'bob''s spare';"
    keys g j
    expect_selected "bob: alice's post is selected" "alice was here"
    keys d
    if wait_for "Delete this post? (y/n)" 2; then keys y; fi
    if wait_any 5 "your own posts" "other people's posts" "only an admin"; then
        ok "bob: d on alice's post is refused"
    else
        not_ok "bob: d on alice's post is refused" "$(shown)"
    fi
    expect_sql_stays "bob: alice's post is still there" "alice" \
        "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'alice was here';"
    quit_cleanly "bob: q ends the session (ssh exits 0)"
else
    not_ok "bob: the TUI starts over ssh -tt with his key" "$(shown)" "$(cat "$TUI_ERR")"
fi

# ---- alice again: bob's post is not hers to delete ------------------------
if ssh_tui_start alice; then
    keys g
    expect_selected "alice: bob's post is selected" "bob was here"
    keys d
    if wait_for "Delete this post? (y/n)" 2; then keys y; fi
    if wait_any 5 "your own posts" "other people's posts" "only an admin"; then
        ok "alice: d on bob's post is refused"
    else
        not_ok "alice: d on bob's post is refused" "$(shown)"
    fi
    expect_sql_stays "alice: bob's post is still there" "bob" \
        "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'bob was here';"
    quit_cleanly "alice: q ends the second session"
else
    not_ok "alice: a second session starts" "$(shown)" "$(cat "$TUI_ERR")"
fi

# ---- ssh command lines run nothing ----------------------------------------
sql .dump > "$T/dump.before"
CMD_MARKER="$S/command-marker"
for who in alice bob; do
    for cmd in "touch $CMD_MARKER" "post --as alice forged" "user del alice --yes" "sh -c 'touch $CMD_MARKER'"; do
        ssh_as "$who" "$cmd" < /dev/null > "$T/.out" 2> "$T/.err"
        rc=$?
        lines=$(wc -l < "$T/.err")
        if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -q '^microblog-tui: ' "$T/.err" &&
            [ ! -s "$T/.out" ] && [ ! -e "$CMD_MARKER" ]; then
            ok "$who: 'ssh host $cmd' runs nothing: exit $rc, $(cut -c1-80 "$T/.err")"
        else
            not_ok "$who: 'ssh host $cmd' runs nothing" "exit $rc, $lines lines: $(head -c 400 "$T/.err")" \
                "stdout: $(head -c 200 "$T/.out")" "marker: $(ls "$CMD_MARKER" 2>&1)"
        fi
    done
done
# With a terminal too (ssh -tt host CMD).
ssh_as alice -tt "touch $CMD_MARKER" < /dev/null > "$T/.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$CMD_MARKER" ]; then
    ok "alice: 'ssh -tt host touch ...' runs nothing either (exit $rc)"
else
    not_ok "alice: 'ssh -tt host touch ...' runs nothing either" "exit $rc: $(head -c 300 "$T/.out")"
fi
sql .dump > "$T/dump.after"
if cmp -s "$T/dump.before" "$T/dump.after"; then
    ok "the database is unchanged by the ssh command lines"
else
    not_ok "the database is unchanged by the ssh command lines" "$(diff "$T/dump.before" "$T/dump.after" | head -n 5)"
fi

# ---- the environment the client sent was not used ---------------------------
leftovers=$(ls "$S/evil.db" "$S/evil-url.db" "$S/evil-data/microblog" 2>/dev/null; ls -A "$S/evil-tmp")
expect_eq "no database, data or temporary file where the client's variables pointed" "" "$leftovers"
[ -e "$MARKER" ] && not_ok "the client's editor never ran" "$(cat "$MARKER")" || ok "the client's editor never ran"
expect_eq "the database is sound" "ok" "$(sql 'PRAGMA integrity_check;')"

# ---- sshd stops ---------------------------------------------------------
kill "$SSHD_PID" 2>/dev/null
wait "$SSHD_PID" 2>/dev/null
if kill -0 "$SSHD_PID" 2>/dev/null; then
    not_ok "sshd stops at the end" "pid $SSHD_PID still running"
else
    ok "sshd stops at the end"
fi
SSHD_PID=""
