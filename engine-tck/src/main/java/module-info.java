/**
 * Unroll's engine TCK: the conformance suite every backend runs ({@code dev.unroll.tck}), its fixtures and oracles
 * ({@code dev.unroll.tck.support}) and two deliberately unusable providers that test backend discovery
 * ({@code dev.unroll.tck.providers}). Open, because JUnit instantiates and calls the conformance classes
 * reflectively; JUnit's API is required transitively, since the suite's classes extend and annotate with it.
 * Backend modules run the suite on the class path (Surefire's dependenciesToScan), where
 * META-INF/services registers the same providers as the {@code provides} clause here.
 */
open module dev.unroll.tck {
    requires transitive dev.unroll.engine;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires java.logging; // SelectionConformance captures the discovery log through a java.util.logging handler

    exports dev.unroll.tck;
    exports dev.unroll.tck.providers;
    exports dev.unroll.tck.support;

    provides dev.unroll.engine.spi.BackendProvider with
            dev.unroll.tck.providers.UnavailableTestProvider,
            dev.unroll.tck.providers.BrokenProbeTestProvider;
}
