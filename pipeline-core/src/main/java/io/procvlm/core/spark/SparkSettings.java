package io.procvlm.core.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import java.util.Map;

/**
 * How to start Spark.
 *
 * @param master the master URL
 * @param appName the application name
 * @param ui whether to start the web UI (bound to 127.0.0.1 in local mode)
 * @param extra settings passed through unchanged, applied last
 */
public record SparkSettings(String master, String appName, boolean ui, Map<String, String> extra) {
    public SparkSettings {
        requireNonNull(master, "master is null");
        requireNonNull(appName, "appName is null");
        extra = Map.copyOf(requireNonNull(extra, "extra is null"));
    }

    public static SparkSettings from(Config config) {
        return new SparkSettings(
                config.string(CoreConfig.SPARK_MASTER),
                config.string(CoreConfig.SPARK_APP_NAME),
                config.bool(CoreConfig.SPARK_UI),
                config.stringMap(CoreConfig.SPARK_CONF));
    }

    public boolean isLocal() {
        return master.startsWith("local");
    }
}
