#!/bin/sh
# The shared box for real: `make install-shared` into a temporary
# directory (its own group, setgid binary, state directory, database and
# system configuration), and two throwaway Unix users made for the test.
# Each posts as themselves through the installed setgid binary; every
# attempt of one to act as the other, or as an admin, fails with one line
# and writes nothing, through every command and with --db, --config,
# DATABASE_URL, MICROBLOG_CONFIG and a per-user XDG configuration;
# neither can open the database file directly; the TUI's $EDITOR runs
# without the group (it cannot read the database). An admin named in the
# system configuration (admins, admin_group) can delete another's post.
# Needs root (users, a group, a setgid binary); skipped with the reason
# otherwise. Users and group are removed on exit.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

skip_all() {
    echo "ok - shared box # SKIP $1"
    exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root (it creates users, a group and a setgid binary)"
for tool in useradd userdel groupdel getent setpriv make; do
    command -v "$tool" > /dev/null || skip_all "no $tool here"
done

# Short unique names: a Unix name is at most 32 characters.
G="mbg$$"
UA="mbsa$$"
UB="mbsb$$"
made_users=""
made_group=""
shared_cleanup() {
    tm kill-server > /dev/null 2>&1
    # Processes of the throwaway users (an editor left running) go first.
    for u in $made_users; do
        pkill -KILL -U "$u" 2>/dev/null
        userdel "$u" 2>/dev/null
        getent group "$u" > /dev/null && groupdel "$u" 2>/dev/null
    done
    if [ -n "$made_group" ] && getent group "$G" > /dev/null; then groupdel "$G"; fi
    tui_cleanup
}
trap shared_cleanup EXIT
trap 'exit 1' INT TERM HUP

chmod 0755 "$T"
case ",$(findmnt -n -o OPTIONS -T "$T" 2>/dev/null)," in
    *,nosuid,*) skip_all "$T is on a nosuid mount: a setgid binary cannot work there" ;;
esac

# ---- install ------------------------------------------------------------
I="$T/i"
mkdir -p "$I"
BIN="$I/usr/bin/microblog-tui"
SDB="$I/var/microblog.db"
CONF="$I/etc/microblog/microblog.conf"
getent group "$G" > /dev/null && skip_all "a group $G exists already"
made_group=1   # from here on the group is this test's, even if the install fails
if ! make -s -C "$MB_ROOT" install-shared PREFIX="$I/usr" SYSCONFDIR="$I/etc" \
        STATEDIR="$I/var" SHARED_GROUP="$G" > "$T/install.log" 2>&1; then
    not_ok "make install-shared into a temporary directory" "$(tail -n 15 "$T/install.log")"
    exit 0
fi
ok "make install-shared into a temporary directory"
expect_eq "the group exists" "$G" "$(getent group "$G" | cut -d: -f1)"
expect_eq "the binary is root:$G 2755" "root:$G 2755" "$(stat -c '%U:%G %a' "$BIN")"
expect_eq "the state directory is root:$G 2770" "root:$G 2770" "$(stat -c '%U:%G %a' "$I/var")"
expect_eq "the database is root:$G 0660" "root:$G 660" "$(stat -c '%U:%G %a' "$SDB")"
expect_eq "the system configuration is root:$G 0640" "root:$G 640" "$(stat -c '%U:%G %a' "$CONF")"
expect_eq "the configuration names the database" "database = $SDB" "$(grep '^database' "$CONF")"
expect_eq "the database is at head, with no -wal or -shm beside it" "microblog.db" "$(ls "$I/var")"
if [ -f "$I/usr/share/man/man1/microblog-tui.1" ]; then ok "the man page is installed"; else not_ok "the man page is installed"; fi
DB="$SDB"   # for sql() from tests/lib.sh, as root
"$MB_BIN" --db "$T/head.db" db upgrade > /dev/null 2>&1
expect_eq "the database is at head" "$(sqlite3 "$T/head.db" 'PRAGMA user_version;')" \
    "$(sql 'PRAGMA user_version;')"

# Re-running keeps the database and the configuration.
sql "INSERT INTO user (username, created_at) VALUES ('keepme', 0);"
printf '# kept\n' >> "$CONF"
make -s -C "$MB_ROOT" install-shared PREFIX="$I/usr" SYSCONFDIR="$I/etc" \
    STATEDIR="$I/var" SHARED_GROUP="$G" > "$T/install2.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(sql "SELECT count(*) FROM user WHERE username = 'keepme';")" = 1 ] &&
    [ "$(tail -n 1 "$CONF")" = "# kept" ] && [ "$(stat -c '%U:%G %a' "$SDB")" = "root:$G 660" ]; then
    ok "make install-shared again keeps the database and the configuration"
