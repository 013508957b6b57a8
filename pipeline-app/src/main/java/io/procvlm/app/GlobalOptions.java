package io.procvlm.app;

import io.procvlm.core.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes: configuration file, overrides, verbosity. */
public final class GlobalOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "YAML configuration file (keys: procvlm config --describe).")
    Path configFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            scope = ScopeType.INHERIT,
            description = "Override one configuration key, e.g. --set features.flow=farneback (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Print stack traces of failures, those of INTERNAL quarantines included.")
    void verbose(boolean value) {
        verbose = value;
        if (value) {
            System.setProperty(io.procvlm.core.error.InternalFailures.VERBOSE_PROPERTY, "true");
        }
    }

    boolean verbose;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            scope = ScopeType.INHERIT,
            description = "Log format on stderr: text (default) or json (one JSON object per line, Elastic Common"
                    + " Schema; progress lines included).")
    void logFormat(String format) {
        switch (format) {
            case "text" -> {}
            case "json" ->
                org.apache.logging.log4j.core.config.Configurator.reconfigure(
                        java.net.URI.create("classpath:log4j2-json.properties"));
            default ->
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "Invalid value '" + format + "' for option '--log-format': text or json");
        }
    }

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    /** Loads the configuration: defaults, the file, then the overrides. */
    public Config load() {
        return AppConfig.load(configFile, overrides);
    }

    public boolean verbose() {
        return verbose;
    }
}
