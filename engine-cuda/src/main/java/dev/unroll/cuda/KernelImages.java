package dev.unroll.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the kernel images: {@code unroll.fatbin} (sm_80/sm_90 SASS + compute_90 PTX, for CUDA ≥ 13 drivers) and
 * {@code unroll.sm80.isa80.ptx} (PTX ISA 8.0, which CUDA 12 drivers JIT), from the kernels jar
 * ({@value #RESOURCES}) or from the folder {@code -Dunroll.cuda.kernels} names. Pure Java: no driver needed.
 */
final class KernelImages {
    /** Where the kernels jar keeps them. */
    static final String RESOURCES = "/dev/unroll/kernels/";
    /** The images' base name (kernels/src/main/cuda/unroll.cu). */
    static final String NAME = "unroll";
    static final String FATBIN = NAME + ".fatbin";
    static final String PTX = NAME + ".sm80.isa80.ptx";
    /** First driver version (cuDriverGetVersion) that loads nvcc 13's fatbin PTX (.version 9.0). */
    static final int CUDA_13 = 13000;

    private static final Pattern ENTRY = Pattern.compile("^\\.(?:visible|weak)\\s+\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)",
            Pattern.MULTILINE);

    /** One image: its name (for messages and {@code unroll info}) and its bytes (PTX ends with a NUL byte). */
    record Image(String name, byte[] bytes, boolean ptx) {
    }

    private final Optional<Path> dir;

    KernelImages(Optional<String> dir) {
        this.dir = dir.map(Path::of);
    }

    /** Where the images come from, for messages. */
    String source() {
        return dir.map(d -> "folder " + d.toAbsolutePath()).orElse("the kernels jar (" + RESOURCES + ")");
    }

    /**
     * The images to try for a driver of version {@code driverVersion}, best first: the fatbin first on CUDA ≥ 13
     * drivers, the PTX first on older ones (whose JIT rejects the fatbin's PTX 9.0).
     */
    List<Image> candidates(int driverVersion) throws IOException {
        List<Image> out = new ArrayList<>();
        Image fat = read(FATBIN, false);
        Image ptx = read(PTX, true);
        if (driverVersion >= CUDA_13) {
            add(out, fat);
            add(out, ptx);
        } else {
            add(out, ptx);
            add(out, fat);
        }
        if (out.isEmpty()) {
            throw new IOException("no kernel image (" + FATBIN + " or " + PTX + ") in " + source());
        }
        return out;
    }

    private static void add(List<Image> out, Image image) {
        if (image != null) {
            out.add(image);
        }
    }

    /** The PTX text, or null when absent. */
    String ptxText() throws IOException {
        Image ptx = read(PTX, false);
        return ptx == null ? null : new String(ptx.bytes(), StandardCharsets.US_ASCII);
    }

    /** The raw fatbin, or null when absent. */
    byte[] fatbin() throws IOException {
        Image fat = read(FATBIN, false);
        return fat == null ? null : fat.bytes();
    }

    /** The manifest written by build-kernels.sh (empty when the source has none). */
    Properties manifest() throws IOException {
        Properties p = new Properties();
        Image m = read("manifest.properties", false);
        if (m != null) {
            p.load(new StringReader(new String(m.bytes(), StandardCharsets.UTF_8)));
        }
        return p;
    }

    private Image read(String file, boolean nulTerminate) throws IOException {
        byte[] data;
        if (dir.isPresent()) {
            Path p = dir.get().resolve(file);
            if (!Files.isRegularFile(p)) {
                return null;
            }
            data = Files.readAllBytes(p);
        } else {
            try (InputStream in = KernelImages.class.getResourceAsStream(RESOURCES + file)) {
                if (in == null) {
                    return null;
                }
                data = in.readAllBytes();
            }
        }
        if (nulTerminate && (data.length == 0 || data[data.length - 1] != 0)) {
            byte[] z = new byte[data.length + 1];
            System.arraycopy(data, 0, z, 0, data.length);
            data = z;
        }
        return new Image(file, data, file.endsWith(".ptx"));
    }

    /** The {@code .entry} names a PTX text declares. */
    static Set<String> ptxEntries(String ptx) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The entry points the manifest lists for the images. */
    static Set<String> manifestEntries(Properties manifest) {
        Set<String> out = new LinkedHashSet<>();
        for (String e : manifest.getProperty(NAME + ".entries", "").split(",")) {
            if (!e.isBlank()) {
                out.add(e.trim());
            }
        }
        return out;
    }

    /** Whether {@code name} occurs in {@code image} as a NUL-terminated symbol string (an ELF string table). */
    static boolean containsSymbol(byte[] image, String name) {
        byte[] needle = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 1; i + needle.length <= image.length; i++) {
            if (image[i - 1] != 0 && image[i - 1] != '.') {
                continue;
            }
            for (int k = 0; k < needle.length; k++) {
                if (image[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
