package io.procvlm.core.dataset.rlds;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.Problem;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.testing.generator.FormatDatasetsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RLDS variants beyond the conformance sample: CRC known answers, action dictionaries, broken framing. */
final class TestRldsVariants {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));

    @TempDir
    Path directory;

    @Test
    void checksumsMatchKnownAnswers() {
        // CRC32C check value (RFC 3720 B.4 / every CRC32C suite) and a masked value published with a Python TFRecord
        // implementation's tests, independent of this code
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(crc.getValue()).isEqualTo(0xE3069283L);
        byte[] buffer = "1234567890asdfghjkl".getBytes(StandardCharsets.US_ASCII);
        assertThat(Integer.toUnsignedLong(TfRecords.masked(buffer, 0, buffer.length)))
                .isEqualTo(4134599430L);
    }

    @Test
    void anActionDictionaryIsConcatenatedInNameOrder() throws IOException {
        byte[] image = jpeg();
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("steps/is_first", new long[] {1, 0, 0});
        features.put("steps/is_last", new long[] {0, 0, 1});
        features.put("steps/observation/image", List.of(image, image, image));
        features.put("steps/action/world_vector", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        features.put("steps/action/gripper_closedness_action", new float[] {-1, 0, 1});
        features.put(
                "steps/observation/natural_language_instruction",
                List.of(bytes("open the drawer"), bytes(""), bytes("")));
        FormatDatasetsWriter.writeTfRecords(
                directory.resolve("x-train.tfrecord-00000-of-00001"),
                List.of(FormatDatasetsWriter.example(features)),
                -1);
        DatasetScan scan = DatasetReaders.scan(DatasetSpec.ofPath(directory.toString()), RULES);
        EpisodeRef ref = scan.episodes().get(0);
        assertThat(ref.task()).isEqualTo("open the drawer");
        assertThat(ref.columns().hasState()).isFalse();
        assertThat(ref.columns().actionKey())
                .isEqualTo("steps/action/gripper_closedness_action+steps/action/world_vector");
        FrameTable table = DatasetReaders.episodeReader(ref.format()).readFrames(DatasetFiles.at(scan.root()), ref);
        assertThat(table.rows()).isEqualTo(3);
        assertThat(table.action(1)).containsExactly(0, 4, 5, 6);
        assertThat(table.action(2)).containsExactly(1, 7, 8, 9);
    }

    @Test
    void aBrokenLengthChecksumOrAMissingIsLastQuarantinesOnlyTheAffectedEpisodes() throws IOException {
        Path shard = TestData.srcTestData("rlds/rlds-pick-place/1.0.0/pick_place-train.tfrecord-00000-of-00002");
        byte[] bytes = Files.readAllBytes(shard);
        long firstLength = 0;
        for (int i = 7; i >= 0; i--) {
            firstLength = (firstLength << 8) | (bytes[i] & 0xff);
        }
        int second = (int) (16 + firstLength);
        byte[] broken = bytes.clone();
        broken[second + 8] ^= 0x01; // the second record's length CRC
        Files.createDirectories(directory.resolve("a"));
        Files.write(directory.resolve("a/a-train.tfrecord-00000-of-00002"), broken);
        // a step-per-record shard whose last episode never reaches is_last
        List<byte[]> steps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("is_first", new long[] {i == 0 ? 1 : 0});
            step.put("is_last", new long[] {0});
            step.put("observation/image", List.of(jpeg()));
            step.put("action", new float[] {i});
            steps.add(FormatDatasetsWriter.example(step));
        }
        FormatDatasetsWriter.writeTfRecords(directory.resolve("a/a-train.tfrecord-00001-of-00002"), steps, -1);
        DatasetScan scan =
                DatasetReaders.scan(DatasetSpec.ofPath(directory.resolve("a").toString()), RULES);
        assertThat(scan.episodes()).hasSize(3);
        EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
        List<String> outcomes = new ArrayList<>();
        for (EpisodeRef ref : scan.episodes()) {
            outcomes.add(inspector.inspect(ref).problems().stream()
                    .filter(Problem::isError)
                    .map(Problem::code)
                    .findFirst()
                    .orElse("OK"));
        }
        assertThat(outcomes).containsExactly("OK", "RECORD_CHECKSUM_MISMATCH", "RECORD_INVALID");
        assertThat(scan.episodes().get(1).problems().get(0).message()).contains("length's CRC32C does not match");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] jpeg() {
        try (org.bytedeco.opencv.opencv_core.Mat mat = new org.bytedeco.opencv.opencv_core.Mat(
                        24,
                        32,
                        org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                        new org.bytedeco.opencv.opencv_core.Scalar(30, 90, 200, 0));
                org.bytedeco.javacpp.BytePointer out = new org.bytedeco.javacpp.BytePointer()) {
            org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".jpg", mat, out);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
