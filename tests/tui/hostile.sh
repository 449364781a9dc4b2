#!/bin/sh
# Text safety: posts and usernames holding escape sequences, C0/C1
# controls, bidi overrides and invalid UTF-8 (inserted with SQL, past
# validation; invalid UTF-8 on SQLite only) show inert; wide text (CJK,
# emoji) stays inside its pane.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1
sql "INSERT INTO user (username, created_at) VALUES ('evil' || char(27) || ']0;pwned' || char(7), 0);"
sql_user wide
E="char(27)"
sql_post "evil$(printf '\033')]0;pwned$(printf '\007')" "'A' || $E || '[2J' || 'cleared?'" 1700000010 2>/dev/null
uid="(SELECT id FROM user WHERE username LIKE 'evil%')"
post() { sql "INSERT INTO post (body, timestamp, user_id) VALUES ($1, $2, $uid);"; }
post "'CLS' || $E || '[2J' || $E || '[H' || 'after-clear'" 1700000001
post "'OSC52' || $E || ']52;c;aGFja2Vk' || char(7) || 'after-osc52'" 1700000002
post "'TITLE' || $E || ']0;pwned' || char(7) || 'after-title'" 1700000003
post "'LINK' || $E || ']8;;http://evil.example/' || $E || '\\' || 'click' || $E || ']8;;' || $E || '\\'" 1700000004
post "'DCS' || $E || 'P1\$qm' || $E || '\\' || 'after-dcs'" 1700000005
post "'C1' || char(155) || '31m' || 'after-c1'" 1700000006
post "'BIDI-' || char(8238) || 'txet-desrever' || char(8294) || 'iso' || char(8297)" 1700000007
# Invalid UTF-8 on SQLite only: PostgreSQL refuses it in text columns.
if sqlite_backend; then post "CAST(X'494e56414c49442dfffe2d55544638' AS TEXT)" 1700000008; fi
post "'BELL' || char(7) || 'BS' || char(8) || char(8) || 'CR' || char(13) || 'end'" 1700000009
sql "INSERT INTO post (body, timestamp, user_id) VALUES ('日本語の文章と絵文字😀😀😀をたくさん含む長い行です。日本語の文章と絵文字😀😀😀をたくさん含む長い行です。👨‍👩‍👧 家族 🇯🇵 ❤️ é', 1700000020, (SELECT id FROM user WHERE username = 'wide'));"

tui_start 100 50
tm pipe-pane -t t -o "cat >> '$T/out.bin'"
keys C-l
expect_screen "posts with escape sequences are listed" "after-clear"
expect_screen "a clear-screen sequence is shown inert" "CLS�[2J�[Hafter-clear"
expect_screen "OSC 52 is shown inert" "OSC52�]52;c;aGFja2Vk�after-osc52"
expect_screen "a title sequence is shown inert" "TITLE�]0;pwned�after-title"
expect_screen "a C1 control is replaced" "C1�31mafter-c1"
expect_screen "bidi overrides are replaced" "BIDI-�txet-desrever�iso�"
if sqlite_backend; then expect_screen "invalid UTF-8 shows as U+FFFD" "INVALID-"; fi
expect_screen "the username's escape is inert too" "evil�]0;pwned�"
expect_screen "BEL, BS and CR are inert" "BELL�BS��CRend"
expect_screen "a DCS sequence is shown inert" 'DCS�P1$qm�\after-dcs'
expect_screen "an OSC 8 link is shown inert" 'LINK�]8;;http://evil.example/�\click'
if sqlite_backend; then total=11; else total=10; fi
expect_screen "the screen was not cleared by a post" "All posts ($total)"
keys C-l
sleep 0.3
if [ "$(tm display-message -p -t t '#{pane_title}')" = pwned ]; then
    not_ok "the window title is unchanged"
else
    ok "the window title is unchanged"
fi
bytes=$(od -An -c "$T/out.bin" | tr -d ' \n')
if LC_ALL=C grep -q "$(printf '\033')]" "$T/out.bin"; then not_ok "no OSC sequence reaches the terminal"; else ok "no OSC sequence reaches the terminal"; fi
if LC_ALL=C grep -q "$(printf '\033')P" "$T/out.bin"; then not_ok "no DCS sequence reaches the terminal"; else ok "no DCS sequence reaches the terminal"; fi
if LC_ALL=C grep -q "$(printf '\342\200\256')\|$(printf '\342\201\246')" "$T/out.bin"; then not_ok "no bidi control reaches the terminal"; else ok "no bidi control reaches the terminal"; fi
if LC_ALL=C grep -q "$(printf '\302\233')" "$T/out.bin"; then not_ok "no C1 control reaches the terminal"; else ok "no C1 control reaches the terminal"; fi
if LC_ALL=C grep -q "$(printf '\007')" "$T/out.bin"; then not_ok "no BEL reaches the terminal"; else ok "no BEL reaches the terminal"; fi
if [ -s "$T/out.bin" ]; then ok "the terminal output was captured"; else not_ok "the terminal output was captured"; fi

# Every row stays within 80 cells and the separator stays in its column,
# counting East Asian wide and emoji characters as two cells (a ZWJ
# sequence, drawn whole where the terminal draws it so, as one).
check_columns() {
    screen > "$T/screen.txt"
    python3 - "$T/screen.txt" "$1" "$2" <<'PY'
import sys, unicodedata
path, width, sep = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def cells(ch):
    if unicodedata.combining(ch) or ch in '\u200d\ufe0f':
        return 0
    return 2 if unicodedata.east_asian_width(ch) in 'WF' else 1
bad = []
done = False
for n, line in enumerate(open(path, encoding='utf-8').read().split('\n')):
    done = done or line.startswith('─')
    col = 0
    joined = False   # after a ZWJ: part of the one glyph of a sequence
    for ch in line:
        if ch == '│' and sep >= 0 and col != sep and not done:
            bad.append(f'row {n}: separator at {col}')
        col += 0 if joined else cells(ch)
        joined = ch == '\u200d'
    if col > width:
        bad.append(f'row {n}: {col} cells')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
}
keys g
expect_screen "the wide post is shown" "日本語の文章"
if out=$(check_columns 100 20); then ok "CJK and emoji stay inside the timeline at 100x50"; else not_ok "CJK and emoji stay inside the timeline at 100x50" "$out" "$(shown)"; fi
tm resize-window -t t -x 41 -y 14
wait_gone "│" 3
keys g
if out=$(check_columns 41 -1); then ok "CJK and emoji wrap inside 41 columns"; else not_ok "CJK and emoji wrap inside 41 columns" "$out" "$(shown)"; fi
keys q
expect_clean_exit "quits cleanly after hostile text"
