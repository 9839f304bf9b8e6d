#!/usr/bin/env bash
# End-to-end API benchmark (issue 4): starts `llm-api serve` with full logging on a free
# loopback port and drives it with wrk (bench/api/generate.lua):
#   1. GET /api/v1/health, 8 connections
#   2. 32-token greedy completions on stories260K.gguf, 4 connections
#   3. 32-token greedy completions on a random-weight 1.1B Q4_0 Llama (made once with
#      make-synthetic-gguf into $BENCH_MODELS), 2 connections
# Prints wrk's output and one RESULT line per run (req/s, p50/p90/p99 latency, tokens/s, TTFT).
# Env: BUILD_DIR (build), DURATION (20s), PARALLEL (2), THREADS (2), BENCH_MODELS
# (/tmp/llm-api-bench-models), SKIP_1B=1 to skip run 3.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
BIN=$BUILD_DIR/bin
DURATION=${DURATION:-20s}
BENCH_MODELS=${BENCH_MODELS:-/tmp/llm-api-bench-models}
SHARED=${SHARED:-../shared}
mkdir -p "$BENCH_MODELS"
ln -sf "$(realpath "$SHARED/models/stories260K.gguf")" "$BENCH_MODELS/stories260K.gguf"
BIG=synthetic-1.1B-q4_0.gguf
if [ "${SKIP_1B:-0}" != 1 ] && [ ! -f "$BENCH_MODELS/$BIG" ]; then
  echo "making $BENCH_MODELS/$BIG (random weights: dim 2048, 16 layers, 32 heads, 8 KV heads, FFN 8192)"
  "$BIN/make-synthetic-gguf" --out "$BENCH_MODELS/$BIG" --type q4_0 --dim 2048 --layers 16 --heads 32 \
    --kv-heads 8 --ffn 8192 --ctx 2048 --vocab-from "$SHARED/testdata/vocab/ggml-vocab-llama-spm.gguf"
fi

LOG_DIR=$(mktemp -d /tmp/llm-api-bench-logs.XXXXXX)
OUT=$(mktemp /tmp/llm-api-bench-out.XXXXXX)
env LOG_DIR="$LOG_DIR" MODELS_DIR="$BENCH_MODELS" DEFAULT_MODEL=stories260K.gguf \
  PARALLEL=${PARALLEL:-2} THREADS=${THREADS:-2} MAX_QUEUE=64 \
  "$BIN/llm-api" serve --port 0 > "$OUT" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$LOG_DIR" "$OUT"' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$OUT" && break
  sleep 0.1
done
PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$OUT")
URL=http://127.0.0.1:$PORT
echo "server: $URL  PARALLEL=${PARALLEL:-2} THREADS=${THREADS:-2}  $(nproc) cores  $(date -u +%FT%TZ)"

echo "== GET /api/v1/health, 8 connections"
wrk -t2 -c8 -d"$DURATION" "$URL/api/v1/health" | grep -E "Requests/sec|Latency"

echo "== stories260K.gguf, 32-token greedy completions, 4 connections"
curl -s "$URL/api/v1/generate" -d '{"model":"stories260K.gguf","prompt":"Once upon a time","max_tokens":32,"temperature":0}' > /dev/null
MODEL=stories260K.gguf MAX_TOKENS=32 wrk -t2 -c4 -d"$DURATION" --latency -s bench/api/generate.lua "$URL" |
  grep -E "Requests/sec|Latency|RESULT|Non-2xx"

if [ "${SKIP_1B:-0}" != 1 ]; then
  echo "== $BIG, 32-token greedy completions, 2 connections"
  curl -s "$URL/api/v1/generate" -d "{\"model\":\"$BIG\",\"prompt\":\"Once upon a time\",\"max_tokens\":2,\"temperature\":0}" > /dev/null
  MODEL=$BIG MAX_TOKENS=32 wrk -t2 -c2 -d"${DURATION_1B:-30s}" --timeout 30s --latency -s bench/api/generate.lua "$URL" |
    grep -E "Requests/sec|Latency|RESULT|Non-2xx"
  # How many sequences shared each forward pass (batched decoding).
  curl -s "$URL/metrics" | grep -E "^llm_api_decode_(passes|steps)_total"
fi
