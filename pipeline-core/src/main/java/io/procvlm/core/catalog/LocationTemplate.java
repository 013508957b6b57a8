package io.procvlm.core.catalog;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_CATALOG_INVALID;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Locations;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A catalog location template: an optional leading {@code ${PROCVLM_DATA}} (the configured data root) and a relative
 * path below it. Templates that could leave the data root are rejected when the catalog loads: absolute paths, URIs,
 * drive letters, {@code ..} and {@code .} segments, empty segments, backslashes and unknown variables.
 *
 * @param relative the path below the data root, {@code /}-separated, never empty
 */
public record LocationTemplate(String relative) {
    /** The variable that stands for the data root ({@code catalog.data-root} or the environment variable). */
    public static final String DATA_ROOT_VARIABLE = "PROCVLM_DATA";
    /** The variables a template may use. */
    public static final List<String> VARIABLES = List.of(DATA_ROOT_VARIABLE);

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    public LocationTemplate {
        requireNonNull(relative, "relative is null");
    }

    /** Parses and checks {@code template}; {@code source} names the catalog file in errors. */
    public static LocationTemplate parse(String template, String source) {
        String rest = template.strip();
        Matcher variables = VARIABLE.matcher(rest);
        while (variables.find()) {
            String name = variables.group(1);
            if (!VARIABLES.contains(name)) {
                throw invalid(
                        source, template, "unknown variable ${" + name + "} (known: ${" + DATA_ROOT_VARIABLE + "})");
            }
            if (variables.start() != 0) {
                throw invalid(source, template, "${" + name + "} may only start the template");
            }
        }
        String prefix = "${" + DATA_ROOT_VARIABLE + "}";
        if (rest.startsWith(prefix)) {
            rest = rest.substring(prefix.length());
            if (!rest.isEmpty() && !rest.startsWith("/")) {
                throw invalid(source, template, "expected '/' after " + prefix);
            }
            rest = rest.isEmpty() ? rest : rest.substring(1);
        } else if (rest.startsWith("/") || SCHEME.matcher(rest).matches() || rest.startsWith("~")) {
            throw invalid(
                    source,
                    template,
                    "an absolute path or URI is not allowed: write it below ${" + DATA_ROOT_VARIABLE + "}");
        }
        if (rest.contains("$")) {
            throw invalid(source, template, "'$' outside a known ${VARIABLE}");
        }
        if (rest.contains("\\")) {
            throw invalid(source, template, "use '/' as the separator, not '\\'");
        }
        if (rest.isEmpty()) {
            throw invalid(source, template, "it names the data root itself, not a folder below it");
        }
        if (rest.startsWith("/")) {
            throw invalid(source, template, "an absolute path is not allowed after " + prefix);
        }
        for (String segment : rest.split("/", -1)) {
            if (segment.equals("..")) {
                throw invalid(source, template, "'..' segments could leave the data root");
            }
            if (segment.equals(".") || segment.isEmpty()) {
                throw invalid(source, template, "empty or '.' path segments are not allowed");
            }
        }
        return new LocationTemplate(rest);
    }

    /**
     * The location below {@code dataRoot} (a local path or Hadoop URI). Fails if the result would lie outside the
     * root, which the checks in {@link #parse} already exclude.
     */
    public String resolve(String dataRoot) {
        String root = Locations.absolute(dataRoot);
        String resolved = root + "/" + relative;
        if (Locations.isLocal(root)) {
            java.nio.file.Path rootPath = Locations.localFile(root).toPath().normalize();
            java.nio.file.Path target = rootPath.resolve(relative.replace('/', java.io.File.separatorChar))
                    .normalize();
            if (!target.startsWith(rootPath) || target.equals(rootPath)) {
                throw new PipelineException(
                        CONFIG_CATALOG_INVALID,
                        String.format(
                                Locale.ROOT,
                                "Dataset location '%s' resolves to %s, outside the data root %s",
                                relative,
                                target,
                                rootPath));
            }
        }
        return resolved;
    }

    private static PipelineException invalid(String source, String template, String why) {
        return new PipelineException(
                CONFIG_CATALOG_INVALID,
                String.format(
                        Locale.ROOT,
                        "Invalid catalog entry %s: key 'location' has value '%s': %s",
                        source,
                        template,
                        why));
    }
}
