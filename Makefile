# The two set-up commands: `make demo` and `make test`. Both install missing Debian
# packages first (scripts/install-deps).

SWIFT ?= swift

.PHONY: deps build release demo test test-fast test-lane clean

deps:
	@./scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	.build/release/illuminati demo

# The tests run the built executables as real processes, so build them first.
test:
	@./scripts/install-deps --test
	$(SWIFT) build --build-tests
	$(SWIFT) test

# The pure lane: the suites without a tag (no PostgreSQL, no child process, no browser), in
# seconds once built. `make test-lane LANE=database` (or process, browser) runs one tagged lane.
# scripts/test-lane picks a lane's suites by their tags and fails a lane that runs no tests.
test-fast: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) ./scripts/test-lane pure

test-lane:
	@test -n "$(LANE)" || { echo "usage: make test-lane LANE=pure|database|process|browser" >&2; exit 2; }
	@./scripts/install-deps --test
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) ./scripts/test-lane $(LANE)

clean:
	rm -rf .build
