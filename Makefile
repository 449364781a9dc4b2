# microblog-tui: one non-recursive make.
#   make run      build and start the TUI on the default database
#   make test     unit, CLI and TUI tests under AddressSanitizer + UBSan
#   make install  PREFIX=/usr/local DESTDIR=
#   make install-shared  PREFIX=/usr/local SYSCONFDIR=/etc
#                 STATEDIR=/var/lib/microblog SHARED_GROUP=microblog  (as root)
#   make bench | fuzz | torture | valgrind | clean
#
# Missing Debian packages are installed by scripts/deps.sh (apt-get, with
# sudo when not root) before anything is compiled.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
BUILD   ?= build
VERSION := 0.1.0
# The shared box (make install-shared): where the system configuration,
# the database and the group live. The configuration's directory is
# compiled into the setgid binary (MB_SYSCONFDIR, read by core/identity.c).
SYSCONFDIR   ?= /etc
STATEDIR     ?= /var/lib/microblog
SHARED_GROUP ?= microblog

# install-shared creates a group, root-owned files and a setgid binary:
# refuse before building anything when that cannot work.
ifneq ($(filter install-shared,$(MAKECMDGOALS)),)
ifneq ($(shell id -u),0)
$(error make install-shared must run as root (it creates the group $(SHARED_GROUP), a setgid binary and root-owned files); try: sudo make install-shared)
endif
endif

ifeq ($(filter clean,$(MAKECMDGOALS)),)
DEPS_STATUS := $(shell sh scripts/deps.sh >&2 && echo ok)
ifneq ($(DEPS_STATUS),ok)
$(error scripts/deps.sh could not install the required packages)
endif
endif

LIBS_PKG := ncursesw sqlite3 libpq libsodium inih libutf8proc jansson icu-uc icu-i18n
PKG_CFLAGS := $(shell pkg-config --cflags $(LIBS_PKG) 2>/dev/null)
# libpq and ICU are loaded with dlopen when first needed (store/postgres/
# libpq.h, core/names.c): linked directly they cost every command ~4 ms of
# start-up, a journal's included.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libpq icu-uc icu-i18n,$(LIBS_PKG)) 2>/dev/null)
# The benchmarks' psql-like floors call libpq themselves.
PQ_LIBS    := $(shell pkg-config --libs libpq 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -DMB_VERSION='"$(VERSION)"' $(WARN) \
               -I. -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
RELEASE_CFLAGS := $(BASE_CFLAGS) -O2 -g
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS)

