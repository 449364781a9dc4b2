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

# (6. INSERT OR REPLACE into post left post_count one too high per replaced
# row, and 7. a text or fractional timestamp lost its search key when its
# second was renumbered: both fixed in 3526b09 and covered by
# tests/reliability/test_search_index.sh.)
