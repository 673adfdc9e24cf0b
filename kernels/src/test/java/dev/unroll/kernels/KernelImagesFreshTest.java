package dev.unroll.kernels;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The committed kernel images match the CUDA sources: the manifest's {@code sources.sha256} is the hash
 * {@code build-kernels.sh} computes over {@code src/main/cuda}, and each image's hash is the one recorded.
 * Needs no nvcc; {@code kernels/check-kernels.sh} additionally rebuilds where nvcc exists.
 */
class KernelImagesFreshTest {
    private static final String RESOURCES = "/dev/unroll/kernels/";

    @Test
    void manifestMatchesTheSources() throws IOException {
        Path sources = Path.of(System.getProperty("unroll.kernels.sources", "src/main/cuda"));
        Assertions.assertTrue(Files.isDirectory(sources), "CUDA sources not found at " + sources.toAbsolutePath());
        Properties manifest = manifest();
        Assertions.assertEquals(manifest.getProperty("sources.sha256"), sourcesSha256(sources),
                "the kernel images are stale: " + sources + " changed since kernels/build-kernels.sh last ran; "
                        + "run kernels/build-kernels.sh and commit src/main/resources/dev/unroll/kernels/");
    }

    @Test
    void imagesAreTheOnesTheManifestDescribes() {
        Properties manifest = manifest();
        for (String image : manifest.getProperty("images", "").split("\\s+")) {
            Assertions.assertEquals(manifest.getProperty(image + ".fatbin.sha256"),
                    sha256(resource(image + ".fatbin")), image + ".fatbin does not match the manifest");
            byte[] ptx = resource(image + ".sm80.isa80.ptx");
            Assertions.assertEquals(manifest.getProperty(image + ".ptx.sha256"), sha256(ptx),
                    image + ".sm80.isa80.ptx does not match the manifest");
            String text = new String(ptx, StandardCharsets.US_ASCII);
            Assertions.assertTrue(text.lines().anyMatch(".version 8.0"::equals),
                    "the PTX must declare .version 8.0 so CUDA 12 drivers can JIT it");
        }
    }

    /** The same digest as build-kernels.sh: for each file, sorted by name, its name, a newline, its bytes. */
    static String sourcesSha256(Path dir) throws IOException {
        MessageDigest md = digest();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted((a, b) -> a.getFileName().toString()
                    .compareTo(b.getFileName().toString())).toList();
        }
        for (Path f : files) {
            md.update((f.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
            md.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Properties manifest() {
        Properties p = new Properties();
        try (InputStream in = KernelImagesFreshTest.class.getResourceAsStream(RESOURCES + "manifest.properties")) {
            Assertions.assertNotNull(in, "manifest.properties is missing from the kernels jar resources");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static byte[] resource(String name) {
        try (InputStream in = KernelImagesFreshTest.class.getResourceAsStream(RESOURCES + name)) {
            Assertions.assertNotNull(in, name + " is missing from the kernels jar resources");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
