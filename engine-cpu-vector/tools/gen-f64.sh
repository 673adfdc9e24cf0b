#!/usr/bin/env bash
# Regenerates the F64 kernels from the F32 ones (GemmF32 -> GemmF64, ElementwiseF32 -> ElementwiseF64).
# Edit only the F32 files, then run this script from anywhere. With an argument, it writes the generated
# files into that folder instead (GeneratedSourcesFreshTest uses this to fail when the committed F64
# files are stale).
set -euo pipefail
src="$(cd "$(dirname "$0")/../src/main/java/dev/unroll/cpu" && pwd)"
out="${1:-$src}"
for f in GemmF32 ElementwiseF32; do
    sed -e 's/float/double/g; s/Float/Double/g; s/FLOAT/DOUBLE/g; s/F32/F64/g; s/0f/0d/g; s/1f/1d/g; s/\.f()/.d()/g; s/(double) //g' \
        -e 's/Generated F64 twin: {@code \([A-Za-z]*\)F64}[^.]*\./Generated from {@code \1F32} by tools\/gen-f64.sh./' \
        "$src/$f.java" > "$out/${f/F32/F64}.java"
done
