#!/usr/bin/env bash
# Installs what is missing, builds the release server and bundle, and starts
# Tsunagu on ./data/tsunagu.sqlite3 with a synthetic demo programme.
# Extra arguments go to `tsunagu serve` (e.g. --listen 0.0.0.0:3000).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
source "$ROOT/scripts/build.sh"

# Only the small tsunagu-bundle crate needs the bundle: the server library
# and its dependencies build beside the wasm, and the binary after both
# takes seconds. The bundle's chain (glue tool, wasm, its single-threaded
# link-time optimisation, wasm-opt) is the longest path, so the server
# builds at a lower priority and takes the core that chain leaves idle.
mkdir -p "$TARGET_DIR"
SERVER_LOG="$TARGET_DIR/server-library-build.log"
nice -n 10 cargo build --release -p tsunagu-server > "$SERVER_LOG" 2>&1 &
SERVER_BUILD=$!
trap 'kill "$SERVER_BUILD" 2>/dev/null || true' EXIT

build_site --release
step "server library (release, built beside the bundle)" wait_for_build "$SERVER_BUILD" "$SERVER_LOG"
trap - EXIT
step "build tsunagu (release)" cargo build --release -p tsunagu
summary
exec "$TARGET_DIR/release/tsunagu" --data-dir "${TSUNAGU_DATA_DIR:-$ROOT/data}" serve --demo "$@"
