#!/usr/bin/env bash
# Builds llama.cpp's llama-bench, llama-server and llama-quantize -- the reference our speed is
# measured against -- from the source the npm package node-llama-cpp@3.21.1 ships as a git
# bundle (llama/gitRelease.bundle). Everything happens in a cache directory outside the
# repository; llama.cpp's code is never committed, linked into the product or run by `make test`.
#   LLAMA_CPP_CACHE  the cache (default ~/.cache/llm-api/llama.cpp-node-llama-cpp-3.21.1)
#   JOBS             parallel compile jobs (default: all cores)
# Prints the bin directory on its last line. A second run reuses the build.
set -euo pipefail
PACKAGE=node-llama-cpp@3.21.1
CACHE=${LLAMA_CPP_CACHE:-$HOME/.cache/llm-api/llama.cpp-node-llama-cpp-3.21.1}
JOBS=${JOBS:-$(nproc)}
BIN=$CACHE/build/bin
if [[ -x $BIN/llama-bench && -x $BIN/llama-server && -x $BIN/llama-quantize ]]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$CACHE"
if [[ ! -d $CACHE/src/.git ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$PACKAGE" > /dev/null && tar xzf ./*.tgz package/llama/gitRelease.bundle)
  rm -rf "$CACHE/src"
  git -c advice.detachedHead=false clone --quiet "$work/package/llama/gitRelease.bundle" "$CACHE/src"
fi
echo "llama.cpp from $PACKAGE: commit $(git -C "$CACHE/src" rev-parse --short HEAD)" >&2
cmake -S "$CACHE/src" -B "$CACHE/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON \
  -DLLAMA_BUILD_SERVER=ON > "$CACHE/configure.log"
cmake --build "$CACHE/build" -j "$JOBS" --target llama-bench llama-server llama-quantize > "$CACHE/build.log"
echo "$BIN"
