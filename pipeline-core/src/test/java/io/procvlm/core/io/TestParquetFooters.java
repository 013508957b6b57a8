package io.procvlm.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.generator.ParquetFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * parquet-java orders a column's encodings by identity hash, which differs between JVMs; canonical footers make
 * the same rows give the same bytes whatever the order was.
 */
final class TestParquetFooters {
    @TempDir
    Path directory;

    @Test
    void anyEncodingOrderBecomesTheSameBytes() throws IOException {
        Path file = directory.resolve("data.parquet");
        MessageType schema = ParquetFiles.schema(List.of(ParquetFiles.int64("a"), ParquetFiles.floatList("v")));
        SimpleGroupFactory factory = ParquetFiles.factory(schema);
        List<Group> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Group row = factory.newGroup();
            row.append("a", (long) (i % 7));
            ParquetFiles.addFloats(row, "v", new float[] {i, i / 2f});
            rows.add(row);
        }
        ParquetFiles.write(file, schema, rows); // canonicalises
        byte[] canonical = Files.readAllBytes(file);
        FileSystem local = new org.apache.hadoop.fs.Path(file.toUri()).getFileSystem(HadoopConf.get());
        assertThat(ParquetFooters.canonicalize(local, new org.apache.hadoop.fs.Path(file.toUri())))
                .as("already canonical")
                .isFalse();

        // Reverse every multi-encoding list, as another JVM's hash order may have written it.
        FileMetaData metadata = footer(canonical);
        int reversed = 0;
        for (ColumnChunk chunk : metadata.getRow_groups().get(0).getColumns()) {
            List<Encoding> encodings = chunk.getMeta_data().getEncodings();
            if (encodings.size() > 1) {
                Collections.reverse(encodings);
                reversed++;
            }
        }
        assertThat(reversed).as("columns with several encodings").isPositive();
        byte[] shuffled = withFooter(canonical, metadata);
        assertThat(shuffled).isNotEqualTo(canonical);
        Files.write(file, shuffled);

        assertThat(ParquetFooters.canonicalize(local, new org.apache.hadoop.fs.Path(file.toUri())))
                .isTrue();
        assertThat(Files.readAllBytes(file)).isEqualTo(canonical);
    }

    private static FileMetaData footer(byte[] file) throws IOException {
        int length = ByteBuffer.wrap(file, file.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        return Util.readFileMetaData(new ByteArrayInputStream(file, file.length - 8 - length, length));
    }

    private static byte[] withFooter(byte[] file, FileMetaData metadata) throws IOException {
        int length = ByteBuffer.wrap(file, file.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(metadata, footer);
        byte[] copy = file.clone();
        System.arraycopy(footer.toByteArray(), 0, copy, file.length - 8 - length, length);
        return copy;
    }
}
