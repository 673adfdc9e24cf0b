#!/usr/bin/env bash
# The one command for Unroll's benchmarks: builds bench/target/benchmarks.jar when needed, then either runs a
# campaign (a matrix of configurations from a JSON file, with peers, into CSV, Markdown and plots) or runs
# JMH directly (FMA peak, GEMM, unrolled forward and training step; cpu-vector and reference in the same
# run), the PyTorch peer when /usr/bin/python3 has torch, and prints BenchReport's tables.
#
#   bench/run.sh --campaign FILE [--out DIR] [--dry-run] [--verbose]    (or ./unroll bench ...)
#   bench/run.sh --quick                                                 the campaign bench/campaigns/quick.json
#   bench/run.sh [jmh args...]                                           JMH directly
#
# Run directly, it hands itself to ../unroll, which finds a JDK 25+ and builds the jar; the launcher then
# calls it back with UNROLL_BENCH_JAVA set.
set -euo pipefail

HERE=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR=$HERE/target/benchmarks.jar
RESULTS=$HERE/target/jmh-results.json
TORCH_OUT=$HERE/target/torch-results.jsonl
PEER=${UNROLL_TORCH_BENCH:-$HERE/peers/torch_unrolled.py}

# Full run: 3 forks (forks differ by up to 35 % on a shared 2-core VM); warm-up and measurement
# come from each benchmark's annotations (3 × 1 s warm-up, 5 × 1 s measurement; the unrolled networks warm
# up 5 × 2 s because C2 needs that long for their kernels). With every parameter this takes about
# 45 minutes on 2 cores; JMH_ARGS="-f 1" takes about a third of that.
FULL_ARGS="-f 3"
QUICK_CAMPAIGN=$HERE/campaigns/quick.json
INCUBATOR_WARNING='WARNING: Using incubator modules: jdk.incubator.vector'

usage() {
    cat <<USAGE
Usage: bench/run.sh --campaign FILE [--out DIR] [--dry-run] [--verbose]
       bench/run.sh --quick [--out DIR] [--dry-run] [--verbose]
       bench/run.sh [jmh args...]
(or ./unroll bench ... for each)

--campaign FILE        runs the matrix of configurations in FILE (JSON, see bench/README.md; examples in
                       bench/campaigns/: quick.json, paper.json, gpu.json) with the peers EJML and OpenBLAS
                       (and PyTorch when the campaign asks) in the same run, and writes into
                       bench/target/campaign-<name>-<timestamp>/ (or --out DIR): jmh-results.json,
                       results.csv, report.md (speed-ups between backends and against the peers) and plots/.
                       Backends and peers unavailable here are listed as skipped, with the reason.
  --dry-run            lists the configurations and exits
  --verbose            also prints JMH's own output
--quick                the campaign $QUICK_CAMPAIGN (about a minute; its figures are not steady state)

Without --campaign/--quick: runs the JMH benchmarks into bench/target/jmh-results.json, then the PyTorch
peer $PEER with 1 thread and one per CPU, with the newest PyTorch bench/peers/torch_python.sh finds (a venv
bench/target/torch-venv it makes from a local torch wheel, else Debian's /usr/bin/python3), into
bench/target/torch-results.jsonl,
then prints one table per benchmark: median time, GFLOP/s, samples/s, the speed-up over the reference
backend and the fraction of the FMA peak measured in the same run, and the ratio to PyTorch's samples/s.
  jmh args             appended to JMH's command line: a benchmark regex (e.g. GemmBenchmark),
                       -p name=v1,v2 to choose parameters (-p backend=ejml,openblas for the peers), -prof gc, ...

Environment:
  JMH_ARGS             replaces the default JMH settings ($FULL_ARGS) of a plain JMH run
  UNROLL_BENCH_TORCH   set to 0 to skip the PyTorch peer
  UNROLL_TORCH_BENCH   path of the PyTorch peer script (default: bench/peers/torch_unrolled.py)
  UNROLL_TORCH_PYTHON  the Python to run it with (default: the newest PyTorch torch_python.sh finds)
  TORCH_DTYPES         precisions the peer runs in a plain JMH run (default: "float32 float64")
  UNROLL_BENCH_OPENBLAS_CORETYPE
                       OPENBLAS_CORETYPE for the OpenBLAS peer (default: SkylakeX where the CPU has
                       AVX-512, Haswell where it has AVX2: Debian's OpenBLAS 0.3.21 does not know recent
                       CPUs such as Zen 5 and would fall back to its SSE3 "Prescott" kernels; set it empty
                       to leave OpenBLAS its own choice)

The reference backend is skipped where one operation costs more than 2^28 FLOPs (by default: GEMM k=256 at
batch 4096, and the unrolled networks beyond batch 16); pass -jvmArgs -Dunroll.bench.referenceMaxFlop=N
(campaigns: "jvmArgs") to change that. Backend settings go the same way, e.g. -jvmArgs -Dunroll.threads=1.
-jvmArgs, -jvmArgsAppend and -jvmArgsPrepend all add to the benchmarks' own fork flags (the Vector API
module, the heap): the jar hands them to JMH as one -jvmArgsPrepend.
USAGE
}

