#!/bin/sh
# The social commands as a user runs them: profiles (user edit --about,
# user show with joined, last seen and follow counts), follow/unfollow and
# the followers/following lists, posts --following, replies and the
# conversation of post show, mentions (and --unread moving the read mark),
# post edit, mute/unmute/muted hiding authors from every listing; --json of
# each listing parsed by python3; the filters of posts combined; every
# refusal one line on stderr, exit 1 and the database unchanged.
. "$MB_ROOT/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "ok - $TEST_NAME # SKIP no python3 to parse JSON"; exit 0; }

last_id() { sql 'SELECT max(id) FROM post'; }

mb user add alice --no-password >/dev/null
mb user add bob --no-password >/dev/null
mb user add carol --no-password >/dev/null
printf 'pw\n' | mb user add dave --password-stdin >/dev/null

for words in "user edit" "post edit" follow unfollow followers following mute unmute muted mentions; do
    # shellcheck disable=SC2086
    run_cmd mb $words --help
    expect_contains "'$words --help' prints its usage" "$OUT" "usage: microblog-tui $words"
done
run_cmd mb --help
expect_contains "--help lists the social commands" "$OUT" "
  follow "

# ---- profiles ----------------------------------------------------------
run_cmd mb user show bob
expect_contains "a new profile has no about" "$OUT" "about:     -"
expect_contains "a new profile was never seen" "$OUT" "last seen: never"
expect_contains "a new profile has no followers" "$OUT" "followers: 0"
expect_contains "a new profile follows nobody" "$OUT" "following: 0"
expect_contains "user show says when they joined" "$OUT" "joined:    20"

run_cmd mb user edit --as alice --about "I write C"
expect_eq "user edit --about exits 0" 0 "$RC"
expect_eq "user edit says what it did" "about changed for 'alice'" "$OUT"
expect_eq "the about is stored" "I write C" "$(sql "SELECT about FROM user WHERE username = 'alice'")"
run_cmd mb user show alice
expect_contains "user show prints the about" "$OUT" "about:     I write C"
expect_not_contains "an edit counts as being seen" "$OUT" "last seen: never"
run_cmd mb user show alice --json
expect_eq "user show --json is one object with the profile" \
    "alice|I write C|0|0|0|True" \
    "$(printf '%s\n' "$OUT" | json_field '"|".join(str(x) for x in [rows[0]["username"], rows[0]["about"], rows[0]["posts"], rows[0]["followers"], rows[0]["following"], rows[0]["last_seen"].endswith("Z")])')"
run_cmd mb user show bob --json
expect_eq "user show --json: no about and never seen are null" "None|None" \
    "$(printf '%s\n' "$OUT" | json_field '"%s|%s" % (rows[0]["about"], rows[0]["last_seen"])')"

about141=$(python3 -c 'print("é" * 141)')
refused "an about of 141 characters" \
    "microblog-tui: the about text is 141 characters long; the limit is 140" \
    mb user edit --as alice --about "$about141"
refused "user edit as an unknown user" "microblog-tui: no user 'nobody'" \
    mb user edit --as nobody --about hi
refused "user edit as a user with a password, without it" \
    "microblog-tui: user 'dave' has a password: give it with --password-stdin" \
    mb user edit --as dave --about hi </dev/null
refused "user edit with a wrong password" "microblog-tui: wrong password for 'dave'" \
    sh -c 'printf "nope\n" | "$0" --db "$1" user edit --as dave --password-stdin --about hi' \
    "$MB_BIN" "$DB"
run_cmd sh -c 'printf "pw\n" | "$0" --db "$1" user edit --as dave --password-stdin --about "dave here"' \
    "$MB_BIN" "$DB"
expect_eq "user edit with the password exits 0" 0 "$RC"
run_cmd mb user edit --as alice
expect_eq "user edit without --about is a usage error" 2 "$RC"
run_cmd mb user edit --as alice --about ""
expect_eq "--about \"\" exits 0" 0 "$RC"
expect_eq "--about \"\" removes the about" "1" \
    "$(sql "SELECT CAST(about IS NULL AS INTEGER) FROM user WHERE username = 'alice'")"
mb user edit --as alice --about "I write C" >/dev/null

