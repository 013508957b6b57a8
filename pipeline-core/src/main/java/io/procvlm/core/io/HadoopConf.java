package io.procvlm.core.io;

import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.hadoop.conf.Configuration;

/**
 * One Hadoop {@link Configuration} per JVM, created lazily (loading the default resources costs tens of ms): the
 * class path's {@code core-site.xml} / {@code hdfs-site.xml}, then {@code spark.hadoop.*} JVM system properties (what
 * {@code spark-submit --conf} sets on a client-mode driver), then the settings of the {@link HadoopSettingsSource}
 * found on the class path (Spark's {@code spark.hadoop.*}, on the driver and on executors). It is rebuilt when that
 * source's owner changes (a Spark session started or stopped).
 */
public final class HadoopConf {
    /** Local files without checksum side files; Spark is given the same setting. */
    public static final String RAW_LOCAL_FILE_SYSTEM = "org.apache.hadoop.fs.RawLocalFileSystem";

    private static final String SPARK_HADOOP_PREFIX = "spark.hadoop.";
    private static final HadoopSettingsSource SOURCE = findSource();

    private record Shared(Configuration configuration, Object owner) {}

    private static volatile Shared shared;

    private HadoopConf() {}

    /** The shared configuration. Callers must not modify it; copy it with {@code new Configuration(get())}. */
    public static Configuration get() {
        Object owner = SOURCE == null ? null : SOURCE.owner();
        Shared current = shared;
        if (current == null || current.owner() != owner) {
            synchronized (HadoopConf.class) {
                current = shared;
                if (current == null || current.owner() != owner) {
                    current = new Shared(
                            build(System.getProperties(), owner == null ? Map.of() : SOURCE.settings()), owner);
                    shared = current;
                }
            }
        }
        return current.configuration();
    }

    /** A configuration from the class path's resources, {@code spark.hadoop.*} system properties, then {@code settings}. */
    static Configuration build(java.util.Properties systemProperties, Map<String, String> settings) {
        Configuration configuration = new Configuration();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(SPARK_HADOOP_PREFIX) && name.length() > SPARK_HADOOP_PREFIX.length()) {
                configuration.set(name.substring(SPARK_HADOOP_PREFIX.length()), systemProperties.getProperty(name));
            }
        }
        settings.forEach(configuration::set);
        // Local files are read and written as they are, without .crc side files (the canonical-footer rewrite and
        // the commit renames rely on it).
        configuration.set("fs.file.impl", RAW_LOCAL_FILE_SYSTEM);
        return configuration;
    }

    private static HadoopSettingsSource findSource() {
        Iterator<HadoopSettingsSource> sources = ServiceLoader.load(
                        HadoopSettingsSource.class, HadoopConf.class.getClassLoader())
                .iterator();
        return sources.hasNext() ? sources.next() : null;
    }
}
