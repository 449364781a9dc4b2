#!/bin/sh
# Migration faults on a database of 100,000 posts: up/down/up keeps every
# row, and a failure injected before each statement of every revision
# leaves schema, version and content byte-identical. See migrate_big.c.
. "$MB_ROOT/tests/lib.sh"
"$MB_BUILD/tests/reliability/migrate_big" "$T" "${MB_MIGRATE_POSTS:-100000}" 1000
