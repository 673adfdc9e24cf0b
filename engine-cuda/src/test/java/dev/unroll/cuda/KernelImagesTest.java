package dev.unroll.cuda;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The committed kernel images (from the kernels jar) declare every entry point the backend launches: the PTX
 * by its {@code .entry} directives, the manifest by its list, the fatbin by the names in its ELF string tables.
 * Runs without a GPU.
 */
class KernelImagesTest {
    private final KernelImages images = new KernelImages(Optional.empty());

    @Test
    void ptxDeclaresEveryEntryPointTheBackendCalls() throws IOException {
        String ptx = images.ptxText();
        Assertions.assertNotNull(ptx, "unroll.sm80.isa80.ptx is missing from the kernels jar");
        Set<String> declared = KernelImages.ptxEntries(ptx);
        for (String entry : Kernel.allEntries()) {
            Assertions.assertTrue(declared.contains(entry), "the PTX image lacks entry point " + entry
                    + "; it declares " + declared);
        }
        Assertions.assertTrue(ptx.lines().anyMatch(".version 8.0"::equals), "PTX must say .version 8.0 for CUDA 12 drivers");
        Assertions.assertTrue(ptx.lines().anyMatch(".target sm_80"::equals), "PTX must target sm_80");
    }

    @Test
    void manifestAndFatbinListEveryEntryPoint() throws IOException {
        Properties manifest = images.manifest();
        Set<String> listed = KernelImages.manifestEntries(manifest);
        Assertions.assertEquals(KernelImages.ptxEntries(images.ptxText()), listed,
                "the manifest's entry list differs from the PTX's .entry directives");
        byte[] fatbin = images.fatbin();
        Assertions.assertNotNull(fatbin, "unroll.fatbin is missing from the kernels jar");
        for (String entry : Kernel.allEntries()) {
            Assertions.assertTrue(listed.contains(entry), "the manifest lacks " + entry);
            Assertions.assertTrue(KernelImages.containsSymbol(fatbin, entry), "the fatbin lacks the symbol " + entry);
        }
        Assertions.assertFalse(KernelImages.containsSymbol(fatbin, "no_such_kernel_f32"));
    }

    @Test
    void newerDriversTryTheFatbinFirstOlderOnesThePtx() throws IOException {
        List<KernelImages.Image> cuda13 = images.candidates(13000);
        List<KernelImages.Image> cuda12 = images.candidates(12040);
        Assertions.assertEquals(KernelImages.FATBIN, cuda13.get(0).name());
        Assertions.assertEquals(KernelImages.PTX, cuda12.get(0).name());
        KernelImages.Image ptx = cuda12.get(0);
        Assertions.assertEquals(0, ptx.bytes()[ptx.bytes().length - 1], "PTX handed to the driver must end with NUL");
    }

    @Test
    void entryParsingReadsVisibleAndWeakEntries() {
        String ptx = ".version 8.0\n.visible .entry a_f32(\n.param .u64 p)\n{\n}\n.weak .entry b(\n)\n// .entry c(\n";
        Assertions.assertEquals(Set.of("a_f32", "b"), KernelImages.ptxEntries(ptx));
    }

    @Test
    void layerTableMatchesTheCudaStructSize() {
        // sizeof(FusedLayers) in unroll_fused.cuh: 3 × 64 + 2 × 65 pointers, 2 × 64 ints.
        Assertions.assertEquals(3 * 64 * 8 + 2 * 65 * 8 + 2 * 64 * 4, FusedForward.TABLE_BYTES);
    }
}
