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

    /**
     * How many finished jobs, stages, tasks per stage and SQL executions Spark's status store keeps when the UI is off.
     * The store is filled whether or not a UI shows it, and nothing in the pipeline reads it; at Spark's defaults (1,000
     * jobs, stages and executions, 100,000 tasks) it grew with every batch of a run, most of the driver's growth with
     * the corpus (scale.md). With {@code spark.ui} on, Spark's defaults stay.
     */
    static final Map<String, String> STATUS_RETENTION_WITHOUT_UI = Map.of(
            "spark.ui.retainedJobs", "20",
            "spark.ui.retainedStages", "20",
            "spark.ui.retainedTasks", "1000",
            "spark.ui.retainedDeadExecutors", "10",
            "spark.sql.ui.retainedExecutions", "10");

    /** The Spark settings a session starts with: the pipeline's, then {@code settings.extra()} (which win). */
    static Map<String, String> configuration(SparkSettings settings) {
        Map<String, String> conf = new java.util.LinkedHashMap<>();
        conf.put("spark.ui.enabled", Boolean.toString(settings.ui()));
        conf.put("spark.ui.showConsoleProgress", "false");
        conf.put("spark.sql.session.timeZone", "UTC");
        conf.put("spark.sql.shuffle.partitions", "8");
        conf.put("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");
        conf.put("spark.sql.parquet.compression.codec", "zstd");
        conf.put("spark.sql.debug.maxToStringFields", "200");
        conf.put("spark.hadoop.fs.file.impl", io.procvlm.core.io.HadoopConf.RAW_LOCAL_FILE_SYSTEM);
        if (!settings.ui()) {
            conf.putAll(new java.util.TreeMap<>(STATUS_RETENTION_WITHOUT_UI));
        }
        if (settings.isLocal()) {
            conf.put("spark.driver.host", "127.0.0.1");
            conf.put("spark.driver.bindAddress", "127.0.0.1");
            conf.put("spark.ui.port", "0");
            conf.put("spark.blockManager.port", "0");
            conf.put("spark.driver.port", "0");
        }
        conf.putAll(settings.extra());
        return conf;
    }

    public static SparkSession create(SparkSettings settings) {
        checkUiBinding(settings, System::getenv);
        SparkSession.Builder builder =
                SparkSession.builder().master(settings.master()).appName(settings.appName());
        for (Map.Entry<String, String> entry : configuration(settings).entrySet()) {
            builder = builder.config(entry.getKey(), entry.getValue());
        }
        return builder.getOrCreate();
    }
}
