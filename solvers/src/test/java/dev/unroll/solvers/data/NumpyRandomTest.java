package dev.unroll.solvers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Draws compared bit for bit with NumPy 2.4's legacy RandomState (values printed by python3 once). */
class NumpyRandomTest {
    @Test
    void randnAndRandomSampleMatchNumpy() {
        NumpyRandom r = new NumpyRandom(42);
        assertArrayEquals(new double[]{0.4967141530112327, -0.13826430117118466, 0.6476885381006925,
                1.5230298564080254, -0.23415337472333597}, r.gaussians(5));
        // After an odd number of randn draws NumPy keeps the cached Gaussian; random_sample does not use it.
        assertEquals(0.05808361216819946, r.nextDouble());
        assertEquals(0.8661761457749352, r.nextDouble());
        assertEquals(0.6011150117432088, r.nextDouble());
    }

    @Test
    void shuffleAndPermutationMatchNumpy() {
        NumpyRandom r = new NumpyRandom(0);
        assertArrayEquals(new double[]{1.764052345967664, 0.4001572083672233, 0.9787379841057392}, r.gaussians(3));
        int[] a = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        r.shuffle(a.length, (i, j) -> {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        });
        assertArrayEquals(new int[]{1, 6, 8, 7, 0, 4, 2, 5, 3, 9}, a);
        assertArrayEquals(new int[]{2, 5, 0, 6, 3, 1, 4, 7}, new NumpyRandom(7).permutation(8));
    }

    @Test
    void oracleIstaSeed() {
        assertArrayEquals(new double[]{0.41137873345715376, -1.4378232319017288}, new NumpyRandom(92518).gaussians(2));
    }
}
