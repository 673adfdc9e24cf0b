package dev.unroll.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixTest {

    @Test
    void viewsShareMemoryAndLifeWithTheirRoot() {
        try (Backend be = Backends.open("reference", BackendConfig.defaults())) {
            Matrix m = be.fromArray(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
            Matrix col = m.columns(1, 3);
            assertTrue(col.isView());
            assertEquals(2, col.ld());
            assertEquals(2, col.offset());
            assertArrayEquals(new double[]{3, 4, 5, 6}, be.toDoubleArray(col));
            be.fill(col.view(1, 0, 1, 2), 0);
            assertArrayEquals(new double[]{1, 2, 3, 0, 5, 0}, be.toDoubleArray(m));
            col.close();
            assertFalse(m.isClosed(), "closing a view frees nothing");
            m.close();
            assertTrue(col.isClosed());
        }
    }

    @Test
    void paddedLeadingDimensionIsKeptOutOfTransfers() {
        try (Backend be = Backends.open("reference", BackendConfig.defaults());
             Matrix m = be.allocate(DType.F32, 2, 2, 5)) {
            be.upload(new float[]{1, 2, 3, 4}, m);
            assertArrayEquals(new float[]{1, 2, 3, 4}, be.toFloatArray(m));
            assertFalse(m.isPacked());
        }
    }

    @Test
    void parametrizationIdsRoundTrip() {
        for (Parametrization p : Parametrization.values()) {
            assertEquals(p, Parametrization.fromId(p.id()));
        }
        assertEquals("first_step", Parametrization.FIRST_STEP.id());
        assertThrows(InvalidArgumentException.class, () -> Parametrization.fromId("LISTA"));
    }
}
