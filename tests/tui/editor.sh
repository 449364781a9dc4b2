#!/bin/sh
# E: the draft in $VISUAL/$EDITOR through a 0600 file in a private 0700
# directory, removed afterwards on every path: a normal exit, a failing
# editor, SIGTERM and SIGHUP (a dropped SSH link) while it runs.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
chmod 0700 "$TMPDIR"

# An editor that records what it was given and writes a post.
cat > "$T/editor" <<EOS
#!/bin/sh
echo "\$1" > "$T/editor.path"
stat -c %a "\$1" > "$T/editor.mode"
stat -c %a "\$(dirname "\$1")" > "$T/editor.dirmode"
cat "\$1" > "$T/editor.saw"
printf 'written in the editor\n' > "\$1"
EOS
chmod +x "$T/editor"
# One that fails, and one that hangs until killed.
printf '#!/bin/sh\nexit 3\n' > "$T/failing-editor"
printf '#!/bin/sh\necho "$1" > "%s/hang.path"\nexec sleep 60\n' "$T" > "$T/hanging-editor"
chmod +x "$T/failing-editor" "$T/hanging-editor"

tui_start 80 24 "VISUAL=$T/editor" "EDITOR=$T/failing-editor"
keys i
type_text "seed text"
keys Escape E
expect_screen "the editor's text comes back as the draft" "written in the editor"
expect_eq "VISUAL wins over EDITOR, and gets the draft" "seed text" "$(cat "$T/editor.saw" 2>/dev/null)"
expect_eq "the temporary file is 0600" "600" "$(cat "$T/editor.mode" 2>/dev/null)"
expect_eq "its directory is 0700" "700" "$(cat "$T/editor.dirmode" 2>/dev/null)"
path=$(cat "$T/editor.path" 2>/dev/null)
case "$path" in "$TMPDIR"/*) ok "the temporary file is under TMPDIR" ;; *) not_ok "the temporary file is under TMPDIR" "$path" ;; esac
if [ -n "$path" ] && [ ! -e "$path" ] && [ ! -e "$(dirname "$path")" ]; then
    ok "the temporary file and directory are removed"
else
    not_ok "the temporary file and directory are removed" "$(ls -la "$TMPDIR")"
fi
expect_screen "the screen is restored after the editor (in the compose box)" "F1:help"
keys Enter
expect_screen "the draft from the editor posts" "Posted as tester."
expect_eq "the editor's text is stored without its newline" "written in the editor" \
    "$(sql "SELECT body FROM post;")"
keys Escape q
expect_clean_exit "quits cleanly after the editor"

# A failing editor leaves the draft alone.
rm -f "$TUI_EXIT_FILE"
tm_kill_server
tui_start 80 24 "EDITOR=$T/failing-editor"
keys i
type_text "keep me"
keys Escape E
expect_screen "a failing editor is reported" "exited with status 3"
expect_screen "and the draft is unchanged" "keep me"
expect_eq "and leaves no temporary directory" "" "$(ls "$TMPDIR")"
keys q
wait_for "Discard the draft" 5
keys y
expect_clean_exit "quits cleanly after a failing editor"

# SIGHUP (the SSH link drops) and SIGTERM while the editor runs: the
# editor is ended, the temporary directory removed, the database intact.
for sig in HUP TERM; do
    rm -f "$TUI_EXIT_FILE" "$T/hang.path"
    tm_kill_server
    tui_start 80 24 "EDITOR=$T/hanging-editor"
    keys i
    type_text "draft at the time of SIG$sig"
    keys Escape E
    deadline=$(( $(date +%s) + 5 ))
    while [ ! -s "$T/hang.path" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
    hang=$(cat "$T/hang.path" 2>/dev/null)
    if [ -n "$hang" ] && [ -e "$hang" ]; then ok "SIG$sig: the editor is running on its file"; else not_ok "SIG$sig: the editor is running on its file"; fi
    kill -"$sig" "$(tui_pid)"
    wait_exit 10
    case "$sig" in HUP) want=129 ;; TERM) want=143 ;; esac
    expect_eq "SIG$sig: exits with status $want" "$want" "${EXIT_STATUS:-none}"
    expect_eq "SIG$sig: the temporary directory is removed" "" "$(ls "$TMPDIR")"
    if pgrep -f "sleep 60" -P "$(pgrep -f hanging-editor | head -n 1)" >/dev/null 2>&1 || pgrep -f "^sleep 60$" >/dev/null 2>&1; then
        not_ok "SIG$sig: the editor was ended"
        pkill -f "^sleep 60$" 2>/dev/null
    else
        ok "SIG$sig: the editor was ended"
    fi
    if grep -q 'Sanitizer\|runtime error' "$TUI_ERR"; then not_ok "SIG$sig: no sanitizer report" "$(cat "$TUI_ERR")"; else ok "SIG$sig: no sanitizer report"; fi
    # The file's integrity after a signal: SQLite's concern (on PostgreSQL
    # the server keeps its own files).
    if sqlite_backend; then
        expect_eq "SIG$sig: the database is intact" "ok" "$(sql "PRAGMA integrity_check;")"
    fi
done

# SIGTERM in the main loop: the terminal is restored and the status says so.
rm -f "$TUI_EXIT_FILE"
tm_kill_server
tui_start 80 24
kill -TERM "$(tui_pid)"
wait_exit 10
expect_eq "SIGTERM in the main loop exits with 143" "143" "${EXIT_STATUS:-none}"
