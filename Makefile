# Redoubt — top-level entry points. `make run` and `make test` work on a fresh Debian 12
# machine: each first installs what is missing (scripts/setup.sh), then builds.
PYTHON ?= /usr/bin/python3
PYTEST := PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -p no:cacheprovider
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CONFIG ?= redoubt.conf

RELEASE_BIN := build/release/redoubt-server
ASAN_BIN    := build/asan/redoubt-server

PREFIX  ?= /usr/local
DESTDIR ?=

# Every parser of untrusted bytes has a target (fuzz/<name>_fuzz.cc, corpus fuzz/corpus/<name>).
FUZZ_TARGETS := resp_parser config glob split_args commands acl_rules rdb_loader restore aof \
                lua_sandbox lua_codecs
FUZZ_SECONDS ?= 60

.PHONY: all setup build build-asan build-debug build-fuzz run test test-asan unit-test \
        integration-test reference-test bench fuzz fuzz-smoke fuzz-long install format clean

all: build

setup:
	./scripts/setup.sh

build: setup
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

build-debug: setup
	cmake --preset debug
	cmake --build --preset debug -j $(JOBS)

build-asan: setup
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)

# The data directory of `make run` (RDB, AOF, users.acl): private to the user, outside the
# sources. The first run creates users.acl there (`--init`: the default user off, an admin
# user with a generated password, printed once); TLS=1 on that first run also makes a CA,
# certificates and tls.conf, which later runs include.
# PORT=N overrides the config's port (and the printed connection line).
DATA_DIR ?= data
DATA_ABS = $(abspath $(DATA_DIR))
PORT ?=

run: build
	install -d -m 700 $(DATA_DIR)
	@if [ ! -e $(DATA_DIR)/users.acl ]; then \
	  ./$(RELEASE_BIN) --init $(DATA_DIR) $(if $(PORT),--port $(PORT)) $(if $(TLS),--tls) \
	    || exit 1; \
	elif [ -e $(DATA_DIR)/admin.password ] && [ ! -e $(DATA_DIR)/tls.conf ]; then \
	  echo 'Connect with: redis-cli -u "redis://admin:$$(cat $(DATA_DIR)/admin.password)@127.0.0.1:$(or $(PORT),6379)"'; \
	fi
	@args="--dir $(DATA_ABS) $(if $(PORT),--port $(PORT))"; \
	  [ ! -e $(DATA_DIR)/tls.conf ] || args="$$args --include $(DATA_ABS)/tls.conf"; \
	  echo ./$(RELEASE_BIN) $(CONFIG) $$args; \
	  exec ./$(RELEASE_BIN) $(CONFIG) $$args

unit-test:
	ctest --test-dir build/release --output-on-failure -j $(JOBS)

# Runs the integration suite against real Redis: every test but the redoubt_only ones must
# pass there, since Redis 7.0 is the reference for the expectations.
reference-test:
	REDOUBT_SERVER=/usr/bin/redis-server $(PYTEST) tests/integration

integration-test:
	REDOUBT_SERVER=$(RELEASE_BIN) $(PYTEST) tests/integration

test: build
	ctest --test-dir build/release --output-on-failure -j $(JOBS)
	REDOUBT_SERVER=$(RELEASE_BIN) $(PYTEST) tests/integration
	$(MAKE) fuzz-smoke

# libFuzzer targets (clang, ASan+UBSan, coverage on every library). New inputs go to a
# scratch directory; the checked-in seed corpora under fuzz/corpus are only read.
build-fuzz: setup
	CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DREDOUBT_FUZZ=ON -DREDOUBT_TESTS=OFF
	cmake --build build/fuzz -j $(JOBS) --target $(addsuffix _fuzz,$(FUZZ_TARGETS))

fuzz: build-fuzz
	@for t in $(FUZZ_TARGETS); do \
	  scratch=$$(mktemp -d); \
	  echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	  build/fuzz/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 $$scratch fuzz/corpus/$$t > $$scratch.log 2>&1; rc=$$?; \
	  grep -E "^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+==ERROR|SUMMARY)" \
	    $$scratch.log; \
	  if [ $$rc -ne 0 ]; then tail -60 $$scratch.log; rm -rf $$scratch $$scratch.log; exit 1; fi; \
	  rm -rf $$scratch $$scratch.log; \
	done

# The few-seconds run CI does on every submission.
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=5

# The long run whose figures go in the closing notes: ten minutes per target.
fuzz-long:
	$(MAKE) fuzz FUZZ_SECONDS=600

# ASan+UBSan build. detect_leaks stays on; halt on the first UBSan report.
test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build/asan --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  REDOUBT_SERVER=$(ASAN_BIN) $(PYTEST) tests/integration

bench: build
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/eviction.py
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/throughput.py --loops auto,epoll
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/syscalls.py
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/memory.py
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/memory_types.py
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/tls.py
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) bench/persistence.py

# Binary, /etc/redoubt/redoubt.conf, the systemd unit and /var/lib/redoubt; as root with no
# DESTDIR it also creates the redoubt user (scripts/install.sh).
install:
	./scripts/install.sh "$(PREFIX)" "$(DESTDIR)"

format:
	find src -name '*.h' -o -name '*.cc' | xargs -r clang-format -i

clean:
	rm -rf build
