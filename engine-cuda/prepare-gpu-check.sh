#!/usr/bin/env bash
# prepare-gpu-check.sh - on the CPU machine, from anywhere: builds engine-cuda, makes the git-ignored .gpu-bundle/
# with ../shared/gpu/prepare-gpu-bundle.sh, adds the PyTorch peer and tries the bundle here (everything up to the
# first GPU call must pass). Then run the GPU check with the command in engine-cuda/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
LOCK=${UNROLL_BUILD_LOCK:-/tmp/unroll-build.lock}
cd "$ROOT"
flock "$LOCK" mvn -q -B -ntp -pl engine-cuda -am install -DskipTests
flock "$LOCK" env MODULE=engine-cuda SKIP_BUILD=1 bash "$SHARED/gpu/prepare-gpu-bundle.sh"
cp "$SHARED/peers/torch_lista_bench.py" .gpu-bundle/
rm -rf /tmp/unroll-gpu-dry-run
OUT=/tmp/unroll-gpu-dry-run SMOKE_MAIN=dev.unroll.cuda.GpuSmoke JAVA_EXTRA='-Dunroll.tck.backend=cuda' \
  TEST_ARGS='--scan-class-path .gpu-bundle/lib/engine-tck-0.1.0-SNAPSHOT.jar --include-classname .*(Test|Tests|Conformance)' \
  bash .gpu-bundle/run-gpu.sh > /tmp/unroll-gpu-dry-run.log 2>&1 || true
grep -q 'tests failed' /tmp/unroll-gpu-dry-run/summary.txt 2>/dev/null || { echo "dry run: no test summary (see /tmp/unroll-gpu-dry-run.log)"; exit 1; }
if grep -qE ' [1-9][0-9]* tests failed' /tmp/unroll-gpu-dry-run/summary.txt; then
  echo "dry run: tests failed before any GPU call (see /tmp/unroll-gpu-dry-run.log)"; exit 1
fi
cat /tmp/unroll-gpu-dry-run/summary.txt
echo "bundle ready: .gpu-bundle/ (the smoke test fails here only because there is no GPU)"
