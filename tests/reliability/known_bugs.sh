#!/bin/sh
# Failing tests for bugs the reliability suite found in code owned by
# others and not fixed yet. Not part of `make test` (the name does not
# start with test_) so as not to turn everyone's run red; `make torture`
# runs it and counts its "not ok" lines as findings. When a bug is fixed,
# move its check into the matching test_*.sh.
#   MB_BIN=... MB_BUILD=... MB_ROOT=... sh tests/reliability/known_bugs.sh
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

# (1. `db check` reported drift after a rebuilt table was renamed back,
# because RENAME stores the name quoted; fixed in store/migrate.c
# normalise_sql and covered by tests/unit/test_migrate.c.)

# 2. At 80 columns the TUI's status line cuts off the reason a post failed:
# on a full disk it shows "Not posted (the draft is kept): committing: the
# disk" and the words "is full" are lost (tui status line, no wrapping or
# shortening of the prefix).
d="$T/full"
mkdir -p "$d"
if unshare -m sh -c "mount -t tmpfs -o size=512k tmpfs '$d'" 2>/dev/null; then
    "$MB_BIN" --db "$T/seed.db" post "first" > /dev/null 2>&1
    cat > "$T/tui.sh" <<EOF
mount -t tmpfs -o size=512k,mode=0700 tmpfs '$d' && cp '$T/seed.db' '$d/full.db' &&
avail=\$(df -k --output=avail '$d' | tail -n 1) &&
dd if=/dev/zero of='$d/filler' bs=1k count=\$((avail - 40)) 2>/dev/null
'$MB_BIN' --db '$d/full.db' 2>/dev/null
EOF
    tm start-server \; new-session -d -s t -x 80 -y 24 "unshare -m sh '$T/tui.sh'"
    wait_for "?:help" 10
    long=$(printf 'z%.0s' $(seq 1 130))
    for i in $(seq 1 30); do
        keys i C-u
        type_text "$long $i"
        keys Enter
        wait_for "Not posted" 2 && break
        keys Escape
    done
    if wait_for "full" 2; then
        ok "at 80 columns the status line says why a post failed (disk is full)"
    else
        not_ok "at 80 columns the status line says why a post failed (disk is full)" \
            "status line: $(screen | tail -n 1)"
    fi
else
    ok "status line at 80 columns # SKIP no tmpfs"
fi

# (3. FTS5's integrity-check and rebuild with private entries: fixed by
# revision 0006, whose index is contentless, and covered by
# tests/reliability/test_search_index.sh.)

# 4. On PostgreSQL an edit of a tagged post deadlocks against another tagged
# write, and the deadlock reaches the caller ("the database server stopped
# this write to let another go first (deadlock detected)"): the edit
# deletes the post's old tags (tag_count rows locked by the trigger
# tag_count_delete, in the order of the tag rows) and then inserts its new
# ones (tag_count_insert), so it takes the rows of two sets one after the
# other, while another post or reply takes them in byte order
# (store/words.c sorts a post's tags since 2026-11-29; before, two new posts
# with "#a #b" and "#b #a" deadlocked too: 2 of 3 loads without edits, 0 of
# 3 after). store_post_edit runs inside store_write_begin's transaction, and
# postgres_run retries a deadlock only outside one (store/postgres/
# statements.c:218). Either the whole write is run again on 40P01/40001, or
# the edit locks the tag_count rows of its old and new tags at once, in
# order, before changing them.
if [ -x "$MB_BUILD/tests/reliability/pg_writers" ] &&
    PG_STATE=$(sh "$MB_ROOT/scripts/pg-cluster.sh" start 2> /dev/null); then
    eval "$PG_STATE"
    mkdir -p "$T/pg-scratch"
    "$MB_BUILD/tests/reliability/pg_writers" load \
        "$(sh "$MB_ROOT/scripts/pg-cluster.sh" createdb "$PG_DIR")" 10 8 "$T/pg-scratch" \
        > "$T/pg-load.out" 2> /dev/null
    sh "$MB_ROOT/scripts/pg-cluster.sh" destroy "$PG_DIR" > /dev/null 2>&1
    expect_eq "PostgreSQL: no deadlock between tagged writes reaches a writer (8 writers, 10 s)" \
        0 "$(sed -n 's/^# figure pg_load_deadlocks //p' "$T/pg-load.out")"
