package io.procvlm.core.io;

import org.apache.hadoop.conf.Configuration;

/** One Hadoop {@link Configuration} per JVM, created lazily (loading the default resources costs tens of ms). */
public final class HadoopConf {
    /** Local files without checksum side files; Spark is given the same setting. */
    public static final String RAW_LOCAL_FILE_SYSTEM = "org.apache.hadoop.fs.RawLocalFileSystem";

    private static volatile Configuration shared;

    private HadoopConf() {}

    /** The shared configuration. Callers must not modify it; copy it with {@code new Configuration(get())}. */
    public static Configuration get() {
        Configuration configuration = shared;
        if (configuration == null) {
            synchronized (HadoopConf.class) {
                configuration = shared;
                if (configuration == null) {
                    configuration = new Configuration();
                    // Local files are read and written as they are, without .crc side files.
                    configuration.set("fs.file.impl", RAW_LOCAL_FILE_SYSTEM);
                    shared = configuration;
                }
            }
        }
        return configuration;
    }
}
