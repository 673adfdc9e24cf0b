package dev.unroll.solvers.data;

import dev.unroll.engine.UnrollException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * The "digits" data set as scikit-learn ships it ({@code sklearn.datasets.load_digits}): 1797 hand-written
 * digits, each an 8×8 image of integer pixel values 0..16 with its label 0..9 (UCI "Optical Recognition of
 * Handwritten Digits", test set, by E. Alpaydin and C. Kaynak; BSD-3 via scikit-learn, see
 * {@code LICENSE-digits.txt} beside the resource). Image i here is sample i of {@code load_digits()}.
 *
 * <p>The resource is read and checked once per {@link #load()}: 1797 lines of 65 comma-separated integers
 * (64 pixels row by row, then the label). Pixel values are kept as they are (0..16); scale them as the
 * experiment needs.
 */
public final class Digits {
    /** Number of images in the set. */
    public static final int COUNT = 1797;
    /** Pixels per image: 8 rows × 8 columns. */
    public static final int PIXELS = 64;
    /** Side of the square image. */
    public static final int SIDE = 8;

    private static final String RESOURCE = "digits.csv.gz";

    private final double[] pixels; // image i at [i * 64, (i + 1) * 64): one column of the 64×1797 matrix
    private final int[] labels;

    private Digits(double[] pixels, int[] labels) {
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Reads the data set from the module's resource {@code dev/unroll/solvers/data/digits.csv.gz}.
     *
     * @throws UnrollException when the resource is missing or not 1797 rows of 64 pixels in 0..16 and a
     *     label in 0..9 (a broken build or a replaced file)
     */
    public static Digits load() {
        try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new UnrollException("the digits data set resource dev/unroll/solvers/data/" + RESOURCE
                        + " is missing from the solvers jar; rebuild the module (mvn -pl solvers install)");
            }
            return parse(new GZIPInputStream(raw));
        } catch (IOException e) {
            throw new UnrollException("cannot read the digits data set resource " + RESOURCE + ": " + e
                    + "; the jar is damaged, rebuild the module (mvn -pl solvers install)", e);
        }
    }

    /** Parses the uncompressed CSV text; package-private so tests can feed it corrupt input. */
    static Digits parse(InputStream csv) throws IOException {
        double[] pixels = new double[COUNT * PIXELS];
        int[] labels = new int[COUNT];
        BufferedReader in = new BufferedReader(new InputStreamReader(csv, StandardCharsets.US_ASCII));
        int row = 0;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            if (row >= COUNT) {
                throw corrupt("more than " + COUNT + " rows");
            }
            String[] fields = line.split(",", -1);
            if (fields.length != PIXELS + 1) {
                throw corrupt("row " + (row + 1) + " has " + fields.length + " values instead of " + (PIXELS + 1)
                        + " (64 pixels and a label)");
            }
            for (int k = 0; k <= PIXELS; k++) {
                int v = integer(fields[k], row, k);
                int max = k < PIXELS ? 16 : 9;
                if (v < 0 || v > max) {
                    throw corrupt("row " + (row + 1) + ", value " + (k + 1) + " is " + v + ", outside 0.." + max);
                }
                if (k < PIXELS) {
                    pixels[row * PIXELS + k] = v;
                } else {
                    labels[row] = v;
                }
            }
            row++;
        }
        if (row != COUNT) {
            throw corrupt("only " + row + " rows instead of " + COUNT);
        }
        return new Digits(pixels, labels);
    }

    private static int integer(String field, int row, int k) {
        String f = field.strip();
        try {
            // sklearn's file writes integers; accept "3.0" too, as numpy.savetxt would write.
            double d = Double.parseDouble(f);
            if (d != Math.rint(d)) {
                throw corrupt("row " + (row + 1) + ", value " + (k + 1) + " is " + f + ", not a whole number");
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw corrupt("row " + (row + 1) + ", value " + (k + 1) + " is '" + f + "', not a number");
        }
    }

    private static UnrollException corrupt(String what) {
        return new UnrollException("the digits data set resource " + RESOURCE + " is corrupt: expected "
                + COUNT + " rows of 64 pixels in 0..16 and a label in 0..9, but found " + what
                + "; restore the file from scikit-learn (sklearn/datasets/data/digits.csv.gz)");
    }

    /** Number of images, {@value #COUNT}. */
    public int count() {
        return labels.length;
    }

    /**
     * The pixels of image {@code i}, 64 values in 0..16, row-major over the 8×8 grid (a copy).
     *
     * @throws IndexOutOfBoundsException unless 0 ≤ i &lt; {@link #count()}
     */
    public double[] image(int i) {
        Objects.checkIndex(i, labels.length);
        double[] out = new double[PIXELS];
        System.arraycopy(pixels, i * PIXELS, out, 0, PIXELS);
        return out;
    }

    /**
     * The digit (0..9) image {@code i} shows.
     *
     * @throws IndexOutOfBoundsException unless 0 ≤ i &lt; {@link #count()}
     */
    public int label(int i) {
        Objects.checkIndex(i, labels.length);
        return labels[i];
    }

    /** All labels, index i for image i (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * All images as a column-major 64×1797 matrix, one image per column (a copy), ready for
     * {@code Backend.fromArray(data, 64, 1797)}.
     */
    public double[] imagesColumnMajor() {
        return pixels.clone();
    }
}
