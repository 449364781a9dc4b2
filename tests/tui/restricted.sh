#!/bin/sh
# Restricted mode (--restricted --user NAME, an SSH forced command), driven
# locally without sshd: the person is NAME and nobody else; no key opens an
# editor or any other program, even with VISUAL and EDITOR set (the mode
# ignores them, and a `vi` first on PATH stands for the default); the
# compose box still posts; u changes nothing; d deletes only your own posts,
# unless the configuration names you an admin. The real sshd test is
# tests/ssh/, the setgid shared box tests/shared/.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

# Every program E or Ctrl-X could start leaves this marker.
MARKER="$T/an-editor-ran"
mkdir -p "$T/bin"
for name in editor vi; do
    printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$name" "$MARKER" > "$T/bin/$name"
    chmod +x "$T/bin/$name"
done
EDITOR_ENV="VISUAL=$T/bin/editor EDITOR=$T/bin/editor PATH=$T/bin:$PATH"
no_program_ran() {
    if [ -e "$MARKER" ]; then not_ok "$1" "$(cat "$MARKER")"; else ok "$1"; fi
}

mb user add bob --no-password >/dev/null 2>&1
mb post --as bob "bob was here" >/dev/null 2>&1
expect_sql "bob has a post" "1" "SELECT count(*) FROM post;"

TUI_ARGS="--restricted --user alice --config $MICROBLOG_CONFIG"
# shellcheck disable=SC2086 # EDITOR_ENV is three words
tui_start 80 24 $EDITOR_ENV
expect_screen "the status line shows the person" "as alice"
expect_sql "alice was created on first use" "1" "SELECT count(*) FROM user WHERE username = 'alice';"
expect_no_screen "the hint offers no author switch" "u:author"
expect_screen "the compose box offers no editor" "Press i to write a post, ? for help"

keys E
expect_screen "E says there is no editor" "No editor here: write in the compose box (i)."
sleep 0.3
no_program_ran "E runs nothing"

keys i
type_text "alice writes"
keys C-x
expect_screen "Ctrl-X says there is no editor" "No editor here: write in the compose box (i)."
expect_screen "the draft is still in the compose box" "alice writes"
sleep 0.3
no_program_ran "Ctrl-X runs nothing"
keys Enter
expect_screen "the compose box posts" "Posted as alice."
expect_sql "the post is alice's" "alice" \
    "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'alice writes';"
keys Escape

keys u
expect_screen "u is refused" "You are alice here; the system says who you are."
expect_no_screen "u opens no prompt" "Switch author to:"
expect_screen "the author is unchanged" "as alice"

# Posts are newest first: alice's, then bob's.
keys j d
expect_screen "deleting bob's post is refused by the store" "Not deleted: only an admin may delete other"
expect_no_screen "no y/n question for bob's post" "Delete this post?"
keys y
expect_sql_stays "bob's post is still there" "1" "SELECT count(*) FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = 'bob';" 1
keys k d
expect_screen "deleting alice's own post asks first" "Delete this post? (y/n)"
keys y
expect_screen "alice's post is deleted" "Post deleted."
expect_sql "alice has no post left" "0" "SELECT count(*) FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = 'alice';"

keys '?'
expect_screen "the help overlay opens" "Keys (j/k/G scroll"
expect_no_screen "the help offers no editor" "EDITOR"
keys Escape

# Every other key, in the lists and in the compose box, each followed by
# Esc to leave whatever it opened (q last: it quits). Printable characters
# go literally; tmux reads a lone ";" as its command separator.
for k in a b c d e f g h i j k l m n o p r s t u v w x y z \
    A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 \
    '!' '"' '#' '$' '%' '&' "'" '(' ')' '*' '+' ',' '-' '.' '/' ':' '\;' '<' '=' '>' '?' \
    '@' '[' '\' ']' '^' '_' '`' '{' '|' '}' '~' ' '; do
    type_text "$k"
    keys Escape
done
for k in C-a C-b C-d C-e C-f C-g C-h C-j C-k C-l C-n C-o C-p C-q C-r C-s C-t C-u C-v C-w \
    C-x C-y C-z F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 F11 F12 Home End IC DC PPage NPage BTab \
    Up Down Left Right M-e M-x M-!; do
    keys "$k"
    keys Escape
done
keys Tab Tab
for k in E C-x C-e C-o C-r C-t C-v C-z F2 F4; do
    keys i "$k" Escape
done
sleep 0.5
no_program_ran "no other key runs a program"
expect_screen "the TUI still runs" "as alice"
keys Escape q
if wait_for "Discard the draft" 2; then keys y; fi
expect_clean_exit "quits cleanly"
no_program_ran "nothing ran by the end"

# The configuration (the admin's, on the forced command) names alice an
# admin: she may delete bob's post.
rm -f "$TUI_EXIT_FILE"
tm_kill_server
printf 'password_strength = minimum\nadmins = alice\n' > "$T/admin.conf"
TUI_ARGS="--restricted --user alice --config $T/admin.conf"
# shellcheck disable=SC2086
tui_start 80 24 $EDITOR_ENV
expect_screen "the admin's status line shows the person" "as alice"
expect_selected "bob's post is selected" "bob was here"
keys d
expect_screen "an admin may delete other people's posts, after y/n" "Delete this post? (y/n)"
keys y
expect_screen "bob's post is deleted by the admin" "Post deleted."
expect_sql "bob has no post left" "0" "SELECT count(*) FROM post;"
keys u
expect_screen "an admin cannot switch author either" "You are alice here; the system says who you are."
keys E
expect_screen "an admin gets no editor either" "No editor here"
keys q
expect_clean_exit "the admin quits cleanly"
no_program_ran "no program ran for the admin"
