#!/usr/bin/env bash
# GET /api/v1/health with wrk (2 threads, 8 keep-alive connections) against build/bin/llm-api,
# with full request/response logging, then with LOG_API_CALLS=False, then with LOG_FLUSH=always.
#   bash bench/logging/health_wrk.sh [build_dir] [seconds]
set -euo pipefail
BUILD=${1:-build}
SECONDS_RUN=${2:-10}
BIN=$BUILD/bin/llm-api
run() {
  local label=$1; shift
  local dir; dir=$(mktemp -d /tmp/llm-wrk-XXXXXX)
  env "$@" LOG_DIR="$dir/logs" "$BIN" serve --port 0 > "$dir/out" 2> "$dir/err" &
  local pid=$!
  local port=""
  for _ in $(seq 100); do
    port=$(grep -o 'listening on http://[^:]*:[0-9]*' "$dir/out" 2>/dev/null | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.05
  done
  wrk -t2 -c8 -d1s "http://127.0.0.1:$port/api/v1/health" > /dev/null  # warm-up
  local rps
  rps=$(wrk -t2 -c8 -d"${SECONDS_RUN}s" "http://127.0.0.1:$port/api/v1/health" | awk '/Requests\/sec/ {print $2}')
  kill -TERM $pid; wait $pid || true
  local stopped; stopped=$(tail -n 1 "$dir/logs/api.log" | grep -o '"records_dropped":[0-9]*,"records_written":[0-9]*' || true)
  echo "$label: $rps requests/s (server_stopped: $stopped)"
  rm -rf "$dir"
}
run "logging on (LOG_API_CALLS=True)" LOG_API_CALLS=True
run "logging off (LOG_API_CALLS=False)" LOG_API_CALLS=False
run "logging on, LOG_FLUSH=always (one write per record)" LOG_API_CALLS=True LOG_FLUSH=always