else
    not_ok "make install-shared again keeps the database and the configuration" \
        "exit $rc: $(tail -n 5 "$T/install2.log")"
fi
sql "DELETE FROM user WHERE username = 'keepme';"

# ---- two throwaway users ------------------------------------------------
for u in "$UA" "$UB"; do
    if ! useradd -M -U -s /bin/sh -d "$T/home-$u" "$u" 2> "$T/useradd.err"; then
        skip_all "useradd $u failed: $(head -n 1 "$T/useradd.err")"
    fi
    made_users="$made_users $u"
    mkdir -p "$T/home-$u"
    chown "$u:$u" "$T/home-$u"
done
GID=$(getent group "$G" | cut -d: -f3)

# as USER [VAR=VALUE...] -- ARGS...: runs the installed binary as USER with
# a clean environment plus the VAR=VALUE given.
as() {
    u=$1; shift
    vars=""
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do vars="$vars $1"; shift; done
    shift
    # shellcheck disable=SC2086
    setpriv --reuid="$u" --regid="$u" --init-groups \
        env -i HOME="$T/home-$u" USER="$u" LOGNAME="$u" PATH=/usr/bin:/bin \
        LC_ALL=C.UTF-8 TZ=UTC $vars "$BIN" "$@"
}
dump() { sql .dump; }

# ---- each posts as themselves -------------------------------------------
as "$UA" -- post "hello from a" > "$T/.out" 2> "$T/.err"
expect_eq "$UA posts through the setgid binary" "0" "$?"
as "$UB" -- post "hello from b" > /dev/null 2>> "$T/.err"
expect_eq "the author is the login name of the real uid" "$UA|hello from a $UB|hello from b" \
    "$(sql "SELECT u.username || '|' || p.body FROM post p JOIN user u ON u.id = p.user_id ORDER BY p.id;" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "and no password was asked" "" "$(cat "$T/.err")"
as "$UB" -- posts > "$T/.out" 2>&1
expect_contains "$UB reads everyone's posts" "$(cat "$T/.out")" "hello from a"
# When posting failed (reported above), their posts are made as root so
# that the checks below still test what they are about.
for u in "$UA" "$UB"; do
    if [ "$(sql "SELECT count(*) FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = '$u';")" = 0 ]; then
        sql "INSERT OR IGNORE INTO user (username, created_at) VALUES ('$u', 0);"
        sql "INSERT INTO post (body, timestamp, user_id) VALUES ('hello from $u (seeded)', 0, (SELECT id FROM user WHERE username = '$u'));"
    fi
done
ID_A=$(sql "SELECT p.id FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = '$UA';")
ID_B=$(sql "SELECT p.id FROM post p JOIN user u ON u.id = p.user_id WHERE u.username = '$UB';")

# ---- every attempt to act as the other fails --------------------------------
# refused LABEL USER [VAR=VALUE...] -- ARGS...: exit 1 or 2, exactly one
# "microblog-tui: " line on stderr, the database dump unchanged, and
# nothing created beside it.
refused() {
    label=$1; shift
    before=$(dump)
    files_before=$(ls -a "$I/var")
    as "$@" < "$T/stdin" > "$T/.out" 2> "$T/.err"
    rc=$?
    lines=$(wc -l < "$T/.err")
    if { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; } && [ "$lines" -eq 1 ] &&
        grep -q '^microblog-tui: ' "$T/.err" && [ "$before" = "$(dump)" ] &&
        [ "$files_before" = "$(ls -a "$I/var")" ]; then
        ok "$label: exit $rc, $(cut -c1-90 "$T/.err")"
    else
        not_ok "$label" "exit $rc, $lines lines on stderr: $(head -c 500 "$T/.err")" \
            "dump changed: $([ "$before" = "$(dump)" ] && echo no || echo YES)" \
            "beside the database: $(ls -a "$I/var" | tr '\n' ' ')"
    fi
}
printf 'new-secret\n' > "$T/stdin"
chmod 0644 "$T/stdin"
printf '{"author":"%s","body":"forged by import","timestamp":1000}\n' "$UB" > "$T/import.jsonl"
chmod 0644 "$T/import.jsonl"
# The attacker's own database, configurations and a per-user XDG one that
# would make them an admin and point elsewhere.
EVIL="$T/evil"
mkdir -p "$EVIL"
printf '[microblog]\ndatabase = %s/evil.db\nadmins = %s, %s\n' "$EVIL" "$UA" "$UB" > "$EVIL/evil.conf"
for u in "$UA" "$UB"; do
    mkdir -p "$T/home-$u/.config/microblog"
    cp "$EVIL/evil.conf" "$T/home-$u/.config/microblog/microblog.conf"
    chown -R "$u:$u" "$T/home-$u"
