package io.procvlm.core.error;

import io.procvlm.core.model.Problem;

/**
 * An unexpected exception in a unit of work becomes an {@code INTERNAL} problem (the unit is quarantined, the run goes
 * on) — always a bug. With {@code --verbose} ({@link #VERBOSE_PROPERTY} set to {@code true}) its stack trace is printed
 * on stderr where it happened (the driver, or a local-mode executor, which share the process).
 */
public final class InternalFailures {
    /** The system property {@code --verbose} sets. */
    public static final String VERBOSE_PROPERTY = "procvlm.verbose";

    private InternalFailures() {}

    /** The problem for {@code failure}, described as {@code what} (e.g. "Unexpected failure annotating"). */
    public static Problem problem(String what, Throwable failure) {
        if (Boolean.getBoolean(VERBOSE_PROPERTY)) {
            synchronized (System.err) {
                System.err.println("INTERNAL: " + what + ":");
                failure.printStackTrace(System.err);
            }
        }
        return Problem.error(CoreErrorCode.INTERNAL.name(), what + ": " + failure);
    }
}
