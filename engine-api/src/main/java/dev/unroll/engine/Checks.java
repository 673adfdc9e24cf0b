package dev.unroll.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The front door's argument checks. Each failure says what was expected, what came, and what to do; the
 * kernels behind the front door rely on these checks and do none of their own.
 */
final class Checks {
    private Checks() {
    }

    static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteInputException(what + " must be a finite number, but is " + value);
        }
        return value;
    }

    static double positive(double value, String what) {
        finite(value, what);
        if (value <= 0) {
            throw new InvalidArgumentException(what + " must be > 0, but is " + value
                    + (what.startsWith("λ") ? "; for the Lasso λ is a fraction of λ_max = ‖Dᵀx‖_∞, e.g. 0.1" : ""));
        }
        return value;
    }

    static double unitInterval(double value, String what) {
        finite(value, what);
        if (value < 0 || value >= 1) {
            throw new InvalidArgumentException(what + " must lie in [0, 1), but is " + value);
        }
        return value;
    }

    static int dimension(int value, String what) {
        if (value < 0) {
            throw new InvalidArgumentException(what + " must be ≥ 0, but is " + value);
        }
        return value;
    }

    static <T> T present(T value, String role) {
        if (value == null) {
            throw new InvalidArgumentException(role + " is required but was null");
        }
        return value;
    }

    static void open(Matrix m, String role) {
        if (m.isClosed()) {
            throw new OwnershipException(role + " " + m + " has been closed; allocate a new matrix (or keep the "
                    + "original open while its views are in use)");
        }
    }

    static void shape(Matrix m, int rows, int cols, String role, String why) {
        if (m.rows() != rows || m.cols() != cols) {
            throw new ShapeMismatchException(role + " must be " + rows + "×" + cols + " (" + why + "), but is "
                    + m.shape());
        }
    }

    static void dtype(Matrix m, DType expected, String role) {
        if (m.dtype() != expected) {
            throw new ShapeMismatchException(role + " is " + m.dtype() + " but the operation works in " + expected
                    + "; all operands of one operation share one precision: allocate " + role + " as " + expected);
        }
    }

    /**
     * Outputs may not share memory with inputs (kernels read inputs while they write outputs). Two views
     * of one root overlap when their element ranges intersect.
     */
    static void disjoint(Matrix out, String outRole, Matrix in, String inRole) {
        if (in == null || out == null || !out.sameRoot(in) || out.size() == 0 || in.size() == 0) {
            return;
        }
        long outEnd = out.offset() + (long) (out.cols() - 1) * out.ld() + out.rows();
        long inEnd = in.offset() + (long) (in.cols() - 1) * in.ld() + in.rows();
        if (out.offset() < inEnd && in.offset() < outEnd) {
            throw new InvalidArgumentException(outRole + " " + out + " shares memory with " + inRole + " " + in
                    + "; the output must not overlap this input: write into a separate matrix");
        }
    }

    static void finite(float[] data, int rows, String what) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw nonFinite(what, i, rows, data[i]);
            }
        }
    }

    static void finite(double[] data, int rows, String what) {
        for (int i = 0; i < data.length; i++) {
            if (!Double.isFinite(data[i])) {
                throw nonFinite(what, i, rows, data[i]);
            }
        }
    }

    static void finite(MemorySegment data, DType dtype, int rows, String what) {
        long n = data.byteSize() / dtype.byteSize();
        for (long i = 0; i < n; i++) {
            double v = dtype == DType.F32 ? data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)
                    : data.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            if (!Double.isFinite(v)) {
                throw nonFinite(what, i, rows, v);
            }
        }
    }

    private static NonFiniteInputException nonFinite(String what, long index, int rows, double value) {
        long row = rows == 0 ? 0 : index % rows;
        long col = rows == 0 ? 0 : index / rows;
        return new NonFiniteInputException(what + " holds " + value + " at element (" + row + ", " + col
                + ") (index " + index + " in column-major order); user data must be finite: remove or impute "
                + "missing and infinite values before handing them to Unroll");
    }
}
