#!/usr/bin/env bash
# Runs the tokenizer fuzzer for $FUZZ_SECONDS (default 60) seconds, seeded with the test
# vectors of ../shared/testdata/vocab. Usage: run_tokenizer_fuzzer.sh FUZZER SHARED_DIR WORK_DIR
set -euo pipefail
fuzzer=$1 shared=$2 work=$3
seconds=${FUZZ_SECONDS:-60}
seeds=$work/tokenizer_seeds
corpus=$work/tokenizer_corpus
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus"
shopt -s nullglob
inputs=("$shared"/testdata/vocab/*.inp)
if [ ${#inputs[@]} -eq 0 ]; then
  echo "no test vectors under $shared/testdata/vocab" >&2
  exit 1
fi
i=0
for f in "${inputs[@]}"; do
  for selector in 0 1 2 3 16 49; do
    { printf "\\x$(printf %02x $selector)"; cat "$f"; } > "$seeds/seed-$i"
    i=$((i + 1))
  done
done
export LLM_SHARED_DIR=$shared
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=4096 -timeout=20 \
  -print_final_stats=1 "$corpus" "$seeds"
