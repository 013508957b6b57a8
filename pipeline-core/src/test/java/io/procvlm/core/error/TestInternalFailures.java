package io.procvlm.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.model.Problem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class TestInternalFailures {
    @Test
    void anInternalProblemNamesTheExceptionAndVerbosePrintsItsStackTrace() {
        RuntimeException failure = new ArrayIndexOutOfBoundsException("Index 393 out of bounds for length 393");
        String quiet = captureStderr(() -> {
            Problem problem = InternalFailures.problem("Unexpected failure annotating", failure);
            assertThat(problem.code()).isEqualTo("INTERNAL");
            assertThat(problem.message())
                    .isEqualTo("Unexpected failure annotating: java.lang.ArrayIndexOutOfBoundsException: Index 393 out"
                            + " of bounds for length 393");
        });
        assertThat(quiet).isEmpty();
        System.setProperty(InternalFailures.VERBOSE_PROPERTY, "true");
        try {
            String verbose = captureStderr(() -> InternalFailures.problem("Unexpected failure annotating", failure));
            assertThat(verbose)
                    .contains("INTERNAL: Unexpected failure annotating:")
                    .contains("ArrayIndexOutOfBoundsException")
                    .contains("at io.procvlm.core.error.TestInternalFailures");
        } finally {
            System.clearProperty(InternalFailures.VERBOSE_PROPERTY);
        }
    }

    private static String captureStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
