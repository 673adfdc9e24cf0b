package dev.unroll.tck.support;

import dev.unroll.engine.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Opens the backend under test once per test class (skipping the class with the probe's reason where it
 * is unavailable) and closes it afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceBase {
    /** The backend under test. */
    protected Backend backend;

    @BeforeAll
    void openBackend() {
        backend = TckBackend.open();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }
}
