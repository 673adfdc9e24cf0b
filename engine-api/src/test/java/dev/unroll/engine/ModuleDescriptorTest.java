package dev.unroll.engine;

import dev.unroll.engine.reference.ReferenceProvider;
import dev.unroll.engine.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tests run on the class path, where module-info is ignored: check the compiled descriptor itself, so
 * module-path users find the reference backend through {@code provides} as class-path users do through
 * META-INF/services.
 */
class ModuleDescriptorTest {

    @Test
    void moduleDeclaresTheSpiAndTheReferenceProvider() throws Exception {
        Path classes = Path.of(ReferenceProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            ModuleDescriptor d = ModuleDescriptor.read(in);
            assertEquals("dev.unroll.engine", d.name());
            assertTrue(d.uses().contains(BackendProvider.class.getName()));
            assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(BackendProvider.class.getName())
                    && p.providers().contains(ReferenceProvider.class.getName())), d.provides().toString());
            assertTrue(d.exports().stream().anyMatch(e -> e.source().equals("dev.unroll.engine.spi")));
        }
    }

    @Test
    void serviceFileNamesTheReferenceProvider() throws Exception {
        try (InputStream in = ReferenceProvider.class.getResourceAsStream(
                "/META-INF/services/" + BackendProvider.class.getName())) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains(ReferenceProvider.class.getName()), text);
        }
    }
}