LIB_SRC := $(wildcard core/*.c store/*.c store/sqlite/*.c store/postgres/*.c tui/*.c) \
           $(filter-out cli/main.c,$(wildcard cli/*.c))
GEN_SRC := $(BUILD)/gen/migrations_builtin.c $(BUILD)/gen/migrations_postgres.c
MIGRATIONS := $(wildcard migrations/sqlite/*.sql)
MIGRATIONS_PG := $(wildcard migrations/postgres/*.sql)

REL_OBJ  := $(patsubst %.c,$(BUILD)/release/%.o,$(LIB_SRC) $(GEN_SRC))
ASAN_OBJ := $(patsubst %.c,$(BUILD)/asan/%.o,$(LIB_SRC) $(GEN_SRC))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(UNIT_SRC))

# Reliability programs (crash, concurrency and fault drivers used by the
# tests/reliability scripts) and benchmark programs.
REL_SRC := $(wildcard tests/reliability/*.c)
REL_BIN := $(patsubst tests/reliability/%.c,$(BUILD)/asan/tests/reliability/%,$(REL_SRC))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/release/bench/%,$(BENCH_SRC))

# Fuzz targets: libFuzzer binaries for `make fuzz` (clang), and replay
# binaries (the ordinary sanitizer build) that re-run every kept corpus
# input in `make test`.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRC))
REPLAY_BIN := $(patsubst %,$(BUILD)/asan/tests/replay_%,$(FUZZ_NAMES))
FUZZ_BIN := $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 20
FUZZ_CC := clang
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
               -fno-omit-frame-pointer
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/fuzz/%.o,$(filter-out tui/%,$(LIB_SRC)) $(GEN_SRC))

.PHONY: all run test unit install install-shared bench fuzz torture valgrind clean FORCE
.DEFAULT_GOAL := all

all: microblog-tui

microblog-tui: $(BUILD)/release/libmicroblog.a $(BUILD)/release/cli/main.o
	$(CC) -o $@ $(BUILD)/release/cli/main.o $(BUILD)/release/libmicroblog.a $(PKG_LIBS)

$(BUILD)/asan/microblog-tui: $(BUILD)/asan/libmicroblog.a $(BUILD)/asan/cli/main.o
	$(CC) $(SAN_FLAGS) -o $@ $(BUILD)/asan/cli/main.o $(BUILD)/asan/libmicroblog.a $(PKG_LIBS)

$(BUILD)/release/libmicroblog.a: $(REL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/libmicroblog.a: $(ASAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gen/migrations_builtin.c: $(MIGRATIONS) scripts/embed-migrations.sh
	@mkdir -p $(@D)
	sh scripts/embed-migrations.sh migrations/sqlite migrations_builtin > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations_postgres.c: $(MIGRATIONS_PG) scripts/embed-migrations.sh
	@mkdir -p $(@D)
	sh scripts/embed-migrations.sh migrations/postgres migrations_builtin_postgres > $@.tmp && \
	    mv $@.tmp $@

$(BUILD)/release/%.o: %.c | $(BUILD)/gen/migrations_builtin.c
	@mkdir -p $(@D)
	$(CC) $(RELEASE_CFLAGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c | $(BUILD)/gen/migrations_builtin.c
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<

$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/asan/libmicroblog.a
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(BUILD)/asan/libmicroblog.a \
	    $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/asan/tests/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/asan/libmicroblog.a
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/asan/libmicroblog.a $(PKG_LIBS)

$(BUILD)/fuzz/%.o: %.c | $(BUILD)/gen/migrations_builtin.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/libfuzzmicroblog.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libfuzzmicroblog.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/libfuzzmicroblog.a \
	    $(PKG_LIBS)

# Runs every fuzz target for FUZZ_SECONDS, growing its corpus in place.
fuzz: $(FUZZ_BIN)
	@for name in $(FUZZ_NAMES); do \
	    echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
	    mkdir -p tests/fuzz/corpus/$$name; \
	    $(BUILD)/fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	        -max_len=4096 -timeout=10 -artifact_prefix=tests/fuzz/crash- \
	        -print_final_stats=1 tests/fuzz/corpus/$$name 2>&1 | \
	        grep -E '^(stat::number_of_executed_units|stat::peak_rss|#[0-9]+ *DONE|==[0-9]+==ERROR)' || exit 1; \
	done

# The unit tests and the CLI tests under valgrind's memcheck (a plain -O1
# build: valgrind and AddressSanitizer do not mix).
valgrind: $(BUILD)/valgrind/microblog-tui $(patsubst tests/unit/%.c,$(BUILD)/valgrind/tests/%,$(UNIT_SRC))
	MB_VALGRIND=1 sh tests/run.sh $(BUILD)/valgrind

VALGRIND_CFLAGS := $(BASE_CFLAGS) -O1 -g
VALGRIND_OBJ := $(patsubst %.c,$(BUILD)/valgrind/%.o,$(LIB_SRC) $(GEN_SRC))

$(BUILD)/valgrind/%.o: %.c | $(BUILD)/gen/migrations_builtin.c
	@mkdir -p $(@D)
	$(CC) $(VALGRIND_CFLAGS) -c -o $@ $<

$(BUILD)/valgrind/libmicroblog.a: $(VALGRIND_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/valgrind/microblog-tui: $(BUILD)/valgrind/libmicroblog.a $(BUILD)/valgrind/cli/main.o
	$(CC) -o $@ $(BUILD)/valgrind/cli/main.o $(BUILD)/valgrind/libmicroblog.a $(PKG_LIBS)

$(BUILD)/valgrind/tests/%: tests/unit/%.c $(BUILD)/valgrind/libmicroblog.a
	@mkdir -p $(@D)
	$(CC) $(VALGRIND_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(BUILD)/valgrind/libmicroblog.a \
	    $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/asan/tests/reliability/%: tests/reliability/%.c $(BUILD)/asan/libmicroblog.a
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -o $@ $< $(BUILD)/asan/libmicroblog.a $(PKG_LIBS)

$(BUILD)/release/bench/%: bench/%.c $(BUILD)/release/libmicroblog.a
	@mkdir -p $(@D)
	$(CC) $(RELEASE_CFLAGS) -o $@ $< $(BUILD)/release/libmicroblog.a $(PKG_LIBS) $(PQ_LIBS)

# The long variants of the reliability suite; prints a table of figures.
torture: $(BUILD)/asan/microblog-tui $(REL_BIN) $(UNIT_BIN)
	sh tests/reliability/torture.sh $(BUILD)/asan

# Benchmarks: prints a table and writes bench/RESULTS.md.
bench: microblog-tui $(BENCH_BIN)
	sh bench/run.sh $(BUILD)/release

run: microblog-tui
	./microblog-tui

unit: $(UNIT_BIN)

test: $(BUILD)/asan/microblog-tui $(UNIT_BIN) $(REPLAY_BIN) $(REL_BIN)
	sh tests/run.sh $(BUILD)/asan

install: microblog-tui
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/doc/microblog-tui
	install -m 0755 microblog-tui $(DESTDIR)$(PREFIX)/bin/microblog-tui
	install -m 0644 docs/microblog-tui.1 $(DESTDIR)$(PREFIX)/share/man/man1/microblog-tui.1
	install -m 0644 microblog.conf $(DESTDIR)$(PREFIX)/share/doc/microblog-tui/microblog.conf.example

# The shared box: a setgid binary whose system configuration is
# SYSCONFDIR/microblog/microblog.conf. core/identity.c is compiled afresh
# every time (SYSCONFDIR may differ from the last install) and linked
# before the library, so its objects win over the archive's copy.
FORCE:

$(BUILD)/shared/identity.o: core/identity.c FORCE | $(BUILD)/gen/migrations_builtin.c
	@mkdir -p $(@D)
	$(CC) $(RELEASE_CFLAGS) -DMB_SYSCONFDIR='"$(SYSCONFDIR)"' -c -o $@ core/identity.c

$(BUILD)/shared/microblog-tui: $(BUILD)/release/cli/main.o $(BUILD)/shared/identity.o \
                               $(BUILD)/release/libmicroblog.a
	$(CC) -o $@ $(BUILD)/release/cli/main.o $(BUILD)/shared/identity.o \
	    $(BUILD)/release/libmicroblog.a $(PKG_LIBS)

# Installs a working shared box under exactly these paths (no DESTDIR):
# the group, the binary root:GROUP 2755, the state directory root:GROUP
# 2770, the database root:GROUP 0660, and the system configuration
# root:GROUP 0640. The database is made at head by the build tree's
# ordinary, non-setgid binary in a private directory (the program refuses,
# rightly, to open a file in a directory the group may change) and moved
# in. An existing database and configuration are kept as they are: only
# their owner and mode are set again; upgrading the schema is for an admin
# (db upgrade through the installed binary).
SHARED_DB   := $(STATEDIR)/microblog.db
SHARED_CONF := $(SYSCONFDIR)/microblog/microblog.conf

install-shared: microblog-tui $(BUILD)/shared/microblog-tui
	@getent group '$(SHARED_GROUP)' >/dev/null || { \
	    echo "groupadd --system $(SHARED_GROUP)"; groupadd --system '$(SHARED_GROUP)'; }
	install -d '$(PREFIX)/bin' '$(PREFIX)/share/man/man1' '$(SYSCONFDIR)/microblog'
	install -o root -g '$(SHARED_GROUP)' -m 2755 $(BUILD)/shared/microblog-tui '$(PREFIX)/bin/microblog-tui'
	install -m 0644 docs/microblog-tui.1 '$(PREFIX)/share/man/man1/microblog-tui.1'
	install -d -o root -g '$(SHARED_GROUP)' -m 2770 '$(STATEDIR)'
	@if [ -e '$(SHARED_DB)' ]; then \
	    echo "keeping $(SHARED_DB) (a new revision is applied on first use unless auto_migrate = no; or an admin runs db upgrade)"; \
	else \
	    tmp=$$(mktemp -d) && \
	    env -u DATABASE_URL MICROBLOG_CONFIG=/dev/null ./microblog-tui --db "$$tmp/microblog.db" db upgrade && \
	    test ! -e "$$tmp/microblog.db-wal" && \
	    install -o root -g '$(SHARED_GROUP)' -m 0660 "$$tmp/microblog.db" '$(SHARED_DB).new' && \
	    mv '$(SHARED_DB).new' '$(SHARED_DB)' && rm -rf "$$tmp" && \
	    echo "created $(SHARED_DB)" || { rm -rf "$$tmp"; exit 1; }; \
	fi
	chown root:'$(SHARED_GROUP)' '$(SHARED_DB)'
	chmod 0660 '$(SHARED_DB)'
	@if [ -e '$(SHARED_CONF)' ]; then \
	    echo "keeping $(SHARED_CONF)"; \
	else \
	    echo "writing $(SHARED_CONF)"; \
	    umask 077; { echo '# microblog-tui: the system configuration of the shared box.'; \
	      echo '# Read by the setgid $(PREFIX)/bin/microblog-tui, and only this file:'; \
	      echo '# users cannot override it. Keys are documented in microblog.conf.'; \
	      echo '[microblog]'; \
	      echo 'database = $(SHARED_DB)'; \
	      echo ''; \
	      echo '# Who may add, delete and rename users, delete other people'"'"'s posts,'; \
	      echo '# import, and run db upgrade/downgrade/stamp: login names, and/or the'; \
	      echo '# members of a Unix group. Everyone else posts and deletes as themselves.'; \
	      echo '# admins = alice, bob'; \
	      echo '# admin_group = microblog-admins'; \
	    } > '$(SHARED_CONF).new' && mv '$(SHARED_CONF).new' '$(SHARED_CONF)'; \
	fi
	chown root:'$(SHARED_GROUP)' '$(SHARED_CONF)'
	chmod 0640 '$(SHARED_CONF)'
	@echo "shared box installed: users run $(PREFIX)/bin/microblog-tui; admins go in $(SHARED_CONF)"

clean:
	rm -rf $(BUILD) microblog-tui

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
