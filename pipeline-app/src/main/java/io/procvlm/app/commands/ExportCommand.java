package io.procvlm.app.commands;

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
import io.procvlm.vqa.VqaTables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
                + " {id, image: [paths], conversations: [{from: human, value}, {from: gpt, value}]} per sample, and"
                + " every image once as <to>/images/<dataset>/<episode>/<frame>.jpg (no Spark).",
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
        for (String name : splits) {
            long images = writeImages(tables, name);
            long samples = writeSamples(tables, name);
            out.printf(
                    Locale.ROOT,
                    "%s: %,d samples -> %s, %,d images%n",
                    name,
                    samples,
                    to.resolve(name + ".jsonl"),
                    images);
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

    private long writeSamples(VqaTables tables, String name) throws IOException {
        Files.createDirectories(to);
        long[] count = {0};
        try (BufferedWriter writer = Files.newBufferedWriter(to.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
            for (String file : tables.sampleFiles(name)) {
                tables.forEachRow(
                        file, Set.of("id", "dataset", "episode_index", "frame_indices", "question", "answer"), row -> {
                            ObjectNode line = JSON.createObjectNode();
                            line.put("id", row.getString("id", 0));
                            ArrayNode images = line.putArray("image");
                            Group frames = row.getGroup("frame_indices", 0);
                            for (int i = 0; i < frames.getFieldRepetitionCount(0); i++) {
                                images.add(String.format(
                                        Locale.ROOT,
                                        "images/%s/%06d/%06d.jpg",
                                        row.getString("dataset", 0),
                                        row.getLong("episode_index", 0),
                                        frames.getGroup(0, i).getLong(0, 0)));
                            }
                            ArrayNode conversations = line.putArray("conversations");
                            conversations.addObject().put("from", "human").put("value", row.getString("question", 0));
                            conversations.addObject().put("from", "gpt").put("value", row.getString("answer", 0));
                            try {
                                writer.write(JSON.writeValueAsString(line));
                                writer.newLine();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            count[0]++;
                        });
            }
        }
        return count[0];
    }
}
