#!/usr/bin/env bash
# Builds Unroll's runtime image: a Java runtime trimmed by jlink to the modules the command needs, the command's
# jars and a bin/unroll launcher, packed as cli/target/unroll-VERSION-OS-ARCH.tar.gz. Unpacked anywhere, it runs
# `bin/unroll ...` with no JDK on the machine.
#
#   cli/make-image.sh            (normally through `./unroll dist`, which builds the jars first and sets JAVA_HOME)
#
# Needs JAVA_HOME = a JDK 25+ with jlink, and cli/target/unroll-cli.jar with cli/target/lib/ (mvn -pl cli -am
# package). The modules are what jdeps finds in those jars, so a command that starts using another JDK module
# (java.net.http, jdk.httpserver, ...) gets it without a change here.
set -euo pipefail

CLI=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET=$CLI/target
ROOT=$(dirname "$CLI")

die() {
    printf 'make-image: %s\n' "$*" >&2
    exit 1
}

without_incubator_warning() {
    # Runs "$@" with the JDK's "Using incubator modules" line dropped from its output (jdeps prints it on stderr,
    # jlink on stdout, once they see jdk.incubator.vector); everything else is kept, on the stream it came on.
    local out err rc=0
    out=$(mktemp "${TMPDIR:-/tmp}/make-image.XXXXXX")
    err=$(mktemp "${TMPDIR:-/tmp}/make-image.XXXXXX")
    "$@" >"$out" 2>"$err" || rc=$?
    grep -v '^WARNING: Using incubator modules' "$out" || true
    grep -v '^WARNING: Using incubator modules' "$err" >&2 || true
    rm -f "$out" "$err"
    return "$rc"
}

[ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/jlink" ] && [ -x "$JAVA_HOME/bin/jdeps" ] \
    || die "JAVA_HOME must be a JDK 25+ with jlink and jdeps (it is '${JAVA_HOME-}')"
[ -f "$TARGET/unroll-cli.jar" ] && [ -d "$TARGET/lib" ] \
    || die "build the command first: mvn -pl cli -am -DskipTests package (or ./unroll dist, which does)"

# The project's version: the first <version> of the root pom is its own (the root pom has no parent).
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -n 1)
[ -n "$VERSION" ] || die "cannot read the version from $ROOT/pom.xml"
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m)
NAME=unroll-$VERSION-$OS-$ARCH
WORK=$TARGET/image
IMAGE=$WORK/$NAME
ARCHIVE=$TARGET/$NAME.tar.gz
rm -rf "$WORK" "$ARCHIVE"
mkdir -p "$WORK"

JARS=("$TARGET/unroll-cli.jar" "$TARGET"/lib/*.jar)

# The JDK modules the jars use. jdk.incubator.vector is named as well: the cpu-vector backend reads it as
# `requires static`, and an image without it would quietly fall back to the slower reference backend.
printf 'make-image: finding the JDK modules the command uses (jdeps)...\n' >&2
MODULES=$(without_incubator_warning "$JAVA_HOME/bin/jdeps" --multi-release "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = //p')" --ignore-missing-deps --print-module-deps "${JARS[@]}")
case ,$MODULES, in
    *,jdk.incubator.vector,*) ;;
    *) MODULES=$MODULES,jdk.incubator.vector ;;
esac
printf 'make-image: modules %s\n' "$MODULES" >&2

# --strip-debug etc.: a runtime for running the command, not for debugging the JDK. zip-6 is jlink's default level
# of compression for the modules file; the tar.gz then gains little on it.
without_incubator_warning "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages \
    --no-header-files --compress=zip-6 --output "$IMAGE"

mkdir -p "$IMAGE/app/lib"
cp "$TARGET/unroll-cli.jar" "$IMAGE/app/"
cp "$TARGET"/lib/*.jar "$IMAGE/app/lib/"
cp "$CLI/src/dist/bin/unroll" "$IMAGE/bin/unroll"
chmod 755 "$IMAGE/bin/unroll"
printf 'Unroll %s runtime image (%s-%s): Java %s (modules %s) and the unroll command.\nRun bin/unroll help.\n' \
    "$VERSION" "$OS" "$ARCH" "$("$IMAGE/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.runtime\.version = //p')" "$MODULES" >"$IMAGE/UNROLL-IMAGE.txt"

tar -C "$WORK" -czf "$ARCHIVE" "$NAME"
printf 'make-image: %s (%s; unpacked %s)\n' "${ARCHIVE#"$ROOT"/}" "$(du -h "$ARCHIVE" | cut -f1)" \
    "$(du -sh "$IMAGE" | cut -f1)" >&2
printf '%s\n' "$ARCHIVE"
