package io.procvlm.core.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.video.EpisodeImages;
import io.procvlm.core.video.FrameImages;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One episode's images written streaming to one Parquet file and read back by frame, deterministically. */
final class TestFeatureImages {
    @TempDir
    java.nio.file.Path directory;

    private static FrameImages.Jpeg jpeg(long frame) {
        byte[] bytes = new byte[100 + (int) (frame % 7) * 1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (frame * 31 + i);
        }
        return new FrameImages.Jpeg(48, 36, bytes);
    }

    private Path write(String batch, long frames) {
        Path file = FeatureImages.batchFile(directory.resolve(batch).toUri().toString(), "demo-set", 7);
        try (ImageFileWriter writer = new ImageFileWriter(file, "demo-set", 7)) {
            for (long frame = 0; frame < frames; frame++) {
                writer.add(frame, jpeg(frame));
            }
            writer.commit();
            assertThat(writer.count()).isEqualTo(frames);
        }
        return file;
    }

    @Test
    void streamsChosenFramesBackWithTheirBytesAndSameInputSameBytes() throws Exception {
        // 3,000 frames of up to 7 KB: several 8 MiB row groups.
        Path file = write("a", 3_000);
        long[] wanted = {0, 1, 999, 1_000, 2_500, 2_999};
        List<EpisodeImages.Image> images = new ArrayList<>();
        try (FeatureImages.Stored stored = FeatureImages.read(file, "demo-set/7", 7, wanted)) {
            stored.forEachRemaining(images::add);
        }
        assertThat(images)
                .extracting(EpisodeImages.Image::frameIndex)
                .containsExactly(0L, 1L, 999L, 1000L, 2500L, 2999L);
        for (EpisodeImages.Image image : images) {
            assertThat(image.jpeg().bytes()).isEqualTo(jpeg(image.frameIndex()).bytes());
            assertThat(image.jpeg().width()).isEqualTo(48);
            assertThat(image.jpeg().height()).isEqualTo(36);
        }
        Path again = write("b", 3_000);
        assertThat(Files.readAllBytes(java.nio.file.Path.of(again.toUri())))
                .isEqualTo(Files.readAllBytes(java.nio.file.Path.of(file.toUri())));
        try (var listing = Files.list(java.nio.file.Path.of(file.getParent().toUri()))) {
            assertThat(listing.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .as("no hidden file left")
                    .containsExactly(file.getName());
        }
    }

    @Test
    void aFrameThatIsNotStoredIsAFrameCountMismatch() {
        Path file = write("c", 10);
        try (FeatureImages.Stored stored = FeatureImages.read(file, "demo-set/7", 7, new long[] {3, 12})) {
            assertThat(stored.next().frameIndex()).isEqualTo(3);
            assertThatThrownBy(stored::next)
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("frame_index 12")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo(CoreErrorCode.FRAME_COUNT_MISMATCH.name());
        }
    }

    @Test
    void anUncommittedEpisodeLeavesNoFile() throws Exception {
        Path file = FeatureImages.batchFile(directory.resolve("d").toUri().toString(), "demo-set", 7);
        try (ImageFileWriter writer = new ImageFileWriter(file, "demo-set", 7)) {
            writer.add(0, jpeg(0));
        }
        try (var listing = Files.list(java.nio.file.Path.of(file.getParent().toUri()))) {
            assertThat(listing.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .isEmpty();
        }
    }

    @Test
    void theIndexReadsBackWhatWasWritten() throws Exception {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("a/1", "part-00000.parquet");
        files.put("b/2", "part-00001.parquet");
        Map<String, String> sources = Map.of("a/1", "run-00000", "b/2", "run-00001");
        ImageSettings settings = new ImageSettings(true, 480, true, 90);
        Files.writeString(directory.resolve(FeatureImages.INDEX), FeatureImages.indexText(settings, files, sources));
        assertThat(FeatureImages.indexText(settings, files, null)).doesNotContain("run-0000");
        FeatureImages.Index index =
                FeatureImages.readIndex(new Path(directory.toUri())).orElseThrow();
        assertThat(index.settings()).isEqualTo("max-side=480 keep-aspect=true jpeg-quality=90 layout=2");
        assertThat(index.fileOf()).containsExactlyEntriesOf(files);
        assertThat(index.file("b/2").orElseThrow().getName()).isEqualTo("part-00001.parquet");
        assertThat(FeatureImages.readIndex(new Path(directory.resolve("none").toUri())))
                .isEmpty();
    }

    @Test
    void theCheckReadsSizesAndFrameNumbersAndNamesTheFirstMissingFrame() {
        Path file = write("e", 20);
        assertThat(FeatureImages.check(file, "demo-set/7", 7, new long[] {0, 5, 19}))
                .containsExactly(48, 36);
        assertThatThrownBy(() -> FeatureImages.check(file, "demo-set/7", 7, new long[] {5, 20, 21}))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("frame_index 20")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo(CoreErrorCode.FRAME_COUNT_MISMATCH.name());
        assertThatThrownBy(() -> FeatureImages.check(
                        new Path(directory.resolve("absent.parquet").toUri()), "demo-set/7", 7, new long[] {0}))
                .isInstanceOf(PipelineException.class)
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo(CoreErrorCode.STORAGE_IO.name());
    }

    @Test
    void everyRowIsTheFullVariantInTheSchemaOfProcVqasImageTables() throws Exception {
        Path file = write("f", 3);
        assertThat(io.procvlm.core.io.ParquetRecords.schema(file)).isEqualTo(FeatureImages.SCHEMA);
        try (io.procvlm.core.io.ParquetRecords records = io.procvlm.core.io.ParquetRecords.open(
                file, FeatureImages.SCHEMA, List.of("frame_index", "variant"), null, 0)) {
            for (long frame = 0; frame < 3; frame++) {
                org.apache.parquet.example.data.Group row = records.next();
                assertThat(row.getLong("frame_index", 0)).isEqualTo(frame);
                assertThat(row.getString("variant", 0)).isEqualTo(FeatureImages.VARIANT);
            }
        }
    }
}
