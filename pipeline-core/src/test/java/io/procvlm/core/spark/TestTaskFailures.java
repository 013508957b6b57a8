package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** A failure raised inside a Spark task reaches the driver wrapped; its error code is still found, not INTERNAL. */
final class TestTaskFailures {
    @Test
    void aTasksPipelineFailureIsFoundInsideSparksWrapping() {
        JavaSparkContext context =
                JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        Throwable thrown = catchThrowable(() -> context.parallelize(List.of(1, 2, 3), 3)
                .map(i -> {
                    if (i == 2) {
                        throw new PipelineException(CoreErrorCode.STORAGE_IO, "the disk is full (task " + i + ")");
                    }
                    return i;
                })
                .collect());
        assertThat(thrown).isNotNull().isNotInstanceOf(PipelineException.class);
        PipelineException inside = PipelineException.in(thrown);
        assertThat(inside).isNotNull();
        assertThat(inside.errorCode().name()).isEqualTo("STORAGE_IO");
        assertThat(inside.getMessage()).isEqualTo("the disk is full (task 2)");

        assertThat(PipelineException.in(new IllegalStateException("no pipeline failure here", new Error("x"))))
                .isNull();
        RuntimeException direct = new PipelineException(CoreErrorCode.STORAGE_IO, "direct");
        assertThat(PipelineException.in(direct)).isSameAs(direct);
    }
}
