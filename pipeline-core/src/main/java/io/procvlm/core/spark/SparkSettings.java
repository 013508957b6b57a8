package io.procvlm.core.spark;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import java.util.Map;
import java.util.function.UnaryOperator;

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
        return from(config, System::getProperty);
    }

    /**
     * As {@link #from(Config)}; {@code systemProperties} looks up JVM system properties. Under {@code spark-submit}
     * the {@code --master} option arrives as the system property {@code spark.master}: it replaces the default
     * {@code local[*]}, while a {@code spark.master} set in the configuration file or with {@code --set} still wins.
     */
    static SparkSettings from(Config config, UnaryOperator<String> systemProperties) {
        String master = config.string(CoreConfig.SPARK_MASTER);
        String submitted = systemProperties.apply("spark.master");
        if ("default".equals(config.source(CoreConfig.SPARK_MASTER)) && submitted != null && !submitted.isBlank()) {
            master = submitted;
        }
        return new SparkSettings(
                master,
                config.string(CoreConfig.SPARK_APP_NAME),
                config.bool(CoreConfig.SPARK_UI),
                config.stringMap(CoreConfig.SPARK_CONF));
    }

    public boolean isLocal() {
        return master.startsWith("local");
    }
}
