package dev.unroll.solvers.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.Spectral;
import org.junit.jupiter.api.Test;

/** The generators against NumPy (values printed once by python3 with NumPy 2.4 from ADOPTY's code). */
class GeneratorsTest {
    private static void close(double expected, double actual) {
        assertEquals(expected, actual, 4e-16 * Math.max(1, Math.abs(expected)));
    }

    @Test
    void makeCodingMatchesAdopty() {
        CodingData data = Generators.simulated(5, 4, 3, 3, 42);
        HostMatrix d = data.dictionary();
        double[] atom1 = {0.977171326349286, -0.15023209347136074, -0.1502215598773674};
        double[] x3 = {-0.9596107153200616, -0.6038122803305507, -0.3436280036740502};
        for (int i = 0; i < 3; i++) {
            close(atom1[i], d.get(i, 1));
            close(x3[i], data.signals().get(i, 3));
        }
        assertEquals(3, data.train().cols());
        assertEquals(2, data.test().cols());
    }

    @Test
    void oracleIstaProblemMatchesTheScript() {
        CodingData data = Generators.oracleIstaProblem(92518);
        double[] x = {-0.10251323671672438, -0.0845166183300215, -0.07128050832769728};
        for (int i = 0; i < 3; i++) {
            close(x[i], data.signals().get(i, 0));
        }
        HostMatrix d = data.dictionary();
        assertEquals(90.68325025204629, Spectral.lipschitz(d.values(), d.rows(), d.cols()), 1e-11);
    }

    @Test
    void lipschitzMatchesNumpysSpectralNorm() {
        HostMatrix d = Generators.simulated(1, 20, 10, 1, 42).dictionary();
        assertEquals(4.577142381917633, Spectral.lipschitz(d.values(), d.rows(), d.cols()), 1e-13);
        assertEquals(4.577142381917633, Spectral.powerIteration(d.values(), d.rows(), d.cols(), 100_000, 1e-15), 1e-9);
    }
}
