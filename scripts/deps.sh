#!/usr/bin/env bash
# Installs what Lectern needs to build, run and test, and nothing that is already there.
# Idempotent: a machine that has everything is left untouched (no apt-get update, no network).
#   scripts/deps.sh          build and run dependencies
#   scripts/deps.sh test     also what the test suites need (cmocka, chromium, clang with its
#                            libFuzzer and llvm-symbolizer for the fuzz targets, npm packages)
#   scripts/deps.sh bench    also what `make bench` needs (nginx as the reference, wrk)
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libjansson-dev
            libsodium-dev libpq-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
            libcsv-dev libcurl4-openssl-dev libxml2-dev libical-dev
            libcairo2-dev libpango1.0-dev libqrencode-dev fonts-noto-core fonts-noto-cjk)
test_pkgs=(libcmocka-dev chromium sqlite3 curl postgresql python3-aiosmtpd poppler-utils
           clang libclang-rt-14-dev llvm)
bench_pkgs=(nginx wrk)

want=("${build_pkgs[@]}")
if [ "${1:-}" = "test" ]; then want+=("${test_pkgs[@]}"); fi
if [ "${1:-}" = "bench" ]; then want+=("${bench_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js may come from Debian or from another packaging that bundles npm; only the commands matter.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
    echo "deps: installing Debian packages needs root: run this as root, or install sudo" >&2
    exit 1
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian 12's nodejs (18) is the oldest the tools support: node's test runner with
# --test-concurrency, and playwright-core, pinned in package.json to a release that runs on it.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "deps: Node.js 18 or newer is needed, found $(node --version); install Debian 12's nodejs package or newer" >&2
  exit 1
fi

# Browser-side packages (Bootstrap for the pages, playwright-core for the browser tests) come
# from npm, pinned by package-lock.json. Reinstall only when the lock file is newer than the tree.
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --silent
  fi
fi
