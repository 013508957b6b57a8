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

    /** Formats a message the way {@code String.format} does; kept here so call sites stay short. */
    public static PipelineException of(ErrorCodeSupplier errorCode, String format, Object... args) {
        return new PipelineException(errorCode, String.format(java.util.Locale.ROOT, format, args));
    }
}
