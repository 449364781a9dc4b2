#!/bin/sh
# Files: a database created at the default XDG path is 0600 in a 0700
# directory whatever the umask, and so are its -wal/-shm and the backup an
# automatic upgrade writes. A dropped SSH link (SIGHUP) or a SIGTERM while
# composing (in the compose box, or in $VISUAL) leaves: the terminal sane
# (stty in the same pty afterwards shows echo and icanon), no temporary
# file or directory, no half-written post, and a database that passes
# integrity_check. The editor is a script that records the path it was
# given and its modes, then waits to be killed.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

# ---- modes of created files --------------------------------------------
for mask in 000 022 077; do
    data="$T/xdg-$mask"
    ( umask "$mask"; XDG_DATA_HOME="$data" "$MB_BIN" post "first" > /dev/null 2>&1 )
    db="$data/microblog/microblog.db"
    expect_eq "umask $mask: the data directory is 0700" 700 "$(stat -c %a "$data/microblog" 2>&1)"
    expect_eq "umask $mask: the database is 0600" 600 "$(stat -c %a "$db" 2>&1)"
    # Keep a connection open (a reader in the background) so that -wal and
    # -shm exist, then look at their modes.
    ( umask "$mask"; XDG_DATA_HOME="$data" "$MB_BIN" post "second" > /dev/null 2>&1 )
    ( umask "$mask"; sqlite3 "$db" "BEGIN; SELECT count(*) FROM post; SELECT 1 FROM (SELECT 1) WHERE 0;" \
        ".shell stat -c '%a %n' '$db-wal' '$db-shm' > '$T/walmodes'" > /dev/null 2>&1 )
    if [ -s "$T/walmodes" ] && ! grep -qv '^600 ' "$T/walmodes"; then
        ok "umask $mask: -wal and -shm are 0600"
    else
        not_ok "umask $mask: -wal and -shm are 0600" "$(cat "$T/walmodes" 2>&1)"
    fi
done
# A database behind head: the automatic upgrade's backup is 0600 too.
( umask 000
  "$MB_BIN" --db "$T/behind.db" db upgrade 1 > /dev/null 2>&1
  sqlite3 "$T/behind.db" "INSERT INTO user (username, created_at) VALUES ('old', 1);"
  "$MB_BIN" --db "$T/behind.db" posts > /dev/null 2>&1 )
backup=$(ls "$T"/behind.db.rev*.bak 2>/dev/null | head -n 1)
if [ -n "$backup" ]; then
    expect_eq "umask 000: the backup before an automatic upgrade is 0600" 600 "$(stat -c %a "$backup")"
else
    not_ok "umask 000: the backup before an automatic upgrade is 0600" "no backup written: $(ls "$T")"
fi

# ---- signals while composing --------------------------------------------
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
chmod 0700 "$TMPDIR"
cat > "$T/editor.sh" <<EOF
#!/bin/sh
echo "\$1" > '$T/editor.path'
stat -c %a "\$1" > '$T/editor.mode'
stat -c %a "\$(dirname "\$1")" > '$T/editor.dirmode'
echo \$\$ > '$T/editor.pid'
exec sleep 60
EOF
chmod +x "$T/editor.sh"

# start_tui NAME: the TUI in a pane whose shell, once it is gone, prints
# its exit status and the terminal's settings (what the user is left with).
start_tui() {
    rm -f "$T/shell.pid"
    TMUX_SOCKET="mbfiles$$-$1"
    tm start-server \; set-option -g default-terminal screen \; \
        new-session -d -s t -x 80 -y 24 \
        "echo \$\$ > '$T/shell.pid'; VISUAL='$T/editor.sh' '$MB_BIN' --db '$DB' 2>'$T/tui.err'; echo EXIT=\$?; stty -a | tr ';' '\n' | grep -E '^ *-?(echo|icanon)\$|-?echo |-?icanon ' | tr '\n' ' '; echo; echo SANE-CHECKED; sleep 60"
    wait_for "?:help" 10
}
the_tui() { pgrep -P "$(cat "$T/shell.pid")" | head -n 1; }

mb post "before the signals" > /dev/null 2>&1
posts_before=$(sql "SELECT count(*) FROM post;")
for sig in HUP TERM; do
    for where in box editor; do
        start_tui "$sig-$where"
        rm -f "$T/editor.path" "$T/editor.mode" "$T/editor.dirmode" "$T/editor.pid"
        if [ "$where" = box ]; then
            keys i
            type_text "a draft that must not be posted"
            wait_for "31/140" 5
        else
            keys i
            type_text "an editor draft"
            keys Escape
            keys E
            for i in $(seq 1 100); do [ -s "$T/editor.dirmode" ] && break; sleep 0.05; done
        fi
        pid=$(the_tui)
        kill "-$sig" "$pid" 2>/dev/null
        if wait_for "SANE-CHECKED" 10; then
            state=$(screen | grep -A1 '^EXIT=' | tr '\n' ' ')
            words=$(echo "$state" | tr ' ' '\n')
            if echo "$words" | grep -qx 'echo' && echo "$words" | grep -qx 'icanon'; then
                ok "SIG$sig in the $where: the terminal is left sane ($(echo "$state" | cut -c1-40))"
            else
                not_ok "SIG$sig in the $where: the terminal is left sane" "$state"
            fi
        else
            not_ok "SIG$sig in the $where: the TUI ended" "$(shown)"
        fi
        if [ "$where" = editor ]; then
            expect_eq "SIG$sig in the editor: the file was 0600" 600 "$(cat "$T/editor.mode" 2>/dev/null)"
            expect_eq "SIG$sig in the editor: its directory was 0700" 700 "$(cat "$T/editor.dirmode" 2>/dev/null)"
            path=$(cat "$T/editor.path" 2>/dev/null)
            if [ -n "$path" ] && [ ! -e "$path" ] && [ ! -e "$(dirname "$path")" ]; then
                ok "SIG$sig in the editor: the file and its directory are gone"
            else
                not_ok "SIG$sig in the editor: the file and its directory are gone" "path '$path'; TMPDIR: $(ls -la "$TMPDIR")"
            fi
            editor=$(cat "$T/editor.pid" 2>/dev/null)
            sleep 0.2
            if [ -n "$editor" ] && kill -0 "$editor" 2>/dev/null; then
                not_ok "SIG$sig in the editor: the editor did not outlive the TUI"
                kill "$editor" 2>/dev/null
            else
                ok "SIG$sig in the editor: the editor did not outlive the TUI"
            fi
        fi
        tm kill-server 2>/dev/null
        expect_eq "SIG$sig in the $where: nothing left in TMPDIR" "" "$(ls -A "$TMPDIR")"
        expect_eq "SIG$sig in the $where: no draft was posted" "$posts_before" "$(sql "SELECT count(*) FROM post;")"
        expect_eq "SIG$sig in the $where: integrity_check ok" ok "$(sql 'PRAGMA integrity_check;')"
        if grep -q 'Sanitizer\|runtime error' "$T/tui.err"; then
            not_ok "SIG$sig in the $where: no sanitizer report" "$(head -c 600 "$T/tui.err")"
        else
            ok "SIG$sig in the $where: no sanitizer report"
        fi
    done
done
exit 0
