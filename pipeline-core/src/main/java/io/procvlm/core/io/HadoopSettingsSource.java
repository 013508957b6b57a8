package io.procvlm.core.io;

import java.util.Map;

/**
 * Hadoop settings supplied by the engine the code runs in, merged into {@link HadoopConf} (found with
 * {@link java.util.ServiceLoader}). Under Spark these are the {@code spark.hadoop.*} settings, on the driver and on
 * every executor, so that {@code --conf spark.hadoop.fs.s3a.endpoint=...} reaches procvlm's own file access too.
 */
public interface HadoopSettingsSource {
    /**
     * What the settings currently come from (e.g. the running Spark environment), or {@code null} when there is none;
     * {@link HadoopConf} rebuilds its configuration when this changes.
     */
    Object owner();

    /** The settings, with Hadoop keys (prefix already removed); empty when {@link #owner()} is {@code null}. */
    Map<String, String> settings();
}
