package io.procvlm.core.error;

import static java.util.Objects.requireNonNull;

/** The one exception type of the pipeline: every failure carries an {@link ErrorCode}. */
public class PipelineException extends RuntimeException {
    private final ErrorCode errorCode;

    public PipelineException(ErrorCodeSupplier errorCode, String message) {
        this(errorCode, message, null);
    }

    public PipelineException(ErrorCodeSupplier errorCode, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null").toErrorCode();
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public ErrorType errorType() {
        return errorCode.type();
    }

    /**
     * The pipeline failure behind {@code failure}: itself, or the first in its chain of causes. A task's failure reaches
     * the driver wrapped by Spark (a {@code SparkException} whose cause is the task's exception); its code, not
     * {@code INTERNAL}, is what happened. Null when the chain holds none.
     */
    public static PipelineException in(Throwable failure) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof PipelineException pipeline) {
                return pipeline;
            }
        }
        return null;
    }

    /** Formats a message the way {@code String.format} does; kept here so call sites stay short. */
    public static PipelineException of(ErrorCodeSupplier errorCode, String format, Object... args) {
        return new PipelineException(errorCode, String.format(java.util.Locale.ROOT, format, args));
    }
}