# ---- follows -----------------------------------------------------------
run_cmd mb follow bob --as alice
expect_eq "follow exits 0" 0 "$RC"
expect_eq "follow says who follows whom" "alice followed bob" "$OUT"
mb follow carol --as alice >/dev/null
mb follow alice --as bob >/dev/null
mb follow alice --as carol >/dev/null
run_cmd mb following alice
expect_eq "following lists alphabetically" "bob
carol" "$OUT"
run_cmd mb followers alice
expect_eq "followers lists alphabetically, with their about" "bob
carol" "$OUT"
run_cmd mb followers bob
expect_eq "followers shows the about beside the name" "alice  I write C" "$OUT"
run_cmd mb following alice --json
expect_eq "following --json: one user a line" "['bob', 'carol']" \
    "$(printf '%s\n' "$OUT" | json_field '[r["username"] for r in rows]')"
run_cmd mb followers alice --json
expect_eq "followers --json parses" "['bob', 'carol']" \
    "$(printf '%s\n' "$OUT" | json_field '[r["username"] for r in rows]')"
run_cmd mb user show alice
expect_contains "user show counts followers" "$OUT" "followers: 2"
expect_contains "user show counts following" "$OUT" "following: 2"

refused "following someone twice" "microblog-tui: you already follow 'bob'" mb follow bob --as alice
refused "following yourself" "microblog-tui: you cannot follow yourself" mb follow alice --as alice
refused "following an unknown user" "microblog-tui: no user 'nobody'" mb follow nobody --as alice
refused "following as an unknown user" "microblog-tui: no user 'nobody'" mb follow bob --as nobody
refused "following as dave without his password" \
    "microblog-tui: user 'dave' has a password: give it with --password-stdin" \
    mb follow bob --as dave </dev/null
refused "followers of an unknown user" "microblog-tui: no user 'nobody'" mb followers nobody
run_cmd mb unfollow carol --as alice
expect_eq "unfollow says so" "alice unfollowed carol" "$OUT"
refused "unfollowing someone not followed" "microblog-tui: you do not follow 'carol'" \
    mb unfollow carol --as alice
run_cmd mb following alice
expect_eq "unfollow takes them off the list" "bob" "$OUT"
mb user add erin --no-password >/dev/null
mb follow alice --as erin >/dev/null
expect_eq "a follow records that the follower was here" "1" \
    "$(sql "SELECT CAST(last_seen IS NOT NULL AS INTEGER) FROM user WHERE username = 'erin'")"
mb user del erin --yes >/dev/null
run_cmd sh -c 'printf "pw\n" | "$0" --db "$1" follow alice --as dave --password-stdin' "$MB_BIN" "$DB"
expect_eq "follow with the password exits 0" "dave followed alice" "$OUT"

# ---- posts --following and the filters combined --------------------------
mb post --as alice "alice one" >/dev/null
a1=$(last_id)
mb post --as bob "bob one" >/dev/null
b1=$(last_id)
mb post --as carol "carol one" >/dev/null
mb post --as bob "bob two" >/dev/null
bodies() { printf '%s\n' "$1" | sed 's/^ *[0-9]*  [a-z]* *  [0-9-]* [0-9:]*  //'; }
run_cmd mb posts --following --as alice
expect_eq "posts --following: the people you follow and yourself" "bob two
bob one
alice one" "$(bodies "$OUT")"
run_cmd mb posts --following --as alice --user bob
expect_eq "--following with --user: that user's posts" "bob two
bob one" "$(bodies "$OUT")"
run_cmd mb posts --following --as alice --user carol
expect_eq "--following with --user of someone not followed: nothing" "" "$OUT"
run_cmd mb posts --following --as alice --limit 1 --json
expect_eq "--following --limit --json" "['bob two']" \
    "$(printf '%s\n' "$OUT" | json_field '[r["body"] for r in rows]')"
run_cmd mb posts --following --as alice --user bob --since 2000-01-01 --until 2999-01-01
expect_eq "--following, --user, --since and --until combine" "bob two
bob one" "$(bodies "$OUT")"
run_cmd mb posts --following --as alice --until 2000-01-01
expect_eq "--following with an --until before every post: nothing" "" "$OUT"
refused "posts --following without a user" "microblog-tui: no user 'tester'" mb posts --following
run_cmd mb posts
expect_eq "posts without --following is everyone's" 4 "$(printf '%s\n' "$OUT" | wc -l)"

