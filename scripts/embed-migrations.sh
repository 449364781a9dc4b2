#!/bin/sh
# Turns migrations/ENGINE/NNNN_name.{up,down}.sql into a C table (as tig
# compiles its default tigrc), so the installed binary needs no source tree.
# Usage: embed-migrations.sh DIR FUNCTION > FILE.c
#   (FUNCTION: migrations_builtin for SQLite, migrations_builtin_postgres)
set -eu
dir=$1
function=${2:-migrations_builtin}

c_string() {
    # Each line becomes "...\n" with backslashes and quotes escaped.
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/^/    "/' -e 's/$/\\n"/' "$1"
}

echo "/* Generated from $dir by scripts/embed-migrations.sh: do not edit. */"
echo '#include "store/store.h"'
echo
echo 'static const struct migration builtin_items[] = {'
count=0
for up in "$dir"/[0-9][0-9][0-9][0-9]_*.up.sql; do
    [ -e "$up" ] || continue
    base=$(basename "$up" .up.sql)
    down="$dir/$base.down.sql"
    if [ ! -e "$down" ]; then
        echo "embed-migrations: $down is missing" >&2
        exit 1
    fi
    number=$(echo "$base" | cut -c1-4 | sed 's/^0*//')
    name=$(echo "$base" | cut -c6- | tr '_' ' ')
    count=$((count + 1))
    if [ "$number" != "$count" ]; then
        echo "embed-migrations: revision $base is not number $count" >&2
        exit 1
    fi
    echo "    {"
    echo "        .revision = $number,"
    echo "        .name = \"$name\","
    echo "        .up_sql ="
    c_string "$up"
    echo "        \"\","
    echo "        .down_sql ="
    c_string "$down"
    echo "        \"\","
    echo "    },"
done
if [ "$count" = 0 ]; then
    echo "embed-migrations: no revisions in $dir" >&2
    exit 1
fi
echo '};'
echo
echo 'static const struct migration_set builtin_set = {'
echo '    .items = builtin_items,'
echo '    .count = sizeof builtin_items / sizeof builtin_items[0],'
echo '};'
echo
echo "const struct migration_set *$function(void)"
echo '{'
echo '    return &builtin_set;'
echo '}'