orig_args=("$@")
campaign=
campaign_args=()
jmh_extra=()
while [ "$#" -gt 0 ]; do
    case $1 in
        --quick) campaign=$QUICK_CAMPAIGN ;;
        --campaign)
            [ "$#" -ge 2 ] || { echo "run.sh: --campaign needs a file (e.g. $QUICK_CAMPAIGN)" >&2; exit 2; }
            campaign=$2
            shift ;;
        --out)
            [ "$#" -ge 2 ] || { echo "run.sh: --out needs a folder" >&2; exit 2; }
            campaign_args+=(--out "$2")
            shift ;;
        --dry-run | --verbose) campaign_args+=("$1") ;;
        -h | --help) usage; exit 0 ;;
        *) jmh_extra+=("$1") ;;
    esac
    shift
done
if [ -n "$campaign" ] && [ "${#jmh_extra[@]}" -gt 0 ]; then
    echo "run.sh: a campaign takes its settings from its file; unexpected arguments: ${jmh_extra[*]}" >&2
    exit 2
fi
if [ -z "$campaign" ] && [ "${#campaign_args[@]}" -gt 0 ]; then
    echo "run.sh: ${campaign_args[*]} only go with --campaign FILE or --quick" >&2
    exit 2
fi

if [ -z "${UNROLL_BENCH_JAVA-}" ]; then
    exec "$ROOT/unroll" bench ${orig_args[@]+"${orig_args[@]}"}
fi
JAVA=$UNROLL_BENCH_JAVA
[ -f "$JAR" ] || { echo "run.sh: $JAR is missing; run ./unroll bench, which builds it" >&2; exit 1; }

openblas_coretype() {
    # The OpenBLAS kernels to force: the user's choice, else the best family the CPU supports.
    if [ -n "${UNROLL_BENCH_OPENBLAS_CORETYPE+set}" ]; then
        printf '%s' "$UNROLL_BENCH_OPENBLAS_CORETYPE"
    elif grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
        printf 'SkylakeX'
    elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
        printf 'Haswell'
    fi
}

if [ -n "$campaign" ]; then
    coretype=$(openblas_coretype)
    if [ -n "$coretype" ]; then
        export OPENBLAS_CORETYPE=$coretype
    else
        unset OPENBLAS_CORETYPE
    fi
    unset OPENBLAS_L2_SIZE
    mkdir -p "$HERE/target"
    # The runner probes every backend, so it needs the Vector API module; the forks get their own flags
    # from each benchmark's @Fork. Its incubator warning and each fork's (JMH relays a fork's stderr to
    # stdout) are dropped, nothing else.
    rc=0
    "$JAVA" --sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector \
        --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.unroll.bench.campaign.CampaignMain \
        --campaign "$campaign" --out-root "$HERE/target" --torch-script "$PEER" --unroll "$ROOT/unroll" ${campaign_args[@]+"${campaign_args[@]}"} \
        > >(grep -v -x -F "$INCUBATOR_WARNING") 2> >(grep -v -x -F "$INCUBATOR_WARNING" >&2) || rc=$?
    wait    # for the filters to flush
    exit "$rc"
fi

defaults=${JMH_ARGS:-$FULL_ARGS}
torch_args=()
torch_dtypes=${TORCH_DTYPES:-float32 float64}
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

if [ "${UNROLL_BENCH_TORCH-1}" != 0 ] && [ -f "$PEER" ] && torch_python=$(bash "$HERE/peers/torch_python.sh"); then
    # The peer's best environment here: OpenBLAS's AVX-512 kernels, passive OpenMP waiting and tcmalloc
    # (glibc malloc page-faults on large tensors).
    # Debian's OpenBLAS 0.3.21 does not know recent CPUs and falls back to its SSE3 (Prescott) kernels when
    # OPENBLAS_CORETYPE is unset: PyTorch then ran at a third of its speed. It gets the same kernels as the
    # OpenBLAS peer.
    env_args=(-u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE)
    torch_coretype=$(openblas_coretype)
    if [ -n "$torch_coretype" ]; then
        env_args+=(OPENBLAS_CORETYPE="$torch_coretype")
    else
        env_args=(-u OPENBLAS_CORETYPE "${env_args[@]}")
    fi
    tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
    [ -f "$tcmalloc" ] && env_args+=("LD_PRELOAD=$tcmalloc")
    for dt in $torch_dtypes; do
        for threads in 1 "$(nproc)"; do
            echo "run.sh: PyTorch peer ($dt, $threads threads): $PEER ${torch_args[*]-}" >&2
            env "${env_args[@]}" "$torch_python" "$PEER" --dtype "$dt" --threads "$threads" ${torch_args[@]+"${torch_args[@]}"} \
                | tee -a "$TORCH_OUT" >&2 || echo "run.sh: the PyTorch peer failed ($dt); reporting without it" >&2
        done
    done
else
    echo "run.sh: no PyTorch peer (UNROLL_BENCH_TORCH=0, no $PEER, or no Python with torch: see above)" >&2
fi

echo
"$JAVA" -cp "$JAR" dev.unroll.bench.BenchReport "$RESULTS" "$TORCH_OUT"
echo
if [ -s "$TORCH_OUT" ]; then
    echo "Raw results: ${RESULTS#"$ROOT"/} (JMH), ${TORCH_OUT#"$ROOT"/} (PyTorch)"
else
    echo "Raw results: ${RESULTS#"$ROOT"/} (JMH)"
fi
exit "$jmh_rc"
