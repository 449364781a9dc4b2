#!/bin/sh
# The social views (issue 11): Home once you follow someone and All one
# key away, replies (r) and what they answer, edited posts, a
# conversation (Enter), a profile (p), Mentions (m) with the unread count
# in the status line cleared by reading them, mutes in every view, back
# (b), and "N new posts" instead of moving a scrolled-down view.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

for u in tester alice bob carol; do mb user add "$u" --no-password >/dev/null; done
mb post --as tester "tester's first" >/dev/null
first=$(sql "SELECT id FROM post WHERE body = 'tester''s first';")
mb post --as alice "alice says hi to @tester" >/dev/null
mb post --as bob "bob is unfollowed" >/dev/null
mb post --as carol "carol is muted" >/dev/null
mb post --as alice --reply-to "$first" "alice answers tester" >/dev/null
mb post edit "$(sql "SELECT id FROM post WHERE body = 'alice says hi to @tester';")" --as alice \
    "alice edited hi to @tester" >/dev/null
mb follow --as tester alice >/dev/null
mb mute --as tester carol >/dev/null

tui_start 100 30
expect_screen "the TUI opens on Home once you follow someone" "│ Home"
expect_screen "Home shows the people you follow" "alice answers tester"
expect_screen "and your own posts" "tester's first"
expect_no_screen "and not the people you do not follow" "bob is unfollowed"
expect_screen "a reply shows whom it answers" "↳ @tester"
expect_screen "an edited post says so" "(edited)"
expect_screen "the status line counts the unread mentions" "1 mention (m)"

keys a
expect_screen "a shows All" "All posts"
expect_screen "All has everyone's posts" "bob is unfollowed"
expect_no_screen "a muted author's posts are left out of All too" "carol is muted"

# Enter on a post: its conversation, oldest first, on the chosen post.
keys g
expect_selected "the newest post is selected" "alice answers tester"
keys Enter
expect_screen "Enter opens the conversation" "│ Conversation"
expect_screen "with the post it answers" "tester's first"
expect_no_screen "and nothing outside it" "bob is unfollowed"
expect_selected "the chosen post stays selected" "alice answers tester"

# r replies to the selected post.
keys r
expect_screen "r opens a reply" "Reply to alice"
type_text "tester thanks @alice"
keys Enter
expect_screen "the reply is posted" "Replied as tester."
expect_sql "it is stored as a reply to alice's post" "alice answers tester" \
    "SELECT p.body FROM post r JOIN post p ON p.id = r.reply_to WHERE r.body = 'tester thanks @alice';"
expect_screen "and shows in the conversation" "tester thanks @alice"
keys Escape

# b goes back to All.
keys b
expect_screen "b goes back to the previous view" "All posts"

# p: the profile of the selected post's author.
mb user edit --as alice --about "alice likes <b>tea</b>" >/dev/null
keys g j
expect_selected "alice's reply is selected" "alice answers tester"
keys p
expect_screen "p opens the author's profile" "alice likes <b>tea</b>"
expect_screen "with followers and following" "1 follower, 0 following"
expect_screen "and when they joined and were last seen" "joined $(date -u +%Y-%m-%d), last seen"
expect_screen "and their posts below" "alice answers tester"
expect_no_screen "and no one else's" "bob is unfollowed"

# m: Mentions; reading them clears the count.
keys m
expect_screen "m shows Mentions" "│ Mentions"
expect_screen "with the post that names you" "alice edited hi to @tester"
if wait_gone "1 mention (m)" 3; then ok "reading them clears the unread count"; else not_ok "reading them clears the unread count" "$(shown)"; fi
expect_sql "the mentions mark is kept in the database" "1" \
    "SELECT count(*) FROM read_mark WHERE view = 'mentions';"
mb post --as bob "hey @tester" >/dev/null
expect_screen "a new mention shows in Mentions" "hey @tester" 3

keys h
expect_screen "h goes Home" "│ Home"

# Scrolled down in All, new posts are counted, not shown.
keys a
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do mb post --as bob "filler $i" >/dev/null; done
wait_for "filler 12" 3
keys g
expect_selected "g selects the newest" "filler 12"
keys G
expect_selected "G goes to the oldest post" "tester's first"
mb post --as alice "arrives while scrolled down" >/dev/null
mb post --as alice "and another one" >/dev/null
expect_screen "new posts are counted while scrolled down" "2 new posts (g)" 3
expect_no_screen "and the view does not move to them" "arrives while scrolled down"
expect_selected "the selection stays" "tester's first"
keys g
expect_screen "g shows them" "and another one"
expect_no_screen "and the count goes" "new posts (g)"

# The help lists the new keys.
keys '?'
expect_screen "the help lists Home" "Home: the people you follow"
keys G
# From its end, up a line at a time until it shows (the help grows).
n=0
while ! screen | grep -q "reply to the selected post" && [ "$n" -lt 40 ]; do keys k; sleep 0.05; n=$((n + 1)); done
expect_screen "the help lists reply" "reply to the selected post"
keys x

keys q
expect_clean_exit "quits cleanly"

# Next time, the posts since are marked; a new user's TUI opens on All.
rm -f "$TUI_EXIT_FILE"
tm_kill_server
mb post --as alice "written while tester was away" >/dev/null
tui_start 100 30
expect_screen "the next session opens on Home again" "│ Home"
expect_screen "and marks where the new posts begin" "new posts above"
if screen | grep -A3 "written while tester was away" | grep -q "new posts above"; then
    ok "the mark sits under the new post"
else
    not_ok "the mark sits under the new post" "$(shown)"
fi
keys q
expect_clean_exit "quits cleanly again"

rm -f "$TUI_EXIT_FILE"
tm_kill_server
TUI_ARGS="--config $T/bob.conf"
printf 'password_strength = minimum\nuser = bob\n' > "$T/bob.conf"
tui_start 100 30
expect_screen "someone who follows nobody opens on All" "All posts"
keys h
expect_screen "their Home has their own posts" "filler 12"
expect_no_screen "and no one else's" "alice answers tester"
keys q
expect_clean_exit "quits cleanly as bob"
