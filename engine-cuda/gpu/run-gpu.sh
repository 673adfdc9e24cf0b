#!/usr/bin/env bash
# run-gpu.sh - the CUDA check on a GPU machine that has a driver, CUDA libraries and Python but no Java,
# Maven or network. engine-cuda/gpu/make-bundle.sh copies this script into .gpu-bundle/; run it there from
# the repository root:  bash .gpu-bundle/run-gpu.sh
#
# Phases, each capped so that the whole run stays within BUDGET seconds (a timeout still leaves the files of
# the phases that finished in $OUT):
#   1. gpu.txt     nvidia-smi's view of the device
#   2. the bundled Java runtime unpacked; cuBLAS located (Python's nvidia wheels first, then the usual folders)
#   3. the libcublas.so.12 shim for the JCublas2 binding (rebuilt with gcc when the prebuilt one does not load)
#   4. smoke.txt   SMOKE_MAIN, a main class that checks the GPU path end to end (skipped when unset)
#   5. junit.xml   the module's tests with the JUnit console launcher (TEST_ARGS adds options)
#   6. jmh.json    JMH_REGEX from a bundled benchmarks jar (skipped when unset)
#   7. summary.txt the verdicts in a few lines; run.log has everything
#
# Env: OUT (default /tmp/gpu-out)  BUDGET (330)  SMOKE_T (60)  TEST_T (120)  JMH_T (150)  SMOKE_MAIN  TEST_ARGS
#      JMH_REGEX  JMH_ARGS ("-f 1 -wi 2 -i 3 -w 1s -r 1s")  JAVA_EXTRA (JVM options, e.g. -Dunroll.cuda.required=true)
#      CUBLAS_LIBRARY (a cuBLAS to use instead of searching)
set -uo pipefail
BUNDLE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
BUDGET=${BUDGET:-330}
START=$SECONDS

remaining() { echo $((BUDGET - (SECONDS - START))); }
# The smaller of the phase's own cap and what the budget has left (keeping 5 s for the summary), at least 1.
cap() {
    local want=$1 left
    left=$(($(remaining) - 5))
    [ "$left" -lt "$want" ] && want=$left
    [ "$want" -lt 1 ] && want=1
    echo "$want"
}
note() { echo "[$((SECONDS - START))s] $*"; }

find_cublas() {
    [ -n "${CUBLAS_LIBRARY:-}" ] && { echo "$CUBLAS_LIBRARY"; return; }
    python3 - 2>/dev/null <<'PY' && return
import os, sys
try:
    import nvidia
except ImportError:
    sys.exit(1)
for base in nvidia.__path__:
    for sub, name in (("cu13/lib", "libcublas.so.13"), ("cublas/lib", "libcublas.so.12")):
        path = os.path.join(base, sub, name)
        if os.path.isfile(path):
            print(path)
            sys.exit(0)
sys.exit(1)
PY
    find /usr/local/cuda/lib64 /usr/local /opt /usr/lib -xdev -name 'libcublas.so.1[23]' 2>/dev/null | sort -r | head -n 1
}

