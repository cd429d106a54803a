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

# wait_for_build PID LOG: waits for a build started in the background and
# shows its log if it failed.
wait_for_build() {
  if ! wait "$1"; then
    cat "$2" >&2
    return 1
  fi
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

# at_exit COMMAND: runs COMMAND when the script exits, on success, on an
# error under set -e or on Ctrl-C, before any EXIT trap already set, which
# it keeps (run.sh sets one of its own).
at_exit() {
  local cmd="$1" old
  old=$(trap -p EXIT)
  if [ -n "$old" ]; then eval "set -- $old"; cmd="$cmd"$'\n'"$3"; fi
  trap -- "$cmd" EXIT
}

# The tests' PostgreSQL is Debian's server: its initdb and pg_ctl live in
# /usr/lib/postgresql/<version>/bin, off PATH (/usr/bin has the client and
# wrappers for Debian's own clusters). A client package of another version
# adds a directory there too, so this takes the newest that has a server.
pg_server_bin() {
  local dir
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
    if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

ensure_postgres() {
  PG_BIN=$(pg_server_bin) || { apt_install postgresql; PG_BIN=$(pg_server_bin); }
  export PG_BIN
  # Makes the test cluster's TLS certificates.
  command -v openssl >/dev/null || apt_install openssl
  "$PG_BIN/postgres" --version
}

# pg_as_owner COMMAND...: runs a server program as the cluster's owner.
# PostgreSQL refuses to run as root, so under root (CI, containers) that is
# the postgres user Debian's package creates; from /, as that user may not
# enter the checkout.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

# A throwaway cluster for the tests, listening on 127.0.0.1 only, as the
# superuser tsunagu without passwords; the tests create their own databases
# in it through $TSUNAGU_TEST_POSTGRES. Under /tmp, not $TMPDIR, so the
# postgres user can reach it and the socket's path stays short. Stopped
# and deleted when the script exits.
start_test_postgres() {
  PG_TEST_DIR=$(mktemp -d /tmp/tsunagu-postgres.XXXXXX)
  at_exit stop_test_postgres
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_TEST_DIR"; fi
  # Nothing here has to survive a crash, so initdb skips its fsyncs.
  local init=("$PG_BIN/initdb" -D "$PG_TEST_DIR" --auth=trust -U tsunagu --encoding=UTF8 --no-sync)
  local out
  if ! out=$(pg_as_owner "${init[@]}" --locale=C.UTF-8 2>&1); then
    # A system without the C.UTF-8 locale: the C locale sorts the same.
    out=$(pg_as_owner "${init[@]}" --no-locale 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
  fi
  test_postgres_certificates "$PG_TEST_DIR"
  # fsync stays on, as in production; 200 connections, as nextest runs
  # many tests at once and each opens its own. TLS is offered (not
  # required) with a certificate from a CA made for this run, which the
  # TLS tests trust through $TSUNAGU_TEST_POSTGRES_CA.
  local opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_TEST_DIR"
  opts+=" -c fsync=on -c max_connections=200"
  opts+=" -c ssl=on -c ssl_cert_file=$PG_TEST_DIR/server.crt -c ssl_key_file=$PG_TEST_DIR/server.key"
  # The first port from 55432 on that nothing listens on; the next if
  # another run (a second checkout testing at once) binds it first.
  local port=55432 tries=1
  while :; do
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    rm -f "$PG_TEST_DIR/log"
    if out=$(pg_as_owner "$PG_BIN/pg_ctl" -w -s -D "$PG_TEST_DIR" -l "$PG_TEST_DIR/log" \
      -o "$opts -c port=$port" start 2>&1); then break; fi
    if [ "$tries" -ge 10 ] || ! grep -qs 'Address already in use' "$PG_TEST_DIR/log"; then
      printf '%s\n' "$out" >&2; cat "$PG_TEST_DIR/log" >&2; return 1
    fi
    port=$((port + 1)); tries=$((tries + 1))
  done
  # Plain by default: the client verifies any TLS it is offered, and only
  # the TLS tests trust the run's CA.
  export TSUNAGU_TEST_POSTGRES="postgres://tsunagu@127.0.0.1:$port/postgres?sslmode=disable"
  export TSUNAGU_TEST_POSTGRES_CA="$PG_TEST_DIR/ca.pem"
  echo "PostgreSQL at $TSUNAGU_TEST_POSTGRES, data in $PG_TEST_DIR"
}

# A throwaway CA in DIR (ca.pem) and a server certificate it signed for
# 127.0.0.1 (server.crt, server.key readable by the cluster's owner only),
# with Debian's openssl.
test_postgres_certificates() {
  local dir="$1" ext
  ext=$(mktemp)
  printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > "$ext"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Tsunagu test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 2 -extfile "$ext" -out "$dir/server.crt" 2>/dev/null
  rm -f "$ext" "$dir/ca.key" "$dir/server.csr"
  chmod 600 "$dir/server.key"
  chmod 644 "$dir/ca.pem" "$dir/server.crt"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/server.key" "$dir/server.crt"; fi
}

stop_test_postgres() {
  if [ -f "$PG_TEST_DIR/postmaster.pid" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -s -w -D "$PG_TEST_DIR" -m immediate stop || true
  fi
  rm -rf "$PG_TEST_DIR"
}
