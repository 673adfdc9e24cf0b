package dev.unroll.solvers.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unroll.solvers.HostMatrix;
import dev.unroll.solvers.data.NumpyRandom;
import org.junit.jupiter.api.Test;

/** The shipped image, its patches and their average, and PSNR. */
class GrayImageTest {

    @Test
    void cameraLoadsAndPatchesRoundTrip() {
        GrayImage cam = GrayImage.camera();
        assertEquals(128, cam.height());
        assertEquals(128, cam.width());
        HostMatrix p = cam.patches(10);
        assertEquals(100, p.rows());
        assertEquals(119 * 119, p.cols());
        assertEquals(cam.get(3, 5), p.get(0, 3 * 119 + 5));
        assertEquals(cam.get(4, 7), p.get(12, 3 * 119 + 5)); // row 1, column 2 of that patch
        GrayImage back = GrayImage.fromPatches(p, 10, 128, 128);
        for (int i = 0; i < cam.pixels().length; i++) {
            assertEquals(cam.pixels()[i], back.pixels()[i], 1e-12);
        }
    }

    @Test
    void noiseOfSigmaPointOneGivesAboutTwentyDecibels() {
        GrayImage cam = GrayImage.camera();
        double psnr = cam.withNoise(0.1, new NumpyRandom(0), false).psnr(cam);
        assertTrue(psnr > 19.5 && psnr < 20.5, "PSNR " + psnr);
    }
}
