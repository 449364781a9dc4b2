#!/bin/sh
# Finding things in a journal from the TUI (issue 12): / searches (a Search
# view, the words highlighted whatever their case and accents, n/N from
# match to match), t shows a tag's posts (the post's tags offered), @ goes
# to a date, the selected post's day is in the title; P writes a private
# entry under a passphrase (twice for the first), U unlocks them, and
# nobody else ever sees their text.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user add bob --no-password >/dev/null 2>&1
mb user add alice --no-password >/dev/null 2>&1
day() { date -u -d "$1" +%s; }
mb post --as bob "breakfast at the café, #food and #mornings" >/dev/null
mb post --as bob "nothing to see here" >/dev/null
mb post --as alice "a CAFE near the station" >/dev/null
mb post --as alice "#food again, no coffee" >/dev/null
sql "UPDATE post SET timestamp = $(day 2026-11-20T09:00) WHERE body LIKE 'breakfast%';
     UPDATE post SET timestamp = $(day 2026-11-22T09:00) WHERE body LIKE 'nothing%';
     UPDATE post SET timestamp = $(day 2026-11-24T09:00) WHERE body LIKE 'a CAFE%';
     UPDATE post SET timestamp = $(day 2026-11-26T09:00) WHERE body LIKE '#food again%';"

tui_start 80 24
expect_screen "the title shows the selected post's day" "Thu 2026-11-26"
keys j
expect_screen "and follows the selection" "Tue 2026-11-24"
keys g

# Search.
keys /
expect_screen "/ asks what to search" "Search:"
type_text "cafe"
keys Enter
expect_screen "a Search view" "Search: cafe"
expect_no_screen "only the matches" "nothing to see here"
tm capture-pane -p -e -t t > "$T/attrs.txt"
if grep -q "$(printf '\033')\[[0-9;]*7[0-9;]*m[^ ]*CAFE" "$T/attrs.txt"; then
    ok "the word is highlighted, whatever its case"
else
    not_ok "the word is highlighted, whatever its case" "$(sed 's/\x1b/ESC/g' "$T/attrs.txt" | grep -i caf)"
fi
# Both engines fold diacritics (SQLite: FTS5 unicode61 remove_diacritics
# 2; PostgreSQL: revision 0006's mb_search, unaccent): "cafe" finds "café".
expect_screen "an accented match is found" "breakfast at the"
if grep -q "$(printf '\033')\[[0-9;]*7[0-9;]*m[^ ]*café" "$T/attrs.txt"; then
    ok "and highlighted, whatever its accents"
else
    not_ok "and highlighted, whatever its accents" "$(sed 's/\x1b/ESC/g' "$T/attrs.txt" | grep -i caf)"
fi
keys /
expect_screen "/ in a Search view offers its words to edit" "Search: cafe"
keys C-u
type_text "food"
keys Enter
expect_screen "a second search" "Search: food"
expect_selected "the newest match is selected" "#food again"
keys n
expect_selected "n: the next match" "breakfast at the"
keys N
expect_selected "N: the previous one" "#food again"
keys b
keys b
expect_screen "b goes back from the search" "nothing to see here"
keys n
expect_screen "n outside a search says so" "No search here"

# Tags.
keys G
expect_selected "the oldest post" "breakfast"
keys t
expect_screen "t offers the post's tags" "Show tag (#food #mornings): #food"
keys Enter
expect_screen "a tag's posts" "#food"
expect_screen "with the other post of the tag" "#food again"
expect_no_screen "and nothing else" "a CAFE near"
keys b

# Dates.
keys @
expect_screen "@ asks for a date" "Go to date"
type_text "2026-11-22"
keys Enter
expect_selected "@2026-11-22: the newest post of that day or before" "nothing to see here"
expect_screen "its day in the title" "Sun 2026-11-22"
keys @
type_text "someday"
keys Enter
expect_screen "a date that is none is said" "cannot read 'someday'"

# Private entries: tester writes one.
keys P
expect_screen "P asks for a passphrase" "Passphrase of your private entries:"
type_text "open sesame"
sleep 0.2
expect_no_screen "the passphrase is not echoed" "open sesame"
keys Enter
expect_screen "the first entry's passphrase is asked twice" "The same passphrase again:"
type_text "open sesame"
keys Enter
expect_screen "then the compose box, for a private entry" "Private entry, sealed"
type_text "my secret plan"
keys Enter
expect_screen "sealed" "Private entry sealed"
expect_screen "the author reads it (unlocked in this session)" "my secret plan"
expect_sql "the database holds only the placeholder in the post" "(private entry)" \
    "SELECT body FROM post WHERE id = (SELECT max(id) FROM post);"
keys Escape q
expect_clean_exit "quits"

# A new session: locked until U.
tui_start_again() { tm_kill_server; rm -f "$TUI_EXIT_FILE"; tui_start 80 24; }
tui_start_again
expect_screen "locked, the entry shows the placeholder" "(private entry)"
expect_no_screen "and not its text" "my secret plan"
keys U
expect_screen "U asks for the passphrase" "Passphrase of your private entries:"
type_text "wrong"
keys Enter
expect_screen "a wrong passphrase unlocks nothing" "Wrong passphrase"
keys U
type_text "open sesame"
keys Enter
expect_screen "the right one unlocks" "my secret plan"
expect_screen "an opened entry says it is private" "(private)"
# The editor writes its file to disk: never for a private entry's text.
keys P
expect_screen "P again, unlocked: a private draft at once" "Private entry, sealed"
type_text "never on disk"
keys C-x
expect_screen "the editor (Ctrl-X) refuses a private draft" "not in an editor"
keys C-u Escape
# Another author, in the same session: the key unlocked is not theirs.
keys u
type_text carla
keys Enter
expect_screen "u offers to create carla" "create it? (y/n)"
keys y
expect_screen "now carla" "posting as carla"
expect_no_screen "the first author's entry is locked again for carla" "my secret plan"
keys q
expect_clean_exit "quits again"

# Someone else sees only that an entry exists.
TUI_ARGS="" 
printf 'user = bob\npassword_strength = minimum\n' > "$MICROBLOG_CONFIG"
tui_start_again
expect_screen "another author sees the placeholder" "(private entry)"
keys U
expect_screen "and has no entries to unlock" "No private entries yet"
expect_no_screen "never the text" "my secret plan"
keys q
expect_clean_exit "quits cleanly"
