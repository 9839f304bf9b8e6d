#!/usr/bin/env bash
# Runs the request-path fuzzer for $FUZZ_SECONDS (default 60) seconds. Seeds: every request of
# SEED_LIST framed as an HTTP/1.1 request with the API key, the same without it, two requests
# pipelined on one connection, and hand-made framing cases (chunked, bad lengths).
# Usage: run_request_fuzzer.sh FUZZER SEED_LIST DICT WORK_DIR
set -euo pipefail
export LC_ALL=C
fuzzer=$1 list=$2 dict=$3 work=$4
seeds=$work/request_seeds
corpus=$work/request_corpus
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus"
frame() {  # METHOD TARGET BODY AUTH -> one HTTP/1.1 request
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "$4" "${#3}" "$3"
}
i=0
while IFS=$'\t' read -r method target body; do
  [[ -z $method || $method == \#* ]] && continue
  i=$((i + 1))
  frame "$method" "$target" "$body" $'Authorization: Bearer fuzz-key\r\n' > "$seeds/$i-key"
  frame "$method" "$target" "$body" '' > "$seeds/$i-nokey"
  { frame "$method" "$target" "$body" $'Authorization: Bearer fuzz-key\r\n'
    frame GET /api/v1/health '' $'Authorization: Bearer fuzz-key\r\n'; } > "$seeds/$i-pipelined"
done < "$list"
if (( i == 0 )); then echo "no seeds in $list" >&2; exit 1; fi
auth=$'Authorization: Bearer fuzz-key\r\n'
printf 'POST /api/v1/generate HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\n5\r\n{"pro\r\n15\r\nmpt":"a","max_tokens":2}\r\n0\r\n\r\n' "$auth" > "$seeds/chunked"
printf 'POST /api/v1/generate HTTP/1.1\r\n%sContent-Length: -5\r\n\r\n{}' "$auth" > "$seeds/negative-length"
printf 'POST /api/v1/generate HTTP/1.1\r\n%sContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}' "$auth" > "$seeds/two-lengths"
printf 'POST /api/v1/generate HTTP/1.1\r\n%sContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n' "$auth" > "$seeds/length-and-chunked"
printf 'POST /api/v1/generate HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n' "$auth" > "$seeds/bad-chunk"
printf 'POST /api/v1/generate HTTP/1.1\r\n%sExpect: 100-continue\r\nContent-Length: 15\r\n\r\n{"prompt":"a"}' "$auth" > "$seeds/expect-continue"
printf 'GET /api/v1/health HTTP/1.0\r\n\r\n' > "$seeds/http10"
exec "$fuzzer" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=16384 -timeout=20 -rss_limit_mb=4096 \
  -dict="$dict" -print_final_stats=1 "$corpus" "$seeds"
