/**
 * Unroll's Vector API backend ({@code cpu-vector}). The Vector API is a static dependency: the module loads
 * without it, and the provider then reports itself unavailable naming {@code --add-modules jdk.incubator.vector}.
 */
module dev.unroll.cpu {
    requires dev.unroll.engine;
    requires static jdk.incubator.vector;
    requires java.management;

    provides dev.unroll.engine.spi.BackendProvider with dev.unroll.cpu.VectorProvider;
}
