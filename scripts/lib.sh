#!/usr/bin/env bash
# Shared helpers for the build, run and test scripts: timing, and installing
# each tool only when the right version is missing, so a second run is fast.
set -euo pipefail
# Sourced by several scripts in one process: load once, keep one step log.
[ -n "${TSUNAGU_LIB_LOADED:-}" ] && return 0
TSUNAGU_LIB_LOADED=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# Tools we install ourselves (wasm-opt from npm) live here, outside the repo.
TOOLS_DIR="${TSUNAGU_TOOLS_DIR:-$HOME/.cache/tsunagu-tools}"
BINARYEN_VERSION="132.0.0"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

# A CI run builds once from clean: incremental caches would only double the
# disk the build needs (they did fill a CI machine's disk once).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

SCRIPT_START=$(date +%s)
STEP_LOG=()

# step NAME COMMAND...: runs COMMAND, prints how long it took, remembers it for the summary.
step() {
  local name="$1"; shift
  local start; start=$(date +%s)
  printf '\n==> %s\n' "$name"
  "$@"
  local took=$(( $(date +%s) - start ))
  printf '<== %s: %ss\n' "$name" "$took"
  STEP_LOG+=("$(printf '%5ss  %s' "$took" "$name")")
}

summary() {
  printf '\nStep times:\n'
  printf '  %s\n' "${STEP_LOG[@]}"
  printf '  total %ss\n' $(( $(date +%s) - SCRIPT_START ))
  printf '  target dir %s\n' "$(du -sh "$TARGET_DIR" 2>/dev/null | cut -f1)"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  local log; log="$(mktemp)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
}

# The wasm's JavaScript glue comes from tools/bindgen, our own small binary
# over the wasm-bindgen-cli-support library: Cargo.lock holds it at the
# same version as the wasm-bindgen crate, so the two cannot differ, and it
# builds from the registry with the rest of the workspace. (`cargo install
# wasm-bindgen-cli` also built a test runner's HTTP server, client and TLS:
# 87 s on both cores in a cold test.sh and 190 s beside run.sh's server
# build, where this builds in 53 s, about 75 core-seconds.)
# It has its own profile, so it builds while a release build holds
# target/release (cargo locks one profile's directory at a time).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
BINDGEN="$TARGET_DIR/tools/tsunagu-bindgen"
build_bindgen() {
  cargo build --profile tools -p tsunagu-bindgen
}

ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  wasm-opt --version
}

ensure_brotli() {
  command -v brotli >/dev/null || apt_install brotli
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver fonts-noto-cjk
  fi
  chromium --version
}

# axe-core for the accessibility checks (tests/src/a11y.rs), from the npm
# registry into target/axe, pinned.
ensure_axe() {
  local want="4.14.1" dir="$TARGET_DIR/axe"
  if ! grep -qs "\"version\": \"$want\"" "$dir/node_modules/axe-core/package.json"; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund "axe-core@$want" >/dev/null
  fi
  echo "axe-core $want"
}

# Lighthouse and puppeteer-core (npm; puppeteer-core drives Debian's
# chromium and downloads no browser), for tests/tests/lighthouse.rs.
ensure_lighthouse() {
  local want="12.8.2" puppeteer="24.43.1" dir="$TARGET_DIR/lighthouse"
  if ! grep -qs "\"version\": \"$want\"" "$dir/node_modules/lighthouse/package.json" ||
     ! grep -qs "\"version\": \"$puppeteer\"" "$dir/node_modules/puppeteer-core/package.json"; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund \
      "lighthouse@$want" "puppeteer-core@$puppeteer" >/dev/null
  fi
  echo "lighthouse $want, puppeteer-core $puppeteer"
}

ensure_nextest() {
  cargo nextest --version >/dev/null 2>&1 || cargo install cargo-nextest --locked
}
