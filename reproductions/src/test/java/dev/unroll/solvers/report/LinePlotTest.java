package dev.unroll.solvers.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.engine.InvalidArgumentException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {
    @TempDir
    Path dir;

    private static double[] layers(int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i + 1;
        }
        return t;
    }

    private static double[] decay(int n, double rate, double start) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = start * Math.pow(rate, i);
        }
        return y;
    }

    @Test
    void logPlotRendersToPng() throws IOException {
        int n = 20;
        double[] t = layers(n);
        double[] ista = decay(n, 0.7, 1);
        double[] lista = decay(n, 0.4, 1);
        lista[5] = Double.NaN;   // skipped, breaks the line
        lista[6] = -1;           // not positive on a log axis: skipped
        lista[7] = 0;
        lista[8] = Double.POSITIVE_INFINITY;
        LinePlot plot = new LinePlot().title("Lasso n=64 m=256, λ=0.1").xLabel("layers T").yLabel("F(z_T) − F*")
                .logY(true)
                .series("ISTA", t, ista)
                .series("LISTA", t, lista)
                .reference("LISTA (paper)", t, decay(n, 0.45, 1.2), "LISTA")
                .horizontalLine(1e-6, "tolerance")
                .horizontalBand(1e-3, 1e-2, "band");
        Path f = dir.resolve("plots/loss.png");
        plot.write(f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(650, img.getHeight());
        assertTrue(colouredPixels(img) > 2000, "the plot draws series in colour");
        assertTrue(darkPixels(img) > 2000, "the plot draws axes and text");
        // the ISTA colour (tab10 blue) appears
        assertTrue(count(img, new Color(0x1f77b4)) > 50);
    }

    @Test
    void logTicksAreDecades() {
        Axis a = Axis.of(true, 3e-9, 0.5, Double.NaN, Double.NaN);
        assertEquals(1e-9, a.lo, 1e-24);
        assertEquals(1, a.hi, 0);
        List<String> labels = a.ticks().stream().filter(Axis.Tick::major).map(Axis.Tick::label).toList();
        assertEquals(List.of("1e-9", "1e-8", "1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0"), labels);
        Axis wide = Axis.of(true, 1e-30, 1, Double.NaN, Double.NaN);
        long labelled = wide.ticks().stream().filter(tk -> !tk.label().isEmpty()).count();
        assertTrue(labelled <= 16, "about 10 labels on 30 decades, got " + labelled);
        Axis narrow = Axis.of(true, 0.3, 0.8, 0.2, 0.9); // fixed, inside one decade: 2 and 5 get labels
        assertTrue(narrow.ticks().stream().map(Axis.Tick::label).toList().containsAll(List.of("0.2", "0.5")));
    }

    @Test
    void linearTicksAreNice() {
        Axis a = Axis.of(false, 0.13, 9.7, Double.NaN, Double.NaN);
        assertEquals(0, a.lo, 0);
        assertEquals(10, a.hi, 0);
        assertEquals(List.of("0", "2", "4", "6", "8", "10"), a.ticks().stream().map(Axis.Tick::label).toList());
        Axis small = Axis.of(false, -0.05, 0.05, Double.NaN, Double.NaN);
        assertTrue(small.ticks().stream().map(Axis.Tick::label).toList().contains("0"));
        Axis flat = Axis.of(false, 3, 3, Double.NaN, Double.NaN);
        assertTrue(flat.lo < 3 && flat.hi > 3);
    }

    @Test
    void degenerateInputsDoNotCrash() {
        BufferedImage empty = new LinePlot().render();
        assertEquals(1000, empty.getWidth());
        BufferedImage allBad = new LinePlot().logX(true).logY(true).size(400, 300)
                .series("bad", new double[] {0, -1, Double.NaN}, new double[] {Double.NaN, 0, -2}).render();
        assertEquals(400, allBad.getWidth());
        BufferedImage fixed = new LinePlot().logY(true).yRange(1e-8, 1).verticalLine(3, "T=3")
                .verticalBand(2, 4, "").series("s", new double[] {1, 2, 3}, new double[] {1e-12, 1, 1e3}).render();
        assertTrue(darkPixels(fixed) > 100);
    }

    @Test
    void frontDoorValidates() {
        LinePlot p = new LinePlot();
        assertThrows(InvalidArgumentException.class, () -> p.series("s", new double[2], new double[3]));
        assertThrows(InvalidArgumentException.class, () -> p.yRange(1, 1));
        assertThrows(InvalidArgumentException.class, () -> p.size(10, 10));
        assertThrows(InvalidArgumentException.class, () -> p.horizontalBand(2, 1, "x"));
        assertThrows(InvalidArgumentException.class, () -> p.reference("r", new double[1], new double[1], "none"));
        assertThrows(InvalidArgumentException.class, () -> new LinePlot().logY(true).yRange(-1, 1).render());
    }

    private static long colouredPixels(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long darkPixels(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if ((rgb >> 16 & 0xff) < 80 && (rgb >> 8 & 0xff) < 80 && (rgb & 0xff) < 80) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long count(BufferedImage img, Color c) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
