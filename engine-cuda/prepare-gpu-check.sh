#!/usr/bin/env bash
# prepare-gpu-check.sh - on the CPU machine, from anywhere in a clone: builds engine-cuda, packs the git-ignored
# .gpu-bundle/ with engine-cuda/gpu/make-bundle.sh and tries the bundle here, where everything up to the first
# GPU call must pass. Then run the GPU check with the command in engine-cuda/README.md.
# Env: UNROLL_BUILD_LOCK (a lock file that serialises builds of several clones on one machine, when flock exists)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
LOCK=${UNROLL_BUILD_LOCK:-/tmp/unroll-build.lock}
locked() {
    if command -v flock >/dev/null; then flock "$LOCK" "$@"; else "$@"; fi
}
cd "$ROOT"
locked bash engine-cuda/gpu/make-bundle.sh
DRY=/tmp/unroll-gpu-dry-run
rm -rf "$DRY"
OUT=$DRY SMOKE_MAIN=dev.unroll.cuda.GpuSmoke JAVA_EXTRA='-Dunroll.tck.backend=cuda' \
    TEST_ARGS="--scan-class-path $(ls .gpu-bundle/lib/engine-tck-*.jar | head -n 1) --include-classname .*(Test|Tests|Conformance)" \
    bash .gpu-bundle/run-gpu.sh > "$DRY.log" 2>&1 || true
grep -q 'tests failed' "$DRY/summary.txt" 2>/dev/null || { echo "dry run: no test summary (see $DRY.log)"; exit 1; }
if grep -qE ' [1-9][0-9]* tests failed' "$DRY/summary.txt"; then
    echo "dry run: tests failed before any GPU call (see $DRY.log)"
    exit 1
fi
cat "$DRY/summary.txt"
echo "bundle ready: .gpu-bundle/ (the smoke check fails here only because there is no GPU)"
