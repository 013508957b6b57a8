package io.procvlm.app.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.app.ExitCodes;
import io.procvlm.app.OutputOption;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Locations;
import io.procvlm.vqa.ContextConfig;
import io.procvlm.vqa.Placement;
import io.procvlm.vqa.VqaTables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.parquet.example.data.Group;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm export}: ProcVQA in the reference trainer's LLaVA-style JSONL with image files. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export ProcVQA for the reference trainer: <to>/<split>.jsonl with one"
                + " {id, image: [paths], conversations: [{from: human, value}, {from: gpt, value}], num_tokens} per"
                + " sample; the packed sets as <to>/<split>_trun8192_pack.json and <to>/<split>_ext16384_pack.json"
                + " (one JSON array of packs, each an array of such rows; names follow vqa.context.short-max and"
                + " long-max); and every image once as <to>/images/<dataset>/<episode>/<frame>.jpg (<frame>_320.jpg"
                + " for the down-sized variant). No Spark.",
        footer = {"", "Example:", "  procvlm export --out out --to llava"})
public final class ExportCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Folder to write (created).")
    Path to;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "llava",
            description = "Export format; llava is the one there is (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--split", paramLabel = "SPLIT", description = "Export one split (default: every split).")
    String split;

    @Option(
            names = "--no-packs",
            negatable = true,
            defaultValue = "true",
            description = "Also write the pack JSON files of each split (default: yes; --no-packs leaves them out).")
    boolean packs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("llava")) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE, "Invalid value '" + format + "' for --format: expected llava");
        }
        Config config = output.apply(parent.globals().load());
        VqaTables tables = new VqaTables(Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT)) + "/vqa");
        List<String> splits = split == null ? tables.splits() : List.of(split);
        if (!tables.splits().containsAll(splits)) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE,
                    "Invalid value '" + split + "' for --split: " + tables.root() + " has the splits "
                            + tables.splits());
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> packNames = packNames(tables);
        for (String name : splits) {
            long images = writeImages(tables, name);
            Map<String, String> rows = packs ? new HashMap<>() : null;
            long samples = writeSamples(tables, name, rows);
            out.printf(
                    Locale.ROOT,
                    "%s: %,d samples -> %s, %,d images%n",
                    name,
                    samples,
                    to.resolve(name + ".jsonl"),
                    images);
            if (packs) {
                writePacks(tables, name, rows, packNames, out);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private long writeImages(VqaTables tables, String name) {
        long[] count = {0};
        for (String file : tables.imageFiles(name)) {
            tables.forEachRow(file, Set.of("image"), row -> {
                Group image = row.getGroup("image", 0);
                Path target = to.resolve("images").resolve(image.getString("path", 0));
                try {
                    Files.createDirectories(target.getParent());
                    Files.write(target, image.getBinary("bytes", 0).getBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                count[0]++;
            });
        }
        return count[0];
    }

    /**
     * Writes {@code <split>.jsonl}; with {@code rows}, also keeps each row's JSON by sample id for the packs.
     */
    private long writeSamples(VqaTables tables, String name, Map<String, String> rows) throws IOException {
        Files.createDirectories(to);
        long[] count = {0};
        try (BufferedWriter writer = Files.newBufferedWriter(to.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
            for (String file : tables.sampleFiles(name)) {
                tables.forEachRow(
                        file,
                        Set.of(
                                "id",
                                "dataset",
                                "episode_index",
                                "frame_indices",
                                "question",
                                "answer",
                                "num_tokens",
                                "image_variant"),
                        row -> {
                            ObjectNode line = JSON.createObjectNode();
                            String id = row.getString("id", 0);
                            line.put("id", id);
                            ArrayNode images = line.putArray("image");
                            Group frames = row.getGroup("frame_indices", 0);
                            String variant = row.getString("image_variant", 0);
                            for (int i = 0; i < frames.getFieldRepetitionCount(0); i++) {
                                images.add(String.format(
                                        Locale.ROOT,
                                        "images/%s/%06d/%s",
                                        row.getString("dataset", 0),
                                        row.getLong("episode_index", 0),
                                        Placement.fileName(frames.getGroup(0, i).getLong(0, 0), variant)));
                            }
                            ArrayNode conversations = line.putArray("conversations");
                            conversations.addObject().put("from", "human").put("value", row.getString("question", 0));
                            conversations.addObject().put("from", "gpt").put("value", row.getString("answer", 0));
                            line.put("num_tokens", row.getLong("num_tokens", 0));
                            try {
                                String json = JSON.writeValueAsString(line);
                                writer.write(json);
                                writer.newLine();
                                if (rows != null) {
                                    rows.put(id, json);
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            count[0]++;
                        });
            }
        }
        return count[0];
    }

    /** The reference trainer's file name of each context set, from the settings in stats.json. */
    private static Map<String, String> packNames(VqaTables tables) throws IOException {
        JsonNode context = JSON.readTree(tables.statsJson()).path("settings").path("context");
        Map<String, String> names = new TreeMap<>();
        names.put(ContextConfig.SHORT, "trun" + context.path("short-max").asLong(8192));
        names.put(ContextConfig.LONG, "ext" + context.path("long-max").asLong(16384));
        return names;
    }

    /**
     * Writes {@code <split>_<name>_pack.json} per context set: one JSON array of packs, each the array of its rows, in
     * pack order.
     */
    private void writePacks(
            VqaTables tables, String name, Map<String, String> rows, Map<String, String> packNames, PrintWriter out)
            throws IOException {
        Map<String, BufferedWriter> writers = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>(); // packs, samples
        try {
            for (String file : tables.packFiles(name)) {
                tables.forEachRow(file, Set.of("context", "sample_ids"), pack -> {
                    String set = pack.getString("context", 0);
                    try {
                        BufferedWriter writer = writers.get(set);
                        if (writer == null) {
                            writer = Files.newBufferedWriter(packFile(name, packNames, set), StandardCharsets.UTF_8);
                            writer.write("[\n");
                            writers.put(set, writer);
                        }
                        long[] count = counts.computeIfAbsent(set, k -> new long[2]);
                        writer.write(count[0]++ == 0 ? "[" : ",\n[");
                        Group ids = pack.getGroup("sample_ids", 0);
                        for (int i = 0; i < ids.getFieldRepetitionCount(0); i++) {
                            String id = ids.getGroup(0, i).getString(0, 0);
                            String row = rows.get(id);
                            if (row == null) {
                                throw new PipelineException(
                                        CoreErrorCode.INTERNAL, "Pack of " + name + " names unknown sample " + id);
                            }
                            writer.write(i == 0 ? row : ", " + row);
                            count[1]++;
                        }
                        writer.write("]");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } finally {
            for (BufferedWriter writer : writers.values()) {
                writer.write("\n]\n");
                writer.close();
            }
        }
        counts.forEach((set, count) -> out.printf(
                Locale.ROOT,
                "%s %s: %,d packs of %,d samples -> %s%n",
                name,
                set,
                count[0],
                count[1],
                packFile(name, packNames, set)));
    }

    private Path packFile(String split, Map<String, String> packNames, String set) {
        return to.resolve(split + "_" + packNames.getOrDefault(set, set) + "_pack.json");
    }
}
