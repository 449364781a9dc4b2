#!/bin/sh
# Installs the Debian packages microblog-tui needs to build, test, fuzz and
# benchmark. Called by the Makefile when pkg-config or a tool is missing, so
# that `make run` and `make test` work on a fresh Debian 12 machine.
set -eu

PACKAGES="build-essential pkg-config libncurses-dev libsqlite3-dev libsodium-dev \
libinih-dev libutf8proc-dev libcmocka-dev libjansson-dev sqlite3 tmux \
clang libclang-rt-14-dev valgrind hyperfine python3 procps util-linux"

# Fast path: everything already present.
if command -v pkg-config >/dev/null 2>&1 &&
   pkg-config --exists ncursesw sqlite3 libsodium inih libutf8proc cmocka jansson &&
   command -v tmux >/dev/null && command -v sqlite3 >/dev/null &&
   command -v clang >/dev/null && command -v valgrind >/dev/null &&
   command -v hyperfine >/dev/null && command -v python3 >/dev/null &&
   command -v pgrep >/dev/null && command -v setpriv >/dev/null &&
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
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing >&2
