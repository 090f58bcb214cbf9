# Two entry points do all set-up on a fresh Debian 12 machine: `make demo` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
BUILD_PKGS := g++ cmake make pkg-config ccache libboost1.81-dev libcli11-dev libspdlog-dev \
              libmemcached-dev libgtest-dev memcached
TEST_PKGS  := $(BUILD_PKGS) nginx gnuplot-nox
SESSDEMO   := $(BUILD)/cli/sessdemo

.PHONY: all build deps test-deps test test-fast test-asan demo clean format

all: build

deps:
	@./scripts/install-deps.sh $(BUILD_PKGS)

test-deps:
	@./scripts/install-deps.sh $(TEST_PKGS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The suite runs twice: a normal build, then once under AddressSanitizer + UBSan.
test: test-deps
	$(MAKE) test-fast test-asan

test-fast: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 600

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSESSDEMO_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j 2 --timeout 900 -LE slow

demo: build
	./scripts/run-demo.sh $(SESSDEMO)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
