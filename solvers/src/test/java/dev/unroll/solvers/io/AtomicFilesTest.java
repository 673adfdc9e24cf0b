package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentAndCreatesFolders() throws IOException {
        Path f = dir.resolve("a/b/c.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        AtomicFiles.write(f, new byte[] {4});
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(f));
        try (var files = Files.list(f.getParent())) {
            assertEquals(List.of(f), files.toList()); // no temporary left behind
        }
    }

    @Test
    void resultHasTheUsualPermissionsNotOwnerOnly() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class),
                "not a POSIX file system");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic");
        AtomicFiles.write(atomic, new byte[1]);
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }
}
