package io.procvlm.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.testing.generator.ParquetFiles;
import io.procvlm.core.testing.generator.SceneRenderer;
import io.procvlm.core.testing.generator.SceneState;
import io.procvlm.core.testing.generator.VideoEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Damages copies of datasets the way real data is damaged, for quirk tests. */
public final class DatasetSurgery {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DatasetSurgery() {}

    /** Edits {@code meta/info.json}. */
    public static void editInfo(Path root, Consumer<ObjectNode> edit) {
        Path info = root.resolve("meta/info.json");
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(info.toFile());
            edit.accept(node);
            Files.writeString(info, JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites every row of a parquet file through {@code change} (which may return {@code null} to drop it). */
    public static void rewriteRows(Path file, UnaryOperator<Group> change) {
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
            MessageType schema = ParquetRecords.schema(path);
            List<String> names = new ArrayList<>();
            schema.getFields().forEach(field -> names.add(field.getName()));
            List<Group> rows = new ArrayList<>();
            try (ParquetRecords records = ParquetRecords.open(path, schema, new HashSet<>(names), null, 0)) {
                for (Group row; (row = records.next()) != null; ) {
                    Group changed = change.apply(row);
                    if (changed != null) {
                        rows.add(changed);
                    }
                }
            }
            ParquetFiles.write(file, schema, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code row} with one primitive field replaced. */
    public static Group withValue(Group row, String field, Object value) {
        SimpleGroup copy = new SimpleGroup(row.getType());
        for (int i = 0; i < row.getType().getFieldCount(); i++) {
            Type type = row.getType().getType(i);
            String name = type.getName();
            if (name.equals(field)) {
                if (value instanceof Float f) {
                    copy.add(i, f);
                } else if (value instanceof Long l) {
                    copy.add(i, l);
                } else if (value instanceof Double d) {
                    copy.add(i, d);
                } else {
                    throw new IllegalArgumentException("Unsupported value " + value);
                }
                continue;
            }
            for (int r = 0; r < row.getFieldRepetitionCount(i); r++) {
                if (type.isPrimitive()) {
                    switch (type.asPrimitiveType().getPrimitiveTypeName()) {
                        case FLOAT -> copy.add(i, row.getFloat(i, r));
                        case DOUBLE -> copy.add(i, row.getDouble(i, r));
                        case INT64 -> copy.add(i, row.getLong(i, r));
                        case INT32 -> copy.add(i, row.getInteger(i, r));
                        case BOOLEAN -> copy.add(i, row.getBoolean(i, r));
                        default -> copy.add(i, row.getBinary(i, r));
                    }
                } else {
                    copy.add(i, row.getGroup(i, r));
                }
            }
        }
        return copy;
    }

    /** A copy of {@code row} with element {@code element} of the float list {@code field} replaced. */
    public static Group withVectorElement(Group row, String field, int element, float value) {
        int index = row.getType().getFieldIndex(field);
        Group source = row.getGroup(index, 0);
        SimpleGroup replaced = new SimpleGroup(source.getType());
        for (int r = 0; r < source.getFieldRepetitionCount("list"); r++) {
            float original = source.getGroup("list", r).getFloat("element", 0);
            replaced.addGroup("list").append("element", r == element ? value : original);
        }
        SimpleGroup result = new SimpleGroup(row.getType());
        for (int i = 0; i < row.getType().getFieldCount(); i++) {
            if (i == index) {
                result.add(i, replaced);
            } else {
                for (int r = 0; r < row.getFieldRepetitionCount(i); r++) {
                    copyValue(row, result, i, r);
                }
            }
        }
        return result;
    }

    private static void copyValue(Group from, Group to, int field, int repetition) {
        Type type = from.getType().getType(field);
        if (!type.isPrimitive()) {
            to.add(field, from.getGroup(field, repetition));
            return;
        }
        switch (type.asPrimitiveType().getPrimitiveTypeName()) {
            case FLOAT -> to.add(field, from.getFloat(field, repetition));
            case DOUBLE -> to.add(field, from.getDouble(field, repetition));
            case INT64 -> to.add(field, from.getLong(field, repetition));
            case INT32 -> to.add(field, from.getInteger(field, repetition));
            case BOOLEAN -> to.add(field, from.getBoolean(field, repetition));
            default -> to.add(field, from.getBinary(field, repetition));
        }
    }

    /** Replaces a video with a clip of {@code frames} frames at the same size and rate. */
    public static void replaceVideo(
            Path file, int frames, int width, int height, double fps, VideoEncoder.Codec codec) {
        try (SceneRenderer renderer = new SceneRenderer(width, height, 99, new Scalar(40, 40, 200, 0), 0.8);
                VideoEncoder encoder = new VideoEncoder(file.toFile(), width, height, fps, codec)) {
            for (int i = 0; i < frames; i++) {
                double x = 0.2 + 0.6 * i / Math.max(1, frames - 1);
                encoder.write(renderer.render(new SceneState(x, 0.4, 0.5, x, 0.35, true)));
            }
        }
    }

    /** Cuts a file to {@code fraction} of its length. */
    public static void truncate(Path file, double fraction) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
