package io.procvlm.core.io;

import java.io.File;
import java.util.regex.Pattern;

/** Turns user-supplied paths into absolute location strings that mean the same thing on every executor. */
public final class Locations {
    private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

    private Locations() {}

    /** A local path becomes an absolute {@code file:/...} location (Hadoop's spelling, not percent-encoded); a URI with a scheme is kept as it is. */
    public static String absolute(String location) {
        if (HAS_SCHEME.matcher(location).matches()) {
            return stripTrailingSlash(location);
        }
        return stripTrailingSlash(
                "file:" + new File(location).getAbsoluteFile().toPath().normalize());
    }

    public static boolean isLocal(String location) {
        return location.startsWith("file:") || !HAS_SCHEME.matcher(location).matches();
    }

    /** The local file behind a {@code file:} location. */
    public static File localFile(String location) {
        String path = location;
        if (path.startsWith("file://")) {
            path = path.substring("file://".length());
        } else if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        return new File(path);
    }

    /** Joins a root location and a relative path with exactly one slash. */
    public static String resolve(String root, String relative) {
        if (relative.isEmpty()) {
            return root;
        }
        return stripTrailingSlash(root) + "/" + (relative.startsWith("/") ? relative.substring(1) : relative);
    }

    private static String stripTrailingSlash(String location) {
        String result = location;
        while (result.endsWith("/") && !result.endsWith(":/") && !result.endsWith("://")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
