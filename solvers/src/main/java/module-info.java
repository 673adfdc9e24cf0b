/**
 * Unroll's solvers: Lasso problems and data, ISTA/FISTA/oracle ISTA, unrolled networks and their training,
 * model files, reports and the reproduction experiments, all on the backend SPI of {@code dev.unroll.engine}.
 */
module dev.unroll.solvers {
    requires transitive dev.unroll.engine;
    requires java.desktop; // PNG plots through java.awt / javax.imageio

    exports dev.unroll.solvers;
    exports dev.unroll.solvers.data;
    exports dev.unroll.solvers.io;
    exports dev.unroll.solvers.iterative;
    exports dev.unroll.solvers.network;
    exports dev.unroll.solvers.report;
    exports dev.unroll.solvers.service;
    exports dev.unroll.solvers.training;
    exports dev.unroll.solvers.experiments;
    exports dev.unroll.solvers.gradients;
    exports dev.unroll.solvers.jacobian;
    exports dev.unroll.solvers.dictionary;
    exports dev.unroll.solvers.tv;
}
