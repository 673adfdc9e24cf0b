/**
 * Unroll's reproductions: the papers' experiments ({@code dev.unroll.solvers.experiments}) and the reports they
 * write ({@code dev.unroll.solvers.report}: CSV, console tables, PNG plots), on top of the solvers library. The
 * packages keep their {@code dev.unroll.solvers.*} names; each lives whole in this module, none is split with
 * {@code dev.unroll.solvers}.
 */
module dev.unroll.reproductions {
    requires transitive dev.unroll.solvers;
    requires java.desktop; // PNG plots and the shipped test image through java.awt / javax.imageio

    exports dev.unroll.solvers.report;
    exports dev.unroll.solvers.experiments;
}