check() {
    rm -rf /tmp/unroll-junit /tmp/unroll-junit.txt
    note "host $(uname -srm), $(nproc) CPUs"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv > "$OUT/gpu.txt" 2>&1 \
        || echo "nvidia-smi failed" >> "$OUT/gpu.txt"
    cat "$OUT/gpu.txt"

    local jre=/tmp/unroll-jre
    rm -rf "$jre" && mkdir -p "$jre"
    tar -xzf "$BUNDLE/jre.tar.gz" -C "$jre" 2>/dev/null \
        || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$BUNDLE/jre.tar.gz" "$jre"
    "$jre/bin/java" -version 2>&1 | head -n 1 || { note "the bundled Java runtime does not run"; return 2; }

    local cublas
    cublas=$(find_cublas)
    note "cuBLAS: ${cublas:-none found}"
    export CUBLAS_LIBRARY=$cublas

    local shim=/tmp/unroll-cublas12-shim
    mkdir -p "$shim"
    cp "$BUNDLE/shim/libcublas.so.12" "$shim/" 2>/dev/null
    if ! CUBLAS12_SHIM_TARGET=/dev/null python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$shim/libcublas.so.12" 2>/dev/null \
        && command -v gcc >/dev/null && [ -f "$BUNDLE/shim/cublas12_shim.c" ]; then
        (cd "$BUNDLE/shim" && gcc -O2 -shared -fPIC -o "$shim/libcublas.so.12" cublas12_shim.c \
            -Wl,-soname,libcublas.so.12 -Wl,--version-script=libcublas12.map -ldl) && note "shim built here with gcc"
    fi
    export LD_LIBRARY_PATH="$shim:$(dirname "${cublas:-/none/x}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export CUDA_CACHE_PATH=/tmp/cuda-cache CUBLAS12_SHIM_VERBOSE=1

    local jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
        -Djava.library.path="$BUNDLE/natives" -Djava.io.tmpdir=/tmp -Djmh.ignoreLock=true)
    # Kernel images compiled into the bundle replace the jar's committed ones.
    compgen -G "$BUNDLE/kernels/*.fatbin" >/dev/null && jvm+=(-Dunroll.cuda.kernels="$BUNDLE/kernels")
    # shellcheck disable=SC2206
    jvm+=(${JAVA_EXTRA:-})
    local jars
    jars=$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')

    if [ -n "${SMOKE_MAIN:-}" ]; then
        note "smoke check, at most ${SMOKE_T:-60} s"
        timeout -k 5 "$(cap "${SMOKE_T:-60}")" "$jre/bin/java" "${jvm[@]}" -cp "$BUNDLE/lib/*" "$SMOKE_MAIN" \
            > "$OUT/smoke.txt" 2>&1
        note "smoke exit status $?"
        cat "$OUT/smoke.txt"
    fi

    if [ -d "$BUNDLE/test-classes" ] && [ "$(remaining)" -gt 20 ]; then
        note "tests, at most ${TEST_T:-120} s"
        # shellcheck disable=SC2086
        timeout -k 5 "$(cap "${TEST_T:-120}")" "$jre/bin/java" "${jvm[@]}" \
            -jar "$BUNDLE/tools/junit-platform-console-standalone.jar" execute --disable-banner --disable-ansi-colors \
            --class-path "$BUNDLE/test-classes:$jars" --scan-class-path "$BUNDLE/test-classes" \
            --reports-dir /tmp/unroll-junit --details=tree ${TEST_ARGS:-} > /tmp/unroll-junit.txt 2>&1
        note "tests exit status $?"
        cat /tmp/unroll-junit.txt
        cp /tmp/unroll-junit/TEST-junit-jupiter.xml "$OUT/junit.xml" 2>/dev/null
    fi

    if [ -n "${JMH_REGEX:-}" ] && [ "$(remaining)" -gt 30 ]; then
        note "JMH '$JMH_REGEX', at most ${JMH_T:-150} s"
        # shellcheck disable=SC2086
        timeout -k 10 "$(cap "${JMH_T:-150}")" "$jre/bin/java" "${jvm[@]}" -cp "$BUNDLE/lib/*" org.openjdk.jmh.Main \
            "$JMH_REGEX" ${JMH_ARGS:--f 1 -wi 2 -i 3 -w 1s -r 1s} -rf json -rff "$OUT/jmh.json" -o "$OUT/jmh.txt"
        note "JMH exit status $?"
        grep -A50 '^Benchmark' "$OUT/jmh.txt" 2>/dev/null
    fi

    {
        echo "gpu: $(tail -n +2 "$OUT/gpu.txt" | head -n 1)"
        echo "cublas: ${cublas:-none}"
        echo "smoke: $(tail -n 1 "$OUT/smoke.txt" 2>/dev/null)"
        echo "tests:$(grep -h -E 'tests (successful|failed|skipped|aborted)' /tmp/unroll-junit.txt 2>/dev/null | tr -s ' []' ' ' | paste -sd, -)"
        grep -A50 '^Benchmark' "$OUT/jmh.txt" 2>/dev/null
        echo "elapsed $((SECONDS - START)) s of $BUDGET s"
    } > "$OUT/summary.txt"
    cat "$OUT/summary.txt"
}

check 2>&1 | tee "$OUT/run.log"