done
chmod -R a+rwX "$EVIL"

for pair in "$UA $UB ${ID_B:-0}" "$UB $UA ${ID_A:-0}"; do
    set -- $pair
    me=$1 other=$2 other_id=$3
    refused "$me: post --as $other" "$me" -- post --as "$other" "forged"
    refused "$me: post del of $other's post" "$me" -- post del "$other_id" --yes
    refused "$me: user passwd $other --no-password" "$me" -- user passwd "$other" --no-password
    refused "$me: user passwd $other --password-stdin" "$me" -- user passwd "$other" --password-stdin
    refused "$me: user del $other --yes" "$me" -- user del "$other" --yes
    refused "$me: user add (admins only)" "$me" -- user add mallory --no-password
    refused "$me: import with $other as author (admins only)" "$me" -- import "$T/import.jsonl"
    refused "$me: db upgrade (admins only)" "$me" -- db upgrade
    refused "$me: db downgrade (admins only)" "$me" -- db downgrade
    refused "$me: db downgrade base (admins only)" "$me" -- db downgrade base
    refused "$me: db stamp 0001 (admins only)" "$me" -- db stamp 0001
    refused "$me: --db of the shared database itself" "$me" -- --db "$SDB" post --as "$other" "forged"
    refused "$me: --db of a file of their own" "$me" -- --db "$EVIL/own.db" posts
    refused "$me: --config" "$me" -- --config "$EVIL/evil.conf" post del "$other_id" --yes
    refused "$me: DATABASE_URL" "$me" "DATABASE_URL=sqlite:///$EVIL/url.db" -- posts
    refused "$me: MICROBLOG_CONFIG" "$me" "MICROBLOG_CONFIG=$EVIL/evil.conf" -- post del "$other_id" --yes
    refused "$me: --restricted --user $other" "$me" -- --restricted --user "$other"
    refused "$me: --user $other" "$me" -- --user "$other" post "forged"
    refused "$me: follow as $other" "$me" -- follow "$me" --as "$other"
    refused "$me: mute as $other" "$me" -- mute "$me" --as "$other"
    refused "$me: user edit --about as $other" "$me" -- user edit --as "$other" --about forged
    refused "$me: post edit of $other's post" "$me" -- post edit "$other_id" forged
    refused "$me: a reply as $other" "$me" -- post --as "$other" --reply-to "$other_id" forged
    refused "$me: mentions --unread as $other" "$me" -- mentions --as "$other" --unread
    # The per-user XDG configuration (it names them admin) is not read.
    refused "$me: post del of $other's post with an XDG config naming $me admin" "$me" \
        "XDG_CONFIG_HOME=$T/home-$me/.config" -- post del "$other_id" --yes
done
expect_eq "nothing was created where the overrides pointed" "evil.conf" "$(ls "$EVIL")"
# As themselves, the social commands work without --as (issue 11).
as "$UA" -- follow "$UB" > "$T/.out" 2>&1
expect_eq "$UA follows $UB as themselves" "$UA followed $UB" "$(cat "$T/.out")"
as "$UB" -- followers "$UB" > "$T/.out" 2>&1
expect_eq "$UB sees their follower" "$UA" "$(cat "$T/.out")"

# Revisions of the person's own (db check --migrations) are SQL that could
# ATTACH the shared database while the group is held: refused, and db
# check runs without the group for anyone but an admin.
MIG="$T/home-$UA/mig"
mkdir -p "$MIG"
printf "ATTACH DATABASE '%s' AS live;\nDELETE FROM live.post;\n" "$SDB" > "$MIG/0001_a.up.sql"
printf 'SELECT 1;\n' > "$MIG/0001_a.down.sql"
chown -R "$UA:$UA" "$MIG"
refused "$UA: db check --migrations with an ATTACH of the shared database" "$UA" -- \
    db check --migrations "$MIG"
as "$UA" -- db check > "$T/.out" 2>&1
expect_eq "$UA may still run db check (no drift, exit 0)" "0" "$?"

# A login that differs from a user only in case (or looks like one) is
# not that user: it is refused, and never an admin by the other's name.
UC=$(printf '%s' "$UA" | tr 'a-z' 'A-Z')
if useradd --badname -M -U -s /bin/sh -d "$T/home-$UA" "$UC" 2> "$T/useradd.err" ||
   useradd -M -U -s /bin/sh -d "$T/home-$UA" "$UC" 2> "$T/useradd.err"; then
    made_users="$made_users $UC"
    refused "$UC (a case variant of $UA's login) cannot post" "$UC" -- post "as $UA?"
    expect_contains "and is told why" "$(cat "$T/.err")" "looks like the existing user '$UA'"
    refused "$UC cannot delete $UA's post" "$UC" -- post del "${ID_A:-0}" --yes
