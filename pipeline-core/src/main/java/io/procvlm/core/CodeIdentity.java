package io.procvlm.core;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.io.Fingerprints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The code a run runs: the version and the {@link CodeDigest} of every module by name ({@code pipeline-core},
 * {@code annotators}, ...). Stage fingerprints include the digests of the modules a stage runs, so a resumed run
 * recomputes what a changed module computes; the manifest shows it all.
 *
 * @param version the pipeline's version ({@link Versions#pipeline()})
 * @param modules each module's code digest, by module name
 */
public record CodeIdentity(String version, Map<String, String> modules) {
    public CodeIdentity {
        requireNonNull(version, "version is null");
        modules = java.util.Collections.unmodifiableMap(new TreeMap<>(requireNonNull(modules, "modules is null")));
    }

    /** The same identity with {@code module}'s digest replaced (what a changed build of that module has). */
    public CodeIdentity with(String module, String digest) {
        Map<String, String> changed = new TreeMap<>(modules);
        changed.put(requireNonNull(module, "module is null"), requireNonNull(digest, "digest is null"));
        return new CodeIdentity(version, changed);
    }

    /**
     * The text a stage running {@code stageModules} puts in its fingerprints: the version and those modules' digests
     * ({@code version;module=digest;...}, modules in name order).
     */
    public String of(List<String> stageModules) {
        List<String> parts = new ArrayList<>(List.of(version));
        new TreeMap<>(toMap(stageModules)).forEach((module, digest) -> parts.add(module + "=" + digest));
        return String.join(";", parts);
    }

    /** SHA-256 of {@link #of}: the short form the manifest shows per stage. */
    public String digest(List<String> stageModules) {
        return Fingerprints.ofString(of(stageModules));
    }

    private Map<String, String> toMap(List<String> stageModules) {
        Map<String, String> selected = new TreeMap<>();
        for (String module : stageModules) {
            String digest = modules.get(module);
            if (digest == null) {
                throw new IllegalArgumentException("No code digest for module " + module + ": " + modules.keySet());
            }
            selected.put(module, digest);
        }
        return selected;
    }
}
