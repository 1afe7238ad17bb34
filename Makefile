# Lectern: one C binary. `make` builds build/lectern; `make run` serves; `make test` tests.
CC      ?= cc
PKGS    := libmicrohttpd sqlite3 libpq jansson libsodium libcurl libcmark-gfm libxml-2.0 libical cairo pangocairo libqrencode
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CSTD    := -std=c11 -D_GNU_SOURCE -DLECTERN_VERSION='"$(shell cat VERSION)"'
OPT     ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcsv (libcsv-dev) ships no pkg-config file.
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lcsv -lcmark-gfm-extensions -lm
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Test builds only: a clock tests can move (src/core/clock.c, `lectern clock`).
TEST_DEFS := -DLECTERN_TEST_CLOCK

# Sources one level down (src/<layer>/) and, in model and web, one more (src/<layer>/<domain>/).
LIB_SRC  := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c src/*/*/*.c)))
MAIN_SRC := src/cli/main.c
# Unit tests mirror the source tree (tests/unit/<layer>/, tests/unit/model/<domain>/); each
# builds to build/test/test_<name>.
UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c tests/unit/*/*/test_*.c))
vpath test_%.c $(sort $(dir $(UNIT_SRC)))

# Vendor files copied from npm packages into static/vendor/ (not committed) and embedded.
VENDOR := static/vendor/bootstrap.min.css static/vendor/bootstrap.bundle.min.js
ASSET_FILES = $(shell LC_ALL=C find templates migrations static locale -type f 2>/dev/null | LC_ALL=C sort) $(VENDOR)
ASSETS = $(shell printf '%s\n' $(ASSET_FILES) | LC_ALL=C sort -u)

REL_OBJ  := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC))
TEST_OBJ := $(patsubst src/%.c,build/test/obj/%.o,$(LIB_SRC))
UNIT_BIN := $(patsubst %.c,build/test/%,$(notdir $(UNIT_SRC)))

.PHONY: all run deps deps-test test test-pg unit unit-pg cli cli-pg api browser browser-pg browser-pg-core words multinode clean format
.PHONY: fuzz fuzz-smoke fuzz-build
all: build/lectern

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh test

# ---- release build ----
build/lectern: $(REL_OBJ) build/obj/main.o build/obj/assets.o
	$(CC) -o $@ $(REL_OBJ) build/obj/main.o build/obj/assets.o $(PKG_LIBS)

# -MMD writes each object's header dependencies beside it (build/**/*.d, included below), so
# a change to one domain's header recompiles only the files that include it.
DEPFLAGS = -MMD -MP

build/obj/%.o: src/%.c | deps-stamp
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(DEPFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/obj/main.o: src/cli/main.c | deps-stamp
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(DEPFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/assets.c: $(ASSETS) scripts/embed.sh
	@mkdir -p build
	scripts/embed.sh $@ $(ASSETS)

build/obj/assets.o: build/assets.c
	$(CC) $(CSTD) $(OPT) -c $< -o $@

static/vendor/bootstrap.min.css: package-lock.json | deps-stamp
	@scripts/deps.sh
	@mkdir -p static/vendor
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $@

# Bootstrap's own scripts (with Popper), for the navigation that collapses on small screens.
# The source-map comment is dropped: the map is not shipped, and browsers would ask for it.
static/vendor/bootstrap.bundle.min.js: package-lock.json | deps-stamp
	@scripts/deps.sh
	@mkdir -p static/vendor
	sed '/^\/\/# sourceMappingURL=/d' node_modules/bootstrap/dist/js/bootstrap.bundle.min.js > $@

# Installs missing Debian and npm packages once; re-run when the script changes.
.PHONY: deps-stamp
deps-stamp:
	@[ -f build/.deps-ok ] && [ build/.deps-ok -nt scripts/deps.sh ] || { scripts/deps.sh && mkdir -p build && touch build/.deps-ok; }

# ---- test build: AddressSanitizer and UndefinedBehaviorSanitizer ----
build/test/lectern: $(TEST_OBJ) build/test/obj/main.o build/test/obj/assets.o
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

build/test/obj/%.o: src/%.c | deps-stamp
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(TEST_DEFS) $(DEPFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/test/obj/main.o: src/cli/main.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(TEST_DEFS) $(DEPFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/test/obj/assets.o: build/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -O1 -c $< -o $@

build/test/test_%: test_%.c $(TEST_OBJ) build/test/obj/assets.o
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(TEST_DEFS) $(DEPFLAGS) -MF $@.d -MT $@ $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) \
	    -o $@ $< $(TEST_OBJ) build/test/obj/assets.o $(PKG_LIBS) $(shell pkg-config --libs cmocka)

-include $(wildcard build/obj/*.d build/obj/*/*.d build/obj/*/*/*.d build/test/*.d)
-include $(wildcard build/test/obj/*.d build/test/obj/*/*.d build/test/obj/*/*/*.d)

# ---- fuzzing: libFuzzer targets for every parser of outside input (tests/fuzz, docs/fuzzing.md) ----
# Built with clang (libFuzzer, AddressSanitizer, UndefinedBehaviorSanitizer) into build/fuzz/.
# `make fuzz` runs each target for FUZZ_SECONDS (300); `make fuzz-smoke`, part of `make test`,
# runs each for FUZZ_SMOKE_SECONDS (10) from its seed corpus. FUZZ_TARGETS picks some.
FUZZ_CC  ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC))
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))

