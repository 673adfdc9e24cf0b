package dev.unroll.solvers.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files so that readers see either the old file or the complete new one, never a half-written one:
 * the content goes to a temporary file in the target's folder (same file system, so the rename is atomic),
 * is forced to disk, and is then moved over the target in one step. A crash or an exception while writing
 * leaves the target untouched and removes the temporary file.
 *
 * <p>A process killed while writing (kill -9, or Ctrl-C, whose shutdown never runs the writer's cleanup)
 * leaves its hidden temporary {@code .NAME.<pid>.<hex>.tmp} behind. The name carries the writer's process
 * id, so the next write to the same target removes the temporaries whose writer is gone (and that were last
 * modified before this process started), never those of a live writer. A command's shutdown hook calls
 * {@link #removeTemporaries(Path)} to remove its own on Ctrl-C.
 */
public final class AtomicFiles {

    /** The body of a write: puts the whole content on the given stream (buffered; do not close it). */
    @FunctionalInterface
    public interface Content {
        /** Writes the content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long PID = ProcessHandle.current().pid();
    /** When this process started; a temporary modified later may belong to a writer we cannot see. */
    private static final Instant STARTED = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    /** This process's temporaries being written now. */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code target} atomically.
     *
     * @throws IOException when the folder cannot be written or the move fails; the target is then unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes the content produced by {@code content} to {@code target} atomically. Missing parent folders
     * are created.
     *
     * @throws IOException when the folder cannot be written, the content fails or the move fails; the target
     *     is then unchanged
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(content, "content");
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null) {
            throw new IOException("cannot write " + target + ": it names no file inside a folder");
        }
        Files.createDirectories(folder);
        removeStale(absolute);
        // Same folder as the target: a rename within one file system is what makes the move atomic. Not
        // Files.createTempFile: its owner-only permissions would carry over to the result; CREATE_NEW gives the
        // permissions any new file gets here (the umask), and a random name that cannot collide.
        Path temp = folder.resolve("." + absolute.getFileName() + "." + PID + "." + Long.toHexString(RANDOM.nextLong())
                + ".tmp");
        boolean moved = false;
        WRITING.add(temp);
        try {
            try (var channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                 OutputStream raw = Channels.newOutputStream(channel);
                 OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
                content.writeTo(out);
                out.flush();
                // On disk before the rename, so that a power cut cannot expose an empty file under the name.
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // A file system without atomic renames (some network mounts): still never a half file under
                // the target's name while writing, only the replacement step itself is not atomic.
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            WRITING.remove(temp);
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Removes the temporaries this process is writing for {@code target} now: for a shutdown hook, where the
     * writing thread's own cleanup never runs. The interrupted write then fails; the target is unchanged.
     */
    public static void removeTemporaries(Path target) {
        Path absolute = target.toAbsolutePath();
        Pattern own = temporaryName(absolute);
        for (Path temp : List.copyOf(WRITING)) {
            Matcher m = own.matcher(temp.getFileName().toString());
            if (temp.getParent().equals(absolute.getParent()) && m.matches() && Long.parseLong(m.group(1)) == PID) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * Removes the temporaries of {@code target} that earlier, killed writers left: those whose process is
     * gone, or is this one but not writing them, and that were last modified before this process started.
     */
    static void removeStale(Path target) {
        Pattern ofTarget = temporaryName(target);
        try (Stream<Path> files = Files.list(target.getParent())) {
            for (Path temp : files.toList()) {
                Matcher m = ofTarget.matcher(temp.getFileName().toString());
                if (m.matches() && isStale(temp, Long.parseLong(m.group(1)))) {
                    deleteQuietly(temp);
                }
            }
        } catch (IOException e) {
            // A folder we cannot list: the write itself then says what is wrong with it.
        }
    }

    private static boolean isStale(Path temp, long owner) {
        boolean ownerGone = owner == PID ? !WRITING.contains(temp)
                : ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
        try {
            return ownerGone && Files.getLastModifiedTime(temp).compareTo(FileTime.from(STARTED)) < 0;
        } catch (IOException e) {
            return false; // gone already, or not ours to read
        }
    }

    /** {@code .NAME.<pid>.<hex>.tmp} for the target's file name NAME; group 1 is the writer's process id. */
    private static Pattern temporaryName(Path target) {
        return Pattern.compile("\\." + Pattern.quote(target.getFileName().toString())
                + "\\.(\\d{1,18})\\.[0-9a-f]+\\.tmp");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Another process's cleanup, or a folder we may not change: the file stays, nothing else depends on it.
        }
    }
}
