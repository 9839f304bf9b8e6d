#!/usr/bin/env bash
# log_viewer benchmark: generates a ~1.4 GB api.log (1.2 M requests, 3.6 M records) and times
# `log_viewer --stats`, `--lines 100`, and the issue's references (python3 json.loads, jq)
# on the same file. Usage: bench/logview/run_bench.sh [BUILD_DIR=build] [OUT_DIR=/tmp/logview_bench]
# The generated file is deleted at the end unless KEEP=1. Never commit it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${2:-/tmp/logview_bench}"
REQUESTS="${REQUESTS:-1200000}"
LV="$BUILD/bin/log_viewer"
# NICE=-19 (as root) runs every timed command at a raised priority, so that on a machine shared
# with other jobs each tool gets the cores it asks for; the same for all tools.
PRIO=""
if [ -n "${NICE:-}" ]; then PRIO="nice -n $NICE"; fi
mkdir -p "$OUT/logs"
g++ -O2 -std=c++20 -o "$OUT/gen_big_log" "$ROOT/bench/logview/gen_big_log.cpp"
[ -s "$OUT/logs/api.log" ] || "$OUT/gen_big_log" "$OUT/logs/api.log" "$REQUESTS"
BYTES=$(stat -c %s "$OUT/logs/api.log")
LINES=$(wc -l < "$OUT/logs/api.log")
echo "file: $OUT/logs/api.log  $BYTES bytes  $LINES records"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the cores)"
cat "$OUT/logs/api.log" > /dev/null   # warm the page cache: every tool reads from memory

run() {  # run LABEL CMD...: wall seconds, GB/s, peak RSS
  local label="$1"; shift
  /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" $PRIO "$@" > "$OUT/out_$label.txt"
  read -r wall rss user sys < "$OUT/time.txt"
  awk -v l="$label" -v w="$wall" -v r="$rss" -v u="$user" -v s="$sys" -v b="$BYTES" \
    'BEGIN { printf "%-22s wall %7.3f s  %6.2f GB/s  peak RSS %7.1f MB  cpu user %.2f s sys %.2f s\n", l, w, b / w / 1e9, r / 1024, u, s }'
}

for i in 1 2 3; do run "log_viewer_stats_$i" "$LV" --stats --json --log-dir "$OUT/logs"; done
run "log_viewer_stats_1thr" "$LV" --stats --json --threads 1 --log-dir "$OUT/logs"
run "log_viewer_stats_text" "$LV" --stats --log-dir "$OUT/logs"
for i in 1 2 3; do
  t0=$(date +%s%N)
  $PRIO "$LV" --type api --lines 100 --log-dir "$OUT/logs" > /dev/null
  t1=$(date +%s%N)
  echo "log_viewer --lines 100  wall $(( (t1 - t0) / 1000 )) us"
done
if [ "${SKIP_REFS:-0}" != 1 ]; then
  run "python3_json_loads" python3 "$ROOT/bench/logview/endpoint_means.py" "$OUT/logs/api.log"
  if command -v jq > /dev/null; then
    run "jq" jq -n 'reduce (inputs | select(.type == "response")) as $r ({};
        .[$r.endpoint].n += 1 | .[$r.endpoint].s += $r.duration_ms) | map_values(.s / .n)' "$OUT/logs/api.log"
  fi
fi
head -c 1200 "$OUT/out_log_viewer_stats_1.txt"; echo
[ "${KEEP:-0}" = 1 ] || rm -f "$OUT/logs/api.log"
