package dev.unroll.solvers.report;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.solvers.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A line plot rendered to PNG with the JDK alone (Java2D, headless): several named series of (x, y) points
 * with lines and markers, optional log-scale axes, axis labels, a title, a legend, ticks at nice values
 * (1, 2, 5 × 10^k; whole decades labelled {@code 1e-8 … 1e0} on a log axis), automatic or fixed ranges,
 * reference lines and shaded bands (e.g. the range 1/L … 2/L of step sizes), and dashed "paper" series.
 *
 * <pre>{@code
 * new LinePlot().title("Lasso, n=64 m=256").xLabel("layers T").yLabel("F(z_T) − F*").logY(true)
 *     .series("ISTA", t, ista)
 *     .series("LISTA", t, lista)
 *     .reference("LISTA (paper)", tPaper, listaPaper, "LISTA")
 *     .write(Path.of("target/loss.png"));
 * }</pre>
 *
 * <p>Points that cannot be shown (NaN, ±∞, or ≤ 0 on a log axis) are skipped and break the line there.
 * The legend goes to the inside corner that covers the fewest points. The default size is 1000×650
 * pixels; fonts and strokes scale with the size.
 */
public final class LinePlot {
    static {
        // No display on servers and CI: Java2D must not look for one. Only takes effect when set before the
        // first AWT use, which for this module is here.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** matplotlib's "tab10": distinct, colour-blind-aware and familiar from the papers' figures. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };
    private static final Marker[] MARKERS = {Marker.CIRCLE, Marker.SQUARE, Marker.TRIANGLE, Marker.DIAMOND};
    private static final Color REFERENCE_LINE = new Color(0x555555);
    private static final Color BAND = new Color(0xff, 0xa5, 0x00, 60);
    private static final Color GRID = new Color(0xe3, 0xe3, 0xe3);

    private record Series(String name, double[] x, double[] y, SeriesStyle style) {
    }

    private record RefLine(boolean horizontal, double value, String label) {
    }

    private record Band(boolean horizontal, double lo, double hi, String label) {
    }

    private int width = 1000;
    private int height = 650;
    private String title = "";
    private String xLabel = "";
    private String yLabel = "";
    private boolean logX;
    private boolean logY;
    private double xLo = Double.NaN;
    private double xHi = Double.NaN;
    private double yLo = Double.NaN;
    private double yHi = Double.NaN;
    private final List<Series> series = new ArrayList<>();
    private final List<RefLine> lines = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();

    /** An empty 1000×650 plot. */
    public LinePlot() {
    }

    /**
     * Sets the image size in pixels.
     *
     * @throws InvalidArgumentException unless 200 ≤ width, height ≤ 10000
     */
    public LinePlot size(int width, int height) {
        if (width < 200 || height < 200 || width > 10_000 || height > 10_000) {
            throw new InvalidArgumentException("plot size must be between 200 and 10000 pixels each way, got "
                    + width + "×" + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** Sets the title drawn above the plot (empty for none). */
    public LinePlot title(String title) {
        this.title = Objects.requireNonNullElse(title, "");
        return this;
    }

    /** Sets the label under the x axis. */
    public LinePlot xLabel(String label) {
        this.xLabel = Objects.requireNonNullElse(label, "");
        return this;
    }

    /** Sets the label beside the y axis. */
    public LinePlot yLabel(String label) {
        this.yLabel = Objects.requireNonNullElse(label, "");
        return this;
    }

    /** Makes the x axis logarithmic (base 10) or linear. */
    public LinePlot logX(boolean log) {
        this.logX = log;
        return this;
    }

    /** Makes the y axis logarithmic (base 10) or linear. */
    public LinePlot logY(boolean log) {
        this.logY = log;
        return this;
    }

    /**
     * Fixes the y range instead of fitting it to the data; points outside are clipped.
     *
     * @throws InvalidArgumentException unless lo &lt; hi, both finite (and both &gt; 0 if the y axis is
     *     log when the plot is drawn)
     */
    public LinePlot yRange(double lo, double hi) {
        checkRange("y", lo, hi);
        yLo = lo;
        yHi = hi;
        return this;
    }

    /**
     * Fixes the x range instead of fitting it to the data; points outside are clipped.
     *
     * @throws InvalidArgumentException unless lo &lt; hi, both finite
     */
    public LinePlot xRange(double lo, double hi) {
        checkRange("x", lo, hi);
        xLo = lo;
        xHi = hi;
        return this;
    }

    private static void checkRange(String axis, double lo, double hi) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
            throw new InvalidArgumentException(axis + " range must be finite with lo < hi, got [" + lo + ", " + hi
                    + "]");
        }
    }

    /** Adds a series drawn with the default style: solid line, the next palette colour and marker. */
    public LinePlot series(String name, double[] x, double[] y) {
        return series(name, x, y, SeriesStyle.solid().withMarker(MARKERS[series.size() % MARKERS.length]));
    }

    /**
     * Adds a series of points (x[i], y[i]), joined in the given order.
     *
     * @throws InvalidArgumentException when the name is null or x and y differ in length
     */
    public LinePlot series(String name, double[] x, double[] y, SeriesStyle style) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(style, "style");
        if (name == null) {
            throw new InvalidArgumentException("a series needs a name for the legend");
        }
        if (x.length != y.length) {
            throw new InvalidArgumentException("series '" + name + "' has " + x.length + " x values but "
                    + y.length + " y values; give one y per x");
        }
        Color c = style.color() != null ? style.color() : PALETTE[series.size() % PALETTE.length];
        series.add(new Series(name, x.clone(), y.clone(), style.withColor(c)));
        return this;
    }

    /**
     * Adds reference values (typically a paper's) in the colour of the series {@code sameColorAs}, dashed
     * with hollow markers, so "ours" and "paper" read as a pair.
     *
     * @throws InvalidArgumentException when no series of that name was added before
     */
    public LinePlot reference(String name, double[] x, double[] y, String sameColorAs) {
        Series match = series.stream().filter(s -> s.name.equals(sameColorAs)).findFirst()
                .orElseThrow(() -> new InvalidArgumentException("reference '" + name + "' should take the colour of "
                        + "series '" + sameColorAs + "', but there is no such series; add it first (series: "
                        + series.stream().map(Series::name).toList() + ")"));
        return series(name, x, y, SeriesStyle.dashedReference().withColor(match.style.color())
                .withMarker(match.style.marker() == Marker.NONE ? Marker.NONE : match.style.marker()));
    }

    /** Adds a dashed horizontal line at {@code y}, listed in the legend when {@code label} is not empty. */
    public LinePlot horizontalLine(double y, String label) {
        lines.add(new RefLine(true, finite("horizontal line", y), Objects.requireNonNullElse(label, "")));
        return this;
    }

    /** Adds a dashed vertical line at {@code x}, listed in the legend when {@code label} is not empty. */
    public LinePlot verticalLine(double x, String label) {
        lines.add(new RefLine(false, finite("vertical line", x), Objects.requireNonNullElse(label, "")));
        return this;
    }

    /**
     * Shades the horizontal band lo ≤ y ≤ hi across the plot (e.g. step sizes between 1/L and 2/L).
     *
     * @throws InvalidArgumentException unless lo ≤ hi, both finite
     */
    public LinePlot horizontalBand(double lo, double hi, String label) {
        checkBand(lo, hi);
        bands.add(new Band(true, lo, hi, Objects.requireNonNullElse(label, "")));
        return this;
    }

    /**
     * Shades the vertical band lo ≤ x ≤ hi over the plot's height.
     *
     * @throws InvalidArgumentException unless lo ≤ hi, both finite
     */
    public LinePlot verticalBand(double lo, double hi, String label) {
        checkBand(lo, hi);
        bands.add(new Band(false, lo, hi, Objects.requireNonNullElse(label, "")));
        return this;
    }

    private static void checkBand(double lo, double hi) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
            throw new InvalidArgumentException("a band needs finite bounds with lo ≤ hi, got [" + lo + ", " + hi
                    + "]");
        }
    }

    private static double finite(String what, double v) {
        if (!Double.isFinite(v)) {
            throw new InvalidArgumentException(what + " must be at a finite value, got " + v);
        }
        return v;
    }

    /**
     * Renders the plot and writes it as PNG, atomically.
     *
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public void write(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        BufferedImage image = render();
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("this JDK has no PNG writer in javax.imageio");
            }
        });
    }

    /**
     * Renders the plot into a new RGB image.
     *
     * @throws InvalidArgumentException when a fixed range is not positive on a log axis
     */
    public BufferedImage render() {
        Axis xAxis = axis(true);
        Axis yAxis = axis(false);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            new Renderer(g, xAxis, yAxis).draw();
        } finally {
            g.dispose();
        }
        return image;
    }

    private Axis axis(boolean x) {
        boolean log = x ? logX : logY;
        double fixedLo = x ? xLo : yLo;
        double fixedHi = x ? xHi : yHi;
        if (log && !Double.isNaN(fixedLo) && !(fixedLo > 0)) {
            throw new InvalidArgumentException((x ? "x" : "y") + " range [" + fixedLo + ", " + fixedHi + "] is not "
                    + "positive, but the " + (x ? "x" : "y") + " axis is logarithmic; give a range above 0");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                double u = s.x[i];
                double v = s.y[i];
                if (ok(u, logX) && ok(v, logY)) { // a point counts only if it can be drawn at all
                    double w = x ? u : v;
                    min = Math.min(min, w);
                    max = Math.max(max, w);
                }
            }
        }
        for (RefLine l : lines) {
            if (l.horizontal != x && ok(l.value, log)) {
                min = Math.min(min, l.value);
                max = Math.max(max, l.value);
            }
        }
        for (Band b : bands) {
            if (b.horizontal != x) {
                for (double v : new double[] {b.lo, b.hi}) {
                    if (ok(v, log)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        return Axis.of(log, min, max, fixedLo, fixedHi);
    }

    private static boolean ok(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** Draws one image; holds the layout computed from the fonts. */
    private final class Renderer {
        private final Graphics2D g;
        private final Axis xAxis;
        private final Axis yAxis;
        private final float scale;
        private final Font tickFont;
        private final Font labelFont;
        private final Font titleFont;
        private final Font legendFont;
        private int left;
        private int top;
        private int plotW;
        private int plotH;

        Renderer(Graphics2D g, Axis xAxis, Axis yAxis) {
            this.g = g;
            this.xAxis = xAxis;
            this.yAxis = yAxis;
            this.scale = Math.min(width / 1000f, height / 650f);
            this.tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(15 * scale));
            this.labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(17 * scale));
            this.titleFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.round(20 * scale));
            this.legendFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(15 * scale));
        }

        void draw() {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            layout();
            drawGridAndTicks();
            Shape oldClip = g.getClip();
            g.clipRect(left, top, plotW + 1, plotH + 1);
            drawBands();
            drawLines();
            for (Series s : series) {
                drawSeries(s);
            }
            g.setClip(oldClip);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f * scale));
            g.draw(new Rectangle2D.Double(left, top, plotW, plotH));
            drawTitleAndLabels();
            drawLegend();
        }

        /** Margins from the text sizes: tick labels and axis labels left and below, the title above. */
        private void layout() {
            FontMetrics tm = g.getFontMetrics(tickFont);
            int tickW = 0;
            for (Axis.Tick t : yAxis.ticks()) {
                tickW = Math.max(tickW, tm.stringWidth(t.label()));
            }
            int pad = Math.round(10 * scale);
            int labelH = g.getFontMetrics(labelFont).getHeight();
            left = pad + (yLabel.isEmpty() ? 0 : labelH + pad) + tickW + pad;
            int bottom = pad + (xLabel.isEmpty() ? 0 : labelH + pad) + tm.getHeight() + pad;
            top = title.isEmpty() ? Math.round(20 * scale) : g.getFontMetrics(titleFont).getHeight() + 2 * pad;
            int right = Math.round(30 * scale);
            plotW = Math.max(10, width - left - right);
            plotH = Math.max(10, height - top - bottom);
        }

        // The axis range maps to the frame minus a small inset, so markers at the range's ends are not cut
        // in half by the frame (matplotlib's "margins").
        private double px(double x) {
            double inset = 12 * scale;
            return left + inset + xAxis.fraction(x) * (plotW - 2 * inset);
        }

        private double py(double y) {
            double inset = 12 * scale;
            return top + inset + (1 - yAxis.fraction(y)) * (plotH - 2 * inset);
        }

        private void drawGridAndTicks() {
            g.setFont(tickFont);
            FontMetrics fm = g.getFontMetrics();
            float tickLen = 6 * scale;
            for (Axis.Tick t : xAxis.ticks()) {
                double x = px(t.value());
                if (t.major()) {
                    g.setColor(GRID);
                    g.setStroke(new BasicStroke(1f * scale));
                    g.draw(new Line2D.Double(x, top, x, top + plotH));
                }
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1f * scale));
                double len = t.major() ? tickLen : tickLen / 2;
                g.draw(new Line2D.Double(x, top + plotH, x, top + plotH - len));
                if (!t.label().isEmpty()) {
                    int w = fm.stringWidth(t.label());
                    g.drawString(t.label(), (float) (x - w / 2.0), top + plotH + 4 * scale + fm.getAscent());
                }
            }
            for (Axis.Tick t : yAxis.ticks()) {
                double y = py(t.value());
                if (t.major()) {
                    g.setColor(GRID);
                    g.setStroke(new BasicStroke(1f * scale));
                    g.draw(new Line2D.Double(left, y, left + plotW, y));
                }
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1f * scale));
                double len = t.major() ? tickLen : tickLen / 2;
                g.draw(new Line2D.Double(left, y, left + len, y));
                if (!t.label().isEmpty()) {
                    int w = fm.stringWidth(t.label());
                    g.drawString(t.label(), left - 6 * scale - w,
                            (float) (y + (fm.getAscent() - fm.getDescent()) / 2.0));
                }
            }
        }

        private void drawBands() {
            g.setColor(BAND);
            for (Band b : bands) {
                Axis a = b.horizontal ? yAxis : xAxis;
                if (!a.accepts(b.lo) || !a.accepts(b.hi)) {
                    continue; // a band reaching ≤ 0 on a log axis has no place on it
                }
                if (b.horizontal) {
                    double y1 = py(b.hi);
                    double y2 = py(b.lo);
                    g.fill(new Rectangle2D.Double(left, y1, plotW, Math.max(1, y2 - y1)));
                } else {
                    double x1 = px(b.lo);
                    double x2 = px(b.hi);
                    g.fill(new Rectangle2D.Double(x1, top, Math.max(1, x2 - x1), plotH));
                }
            }
        }

        private void drawLines() {
            g.setColor(REFERENCE_LINE);
            g.setStroke(dashed(1.5f * scale));
            for (RefLine l : lines) {
                if (l.horizontal && yAxis.accepts(l.value)) {
                    g.draw(new Line2D.Double(left, py(l.value), left + plotW, py(l.value)));
                } else if (!l.horizontal && xAxis.accepts(l.value)) {
                    g.draw(new Line2D.Double(px(l.value), top, px(l.value), top + plotH));
                }
            }
        }

        private Stroke dashed(float w) {
            return new BasicStroke(w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {8 * scale, 5 * scale}, 0f);
        }

        private Stroke lineStroke(SeriesStyle st) {
            float w = st.lineWidth() * scale;
            return st.dashed() ? dashed(w)
                    : new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        }

        private void drawSeries(Series s) {
            SeriesStyle st = s.style;
            g.setColor(st.color());
            g.setStroke(lineStroke(st));
            Path2D.Double path = new Path2D.Double();
            boolean open = false;
            for (int i = 0; i < s.x.length; i++) {
                if (!xAxis.accepts(s.x[i]) || !yAxis.accepts(s.y[i])) {
                    open = false; // a point that cannot be shown breaks the line
                    continue;
                }
                double x = px(s.x[i]);
                double y = py(s.y[i]);
                if (open) {
                    path.lineTo(x, y);
                } else {
                    path.moveTo(x, y);
                    open = true;
                }
            }
            g.draw(path);
            for (int i = 0; i < s.x.length; i++) {
                if (xAxis.accepts(s.x[i]) && yAxis.accepts(s.y[i])) {
                    marker(st, px(s.x[i]), py(s.y[i]));
                }
            }
        }

        private void marker(SeriesStyle st, double x, double y) {
            if (st.marker() == Marker.NONE) {
                return;
            }
            double r = 4.2 * scale;
            Shape shape = switch (st.marker()) {
                case CIRCLE -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
                case SQUARE -> new Rectangle2D.Double(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
                case TRIANGLE -> polygon(new double[] {x, x + r * 1.1, x - r * 1.1},
                        new double[] {y - r * 1.2, y + r * 0.8, y + r * 0.8});
                case DIAMOND -> polygon(new double[] {x, x + r * 1.2, x, x - r * 1.2},
                        new double[] {y - r * 1.2, y, y + r * 1.2, y});
                case CROSS -> {
                    Path2D.Double p = new Path2D.Double();
                    p.moveTo(x - r, y - r);
                    p.lineTo(x + r, y + r);
                    p.moveTo(x - r, y + r);
                    p.lineTo(x + r, y - r);
                    yield p;
                }
                case NONE -> throw new AssertionError();
            };
            Stroke old = g.getStroke();
            g.setStroke(new BasicStroke(1.4f * scale));
            if (st.marker() != Marker.CROSS) {
                g.setColor(st.hollow() ? Color.WHITE : st.color());
                g.fill(shape);
            }
            g.setColor(st.color());
            g.draw(shape);
            g.setStroke(old);
        }

        private Shape polygon(double[] xs, double[] ys) {
            Path2D.Double p = new Path2D.Double();
            p.moveTo(xs[0], ys[0]);
            for (int i = 1; i < xs.length; i++) {
                p.lineTo(xs[i], ys[i]);
            }
            p.closePath();
            return p;
        }

        private void drawTitleAndLabels() {
            g.setColor(Color.BLACK);
            if (!title.isEmpty()) {
                g.setFont(titleFont);
                FontMetrics fm = g.getFontMetrics();
                int w = fm.stringWidth(title);
                float x = Math.max(2, left + (plotW - w) / 2f);
                g.drawString(title, x, Math.round(10 * scale) + fm.getAscent());
            }
            g.setFont(labelFont);
            FontMetrics fm = g.getFontMetrics();
            if (!xLabel.isEmpty()) {
                int w = fm.stringWidth(xLabel);
                g.drawString(xLabel, left + (plotW - w) / 2f, height - Math.round(10 * scale) - fm.getDescent());
            }
            if (!yLabel.isEmpty()) {
                int w = fm.stringWidth(yLabel);
                AffineTransform old = g.getTransform();
                g.translate(Math.round(10 * scale) + fm.getAscent(), top + (plotH + w) / 2.0);
                g.rotate(-Math.PI / 2);
                g.drawString(yLabel, 0, 0);
                g.setTransform(old);
            }
        }

        private void drawLegend() {
            List<Object> entries = new ArrayList<>();
            entries.addAll(series);
            for (Band b : bands) {
                if (!b.label.isEmpty()) {
                    entries.add(b);
                }
            }
            for (RefLine l : lines) {
                if (!l.label.isEmpty()) {
                    entries.add(l);
                }
            }
            if (entries.isEmpty()) {
                return;
            }
            g.setFont(legendFont);
            FontMetrics fm = g.getFontMetrics();
            double sample = 34 * scale;
            double pad = 8 * scale;
            double rowH = fm.getHeight() + 2 * scale;
            double textW = 0;
            for (Object e : entries) {
                textW = Math.max(textW, fm.stringWidth(label(e)));
            }
            double w = pad + sample + pad + textW + pad;
            double h = pad + rowH * entries.size() + pad - 2 * scale;
            Rectangle2D box = bestCorner(w, h);
            g.setColor(new Color(255, 255, 255, 225));
            g.fill(box);
            g.setColor(new Color(0xaaaaaa));
            g.setStroke(new BasicStroke(1f * scale));
            g.draw(box);
            double y = box.getY() + pad;
            for (Object e : entries) {
                double mid = y + rowH / 2;
                double x0 = box.getX() + pad;
                switch (e) {
                    case Series s -> {
                        g.setColor(s.style.color());
                        g.setStroke(lineStroke(s.style));
                        g.draw(new Line2D.Double(x0, mid, x0 + sample, mid));
                        marker(s.style, x0 + sample / 2, mid);
                    }
                    case Band b -> {
                        g.setColor(BAND);
                        g.fill(new Rectangle2D.Double(x0, mid - rowH * 0.3, sample, rowH * 0.6));
                    }
                    default -> {
                        g.setColor(REFERENCE_LINE);
                        g.setStroke(dashed(1.5f * scale));
                        g.draw(new Line2D.Double(x0, mid, x0 + sample, mid));
                    }
                }
                g.setColor(Color.BLACK);
                g.drawString(label(e), (float) (x0 + sample + pad),
                        (float) (mid + (fm.getAscent() - fm.getDescent()) / 2.0));
                y += rowH;
            }
        }

        private static String label(Object e) {
            return switch (e) {
                case Series s -> s.name;
                case Band b -> b.label;
                case RefLine l -> l.label;
                default -> "";
            };
        }

        /** The inside corner whose box covers the fewest drawn points (top right wins ties). */
        private Rectangle2D bestCorner(double w, double h) {
            double inset = 10 * scale;
            double[][] corners = {
                {left + plotW - inset - w, top + inset}, {left + inset, top + inset},
                {left + plotW - inset - w, top + plotH - inset - h}, {left + inset, top + plotH - inset - h},
            };
            Rectangle2D best = null;
            long bestCount = Long.MAX_VALUE;
            for (double[] c : corners) {
                Rectangle2D r = new Rectangle2D.Double(c[0], c[1], w, h);
                long count = 0;
                for (Series s : series) {
                    for (int i = 0; i < s.x.length; i++) {
                        if (xAxis.accepts(s.x[i]) && yAxis.accepts(s.y[i]) && r.contains(px(s.x[i]), py(s.y[i]))) {
                            count++;
                        }
                    }
                }
                if (count < bestCount) {
                    bestCount = count;
                    best = r;
                }
            }
            return best;
        }
    }
}
