#!/usr/bin/env bash
# `make bench-compare` (issue 12): llama.cpp and our engine side by side, in one run, on the same
# model files, and the ratios (ours / llama.cpp) as two markdown tables.
#   1. Engine: the random-weight 1.1B Llama (dim 2048, 16 layers, 32/8 heads, FFN 8192, the
#      32k SentencePiece vocabulary of ggml-vocab-llama-spm.gguf) is written in F16 by
#      make-synthetic-gguf if missing, quantized from that F16 file by llama.cpp's
#      llama-quantize (files that exist are kept), then for each model of TYPES and for
#      stories260K.gguf: `llama-bench -m M -p 128 -n 32 -t THREADS -r REPS -o json` and
#      `engine-bench -m M -p 128 -n 32 -t THREADS -r REPS --json`, one after the other.
#   2. HTTP: llama-server and `llm-api serve` (full logging into a temporary LOG_DIR), one at a
#      time on free loopback ports, driven by wrk with bench/api/generate.lua: 32-token greedy
#      completions from 2 connections on the 1.1B Q4_0 (`-np 2` / PARALLEL=2), GET health from
#      8 connections on those servers, then 32-token completions from 4 connections on
#      stories260K (`-np 4` / PARALLEL=4). Both servers get `-c 4096` / their defaults and
#      THREADS threads.
# llama.cpp comes from bench/reference/build_llama_cpp.sh (built into ~/.cache on first use;
# never part of the repository or of `make test`). Machine facts are printed first; the raw
# outputs stay in RESULTS_DIR. Servers started here are stopped on exit.
# Env:
#   BUILD_DIR    our build directory with bin/engine-bench, make-synthetic-gguf, llm-api (build)
#   THREADS      threads for both engines and both servers (2)
#   REPS         repetitions of each test (3; each tool adds its own warm-up)
#   DURATION     wrk duration of each HTTP run (10s; DURATION_1B for the 1.1B run, default the same)
#   MODELS_DIR   where the 1.1B models go (BUILD_DIR/bench-models; never the repository)
#   TYPES        the 1.1B files to compare (q4_0 q8_0 q4_k_m q5_k_m q6_k f16 bf16; f16 is the
#                make-synthetic-gguf file itself, the others come from llama-quantize)
#   SKIP_HTTP=1  only the engine table      SKIP_ENGINE=1  only the HTTP table
#   LLAMA_CPP_BIN  a directory with llama-bench, llama-server, llama-quantize (default: the
#                build script's)
#   RESULTS_DIR  raw outputs (BUILD_DIR/bench-compare/<UTC time>)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
BIN=$BUILD_DIR/bin
THREADS=${THREADS:-2}
REPS=${REPS:-3}
DURATION=${DURATION:-10s}
DURATION_1B=${DURATION_1B:-$DURATION}
MODELS_DIR=${MODELS_DIR:-$BUILD_DIR/bench-models}
TYPES=${TYPES:-q4_0 q8_0 q4_k_m q5_k_m q6_k f16 bf16}
SHARED=${LLM_SHARED_DIR:-../shared}
STORIES=$SHARED/models/stories260K.gguf
RESULTS_DIR=${RESULTS_DIR:-$BUILD_DIR/bench-compare/$(date -u +%Y%m%dT%H%M%SZ)}

for tool in wrk curl node; do
  command -v "$tool" > /dev/null || { echo "run_compare.sh: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
[[ -f $BUILD_DIR/build.ninja ]] || { echo "run_compare.sh: no build in $BUILD_DIR (make build)" >&2; exit 1; }
cmake --build "$BUILD_DIR" --target engine-bench make-synthetic-gguf llm-api > /dev/null
if [[ -z ${LLAMA_CPP_BIN:-} ]]; then
  echo "llama.cpp: bench/reference/build_llama_cpp.sh (the first build takes a while)" >&2
  LLAMA_CPP_BIN=$(bash bench/reference/build_llama_cpp.sh | tail -n 1)
fi
for tool in llama-bench llama-server llama-quantize; do
  [[ -x $LLAMA_CPP_BIN/$tool ]] || { echo "run_compare.sh: no $LLAMA_CPP_BIN/$tool" >&2; exit 1; }
done
mkdir -p "$MODELS_DIR" "$RESULTS_DIR"

# Servers and temporary files of this run, removed on exit.
SERVER_PID=
TMP=$(mktemp -d /tmp/llm-api-compare.XXXXXX)
stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
    SERVER_PID=
  fi
}
cleanup() {
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- machine facts
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
flags=$(grep -m 1 '^flags' /proc/cpuinfo)
simd=$(for f in avx2 avx512f avx512_vnni avx512_bf16 amx_tile; do
  if [[ " $flags " == *" $f "* ]]; then printf '%s ' "$f"; fi
done)
llama_src=$(realpath "$LLAMA_CPP_BIN/../../src" 2> /dev/null || true)
llama_commit=$(git -C "$llama_src" rev-parse --short HEAD 2> /dev/null || echo unknown)
ours_commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src app bench tools 2> /dev/null || echo "+changes")
echo "# bench-compare, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- machine: $cpu, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), SIMD: ${simd% }"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- llama.cpp: commit $llama_commit (node-llama-cpp@3.21.1), $LLAMA_CPP_BIN"
echo "- ours: commit $ours_commit, $BIN"
echo "- threads $THREADS, repetitions $REPS, raw outputs in $RESULTS_DIR"
echo

