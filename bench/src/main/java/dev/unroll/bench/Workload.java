package dev.unroll.bench;

/**
 * One timed operation of a benchmark, whoever computes it: an Unroll backend or a peer library. A benchmark
 * builds one in its trial set-up and calls {@link #run()} once per JMH operation; JMH runs every parameter
 * combination in its own fork, so only one implementation is loaded per JVM and the interface call stays
 * monomorphic (inlined), as a direct call would be.
 */
public interface Workload extends AutoCloseable {
    /**
     * Runs the operation once.
     *
     * @return something that depends on the result, which the benchmark returns so JMH consumes it
     */
    Object run();

    /** Frees what the workload holds (native memory, backend matrices). */
    @Override
    void close();

    /**
     * A workload from an operation and what frees its memory.
     *
     * @param operation one operation, returning something that depends on its result
     * @param resources closed in order by {@link #close()}
     */
    static Workload of(java.util.function.Supplier<Object> operation, AutoCloseable... resources) {
        return new Workload() {
            @Override
            public Object run() {
                return operation.get();
            }

            @Override
            public void close() {
                BenchSupport.closeAll(resources);
            }
        };
    }
}
