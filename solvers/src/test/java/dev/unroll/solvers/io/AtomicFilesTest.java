package dev.unroll.solvers.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    /** A process id no system hands out (Linux caps them at 2²²), so its writer is surely gone. */
    private static final long DEAD_PID = Integer.MAX_VALUE;

    private Path plantTemporary(String target, long pid) throws IOException {
        Path temp = Files.write(dir.resolve("." + target + "." + pid + ".5eed.tmp"), new byte[] {9});
        // Written "yesterday": before this test's process started, as a killed earlier run's temporary is.
        Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minusSeconds(86_400)));
        return temp;
    }

    @Test
    void aDeadWritersTemporaryIsRemovedByTheNextWriteToTheSameTarget() throws IOException {
        Path stale = plantTemporary("z.npy", DEAD_PID);
        Path otherTarget = plantTemporary("y.npy", DEAD_PID);
        AtomicFiles.write(dir.resolve("z.npy"), new byte[] {1});
        assertFalse(Files.exists(stale), "the stale temporary of z.npy is removed");
        assertTrue(Files.exists(otherTarget), "another target's temporaries are not this write's business");
    }

    @Test
    void aLiveWritersTemporaryIsKept() throws IOException {
        long live = ProcessHandle.current().parent().orElseThrow().pid(); // the build tool that runs this test
        Path alive = plantTemporary("z.npy", live);
        AtomicFiles.write(dir.resolve("z.npy"), new byte[] {1});
        assertTrue(Files.exists(alive), "a temporary whose writer runs is never removed");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void removeTemporariesDeletesThisProcesssWriteInProgressAndTheWriteFails() throws Exception {
        Path target = dir.resolve("codes.npy");
        Files.write(target, new byte[] {7});
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch removed = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                AtomicFiles.write(target, out -> {
                    out.write(new byte[100]);
                    out.flush();
                    writing.countDown();
                    try {
                        removed.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        writer.start();
        writing.await();
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "the target and the write's temporary");
        }
        AtomicFiles.removeTemporaries(target); // what a shutdown hook calls on Ctrl-C
        try (var files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "the temporary is gone at once");
        }
        removed.countDown();
        writer.join();
        assertInstanceOf(IOException.class, failure.get(), "the interrupted write fails");
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target), "and the target is unchanged");
    }
}