# Order-only on deps-test: clang and its libFuzzer are test packages.
build/fuzz/obj/%.o: src/%.c | deps-test
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/fuzz/obj/assets.o: build/assets.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -c $< -o $@

# An archive, so that a target links only the objects it reaches.
build/fuzz/liblectern.a: $(FUZZ_OBJ) build/fuzz/obj/assets.o
	rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) build/fuzz/liblectern.a
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< \
	    build/fuzz/liblectern.a $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

-include $(wildcard build/fuzz/obj/*.d build/fuzz/obj/*/*.d build/fuzz/obj/*/*/*.d)

# ---- running ----
DATA ?= ./data
LISTEN ?= 127.0.0.1:8080
run: build/lectern
	build/lectern serve --data $(DATA) --listen $(LISTEN)

# ---- tests: unit (cmocka), CLI, API (node:test against a real server), browser (Chromium) ----
# `make test` runs everything on SQLite, then again on PostgreSQL (test-pg). It builds the
# release binary too: -O2 finds warnings (uninitialised values) that the test build's -O1 misses.
# The builds first, on every core (the suites after them run one at a time).
NPROC := $(shell nproc 2>/dev/null || echo 2)
test: deps-test
	@status=0; \
	$(MAKE) --no-print-directory -k -j$(NPROC) build/lectern build/test/lectern $(UNIT_BIN) $(UNIT_PG_BIN) fuzz-build \
	  || status=1; \
	$(MAKE) --no-print-directory -k build/lectern words unit fuzz-smoke cli api browser bench-smoke || status=1; \
	$(MAKE) --no-print-directory test-pg || status=1; \
	exit $$status

# The PostgreSQL pass, in a throwaway cluster that scripts/pg-test-cluster.sh creates and
# removes: the engine's unit tests and the model tests that also run on PostgreSQL (each test
# on a fresh database), its CLI tests, the whole API and browser suites (each server on a fresh
# database) and the two-node tests.
UNIT_PG_BIN = build/test/test_pg build/test/test_question_bank build/test/test_quiz build/test/test_planning \
              build/test/test_planning_approval build/test/test_ical build/test/test_conflict \
              build/test/test_event_import build/test/test_schedules build/test/test_announcements \
              build/test/test_reminders build/test/test_certification build/test/test_notifications \
              build/test/test_requests build/test/test_docs \
              build/test/test_forums \
              build/test/test_certificate

test-pg: build/test/lectern $(UNIT_PG_BIN)
	@scripts/pg-test-cluster.sh $(MAKE) --no-print-directory -k unit-pg cli-pg api browser-pg-core multinode

