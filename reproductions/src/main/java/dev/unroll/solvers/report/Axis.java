package dev.unroll.solvers.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One plot axis: its range in data units, linear or log10, the map to pixels and the tick positions with
 * their labels. Ranges are chosen from the data so that ticks fall at nice values: 1, 2 or 5 × 10^k on a
 * linear axis, whole decades on a log axis.
 */
final class Axis {
    /** A tick: its value, its label ("" for an unlabelled minor tick) and whether it is major. */
    record Tick(double value, String label, boolean major) {
    }

    final boolean log;
    final double lo;
    final double hi;
    private final double step; // linear major tick step; decades between labels on a log axis

    private Axis(boolean log, double lo, double hi, double step) {
        this.log = log;
        this.lo = lo;
        this.hi = hi;
        this.step = step;
    }

    /**
     * An axis covering [min, max] of the data (already filtered to finite, and positive on a log axis), or
     * exactly [fixedLo, fixedHi] when those are given (non-NaN).
     */
    static Axis of(boolean log, double min, double max, double fixedLo, double fixedHi) {
        boolean fixed = !Double.isNaN(fixedLo);
        if (log) {
            double a = fixed ? fixedLo : min;
            double b = fixed ? fixedHi : max;
            if (!(a > 0) || !Double.isFinite(b)) { // no data: one decade around 1
                a = 0.1;
                b = 1;
            }
            double la = Math.floor(Math.log10(a) + 1e-9);
            double lb = Math.ceil(Math.log10(b) - 1e-9);
            if (lb <= la) {
                la -= 1;
                lb += 1;
            }
            double decades = Math.max(1, Math.ceil((lb - la) / 10));
            if (fixed) {
                return new Axis(true, fixedLo, fixedHi, decades);
            }
            return new Axis(true, Math.pow(10, la), Math.pow(10, lb), decades);
        }
        double a = fixed ? fixedLo : min;
        double b = fixed ? fixedHi : max;
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            a = 0;
            b = 1;
        }
        if (a == b) {
            double pad = a == 0 ? 1 : Math.abs(a) * 0.1;
            a -= pad;
            b += pad;
        }
        double step = niceStep((b - a) / 6);
        if (fixed) {
            return new Axis(false, a, b, step);
        }
        return new Axis(false, Math.floor(a / step + 1e-9) * step, Math.ceil(b / step - 1e-9) * step, step);
    }

    /** The smallest of 1, 2, 5 × 10^k that is at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * p;
    }

    /** Whether a value can be shown on this axis at all (finite, and positive on a log axis). */
    boolean accepts(double v) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** The fraction 0..1 of the way from lo to hi (outside when v is out of range). */
    double fraction(double v) {
        if (log) {
            return (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        }
        return (v - lo) / (hi - lo);
    }

    /** The ticks inside the range, majors labelled. */
    List<Tick> ticks() {
        List<Tick> out = new ArrayList<>();
        double eps = 1e-9;
        if (!log) {
            long first = (long) Math.ceil(lo / step - eps);
            long last = (long) Math.floor(hi / step + eps);
            for (long k = first; k <= last; k++) {
                double v = k * step;
                out.add(new Tick(v, linearLabel(k == 0 ? 0 : v), true));
            }
            return out;
        }
        int first = (int) Math.floor(Math.log10(lo) + eps);
        int last = (int) Math.ceil(Math.log10(hi) - eps);
        int decadesInside = 0;
        for (int e = first; e <= last; e++) {
            double v = Math.pow(10, e);
            if (inside(v)) {
                decadesInside++;
            }
        }
        boolean fewDecades = decadesInside < 2;     // label 2 and 5 too, or the axis has one label
        boolean minors = (last - first) <= 8;       // 2..9 × 10^e ticks stay readable up to ~8 decades
        for (int e = first; e <= last; e++) {
            double decade = Math.pow(10, e);
            if (inside(decade)) {
                boolean labelled = Math.floorMod(e, (int) step) == 0;
                out.add(new Tick(decade, labelled ? decadeLabel(e) : "", labelled));
            }
            if (minors) {
                for (int m = 2; m <= 9; m++) {
                    double v = m * decade;
                    if (inside(v)) {
                        boolean label = fewDecades && (m == 2 || m == 5);
                        out.add(new Tick(v, label ? plain(v) : "", false));
                    }
                }
            }
        }
        return out;
    }

    private boolean inside(double v) {
        return v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
    }

    /** A decade's label, "1e-8" style, compact and unambiguous. */
    static String decadeLabel(int e) {
        return "1e" + e;
    }

    private static String plain(double v) {
        String s = TextTable.formatNumber(v);
        // 0.200 → 0.2 and 20.0 → 20, but never touch a whole number (200) or an exponent (2.00e-04).
        return s.contains(".") && !s.contains("e") ? s.replaceAll("\\.?0+$", "") : s;
    }

    private String linearLabel(double v) {
        double mag = Math.max(Math.abs(lo), Math.abs(hi));
        if (v == 0) {
            return "0";
        }
        if (mag >= 1e5 || step < 1e-4) {
            String s = String.format(Locale.ROOT, "%.2e", v);
            return s.replaceAll("\\.?0+e", "e"); // 2.50e-05 → 2.5e-05
        }
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
