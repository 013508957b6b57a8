package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.error.PipelineException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Local mode never listens beyond loopback: the UI is refused when Spark would bind it to every interface. */
final class TestSparkSessions {
    private static final SparkSettings LOCAL_UI = new SparkSettings("local[2]", "t", true, Map.of());

    @Test
    void uiNeedsALoopbackLocalIp() {
        assertThatThrownBy(() -> SparkSessions.checkUiBinding(LOCAL_UI, name -> null))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Invalid value 'true' for configuration key 'spark.ui'")
                .hasMessageContaining("SPARK_LOCAL_IP is unset");
        assertThatThrownBy(() -> SparkSessions.checkUiBinding(LOCAL_UI, name -> "0.0.0.0"))
                .hasMessageContaining("SPARK_LOCAL_IP is '0.0.0.0'");
        assertThatCode(() -> SparkSessions.checkUiBinding(LOCAL_UI, name -> "127.0.0.1"))
                .doesNotThrowAnyException();
        assertThatCode(() ->
                        SparkSessions.checkUiBinding(new SparkSettings("local[2]", "t", false, Map.of()), name -> null))
                .doesNotThrowAnyException();
        assertThatCode(() -> SparkSessions.checkUiBinding(
                        new SparkSettings("spark://10.0.0.1:7077", "t", true, Map.of()), name -> null))
                .as("a cluster's network is the operator's choice")
                .doesNotThrowAnyException();
    }

    @Test
    void withoutTheUiSparksStatusStoreKeepsLittleAndSettingsStillWin() {
        Map<String, String> noUi = SparkSessions.configuration(new SparkSettings("local[2]", "t", false, Map.of()));
        assertThat(noUi)
                .containsEntry("spark.ui.enabled", "false")
                .containsEntry("spark.ui.retainedJobs", "20")
                .containsEntry("spark.ui.retainedStages", "20")
                .containsEntry("spark.ui.retainedTasks", "1000")
                .containsEntry("spark.sql.ui.retainedExecutions", "10")
                .containsEntry("spark.driver.bindAddress", "127.0.0.1");
        assertThat(SparkSessions.configuration(LOCAL_UI))
                .as("with the UI on, Spark's own retention")
                .doesNotContainKeys("spark.ui.retainedJobs", "spark.sql.ui.retainedExecutions");
        assertThat(SparkSessions.configuration(new SparkSettings(
                        "local[2]",
                        "t",
                        false,
                        Map.of("spark.ui.retainedJobs", "500", "spark.sql.shuffle.partitions", "3"))))
                .as("spark.conf settings are applied last")
                .containsEntry("spark.ui.retainedJobs", "500")
                .containsEntry("spark.sql.shuffle.partitions", "3");
    }

    @Test
    void sparkSubmitsMasterReplacesOnlyTheDefault() {
        io.procvlm.core.config.ConfigSchema schema = io.procvlm.core.config.ConfigSchema.of(
                java.util.List.of(io.procvlm.core.config.CoreConfig.properties()));
        io.procvlm.core.config.Config defaults = io.procvlm.core.config.Config.defaults(schema);
        java.util.function.UnaryOperator<String> submitted =
                name -> name.equals("spark.master") ? "spark://127.0.0.1:7077" : null;
        assertThat(SparkSettings.from(defaults, name -> null).master()).isEqualTo("local[*]");
        assertThat(SparkSettings.from(defaults, submitted).master()).isEqualTo("spark://127.0.0.1:7077");
        assertThat(SparkSettings.from(defaults.with("spark.master", "local[2]", "--set"), submitted)
                        .master())
                .as("an explicit spark.master wins over spark-submit's --master")
                .isEqualTo("local[2]");
    }
}
