package io.procvlm.core;

import io.procvlm.core.io.Fingerprints;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A digest of the code a module runs: the SHA-256 over the names and contents, in name order, of every file under the
 * module's package folder ({@code io/procvlm/annotators/}) in the place its classes were loaded from, a
 * {@code target/classes} folder or a jar (a module jar of the tarball, or the shaded jar under spark-submit, which holds
 * every module: the package folder keeps the digest to the one). It needs no git and changes with any change to the
 * module's compiled classes or resources; a build of the same sources with the same compiler gives the same digest,
 * from a folder or from a jar. Computed once per JVM and location.
 */
public final class CodeDigest {
    /** What {@link #of} returns when the classes were not loaded from a folder or a jar it can read. */
    public static final String UNAVAILABLE = "unavailable";

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private CodeDigest() {}

    /** The digest of the module holding {@code anchor}: the files under its package folder, where it was loaded from. */
    public static String of(Class<?> anchor) {
        String prefix = anchor.getPackageName().replace('.', '/') + "/";
        Path location = location(anchor);
        if (location == null) {
            return UNAVAILABLE;
        }
        return CACHE.computeIfAbsent(location + "!" + prefix, key -> {
            try {
                return ofLocation(location, prefix);
            } catch (IOException e) {
                return UNAVAILABLE;
            }
        });
    }

    /**
     * The digest of the files under {@code prefix} (a package folder ending in {@code /}) in {@code location}, a
     * folder of classes or a jar; not cached.
     */
    public static String ofLocation(Path location, String prefix) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (Files.isDirectory(location)) {
            Path folder = location.resolve(prefix);
            if (Files.isDirectory(folder)) {
                try (Stream<Path> walk = Files.walk(folder)) {
                    for (Path file : walk.filter(Files::isRegularFile).toList()) {
                        String name = location.relativize(file).toString().replace('\\', '/');
                        try (InputStream in = Files.newInputStream(file)) {
                            files.put(name, Fingerprints.ofStream(in));
                        }
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            files.put(entry.getName(), Fingerprints.ofStream(in));
                        }
                    }
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException("No file under " + prefix + " in " + location);
        }
        List<String> parts = new ArrayList<>();
        files.forEach((name, digest) -> {
            parts.add(name);
            parts.add(digest);
        });
        return Fingerprints.ofParts(parts.toArray(String[]::new));
    }

    /** The folder or jar {@code anchor} was loaded from, or {@code null} when that is not a local file. */
    private static Path location(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        URL url = source == null ? null : source.getLocation();
        if (url == null || !"file".equals(url.getProtocol())) {
            return null;
        }
        try {
            Path path = Path.of(url.toURI());
            return Files.exists(path) ? path : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
