package io.procvlm.app.commands;

import io.procvlm.app.ExitCodes;
import io.procvlm.app.OutputOption;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.Locations;
import io.procvlm.core.io.ParquetRecords;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm show}: one episode's segments and a text progress curve, read straight from the tables. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Print one episode's plan, subtask spans, outcome and a compact text progress curve from the"
                + " segments/ and corpus/ tables of an output folder (no Spark).",
        footer = {
            "",
            "Examples:",
            "  procvlm show --out out --episode lerobot-v30-pick-place-av1/3",
            "  procvlm show --out out --episode 3      (when one dataset has an episode 3)"
        })
public final class ShowCommand implements Callable<Integer> {
    private static final int WIDTH = 60;
    private static final int HEIGHT = 8;

    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Option(
            names = {"-e", "--episode"},
            required = true,
            paramLabel = "ID",
            description = "dataset/episode, or an episode index when only one dataset has it.")
    String episode;

    @Spec
    CommandSpec spec;

    /** One span of the segments table. */
    record SpanView(String label, String verb, long start, long end, String status) {}

    @Override
    public Integer call() throws IOException {
        Config config = output.apply(parent.globals().load());
        PrintWriter out = spec.commandLine().getOut();
        DatasetFiles files = DatasetFiles.at(Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT)));
        List<String> segmentFiles = files.listFiles("segments", name -> name.endsWith(".parquet"));
        List<String> corpusFiles = files.listFiles("corpus", name -> name.endsWith(".parquet"));
        if (segmentFiles.isEmpty()) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_MISSING_VALUE,
                    "No segments table under " + files.root() + ": run 'procvlm run' (or annotate) first");
        }
        String wantedDataset = episode.contains("/") ? episode.substring(0, episode.lastIndexOf('/')) : null;
        long wantedEpisode;
        try {
            wantedEpisode = Long.parseLong(episode.substring(episode.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE,
                    "Invalid episode '" + episode + "': expected dataset/episode or an episode index");
        }
        // find the segment rows of the episode
        Set<String> datasets = new LinkedHashSet<>();
        List<Group> segments = new ArrayList<>();
        for (String file : segmentFiles) {
            MessageType schema = ParquetRecords.schema(files.path(file));
            try (ParquetRecords records =
                    ParquetRecords.open(files.path(file), schema, names(schema), "episode_index", wantedEpisode)) {
                for (Group row; (row = records.next()) != null; ) {
                    String dataset = row.getString("dataset", 0);
                    if (wantedDataset == null || wantedDataset.equals(dataset)) {
                        datasets.add(dataset);
                        segments.add(row);
                    }
                }
            }
        }
        if (datasets.isEmpty()) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE,
                    "Invalid episode '" + episode + "': no such episode in " + files.root() + "/segments (a"
                            + " quarantined episode has none: see the manifest's quarantined-episodes)");
        }
        if (datasets.size() > 1) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE,
                    "Episode " + wantedEpisode + " exists in several datasets " + datasets + ": give --episode dataset/"
                            + wantedEpisode);
        }
        String dataset = datasets.iterator().next();
        TreeMap<Long, double[]> progress = new TreeMap<>(); // frame -> {progress, done}
        TreeMap<Long, String> subtasks = new TreeMap<>();
        for (String file : corpusFiles) {
            MessageType schema = ParquetRecords.schema(files.path(file));
            try (ParquetRecords records = ParquetRecords.open(
                    files.path(file),
                    schema,
                    Set.of("dataset", "frame_index", "progress", "done", "subtask"),
                    "episode_index",
                    wantedEpisode)) {
                for (Group row; (row = records.next()) != null; ) {
                    if (row.getString("dataset", 0).equals(dataset)) {
                        long frame = row.getLong("frame_index", 0);
                        progress.put(
                                frame, new double[] {row.getDouble("progress", 0), row.getBoolean("done", 0) ? 1 : 0});
                        subtasks.put(frame, row.getString("subtask", 0));
                    }
                }
            }
        }
        for (Group segment : segments) {
            print(out, dataset, wantedEpisode, segment);
        }
        if (progress.isEmpty()) {
            out.println("(no corpus rows: run 'procvlm label')");
        } else {
            curve(out, progress, subtasks);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Set<String> names(MessageType schema) {
        Set<String> names = new LinkedHashSet<>();
        schema.getFields().forEach(field -> names.add(field.getName()));
        return names;
    }

    private static void print(PrintWriter out, String dataset, long episode, Group segment) {
        out.printf(
                Locale.ROOT,
                "%s/%d segment %d [%d, %d): %s%n",
                dataset,
                episode,
                segment.getInteger("segment_index", 0),
                segment.getLong("segment_start", 0),
                segment.getLong("segment_end", 0),
                segment.getString("task", 0));
        out.printf(
                Locale.ROOT,
                "annotator %s (signals: %s)%noutcome %s: %s%n",
                segment.getString("annotator", 0),
                String.join(", ", GroupValues.strings(segment, "signals")),
                segment.getString("outcome", 0),
                segment.getString("evidence", 0));
        out.println("plan:");
        List<String> plan = GroupValues.strings(segment, "plan");
        for (int i = 0; i < plan.size(); i++) {
            out.printf(Locale.ROOT, "  %d. %s%n", i + 1, plan.get(i));
        }
        out.println("spans (frames, end exclusive):");
        Group spans = segment.getGroup("spans", 0);
        for (int i = 0; i < spans.getFieldRepetitionCount(0); i++) {
            Group span = spans.getGroup(0, i).getGroup(0, 0);
            out.printf(
                    Locale.ROOT,
                    "  %5d .. %5d  %-11s %s%n",
                    span.getLong("start_frame", 0),
                    span.getLong("end_frame", 0),
                    span.getString("status", 0),
                    span.getString("label", 0));
        }
    }

    /** A text chart of progress over the frames, with the active subtask's first letter under each column. */
    private static void curve(PrintWriter out, TreeMap<Long, double[]> progress, TreeMap<Long, String> subtasks) {
        List<Long> frames = new ArrayList<>(progress.keySet());
        int columns = Math.min(WIDTH, frames.size());
        double[] values = new double[columns];
        char[] band = new char[columns];
        for (int c = 0; c < columns; c++) {
            long frame = frames.get((int) ((long) c * (frames.size() - 1) / Math.max(1, columns - 1)));
            values[c] = progress.get(frame)[0];
            String subtask = subtasks.get(frame);
            band[c] = subtask.equals("done") ? '*' : subtask.equals("not done") ? 'x' : subtask.charAt(0);
        }
        out.printf(
                Locale.ROOT,
                "progress over %d frames (%d..%d), %d columns; final %.1f%%%s%n",
                frames.size(),
                frames.get(0),
                frames.get(frames.size() - 1),
                columns,
                100 * values[columns - 1],
                progress.lastEntry().getValue()[1] > 0 ? " (done)" : "");
        for (int level = HEIGHT; level >= 1; level--) {
            double threshold = (level - 0.5) / HEIGHT;
            StringBuilder line = new StringBuilder(level == HEIGHT ? "100% |" : level == 1 ? "  0% |" : "     |");
            for (double value : values) {
                line.append(value >= threshold ? '#' : ' ');
            }
            out.println(line);
        }
        out.println("     +" + "-".repeat(columns));
        out.println("      " + new String(band) + "   (first letter of the subtask; * done, x not done)");
    }
}
