package dev.unroll.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a command's output before any work starts, so that hours of training are never lost to an output
 * that cannot be written at the end, and an output never replaces one of the command's own inputs. Each
 * failure is a {@link UsageException} (exit status 2) saying what to change.
 */
final class Outputs {
    private Outputs() {
    }

    /** An input file of the command and the option that named it, e.g. {@code --in X.npy}. */
    record Input(String option, Path path) {
    }

    /** {@code option path}, for {@link #checkFile}; a null path (an option not given) is skipped. */
    static Input input(String option, Path path) {
        return new Input(option, path);
    }

    /**
     * Fails when the output file {@code out}, named by {@code option}, is a folder, lies in a folder that
     * cannot be created or written, or is the same file as one of {@code inputs} (compared as real files:
     * through symbolic and hard links, {@code ./} and {@code ../}).
     */
    static void checkFile(String option, Path out, Input... inputs) {
        if (Files.isDirectory(out)) {
            throw new UsageException(option + " " + out + " is a folder; give a file name for the output");
        }
        checkFolder(option, out, out.toAbsolutePath().getParent());
        for (Input in : inputs) {
            if (in.path() != null && sameFile(out, in.path())) {
                throw new UsageException(option + " " + out + " is the input " + in.option() + " " + in.path()
                        + "; writing it would destroy that input: choose another output file");
            }
        }
    }

    /**
     * Fails when the output folder {@code dir}, named by {@code option}, could not be created or written:
     * the nearest part of it that exists must be a folder this process may write into.
     */
    static void checkFolder(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException(option + " " + dir + " is a file, not a folder; give a folder for the outputs");
        }
        checkFolder(option, dir, dir.toAbsolutePath());
    }

    private static void checkFolder(String option, Path out, Path folder) {
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return; // no part of the path exists, not even its root: the write will say why
        }
        if (!Files.isDirectory(existing)) {
            throw new UsageException(option + " " + out + ": cannot create the folder " + folder + " because "
                    + existing + " is a file; choose another output path");
        }
        if (!Files.isWritable(existing)) {
            throw new UsageException(option + " " + out + ": cannot write into the folder " + existing
                    + " (no permission, or a read-only file system); choose another output path");
        }
    }

    private static boolean sameFile(Path out, Path in) {
        if (!Files.exists(in)) {
            return false; // a missing input fails on its own
        }
        try {
            if (Files.exists(out)) {
                return Files.isSameFile(out, in); // through symbolic and hard links
            }
            // "missing/../X.npy" does not exist yet, but the write creates "missing" and then lands on X.npy.
            Path lexical = out.toAbsolutePath().normalize();
            return Files.exists(lexical) && Files.isSameFile(lexical, in);
        } catch (IOException e) {
            return false; // cannot tell (an unreadable link): the write itself will say what is wrong
        }
    }
}
