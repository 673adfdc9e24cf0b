package dev.unroll.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What {@code --version} prints: Unroll's version and, when the build knew it, the git commit it was built
 * from, then the Java runtime. Both come from {@code build.properties}, which Maven fills in when it builds
 * this module (the launcher passes the commit as {@code -Dunroll.commit}); a build without git has no commit.
 */
final class BuildInfo implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "build.properties";

    /** Creates the provider (picocli's and {@link Main}'s). */
    BuildInfo() {
    }

    @Override
    public String[] getVersion() {
        return new String[]{line()};
    }

    /** One line: {@code unroll 0.1.0 (commit 1a2b3c4d5e6f), Java 25.0.3+9-LTS (Eclipse Adoptium)}. */
    static String line() {
        Properties p = properties();
        String version = usable(p.getProperty("version"), "unknown version");
        String commit = usable(p.getProperty("commit"), "");
        return "unroll " + version + (commit.isEmpty() ? "" : " (commit " + commit + ")") + ", Java "
                + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")";
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // An unreadable resource in our own jar: the line says "unknown version" rather than failing.
        }
        return p;
    }

    /** The value, or {@code fallback} when it is missing or an unfilled {@code ${...}} placeholder. */
    private static String usable(String value, String fallback) {
        return value == null || value.isBlank() || value.contains("${") ? fallback : value.trim();
    }
}
