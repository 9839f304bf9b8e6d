#!/usr/bin/env bash
# Runs the GGUF fuzzer for $FUZZ_SECONDS (default 60) seconds over a seed corpus built from
# ../shared (heads of every model and vocabulary) plus tiny complete synthetic models.
# Usage: run_gguf_fuzzer.sh FUZZER SHARED_DIR MAKE_SYNTHETIC_GGUF WORK_DIR
set -euo pipefail
fuzzer=$1 shared=$2 synth=$3 work=$4
seconds=${FUZZ_SECONDS:-60}
seeds=$work/gguf_seeds
corpus=$work/gguf_corpus
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus"
shopt -s nullglob
files=("$shared"/models/*.gguf "$shared"/testdata/vocab/*.gguf)
if [ ${#files[@]} -eq 0 ]; then
  echo "no GGUF files under $shared/models or $shared/testdata/vocab" >&2
  exit 1
fi
for f in "${files[@]}"; do
  head -c 16384 "$f" > "$seeds/head-$(basename "$f")"
done
for type in f16 q8_0 q4_0; do
  "$synth" --out "$seeds/tiny-$type.gguf" --type "$type" --dim 32 --layers 1 --heads 2 \
    --kv-heads 1 --ffn 64 --vocab 64 --ctx 64 --threads 1 > /dev/null
done
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -print_final_stats=1 "$corpus" "$seeds"
