package io.procvlm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.images.ImageFileWriter;
import io.procvlm.core.video.FrameImages;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files concatenated row group by row group: every row, in file order, the same bytes for the same files. */
final class TestParquetConcat {
    @TempDir
    java.nio.file.Path directory;

    private static FrameImages.Jpeg jpeg(long episode, long frame) {
        byte[] bytes = new byte[50 + (int) ((episode * 13 + frame) % 11) * 700];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (episode * 7 + frame * 31 + i);
        }
        return new FrameImages.Jpeg(64, 48, bytes);
    }

    private Path episode(String dataset, long episode, long frames) {
        Path file =
                new Path(directory.resolve(dataset + "-" + episode + ".parquet").toUri());
        try (ImageFileWriter writer = new ImageFileWriter(file, dataset, episode)) {
            for (long frame = 0; frame < frames; frame++) {
                writer.add(frame, jpeg(episode, frame));
            }
            writer.commit();
        }
        return file;
    }

    private static List<String> rows(Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        try (ParquetRecords records = ParquetRecords.open(
                file, FeatureImages.SCHEMA, List.of("dataset", "episode_index", "frame_index", "image"), null, 0)) {
            for (Group row; (row = records.next()) != null; ) {
                rows.add(row.getString("dataset", 0) + "/" + row.getLong("episode_index", 0) + "/"
                        + row.getLong("frame_index", 0) + "/"
                        + java.util.Arrays.hashCode(
                                row.getGroup("image", 0).getBinary("bytes", 0).getBytes()));
            }
        }
        return rows;
    }

    @Test
    void everyRowOfEveryFileInOrderAndTheSameBytesEachTime() throws Exception {
        // 2,500 frames of up to 7 KB make several row groups in the first file.
        List<Path> sources = List.of(episode("b", 3, 2_500), episode("a", 1, 5), episode("a", 2, 40));
        Path target = new Path(directory.resolve("out/shard.parquet").toUri());
        long bytes = ParquetConcat.concat(sources, target, FeatureImages.SCHEMA);

        List<String> expected = new ArrayList<>();
        for (Path source : sources) {
            expected.addAll(rows(source));
        }
        assertThat(rows(target)).hasSize(2_545).containsExactlyElementsOf(expected);
        assertThat(bytes).isEqualTo(Files.size(java.nio.file.Path.of(target.toUri())));
        assertThat(ParquetRecords.schema(target)).isEqualTo(FeatureImages.SCHEMA);

        Path again = new Path(directory.resolve("again/shard.parquet").toUri());
        ParquetConcat.concat(sources, again, FeatureImages.SCHEMA);
        assertThat(Files.readAllBytes(java.nio.file.Path.of(again.toUri())))
                .isEqualTo(Files.readAllBytes(java.nio.file.Path.of(target.toUri())));
        try (var listing = Files.list(java.nio.file.Path.of(target.getParent().toUri()))) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("shard.parquet");
        }
    }

    @Test
    void aFileOfAnotherSchemaFailsAndLeavesNothing() {
        MessageType other = Types.buildMessage()
                .required(PrimitiveTypeName.INT64)
                .named("frame_index")
                .named("spark_schema");
        Path source = episode("a", 1, 3);
        Path target = new Path(directory.resolve("bad/shard.parquet").toUri());
        assertThatThrownBy(() -> ParquetConcat.concat(List.of(source), target, other))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("schema");
        assertThat(directory.resolve("bad"))
                .satisfiesAnyOf(
                        dir -> assertThat(Files.exists(dir)).isFalse(),
                        dir -> assertThat(dir).isEmptyDirectory());
    }

    @Test
    void aDamagedFileIsAnIOExceptionForEveryReaderAndLeavesNothing() throws Exception {
        Path whole = episode("a", 1, 300);
        java.nio.file.Path local = java.nio.file.Path.of(whole.toUri());
        byte[] bytes = Files.readAllBytes(local);
        // cut short (no footer), and a footer whose length points outside the file
        Path cut = new Path(directory.resolve("cut.parquet").toUri());
        Files.write(java.nio.file.Path.of(cut.toUri()), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        byte[] badFooter = bytes.clone();
        badFooter[badFooter.length - 8] = (byte) 0xff;
        badFooter[badFooter.length - 7] = (byte) 0xff;
        Path lying = new Path(directory.resolve("lying.parquet").toUri());
        Files.write(java.nio.file.Path.of(lying.toUri()), badFooter);
        for (Path damaged : List.of(cut, lying)) {
            assertThatThrownBy(() -> rows(damaged))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(damaged.getName());
            assertThatThrownBy(() -> ParquetRecords.rowCount(damaged))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("readable Parquet file");
            Path target =
                    new Path(directory.resolve("damaged/" + damaged.getName()).toUri());
            assertThatThrownBy(() -> ParquetConcat.concat(List.of(whole, damaged), target, FeatureImages.SCHEMA))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(damaged.getName());
            try (var listing = Files.list(directory.resolve("damaged"))) {
                assertThat(listing).isEmpty();
            }
        }
    }

    @Test
    void twoAttemptsWritingOneFileAtOnceDoNotMixTheirBytes() throws Exception {
        Path target = new Path(directory.resolve("twice/a-1.parquet").toUri());
        assertThat(ParquetConcat.writingName(target)).isNotEqualTo(ParquetConcat.writingName(target));
        // a retry racing the first attempt (or speculation): each writes its own hidden file, the last rename wins
        try (ImageFileWriter first = new ImageFileWriter(target, "a", 1);
                ImageFileWriter second = new ImageFileWriter(target, "a", 1)) {
            for (long frame = 0; frame < 200; frame++) {
                first.add(frame, jpeg(1, frame));
                second.add(frame, jpeg(1, frame));
            }
            first.commit();
            second.commit();
        }
        assertThat(rows(target)).hasSize(200).isEqualTo(rows(episode("a", 1, 200)));
        try (var listing = Files.list(directory.resolve("twice"))) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("a-1.parquet");
        }
    }

    @Test
    void noSourcesMakeAFileWithNoRows() throws Exception {
        Path target = new Path(directory.resolve("empty.parquet").toUri());
        ParquetConcat.concat(List.of(), target, FeatureImages.SCHEMA);
        assertThat(ParquetRecords.rowCount(target)).isZero();
    }
}
