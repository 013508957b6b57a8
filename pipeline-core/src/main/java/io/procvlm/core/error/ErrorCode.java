package io.procvlm.core.error;

import static java.util.Objects.requireNonNull;

/**
 * An immutable error code: a number unique across the project, a stable name (what manifests record) and a type.
 *
 * <p>Each module owns a range: core {@code 0x0001_0000}, annotators {@code 0x0002_0000}, progress {@code
 * 0x0003_0000}, vqa {@code 0x0004_0000}, app {@code 0x0005_0000}.
 *
 * <p>Serializable, so that a {@link PipelineException} raised in a Spark task travels to the driver whole (Spark keeps
 * a task's exception as the cause of the job's failure only when it serializes) and is reported with its code.
 */
public record ErrorCode(int code, String name, ErrorType type) implements java.io.Serializable {
    public ErrorCode {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (code < 0) {
            throw new IllegalArgumentException("code is negative: " + code);
        }
    }

    @Override
    public String toString() {
        return name + ":" + code;
    }
}
