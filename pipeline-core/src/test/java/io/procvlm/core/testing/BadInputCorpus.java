package io.procvlm.core.testing;

import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.testing.generator.VideoEncoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Writes a corpus of damaged datasets at test time (nothing binary is committed): copies of the generated LeRobot
 * datasets with one kind of damage per episode, an image-sequence dataset under a path with spaces and non-ASCII
 * letters, and whole datasets whose metadata is broken. Every bad episode sits beside good ones, so one run shows both
 * that the bad ones are quarantined with their own reason and that the good ones complete. {@link #cases()} lists what
 * each damaged episode (or dataset) must end as.
 */
public final class BadInputCorpus {
    /** What the run must make of a damaged episode or dataset. */
    public enum Outcome {
        /** The episode is quarantined with the case's reason code. */
        QUARANTINED,
        /** The episode completes, with the case's code as a warning. */
        OK_WITH_WARNING,
        /** The dataset is skipped with the case's code in the manifest's {@code failed-datasets}. */
        DATASET_FAILED
    }

    /** One kind of bad input: where it is ({@code episode} -1 for a whole dataset) and how it must end. */
    public record Case(String fault, String dataset, long episode, Outcome outcome, String code) {}

    /** Episodes of the corpus that carry no damage and must complete. */
    public record Good(String dataset, long episode) {}

    private static final String FRONT = "observation.images.front";
    private static final String V21_FRONT_VIDEO = "videos/chunk-000/" + FRONT + "/episode_%06d.mp4";
    private static final String DATA = "data/chunk-000/episode_%06d.parquet";

    /** The image-sequence dataset's folder: spaces and letters outside ASCII. */
    public static final String CAPTURES = "captures with spaces \u00e9t\u00e9 \u2713";

    private final Path root;
    private final List<Case> cases = new ArrayList<>();
    private final List<Good> good = new ArrayList<>();
    private final List<String> datasets = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private BadInputCorpus(Path root) {
        this.root = root;
    }

    /** Writes the corpus under {@code root} (a fresh folder). */
    public static BadInputCorpus write(Path root) {
        BadInputCorpus corpus = new BadInputCorpus(root);
        try {
            Files.createDirectories(root);
            corpus.videoFaults();
            corpus.videoFaults2();
            corpus.parquetFaults();
            corpus.rowFaults();
            corpus.taskAndValueFaults();
            corpus.brokenMetadata();
            corpus.imageSequence();
            corpus.permissions();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return corpus;
    }

    public Path root() {
        return root;
    }

    /** Dataset folders (names under {@link #root()}), in the order to put them in a config. */
    public List<String> datasets() {
        return List.copyOf(datasets);
    }

    public List<Case> cases() {
        return List.copyOf(cases);
    }

    public List<Good> good() {
        return List.copyOf(good);
    }

    /** Kinds that could not be made on this machine, and why. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private Path copy(String source, String name) throws IOException {
        Path copied = GeneratedDatasets.copy(source, root.resolve(".tmp-" + name));
        Path target = root.resolve(name);
        Files.move(copied, target);
        Files.delete(root.resolve(".tmp-" + name));
        datasets.add(name);
        return target;
    }

    private void videoFaults() throws IOException {
        Path dataset = copy(GeneratedDatasets.V21_AV1, "lr-video");
        Files.delete(dataset.resolve(String.format(V21_FRONT_VIDEO, 0)));
        cases.add(new Case("missing video", "lr-video", 0, Outcome.QUARANTINED, "MISSING_VIDEO"));
        DatasetSurgery.truncate(dataset.resolve(String.format(V21_FRONT_VIDEO, 1)), 0.5);
        cases.add(new Case("truncated mp4", "lr-video", 1, Outcome.QUARANTINED, "VIDEO_UNREADABLE"));
        good.add(new Good("lr-video", 2));
    }

    private void videoFaults2() throws IOException {
        Path dataset = copy(GeneratedDatasets.V21_AV1, "lr-video-2");
        long rows = ParquetRecords.rowCount(hadoop(dataset.resolve(String.format(DATA, 0))));
        DatasetSurgery.replaceVideo(
                dataset.resolve(String.format(V21_FRONT_VIDEO, 0)),
                (int) rows - 10,
                256,
                192,
                15,
                VideoEncoder.Codec.AV1);
        cases.add(new Case(
                "video/parquet frame-count mismatch", "lr-video-2", 0, Outcome.QUARANTINED, "FRAME_COUNT_MISMATCH"));
        corruptMiddle(dataset.resolve(String.format(V21_FRONT_VIDEO, 1)));
        cases.add(new Case(
                "corrupt bytes in the middle of an mp4", "lr-video-2", 1, Outcome.QUARANTINED, "FRAME_COUNT_MISMATCH"));
        DatasetSurgery.editInfo(
                dataset, info -> info.with("features").with(FRONT).with("info").put("video.codec", "h264"));
        cases.add(new Case(
                "wrong codec in metadata (decoded with the real one)",
                "lr-video-2",
                2,
                Outcome.OK_WITH_WARNING,
                "CODEC_MISMATCH"));
        good.add(new Good("lr-video-2", 2));
    }

    /** Overwrites the middle third of the file (past the headers, before the index) with noise. */
    private static void corruptMiddle(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.util.Random random = new java.util.Random(7);
        for (int i = bytes.length / 3; i < 2 * bytes.length / 3; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        Files.write(file, bytes);
    }

    private void parquetFaults() throws IOException {
        Path dataset = copy(GeneratedDatasets.V20_H264, "lr-parquet");
        Files.write(dataset.resolve(String.format(DATA, 0)), new byte[0]);
        cases.add(new Case("zero-byte parquet", "lr-parquet", 0, Outcome.QUARANTINED, "DATA_FILE_UNREADABLE"));
        DatasetSurgery.truncate(dataset.resolve(String.format(DATA, 1)), 0.6);
        cases.add(new Case("truncated parquet", "lr-parquet", 1, Outcome.QUARANTINED, "DATA_FILE_UNREADABLE"));
        good.add(new Good("lr-parquet", 2));
    }

    private void rowFaults() throws IOException {
        Path dataset = copy(GeneratedDatasets.V20_H264, "lr-rows");
        DatasetSurgery.rewriteRows(dataset.resolve(String.format(DATA, 0)), row -> {
            long frame = row.getLong("frame_index", 0);
            if (frame == 30) {
                return DatasetSurgery.withValue(row, "timestamp", row.getFloat("timestamp", 0) + 0.1f);
            }
            return frame == 31 ? DatasetSurgery.withValue(row, "timestamp", row.getFloat("timestamp", 0) - 0.1f) : row;
        });
        cases.add(new Case("non-monotone timestamps", "lr-rows", 0, Outcome.QUARANTINED, "TIMESTAMPS_NOT_MONOTONIC"));
        DatasetSurgery.rewriteRows(
                dataset.resolve(String.format(DATA, 1)),
                row -> row.getLong("frame_index", 0) == 20 ? DatasetSurgery.withValue(row, "frame_index", 19L) : row);
        cases.add(new Case("duplicated frame_index", "lr-rows", 1, Outcome.QUARANTINED, "FRAME_INDEX_INVALID"));
        good.add(new Good("lr-rows", 2));
    }

    private void taskAndValueFaults() throws IOException {
        Path dataset = copy(GeneratedDatasets.V20_H264, "lr-values");
        DatasetSurgery.rewriteRows(
                dataset.resolve(String.format(DATA, 0)),
                row -> row.getLong("frame_index", 0) == 40
                        ? DatasetSurgery.withVectorElement(row, "observation.state", 3, Float.NaN)
                        : row);
        cases.add(new Case("NaN state value", "lr-values", 0, Outcome.QUARANTINED, "STATE_NOT_FINITE"));
        DatasetSurgery.rewriteRows(
                dataset.resolve(String.format(DATA, 1)),
                row -> row.getLong("frame_index", 0) == 7
                        ? DatasetSurgery.withVectorElement(row, "action", 0, Float.POSITIVE_INFINITY)
                        : row);
        cases.add(new Case("infinite action value", "lr-values", 1, Outcome.QUARANTINED, "STATE_NOT_FINITE"));
        Path episodes = dataset.resolve("meta/episodes.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(episodes));
        lines.set(2, lines.get(2).replaceFirst("\"tasks\":\\[\"[^\"]*\"\\]", "\"tasks\":[\"  \"]"));
        Files.write(episodes, lines);
        cases.add(new Case("empty task text", "lr-values", 2, Outcome.QUARANTINED, "TASK_TEXT_EMPTY"));
    }

    private void brokenMetadata() throws IOException {
        Path malformed = copy(GeneratedDatasets.V20_H264, "lr-bad-info");
        Files.writeString(malformed.resolve("meta/info.json"), "{\"codebase_version\": \"v2.0\", \"fps\": 15, \"feat");
        cases.add(
                new Case("malformed info.json", "lr-bad-info", -1, Outcome.DATASET_FAILED, "DATASET_METADATA_INVALID"));
        Path unknown = copy(GeneratedDatasets.V20_H264, "lr-v9");
        DatasetSurgery.editInfo(unknown, info -> info.put("codebase_version", "v9.9"));
        cases.add(new Case(
                "unknown codebase_version", "lr-v9", -1, Outcome.DATASET_FAILED, "UNSUPPORTED_CODEBASE_VERSION"));
    }

    /**
     * An image-sequence dataset under a folder named with spaces and non-ASCII letters: episode 0 is good, 1 has one
     * frame, 2 holds a symbolic link to its own folder (a loop), 3 is good.
     */
    private void imageSequence() throws IOException {
        Path dataset = root.resolve(CAPTURES);
        datasets.add(CAPTURES);
        int[] lengths = {24, 1, 24, 24};
        for (int episode = 0; episode < lengths.length; episode++) {
            Path folder = dataset.resolve("\u00e9pisode " + episode);
            Path camera = folder.resolve("front cam");
            Files.createDirectories(camera);
            StringBuilder states = new StringBuilder();
            for (int frame = 0; frame < lengths[episode]; frame++) {
                BufferedImage image = new BufferedImage(48, 32, BufferedImage.TYPE_3BYTE_BGR);
                int x = 4 + frame;
                for (int y = 10; y < 20; y++) {
                    for (int dx = 0; dx < 8; dx++) {
                        image.setRGB(Math.min(47, x + dx), y, 0xC83228);
                    }
                }
                ImageIO.write(
                        image,
                        "png",
                        camera.resolve(String.format("%06d.png", frame)).toFile());
                double gripper = frame < lengths[episode] / 2 ? 0.08 : 0.01;
                states.append(frame == 0 ? "" : ",")
                        .append(String.format(Locale.ROOT, "[%.3f, 0.4, 0.3, %.3f]", 0.2 + 0.01 * frame, gripper));
            }
            Files.writeString(
                    folder.resolve("episode.json"),
                    "{\"fps\": 10, \"task\": \"Pick up the red block (\u00e9t\u00e9 \u2713).\", \"robot_type\":"
                            + " \"synthetic\", \"state_names\": [\"x\", \"y\", \"z\", \"gripper_opening\"],"
                            + " \"states\": [" + states + "]}",
                    StandardCharsets.UTF_8);
        }
        cases.add(new Case("one-frame episode", CAPTURES, 1, Outcome.QUARANTINED, "EPISODE_TOO_SHORT"));
        Files.createSymbolicLink(dataset.resolve("\u00e9pisode 2/front cam/loop"), Path.of(".."));
        cases.add(new Case("symbolic link loop", CAPTURES, 2, Outcome.QUARANTINED, "SYMLINK_LOOP"));
        good.add(new Good(CAPTURES, 0));
        good.add(new Good(CAPTURES, 3));
    }

    /** A parquet file nobody may read; only when this process cannot read such a file anyway (not root). */
    private void permissions() throws IOException {
        if (!permissionsStopReads(root)) {
            notes.add("unreadable file permissions: skipped, this process reads files whatever their permissions"
                    + " (it runs as root), so chmod 000 cannot make a file unreadable here");
            return;
        }
        Path dataset = copy(GeneratedDatasets.V20_H264, "lr-permissions");
        Path file = dataset.resolve(String.format(DATA, 0));
        Files.setPosixFilePermissions(file, java.util.Set.of());
        cases.add(new Case(
                "unreadable file permissions", "lr-permissions", 0, Outcome.QUARANTINED, "DATA_FILE_UNREADABLE"));
        good.add(new Good("lr-permissions", 1));
        good.add(new Good("lr-permissions", 2));
    }

    /** Whether a file with no permissions is unreadable to this process (false for root). */
    public static boolean permissionsStopReads(Path directory) throws IOException {
        Path probe = Files.createTempFile(directory, "probe", ".bin");
        try {
            Files.write(probe, new byte[] {1});
            Files.setPosixFilePermissions(probe, java.util.Set.of());
            try {
                Files.readAllBytes(probe);
                return false;
            } catch (java.nio.file.AccessDeniedException e) {
                return true;
            }
        } finally {
            Files.setPosixFilePermissions(
                    probe, java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
            Files.delete(probe);
        }
    }

    /**
     * A copy of the generated v2.0 H.264 dataset whose episode 0 has {@code frames} rows and frames (a tiny 32x32
     * MPEG-4 video, written quickly); returns the dataset's root.
     */
    public static Path longEpisode(Path directory, int frames) {
        try {
            Path dataset = GeneratedDatasets.copy(GeneratedDatasets.V20_H264, directory);
            Path data = dataset.resolve(String.format(DATA, 0));
            org.apache.hadoop.fs.Path path = hadoop(data);
            MessageType schema = ParquetRecords.schema(path);
            Group first;
            List<String> names = new ArrayList<>();
            schema.getFields().forEach(field -> names.add(field.getName()));
            try (ParquetRecords records = ParquetRecords.open(path, schema, new HashSet<>(names), null, 0)) {
                first = records.next();
            }
            double fps = 15;
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(path)
                    .withType(schema)
                    .withConf(HadoopConf.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build()) {
                for (long frame = 0; frame < frames; frame++) {
                    Group row = DatasetSurgery.withValue(first, "frame_index", frame);
                    row = DatasetSurgery.withValue(row, "index", frame);
                    row = DatasetSurgery.withValue(row, "timestamp", (float) (frame / fps));
                    writer.write(row);
                }
            }
            try (VideoEncoder encoder = new VideoEncoder(
                            dataset.resolve(String.format("videos/chunk-000/%s/episode_%06d.mp4", FRONT, 0))
                                    .toFile(),
                            32,
                            32,
                            fps,
                            VideoEncoder.Codec.MPEG4);
                    Mat frame = new Mat(32, 32, opencv_core.CV_8UC3, new Scalar(30, 30, 30, 0))) {
                for (int i = 0; i < frames; i++) {
                    frame.ptr(8, i % 32).put(new byte[] {(byte) 250, (byte) 250, (byte) 250});
                    encoder.write(frame);
                }
            }
            Path episodes = dataset.resolve("meta/episodes.jsonl");
            List<String> lines = new ArrayList<>(Files.readAllLines(episodes));
            lines.set(0, lines.get(0).replaceFirst("\"length\":\\d+", "\"length\":" + frames));
            Files.write(episodes, lines);
            return dataset;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static org.apache.hadoop.fs.Path hadoop(Path file) {
        return new org.apache.hadoop.fs.Path(file.toUri());
    }
}
