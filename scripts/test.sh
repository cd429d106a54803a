#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (native and wasm), unit
# tests, integration tests against the real server binary, and browser
# end-to-end tests in headless Chromium. Installs what is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

step "chromium + chromedriver" ensure_chromium
step "cargo-nextest" ensure_nextest
step "axe-core" ensure_axe
step "lighthouse" ensure_lighthouse
step "postgresql" ensure_postgres
step "rustfmt" cargo fmt --all -- --check
step "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
step "wasm32 target" ensure_wasm_target
step "clippy (wasm hydrate)" cargo clippy -p tsunagu-app -p tsunagu-sync \
  --target wasm32-unknown-unknown --features tsunagu-app/hydrate -- -D warnings
source "$ROOT/scripts/build.sh"
build_site
step "build server binary" cargo build -p tsunagu
step "test postgresql cluster" start_test_postgres
step "tests" cargo nextest run --workspace --no-fail-fast
# The sync tests again, each data directory on a PostgreSQL database of its
# own: pushes, downloads, handovers, purges, a killed server, the policy
# matrix and the hostile tablet's refusals hold on both backends.
step "sync tests on PostgreSQL" env TSUNAGU_TESTS_ON_POSTGRES=1 \
  cargo nextest run -p tsunagu-tests --no-fail-fast --test sync_ws --test push_rules \
  --test ended_cases --test policy_matrix --test revocation --test live_caseload \
  --test team --test clock_rules
summary
