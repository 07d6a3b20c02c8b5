# cowork: PGXS build, plus the two commands of the README (make demo,
# make test), which set up everything themselves.

EXTENSION = cowork
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = cowork
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))

DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# One regression script per feature: every sql/*.sql that is not an
# extension script.  Isolation specs live in test/specs.
REGRESS = $(sort $(basename $(notdir $(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --dbname=cowork_regression
ISOLATION = $(sort $(basename $(notdir $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --dbname=cowork_isolation

EXTRA_CLEAN = results output_iso regression.diffs regression.out \
	test/output_iso

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# Debian's PGXS also builds LLVM bitcode, which needs clang; without it, build
# without bitcode (the override is the only form PGXS honours).
ifeq ($(shell command -v clang-15 clang-14 clang 2>/dev/null),)
override with_llvm = no
endif

# Warnings are errors in CI and in make test.
ifneq ($(filter true 1 yes,$(CI) $(WERROR)),)
PG_CFLAGS += -Werror
endif

.DEFAULT_GOAL := all
.PHONY: demo test

# "make demo" and "make test" need nothing installed beforehand: the scripts
# install what is missing, build, and run a throwaway cluster.
demo:
	@bash scripts/demo.sh

test:
	@bash scripts/test.sh

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
# Every C file includes the shared header.
$(OBJS): src/cowork.h
else
all install installcheck clean:
	@echo "PostgreSQL server development files are missing: run 'make test'" \
	      "or 'bash scripts/setup.sh' first" >&2; exit 1
endif

# For scripts/test.sh: the test lists, computed from the wildcards above.
print-%:
	@echo $($*)
