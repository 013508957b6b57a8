package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One problem found in a dataset or episode.
 *
 * @param code the stable error code name (for example {@code MISSING_VIDEO})
 * @param severity whether the episode is quarantined or only warned about
 * @param message a readable sentence with the concrete values involved
 */
public record Problem(String code, Severity severity, String message) implements Serializable {
    public Problem {
        requireNonNull(code, "code is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(message, "message is null");
    }

    public static Problem error(String code, String message) {
        return new Problem(code, Severity.ERROR, message);
    }

    public static Problem warning(String code, String message) {
        return new Problem(code, Severity.WARNING, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return code + ": " + message;
    }
}
