package io.procvlm.core.ledger;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The run ledger under {@code <output>/_ledger/<stage>/}: what every work unit of every stage became, on the Hadoop
 * FileSystem beside the tables.
 *
 * <p>Entries are appended as numbered JSON-lines files ({@code 00000007.jsonl}), each written to a temporary name and
 * renamed, so a killed driver leaves whole files only; the latest entry of a unit wins. When a stage finishes, its
 * entries are compacted into one file. {@code output.json} records the table the stage last committed.
 */
public final class Ledger {
    public static final String FOLDER = "_ledger";
    private static final Pattern PART = Pattern.compile("(\\d{8})\\.jsonl");
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Ledger() {}

    /** The stage's current entries by unit key (empty when the stage never ran here). */
    public static Map<String, LedgerEntry> load(String outputRoot, String stage) {
        Map<String, LedgerEntry> entries = new TreeMap<>();
        Path folder = folder(outputRoot, stage);
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            for (Path part : parts(fileSystem, folder).values()) {
                try (InputStream in = fileSystem.open(part);
                        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        if (!line.isBlank()) {
                            LedgerEntry entry = JSON.readValue(line, LedgerEntry.class);
                            entries.put(entry.unit(), entry);
                        }
                    }
                }
            }
            return entries;
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot read the ledger " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The stages that have a ledger under {@code outputRoot}, sorted. */
    public static List<String> stages(String outputRoot) {
        Path root = new Path(Locations.absolute(outputRoot), FOLDER);
        try {
            FileSystem fileSystem = root.getFileSystem(HadoopConf.get());
            List<String> stages = new ArrayList<>();
            if (fileSystem.exists(root)) {
                for (FileStatus status : fileSystem.listStatus(root)) {
                    if (status.isDirectory()) {
                        stages.add(status.getPath().getName());
                    }
                }
            }
            stages.sort(null);
            return stages;
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** Appends entries as a new numbered file. */
    public static void append(String outputRoot, String stage, Collection<LedgerEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Path folder = folder(outputRoot, stage);
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            fileSystem.mkdirs(folder);
            write(fileSystem, folder, nextPart(parts(fileSystem, folder)), lines(entries));
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot write the ledger " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the stage's files by one holding {@code entries} (the units of the latest run, in key order). */
    public static void compact(String outputRoot, String stage, Collection<LedgerEntry> entries) {
        Path folder = folder(outputRoot, stage);
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            fileSystem.mkdirs(folder);
            TreeMap<Integer, Path> parts = parts(fileSystem, folder);
            Map<String, LedgerEntry> sorted = new TreeMap<>();
            entries.forEach(entry -> sorted.put(entry.unit(), entry));
            write(fileSystem, folder, nextPart(parts), lines(sorted.values()));
            for (Path old : parts.values()) {
                fileSystem.delete(old, false);
            }
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot compact the ledger " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The number of the stage's last entries file, or -1 when it has none (see {@link #dropPartsAfter}). */
    public static int lastPart(String outputRoot, String stage) {
        Path folder = folder(outputRoot, stage);
        try {
            TreeMap<Integer, Path> parts = parts(folder.getFileSystem(HadoopConf.get()), folder);
            return parts.isEmpty() ? -1 : parts.lastKey();
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot read the ledger " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the entries files numbered above {@code lastKept}: the stage's ledger is back to what it was when {@link
     * #lastPart} returned {@code lastKept} (entries are only ever appended, or compacted at the end of a stage).
     */
    public static void dropPartsAfter(String outputRoot, String stage, int lastKept) {
        Path folder = folder(outputRoot, stage);
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            for (Path part : parts(fileSystem, folder).tailMap(lastKept, false).values()) {
                fileSystem.delete(part, false);
            }
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot restore the ledger " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The table the stage last committed, if recorded. */
    public static Optional<StageOutput> output(String outputRoot, String stage) {
        Path file = new Path(folder(outputRoot, stage), "output.json");
        try {
            FileSystem fileSystem = file.getFileSystem(HadoopConf.get());
            if (!fileSystem.exists(file)) {
                return Optional.empty();
            }
            try (InputStream in = fileSystem.open(file)) {
                return Optional.of(JSON.readValue(in, StageOutput.class));
            }
        } catch (IOException e) {
            return Optional.empty(); // an unreadable record only costs a re-assembly
        }
    }

    /**
     * The stage's committed table when it was assembled from units with {@code fingerprint} and is still in place
     * under the output root as {@code table}: what lets a run skip the stage.
     */
    public static Optional<StageOutput> unchanged(String outputRoot, String stage, String fingerprint, String table) {
        Optional<StageOutput> committed =
                output(outputRoot, stage).filter(output -> output.fingerprint().equals(fingerprint));
        if (committed.isEmpty()) {
            return committed;
        }
        Path location = new Path(Locations.absolute(outputRoot), table);
        try {
            return location.getFileSystem(HadoopConf.get()).exists(location) ? committed : Optional.empty();
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot inspect " + location + ": " + e.getMessage(), e);
        }
    }

    public static void output(String outputRoot, String stage, StageOutput output) {
        Path folder = folder(outputRoot, stage);
        try {
            FileSystem fileSystem = folder.getFileSystem(HadoopConf.get());
            fileSystem.mkdirs(folder);
            write(fileSystem, folder, "output.json", JSON.writeValueAsString(output) + "\n");
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot write " + folder + "/output.json: " + e.getMessage(), e);
        }
    }

    /** Forgets the stage's committed table (before it is recomputed, so a kill cannot leave a stale record). */
    public static void forgetOutput(String outputRoot, String stage) {
        Path file = new Path(folder(outputRoot, stage), "output.json");
        try {
            file.getFileSystem(HadoopConf.get()).delete(file, false);
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path folder(String outputRoot, String stage) {
        return new Path(new Path(Locations.absolute(outputRoot), FOLDER), stage);
    }

    /** The name of the file after the last numbered one. */
    private static String nextPart(TreeMap<Integer, Path> parts) {
        return String.format(Locale.ROOT, "%08d.jsonl", parts.isEmpty() ? 0 : parts.lastKey() + 1);
    }

    private static TreeMap<Integer, Path> parts(FileSystem fileSystem, Path folder) throws IOException {
        TreeMap<Integer, Path> parts = new TreeMap<>();
        if (!fileSystem.exists(folder)) {
            return parts;
        }
        for (FileStatus status : fileSystem.listStatus(folder)) {
            Matcher matcher = PART.matcher(status.getPath().getName());
            if (status.isFile() && matcher.matches()) {
                parts.put(Integer.parseInt(matcher.group(1)), status.getPath());
            }
        }
        return parts;
    }

    private static String lines(Collection<LedgerEntry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        for (LedgerEntry entry : entries) {
            text.append(JSON.writeValueAsString(entry)).append('\n');
        }
        return text.toString();
    }

    private static void write(FileSystem fileSystem, Path folder, String name, String text) throws IOException {
        Path temporary = new Path(folder, "." + name + ".tmp");
        Path target = new Path(folder, name);
        try (OutputStream out = fileSystem.create(temporary, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        if (fileSystem.exists(target)) {
            fileSystem.delete(target, false);
        }
        if (!fileSystem.rename(temporary, target)) {
            throw new IOException("rename " + temporary + " to " + target + " failed");
        }
    }

    /** Counts of the stage's entries by status, in a fixed order. */
    public static Map<String, Long> counts(Collection<LedgerEntry> entries) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String status : List.of(LedgerEntry.DONE, LedgerEntry.QUARANTINED, LedgerEntry.FAILED)) {
            counts.put(
                    status,
                    entries.stream().filter(e -> e.status().equals(status)).count());
        }
        return counts;
    }
}
