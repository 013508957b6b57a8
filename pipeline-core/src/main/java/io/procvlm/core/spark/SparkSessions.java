package io.procvlm.core.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Starts Spark for the pipeline. In local mode everything (driver RPC, block manager, UI when enabled) binds to
 * 127.0.0.1 and nothing listens beyond loopback.
 */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * Spark's web UI binds to {@code $SPARK_LOCAL_IP}, or to every interface when it is unset (there is no Spark
     * setting for it), so in local mode the UI is refused unless that variable names a loopback address.
     * {@code scripts/procvlm} sets {@code SPARK_LOCAL_IP=127.0.0.1}.
     */
    static void checkUiBinding(SparkSettings settings, java.util.function.UnaryOperator<String> environment) {
        if (!settings.ui() || !settings.isLocal()) {
            return;
        }
        String localIp = environment.apply("SPARK_LOCAL_IP");
        if (localIp == null || !(localIp.equals("localhost") || localIp.startsWith("127.") || localIp.equals("::1"))) {
            throw new io.procvlm.core.error.PipelineException(
                    io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE,
                    "Invalid value 'true' for configuration key 'spark.ui': in local mode the Spark UI would listen on"
                            + " every network interface because SPARK_LOCAL_IP is "
                            + (localIp == null ? "unset" : "'" + localIp + "'")
                            + "; set SPARK_LOCAL_IP=127.0.0.1 (scripts/procvlm does) or leave spark.ui off");
        }
    }

    /** The version of the Spark on the classpath. */
    public static String sparkVersion() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    public static SparkSession create(SparkSettings settings) {
        checkUiBinding(settings, System::getenv);
        SparkSession.Builder builder = SparkSession.builder()
                .master(settings.master())
                .appName(settings.appName())
                .config("spark.ui.enabled", Boolean.toString(settings.ui()))
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
                .config("spark.sql.parquet.compression.codec", "zstd")
                .config("spark.sql.debug.maxToStringFields", "200")
                .config("spark.hadoop.fs.file.impl", io.procvlm.core.io.HadoopConf.RAW_LOCAL_FILE_SYSTEM);
        if (settings.isLocal()) {
            builder = builder.config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.port", "0")
                    .config("spark.blockManager.port", "0")
                    .config("spark.driver.port", "0");
        }
        for (Map.Entry<String, String> entry : settings.extra().entrySet()) {
            builder = builder.config(entry.getKey(), entry.getValue());
        }
        return builder.getOrCreate();
    }
}
