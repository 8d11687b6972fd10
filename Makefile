# PGXS build of the listguard extension (C++17).
EXTENSION = listguard
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/")
MODULE_big = listguard
# The scripts PostgreSQL runs are in extension/, committed: the install
# script of this version and the upgrades, assembled from src/sql (each
# object defined once: CONTRIBUTING.md), and older install scripts, kept as
# they were released. DATA, not DATA_built: "make clean" must keep them.
SQL_OBJECTS = $(wildcard src/sql/*/*/*.sql)
SQL_UPGRADES = $(wildcard src/sql/upgrades/$(EXTENSION)--*.sql)
SQL_ASSEMBLED = extension/$(EXTENSION)--$(EXTVERSION).sql $(patsubst src/sql/upgrades/%,extension/%,$(SQL_UPGRADES))
DATA = $(sort $(wildcard extension/$(EXTENSION)--*.sql) $(SQL_ASSEMBLED))

CORE_SRCS = $(wildcard src/core/*/*.cpp)
PG_SRCS = $(wildcard src/pg/*/*.cpp)
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

# pg_regress inputs are sql/<test>.sql, in this order: setup first, keys
# before anything else needs the key. They expect a fresh cluster, as
# scripts/test provides.
REGRESS = setup keys error_paths boundary input equality output tokens storage dump backup_role dump_history access reveal_paths laundering prepared protection owner_attacks schema_attacks shadow_names partitions partman adoption online_protect role_attacks settings_attacks search_path expiry quota monitoring charging write_back audit audit_complete audit_tamper key_rotation requests canaries canary_writes leak_attribution canary_spotting canary_moments canary_domain_rows principals principal_attacks replicas scoped_plans copy_from copy_batches policy_shortcut audit_archive reinstall
REGRESS_OPTS = --inputdir=. --load-extension=listguard --encoding=UTF8 --no-locale

# Concurrency specs: test/isolation/specs/<name>.spec.
ISOLATION = grant_changes lingering_access quota_concurrency access_requests policy_shortcut canary_snapshots scoped_plans archive_waiter
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=listguard

PG_CONFIG ?= pg_config
# -Wno-register: PostgreSQL 15 headers (atomics) use "register", which C++17
# removed. -MMD -MP: each object records the headers it includes (in a .d file
# beside it), so changing a header rebuilds what uses it.
# Warnings are errors only where we choose the compiler (scripts/test and CI
# pass WERROR=1); users building against another compiler get warnings.
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register -MMD -MP \
	$(if $(WERROR),-Werror)
# Includes name their room: "core/email/address.h", "pg/base/guard.h".
PG_CPPFLAGS = -Isrc -I$(shell $(PG_CONFIG) --includedir)
SHLIB_LINK += -lstdc++ -lcrypto -licuuc -lpq
# SANITIZE=address,undefined (scripts/test --asan, from a copy of the tree):
# instrument every object and link the sanitizer runtimes; the server that
# loads the library must preload libasan (postgres itself is not instrumented).
ifdef SANITIZE
PG_CXXFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
SHLIB_LINK += -fsanitize=$(SANITIZE)
endif

# Debian's PostgreSQL is built with LLVM; without this PGXS would also try to
# make JIT bitcode for every file with clang. (Before the include: PGXS
# decides its targets while it is read.)
override with_llvm = no


PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# src/core must not see PostgreSQL: its objects are compiled with src and the
# OpenSSL and ICU include directories only, not PostgreSQL's, so a core file
# that included postgres.h (or anything under pg/) would fail to build.
CORE_INCLUDES := $(shell pkg-config --cflags-only-I openssl icu-uc 2>/dev/null)
$(CORE_SRCS:.cpp=.o): override CPPFLAGS := -Isrc $(CORE_INCLUDES) -D_GNU_SOURCE

# Assembled again when a source changes (the result is committed, and
# scripts/check-sql checks it is what the sources make).
all: $(SQL_ASSEMBLED)
extension/$(EXTENSION)--$(EXTVERSION).sql: src/sql/$(EXTENSION).sql $(SQL_OBJECTS) scripts/assemble-sql
	$(SHELL) scripts/assemble-sql $< > $@.tmp && mv $@.tmp $@
extension/%.sql: src/sql/upgrades/%.sql $(SQL_OBJECTS) scripts/assemble-sql
	$(SHELL) scripts/assemble-sql $< > $@.tmp && mv $@.tmp $@

-include $(OBJS:.o=.d)
EXTRA_CLEAN = $(OBJS:.o=.d) build

.PHONY: unit
unit:
	cmake -S . -B build/unit -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/unit -j2
	cd build/unit && ctest --output-on-failure
