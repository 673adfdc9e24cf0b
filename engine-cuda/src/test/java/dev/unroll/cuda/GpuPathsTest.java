package dev.unroll.cuda;

import dev.unroll.engine.Backend;
import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.BackendStatus;
import dev.unroll.engine.Backends;
import dev.unroll.engine.DType;
import dev.unroll.engine.Matrix;
import dev.unroll.engine.NetworkSpec;
import dev.unroll.engine.ParameterSet;
import dev.unroll.engine.Parametrization;
import dev.unroll.engine.Tape;
import dev.unroll.engine.Transpose;
import dev.unroll.engine.UnrolledModel;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

/**
 * GPU-only checks of the paths the TCK (which runs with the defaults) does not choose: the layer-by-layer
 * forward pass for the parametrizations that normally run fused, and the JCublas2 binding next to FFM. Skipped
 * with the probe's reason without a GPU; failing instead with {@code -Dunroll.cuda.required=true}.
 */
class GpuPathsTest {
    private final SmokeNetwork net = new SmokeNetwork(24, 40, 5);

    private static void requireCuda() {
        BackendStatus s = Backends.survey().stream().filter(b -> b.name().equals(CudaProvider.NAME)).findFirst()
                .orElseThrow();
        if (!s.availability().available()) {
            String reason = "cuda unavailable: " + s.availability().explain();
            if (Boolean.getBoolean("unroll.cuda.required")) {
                Assertions.fail(reason + " — and -Dunroll.cuda.required=true requires it");
            }
            Assumptions.abort(reason);
        }
    }

    private static Backend open(Map<String, String> settings) {
        BackendConfig c = BackendConfig.fromSystemProperties();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return Backends.open(CudaProvider.NAME, c);
    }

    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void fusedAndLayerByLayerForwardAgree(Parametrization p) {
        requireCuda();
        for (DType dt : DType.values()) {
            for (int batch : new int[]{1, 7, 100}) {
                double[] fused = forward(Map.of("cuda.fused", "true"), p, dt, batch);
                double[] layered = forward(Map.of("cuda.fused", "false"), p, dt, batch);
                double scale = 1e-30;
                double err = 0;
                for (int i = 0; i < fused.length; i++) {
                    scale = Math.max(scale, Math.abs(layered[i]));
                    err = Math.max(err, Math.abs(fused[i] - layered[i]));
                }
                Assertions.assertTrue(err <= (dt == DType.F32 ? 1e-4 : 1e-12) * scale, p.id() + " " + dt + " B=" + batch
                        + ": fused and layer-by-layer forward differ by " + err + " (scale " + scale + ")");
            }
        }
    }

    /** Output z_T followed by every recorded u_t and z_t, so the tapes are compared too. */
    private double[] forward(Map<String, String> settings, Parametrization p, DType dt, int batch) {
        NetworkSpec spec = new NetworkSpec(p, 6, net.n, net.m, dt);
        try (Backend be = open(settings); Matrix d = net.dictionary(be, dt); ParameterSet params = net.parameters(be, spec);
             Matrix x = be.allocate(dt, net.n, batch); Matrix z = be.allocate(dt, net.m, batch);
             Tape tape = be.newTape(spec, batch)) {
            SmokeNetwork.upload(be, net.signals(batch, 3), x);
            UnrolledModel model = net.model(be, params, d);
            be.unrolledForward(model, x, tape, z);
            java.util.List<Double> all = new java.util.ArrayList<>();
            for (double v : be.toDoubleArray(z)) {
                all.add(v);
            }
            for (int t = 1; t <= spec.layers(); t++) {
                for (double v : be.toDoubleArray(tape.u(t))) {
                    all.add(v);
                }
                for (double v : be.toDoubleArray(tape.z(t))) {
                    all.add(v);
                }
            }
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    @Test
    void bothCublasBindingsGiveTheSameProducts() {
        requireCuda();
        double[][] results = new double[2][];
        String[] bindings = {"ffm", "jcublas2"};
        for (int k = 0; k < 2; k++) {
            try (Backend be = open(Map.of("cuda.cublas", bindings[k]))) {
                try (Matrix a = be.allocate(DType.F64, 37, 19); Matrix b = be.allocate(DType.F64, 37, 23);
                     Matrix c = be.allocate(DType.F64, 19, 23)) {
                    SmokeNetwork.upload(be, net.signals(19, 1), a.view(0, 0, 24, 19));
                    SmokeNetwork.upload(be, net.signals(23, 2), b.view(0, 0, 24, 23));
                    be.gemm(Transpose.YES, Transpose.NO, 1, a, b, 0, c);
                    results[k] = be.toDoubleArray(c);
                }
            } catch (RuntimeException e) {
                if (k == 1 && e.getMessage() != null && e.getMessage().contains("JCublas2")) {
                    Assumptions.abort("JCublas2 cannot load here (no libcublas.so.12): " + e.getMessage());
                }
                throw e;
            }
        }
        Assertions.assertArrayEquals(results[0], results[1], 1e-12);
    }
}