else
    echo "ok - a login differing only in case # SKIP useradd $UC: $(head -n 1 "$T/useradd.err")"
fi

# ---- the file itself is out of reach ------------------------------------------
for u in "$UA" "$UB"; do
    if setpriv --reuid="$u" --regid="$u" --init-groups sqlite3 "$SDB" "SELECT count(*) FROM post;" > "$T/.out" 2>&1; then
        not_ok "$u cannot open the database with sqlite3" "$(cat "$T/.out")"
    else
        ok "$u cannot open the database with sqlite3: $(head -n 1 "$T/.out" | cut -c1-70)"
    fi
    if setpriv --reuid="$u" --regid="$u" --init-groups cat "$SDB" > /dev/null 2>&1; then
        not_ok "$u cannot read the database file"
    else
        ok "$u cannot read the database file"
    fi
    if setpriv --reuid="$u" --regid="$u" --init-groups cat "$CONF" > /dev/null 2>&1; then
        not_ok "$u cannot read the system configuration"
    else
        ok "$u cannot read the system configuration"
    fi
done

# ---- own posts can go; an admin may delete anyone's ------------------------
as "$UA" -- post "a's spare" > /dev/null 2>&1
spare=$(sql "SELECT id FROM post WHERE body = 'a''s spare';")
as "$UA" -- post del "$spare" --yes > "$T/.out" 2>&1
expect_eq "$UA deletes a post of their own" "0" "$(sql "SELECT count(*) FROM post WHERE body = 'a''s spare';")"
sed -i "s/^# admins = .*/admins = $UA/" "$CONF"
expect_eq "the configuration now names $UA admin" "admins = $UA" "$(grep '^admins' "$CONF")"
as "$UA" -- post del "$ID_B" --yes > "$T/.out" 2>&1
rc=$?
expect_eq "$UA, an admin (admins = $UA), deletes $UB's post" "0 0" \
    "$rc $(sql "SELECT count(*) FROM post WHERE id = $ID_B;")"
# An admin migrates the schema through the setgid binary (the db commands
# keep the group for the backup they write beside the database).
head=$(sql 'PRAGMA user_version;')
as "$UA" -- db downgrade > "$T/.out" 2>&1
rc=$?
expect_eq "$UA, an admin, runs db downgrade" "0 $((head - 1))" "$rc $(sql 'PRAGMA user_version;')"
refused "$UB: db upgrade of a database that is behind (admins only)" "$UB" -- db upgrade
# Any other command brings it to head (auto_migrate, the system's
# setting), with a backup beside it: the group's, not the person's to read.
as "$UB" -- posts > "$T/.out" 2>&1
rc=$?
expect_eq "$UB's next command brings it to head (auto_migrate = yes)" "0 $head" "$rc $(sql 'PRAGMA user_version;')"
for f in "$I/var/"*.bak; do
    [ -e "$f" ] || continue
    case "$(stat -c '%G %a' "$f")" in
        "$G 600" | "$G 640" | "$G 660" | "root "*) ok "the backup $(basename "$f") is $(stat -c '%U:%G %a' "$f")" ;;
        *) not_ok "the backup is not readable by others" "$(stat -c '%U:%G %a' "$f")" ;;
    esac
done
as "$UA" -- db downgrade > /dev/null 2>&1
as "$UA" -- db upgrade > "$T/.out" 2>&1
rc=$?
expect_eq "$UA, an admin, runs db upgrade back to head" "0 $head" "$rc $(sql 'PRAGMA user_version;')"
rm -f "$I/var/"*.bak
sed -i "s/^admins = .*/# admins =/" "$CONF"
as "$UB" -- post "b again" > /dev/null 2>&1
refused "$UA, no longer an admin, cannot delete $UB's post" "$UA" -- post del \
    "$(sql "SELECT id FROM post WHERE body = 'b again';")" --yes
# admin_group: UA's own group (each user has one) makes UA an admin.
sed -i "s/^# admin_group = .*/admin_group = $UA/" "$CONF"
as "$UA" -- post del "$(sql "SELECT id FROM post WHERE body = 'b again';")" --yes > "$T/.out" 2>&1
expect_eq "$UA, in admin_group, deletes $UB's post" "0 0" \
    "$? $(sql "SELECT count(*) FROM post WHERE body = 'b again';")"
