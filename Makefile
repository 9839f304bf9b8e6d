# The README's two commands: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
HOST ?= 127.0.0.1
PORT ?= 5000
MODELS_DIR ?= $(if $(wildcard ../shared/models),../shared/models,./models)
DEFAULT_MODEL ?= stories260K.gguf
FUZZ_SECONDS ?= 30
CMAKE_FLAGS ?=

.PHONY: all setup build build-asan run test test-release test-asan test-fuzz bench bench-compare clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# One clang build with AddressSanitizer and UndefinedBehaviorSanitizer serves the sanitizer
# run of the suite and the libFuzzer targets.
$(ASAN_DIR)/build.ninja:
	CC=clang CXX=clang++ cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLLM_SANITIZE=ON -DLLM_FUZZ=ON $(CMAKE_FLAGS)

build-asan: setup $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cmake --build $(ASAN_DIR) -j $(JOBS) --target fuzzers

run: build
	mkdir -p logs
	LOG_DIR=$${LOG_DIR:-./logs} DEFAULT_MODEL=$${DEFAULT_MODEL:-$(DEFAULT_MODEL)} \
	  $(BUILD_DIR)/bin/llm-api serve --host $(HOST) --port $(PORT) --models-dir $(MODELS_DIR)

# The whole suite, twice: the release build, then the sanitizer build; then the fuzzers (in the
# sanitizer build).
test: test-release test-asan test-fuzz

test-release: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 600

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) --timeout 900 -LE "no_sanitizer|fuzz"

# The fuzzers are single-threaded: they run side by side, one per core.
test-fuzz: build-asan
	FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) -L fuzz

# Builds every benchmark, then runs the end-to-end ones (figures go to BENCHMARKS.md by hand).
bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	bash bench/run_all.sh

# llama.cpp (llama-bench, llama-server) and ours side by side in one run on the same models, the
# ratios as two tables (issue 12; bench/compare/run_compare.sh, which builds llama.cpp into
# ~/.cache on first use; figures go to BENCHMARKS.md by hand). Not part of `make test`.
bench-compare: build
	BUILD_DIR=$(BUILD_DIR) bash bench/compare/run_compare.sh

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
