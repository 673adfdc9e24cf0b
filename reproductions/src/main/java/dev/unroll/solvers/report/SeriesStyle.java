package dev.unroll.solvers.report;

import dev.unroll.engine.InvalidArgumentException;
import java.awt.Color;
import java.util.Objects;

/**
 * How a {@link LinePlot} series is drawn. {@code color} null means "the next colour of the plot's palette";
 * a dashed line with hollow markers is the convention for reference values taken from a paper.
 *
 * @param color the line and marker colour, or null for automatic
 * @param dashed whether the line is dashed
 * @param marker the marker shape
 * @param hollow whether markers are outlines (white inside) rather than filled
 * @param lineWidth line width in pixels at the default 1000×650 size (scaled with the image), &gt; 0
 */
public record SeriesStyle(Color color, boolean dashed, Marker marker, boolean hollow, float lineWidth) {
    /** Checks the marker and the width. */
    public SeriesStyle {
        Objects.requireNonNull(marker, "marker");
        if (!(lineWidth > 0) || !Float.isFinite(lineWidth)) {
            throw new InvalidArgumentException("line width must be a positive number of "
                    + "pixels, got " + lineWidth);
        }
    }

    /** Solid line, filled circles, automatic colour: the default for computed results. */
    public static SeriesStyle solid() {
        return new SeriesStyle(null, false, Marker.CIRCLE, false, 2.2f);
    }

    /** Dashed line, hollow squares, automatic colour: the default for a paper's reference values. */
    public static SeriesStyle dashedReference() {
        return new SeriesStyle(null, true, Marker.SQUARE, true, 1.8f);
    }

    /** This style in another colour. */
    public SeriesStyle withColor(Color c) {
        return new SeriesStyle(c, dashed, marker, hollow, lineWidth);
    }

    /** This style with another marker. */
    public SeriesStyle withMarker(Marker m) {
        return new SeriesStyle(color, dashed, m, hollow, lineWidth);
    }

    /** This style dashed or solid. */
    public SeriesStyle withDashed(boolean d) {
        return new SeriesStyle(color, d, marker, hollow, lineWidth);
    }
}
