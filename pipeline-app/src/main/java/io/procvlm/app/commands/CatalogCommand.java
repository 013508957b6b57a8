package io.procvlm.app.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.catalog.CatalogConfig;
import io.procvlm.core.catalog.CatalogEntry;
import io.procvlm.core.catalog.DatasetCatalog;
import io.procvlm.core.config.Config;
import io.procvlm.core.error.PipelineException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm catalog}: the dataset catalog as a table, JSON, or one entry in full. */
@Command(
        name = "catalog",
        mixinStandardHelpOptions = true,
        description = "List the dataset catalog (catalog.folder: the embedded copy of conf/datasets/ by default): id,"
                + " format, license, real or sim, native subtask labels, and whether the entry is inferred. Every"
                + " entry is validated when the catalog loads.",
        footer = {
            "",
            "Examples:",
            "  procvlm catalog",
            "  procvlm catalog --show droid",
            "  procvlm catalog --json",
            "  procvlm run --datasets bridge_orig,libero --set catalog.data-root=/data --out out"
        })
public final class CatalogCommand implements Callable<Integer> {
    private static final String[] HEADER = {"ID", "FORMAT", "LICENSE", "DOMAIN", "NATIVE-LABELS", "INFERRED"};

    @ParentCommand
    ProcvlmCommand parent;

    @Option(names = "--show", paramLabel = "ID", description = "Print every field of one entry.")
    String show;

    @Option(names = "--json", description = "Print JSON (an array of entries, or one entry with --show).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = parent.globals().load();
        DatasetCatalog catalog = CatalogConfig.catalog(config);
        Optional<String> dataRoot = dataRoot(config);
        PrintWriter out = spec.commandLine().getOut();
        if (show != null) {
            CatalogEntry entry = catalog.require(show, "--show");
            if (json) {
                out.println(toJson(describe(entry, dataRoot)));
            } else {
                for (Map.Entry<String, Object> field : describe(entry, dataRoot).entrySet()) {
                    out.printf(Locale.ROOT, "%-21s %s%n", field.getKey() + ":", display(field.getValue()));
                }
            }
        } else if (json) {
            List<Map<String, Object>> all = new ArrayList<>();
            for (CatalogEntry entry : catalog.entries()) {
                all.add(describe(entry, dataRoot));
            }
            out.println(toJson(all));
        } else {
            printTable(out, catalog, dataRoot);
        }
        out.flush();
        return 0;
    }

    private static void printTable(PrintWriter out, DatasetCatalog catalog, Optional<String> dataRoot) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (CatalogEntry entry : catalog.entries()) {
            rows.add(new String[] {
                entry.id(),
                entry.format(),
                entry.license(),
                entry.domain(),
                entry.nativeLabels() ? "yes" : "no",
                entry.inferred() ? "yes" : "no"
            });
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(
                        i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        long inferred =
                catalog.entries().stream().filter(CatalogEntry::inferred).count();
        out.printf(
                Locale.ROOT,
                "%d datasets (%d inferred) from the %s catalog; locations resolve under %s%n",
                catalog.entries().size(),
                inferred,
                catalog.origin(),
                dataRoot.orElse("catalog.data-root / $" + CatalogConfig.DATA_ROOT_ENV + " (not set)"));
    }

    private static Optional<String> dataRoot(Config config) {
        try {
            return Optional.of(CatalogConfig.dataRoot(config, System::getenv));
        } catch (PipelineException e) {
            return Optional.empty();
        }
    }

    /** Every field of an entry, in file order, plus the resolved location when a data root is set. */
    static Map<String, Object> describe(CatalogEntry entry, Optional<String> dataRoot) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", entry.id());
        fields.put("version", entry.version());
        fields.put("name", entry.name());
        fields.put("format", entry.format());
        fields.put("location", entry.location());
        dataRoot.ifPresent(root -> fields.put("resolved", entry.resolveLocation(root)));
        fields.put("upstream", entry.upstream());
        fields.put("seed-name", entry.seedName());
        fields.put("inferred", entry.inferred());
        fields.put("exo-camera", entry.exoCamera());
        fields.put("ego-cameras", entry.egoCameras());
        fields.put("fps", entry.fps() == null ? CatalogEntry.AUTO : entry.fps());
        fields.put("task-text", entry.taskText());
        fields.put("native-labels", entry.nativeLabels());
        fields.put("native-labels-where", entry.nativeLabelsWhere());
        fields.put("license", entry.license());
        fields.put("license-source", entry.licenseSource());
        fields.put("domain", entry.domain());
        fields.put("embodiment", entry.embodiment());
        fields.put("notes", entry.notes());
        return fields;
    }

    private static String display(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty()
                    ? "-"
                    : String.join(", ", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Double number && number == Math.rint(number)) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(value);
    }

    private static String toJson(Object value) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the catalog as JSON", e);
        }
    }
}
