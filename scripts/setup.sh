#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those that are missing.
# Runs as root (or with sudo available). Idempotent and quiet when nothing is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  libboost1.81-dev libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libsimdjson-dev
  libcli11-dev libpcre2-dev libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev python3
  prometheus wrk chromium nodejs curl ca-certificates
)
# Optional groups: `scripts/setup.sh` installs everything; the build alone needs less,
# but CI and `make test` want the peers (promtool, wrk, chromium, node) too.

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# nodejs may come from another repository with npm bundled; only require npm when node lacks it.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
