package io.procvlm.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The pipeline's own version, filtered in at build time. */
public final class Versions {
    private static final String VERSION = load();

    private Versions() {}

    public static String pipeline() {
        return VERSION;
    }

    private static String load() {
        Properties properties = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String version = properties.getProperty("version", "unknown");
        return version.startsWith("${") ? "unknown" : version;
    }
}
