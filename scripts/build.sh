#!/usr/bin/env bash
# Builds the browser bundle: the hydrate wasm (its glue by tools/bindgen, wasm-opt
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

# build_wasm_or_stop PID: build_wasm; if it fails, stops the background
# build PID (the glue tool's) too.
build_wasm_or_stop() {
  build_wasm || { kill "$1" 2>/dev/null || true; return 1; }
}

bind_wasm() {
  rm -rf "$PKG"; mkdir -p "$PKG"
  "$BINDGEN" "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE_DIR/tsunagu_app.wasm" "$PKG"
}

# wasm-opt -Oz takes about a minute on two cores: its output is kept
# under target/, by the input's hash, so a rebuild with nothing changed
# reuses it. The main module and each split module are optimised apart,
# side by side (wasm-opt uses one core for most of a module).
WASM_OPT_FLAGS=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --enable-mutable-globals)
optimise_wasm() {
  local cache="$TARGET_DIR/wasm-opt-cache" files=("$PKG"/*.wasm) keys=() pids=() i pid
  mkdir -p "$cache"
  for i in "${!files[@]}"; do
    # The key covers what decides the output: the input, wasm-opt's version, the flags.
    keys[i]=$({ sha256sum < "${files[i]}"; echo "$BINARYEN_VERSION ${WASM_OPT_FLAGS[*]}"; } \
      | sha256sum | cut -c1-32)
    if [ ! -f "$cache/${keys[i]}.wasm" ]; then
      wasm-opt "${WASM_OPT_FLAGS[@]}" -o "$cache/${keys[i]}.tmp" "${files[i]}" &
      pids+=("$!")
    fi
  done
  # A failed wasm-opt fails its wait, and the build with it.
  for pid in "${pids[@]}"; do wait "$pid"; done
  for i in "${!files[@]}"; do
    if [ -f "$cache/${keys[i]}.tmp" ]; then mv "$cache/${keys[i]}.tmp" "$cache/${keys[i]}.wasm"; fi
    cp "$cache/${keys[i]}.wasm" "${files[i]}"
  done
  # Keep only this build's outputs.
  find "$cache" -type f | while read -r kept; do
    case " ${keys[*]} " in *" $(basename "$kept" .wasm) "*) ;; *) rm -f "$kept" ;; esac
  done
}

copy_assets() {
  cp "$ROOT/style/main.css" "$PKG/tsunagu.css"
  cp -r "$ROOT/public/." "$SITE/"
}

# Names the bundle after its content (tsunagu.<hash>.js, tsunagu.<hash>_bg.wasm,
# tsunagu.<hash>.css, and the split modules' loader tsunagu.<hash>.split.js
# and modules tsunagu.<hash>.split_<module>.wasm), so browsers may cache it
# for good and a page never mixes files of two builds; writes the name to
# pkg/bundle.txt for the server and stamps the service worker with it (its
# cache is named after the hash too).
hash_bundle() {
  local hash name split
  hash=$(cat "$PKG"/*.wasm "$PKG"/*.js "$PKG"/tsunagu.css \
    "$SITE"/pwa.js "$SITE"/manifest.webmanifest "$SITE"/favicon.svg | sha256sum | cut -c1-16)
  name="tsunagu.$hash"
  mv "$PKG/tsunagu.js" "$PKG/$name.js"
  mv "$PKG/tsunagu_bg.wasm" "$PKG/${name}_bg.wasm"
  mv "$PKG/tsunagu.css" "$PKG/$name.css"
  if [ -f "$PKG/tsunagu_split.js" ]; then
    # The glue imports the loader, the loader imports the glue and fetches
    # the split modules, each by a relative path written by tools/bindgen.
    mv "$PKG/tsunagu_split.js" "$PKG/$name.split.js"
    sed -i "s|from \"./tsunagu_split.js\"|from \"./$name.split.js\"|" "$PKG/$name.js"
    sed -i "s|from \"./tsunagu.js\"|from \"./$name.js\"|" "$PKG/$name.split.js"
    for split in "$PKG"/split_*.wasm; do
      split=$(basename "$split")
      mv "$PKG/$split" "$PKG/$name.$split"
      sed -i "s|\"./$split\"|\"./$name.$split\"|" "$PKG/$name.split.js"
    done
    grep -q "from \"./$name.split.js\"" "$PKG/$name.js" \
      || { echo "the glue does not import the split loader by its path" >&2; return 1; }
  fi
  printf '%s\n' "$name" > "$PKG/bundle.txt"
  sed -i "s/__BUILD__/$hash/; s/__BUNDLE__/$name/g" "$SITE/sw.js"
  echo "bundle $name"
}

# Pre-compressed copies, served as-is by the server, and their sizes. The
# files are named by their content, so copies made for the same name are
# kept under target/ and reused. "first load" is what a browser fetches
# before the app runs; the split modules come when a screen needs them.
compress_assets() {
  printf '%-44s %10s %10s %10s\n' file raw gzip brotli
  local name cache="$TARGET_DIR/compress-cache" first=0 later=0 f br
  name=$(cat "$PKG/bundle.txt")
  mkdir -p "$cache"
  find "$cache" -type f ! -name "$name*" -delete
  for f in "$PKG/$name"*; do
    case "$f" in *.gz|*.br) continue ;; esac
    local kept="$cache/$(basename "$f")"
    if [ ! -f "$kept.gz" ] || [ ! -f "$kept.br" ]; then
      gzip -9 -c "$f" > "$kept.gz.tmp" && mv "$kept.gz.tmp" "$kept.gz"
      brotli -q 11 -c "$f" > "$kept.br.tmp" && mv "$kept.br.tmp" "$kept.br"
    fi
    cp "$kept.gz" "$f.gz"
    cp "$kept.br" "$f.br"
    br=$(stat -c %s "$f.br")
    printf '%-44s %10s %10s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")" \
      "$(stat -c %s "$f.gz")" "$br"
    case "$f" in *.split_*.wasm) later=$((later + br)) ;; *) first=$((first + br)) ;; esac
  done
  printf 'first load (brotli): %s B; split modules, fetched when first used: %s B\n' "$first" "$later"
}

# build_site [--release]
build_site() {
  PROFILE=dev; PROFILE_DIR=debug; SITE="$TARGET_DIR/site-dev"
  if [ "${1:-}" = "--release" ]; then
    PROFILE=wasm-release; PROFILE_DIR=wasm-release; SITE="$TARGET_DIR/site"
  fi
  # Built beside the site and swapped in only if something changed: the
  # server embeds the site, so rewriting identical files would rebuild it.
  local final="$SITE"
  SITE="$final.new"; rm -rf "$SITE"; mkdir -p "$SITE"
  PKG="$SITE/pkg"
  step "wasm32 target" ensure_wasm_target
  # The glue tool and the wasm need nothing of each other until the glue
  # step, and each has its own profile (cargo locks one profile's directory
  # at a time): the tool builds beside the wasm.
  local tool_log="$TARGET_DIR/bindgen-build.log" tool_build
  mkdir -p "$TARGET_DIR"
  build_bindgen > "$tool_log" 2>&1 &
  tool_build=$!
  step "build hydrate wasm ($PROFILE)" build_wasm_or_stop "$tool_build"
  step "tsunagu-bindgen (wasm-bindgen $(wasm_bindgen_version)), built beside the wasm" \
    wait_for_build "$tool_build" "$tool_log"
  step "JavaScript glue" bind_wasm
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
  if diff -rq "$SITE" "$final" > /dev/null 2>&1; then
    rm -rf "$SITE"
    echo "site unchanged in $final"
  else
    # Never a moment without a site: the old one goes only once the new is in place.
    rm -rf "$final.old"
    if [ -e "$final" ]; then mv "$final" "$final.old"; fi
    mv "$SITE" "$final" && rm -rf "$final.old"
    echo "site built in $final"
  fi
  SITE="$final"; PKG="$SITE/pkg"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  build_site "$@"
  summary
fi