sed -i "s/^admin_group = .*/# admin_group =/" "$CONF"

# ---- $EDITOR runs without the group -----------------------------------------
# The editor (the user's own program) tries to read the database and
# records its groups; it writes the post's text.
SPY="$T/spy"
mkdir -p "$SPY"
chown "$UA:$UA" "$SPY"
cat > "$T/spy-editor" <<EOS
#!/bin/sh
id -G > "$SPY/groups"
if cat "$SDB" > /dev/null 2> "$SPY/cat.err"; then echo read > "$SPY/read"; else echo denied > "$SPY/read"; fi
grep '^Gid:' /proc/\$\$/status > "$SPY/gid"
ls -l /proc/\$\$/fd/ > "$SPY/fds" 2>&1
printf 'written in the editor\n' > "\$1"
EOS
chmod 0755 "$T/spy-editor"
# A 60 s refresh tick: only the watch set up while the group was held can
# bring another person's post in quickly (issue 11).
echo "refresh_ms = 60000" >> "$CONF"
tm start-server \; set-option -g remain-on-exit on \; set-option -g default-terminal screen \; \
    new-session -d -s t -x 80 -y 24 \
    "echo \$\$ > '$TUI_SHELL_PID_FILE'; setpriv --reuid=$UA --regid=$UA --init-groups env -i HOME='$T/home-$UA' USER=$UA LOGNAME=$UA PATH=/usr/bin:/bin TERM=screen LC_ALL=C.UTF-8 EDITOR='$T/spy-editor' TMPDIR='$SPY' '$BIN' 2>'$TUI_ERR'; echo \$? > '$TUI_EXIT_FILE'"
if wait_for "?:help" 10; then
    ok "the TUI starts through the setgid binary"
    expect_screen "it is $UA's" "as $UA"
    pid=$(pgrep -n -f "^$BIN\$" 2>/dev/null || pgrep -n -x microblog-tui)
    gids=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null)
    ua_gid=$(id -g "$UA")
    expect_eq "the running TUI holds no trace of the group (real, effective, saved, fs)" \
        "$ua_gid $ua_gid $ua_gid $ua_gid" "$gids"
    as "$UB" -- post "live from $UB" > /dev/null 2>&1
    expect_screen "$UB's post appears at once, without the group and without a key (60 s tick)" \
        "live from $UB" 2
    keys E
    deadline=$(( $(date +%s) + 10 ))
    while [ ! -s "$SPY/read" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
    expect_eq "the editor cannot read the database" "denied" "$(cat "$SPY/read" 2>/dev/null)"
    case " $(cat "$SPY/groups" 2>/dev/null) " in
        *" $GID "*) not_ok "the editor runs without the group" "id -G: $(cat "$SPY/groups")" ;;
        "  ") not_ok "the editor runs without the group" "the editor never ran" ;;
        *) ok "the editor runs without the group: id -G is $(cat "$SPY/groups")" ;;
    esac
    if grep -q 'microblog\.db' "$SPY/fds" 2>/dev/null; then
        not_ok "the editor inherits no descriptor of the database" "$(grep microblog "$SPY/fds")"
    elif [ -s "$SPY/fds" ]; then
        ok "the editor inherits no descriptor of the database"
    else
        not_ok "the editor inherits no descriptor of the database" "the editor never listed them"
    fi
    expect_screen "the editor's text comes back" "written in the editor"
    keys Enter
    expect_sql "the post from the editor is $UA's" "$UA" \
        "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'written in the editor';"
    keys Escape u
    expect_screen "u (switch author) is refused" "You are $UA here"
    expect_no_screen "and asks for no name" "Switch author to:"
    keys Escape q
    if wait_exit 10 && [ "$EXIT_STATUS" = 0 ]; then ok "the TUI quits cleanly"; else not_ok "the TUI quits cleanly" "${EXIT_STATUS:-none}: $(cat "$TUI_ERR")"; fi
else
    not_ok "the TUI starts through the setgid binary" "$(shown)" "$(cat "$TUI_ERR")"
fi
sed -i '/^refresh_ms = 60000$/d' "$CONF"
expect_eq "the database is sound" "ok" "$(sql 'PRAGMA integrity_check;')"
# A person's process cannot remove the -wal and -shm it made (it has given
# up the group that may write the directory), so they may stay; then they
# must be usable by everyone else through the group.
for f in "$SDB-wal" "$SDB-shm"; do
    [ -e "$f" ] || continue
    expect_eq "$(basename "$f") left behind is the group's, 0660" "$G 660" "$(stat -c '%G %a' "$f")"
done
