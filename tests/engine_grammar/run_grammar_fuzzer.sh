#!/usr/bin/env bash
# Runs the grammar fuzzer for $FUZZ_SECONDS (default 60) seconds, seeded with the grammars and
# schemas in fuzz_seeds/ (each file's first byte picks GBNF or JSON Schema, see the fuzzer).
# Usage: run_grammar_fuzzer.sh FUZZER SEEDS_DIR WORK_DIR
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
seconds=${FUZZ_SECONDS:-60}
corpus=$work/grammar_corpus
mkdir -p "$corpus"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=4096 -timeout=20 \
  -print_final_stats=1 "$corpus" "$seeds"