# ---- replies and conversations -----------------------------------------
run_cmd mb post --as bob --reply-to "$a1" "welcome alice"
expect_eq "post --reply-to exits 0" 0 "$RC"
r1=$(last_id)
expect_eq "post --reply-to says what it answers" "posted $r1 as bob (a reply to $a1)" "$OUT"
mb post --as alice --reply-to "$r1" "thanks bob" >/dev/null
r2=$(last_id)
run_cmd mb posts --limit 2
expect_contains "posts shows what a reply answers" "$OUT" "↳ @bob #$r1  thanks bob"
expect_contains "posts shows every reply's target" "$OUT" "↳ @alice #$a1  welcome alice"
run_cmd mb posts --limit 1 --json
expect_eq "posts --json carries reply_to and reply_to_author" "$r1|bob" \
    "$(printf '%s\n' "$OUT" | json_field '"%s|%s" % (rows[0]["reply_to"], rows[0]["reply_to_author"])')"
run_cmd mb posts --user carol --json
expect_eq "a post that answers nothing has no reply_to" "False" \
    "$(printf '%s\n' "$OUT" | json_field '"reply_to" in rows[0]')"
run_cmd mb post show "$r1"
expect_eq "post show exits 0" 0 "$RC"
expect_contains "post show says what the post answers" "$OUT" "reply:   to $a1 by alice"
expect_contains "post show prints the conversation" "$OUT" "conversation:"
expect_eq "the conversation is oldest first, the asked-for post marked" \
    "  $a1 alice
> $r1 bob
  $r2 alice" \
    "$(printf '%s\n' "$OUT" | sed -n '/^conversation:/,$p' | sed 1d | awk '{ if ($1 == ">") print "> " $2 " " $3; else print "  " $1 " " $2 }')"
run_cmd mb post show "$a1" --json
expect_eq "post show --json: the whole conversation, oldest first" "[$a1, $r1, $r2]" \
    "$(printf '%s\n' "$OUT" | json_field '[r["id"] for r in rows]')"
run_cmd mb post show "$b1"
expect_not_contains "a post alone has no conversation" "$OUT" "conversation:"
refused "--reply-to a missing post" "microblog-tui: no post with id 999" \
    mb post --as bob --reply-to 999 hello
run_cmd mb post --as bob --reply-to abc hello
expect_eq "--reply-to abc is a usage error" 2 "$RC"
refused "post show of a missing post" "microblog-tui: no post 999" mb post show 999

# ---- mentions ----------------------------------------------------------
mb post --as carol "hello @alice and @nobody" >/dev/null
m1=$(last_id)
mb post --as bob "email me at bob@alice.example" >/dev/null
run_cmd mb mentions --as alice
expect_eq "mentions lists the posts that mention you" "hello @alice and @nobody" \
    "$(bodies "$OUT")"
run_cmd mb mentions --as alice --json
expect_eq "mentions --json parses" "[$m1]" "$(printf '%s\n' "$OUT" | json_field '[r["id"] for r in rows]')"
run_cmd mb posts --mentions --as alice --user carol
expect_eq "posts --mentions --user combine" "hello @alice and @nobody" "$(bodies "$OUT")"
run_cmd mb posts --mentions --as alice --user bob
expect_eq "posts --mentions --user of someone else: nothing" "" "$OUT"
run_cmd mb mentions --as alice --unread
expect_eq "mentions --unread shows the unread one" "hello @alice and @nobody" "$(bodies "$OUT")"
expect_eq "mentions --unread moves the read mark" "$m1" \
    "$(sql "SELECT post_id FROM read_mark WHERE view = 'mentions'")"
run_cmd mb mentions --as alice --unread
expect_eq "a second mentions --unread shows nothing" "" "$OUT"
expect_eq "and exits 0" 0 "$RC"
mb post --as bob "@Alice look" >/dev/null
m2=$(last_id)
mb post --as carol "@alice again" >/dev/null
m3=$(last_id)
run_cmd mb mentions --as alice --unread --limit 1 --json
expect_eq "--unread --limit 1 shows the oldest unread first" "[$m2]" \
    "$(printf '%s\n' "$OUT" | json_field '[r["id"] for r in rows]')"
run_cmd mb mentions --as alice --unread --json
expect_eq "then the rest" "[$m3]" "$(printf '%s\n' "$OUT" | json_field '[r["id"] for r in rows]')"
run_cmd mb mentions --as alice
expect_eq "mentions without --unread still lists them all" 3 "$(printf '%s\n' "$OUT" | wc -l)"
mb post --as alice "@dave hi" >/dev/null
refused "mentions --unread as dave without his password" \
    "microblog-tui: user 'dave' has a password: give it with --password-stdin" \
    mb mentions --as dave --unread </dev/null
