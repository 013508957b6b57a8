package io.procvlm.core.error;

/** Implemented by each module's error code enum. */
public interface ErrorCodeSupplier {
    ErrorCode toErrorCode();
}
