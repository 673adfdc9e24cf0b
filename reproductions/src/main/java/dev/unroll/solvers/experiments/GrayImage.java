package dev.unroll.solvers.experiments;

import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A grayscale image with values in [0, 1] (row-major, {@code height × width}), and what the ICLR 2022 patch
 * experiments do with it (PLIPY {@code utils.create_patches_overlap}, {@code patch_average}, {@code psnr}):
 * additive Gaussian noise, every overlapping m×m patch as a column, the image rebuilt by averaging
 * overlapping patches, and the PSNR against a reference.
 *
 * @param height rows
 * @param width  columns
 * @param pixels row-major values
 */
public record GrayImage(int height, int width, double[] pixels) {
    /** Checks the sizes. */
    public GrayImage {
        if (height < 1 || width < 1 || pixels == null || pixels.length != (long) height * width) {
            throw new ShapeMismatchException("a " + height + "×" + width + " image needs " + ((long) height * width)
                    + " pixels, but " + (pixels == null ? "none" : pixels.length) + " were given");
        }
    }

    /**
     * The shipped 128×128 "camera" test image (scikit-image's camera.png, CC0, 4×4 block means; see
     * camera-128.LICENSE.txt beside it).
     */
    public static GrayImage camera() {
        try (InputStream in = GrayImage.class.getResourceAsStream("camera-128.png")) {
            if (in == null) {
                throw new IllegalStateException("the resource camera-128.png is missing from the reproductions module");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the shipped camera image", e);
        }
    }

    /** Reads an 8-bit image (first band) from a PNG or any format ImageIO reads, scaled to [0, 1]. */
    public static GrayImage read(InputStream in) throws IOException {
        BufferedImage img = ImageIO.read(in);
        if (img == null) {
            throw new IOException("not an image ImageIO can read");
        }
        Raster r = img.getRaster();
        int h = img.getHeight();
        int w = img.getWidth();
        double[] px = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = r.getSample(x, y, 0) / 255.0;
            }
        }
        return new GrayImage(h, w, px);
    }

    /** Pixel (row, column). */
    public double get(int row, int col) {
        return pixels[row * width + col];
    }

    /**
     * This image plus σ·N(0, 1) noise per pixel (row-major draws), clipped to [0, 1] when {@code clip}
     * (PLIPY's {@code optim_images.py} clips; {@code gradients.py} does not).
     */
    public GrayImage withNoise(double sigma, NumpyRandom rng, boolean clip) {
        double[] out = new double[pixels.length];
        for (int i = 0; i < out.length; i++) {
            double v = pixels[i] + sigma * rng.nextGaussian();
            out[i] = clip ? Math.min(1, Math.max(0, v)) : v;
        }
        return new GrayImage(height, width, out);
    }

    /**
     * Every overlapping m×m patch, top-left corners in row-major order, each flattened row-major into a
     * column of an m² × count matrix.
     */
    public HostMatrix patches(int m) {
        checkPatch(m);
        int rows = height - m + 1;
        int cols = width - m + 1;
        HostMatrix out = HostMatrix.zeros(m * m, rows * cols);
        int c = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int di = 0; di < m; di++) {
                    for (int dj = 0; dj < m; dj++) {
                        out.values()[c * m * m + di * m + dj] = get(i + di, j + dj);
                    }
                }
                c++;
            }
        }
        return out;
    }

    /** The image whose pixels average the overlapping patches covering them (inverse of {@link #patches}). */
    public static GrayImage fromPatches(HostMatrix patches, int m, int height, int width) {
        int rows = height - m + 1;
        int cols = width - m + 1;
        if (patches.rows() != m * m || patches.cols() != rows * cols) {
            throw new ShapeMismatchException("a " + height + "×" + width + " image has " + (rows * cols) + " patches of "
                    + (m * m) + " pixels, but the matrix is " + patches.rows() + "×" + patches.cols());
        }
        double[] sum = new double[height * width];
        double[] count = new double[height * width];
        int c = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int di = 0; di < m; di++) {
                    for (int dj = 0; dj < m; dj++) {
                        int p = (i + di) * width + j + dj;
                        sum[p] += patches.values()[c * m * m + di * m + dj];
                        count[p]++;
                    }
                }
                c++;
            }
        }
        for (int p = 0; p < sum.length; p++) {
            sum[p] /= count[p];
        }
        return new GrayImage(height, width, sum);
    }

    /** 10·log10(1/MSE) against {@code reference} (peak value 1). */
    public double psnr(GrayImage reference) {
        if (reference.height != height || reference.width != width) {
            throw new ShapeMismatchException("PSNR needs images of one size, but they are " + height + "×" + width
                    + " and " + reference.height + "×" + reference.width);
        }
        double mse = 0;
        for (int i = 0; i < pixels.length; i++) {
            double e = pixels[i] - reference.pixels[i];
            mse += e * e;
        }
        mse /= pixels.length;
        return 10 * Math.log10(1 / mse);
    }

    private void checkPatch(int m) {
        if (m < 1 || m > height || m > width) {
            throw new InvalidArgumentException("patches must be 1.." + Math.min(height, width) + " pixels wide, but m = "
                    + m);
        }
    }
}
