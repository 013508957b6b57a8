package io.procvlm.app.commands;

import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm config}: the effective configuration, or every key with its type and default. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Print the effective configuration (after --config and --set), or with --describe every key"
                + " with its type, default and meaning.",
        footer = {"", "Examples:", "  procvlm config --config conf/demo.yaml", "  procvlm config --describe"})
public final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Option(names = "--describe", description = "List every configuration key instead of the effective values.")
    boolean describe;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = parent.globals().load();
        PrintWriter out = spec.commandLine().getOut();
        if (describe) {
            for (ConfigProperty property : config.schema().properties()) {
                String type = property.type().name().toLowerCase(Locale.ROOT).replace('_', '-');
                if (!property.allowed().isEmpty()) {
                    type = String.join("|", property.allowed());
                }
                out.printf(
                        Locale.ROOT,
                        "%s (%s, default: %s)%n    %s%n",
                        property.key(),
                        type,
                        display(property.defaultValue()),
                        property.description());
            }
        } else {
            for (Map.Entry<String, String> entry : config.toFlatMap().entrySet()) {
                String key = entry.getKey();
                String base = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
                String source = config.source(base);
                if (source.equals("unset")) {
                    source = config.source(key.substring(0, Math.max(0, key.lastIndexOf('.'))));
                }
                out.printf(Locale.ROOT, "%s = %s    # %s%n", key, entry.getValue(), source);
            }
        }
        out.flush();
        return 0;
    }

    private static String display(Object value) {
        if (value instanceof java.util.List<?> list) {
            return list.isEmpty()
                    ? "[]"
                    : String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        return String.valueOf(value);
    }
}
