package io.procvlm.core.spark;

import io.procvlm.core.io.HadoopSettingsSource;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Spark's {@code spark.hadoop.*} settings for {@link io.procvlm.core.io.HadoopConf}: from the running
 * {@link SparkEnv}, which exists on the driver once a session has started and on every executor. Registered in
 * {@code META-INF/services/io.procvlm.core.io.HadoopSettingsSource}.
 */
public final class SparkHadoopSettings implements HadoopSettingsSource {
    private static final String PREFIX = "spark.hadoop.";

    @Override
    public Object owner() {
        return SparkEnv.get();
    }

    @Override
    public Map<String, String> settings() {
        SparkEnv env = SparkEnv.get();
        Map<String, String> settings = new TreeMap<>();
        if (env == null) {
            return settings;
        }
        for (Tuple2<String, String> entry : env.conf().getAll()) {
            if (entry._1().startsWith(PREFIX) && entry._1().length() > PREFIX.length()) {
                settings.put(entry._1().substring(PREFIX.length()), entry._2());
            }
        }
        return settings;
    }
}
