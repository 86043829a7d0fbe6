# The two set-up commands: `make demo` and `make test`. Both install missing Debian
# packages first (scripts/install-deps).

SWIFT ?= swift

.PHONY: deps build release demo test clean

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

clean:
	rm -rf .build