else
    ok "PostgreSQL deadlocks between tagged writes # SKIP no private cluster or pg_writers"
fi

# (5. Revision 0006 as first committed refused a third post in a second
# whose first and last slots were taken; fixed in c34753b and covered by
# tests/reliability/test_search_index.sh.)

# 6. Another program's INSERT OR REPLACE into post, or UPDATE OR REPLACE
# onto a taken id, leaves post_count one too high for each replaced row:
# SQLite deletes the replaced row without its delete triggers (unless
# PRAGMA recursive_triggers is on), so tr_post_count_delete
# (migrations/sqlite/0002_posts_table.up.sql) never counts it out while
# tr_post_count_insert counts the new row in. Revision 0006 sets the
# replaced row's search entry aside in a BEFORE trigger for the same
# reason; post_count could do as much. Found by test_search_index.sh's
# invariants check on 2026-11-29.
if command -v sqlite3 > /dev/null; then
    counted="$T/replace.db"
    "$MB_BIN" --db "$counted" post "a first post" > /dev/null 2>&1
    sqlite3 "$counted" "INSERT OR REPLACE INTO post (id, body, timestamp, user_id)
        VALUES (1, 'replaced', 1700000000, 1);" 2>&1
    expect_eq "post_count after INSERT OR REPLACE of a post equals count(*)" "1 1" \
        "$(sqlite3 "$counted" "SELECT (SELECT n FROM post_count WHERE user_id = 0),
                                      (SELECT count(*) FROM post)" | tr '|' ' ')"
fi

# 7. A post whose timestamp another program stored as text or as a
# fraction (post.timestamp has INTEGER affinity, no type check) loses its
# search key and index entry when its second's keys are given again
# (migrations/sqlite/0006_search_index.up.sql, tr_search_key_assign's
# renumbering): the renumbering takes every key in the second's key range
# out but gives keys back only to the posts whose timestamp lies in that
# second, compared as numbers. A text timestamp clamps to the last second
# (text sorts above every number) but is not BETWEEN its bounds; 1000.5
# makes a key in second 1000 plus 2^19 slots, past second 1001's start for
# a slot of 2^19 or more. The post is then in post, not private, and never
# found. Either the trigger refuses a timestamp whose typeof is not
# 'integer', or the renumbering takes the posts that hold keys in the
# second (plus the new one) instead of reading their timestamps.
if command -v sqlite3 > /dev/null; then
    typed="$T/typed.db"
    "$MB_BIN" --db "$typed" post "a first post" > /dev/null 2>&1
    # Posts 20 and 1048597 hold slots 20 and 21 of the last second; post
    # 30 comes between them by id with no slot between theirs: renumbering.
    sqlite3 "$typed" "INSERT INTO post (id, body, timestamp, user_id) VALUES
        (10, 'text stamp', 'abc', 1), (20, 'top', 1125899906842624, 1),
        (1048597, 'top', 1125899906842624, 1);
        INSERT INTO post (id, body, timestamp, user_id) VALUES (30, 'top', 1125899906842624, 1);
        INSERT INTO post (id, body, timestamp, user_id) VALUES
        (600000, 'half stamp', 1000.5, 1), (75711, 'next', 1001, 1), (1124288, 'next', 1001, 1);
        INSERT INTO post (id, body, timestamp, user_id) VALUES (75720, 'next', 1001, 1);" 2>&1
    expect_eq "posts with a text or fractional timestamp keep their search keys" "1 1" \
        "$(sqlite3 "$typed" "SELECT count(*) FROM search_key WHERE post_id = 10;
                             SELECT count(*) FROM search_key WHERE post_id = 600000" | paste -sd' ')"
fi
