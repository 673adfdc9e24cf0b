package dev.unroll.engine;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The WARNING for 'auto' landing on 'reference' because the JVM lacks the Vector API module. */
class BackendsWarningTest {
    @Test
    void landingOnReferenceWithoutTheVectorModuleNamesTheFlag() {
        String w = Backends.referenceFallbackWarning("reference", List.of("cuda", "cpu-vector"), false);
        assertTrue(w != null && w.contains("--add-modules jdk.incubator.vector") && w.contains("cpu-vector"), w);
        assertTrue(!w.contains("\n"), "one line");
    }

    @Test
    void noWarningWhenTheModuleIsThereOrTheChoiceIsAnother() {
        // With the module present, cpu-vector was skipped for another reason (e.g. no AVX2): its INFO line says why.
        assertNull(Backends.referenceFallbackWarning("reference", List.of("cpu-vector"), true));
        assertNull(Backends.referenceFallbackWarning("cpu-vector", List.of("cuda"), false));
        // Without cpu-vector installed there is nothing the flag would bring.
        assertNull(Backends.referenceFallbackWarning("reference", List.of("cuda"), false));
    }
}