# --- models
F16=$MODELS_DIR/synth-1.1b-f16.gguf
model_path() {  # the 1.1B file of a type
  if [[ $1 == f16 ]]; then echo "$F16"; else echo "$MODELS_DIR/synth-1.1b-$1-llama-quantize.gguf"; fi
}
label() {  # table label of a type
  case $1 in
    stories260K) echo "stories260K F32" ;;
    *) echo "${1^^}" ;;
  esac
}
if [[ ! -s $F16 ]]; then
  echo "making $F16 (make-synthetic-gguf, random weights)" >&2
  "$BIN/make-synthetic-gguf" --out "$F16" --type f16 --dim 2048 --layers 16 --heads 32 --kv-heads 8 \
    --ffn 8192 --vocab-from "$SHARED/testdata/vocab/ggml-vocab-llama-spm.gguf" --seed 1 >&2
fi
need_q4_0=$([[ ${SKIP_HTTP:-0} == 1 ]] && echo "" || echo q4_0)
for type in $TYPES $need_q4_0; do
  path=$(model_path "$type")
  [[ $type == f16 || -s $path ]] && continue
  echo "quantizing $F16 -> $path (llama-quantize ${type^^})" >&2
  "$LLAMA_CPP_BIN/llama-quantize" "$F16" "$path.part" "${type^^}" "$THREADS" > "$RESULTS_DIR/quantize-$type.log" 2>&1 ||
    { echo "run_compare.sh: llama-quantize ${type^^} failed, see $RESULTS_DIR/quantize-$type.log" >&2; exit 1; }
  mv "$path.part" "$path"
done

# --- engine: llama-bench and engine-bench on each model, one after the other
if [[ ${SKIP_ENGINE:-0} != 1 ]]; then
  keys=()
  for key in $TYPES stories260K; do
    if [[ $key == stories260K ]]; then path=$STORIES; else path=$(model_path "$key"); fi
    keys+=("$key=$(label "$key")")
    echo "engine: $(label "$key") ($(basename "$path")), load $(cut -d' ' -f1 /proc/loadavg)" >&2
    "$LLAMA_CPP_BIN/llama-bench" -m "$path" -p 128 -n 32 -t "$THREADS" -r "$REPS" -o json \
      > "$RESULTS_DIR/$key.llama.json" 2> "$RESULTS_DIR/$key.llama.err" ||
      echo "  llama-bench failed (exit $?), see $RESULTS_DIR/$key.llama.err" >&2
    "$BIN/engine-bench" -m "$path" -p 128 -n 32 -t "$THREADS" -r "$REPS" --json \
      > "$RESULTS_DIR/$key.ours.json" 2> "$RESULTS_DIR/$key.ours.err" ||
      echo "  engine-bench failed (exit $?), see $RESULTS_DIR/$key.ours.err" >&2
  done
  echo "## Engine: llama-bench vs engine-bench, -p 128 -n 32, $THREADS threads, tokens/s (mean of $REPS)"
  echo
  node bench/compare/compare.mjs engine "$RESULTS_DIR" "${keys[@]}"
  echo
  echo "load average after the engine runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
fi

[[ ${SKIP_HTTP:-0} == 1 ]] && exit 0

