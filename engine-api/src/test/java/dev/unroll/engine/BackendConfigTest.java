package dev.unroll.engine;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendConfigTest {

    @Test
    void readsUnrollPropertiesWithoutPrefix() {
        System.setProperty("unroll.test.threads", "3");
        try {
            BackendConfig c = BackendConfig.fromSystemProperties();
            assertEquals(3, c.getInt("test.threads", 1));
            assertEquals(7, c.getInt("absent", 7));
        } finally {
            System.clearProperty("unroll.test.threads");
        }
    }

    @Test
    void badIntegerSaysWhichSettingAndWhatToDo() {
        BackendConfig c = BackendConfig.of(Map.of("threads", "many"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> c.getInt("threads", 2));
        assertTrue(e.getMessage().contains("unroll.threads"), e.getMessage());
        assertTrue(e.getMessage().contains("'many'"), e.getMessage());
    }

    @Test
    void withReturnsACopy() {
        BackendConfig a = BackendConfig.defaults();
        BackendConfig b = a.with("device", "1");
        assertTrue(a.get("device").isEmpty());
        assertEquals("1", b.get("device").orElseThrow());
    }
}
