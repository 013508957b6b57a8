package io.procvlm.core.manifest;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.core.model.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The run manifest, {@code <output>/_manifest.json}: what ran (command, code version and digests, config, seed), on what
 * (inputs with snapshot fingerprints), what came out (tables, counts), what was quarantined and why, and timings.
 * Stages accumulate across commands: a stage re-run replaces its own entry and keeps the others.
 *
 * <p>The file is written atomically (temporary file, then rename).
 */
public final class RunManifest {
    public static final String FILE_NAME = "_manifest.json";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    private RunManifest(ObjectNode root) {
        this.root = root;
    }

    /** Starts a manifest, keeping the stage entries of an existing manifest under {@code outputRoot}. */
    public static RunManifest start(String outputRoot, String runId, String command, String version) {
        ObjectNode root = JSON.createObjectNode();
        root.put("manifest-version", FORMAT_VERSION);
        root.put("tool", "procvlm");
        root.put("version", version);
        root.put("run-id", runId);
        root.put("command", command);
        root.put("started-at", Instant.now().toString());
        root.put("status", "running");
        ObjectNode environment = root.putObject("environment");
        environment.put("java", System.getProperty("java.version"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root.putObject("config");
        root.putArray("inputs");
        root.putArray("failed-datasets");
        ObjectNode stages = root.putObject("stages");
        read(outputRoot).ifPresent(previous -> {
            for (String carried : List.of("inputs", "failed-datasets")) {
                JsonNode value = previous.get(carried);
                if (value != null && value.isArray()) {
                    root.set(carried, value);
                }
            }
            JsonNode previousStages = previous.get("stages");
            if (previousStages != null && previousStages.isObject()) {
                previousStages.fields().forEachRemaining(entry -> stages.set(entry.getKey(), entry.getValue()));
            }
        });
        return new RunManifest(root);
    }

    /**
     * Records the code that runs: the version and every module's code digest (docs/resume.md), the same digests the
     * stage fingerprints hold.
     */
    public void code(String version, Map<String, String> modules) {
        ObjectNode code = root.putObject("code");
        code.put("version", version);
        ObjectNode digests = code.putObject("modules");
        modules.forEach(digests::put);
    }

    /**
     * Records a stage whose commit was held back ({@code STAGE_NO_USABLE_UNIT}): what its units became in this run.
     * Its entry under {@code stages} stays the one of the table that was kept.
     */
    public void rejectedStage(String stage, String runId, List<EpisodeOutcome> outcomes) {
        ObjectNode rejected = root.putObject("rejected-stage");
        rejected.put("stage", stage);
        rejected.put("run-id", runId);
        rejected.put("episodes", outcomes.size());
        ObjectNode reasons = rejected.putObject("quarantine-reasons");
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        ArrayNode quarantined = rejected.putArray("quarantined-episodes");
        for (EpisodeOutcome outcome : outcomes) {
            if (outcome.reason() == null) {
                continue;
            }
            counts.merge(outcome.reason().code(), 1L, Long::sum);
            ObjectNode entry = quarantined.addObject();
            entry.put("dataset", outcome.dataset());
            entry.put("episode", outcome.episodeIndex());
            entry.put("code", outcome.reason().code());
            entry.put("message", outcome.reason().message());
        }
        counts.forEach(reasons::put);
    }

    /** Adds an entry to the environment section (e.g. the Spark version). */
    public void environment(String key, String value) {
        ((ObjectNode) root.get("environment")).put(key, value);
    }

    public void config(Map<String, String> flatConfig, long seed) {
        ObjectNode config = root.putObject("config");
        flatConfig.forEach(config::put);
        root.put("seed", seed);
    }

    /** Forgets the inputs carried over from the previous manifest (the run is scanning its inputs anew). */
    public void resetInputs() {
        root.putArray("inputs");
        root.putArray("failed-datasets");
    }

    /** Records one input dataset. */
    public void input(
            String dataset,
            String path,
            String format,
            String snapshot,
            int episodes,
            String camera,
            String cameraRule,
            List<Problem> problems) {
        ObjectNode input = ((ArrayNode) root.get("inputs")).addObject();
        input.put("dataset", dataset);
        input.put("path", path);
        input.put("format", format);
        input.put("snapshot", snapshot);
        input.put("episodes", episodes);
        input.put("camera", camera);
        input.put("camera-rule", cameraRule);
        ArrayNode list = input.putArray("problems");
        problems.forEach(problem -> list.add(problem.toString()));
    }

    /** Records a dataset that could not be read at all. */
    public void failedDataset(String path, String code, String message) {
        ObjectNode failed = ((ArrayNode) root.get("failed-datasets")).addObject();
        failed.put("path", path);
        failed.put("code", code);
        failed.put("message", message);
    }

    public void stage(StageReport report, String runId, Map<String, String> fingerprintParts) {
        ObjectNode stage = ((ObjectNode) root.get("stages")).putObject(report.stage());
        stage.put("run-id", runId);
        stage.put("started-at", Instant.ofEpochMilli(report.startedAtMillis()).toString());
        stage.put("duration-ms", report.durationMillis());
        stage.put("episodes", report.outcomes().size());
        stage.put("ok", report.okCount());
        stage.put("quarantined", report.quarantinedCount());
        ObjectNode reasons = stage.putObject("quarantine-reasons");
        report.reasons().forEach(reasons::put);
        ObjectNode counters = stage.putObject("counters");
        report.counters().forEach((key, value) -> {
            if (value instanceof Double || value instanceof Float) {
                counters.put(key, value.doubleValue());
            } else {
                counters.put(key, value.longValue());
            }
        });
        ObjectNode fingerprint = stage.putObject("fingerprint");
        fingerprintParts.forEach(fingerprint::put);
        if (report.output() != null) {
            ObjectNode output = stage.putObject("output");
            output.put("table", report.output().name());
            output.put("location", report.output().location());
            output.put("files", report.output().files());
            output.put("rows", report.output().rows());
            output.put("bytes", report.output().bytes());
        }
        ArrayNode quarantined = stage.putArray("quarantined-episodes");
        for (EpisodeOutcome outcome : report.quarantined()) {
            ObjectNode entry = quarantined.addObject();
            entry.put("dataset", outcome.dataset());
            entry.put("episode", outcome.episodeIndex());
            entry.put("code", outcome.reason().code());
            entry.put("message", outcome.reason().message());
        }
        ArrayNode warned = stage.putArray("warnings");
        for (EpisodeOutcome outcome : report.outcomes()) {
            for (Problem warning : outcome.warnings()) {
                ObjectNode entry = warned.addObject();
                entry.put("dataset", outcome.dataset());
                entry.put("episode", outcome.episodeIndex());
                entry.put("code", warning.code());
                entry.put("message", warning.message());
            }
        }
    }

    /** Closes the manifest with the overall status and exit code. */
    public void finish(String status, int exitCode, String error) {
        root.put("finished-at", Instant.now().toString());
        root.put("status", status);
        root.put("exit-code", exitCode);
        if (error != null) {
            root.put("error", error);
        } else {
            root.remove("error");
        }
        long quarantined = 0;
        ObjectNode stages = (ObjectNode) root.get("stages");
        for (Iterator<JsonNode> it = stages.elements(); it.hasNext(); ) {
            quarantined += it.next().path("quarantined").asLong();
        }
        root.put("quarantined-total", quarantined);
    }

    public JsonNode json() {
        return root;
    }

    /** Writes the manifest atomically to {@code <outputRoot>/_manifest.json}. */
    public void write(String outputRoot) {
        String root = Locations.absolute(outputRoot);
        Path target = new Path(root, FILE_NAME);
        Path temporary = new Path(root, "." + FILE_NAME + ".tmp");
        try {
            FileSystem fileSystem = target.getFileSystem(HadoopConf.get());
            fileSystem.mkdirs(new Path(root));
            try (OutputStream out = fileSystem.create(temporary, true)) {
                JSON.writeValue(out, this.root);
            }
            if (fileSystem.exists(target)) {
                fileSystem.delete(target, false);
            }
            if (!fileSystem.rename(temporary, target)) {
                throw new IOException("rename " + temporary + " failed");
            }
            fileSystem.delete(new Path(root, "." + FILE_NAME + ".tmp.crc"), false);
            fileSystem.delete(new Path(root, "." + FILE_NAME + ".crc"), false);
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads the manifest under {@code outputRoot}, if there is one. */
    public static java.util.Optional<JsonNode> read(String outputRoot) {
        Path target = new Path(Locations.absolute(outputRoot), FILE_NAME);
        try {
            FileSystem fileSystem = target.getFileSystem(HadoopConf.get());
            if (!fileSystem.exists(target)) {
                return java.util.Optional.empty();
            }
            try (InputStream in = fileSystem.open(target)) {
                return java.util.Optional.of(JSON.readTree(in));
            }
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
