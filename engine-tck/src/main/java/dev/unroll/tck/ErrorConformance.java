package dev.unroll.tck;

import dev.unroll.engine.Backend;
import dev.unroll.engine.DType;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.NonFiniteInputException;
import dev.unroll.engine.Optimizer;
import dev.unroll.engine.OwnershipException;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.ShapeMismatchException;
import dev.unroll.engine.Tape;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrollException;
import dev.unroll.engine.UnrolledModel;
import dev.unroll.tck.support.ConformanceBase;
import dev.unroll.tck.support.TckBackend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Every kind of bad input gets its own exception type and a message that names what was expected and what
 * came, and nothing is half-done: shapes, precisions, ownership (another backend's matrix, a closed one, a
 * closed backend), non-finite user data, λ ≤ 0, misuse of tapes and models.
 */
public class ErrorConformance extends ConformanceBase {

    private static <T extends UnrollException> T fails(Class<T> type, Executable call, String... phrases) {
        T e = Assertions.assertThrows(type, call);
        for (String phrase : phrases) {
            Assertions.assertTrue(e.getMessage().contains(phrase), "message should contain '" + phrase + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void gemmShapeAndPrecisionErrors() {
        try (Matrix a = backend.allocate(DType.F64, 3, 4);
             Matrix b = backend.allocate(DType.F64, 5, 2);
             Matrix c = backend.allocate(DType.F64, 3, 2);
             Matrix c32 = backend.allocate(DType.F32, 3, 2);
             Matrix b2 = backend.allocate(DType.F64, 4, 2);
             Matrix wrongC = backend.allocate(DType.F64, 2, 3)) {
            fails(ShapeMismatchException.class, () -> backend.gemm(1, a, b, 0, c), "inner dimensions", "3×4", "5×2");
            fails(ShapeMismatchException.class, () -> backend.gemm(1, a, b2, 0, c32), "F32", "F64");
            fails(ShapeMismatchException.class, () -> backend.gemm(1, a, b2, 0, wrongC), "C must be 3×2", "2×3");
            fails(NonFiniteInputException.class, () -> backend.gemm(Double.NaN, a, b2, 0, c), "α");
            fails(InvalidArgumentException.class, () -> backend.gemm(1, a, b2, 0, null), "C is required");
            Matrix square = a.view(0, 0, 3, 3);
            fails(InvalidArgumentException.class, () -> backend.gemm(Transpose.YES, Transpose.NO, 1, square, square, 0,
                    a.view(0, 1, 3, 3)), "shares memory");
        }
    }

    @Test
    void allocationAndViewErrors() {
        fails(InvalidArgumentException.class, () -> backend.allocate(DType.F32, -1, 2), "rows", "-1");
        fails(ShapeMismatchException.class, () -> backend.allocate(DType.F32, 5, 2, 4), "leading dimension", "≥");
        try (Matrix m = backend.allocate(DType.F32, 4, 4)) {
            fails(ShapeMismatchException.class, () -> m.view(2, 2, 3, 1), "does not fit", "4×4");
        }
    }

    @Test
    void transferErrors() {
        try (Matrix m = backend.allocate(DType.F32, 2, 3); Matrix d = backend.allocate(DType.F64, 2, 3)) {
            fails(ShapeMismatchException.class, () -> backend.upload(new float[5], m), "5 elements", "2×3", "6");
            fails(ShapeMismatchException.class, () -> backend.upload(new double[6], m), "F32", "double[]", "float[]");
            fails(NonFiniteInputException.class, () -> backend.upload(new float[]{0, 1, 2, Float.NaN, 4, 5}, m),
                    "NaN", "(1, 1)", "finite");
            fails(NonFiniteInputException.class, () -> backend.upload(new double[]{0, 1, 2, 3, Double.NEGATIVE_INFINITY, 5}, d),
                    "-Infinity", "(0, 2)");
            fails(ShapeMismatchException.class, () -> backend.download(m, new float[7]), "7 elements");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment bad = arena.allocate(6 * 4);
                bad.setAtIndex(ValueLayout.JAVA_FLOAT, 2, Float.POSITIVE_INFINITY);
                fails(NonFiniteInputException.class, () -> backend.upload(bad, m), "Infinity", "(0, 1)");
                fails(ShapeMismatchException.class, () -> backend.upload(arena.allocate(20), m), "20 bytes", "24");
            }
            Assertions.assertArrayEquals(new float[6], backend.toFloatArray(m), "a rejected upload must not write anything");
        }
    }

    @Test
    void ownershipErrors() {
        try (Backend other = TckBackend.openAnother();
             Matrix mine = backend.allocate(DType.F64, 2, 2);
             Matrix theirs = other.allocate(DType.F64, 2, 2)) {
            fails(OwnershipException.class, () -> backend.gemm(1, mine, theirs, 0, mine.view(0, 0, 2, 2)), "belongs to backend",
                    other.id(), backend.id());
            fails(OwnershipException.class, () -> backend.copy(theirs, mine), "belongs to backend");
        }
        Matrix closed = backend.allocate(DType.F64, 2, 2);
        Matrix view = closed.columns(0, 1);
        closed.close();
        closed.close();
        fails(OwnershipException.class, () -> backend.fill(closed, 1), "closed");
        fails(OwnershipException.class, () -> backend.fill(view, 1), "closed");
        Backend gone = TckBackend.openAnother();
        Matrix orphan = gone.allocate(DType.F32, 1, 1);
        gone.close();
        Assertions.assertTrue(orphan.isClosed(), "closing a backend closes its matrices");
        fails(OwnershipException.class, () -> gone.allocate(DType.F32, 1, 1), "closed", "Backends.open");
        fails(OwnershipException.class, () -> gone.fill(orphan, 0), "closed");
    }

    @Test
    void lambdaMustBePositiveAndFinite() {
        try (Matrix d = backend.allocate(DType.F64, 2, 3);
             Matrix x = backend.allocate(DType.F64, 2, 1);
             Matrix z = backend.allocate(DType.F64, 3, 1)) {
            for (double bad : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
                UnrollException e = Assertions.assertThrows(InvalidArgumentException.class,
                        () -> backend.lassoObjective(d, x, z, bad));
                Assertions.assertTrue(e.getMessage().contains("λ"), e.getMessage());
            }
            fails(ShapeMismatchException.class, () -> backend.lassoObjective(d, z, z, 0.1), "n = 2 rows", "3×1");
        }
    }

    @Test
    void unrolledMisuse() {
        NetworkSpec spec = new NetworkSpec(Parametrization.STEP, 3, 4, 5, DType.F64);
        NetworkSpec other = new NetworkSpec(Parametrization.COUPLED, 3, 4, 5, DType.F64);
        NetworkSpec alista = new NetworkSpec(Parametrization.ALISTA, 3, 4, 5, DType.F64);
        fails(InvalidArgumentException.class, () -> new NetworkSpec(Parametrization.STEP, 0, 4, 5, DType.F64), "layers ≥ 1");
        fails(InvalidArgumentException.class, () -> Parametrization.fromId("hessian2"), "unknown parametrization", "first_step");
        try (ParameterSet params = backend.newParameters(spec);
             ParameterSet grads = backend.newParameters(spec);
             ParameterSet otherParams = backend.newParameters(other);
             ParameterSet alistaParams = backend.newParameters(alista);
             Matrix d = backend.allocate(DType.F64, 4, 5);
             Matrix dWrong = backend.allocate(DType.F64, 5, 4);
             Matrix x = backend.allocate(DType.F64, 4, 6);
             Matrix z = backend.allocate(DType.F64, 5, 6);
             Tape tape = backend.newTape(spec, 6);
             Tape small = backend.newTape(spec, 2);
             Tape otherTape = backend.newTape(other, 6)) {
            UnrolledModel model = new UnrolledModel(params, d, 0.1);
            fails(ShapeMismatchException.class, () -> backend.unrolledForward(new UnrolledModel(params, dWrong, 0.1), x, tape, z),
                    "dictionary D must be 4×5");
            fails(InvalidArgumentException.class, () -> backend.unrolledForward(new UnrolledModel(params, d, -0.1), x, tape, z),
                    "λ must be > 0");
            fails(InvalidArgumentException.class, () -> backend.unrolledForward(new UnrolledModel(alistaParams, d, 0.1), x, null, z),
                    "analytic weights");
            fails(InvalidArgumentException.class, () -> backend.unrolledForward(new UnrolledModel(params, d, d, 0.1), x, null, z),
                    "alista only");
            fails(ShapeMismatchException.class, () -> backend.unrolledForward(model, x, small, z), "at most 2");
            fails(ShapeMismatchException.class, () -> backend.unrolledForward(model, x, otherTape, z), "tape was made for");
            fails(InvalidArgumentException.class, () -> backend.unrolledForward(model, x, null, 4, tape, z), "layers must be in 1..3");
            fails(InvalidArgumentException.class, () -> backend.unrolledForward(model, x, null, null), "somewhere to write");
            fails(ShapeMismatchException.class, () -> backend.unrolledForward(model, z, tape, z), "n = 4 rows");
            fails(InvalidArgumentException.class, () -> backend.unrolledBackward(model, tape, z, grads, null),
                    "holds no forward pass");
            backend.unrolledForward(model, x, tape, z);
            fails(InvalidArgumentException.class, () -> backend.unrolledBackward(model, tape, z, grads, null, 4), "0..3");
            fails(InvalidArgumentException.class, () -> backend.unrolledBackward(model, tape, z, params, null),
                    "separate ParameterSet");
            fails(ShapeMismatchException.class, () -> backend.unrolledBackward(model, tape, z, otherParams, null),
                    "were made for");
            fails(InvalidArgumentException.class, () -> backend.unrolledBackward(new UnrolledModel(params, d, 0.2), tape, z, grads, null),
                    "another model");
            fails(ShapeMismatchException.class, () -> backend.unrolledBackward(model, tape, x, grads, null), "gradZ must be 5×6");
            fails(InvalidArgumentException.class, () -> backend.newTape(spec, 6, 4), "window must be in 1..3");
            fails(InvalidArgumentException.class, () -> backend.newTape(spec, 6, 0), "window must be in 1..3");
            try (Tape windowed = backend.newTape(spec, 6, 1)) {
                backend.unrolledForward(model, x, windowed, z);
                fails(InvalidArgumentException.class, () -> backend.unrolledBackward(model, windowed, z, grads, null, 2),
                        "0..1", "window is 1 of the 3 layers");
            }
            fails(InvalidArgumentException.class, () -> params.get(0, dev.unroll.engine.ParamKind.W_Z), "no parameter Wz");
            fails(InvalidArgumentException.class, () -> backend.newOptimizerState(new Optimizer.Adam(1e-3, 1.0, 0.999, 1e-8), spec),
                    "β₁");
            fails(InvalidArgumentException.class, () -> backend.newOptimizerState(new Optimizer.Sgd(0), spec), "learning rate");
        }
    }
}
