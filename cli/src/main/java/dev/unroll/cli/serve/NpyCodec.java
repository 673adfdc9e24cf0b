package dev.unroll.cli.serve;

import dev.unroll.engine.DType;
import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.io.ModelFileException;
import dev.unroll.solvers.io.Npy;
import dev.unroll.solvers.io.NpyArray;
import java.util.Arrays;

/**
 * {@code .npy} bodies, as {@code numpy.save} writes them: one signal (n,) answered with its code (m,), or a
 * batch (B, n) answered (B, m), in the request's dtype ({@code <f4} or {@code <f8}; float32 codes of an F64
 * model are rounded). Parsed by the project's {@link Npy} reader, which checks the header as NumPy does.
 */
final class NpyCodec implements SignalCodec {
    static final String TYPE = "application/x-npy";

    @Override
    public String contentType() {
        return TYPE;
    }

    @Override
    public Signals decode(byte[] body, int n) {
        NpyArray a;
        try {
            a = Npy.decode(body, "the request body");
        } catch (ModelFileException e) {
            throw HttpError.badRequest("bad_npy", e.getMessage().replace('\n', ' '));
        }
        if (!a.dtype().substring(1).equals("f4") && !a.dtype().substring(1).equals("f8")) {
            throw HttpError.badRequest("bad_npy", "the .npy holds " + a.dtype() + "; send float32 or float64 "
                    + "(numpy: x.astype(np.float32))");
        }
        if (a.rank() == 1) {
            if (a.rows() != n) {
                throw SignalCodec.wrongLength("the signal", a.rows(), n);
            }
            return new Signals(new HostMatrix(n, 1, a.data()), true, a.isFloat32());
        }
        if (a.cols() != n || a.rows() == 0) {
            throw HttpError.badRequest("shape", "the .npy has shape " + Arrays.toString(a.shape())
                    + "; send one signal (" + n + ",) or a batch (B, " + n + ") with B ≥ 1");
        }
        // (B, n) with one signal per row is the transpose of the n×B matrix of columns the solver takes.
        HostMatrix rows = new HostMatrix(a.rows(), a.cols(), a.toColumnMajor());
        return new Signals(rows.transpose(), false, a.isFloat32());
    }

    @Override
    public byte[] encode(Signals request, HostMatrix codes, DType dtype) {
        // codes is m×B column-major, which is (B, m) in C order: the bytes need no reordering.
        int[] shape = request.single() ? new int[] {codes.rows()} : new int[] {codes.cols(), codes.rows()};
        return request.float32() ? Npy.toBytes(codes.toFloats(), shape) : Npy.toBytes(codes.values(), shape);
    }
}
