# truceline: `make run` and `make test` work on a fresh Debian 12 machine.
BUILD ?= build
JOBS ?= $(shell nproc)
PLAN ?= plans/kellogg-2025-04.toml
OUT ?= out

.PHONY: setup build run test clean web

setup:
	@bash scripts/setup.sh

# The dashboard (web/): npm ci only when node_modules is missing or older than the lockfile, then
# the esbuild bundle into web/dist (served by `truceline serve` at /).
web: setup web/dist/index.html

web/node_modules/.installed: web/package-lock.json web/package.json
	cd web && npm ci
	@touch $@

web/dist/index.html: web/node_modules/.installed web/build.mjs $(wildcard web/src/*)
	@cd web && node build.mjs

build: setup web
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The plan's zone table and outputs, then the monitoring service on a simulated day with its
# dashboard at http://127.0.0.1:8080/ (the address and token are printed); Ctrl-C stops it.
run: build
	$(BUILD)/truceline plan compile $(PLAN) -o $(OUT)
	@bash scripts/demo.sh $(BUILD)/truceline $(PLAN) $(OUT)

# One throwaway PostgreSQL server for the whole run (the PostgreSQL store's tests make a fresh
# database in it per test), stopped however the tests end.
test: build
	@bash scripts/setup.sh --test
	@pgdir=/tmp/truceline-test-pg-$$$$; \
	uri=$$(bash scripts/pg-local.sh start $$pgdir) || exit 1; \
	trap 'bash $(CURDIR)/scripts/pg-local.sh stop '$$pgdir EXIT; \
	cd $(BUILD) && TRUCELINE_TEST_PG_URI=$$uri ctest --output-on-failure -j $(JOBS)

# The suite built with clang, AddressSanitizer and UndefinedBehaviorSanitizer (CMakePresets.json,
# preset asan, in build-asan/), with its own throwaway PostgreSQL server; any report fails the test.
# The same build holds the fuzz targets (`make fuzz` reuses it). ASAN_SUITE picks a suite by its
# label (unit, integration, web; docs/testing.md); empty runs them all.
.PHONY: test-asan fuzz
ASAN_SUITE ?=
ASAN_TARGETS = $(if $(ASAN_SUITE),truceline_$(ASAN_SUITE)_tests fuzz_targets,all)
test-asan: setup web
	@bash scripts/setup.sh --test --fuzz
	@cmake --preset asan >/dev/null
	@cmake --build build-asan -j $(JOBS) --target $(ASAN_TARGETS)
	@pgdir=/tmp/truceline-asan-pg-$$$$; \
	uri=$$(bash scripts/pg-local.sh start $$pgdir) || exit 1; \
	trap 'bash $(CURDIR)/scripts/pg-local.sh stop '$$pgdir EXIT; \
	cd build-asan && TRUCELINE_TEST_PG_URI=$$uri \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j $(JOBS) --timeout 900 $(if $(ASAN_SUITE),-L '^$(ASAN_SUITE)$$')

# Every libFuzzer target (fuzz/) built in build-asan/ (the sanitizer build above) and run
# FUZZ_SECONDS each, after replaying its whole corpus.
FUZZ_SECONDS ?= 60
fuzz:
	@bash scripts/setup.sh --fuzz
	@cmake --preset asan >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@bash fuzz/run.sh build-asan $(FUZZ_SECONDS)

# The server and store tests under ThreadSanitizer (CMakePresets.json, preset tsan, in
# build-tsan/; only the two test programs and the CLI that the integration test runs as `serve`),
# with their own throwaway PostgreSQL server; any report fails the test. What runs and why:
# scripts/test-tsan.sh and docs/testing.md.
.PHONY: test-tsan
test-tsan: setup
	@bash scripts/setup.sh --fuzz
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@bash scripts/test-tsan.sh build-tsan $(JOBS)

clean:
	rm -rf $(BUILD) $(OUT)
