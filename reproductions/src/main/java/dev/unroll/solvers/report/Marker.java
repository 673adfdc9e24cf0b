package dev.unroll.solvers.report;

/** The shape drawn at each data point of a {@link LinePlot} series. */
public enum Marker {
    /** A disc. */
    CIRCLE,
    /** A square. */
    SQUARE,
    /** A triangle pointing up. */
    TRIANGLE,
    /** A square turned by 45°. */
    DIAMOND,
    /** An × (never filled). */
    CROSS,
    /** No marker: the line only. */
    NONE
}
