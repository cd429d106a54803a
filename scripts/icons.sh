#!/usr/bin/env bash
# Renders the PNG icons in public/ from the SVGs (run by hand when the
# logo changes; the build only copies the results). Needs ImageMagick.
#   icon-192.png, icon-512.png       public/favicon.svg (rounded, transparent corners)
#   icon-maskable-512.png            assets/icons/full-bleed.svg (the logo inside
#                                    the maskable safe zone, background to the edge)
#   apple-touch-icon.png (180)       the same, no transparency: iOS rounds it itself
set -euo pipefail
# /usr/bin first: a stand-in `convert` may shadow ImageMagick on PATH.
convert() { /usr/bin/convert "$@"; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
render() { convert -background none -density 1200 "$1" -resize "$2x$2" -strip "PNG32:$3"; }
render public/favicon.svg 192 public/icon-192.png
render public/favicon.svg 512 public/icon-512.png
render assets/icons/full-bleed.svg 512 public/icon-maskable-512.png
convert -density 1200 assets/icons/full-bleed.svg -resize 180x180 -background '#2f6f5e' \
  -alpha remove -strip PNG24:public/apple-touch-icon.png