# --- HTTP: one server at a time
free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
wait_for() {  # url, seconds: until the URL answers 200 (the server process must stay alive)
  for _ in $(seq $(($2 * 10))); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$SERVER_PID" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}
start_llama_server() {  # model, slots, name
  local port
  port=$(free_port)
  "$LLAMA_CPP_BIN/llama-server" -m "$1" -np "$2" -c 4096 -t "$THREADS" --host 127.0.0.1 --port "$port" \
    > "$RESULTS_DIR/$3.llama-server.log" 2>&1 &
  SERVER_PID=$!
  URL=http://127.0.0.1:$port
  wait_for "$URL/health" 300 || { echo "run_compare.sh: llama-server did not start, see $RESULTS_DIR/$3.llama-server.log" >&2; exit 1; }
}
start_ours() {  # model, slots, name
  local dir=$TMP/models-$3 out=$RESULTS_DIR/$3.llm-api.log
  mkdir -p "$dir" "$TMP/logs-$3"
  ln -sf "$(realpath "$1")" "$dir/$(basename "$1")"
  env LOG_DIR="$TMP/logs-$3" MODELS_DIR="$dir" DEFAULT_MODEL="$(basename "$1")" PARALLEL="$2" \
    THREADS="$THREADS" "$BIN/llm-api" serve --host 127.0.0.1 --port 0 > "$out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    grep -q "listening on" "$out" && break
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  local port
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$out")
  [[ -n $port ]] || { echo "run_compare.sh: llm-api serve did not start, see $out" >&2; exit 1; }
  URL=http://127.0.0.1:$port
  wait_for "$URL/api/v1/health" 30 || { echo "run_compare.sh: llm-api serve does not answer, see $out" >&2; exit 1; }
}
# 32-token greedy completions: server (llama|ours), model, connections, duration, output file.
# One request first loads the model (ours loads it on first use) and fills the prompt cache.
generate() {
  local endpoint=/api/v1/generate body
  body="{\"model\":\"$(basename "$2")\",\"prompt\":\"Once upon a time\",\"max_tokens\":2,\"temperature\":0}"
  if [[ $1 == llama ]]; then
    endpoint=/completion
    body='{"prompt":"Once upon a time","n_predict":2,"temperature":0,"cache_prompt":true}'
  fi
  curl -sf -o /dev/null --max-time 300 -H 'Content-Type: application/json' -d "$body" "$URL$endpoint" ||
    { echo "run_compare.sh: the warm-up request to $URL$endpoint failed" >&2; exit 1; }
  ENDPOINT=$endpoint MODEL=$(basename "$2") MAX_TOKENS=32 wrk -t2 -c"$3" -d"$4" --timeout 60s --latency \
    -s bench/api/generate.lua "$URL" > "$5"
}
health() {  # path, output file
  wrk -t2 -c8 -d1s "$URL$1" > /dev/null
  wrk -t2 -c8 -d"$DURATION" "$URL$1" > "$2"
}

Q4_0=$(model_path q4_0)
echo "http: 1.1B Q4_0, llama-server -np 2, load $(cut -d' ' -f1 /proc/loadavg)" >&2
start_llama_server "$Q4_0" 2 1b
generate llama "$Q4_0" 2 "$DURATION_1B" "$RESULTS_DIR/http-1b.llama.txt"
health /health "$RESULTS_DIR/http-health.llama.txt"
stop_server
echo "http: 1.1B Q4_0, llm-api PARALLEL=2, load $(cut -d' ' -f1 /proc/loadavg)" >&2
start_ours "$Q4_0" 2 1b
generate ours "$Q4_0" 2 "$DURATION_1B" "$RESULTS_DIR/http-1b.ours.txt"
health /api/v1/health "$RESULTS_DIR/http-health.ours.txt"
stop_server
echo "http: stories260K, llama-server -np 4, load $(cut -d' ' -f1 /proc/loadavg)" >&2
start_llama_server "$STORIES" 4 stories
generate llama "$STORIES" 4 "$DURATION" "$RESULTS_DIR/http-stories.llama.txt"
stop_server
echo "http: stories260K, llm-api PARALLEL=4, load $(cut -d' ' -f1 /proc/loadavg)" >&2
start_ours "$STORIES" 4 stories
generate ours "$STORIES" 4 "$DURATION" "$RESULTS_DIR/http-stories.ours.txt"
stop_server

echo "## HTTP: llm-api serve (full logging) vs llama-server, wrk -t2, $THREADS threads, $DURATION per run"
echo
node bench/compare/compare.mjs http "$RESULTS_DIR"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
