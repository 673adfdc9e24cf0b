package dev.unroll.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the libraries log while one command runs, printed as the command's own plain lines on its error
 * stream: {@code <command>: <message>}, one line per record, no date, class or level prefix.
 *
 * <p>The engine logs through {@link System.Logger}, which the JDK hands to {@code java.util.logging} (JUL)
 * whenever the {@code java.logging} module is present. JUL's default console handler prints every INFO record
 * on two lines with a date and the logging class, which repeats what the command's own header already says.
 * So, for the duration of one command, the root JUL logger's handlers are replaced by one handler that
 * prints WARNING and above always, and INFO only when the user asked for {@code --verbose} (or set
 * {@value #ENV}{@code =1}). Configuring JUL instead of registering a {@code System.LoggerFinder} service keeps
 * the change scoped: {@link #close()} puts the previous handlers back, so in-process callers (the tests, an
 * embedding application) keep their own logging, and a finder, once loaded, could never be undone in a JVM.
 */
final class ConsoleLogging implements AutoCloseable {
    /** Environment variable that turns on {@code --verbose} for every command when set to 1 (or true). */
    static final String ENV = "UNROLL_VERBOSE";

    private final Logger root;
    private final Handler[] saved;
    private final Level savedLevel;
    private final Handler handler;

    private ConsoleLogging(Logger root, Handler handler) {
        this.root = root;
        this.saved = root.getHandlers();
        this.savedLevel = root.getLevel();
        this.handler = handler;
    }

    /**
     * Routes log records to {@code err} until {@link #close()}.
     *
     * @param err     the command's error stream
     * @param prefix  what each line starts with (the command's name)
     * @param verbose whether INFO records are printed too
     * @return the installed routing; close it to restore the previous handlers
     */
    static ConsoleLogging install(PrintStream err, String prefix, boolean verbose) {
        Level threshold = verbose ? Level.INFO : Level.WARNING;
        Logger root = Logger.getLogger("");
        ConsoleLogging scope = new ConsoleLogging(root, new PlainLineHandler(err, prefix, threshold));
        for (Handler h : scope.saved) {
            root.removeHandler(h);
        }
        root.addHandler(scope.handler);
        // The logger's own level decides before any record is built, so quiet runs pay nothing for INFO calls.
        root.setLevel(threshold);
        return scope;
    }

    /** Whether the environment asks for verbose output ({@value #ENV} is 1 or true). */
    static boolean verboseFromEnvironment() {
        String v = System.getenv(ENV);
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
    }

    @Override
    public void close() {
        handler.flush();
        root.removeHandler(handler);
        for (Handler h : saved) {
            root.addHandler(h);
        }
        root.setLevel(savedLevel);
    }

    /** Prints a record's message, its parameters filled in, as one line: {@code prefix: message}. */
    private static final class PlainLineHandler extends Handler {
        private final PrintStream err;
        private final String prefix;

        PlainLineHandler(PrintStream err, String prefix, Level threshold) {
            this.err = err;
            this.prefix = prefix;
            setLevel(threshold);
        }

        @Override
        public void publish(LogRecord record) {
            if (record == null || !isLoggable(record)) {
                return;
            }
            String message = new java.util.logging.SimpleFormatter().formatMessage(record);
            if (record.getThrown() != null) {
                message += " (" + record.getThrown() + ")";
            }
            // One line per record, whatever the message holds: later lines would lose the prefix.
            String line = prefix + ": " + message.strip().replaceAll("\\s*\\R\\s*", " ");
            synchronized (err) {
                err.println(line);
            }
        }

        @Override
        public void flush() {
            err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
