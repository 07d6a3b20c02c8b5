# cowork: PGXS build, plus the two commands of the README (make demo,
# make test), which set up everything themselves.

EXTENSION = cowork
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = cowork
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))

# The install script of the version in the control file is built from
# sql/src/*.sql, concatenated in name order (pg_partman's way: one file a
# part, so a release's diff touches only the parts that changed).  Released
# install scripts (frozen copies) and the upgrade scripts are installed as
# they are.  docs/operations.md, "Releases", says how a release is cut.
BUILT_SCRIPT = sql/$(EXTENSION)--$(EXTVERSION).sql
SCRIPT_SOURCES = $(sort $(wildcard sql/src/*.sql))
DATA_built = $(BUILT_SCRIPT)
DATA = $(filter-out $(BUILT_SCRIPT),$(wildcard sql/$(EXTENSION)--*.sql))

# One regression script per feature: every sql/*.sql that is not an
# extension script.  Isolation specs live in test/specs.
REGRESS = $(sort $(basename $(notdir $(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --dbname=cowork_regression
ISOLATION = $(sort $(basename $(notdir $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --dbname=cowork_isolation

EXTRA_CLEAN = results output_iso output_regress output_upgrade regression.diffs regression.out \
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
.PHONY: demo test dist

$(BUILT_SCRIPT): $(SCRIPT_SOURCES) $(EXTENSION).control
	cat $(SCRIPT_SOURCES) > $@

# The release archive PGXN expects: cowork-<version>.zip of the committed
# tree (git archive of HEAD), everything under cowork-<version>/.
DIST_ZIP ?= $(EXTENSION)-$(EXTVERSION).zip
DIST_REF ?= HEAD
dist:
	git archive --format zip --prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(DIST_ZIP) $(DIST_REF)
	@echo "$(DIST_ZIP)"

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