run_cmd mb mentions --as dave </dev/null
expect_eq "listing mentions needs no password" "@dave hi" "$(bodies "$OUT")"
run_cmd mb mentions --as alice --password-stdin
expect_eq "--password-stdin without --unread is a usage error" 2 "$RC"

# ---- edits -------------------------------------------------------------
run_cmd mb post edit "$a1" --as alice "alice one, edited for @bob"
expect_eq "post edit exits 0" 0 "$RC"
expect_eq "post edit says so" "edited post $a1" "$OUT"
run_cmd mb posts --user alice --limit 10
expect_contains "an edited post is shown as edited" "$OUT" "alice one, edited for @bob (edited)"
run_cmd mb posts --user alice --json --limit 10
expect_eq "posts --json has edited_at on the edited post only" "1" \
    "$(printf '%s\n' "$OUT" | json_field 'sum(1 for r in rows if "edited_at" in r)')"
run_cmd mb mentions --as bob --json
expect_contains "an edit records its new mentions" "$(printf '%s\n' "$OUT" | json_field '[r["id"] for r in rows]')" "$a1"
run_cmd mb post show "$a1"
expect_contains "post show says when it was edited" "$OUT" "edited:  20"
refused "editing someone else's post" "microblog-tui: you can only edit your own posts" \
    mb post edit "$a1" --as bob "mine now"
refused "editing a missing post" "microblog-tui: no post 999" mb post edit 999 --as alice text
refused "an edit of 141 characters" \
    "microblog-tui: the post is 141 characters long; the limit is 140" \
    mb post edit "$a1" --as alice "$about141"

# ---- mutes -------------------------------------------------------------
run_cmd mb mute carol --as alice
expect_eq "mute says so" "alice muted carol" "$OUT"
run_cmd mb muted --as alice
expect_eq "muted lists them" "carol" "$OUT"
run_cmd mb muted --as alice --json
expect_eq "muted --json parses" "['carol']" "$(printf '%s\n' "$OUT" | json_field '[r["username"] for r in rows]')"
run_cmd mb posts --as alice --limit 100
expect_not_contains "posts hides the authors you mute" "$OUT" "carol"
run_cmd mb posts --as bob --limit 100
expect_contains "someone else still sees them" "$OUT" "carol one"
run_cmd mb mentions --as alice
expect_not_contains "mentions hides the authors you mute" "$OUT" "carol"
run_cmd mb posts --as alice --user carol
expect_eq "even --user NAME of someone you mute shows nothing" "" "$OUT"
refused "muting someone twice" "microblog-tui: you already mute 'carol'" mb mute carol --as alice
refused "muting yourself" "microblog-tui: you cannot mute yourself" mb mute alice --as alice
run_cmd mb unmute carol --as alice
expect_eq "unmute says so" "alice unmuted carol" "$OUT"
refused "unmuting someone not muted" "microblog-tui: you do not mute 'carol'" \
    mb unmute carol --as alice
run_cmd mb posts --as alice --limit 100
expect_contains "unmuted authors are back" "$OUT" "carol one"

# ---- last seen, and nothing raw reaches the terminal ---------------------
expect_eq "writes record last seen (alice, bob, carol, dave)" 4 \
    "$(sql 'SELECT count(*) FROM user WHERE last_seen IS NOT NULL')"
sql "UPDATE user SET about = 'x' || char(27) || '[2J' || char(7) WHERE username = 'bob'"
for cmd in "user show bob" "following alice" "followers alice"; do
    # shellcheck disable=SC2086
    mb $cmd >"$T/out" 2>&1
    if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]' "$T/out"; then
        not_ok "'$cmd' writes no control characters" "$(od -c "$T/out" | head)"
    else
        ok "'$cmd' writes no control characters"
    fi
done
run_cmd mb user show bob --json
expect_eq "user show --json escapes controls" "x\\u001b[2J\\u0007" \
    "$(printf '%s\n' "$OUT" | sed 's/.*"about":"\([^"]*\)".*/\1/')"

# Replies and edits in export (and posts --json) import again, as plain
# posts: ids are given anew, so what a reply answered is not kept.
other=$(new_db) || exit 1
mb export >"$T/social.jsonl"
run_cmd "$MB_BIN" --db "$other" import "$T/social.jsonl"
expect_eq "an export with replies and edits imports" 0 "$RC"
expect_eq "every post of it" "$(sql 'SELECT count(*) FROM post')" \
    "$(sql_db "$other" 'SELECT count(*) FROM post')"
