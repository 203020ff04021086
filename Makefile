# boilerstrip — `make demo` runs the example, `make test` runs the whole suite. Both install libpcre2-dev when missing.
SWIFT ?= swift
BIN_DEBUG := .build/debug/boilerstrip
BIN_RELEASE := .build/release/boilerstrip

.PHONY: deps build release demo test bench bench-goals fuzz screen-fuzz rules-readme rules-snapshot man completions test-spark corpus-audit

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

# A release binary with the Swift runtime linked in: copy it anywhere (a Spark executor) with libpcre2-8.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product boilerstrip

# Cleans the bundled example: the cleaned text, then the metadata.
demo: build
	@echo "== cleaned text ($(BIN_DEBUG) examples/lemonde-zimo.txt) =="
	@$(BIN_DEBUG) examples/lemonde-zimo.txt
	@echo
	@echo "== metadata ($(BIN_DEBUG) --json examples/lemonde-zimo.txt) =="
	@if command -v python3 >/dev/null; then \
	  $(BIN_DEBUG) --json examples/lemonde-zimo.txt | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(d["boilerstrip"], ensure_ascii=False, indent=2))'; \
	else $(BIN_DEBUG) --json examples/lemonde-zimo.txt; fi

# The whole suite: unit tests, every rule's examples, end-to-end tests of the binary, then the catalogue checks
# (including that Rules/README.md is up to date).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(BIN_DEBUG) rules test
	$(BIN_DEBUG) rules lint
	@$(BIN_DEBUG) rules doc | diff -q - Rules/README.md >/dev/null || { echo "Rules/README.md is stale: run make rules-readme"; exit 1; }

# Lines generated from every rule's pattern (and mutated, and glued to word bytes), added as match examples: the
# literal screen must hide none of them (exit 1 lists those it hides). About a minute on 2 cores; Python 3.11+.
screen-fuzz: build
	python3 Tests/Screen/screen-fuzz.py

# Regenerates Rules/README.md from the catalogue.
rules-readme: build
	$(BIN_DEBUG) rules doc > Rules/README.md

# Rewrites Rules/snapshot.jsonl, the built-in catalogue as analysed, which a start reads instead of the YAML files
# (the next build embeds it). Run it after editing a rule: the test suite fails while the snapshot is stale.
rules-snapshot: build
	$(BIN_DEBUG) rules snapshot > Rules/snapshot.jsonl.new
	mv Rules/snapshot.jsonl.new Rules/snapshot.jsonl

# The man page (swift-argument-parser's generate-manual plugin) and shell completions.
man:
	mkdir -p docs/man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --output-directory docs/man
completions: build
	mkdir -p docs/completions
	$(BIN_DEBUG) --generate-completion-script bash > docs/completions/boilerstrip.bash
	$(BIN_DEBUG) --generate-completion-script zsh > docs/completions/_boilerstrip
	$(BIN_DEBUG) --generate-completion-script fish > docs/completions/boilerstrip.fish

# Spark's RDD.pipe over 3,000 corpus records, against one process (installs pyspark into .build/spark-venv).
test-spark: build
	bash Tests/Spark/run.sh $(BIN_DEBUG)

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

# Throughput benchmarks (ordo-one/benchmark), a separate package in Benchmarks/ with its own build folder; see
# Benchmarks/README.md. Throughput "(M)" is MB/s; --scale shows the other metrics per 1 MB slice, not per byte.
bench:
	cd Benchmarks && $(SWIFT) package --disable-sandbox --scratch-path .build-bench benchmark --scale --no-progress

# The throughput goals checked on this machine (in-process, against grep -P and Python, two jobs, peak memory):
# one line a goal, exit 1 when one is missed. See Benchmarks/README.md.
bench-goals: deps
	Benchmarks/goals

# Removals on the shared corpus, sorted into the corpus README's known boilerplate, wire credits, and the rest.
corpus-audit: deps
	$(SWIFT) build -c release --product boilerstrip
	python3 Tests/Corpus/audit.py
