package io.procvlm.core.testing.generator;

import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.ParquetFooters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes Parquet files shaped like pyarrow writes LeRobot's: 3-level lists ({@code list}/{@code element}), UTF-8
 * strings, image structs {@code {bytes, path}}, snappy compression.
 */
public final class ParquetFiles {
    private ParquetFiles() {}

    public static Type floatList(String name) {
        return Types.optionalList().optionalElement(PrimitiveTypeName.FLOAT).named(name);
    }

    public static Type stringList(String name) {
        return Types.optionalList()
                .optionalElement(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named(name);
    }

    public static Type int64(String name) {
        return Types.optional(PrimitiveTypeName.INT64).named(name);
    }

    public static Type float32(String name) {
        return Types.optional(PrimitiveTypeName.FLOAT).named(name);
    }

    public static Type float64(String name) {
        return Types.optional(PrimitiveTypeName.DOUBLE).named(name);
    }

    public static Type string(String name) {
        return Types.optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named(name);
    }

    public static Type image(String name) {
        return Types.optionalGroup()
                .optional(PrimitiveTypeName.BINARY)
                .named("bytes")
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named("path")
                .named(name);
    }

    /** LeRobot v3.1's language column: a list of {role, content, style, timestamp, camera} structs. */
    public static Type languageList(String name) {
        return Types.optionalList()
                .optionalGroupElement()
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named("role")
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named("content")
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named("style")
                .optional(PrimitiveTypeName.FLOAT)
                .named("timestamp")
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named("camera")
                .named(name);
    }

    public static MessageType schema(List<Type> fields) {
        return new MessageType("schema", fields);
    }

    public static void addFloats(Group row, String field, float[] values) {
        Group list = row.addGroup(field);
        for (float value : values) {
            list.addGroup("list").append("element", value);
        }
    }

    public static void addStrings(Group row, String field, List<String> values) {
        Group list = row.addGroup(field);
        for (String value : values) {
            list.addGroup("list").append("element", value);
        }
    }

    public static void addImage(Group row, String field, byte[] bytes, String path) {
        Group image = row.addGroup(field);
        image.append("bytes", Binary.fromConstantByteArray(bytes));
        image.append("path", path);
    }

    /** Writes {@code rows} (built with {@link #factory}) to {@code file}, replacing it. */
    public static void write(java.nio.file.Path file, MessageType schema, List<Group> rows) {
        try {
            Files.createDirectories(file.getParent());
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new Path(file.toUri()))
                    .withType(schema)
                    .withConf(HadoopConf.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build()) {
                for (Group row : rows) {
                    writer.write(row);
                }
            }
            Path written = new Path(file.toUri());
            ParquetFooters.canonicalize(written.getFileSystem(HadoopConf.get()), written);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    public static SimpleGroupFactory factory(MessageType schema) {
        return new SimpleGroupFactory(schema);
    }
}
