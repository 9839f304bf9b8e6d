#!/usr/bin/env bash
# Runs every benchmark of the project, one after the other (`make bench`). Each prints its own
# figures; record them in BENCHMARKS.md with the date and the machine. Run on an idle machine.
#   BUILD_DIR (build)   ONLY=<area> to run one area (kernels, engine, logging, api, logview, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BIN=$BUILD_DIR/bin
run() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

echo "== $(date -u +%FT%TZ) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
if run kernels; then "$BIN/bench_kernels" --benchmark_min_time=0.3; fi
if run gguf; then "$BIN/bench_gguf"; fi
if run tokenizer; then "$BIN/bench_tokenizer"; fi
if run sampling; then "$BIN/bench_sampling"; fi
if run logging; then "$BIN/logging_bench"; bash bench/logging/health_wrk.sh "$BUILD_DIR" 10; fi
if run engine; then BUILD_DIR=$BUILD_DIR bash bench/engine/run_engine_bench.sh; fi
if run api; then BUILD_DIR=$BUILD_DIR bash bench/api/run.sh; fi
if run logview; then bash bench/logview/run_bench.sh "$BUILD_DIR"; fi
