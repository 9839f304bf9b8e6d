#!/usr/bin/env bash
# End-to-end engine speed, like `llama-bench -p 128 -n 32 -t 2`: writes the random-weight 1.1B
# benchmark models (dim 2048, 16 layers, 32 heads, 8 KV heads, FFN 8192, the 32,000-token
# vocabulary of ggml-vocab-llama-spm.gguf) in Q4_0, Q8_0 and F16 if they are missing, then runs
# engine-bench on them and on stories260K.gguf.
#   BUILD_DIR   build directory with bin/engine-bench and bin/make-synthetic-gguf (build)
#   MODELS_DIR  where the generated models go (BUILD_DIR/bench-models; never the repository)
#   THREADS     threads (2)   REPS  repetitions after a warm-up (3)
#   PARALLEL    sequences generated together in the batched row (2)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
MODELS_DIR=${MODELS_DIR:-$BUILD_DIR/bench-models}
THREADS=${THREADS:-2}
REPS=${REPS:-3}
PARALLEL=${PARALLEL:-2}
SHARED=${LLM_SHARED_DIR:-../shared}

cmake --build "$BUILD_DIR" --target engine-bench make-synthetic-gguf >/dev/null
mkdir -p "$MODELS_DIR"
models=()
for type in q4_0 q8_0 f16; do
  path="$MODELS_DIR/synth-1.1b-$type.gguf"
  if [[ ! -s "$path" ]]; then
    "$BUILD_DIR/bin/make-synthetic-gguf" --out "$path" --type "$type" --dim 2048 --layers 16 \
      --heads 32 --kv-heads 8 --ffn 8192 --vocab-from "$SHARED/testdata/vocab/ggml-vocab-llama-spm.gguf" \
      --seed 1 >&2
  fi
  models+=(-m "$path")
done
models+=(-m "$SHARED/models/stories260K.gguf")

echo "engine-bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/bin/engine-bench" "${models[@]}" -p 128 -n 32 -r "$REPS" -t "$THREADS" --parallel "$PARALLEL" --bandwidth
