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
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Writes files so that readers see either the old file or the complete new one, never a half-written one:
 * the content goes to a temporary file in the target's folder (same file system, so the rename is atomic),
 * is forced to disk, and is then moved over the target in one step. A crash or an exception while writing
 * leaves the target untouched and removes the temporary file.
 */
public final class AtomicFiles {

    /** The body of a write: puts the whole content on the given stream (buffered; do not close it). */
    @FunctionalInterface
    public interface Content {
        /** Writes the content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

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
        // Same folder as the target: a rename within one file system is what makes the move atomic. Not
        // Files.createTempFile: its owner-only permissions would carry over to the result; CREATE_NEW gives the
        // permissions any new file gets here (the umask), and a random name that cannot collide.
        Path temp = folder.resolve("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong())
                + ".tmp");
        boolean moved = false;
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
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
