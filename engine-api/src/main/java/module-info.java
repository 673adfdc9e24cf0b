/**
 * Unroll's engine API: the backend SPI, the validating front door ({@link dev.unroll.engine.Backend}),
 * backend discovery ({@link dev.unroll.engine.Backends}) and the plain-Java reference backend.
 */
module dev.unroll.engine {
    exports dev.unroll.engine;
    exports dev.unroll.engine.spi;

    uses dev.unroll.engine.spi.BackendProvider;

    provides dev.unroll.engine.spi.BackendProvider with dev.unroll.engine.reference.ReferenceProvider;
}
