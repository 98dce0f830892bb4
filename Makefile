# Thin wrapper around CMake. `make demo` and `make test` install what a fresh
# Debian 12 machine lacks (as root), build, and run. `make demo` installs
# DEMO_DEBS only; `make test` installs TEST_DEBS too (README: "Building and
# dependencies" says why each package is there).
DEMO_DEBS := build-essential cmake pkg-config git libgit2-dev libjansson-dev libssl-dev \
        zlib1g-dev openssh-client libunistring-dev gettext kanjidic-xml unicode-data bzip2
TEST_DEBS := libcmocka-dev python3 openssh-server chromium fonts-noto-cjk nodejs npm man-db \
        poppler-utils fonts-ipaexfont-mincho fonts-ipaexfont-gothic locales
JOBS ?= 2
BUILD_TEST := build/test
BUILD_RELEASE := build/release

.PHONY: all deps deps-demo deps-test build build-test demo test bench bench-hostile fuzz fuzz-run fuzz-owed format clean

all: build

# install_debs PACKAGES: apt-get installs those of PACKAGES not installed yet
# (nodejs and npm count as present when node and npm are on the PATH).
define install_debs
@missing=""; for p in $(1); do \
  case $$p in nodejs|npm) command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && continue;; esac; \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "Installing:$$missing"; \
  if [ "$$(id -u)" != 0 ]; then echo "Run as root (or install:$$missing)"; exit 2; fi; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
fi
endef

deps-demo:
	$(call install_debs,$(DEMO_DEBS))

# The tests check the messages in Japanese too: ja_JP.UTF-8 must exist
# (generated from the locales package; failing, never skipping, without it).
has_ja_locale := locale -a 2>/dev/null | grep -qiE '^ja_JP\.utf-?8$$'
deps-test:
	$(call install_debs,$(DEMO_DEBS) $(TEST_DEBS))
	@$(has_ja_locale) || { \
	  if [ "$$(id -u)" != 0 ]; then echo "Run as root (or generate the locale ja_JP.UTF-8)"; exit 2; fi; \
	  echo "Generating the locale ja_JP.UTF-8"; \
	  sed -i 's/^# *\(ja_JP\.UTF-8 UTF-8\)/\1/' /etc/locale.gen; \
	  grep -q '^ja_JP\.UTF-8 UTF-8' /etc/locale.gen || echo 'ja_JP.UTF-8 UTF-8' >>/etc/locale.gen; \
	  locale-gen >/dev/null || localedef -i ja_JP -f UTF-8 ja_JP.UTF-8 || true; \
	  $(has_ja_locale) || { echo "The locale ja_JP.UTF-8 could not be generated"; exit 2; }; }

deps: deps-test

build: deps-demo
	cmake -S . -B $(BUILD_RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DITAKU_TESTS=OFF -DITAKU_WERROR=ON >/dev/null
	cmake --build $(BUILD_RELEASE) -j $(JOBS)

build-test: deps-test
	cmake -S . -B $(BUILD_TEST) -DCMAKE_BUILD_TYPE=Debug -DITAKU_SANITIZE=ON -DITAKU_WERROR=ON >/dev/null
	cmake --build $(BUILD_TEST) -j $(JOBS)

demo: build
	ITAKU=$(CURDIR)/$(BUILD_RELEASE)/itaku bash tests/e2e/demo.sh

test: build build-test
	cd $(BUILD_TEST) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Every figure of the performance goals beside its bound, PASS or FAIL, from
# one run, medians of RUNS (5), then a markdown table (tests/bench/bench.sh):
# SCALE=20k (default: 20,000 and 2,500 records, 50 parties), SCALE=100k
# (about 100,000 commits, 200 parties on 4 levels) or SCALE=smoke (a tiny
# registry: the harness runs and prints every row). The registries are
# written once into build/bench/registries and reused. Release build with the
# generator, no sanitizers.
BUILD_BENCH := build/bench
SCALE ?= 20k
bench: build deps-test
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DITAKU_TESTS=ON >/dev/null
	cmake --build $(BUILD_BENCH) -j $(JOBS) --target itaku bench_gen
	BUILD=$(CURDIR)/$(BUILD_BENCH) SCALE=$(SCALE) bash tests/bench/bench.sh
	BUILD=$(CURDIR)/$(BUILD_BENCH) bash tests/bench/hostile.sh

# Hostile input alone (tests/bench/hostile.sh): a blob inflating to 1 GiB,
# 200,000 trailers, 400 criss-cross merges, each beside its bound.
bench-hostile: build deps-test
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DITAKU_TESTS=ON >/dev/null
	cmake --build $(BUILD_BENCH) -j $(JOBS) --target itaku
	BUILD=$(CURDIR)/$(BUILD_BENCH) bash tests/bench/hostile.sh

fuzz: deps-test
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null
	CC=clang cmake -S . -B build/fuzz -DITAKU_LIBFUZZER=ON -DITAKU_SANITIZE=ON >/dev/null
	cmake --build build/fuzz -j $(JOBS)
	@echo "Run e.g.: build/fuzz/tests/fuzz_sshsig tests/fuzz/corpus/sshsig -max_total_time=60"

# Every libFuzzer target for SECONDS seconds or RUNS executions each
# (whichever comes first; RUNS=-1, the default, is no limit), one after another. New
# inputs go to build/fuzz/work/<target> (the checked-in seed corpus is read,
# never written); a crash is kept as build/fuzz/crashes/<target>-crash-…
# (add it to tests/fuzz/corpus/<target>/ once fixed: `make test` replays it);
# each target's whole output is build/fuzz/work/<target>.log.
# Ends with the targets that failed, exit 1 if any did.
SECONDS ?= 60
RUNS ?= -1
fuzz-run: fuzz
	@mkdir -p build/fuzz/work build/fuzz/crashes; failed=""; \
	for f in build/fuzz/tests/fuzz_*; do \
	  [ -f "$$f" ] && [ -x "$$f" ] || continue; n=$${f##*/fuzz_}; \
	  mkdir -p build/fuzz/work/$$n; \
	  echo "== fuzz_$$n for $(SECONDS) s"; \
	  $$f build/fuzz/work/$$n tests/fuzz/corpus/$$n -max_total_time=$(SECONDS) -runs=$(RUNS) \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/crashes/$$n- \
	    >build/fuzz/work/$$n.log 2>&1 || failed="$$failed fuzz_$$n"; \
	  grep -E "^(stat::|#[0-9]+ +DONE|==[0-9]+==ERROR|SUMMARY)" build/fuzz/work/$$n.log || true; \
	done; \
	if [ -n "$$failed" ]; then echo "failed:$$failed (inputs in build/fuzz/crashes/)"; exit 1; fi

# Which targets owe a real run (tests/fuzz/owed.sh): never run in full, or a
# file their run reaches changed since the commit tests/fuzz/runs.tsv names.
fuzz-owed: fuzz
	bash tests/fuzz/owed.sh

format:
	clang-format -i core/*/*.c core/*/*.h core/include/itaku/*.h cli/*.c cli/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c

clean:
	rm -rf build
