package io.procvlm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.generator.ParquetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table's column fill is read from the footers: rows, and rows with a value. */
final class TestColumnValues {
    @TempDir
    Path directory;

    @Test
    void countsRowsWithAValueFromTheFooters() throws Exception {
        Path table = Files.createDirectories(directory.resolve("frames"));
        MessageType schema =
                ParquetFiles.schema(List.of(ParquetFiles.int64("frame_index"), ParquetFiles.int64("phash")));
        write(table.resolve("part-00000.zstd.parquet"), schema, 40, false);
        write(table.resolve("part-00001.zstd.parquet"), schema, 10, false);

        ColumnValues.Fill none = ColumnValues.of(table.toString(), "phash");
        assertThat(none.rows()).isEqualTo(50);
        assertThat(none.anyValue()).isFalse();

        write(table.resolve("part-00002.zstd.parquet"), schema, 7, true);
        ColumnValues.Fill some = ColumnValues.of(table.toString(), "phash");
        assertThat(some.rows()).isEqualTo(57);
        assertThat(some.withValue()).isEqualTo(7);
        assertThat(ColumnValues.of(table.toString(), "no_such_column").anyValue())
                .isFalse();
    }

    @Test
    void aDamagedFileIsAStorageErrorNamingIt() throws Exception {
        Path table = Files.createDirectories(directory.resolve("damaged"));
        MessageType schema =
                ParquetFiles.schema(List.of(ParquetFiles.int64("frame_index"), ParquetFiles.int64("phash")));
        Path file = table.resolve("part-00000.zstd.parquet");
        write(file, schema, 40, true);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ColumnValues.of(table.toString(), "phash"))
                .isInstanceOfSatisfying(
                        io.procvlm.core.error.PipelineException.class,
                        e -> assertThat(e.errorCode().name()).isEqualTo("STORAGE_IO"))
                .hasMessageContaining("part-00000.zstd.parquet");
    }

    private static void write(Path file, MessageType schema, int rows, boolean withHash) {
        SimpleGroupFactory factory = ParquetFiles.factory(schema);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Group row = factory.newGroup();
            row.append("frame_index", (long) i);
            if (withHash) {
                row.append("phash", 0x5555L * i);
            }
            groups.add(row);
        }
        ParquetFiles.write(file, schema, groups);
    }
}
