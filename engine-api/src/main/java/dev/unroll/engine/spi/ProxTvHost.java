package dev.unroll.engine.spi;

import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;

/**
 * The host form of {@link BackendKernels#proxTv} and {@link BackendKernels#proxTvBackward}, the SPI's default:
 * download the matrices through the backend's own transfers, run {@link TautString} / {@link TautStringBackward}
 * column by column in double, upload the result. Correct on any backend (it uses nothing but upload and
 * download); a backend with its memory elsewhere (cuda) pays one round trip per call, which is why the
 * primitive exists at all: a backend can replace it by a kernel without its callers changing.
 */
final class ProxTvHost {
    private ProxTvHost() {
    }

    static void forward(BackendKernels k, Matrix u, double lambda, Matrix out) {
        int rows = u.rows();
        int cols = u.cols();
        double[] v = read(k, u);
        new TautString().proxColumns(v, rows, cols, lambda, v);
        write(k, v, out);
    }

    static void backward(BackendKernels k, Matrix out, Matrix gradOut, Matrix gradIn, Matrix lambdaGrads) {
        int rows = out.rows();
        int cols = out.cols();
        double[] u = read(k, out);
        double[] g = read(k, gradOut);
        double[] perColumn = new double[cols];
        for (int j = 0; j < cols; j++) {
            perColumn[j] = TautStringBackward.backward(u, j * rows, g, j * rows, rows, g, j * rows);
        }
        write(k, g, gradIn);
        if (lambdaGrads != null) {
            write(k, perColumn, lambdaGrads);
        }
    }

    /** The matrix as packed column-major doubles (an F32 matrix widened exactly). */
    private static double[] read(BackendKernels k, Matrix m) {
        int n = m.rows() * m.cols();
        double[] v = new double[n];
        if (m.dtype() == DType.F64) {
            k.download(m, v);
        } else {
            float[] f = new float[n];
            k.download(m, f);
            for (int i = 0; i < n; i++) {
                v[i] = f[i];
            }
        }
        return v;
    }

    /** Overwrites {@code m} with the packed column-major {@code v}, rounded once for F32. */
    private static void write(BackendKernels k, double[] v, Matrix m) {
        if (m.dtype() == DType.F64) {
            k.upload(v, m);
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            k.upload(f, m);
        }
    }
}
