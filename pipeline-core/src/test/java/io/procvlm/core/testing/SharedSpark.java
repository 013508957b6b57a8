package io.procvlm.core.testing;

import io.procvlm.core.spark.SparkSessions;
import io.procvlm.core.spark.SparkSettings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One local Spark session per test JVM (starting Spark costs seconds), bound to 127.0.0.1, UI off. */
public final class SharedSpark {
    private static SparkSession session;

    private SharedSpark() {}

    public static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSessions.create(new SparkSettings("local[2]", "procvlm-tests", false, Map.of()));
        }
        return session;
    }
}
