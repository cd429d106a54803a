#!/usr/bin/env bash
# Builds the browser bundle: the hydrate wasm (wasm-bindgen, and wasm-opt
# for --release), the stylesheet and the static files. The release bundle
# goes to target/site (what target/release/tsunagu carries), the dev one to
# target/site-dev (what target/debug/tsunagu and the tests carry), so running
# the tests never replaces the bundle a demo started by run.sh serves.
# Usage: scripts/build.sh [--release]   (run.sh and test.sh source it and call build_site)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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

# Names the bundle after its content (tsunagu.<hash>.js, tsunagu.<hash>_bg.wasm,
# tsunagu.<hash>.css), so browsers may cache it for good and a page never
# mixes files of two builds; writes the name to pkg/bundle.txt for the server
# and stamps the service worker with it (its cache is named after the hash too).
hash_bundle() {
  local hash name
  hash=$(cat "$PKG"/tsunagu_bg.wasm "$PKG"/tsunagu.js "$PKG"/tsunagu.css \
    "$SITE"/pwa.js "$SITE"/manifest.webmanifest "$SITE"/favicon.svg | sha256sum | cut -c1-16)
  name="tsunagu.$hash"
  mv "$PKG/tsunagu.js" "$PKG/$name.js"
  mv "$PKG/tsunagu_bg.wasm" "$PKG/${name}_bg.wasm"
  mv "$PKG/tsunagu.css" "$PKG/$name.css"
  printf '%s\n' "$name" > "$PKG/bundle.txt"
  sed -i "s/__BUILD__/$hash/; s/__BUNDLE__/$name/g" "$SITE/sw.js"
  echo "bundle $name"
}

# Pre-compressed copies, served as-is by the server, and their sizes.
compress_assets() {
  printf '%-34s %10s %10s %10s\n' file raw gzip brotli
  local name
  name=$(cat "$PKG/bundle.txt")
  for f in "$PKG/${name}_bg.wasm" "$PKG/$name.js" "$PKG/$name.css"; do
    gzip -9 -k -f "$f"
    brotli -q 11 -k -f "$f"
    printf '%-34s %10s %10s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")" \
      "$(stat -c %s "$f.gz")" "$(stat -c %s "$f.br")"
  done
}

# build_site [--release]
build_site() {
  PROFILE=dev; PROFILE_DIR=debug; SITE="$TARGET_DIR/site-dev"
  if [ "${1:-}" = "--release" ]; then
    PROFILE=wasm-release; PROFILE_DIR=wasm-release; SITE="$TARGET_DIR/site"
  fi
  PKG="$SITE/pkg"
  step "wasm32 target" ensure_wasm_target
  step "wasm-bindgen-cli $(wasm_bindgen_version)" ensure_wasm_bindgen
  step "build hydrate wasm ($PROFILE)" build_wasm
  step "wasm-bindgen" bind_wasm
  if [ "$PROFILE" = wasm-release ]; then
    step "wasm-opt $BINARYEN_VERSION" ensure_wasm_opt
    step "wasm-opt -Oz" optimise_wasm
  fi
  step "assets" copy_assets
  step "name the bundle by its content" hash_bundle
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
