#!/bin/sh
# Revision 0006's triggers under random writes by another program
# (tests/reliability/search_triggers.py says what is written and checked
# after every write): 40 seeds of 400 writes on a copy of a database the
# binary made, its two authors in it.
. "$MB_ROOT/tests/lib.sh"
if ! command -v python3 > /dev/null; then
    echo "ok - $(basename "$0") # SKIP no python3"
    exit 0
fi
sqlite_only "revision 0006's triggers"
base="$T/base.db"
"$MB_BIN" --db "$base" user add bob > /dev/null &&
    "$MB_BIN" --db "$base" user add amy > /dev/null
expect_eq "the base database has its two authors" "1 2" \
    "$(python3 -c "import sqlite3,sys; print(' '.join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('SELECT id FROM user ORDER BY id')))" "$base")"
out=$(python3 "$MB_ROOT/tests/reliability/search_triggers.py" "$base" 1 40 400 2>&1)
expect_eq "random writes by another program keep 0006's search keys, index and counts" \
    "ok 16000" "$out"
