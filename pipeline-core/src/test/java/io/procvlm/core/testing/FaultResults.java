package io.procvlm.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The fault suite's results file: one tab-separated line per checked fault (fault, runs, expected, observed, pass),
 * appended as each is checked, which {@code scripts/fault-suite} prints as a table. The file is {@code
 * target/fault-suite/results.tsv} of the module under test (or the system property {@code procvlm.fault-results}).
 * Test methods annotated {@link Fault} are recorded by {@link Watcher} from their JUnit outcome; tests that check many
 * faults in one run call {@link #record} for each.
 */
public final class FaultResults {
    private FaultResults() {}

    /** Marks a test method as the check of one fault; {@link Watcher} records its outcome. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Fault {
        String name();

        /** Number of pipeline runs (CLI invocations or processes) the check makes. */
        int runs();

        String expected();

        /** What was observed when the test passes. */
        String observed();
    }

    /** Records {@link Fault}-annotated tests: passed, failed (with the failure's first line) or skipped. */
    public static final class Watcher implements TestWatcher {
        @Override
        public void testSuccessful(ExtensionContext context) {
            fault(context).ifPresent(f -> record(f.name(), f.runs(), f.expected(), f.observed(), true));
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            fault(context)
                    .ifPresent(f -> record(
                            f.name(), f.runs(), f.expected(), "FAILED: " + firstLine(String.valueOf(cause)), false));
        }

        @Override
        public void testAborted(ExtensionContext context, Throwable cause) {
            fault(context)
                    .ifPresent(
                            f -> record(f.name(), 0, f.expected(), "skipped: " + firstLine(cause.getMessage()), true));
        }

        private static Optional<Fault> fault(ExtensionContext context) {
            return context.getTestMethod().map(m -> m.getAnnotation(Fault.class));
        }
    }

    /** Appends one result line. */
    public static synchronized void record(String fault, int runs, String expected, String observed, boolean pass) {
        Path file = Path.of(System.getProperty("procvlm.fault-results", "target/fault-suite/results.tsv"));
        String line = String.join(
                        "\t",
                        clean(fault),
                        Integer.toString(runs),
                        clean(expected),
                        clean(observed),
                        pass ? "pass" : "FAIL")
                + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    private static String clean(String text) {
        return text.replace('\t', ' ').replace('\n', ' ');
    }
}
