# Two entry points do all set-up on a fresh Debian 12 machine: `make demo` and `make test`.
# Each installs the Debian packages it is missing (apt-get as root; otherwise it prints the
# exact command and stops), configures, builds and runs.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
BUILD_PKGS := g++ cmake make ninja-build pkg-config ccache libboost1.81-dev libcli11-dev libspdlog-dev \
              libmemcached-dev libgtest-dev zlib1g-dev libssl-dev libgumbo-dev libicu-dev memcached \
              libyaml-cpp-dev
# iproute2 and nftables: `demo --network netns` (hosts in network namespaces, partitions).
DEMO_PKGS  := $(BUILD_PKGS) gnuplot-nox iproute2 nftables
TEST_PKGS  := $(DEMO_PKGS) nginx chromium python3-yaml clang clang-format libclang-rt-14-dev openssl universal-ctags libxml2-utils python3-prometheus-client
SESSDEMO   := $(BUILD)/cli/sessdemo
# New build trees use Ninja: it compiles a library's files while the libraries it links are still
# being built, where Make waits for them (a cold build of the binary: 139 s against 165 s here).
# A tree configured before keeps its generator.
export CMAKE_GENERATOR ?= Ninja

K8S_PKGS   := podman runc debootstrap python3-yaml nftables util-linux

.PHONY: all build build-all demo k8s-check test test-fast test-asan test-tsan test-fuzz fuzz fuzz-build browser-deps format clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

# The binary only: what `make demo` needs. The test targets build the rest (build-all).
build:
	@./scripts/install-deps.sh $(BUILD_PKGS)
	$(MAKE) --no-print-directory $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target sessdemo

build-all: build
	cmake --build $(BUILD) -j $(JOBS)

# The whole story: memcached, three instances, every scenario, a table, CSV, JSON and plots.
# DEMO_ARGS passes flags through, e.g. make demo DEMO_ARGS="--duration 5s".
demo:
	@./scripts/install-deps.sh $(DEMO_PKGS)
	$(MAKE) --no-print-directory build
	$(SESSDEMO) demo $(DEMO_ARGS)

# examples/kubernetes/ run as a cluster would run them, as podman containers on this machine: the
# Dockerfile's image, memcached, three instances, the load Job's four shards and its merge, ending
# in PASS or FAIL (scripts/k8s-check.py says how each kind is run). Needs root and a few minutes,
# so `make test` does not run it.
k8s-check:
	@./scripts/install-deps.sh $(K8S_PKGS)
	/usr/bin/python3 scripts/k8s-check.py --work $(BUILD)/k8s-check

# The suite runs three times: a normal build, then under AddressSanitizer + UBSan, then under
# ThreadSanitizer (the sanitizer runs without the tests labelled slow, which repeat the same code
# paths for a minute); then every fuzz target for 10 s. The serve and load processes the tests
# start are built the same way, and a sanitizer report of theirs fails the test.
test:
	@./scripts/install-deps.sh $(TEST_PKGS)
	$(MAKE) --no-print-directory browser-deps
	$(MAKE) --no-print-directory test-fast
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory test-tsan
	$(MAKE) --no-print-directory test-fuzz

test-fast: build-all
	cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 600

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSESSDEMO_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j 2 --timeout 900 -LE slow

test-tsan:
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSESSDEMO_TSAN=ON
	cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS=second_deadlock_stack=1 \
	  ctest --output-on-failure -j 2 --timeout 900 -LE slow

# libFuzzer targets (tests/fuzz/), built with clang: `make fuzz` runs each for 60 s,
# `make test` for 10 s. FUZZ_SECONDS=N changes that.
fuzz-build:
	cmake -S tests/fuzz -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz:
	@./scripts/install-deps.sh $(BUILD_PKGS) clang libclang-rt-14-dev
	$(MAKE) --no-print-directory fuzz-build
	./scripts/fuzz.sh $${FUZZ_SECONDS:-60} $(FUZZ_BUILD)

test-fuzz: fuzz-build
	./scripts/fuzz.sh $${FUZZ_SECONDS:-10} $(FUZZ_BUILD)

# playwright-core from the npm registry, pinned by tests/browser/package-lock.json; it drives
# Debian's Chromium and never downloads a browser of its own.
browser-deps:
	@command -v node >/dev/null || ./scripts/install-deps.sh nodejs npm
	@if [ ! -d tests/browser/node_modules/playwright-core ]; then \
	  cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci; fi

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp' '*.hpp.in' | grep -v node_modules)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
