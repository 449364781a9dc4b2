#!/bin/sh
# Keyset paging on a big timeline: the newest and the oldest of 100,000
# posts are reached with g/G, a time in the middle with @, and moving across the loaded window's edges
# in both directions (pages fetched and dropped as the selection moves)
# neither skips nor repeats a post.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1
# The posts in 100 statements (transactions) of 1,000: on PostgreSQL the
# post count triggers update the same rows for every post, and within one
# transaction each update walks the row's versions so far (one statement of
# 100,000 took 70 s there; 100 take 2 s).
batches=""
for b in $(seq 0 99); do
    batches="$batches
     WITH RECURSIVE p(i) AS (SELECT $((b * 1000 + 1)) UNION ALL SELECT i + 1 FROM p WHERE i < $((b * 1000 + 1000)))
     INSERT INTO post (body, timestamp, user_id)
     SELECT 'post number ' || i || '.', 1600000000 + (i / 3) * 60, 1 + (i % 100) FROM p;"
done
sql "WITH RECURSIVE u(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM u WHERE i < 100)
     INSERT INTO user (username, created_at) SELECT 'user' || i, 0 FROM u;$batches"

tui_start 80 24
expect_screen "starts on the newest of 100,000 posts" "post number 100000."
expect_screen "with the total count" "All posts (100,000)"
keys G
expect_screen "G reaches the oldest post" "post number 1."
# Walk up 300 posts one by one (about ten keyset pages, with trimming).
keys $(yes k | head -n 300)
expect_selected "300 steps up from the oldest select post 301 (nothing skipped or repeated)" "post number 301." 20
keys g
expect_screen "g returns to the newest" "post number 100000."
keys $(yes j | head -n 300)
expect_selected "300 steps down from the newest select post 99700 (nothing skipped or repeated)" "post number 99700." 20
# Page down far, then back up.
# Nine posts fit in a page at 80x24 (two rows each in 19 rows).
keys $(yes PageDown | head -n 40)
expect_selected "40 pages down select post 99340" "post number 99340." 20
keys $(yes PageUp | head -n 40)
expect_selected "40 pages back up select post 99700 again" "post number 99700." 20
# Going to a date (issue 12) is a keyset page from that time: posts 50001
# to 50003 share the second 1601000020, the newest of them is selected.
keys @
type_text "2020-09-25T02:13:41Z"
start=$(date +%s%N)
keys Enter
expect_selected "@ a time in the middle of 100,000 posts selects the newest before it" "post number 50003." 20
echo "# @ to the middle of 100,000 posts: $(( ($(date +%s%N) - start) / 1000000 )) ms"
expect_screen "and the title shows its day" "Fri 2020-09-25"
keys j
expect_selected "the post before it follows (nothing skipped)" "post number 50002." 5
# A filtered timeline pages the same way.
keys BTab G
keys Enter
expect_screen "the last user's timeline" "user99 (1,000 posts)"
keys Tab G
expect_screen "G on a user's timeline reaches their oldest post" "post number 98."
keys q
expect_clean_exit "quits cleanly"
