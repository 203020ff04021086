# boilerstrip — `make demo` runs the example, `make test` runs the whole suite. Both install libpcre2-dev when missing.
SWIFT ?= swift
BIN_DEBUG := .build/debug/boilerstrip
BIN_RELEASE := .build/release/boilerstrip

.PHONY: deps build release demo test fuzz

# PCRE2 (libpcre2-8) and pkg-config, from Debian's packages, when they are missing.
deps:
	@if ! pkg-config --exists libpcre2-8 2>/dev/null || ! [ -e /usr/include/pcre2.h ]; then \
	  echo "Installing libpcre2-dev and pkg-config…"; \
	  SUDO=""; if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi; \
	  $$SUDO apt-get install -y libpcre2-dev pkg-config >/dev/null 2>&1 || \
	  { $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y libpcre2-dev pkg-config; }; \
	fi

build: deps
	$(SWIFT) build --product boilerstrip

release: deps
	$(SWIFT) build -c release --product boilerstrip

# Cleans the bundled example: the cleaned text, then the metadata.
demo: build
	@echo "== cleaned text ($(BIN_DEBUG) examples/lemonde-zimo.txt) =="
	@$(BIN_DEBUG) examples/lemonde-zimo.txt
	@echo
	@echo "== metadata ($(BIN_DEBUG) --json examples/lemonde-zimo.txt) =="
	@if command -v python3 >/dev/null; then \
	  $(BIN_DEBUG) --json examples/lemonde-zimo.txt | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(d["boilerstrip"], ensure_ascii=False, indent=2))'; \
	else $(BIN_DEBUG) --json examples/lemonde-zimo.txt; fi

# The whole suite: unit tests, every rule's examples, end-to-end tests of the binary, then the catalogue checks.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(BIN_DEBUG) rules test
	$(BIN_DEBUG) rules lint

# libFuzzer over the document path and the JSONL scanner (FUZZ_SECONDS, default 600). Crashes land in
# fuzz-artifacts/; copy each into Tests/Fixtures/fuzz/regressions/ once fixed.
FUZZ_SECONDS ?= 600
FUZZ_BUILD := .build-fuzz
fuzz: deps
	BOILERSTRIP_FUZZ=1 $(SWIFT) build -c release --product BoilerstripFuzz --scratch-path $(FUZZ_BUILD)
	mkdir -p $(FUZZ_BUILD)/corpus fuzz-artifacts
	cp -n Tests/Fixtures/fuzz/seeds/* Tests/Fixtures/fuzz/regressions/* $(FUZZ_BUILD)/corpus/ 2>/dev/null || true
	SWIFT_BACKTRACE=enable=no $(FUZZ_BUILD)/release/BoilerstripFuzz $(FUZZ_BUILD)/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  -timeout=10 -rss_limit_mb=4096 -artifact_prefix=fuzz-artifacts/ -print_final_stats=1

# Throughput benchmarks (ordo-one/benchmark), a separate package in Benchmarks/ with its own build folder.
bench:
	cd Benchmarks && $(SWIFT) package --disable-sandbox --scratch-path .build-bench benchmark
