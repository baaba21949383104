# truceline: `make run` and `make test` work on a fresh Debian 12 machine.
BUILD ?= build
JOBS ?= $(shell nproc)
PLAN ?= plans/kellogg-2025-04.toml
OUT ?= out

.PHONY: setup build run test clean

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/truceline plan compile $(PLAN) -o $(OUT)

# One throwaway PostgreSQL server for the whole run (the PostgreSQL store's tests make a fresh
# database in it per test), stopped however the tests end.
test: build
	@bash scripts/setup.sh --test
	@pgdir=/tmp/truceline-test-pg-$$$$; \
	uri=$$(bash scripts/pg-local.sh start $$pgdir) || exit 1; \
	trap 'bash $(CURDIR)/scripts/pg-local.sh stop '$$pgdir EXIT; \
	cd $(BUILD) && TRUCELINE_TEST_PG_URI=$$uri ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(OUT)
