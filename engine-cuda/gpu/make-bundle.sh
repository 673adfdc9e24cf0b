#!/usr/bin/env bash
# make-bundle.sh - on the machine with JDK 25 and Maven (nvcc, gcc and nm optional): packs everything the CUDA
# check needs into the git-ignored folder .gpu-bundle/ at the repository root, for a GPU machine that has a
# driver, CUDA libraries and Python but no Java, Maven or network. Then, on the GPU machine, from the
# repository root: bash .gpu-bundle/run-gpu.sh (see engine-cuda/README.md for the full command).
#
#   jre.tar.gz     a jlinked Java 25 runtime with the modules the tests, the smoke check and JMH use (~20 MiB)
#   lib/           engine-cuda's jar with its runtime and test dependencies (JCuda's natives jars left out)
#   test-classes/  engine-cuda's compiled tests
#   tools/         the JUnit platform console launcher
#   natives/       JCuda's linux-x86_64 libraries, unpacked (loaded through -Djava.library.path)
#   kernels/       kernel images compiled here by kernels/build-kernels.sh when nvcc exists; without nvcc the
#                  folder stays empty and the images committed in the kernels jar are used
#   shim/          the libcublas.so.12 forwarding shim (engine-cuda/gpu/cublas12-shim.sh), prebuilt when gcc exists
#   peers/         the PyTorch peer, bench/peers/torch_unrolled.py with torch_common.py (--device cuda)
#   run-gpu.sh     the one command for the GPU machine
#
# Env: BUNDLE (default <root>/.gpu-bundle)  JDK25 (default JAVA_HOME)
#      BENCH_JAR (a benchmarks jar to carry, e.g. bench/target/benchmarks.jar)  MAX_BUNDLE_MIB (default 52)
#      M2 (the local Maven repository, default ~/.m2/repository)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/engine-cuda/gpu
JDK25=${JDK25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
BUNDLE=${BUNDLE:-$ROOT/.gpu-bundle}
MAX_BUNDLE_MIB=${MAX_BUNDLE_MIB:-52}
M2=${M2:-$HOME/.m2/repository}
MODULES=java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector,jdk.zipfs,java.xml,java.sql,jdk.jfr
export JAVA_HOME=$JDK25
MVN=(mvn -q -B -ntp)

pom_property() {
    # The value of <NAME>…</NAME> in the root pom (the versions live there and only there).
    sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1
}
JCUDA_VERSION=$(pom_property jcuda.version)
JUNIT_VERSION=$(pom_property junit.version)
CONSOLE=org.junit.platform:junit-platform-console-standalone:1.${JUNIT_VERSION#5.}

cd "$ROOT"
rm -rf "$BUNDLE"
mkdir -p "$BUNDLE"/{lib,natives,kernels,shim,tools,peers}

echo "== engine-cuda and what it needs (one reactor build: nothing is installed into $M2)"
goals=(dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$BUNDLE/lib"
    -DexcludeArtifactIds=jcuda-natives,jcublas-natives
    -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian)
"${MVN[@]}" -pl engine-cuda -am -DskipTests package "${goals[@]}"
find engine-cuda/target -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' \
    -exec cp {} "$BUNDLE/lib/" \;
cp -r engine-cuda/target/test-classes "$BUNDLE/test-classes"
"${MVN[@]}" dependency:copy -Dartifact="$CONSOLE" -DoutputDirectory="$BUNDLE/tools"
mv "$BUNDLE"/tools/junit-platform-console-standalone-*.jar "$BUNDLE/tools/junit-platform-console-standalone.jar"

echo "== JCuda $JCUDA_VERSION natives"
for artifact in jcuda-natives jcublas-natives; do
    jar=$M2/org/jcuda/$artifact/$JCUDA_VERSION/$artifact-$JCUDA_VERSION-linux-x86_64.jar
    [ -f "$jar" ] || { echo "missing $jar (the build above downloads it)" >&2; exit 1; }
    unzip -o -q -j "$jar" 'lib/libJCudaDriver-*' 'lib/libJCudaRuntime-*' 'lib/libJCublas2-*' -d "$BUNDLE/natives" \
        2>/dev/null || true
done

echo "== Java runtime ($MODULES)"
"$JDK25/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress zip-0 \
    --output "$BUNDLE/.jre" 2>&1 | grep -v 'incubator modules' || true
"$BUNDLE/.jre/bin/java" -version 2>&1 | head -n 1
tar -C "$BUNDLE/.jre" -cf - . | gzip -9 > "$BUNDLE/jre.tar.gz"
rm -rf "$BUNDLE/.jre"

echo "== kernels"
if command -v "${NVCC:-nvcc}" >/dev/null; then
    kernels/build-kernels.sh "$BUNDLE/kernels"
else
    echo "no nvcc here: the GPU check uses the kernel images committed in the kernels jar"
fi

echo "== libcublas.so.12 shim"
if command -v nm >/dev/null; then
    "$HERE/cublas12-shim.sh" "$(ls "$BUNDLE"/natives/libJCublas2-*.so | head -n 1)" "$BUNDLE/shim"
    if command -v gcc >/dev/null; then
        (cd "$BUNDLE/shim" && gcc -O2 -shared -fPIC -o libcublas.so.12 cublas12_shim.c -Wl,-soname,libcublas.so.12 \
            -Wl,--version-script=libcublas12.map -ldl)
    fi
else
    echo "no nm here (binutils): no shim; the JCublas2 binding cannot be checked on a CUDA-13-only host"
fi

echo "== PyTorch peer"
cp bench/peers/torch_unrolled.py bench/peers/torch_common.py "$BUNDLE/peers/"
if [ -n "${BENCH_JAR:-}" ]; then
    cp "$BENCH_JAR" "$BUNDLE/lib/zz-benchmarks.jar"
fi
cp "$HERE/run-gpu.sh" "$BUNDLE/run-gpu.sh"

size=$(du -sb "$BUNDLE" | cut -f1)
du -sh "$BUNDLE"/* | sort -h
printf 'bundle %.1f MiB (the limit is %d MiB)\n' "$(echo "$size / 1048576" | bc -l)" "$MAX_BUNDLE_MIB"
[ "$size" -le $((MAX_BUNDLE_MIB * 1048576)) ] || { echo "the bundle is too large" >&2; exit 1; }
