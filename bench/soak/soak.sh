#!/usr/bin/env bash
# A bounded soak of `llm-api serve` (by default the sanitizer build): mixed generation,
# streaming, client cancels, bad inputs, framing errors, 401s and 404s from bench/soak/soak.mjs
# for SECONDS, with logs rotating at a small LOG_MAX_BYTES (every file kept, so that every
# request/response pair can be checked). Prints the traffic summary, the server's exit status,
# sanitizer reports found on its stderr, and the log check.
#   bash bench/soak/soak.sh [build_dir (build-asan)] [seconds (600)]
set -euo pipefail
BUILD=${1:-build-asan}
SECONDS_RUN=${2:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
MODELS=${MODELS_DIR:-$HERE/../../../shared/models}
dir=$(mktemp -d /tmp/llm-soak-XXXXXX)
key=soak-$RANDOM$RANDOM
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LOG_DIR="$dir/logs" LOG_MAX_BYTES=2000000 LOG_BACKUP_COUNT=10000 LLM_API_KEY="$key" \
  PROTECT_METRICS=True PARALLEL=2 DEFAULT_MODEL=stories260K.gguf \
  "$BUILD/bin/llm-api" serve --port 0 --models-dir "$MODELS" > "$dir/out" 2> "$dir/err" &
pid=$!
port=""
for _ in $(seq 200); do
  port=$(grep -o 'listening on http://[^:]*:[0-9]*' "$dir/out" 2>/dev/null | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start:"; cat "$dir/err"; exit 1; }
echo "soak: pid $pid, port $port, logs in $dir/logs, $SECONDS_RUN s"
node "$HERE/soak.mjs" --port "$port" --key "$key" --pid "$pid" --seconds "$SECONDS_RUN"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
echo "server exit status: $status"
echo "sanitizer reports: $(grep -c -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$dir/err" || true)"
echo "log files: $(ls "$dir/logs" | wc -l), $(du -sh "$dir/logs" | cut -f1)"
node "$HERE/soak.mjs" --check "$dir/logs"
