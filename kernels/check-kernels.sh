#!/usr/bin/env bash
# check-kernels.sh - fails when the committed kernel images are stale.
#   1. always: the manifest's SHA-256 of kernels/src/main/cuda must match the sources (no nvcc needed);
#   2. where nvcc exists: rebuilds into a temporary folder and compares the images byte for byte.
# Fix a failure with: kernels/build-kernels.sh   (then commit src/main/resources/dev/unroll/kernels/).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/src/main/cuda
RES=$HERE/src/main/resources/dev/unroll/kernels
MANIFEST=$RES/manifest.properties
NVCC=${NVCC:-nvcc}

[ -f "$MANIFEST" ] || { echo "check-kernels.sh: $MANIFEST is missing; run kernels/build-kernels.sh" >&2; exit 1; }
want=$(sed -n 's/^sources\.sha256=//p' "$MANIFEST")
have=$(cd "$SRC" && for f in $(ls | LC_ALL=C sort); do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -d' ' -f1)
if [ "$want" != "$have" ]; then
  echo "check-kernels.sh: the kernel images are stale: kernels/src/main/cuda changed since they were built" >&2
  echo "  (manifest sources.sha256=$want, sources now $have); run kernels/build-kernels.sh and commit the images" >&2
  exit 1
fi
for f in $(sed -n 's/^images=//p' "$MANIFEST"); do
  for img in "$f.fatbin" "$f.sm80.isa80.ptx"; do
    [ -f "$RES/$img" ] || { echo "check-kernels.sh: $RES/$img is missing; run kernels/build-kernels.sh" >&2; exit 1; }
  done
done
if ! command -v "$NVCC" >/dev/null; then
  echo "check-kernels.sh: sources match the manifest; nvcc not found, so the images were not rebuilt (skipped)"
  exit 0
fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
"$HERE/build-kernels.sh" "$TMP" >/dev/null
stale=0
for img in $(cd "$TMP" && ls); do
  if ! cmp -s "$TMP/$img" "$RES/$img"; then
    echo "check-kernels.sh: $img differs from a fresh build with $("$NVCC" --version | grep -o 'V[0-9.]*' | head -1)" >&2
    stale=1
  fi
done
if [ "$stale" != 0 ]; then
  echo "check-kernels.sh: the committed kernel images are stale; run kernels/build-kernels.sh and commit them" >&2
  exit 1
fi
echo "check-kernels.sh: kernel images are fresh (rebuilt with nvcc and compared byte for byte)"
