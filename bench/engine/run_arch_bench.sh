#!/usr/bin/env bash
# Engine speed of every architecture against Llama on the same kernels, like
# `llama-bench -p 128 -n 32 -t 2`: writes a random-weight 1.1B-class model of each architecture
# of the table (dim 2048, 16 layers, 32 heads, 8 KV heads, head size 64, FFN 8192, the 32,000-token
# vocabulary of ggml-vocab-llama-spm.gguf, window 1024 for the Gemmas) in Q4_0 and Q8_0 if
# missing, then runs engine-bench on them. Each architecture adds its own tensors (biases, norms,
# fused QKV / gate-up) to the same shape, so the weight bytes per token are nearly equal; compare
# the tg bandwidth column (bytes of weights read per second).
#   BUILD_DIR   build directory with bin/engine-bench and bin/make-synthetic-gguf (build)
#   MODELS_DIR  where the generated models go (BUILD_DIR/bench-models; never the repository)
#   ARCHS       architectures (llama qwen2 qwen3 gemma2 gemma3 phi3)   TYPES (q4_0 q8_0)
#   THREADS     threads (2)   REPS  repetitions after a warm-up (3)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
MODELS_DIR=${MODELS_DIR:-$BUILD_DIR/bench-models}
ARCHS=${ARCHS:-llama qwen2 qwen3 gemma2 gemma3 phi3}
TYPES=${TYPES:-q4_0 q8_0}
THREADS=${THREADS:-2}
REPS=${REPS:-3}
SHARED=${LLM_SHARED_DIR:-../shared}

cmake --build "$BUILD_DIR" --target engine-bench make-synthetic-gguf >/dev/null
mkdir -p "$MODELS_DIR"
echo "engine-bench by architecture, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
for type in $TYPES; do
  models=()
  for arch in $ARCHS; do
    path="$MODELS_DIR/synth-1b-$arch-$type.gguf"
    if [[ ! -s "$path" ]]; then
      "$BUILD_DIR/bin/make-synthetic-gguf" --arch "$arch" --out "$path" --type "$type" --dim 2048 \
        --layers 16 --heads 32 --kv-heads 8 --ffn 8192 --sliding-window 1024 \
        --vocab-from "$SHARED/testdata/vocab/ggml-vocab-llama-spm.gguf" --seed 1 >&2
    fi
    models+=(-m "$path")
  done
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BUILD_DIR/bin/engine-bench" "${models[@]}" -p 128 -n 32 -r "$REPS" -t "$THREADS"
done
