package dev.unroll.cpu;

import dev.unroll.engine.BackendConfig;
import dev.unroll.engine.InvalidArgumentException;
import dev.unroll.engine.spi.Availability;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** The provider's decision as a pure function of the JVM's facts, and the validation of its settings. */
class ProbeTest {
    private static final String HOTSPOT = "OpenJDK 64-Bit Server VM";

    private static VmFacts facts(boolean module, String vm, String info, String arch, List<String> args, int bits) {
        return new VmFacts(module, vm, info, arch, args, bits);
    }

    @Test
    void availableOnHotSpotWithTheModuleAndWideVectors() {
        Availability a = ProbeDecision.decide(facts(true, HOTSPOT, "mixed mode, sharing", "amd64", List.of(), 512),
                Map.of("vectorBits", "512"));
        Assertions.assertTrue(a.available(), a.explain());
        Assertions.assertEquals("512", a.details().get("vectorBits"));
    }

    @Test
    void missingModuleNamesTheExactFlag() {
        Availability a = ProbeDecision.decide(facts(false, HOTSPOT, "mixed mode", "amd64", List.of(), 0), Map.of());
        Assertions.assertFalse(a.available());
        Assertions.assertTrue(a.fix().contains("--add-modules jdk.incubator.vector"), a.explain());
    }

    @Test
    void notHotSpotIsUnavailable() {
        Availability a = ProbeDecision.decide(facts(true, "Eclipse OpenJ9 VM", "JRE 25", "amd64", List.of(), 256),
                Map.of());
        Assertions.assertFalse(a.available());
        Assertions.assertTrue(a.reason().contains("not HotSpot"), a.explain());
    }

    @Test
    void c2OffIsUnavailable() {
        for (List<String> args : List.of(List.of("-XX:TieredStopAtLevel=1"), List.of("-Xint"), List.of("-XX:-UseCompiler"))) {
            Availability a = ProbeDecision.decide(facts(true, HOTSPOT, "mixed mode", "amd64", args, 512), Map.of());
            Assertions.assertFalse(a.available(), args.toString());
            Assertions.assertTrue(a.reason().contains("C2"), a.explain());
            Assertions.assertTrue(a.fix().contains(args.get(0)), a.explain());
        }
        Availability client = ProbeDecision.decide(facts(true, HOTSPOT, "emulated-client, sharing", "amd64", List.of(), 512),
                Map.of());
        Assertions.assertFalse(client.available());
        Assertions.assertTrue(ProbeDecision.decide(facts(true, HOTSPOT, "mixed mode", "amd64",
                List.of("-XX:TieredStopAtLevel=4"), 512), Map.of()).available());
    }

    @Test
    void narrowVectorsOnX86AreUnavailableButNotOnArm() {
        Availability x86 = ProbeDecision.decide(facts(true, HOTSPOT, "mixed mode", "amd64", List.of(), 128), Map.of());
        Assertions.assertFalse(x86.available());
        Assertions.assertTrue(x86.reason().contains("128 bits"), x86.explain());
        Assertions.assertTrue(ProbeDecision.decide(facts(true, HOTSPOT, "mixed mode", "aarch64", List.of(), 128), Map.of())
                .available());
    }

    @Test
    void vectorWidthIsValidated() {
        Assertions.assertEquals(0, VectorWidth.parse(null));
        Assertions.assertEquals(0, VectorWidth.parse(" "));
        Assertions.assertEquals(256, VectorWidth.parse("256"));
        for (String bad : List.of("100", "1024", "wide", "-128")) {
            InvalidArgumentException e = Assertions.assertThrows(InvalidArgumentException.class, () -> VectorWidth.parse(bad));
            Assertions.assertTrue(e.getMessage().contains("128, 256 or 512"), e.getMessage());
            Assertions.assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void creatingWithAnInvalidWidthOrThreadCountFailsClearly() {
        VectorProvider provider = new VectorProvider();
        InvalidArgumentException width = Assertions.assertThrows(InvalidArgumentException.class,
                () -> provider.create(BackendConfig.of(Map.of("cpu.vectorBits", "300"))));
        Assertions.assertTrue(width.getMessage().contains("unroll.cpu.vectorBits"), width.getMessage());
        InvalidArgumentException threads = Assertions.assertThrows(InvalidArgumentException.class,
                () -> provider.create(BackendConfig.of(Map.of("threads", "0"))));
        Assertions.assertTrue(threads.getMessage().contains("threads"), threads.getMessage());
    }
}
