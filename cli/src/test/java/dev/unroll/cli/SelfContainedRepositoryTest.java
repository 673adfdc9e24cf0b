package dev.unroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository stands alone: no tracked file points outside the clone, at a sibling folder of notes or at
 * documents that only exist there. The project's own account of the science is {@code docs/science.md}.
 */
class SelfContainedRepositoryTest {
    /**
     * What must not appear. Each is written in two pieces so that this file does not contain what it forbids.
     */
    private static final List<String> FORBIDDEN = List.of(
            ".." + "/shared",          // a folder beside the clone
            "SCIEN" + "CE.md",         // the notes docs/science.md replaces
            "DESI" + "GN.md",
            "ENGINEE" + "RING.md");

    /** Folders that hold build outputs or tools' state, never sources (used when git is not available). */
    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", ".git", ".gpu-bundle", ".idea", "node_modules");

    @Test
    void noTrackedFileReferencesAnythingOutsideTheRepository() throws Exception {
        Path root = repositoryRoot();
        List<Path> files = trackedFiles(root);
        assertTrue(files.size() > 50, "found the repository's files under " + root + ": " + files.size());
        List<String> hits = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            if (isBinary(bytes)) {
                continue;
            }
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (String needle : FORBIDDEN) {
                    if (lines[i].contains(needle)) {
                        hits.add(root.relativize(file) + ":" + (i + 1) + ": " + lines[i].strip());
                    }
                }
            }
        }
        assertEquals(List.of(), hits, "files that refer outside the repository (cite docs/science.md instead, and "
                + "keep scripts and notes inside the clone)");
    }

    /** The folder holding the root pom.xml and the launcher, above the module the tests run in. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("unroll")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (a folder with pom.xml and unroll) above "
                + Path.of("").toAbsolutePath());
    }

    /** git's list of tracked files where git and a clone exist, else every file outside build folders. */
    private static List<Path> trackedFiles(Path root) throws IOException, InterruptedException {
        if (Files.exists(root.resolve(".git"))) {
            try {
                Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                byte[] out = git.getInputStream().readAllBytes();
                if (git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0) {
                    List<Path> files = new ArrayList<>();
                    for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
                        Path file = root.resolve(name);
                        if (!name.isEmpty() && Files.isRegularFile(file)) {
                            files.add(file);
                        }
                    }
                    return files;
                }
            } catch (IOException noGit) {
                // no git on this machine: walk the tree instead
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (SKIPPED_FOLDERS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .toList();
        }
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
