/**
 * Results for people: CSV files ({@link dev.unroll.solvers.report.Csv}), fixed-width console tables
 * ({@link dev.unroll.solvers.report.TextTable}) and PNG line plots ({@link dev.unroll.solvers.report.LinePlot}),
 * drawn with the JDK alone (headless Java2D and ImageIO) and written atomically.
 */
package dev.unroll.solvers.report;
