#!/usr/bin/env bash
# Installs what is missing, builds the release server and bundle, and starts
# Tsunagu on ./data/tsunagu.sqlite3 with a synthetic demo programme.
# Extra arguments go to `tsunagu serve` (e.g. --listen 0.0.0.0:3000).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
source "$ROOT/scripts/build.sh"
build_site --release
step "build server (release)" cargo build --release -p tsunagu-server
summary
exec "$TARGET_DIR/release/tsunagu" --data-dir "${TSUNAGU_DATA_DIR:-$ROOT/data}" serve --demo "$@"
