package dev.unroll.bench.protocol;

import java.util.List;

/**
 * The {@code protocol} part of a campaign file: the reference training protocol (full-batch line search,
 * one shot over all layers) timed on Unroll and on PyTorch on the same data, and commands of the
 * {@code unroll} launcher timed whole.
 *
 * @param backend    the Unroll backend (named: it never falls back)
 * @param variants   parametrizations: {@code coupled}, {@code step}, {@code lista}
 * @param samples    training-set sizes N
 * @param dtypes     F64 and/or F32
 * @param threads    thread counts: numbers or {@code all}
 * @param layers     T
 * @param iterations accepted iterations timed (after one untimed accepted iteration)
 * @param lambda     λ
 * @param seed       the simulated problem's seed ({@code make_coding(…, random_state=seed)})
 * @param commands   launcher commands to time, e.g. {@code [["demo"], ["reproduce", "fig6-simulated-0.1"]]}
 */
public record ProtocolSettings(String backend, List<String> variants, List<Integer> samples, List<String> dtypes,
                               List<String> threads, int layers, int iterations, double lambda, long seed,
                               List<List<String>> commands) {
    /** Copies the lists. */
    public ProtocolSettings {
        variants = List.copyOf(variants);
        samples = List.copyOf(samples);
        dtypes = List.copyOf(dtypes);
        threads = List.copyOf(threads);
        commands = commands.stream().map(List::copyOf).toList();
    }
}
