# PGXS build of the listguard extension (C++17).
EXTENSION = listguard
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/")
MODULE_big = listguard
# sql/listguard.sql is the current install script; it is installed as
# listguard--$(EXTVERSION).sql beside the released ones and the upgrades.
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard sql/listguard--*.sql))

CORE_SRCS = $(wildcard src/core/*/*.cpp)
PG_SRCS = $(wildcard src/pg/*/*.cpp)
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

# pg_regress inputs are sql/<test>.sql (the install scripts share sql/), in
# this order: setup first, keys before anything else needs the key. They
# expect a fresh cluster, as scripts/test provides.
REGRESS = setup keys error_paths input equality output tokens storage dump access reveal_paths laundering protection owner_attacks partitions adoption role_attacks settings_attacks search_path expiry quota audit audit_complete audit_tamper key_rotation requests canaries canary_writes replicas reinstall
REGRESS_OPTS = --inputdir=. --load-extension=listguard --encoding=UTF8 --no-locale

# Concurrency specs: test/isolation/specs/<name>.spec.
ISOLATION = grant_changes lingering_access quota_concurrency access_requests canary_snapshots
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

sql/$(EXTENSION)--$(EXTVERSION).sql: sql/$(EXTENSION).sql
	cp $< $@

-include $(OBJS:.o=.d)
EXTRA_CLEAN = $(OBJS:.o=.d) build

.PHONY: unit
unit:
	cmake -S . -B build/unit -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/unit -j2
	cd build/unit && ctest --output-on-failure
