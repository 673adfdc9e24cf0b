/**
 * Unroll's solvers: Lasso problems and data, ISTA/FISTA/oracle ISTA, unrolled networks and their training,
 * model files and the encoding service, all on the backend SPI of {@code dev.unroll.engine}. It needs no
 * java.desktop: reports, plots and the reproduction experiments are in {@code dev.unroll.reproductions}.
 */
module dev.unroll.solvers {
    requires transitive dev.unroll.engine;

    exports dev.unroll.solvers;
    exports dev.unroll.solvers.data;
    exports dev.unroll.solvers.io;
    exports dev.unroll.solvers.iterative;
    exports dev.unroll.solvers.network;
    exports dev.unroll.solvers.service;
    exports dev.unroll.solvers.training;
    exports dev.unroll.solvers.gradients;
    exports dev.unroll.solvers.jacobian;
    exports dev.unroll.solvers.dictionary;
    exports dev.unroll.solvers.tv;
}
