#!/bin/sh
# Installs the Debian packages microblog-tui needs to build, test, fuzz and
# benchmark. Called by the Makefile when pkg-config or a tool is missing, so
# that `make run` and `make test` work on a fresh Debian 12 machine.
set -eu

PACKAGES="build-essential pkg-config libncurses-dev libsqlite3-dev libsodium-dev \
libinih-dev libutf8proc-dev libcmocka-dev libjansson-dev sqlite3 tmux \
clang libclang-rt-14-dev valgrind hyperfine python3 procps util-linux passwd \
openssh-server openssh-client postgresql libpq-dev libicu-dev"

# Fast path: everything already present.
if command -v pkg-config >/dev/null 2>&1 &&
   pkg-config --exists ncursesw sqlite3 libsodium inih libutf8proc cmocka jansson &&
   command -v tmux >/dev/null && command -v sqlite3 >/dev/null &&
   command -v clang >/dev/null && command -v valgrind >/dev/null &&
   command -v hyperfine >/dev/null && command -v python3 >/dev/null &&
   command -v pgrep >/dev/null && command -v setpriv >/dev/null &&
   command -v useradd >/dev/null && command -v groupadd >/dev/null &&
   [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null &&
   [ -n "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ] &&
   pkg-config --exists icu-uc icu-i18n libpq &&
   [ -n "$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]; then
    exit 0
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "microblog-tui: installing missing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# openssh-server and postgresql start their services from their postinst.
# On a machine without systemd (a container, a chroot) there is nothing to
# start them with and a failing start would fail the install: a temporary
# policy-rc.d (exit 101, "not allowed") tells invoke-rc.d to leave them
# alone. The tests start their own sshd and PostgreSQL. A machine that
# already has a policy-rc.d, or runs systemd, is left as it is.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -d /run/systemd/system ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from microblog-tui scripts/deps.sh\nexit 101\n' |
        $SUDO tee "$policy" >/dev/null && $SUDO chmod 0755 "$policy" && made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold $missing >&2
