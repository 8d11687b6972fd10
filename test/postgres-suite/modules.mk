# Builds the C modules PostgreSQL's regression suite loads, with PGXS against
# the installed server's headers: regress.so (src/test/regress/regress.c) and
# refint.so, autoinc.so (contrib/spi, used by the triggers test).
# Used by test/postgres-suite/run: make -f modules.mk SRC=<postgresql source> PG_CONFIG=...
MODULES = regress refint autoinc
# The triggers test's expected output has refint's notices (as contrib/spi builds it).
PG_CPPFLAGS = -DREFINT_VERBOSE
vpath regress.c $(SRC)/src/test/regress
vpath %.c $(SRC)/contrib/spi
# No JIT bitcode (Debian's PostgreSQL is built with LLVM; the suite does not need it).
override with_llvm = no
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
