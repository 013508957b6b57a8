package io.procvlm.vqa;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.ParquetRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a written {@code vqa/} folder without Spark, streaming row by row (for {@code procvlm eval} and {@code procvlm
 * export}).
 */
public final class VqaTables {
    private final DatasetFiles files;

    /** The ProcVQA folder {@code vqaRoot} (an output root's {@code vqa/}). */
    public VqaTables(String vqaRoot) {
        this.files = DatasetFiles.at(vqaRoot);
        if (!files.exists("README.md")) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_MISSING_VALUE,
                    "No ProcVQA dataset at " + vqaRoot + ": run 'procvlm vqa' (or 'procvlm run') first");
        }
    }

    public String root() {
        return files.root();
    }

    /** The splits present, sorted. */
    public List<String> splits() {
        Set<String> splits = new TreeSet<>();
        for (String file : files.listFiles("", name -> name.endsWith(".parquet"))) {
            String[] parts = file.split("/");
            if (parts.length == 3) {
                splits.add(parts[0]);
            }
        }
        return new ArrayList<>(splits);
    }

    /** The sample Parquet files of {@code split}, family by family, in name order. */
    public List<String> sampleFiles(String split) {
        List<String> out = new ArrayList<>();
        for (VqaFamily family : VqaFamily.values()) {
            out.addAll(files.listFiles(split + "/" + family.id(), name -> name.endsWith(".parquet")));
        }
        return out;
    }

    /** The image Parquet files of {@code split}, in name order. */
    public List<String> imageFiles(String split) {
        return files.listFiles(split + "/images", name -> name.endsWith(".parquet"));
    }

    /** The pack Parquet files of {@code split}, in name order (none for a dataset written before packing existed). */
    public List<String> packFiles(String split) {
        return files.listFiles(split + "/packs", name -> name.endsWith(".parquet"));
    }

    /** The text of {@code stats.json}. */
    public String statsJson() {
        try {
            return new String(files.readAll("stats.json", 64 * 1024 * 1024), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO, "Cannot read " + files.root() + "/stats.json: " + e.getMessage(), e);
        }
    }

    /** Calls {@code consumer} with every row of {@code file}, reading only {@code columns}. */
    public void forEachRow(String file, Set<String> columns, Consumer<Group> consumer) {
        try {
            MessageType schema = ParquetRecords.schema(files.path(file));
            try (ParquetRecords records = ParquetRecords.open(files.path(file), schema, columns, null, 0)) {
                for (Group row; (row = records.next()) != null; ) {
                    consumer.accept(row);
                }
            }
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO, "Cannot read " + files.root() + "/" + file + ": " + e.getMessage(), e);
        }
    }
}
