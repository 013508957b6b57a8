package io.procvlm.app.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.app.ExitCodes;
import io.procvlm.app.OutputOption;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.ledger.Ledger;
import io.procvlm.core.ledger.LedgerEntry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm status}: what the ledger of an output folder says, stage by stage (no Spark). */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Summarise the run ledger of an output folder: per stage, the work units done, quarantined"
                + " (bad input, kept until the input changes or --retry-failed) and failed (retried by the next run),"
                + " their attempts and reason codes (no Spark).",
        footer = {"", "Examples:", "  procvlm status --out out", "  procvlm status --out out --json"})
public final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Config config = output.apply(parent.globals().load());
        String root = config.string(CoreConfig.OUTPUT_ROOT);
        PrintWriter out = spec.commandLine().getOut();
        List<String> stages = new ArrayList<>();
        List<String> present = Ledger.stages(root);
        PipelineRunner.STAGES.stream().filter(present::contains).forEach(stages::add);
        present.stream().filter(stage -> !stages.contains(stage)).forEach(stages::add);
        if (stages.isEmpty()) {
            spec.commandLine().getErr().println("No ledger under " + root + ": nothing has run there yet.");
            return ExitCodes.FAILURE;
        }
        ObjectNode summary = JSON.createObjectNode();
        summary.put("output", root);
        ArrayNode rows = summary.putArray("stages");
        for (String stage : stages) {
            Map<String, LedgerEntry> entries = Ledger.load(root, stage);
            Map<String, Long> counts = Ledger.counts(entries.values());
            Map<String, Long> codes = new TreeMap<>();
            int maxAttempts = 0;
            long retried = 0;
            for (LedgerEntry entry : entries.values()) {
                if (entry.code() != null) {
                    codes.merge(entry.code(), 1L, Long::sum);
                }
                maxAttempts = Math.max(maxAttempts, entry.attempts());
                retried += entry.attempts() > 1 ? 1 : 0;
            }
            ObjectNode row = rows.addObject();
            row.put("stage", stage);
            row.put("units", entries.size());
            counts.forEach(row::put);
            row.put("units-attempted-more-than-once", retried);
            row.put("max-attempts", maxAttempts);
            ObjectNode reasons = row.putObject("codes");
            codes.forEach(reasons::put);
            row.put("table-committed", Ledger.output(root, stage).isPresent());
        }
        if (json) {
            out.println(JSON.writeValueAsString(summary));
            return ExitCodes.OK;
        }
        out.println("Ledger of " + root);
        out.printf(
                Locale.ROOT,
                "%-9s %7s %7s %12s %7s %9s  %-9s %s%n",
                "stage",
                "units",
                "done",
                "quarantined",
                "failed",
                "attempts",
                "committed",
                "codes");
        rows.forEach(row -> out.printf(
                Locale.ROOT,
                "%-9s %7d %7d %12d %7d %9d  %-9s %s%n",
                row.get("stage").asText(),
                row.get("units").asLong(),
                row.get("done").asLong(),
                row.get("quarantined").asLong(),
                row.get("failed").asLong(),
                row.get("max-attempts").asLong(),
                row.get("table-committed").asBoolean() ? "yes" : "no",
                row.get("codes").toString()));
        return ExitCodes.OK;
    }
}
