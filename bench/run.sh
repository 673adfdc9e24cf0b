#!/usr/bin/env bash
# The one command for Unroll's benchmarks: builds bench/target/benchmarks.jar when needed, runs JMH
# (FMA peak, GEMM, unrolled forward and training step; cpu-vector and reference in the same run), runs the
# PyTorch peer when /usr/bin/python3 has torch, then prints BenchReport's tables.
#
#   bench/run.sh [--quick] [jmh args...]      (or ./unroll bench ...)
#
# Run directly, it hands itself to ../unroll, which finds a JDK 25+ and builds the jar; the launcher then
# calls it back with UNROLL_BENCH_JAVA set.
set -euo pipefail

HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR=$HERE/target/benchmarks.jar
RESULTS=$HERE/target/jmh-results.json
TORCH_OUT=$HERE/target/torch-results.jsonl
PEER=${UNROLL_TORCH_BENCH:-$ROOT/../shared/peers/torch_lista_bench.py}

# Full run: 3 forks (forks differ by up to 35 % here, see shared/peers/README.md); warm-up and measurement
# come from each benchmark's annotations (3 × 1 s warm-up, 5 × 1 s measurement; the unrolled networks warm
# up 5 × 2 s because C2 needs that long for their kernels). With every parameter this takes about
# 45 minutes on 2 cores; JMH_ARGS="-f 1" takes about a third of that.
FULL_ARGS="-f 3"
# Smoke run (about a minute and a half): one fork, short iterations, F32, the smallest shapes. Its figures
# are not steady state (the unrolled kernels are still being compiled): it checks that everything runs.
QUICK_ARGS="-f 1 -wi 2 -w 2s -i 1 -r 1s -p dtype=F32 -p k=64 -p batch=16"

usage() {
    cat <<USAGE
Usage: bench/run.sh [--quick] [jmh args...]     (or: ./unroll bench [--quick] [jmh args...])

Runs the JMH benchmarks into bench/target/jmh-results.json, then the PyTorch peer (when /usr/bin/python3
can import torch and $PEER exists) into
bench/target/torch-results.jsonl, then prints one table per benchmark: median time, GFLOP/s, samples/s,
the speed-up over the reference backend and the fraction of the FMA peak measured in the same run, and
the ratio to PyTorch's samples/s.

  --quick              smoke run, about a minute and a half: $QUICK_ARGS
                       (checks that everything runs; its figures are not steady state)
  jmh args             appended to JMH's command line: a benchmark regex (e.g. GemmBenchmark),
                       -p name=v1,v2 to choose parameters, -prof gc, ...

Environment:
  JMH_ARGS             replaces the default JMH settings ($FULL_ARGS)
  UNROLL_BENCH_TORCH   set to 0 to skip the PyTorch peer
  UNROLL_TORCH_BENCH   path of torch_lista_bench.py (default: ../shared/peers/ next to the repository)
  TORCH_DTYPES         precisions the peer runs (default: "float32 float64"; --quick: float32)

The reference backend is skipped (reported as a failed setup marked SKIPPED) where one operation costs
more than 2^28 FLOPs (by default: GEMM k=256 at batch 4096, and the unrolled networks beyond batch 16);
pass -jvmArgs -Dunroll.bench.referenceMaxFlop=N to change that. Backend settings go
the same way, e.g. -jvmArgs -Dunroll.threads=1.
USAGE
}

quick=0
jmh_extra=()
for arg in "$@"; do
    case $arg in
        --quick) quick=1 ;;
        -h | --help) usage; exit 0 ;;
        *) jmh_extra+=("$arg") ;;
    esac
done

if [ -z "${UNROLL_BENCH_JAVA-}" ]; then
    exec "$ROOT/unroll" bench "$@"
fi
JAVA=$UNROLL_BENCH_JAVA
[ -f "$JAR" ] || { echo "run.sh: $JAR is missing; run ./unroll bench, which builds it" >&2; exit 1; }

if [ "$quick" = 1 ]; then
    defaults=${JMH_ARGS:-$QUICK_ARGS}
    torch_args=(--batches 16 --reps 3 --min-time 0.1)
    torch_dtypes=${TORCH_DTYPES:-float32}
else
    defaults=${JMH_ARGS:-$FULL_ARGS}
    torch_args=()
    torch_dtypes=${TORCH_DTYPES:-float32 float64}
fi
read -r -a jmh_args <<<"$defaults"

mkdir -p "$HERE/target"
rm -f "$RESULTS" "$TORCH_OUT"
echo "run.sh: JMH ${jmh_args[*]} ${jmh_extra[*]-}" >&2
# The forks get --add-modules and the heap flags from each benchmark's @Fork; failures of single parameter
# combinations (the SKIPPED reference ones) do not stop the run, so JMH's own exit status is kept but the
# report still prints what was measured.
jmh_rc=0
# The flag silences JDK 24+'s warning about JMH's use of sun.misc.Unsafe.
"$JAVA" --sun-misc-unsafe-memory-access=allow -jar "$JAR" "${jmh_args[@]}" ${jmh_extra[@]+"${jmh_extra[@]}"} -rf json -rff "$RESULTS" || jmh_rc=$?
[ -s "$RESULTS" ] || { echo "run.sh: JMH wrote no results (exit status $jmh_rc)" >&2; exit 1; }

if [ "${UNROLL_BENCH_TORCH-1}" != 0 ] && [ -f "$PEER" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    # The peer's docstring gives its best environment here: OpenBLAS's AVX-512 kernels (unset the Haswell
    # override), passive OpenMP waiting and tcmalloc (glibc malloc page-faults on large tensors).
    env_args=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE)
    tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
    [ -f "$tcmalloc" ] && env_args+=("LD_PRELOAD=$tcmalloc")
    for dt in $torch_dtypes; do
        echo "run.sh: PyTorch peer ($dt): $PEER ${torch_args[*]-}" >&2
        env "${env_args[@]}" /usr/bin/python3 "$PEER" --dtype "$dt" ${torch_args[@]+"${torch_args[@]}"} \
            | tee -a "$TORCH_OUT" >&2 || echo "run.sh: the PyTorch peer failed ($dt); reporting without it" >&2
    done
else
    echo "run.sh: no PyTorch peer (UNROLL_BENCH_TORCH=0, no $PEER, or /usr/bin/python3 lacks torch)" >&2
fi

echo
[ "$quick" = 1 ] && echo "Smoke run (--quick): the figures below are not steady state; run without --quick for them."
"$JAVA" -cp "$JAR" dev.unroll.bench.BenchReport "$RESULTS" "$TORCH_OUT"
echo
if [ -s "$TORCH_OUT" ]; then
    echo "Raw results: ${RESULTS#"$ROOT"/} (JMH), ${TORCH_OUT#"$ROOT"/} (PyTorch)"
else
    echo "Raw results: ${RESULTS#"$ROOT"/} (JMH)"
fi
exit "$jmh_rc"
