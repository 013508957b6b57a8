package io.procvlm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.SharedSpark;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** procvlm's own Hadoop configuration sees spark-submit's and Spark's {@code spark.hadoop.*} settings. */
final class TestHadoopConf {
    @Test
    void sparkHadoopSystemPropertiesThenSourceSettingsThenRawLocalFiles() {
        Properties system = new Properties();
        system.setProperty("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000");
        system.setProperty("spark.hadoop.fs.s3a.path.style.access", "true");
        system.setProperty("spark.executor.memory", "1g");
        system.setProperty("spark.hadoop.", "ignored");
        Configuration configuration =
                HadoopConf.build(system, Map.of("fs.s3a.path.style.access", "false", "fs.file.impl", "some.Other"));
        assertThat(configuration.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
        assertThat(configuration.get("fs.s3a.path.style.access"))
                .as("Spark's settings come last")
                .isEqualTo("false");
        assertThat(configuration.get("spark.executor.memory")).isNull();
        assertThat(configuration.get("fs.file.impl")).isEqualTo(HadoopConf.RAW_LOCAL_FILE_SYSTEM);
    }

    @Test
    void aRunningSparkSessionsHadoopSettingsAreSeen() {
        SharedSpark.get();
        // SparkSessions sets spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs=false.
        assertThat(HadoopConf.get().get("mapreduce.fileoutputcommitter.marksuccessfuljobs"))
                .isEqualTo("false");
        assertThat(HadoopConf.get()).isSameAs(HadoopConf.get());
    }
}
