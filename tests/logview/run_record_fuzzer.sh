#!/bin/sh
# Runs the log record fuzzer for $FUZZ_SECONDS (default 60) over a copy of the seed lines.
# Usage: run_record_fuzzer.sh FUZZER SEED_DIR CORPUS_DIR
set -eu
mkdir -p "$3"
cp "$2"/* "$3"/
exec "$1" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=4096 "$3"
