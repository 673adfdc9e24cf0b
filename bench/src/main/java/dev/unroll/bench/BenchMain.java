package dev.unroll.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark jar's entry point: JMH's own command line ({@code org.openjdk.jmh.Main}), except that the
 * JVM arguments a user passes ({@code -jvmArgs}, {@code -jvmArgsAppend}, {@code -jvmArgsPrepend}) are all
 * handed to JMH as {@code -jvmArgsPrepend}.
 *
 * <p>Why: every benchmark puts its own fork flags ({@code --add-modules jdk.incubator.vector}, the heap,
 * {@code --enable-native-access}) in {@code @Fork(jvmArgsAppend)}, and JMH lets a command-line option of
 * the same kind replace the annotation's list, not add to it. {@code -jvmArgsAppend -Dunroll.threads=1}
 * then dropped the Vector API module and every cpu-vector benchmark failed with "jdk.incubator.vector is not
 * readable". A prepended list is the one kind no benchmark sets, so the user's flags land before the
 * benchmark's and both survive; a later {@code -D} of the same name still wins, as the user expects.
 */
public final class BenchMain {
    private static final List<String> JVM_ARG_OPTIONS = List.of("-jvmArgsPrepend", "-jvmArgs", "-jvmArgsAppend");

    private BenchMain() {
    }

    /** Runs JMH with {@link #keepBenchmarkJvmArgs}'s rewrite of {@code args}. */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(keepBenchmarkJvmArgs(List.of(args)).toArray(String[]::new));
    }

    /**
     * JMH arguments with every JVM-argument option merged into one {@code -jvmArgsPrepend}, in the order
     * prepend, plain, append (the order JMH itself would put them in), placed where the first of them was.
     * Both {@code -jvmArgs VALUE} and {@code -jvmArgs=VALUE} are understood; JMH splits VALUE on blanks.
     *
     * @throws IllegalArgumentException when one of those options comes last, without its value
     */
    public static List<String> keepBenchmarkJvmArgs(List<String> args) {
        List<String> out = new ArrayList<>();
        List<List<String>> values = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int at = -1;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String option = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            int kind = JVM_ARG_OPTIONS.indexOf(option);
            if (kind < 0) {
                out.add(a);
                continue;
            }
            String value;
            if (a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException(option + " needs a value, e.g. " + option + " -Dunroll.threads=1");
            }
            if (at < 0) {
                at = out.size();
            }
            values.get(kind).add(value.strip());
        }
        if (at >= 0) {
            String merged = String.join(" ", values.stream().flatMap(List::stream).filter(v -> !v.isEmpty()).toList());
            out.addAll(at, List.of("-jvmArgsPrepend", merged));
        }
        return out;
    }
}
