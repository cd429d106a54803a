#!/usr/bin/env bash
# Builds the browser bundle into target/site: the hydrate wasm (wasm-bindgen,
# and wasm-opt for --release), the stylesheet and the static files.
# Usage: scripts/build.sh [--release]   (run.sh and test.sh source it and call build_site)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SITE="$TARGET_DIR/site"
PKG="$SITE/pkg"

build_wasm() {
  cargo build -p tsunagu-app --lib --target wasm32-unknown-unknown \
    --no-default-features --features hydrate --profile "$PROFILE"
}

bind_wasm() {
  rm -rf "$PKG"; mkdir -p "$PKG"
  wasm-bindgen --target web --no-typescript --out-dir "$PKG" --out-name tsunagu \
    "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE_DIR/tsunagu_app.wasm"
}

optimise_wasm() {
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    -o "$PKG/tsunagu_bg.opt.wasm" "$PKG/tsunagu_bg.wasm"
  mv "$PKG/tsunagu_bg.opt.wasm" "$PKG/tsunagu_bg.wasm"
}

copy_assets() {
  cp "$ROOT/style/main.css" "$PKG/tsunagu.css"
  cp -r "$ROOT/public/." "$SITE/"
}

# Names the service worker's cache after the bundle's content, so a new
# build is a new cache and the browser offers the update.
stamp_service_worker() {
  local build
  build=$(cat "$PKG"/tsunagu_bg.wasm "$PKG"/tsunagu.js "$PKG"/tsunagu.css \
    "$SITE"/pwa.js "$SITE"/manifest.webmanifest "$SITE"/favicon.svg | sha256sum | cut -c1-16)
  sed -i "s/__BUILD__/$build/" "$SITE/sw.js"
  echo "service worker build $build"
}

# Pre-compressed copies, served as-is by the server, and their sizes.
compress_assets() {
  printf '%-22s %10s %10s %10s\n' file raw gzip brotli
  for f in "$PKG"/tsunagu_bg.wasm "$PKG"/tsunagu.js "$PKG"/tsunagu.css; do
    gzip -9 -k -f "$f"
    brotli -q 11 -k -f "$f"
    printf '%-22s %10s %10s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")" \
      "$(stat -c %s "$f.gz")" "$(stat -c %s "$f.br")"
  done
}

# build_site [--release]
build_site() {
  PROFILE=dev; PROFILE_DIR=debug
  if [ "${1:-}" = "--release" ]; then PROFILE=wasm-release; PROFILE_DIR=wasm-release; fi
  step "wasm32 target" ensure_wasm_target
  step "wasm-bindgen-cli $(wasm_bindgen_version)" ensure_wasm_bindgen
  step "build hydrate wasm ($PROFILE)" build_wasm
  step "wasm-bindgen" bind_wasm
  if [ "$PROFILE" = wasm-release ]; then
    step "wasm-opt $BINARYEN_VERSION" ensure_wasm_opt
    step "wasm-opt -Oz" optimise_wasm
  fi
  step "assets" copy_assets
  step "stamp service worker" stamp_service_worker
  if [ "$PROFILE" = wasm-release ]; then
    step "brotli" ensure_brotli
    step "compress" compress_assets
  fi
  echo "site built in $SITE"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  build_site "$@"
  summary
fi