# The browser suite on PostgreSQL: make test runs the journeys and the features whose pages
# lean most on the engine (reports, records, planning, schedules, discussions' search); the
# whole suite there is a slow check of its own (about nine minutes).
BROWSER_PG_CORE = tests/browser/journey_admin.test.mjs tests/browser/journey_instructor.test.mjs \
                  tests/browser/journey_learner.test.mjs tests/browser/journey_manager.test.mjs \
                  tests/browser/planning.test.mjs tests/browser/schedules_admin.test.mjs \
                  tests/browser/records.test.mjs tests/browser/reports.test.mjs tests/browser/forums_search.test.mjs \
                  tests/browser/certificates.test.mjs
browser-pg-core: build/test/lectern
	@echo "== $@ $$(date -u +%T)"
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=1 $(BROWSER_PG_CORE)

browser-pg: build/test/lectern
	@scripts/pg-test-cluster.sh $(MAKE) --no-print-directory browser

unit-pg: $(UNIT_PG_BIN)
	@status=0; for t in $(UNIT_PG_BIN); do echo "== $$t"; $$t || status=1; done; exit $$status

cli-pg: build/test/lectern
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=1 tests/cli/pg.test.mjs

multinode: build/test/lectern
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=1 tests/multinode/

unit: $(UNIT_BIN)
	@status=0; for t in $(UNIT_BIN); do echo "== $$t"; $$t || status=1; done; exit $$status

cli: build/test/lectern
	@echo "== $@ $$(date -u +%T)"
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=1 tests/cli/

# Two API test files at a time (each has its own server and database); the ones that measure
# behaviour under load or kill the server run alone afterwards.
API_ALONE = tests/api/connections.test.mjs tests/api/import_locks.test.mjs tests/api/crash.test.mjs \
            tests/api/sigterm.test.mjs
API_SHARED = $(filter-out $(API_ALONE),$(wildcard tests/api/*.test.mjs))
api: build/test/lectern
	@echo "== $@ $$(date -u +%T)"
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=2 $(API_SHARED)
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=1 $(API_ALONE)

browser: build/test/lectern
	@echo "== $@ $$(date -u +%T)"
	LECTERN_BIN=build/test/lectern node --test --test-concurrency=1 tests/browser/

# Every translation key the templates and handlers use is in locale/en.json, and every key
# there is used (tests/words/check.mjs; keys built from a prefix are declared by a
# "words:" comment next to the code). Needs no build.
words:
	node tests/words/check.mjs

# ---- benchmarks (docs/bench.md) ----
# `make bench BENCH_SIZE=S|M|L`: the release binary (-O2, no sanitizers) and nginx serving a
# static file, both under wrk on 127.0.0.1; prints the table and writes bench/results/latest.md.
# Datasets are cached in bench/data/<size>/ (not committed).
BENCH_SIZE ?= S
.PHONY: bench bench-smoke deps-bench
deps-bench:
	@scripts/deps.sh bench

bench: build/lectern deps-bench
	node bench/bench.mjs --size $(BENCH_SIZE)

# Run by `make test`: the same scripts at size S for a few seconds on the sanitizer build, in a
# fresh dataset; checks only that every scenario answered 200 and the table was written.
bench-smoke: build/test/lectern deps-bench
	@echo "== $@ $$(date -u +%T)"
	LECTERN_BIN=build/test/lectern node bench/bench.mjs --smoke --size S

# ---- the README's commands on a clean Debian 12 (docs/deploy.md) ----
# Not part of `make test`: a fresh Debian 12 root (debootstrap, Debian's packages only, its
# Node.js 18), where `make run` must serve and `make test` pass, as root inside chroot. Needs
# root and about as long as `make test`; RUN_ONLY=1 stops after `make run`.
DEBIAN12_ROOT ?= /var/tmp/lectern-debian12
.PHONY: check-debian12
check-debian12:
	tests/debian12/check.sh $(DEBIAN12_ROOT)

format:
	clang-format -i $(wildcard src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h tests/unit/*/*.c tests/unit/*/*/*.c)

clean:
	rm -rf build static/vendor
