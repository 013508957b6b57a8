package io.procvlm.app.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.app.ExitCodes;
import io.procvlm.app.OutputOption;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Locations;
import io.procvlm.vqa.VqaTables;
import io.procvlm.vqa.eval.EvalReport;
import io.procvlm.vqa.eval.EvalSample;
import io.procvlm.vqa.eval.Evaluator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm eval}: scores a model's answers against a ProcVQA split. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Score a predictions file (JSONL of {\"id\": sample id, \"prediction\": model answer}) against"
                + " the ground truth of one ProcVQA split: VOC, Kendall tau-a, CCC, EPR@50 and MCC@95 on progress"
                + " samples (episodes keyed by dataset and episode); BF1@5, mMAE, edit score and F1@{10,25,50} on"
                + " segmentation; a planning score, next-action accuracy and done detection on planning. Prints the"
                + " scores and writes them as JSON (no Spark).",
        footer = {
            "",
            "Examples:",
            "  procvlm eval --out out --predictions preds.jsonl",
            "  procvlm eval --out out --split ood --predictions preds.jsonl --report ood-scores.json"
        })
public final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Option(
            names = {"-p", "--predictions"},
            required = true,
            paramLabel = "FILE",
            description = "JSONL, one object per line with \"id\" and \"prediction\" (or \"answer\").")
    Path predictions;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            defaultValue = "test",
            description = "The split to score against (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Where to write the scores as JSON (default: <out>/eval/<split>.json).")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Config config = output.apply(parent.globals().load());
        String root = Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT));
        VqaTables tables = new VqaTables(root + "/vqa");
        if (!tables.splits().contains(split)) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE,
                    "Invalid value '" + split + "' for --split: " + tables.root() + " has the splits "
                            + tables.splits());
        }
        List<EvalSample> samples = groundTruth(tables, split);
        Map<String, String> answers = readPredictions(predictions);
        EvalReport scores = Evaluator.evaluate(samples, answers);
        PrintWriter out = spec.commandLine().getOut();
        out.println("ProcVQA " + split + " split of " + tables.root() + ", predictions " + predictions);
        out.print(scores.toText());
        Path target =
                report != null ? report : localFolder(root).resolve("eval").resolve(split + ".json");
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, scores.toJson(), StandardCharsets.UTF_8);
        out.println("Scores written to " + target);
        out.flush();
        return ExitCodes.OK;
    }

    /** The output root as a local path; a remote root needs {@code --report}. */
    static Path localFolder(String root) {
        java.net.URI uri = java.net.URI.create(root);
        if (uri.getScheme() == null) {
            return Path.of(root);
        }
        if (uri.getScheme().equals("file")) {
            return Path.of(uri);
        }
        throw new PipelineException(
                CoreErrorCode.CONFIG_MISSING_VALUE,
                "The output root " + root + " is not a local folder: give --report FILE for the scores");
    }

    /** The split's samples, in dataset, episode and frame order (VOC keeps that order among equal ground truths). */
    static List<EvalSample> groundTruth(VqaTables tables, String split) {
        record Keyed(EvalSample sample, long anchor) {}
        List<Keyed> keyed = new ArrayList<>();
        for (String file : tables.sampleFiles(split)) {
            tables.forEachRow(
                    file,
                    Set.of(
                            "id",
                            "dataset",
                            "episode_index",
                            "family",
                            "template",
                            "answer",
                            "progress",
                            "anchor_frame"),
                    row -> keyed.add(new Keyed(
                            new EvalSample(
                                    row.getString("id", 0),
                                    row.getString("dataset", 0),
                                    row.getLong("episode_index", 0),
                                    row.getString("family", 0),
                                    row.getString("template", 0),
                                    row.getString("answer", 0),
                                    // the value the answer states (two decimals), which a model can match exactly
                                    Double.NaN),
                            row.getLong("anchor_frame", 0))));
        }
        keyed.sort(Comparator.comparing((Keyed k) -> k.sample().dataset())
                .thenComparingLong(k -> k.sample().episodeIndex())
                .thenComparing(k -> k.sample().family())
                .thenComparingLong(Keyed::anchor)
                .thenComparing(k -> k.sample().sampleId()));
        return keyed.stream().map(Keyed::sample).toList();
    }

    /** Sample id to answer; a malformed line is a usage error naming the line. */
    static Map<String, String> readPredictions(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE, "Invalid value '" + file + "' for --predictions: no such file");
        }
        Map<String, String> answers = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw malformed(file, number, "is not JSON: " + e.getOriginalMessage());
                }
                JsonNode id = node.get("id");
                JsonNode answer = node.has("prediction") ? node.get("prediction") : node.get("answer");
                if (id == null || !id.isTextual()) {
                    throw malformed(file, number, "has no string \"id\"");
                }
                if (answer == null || answer.isNull()) {
                    throw malformed(file, number, "has no \"prediction\" (or \"answer\")");
                }
                if (answers.put(id.asText(), answer.asText()) != null) {
                    throw malformed(file, number, "repeats the id '" + id.asText() + "'");
                }
            }
        }
        return answers;
    }

    private static PipelineException malformed(Path file, int line, String what) {
        return new PipelineException(
                CoreErrorCode.CONFIG_INVALID_VALUE,
                "Invalid value '" + file + "' for --predictions: line " + line + " " + what);
    }
}
