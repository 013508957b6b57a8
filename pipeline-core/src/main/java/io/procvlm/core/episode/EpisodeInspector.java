package io.procvlm.core.episode;

import static io.procvlm.core.error.CoreErrorCode.CODEC_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.EPISODE_LENGTH_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.EPISODE_TOO_SHORT;
import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.FRAME_INDEX_INVALID;
import static io.procvlm.core.error.CoreErrorCode.STATE_NOT_FINITE;
import static io.procvlm.core.error.CoreErrorCode.TASK_INDEX_UNKNOWN;
import static io.procvlm.core.error.CoreErrorCode.TASK_TEXT_EMPTY;
import static io.procvlm.core.error.CoreErrorCode.TIMESTAMPS_NOT_MONOTONIC;
import static io.procvlm.core.error.CoreErrorCode.TIMESTAMP_DRIFT;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_SIZE_MISMATCH;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.error.InternalFailures;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.TaskSegment;
import io.procvlm.core.model.VideoSegment;
import io.procvlm.core.video.Codecs;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.VideoInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The index stage's checks of one episode, from its rows and its video's container headers (no full decode):
 * readable rows, frame indices, monotone timestamps without drift, video present and openable, declared codec and
 * size, frame counts. Every problem found is recorded; none is thrown.
 */
public final class EpisodeInspector implements java.io.Serializable {
    /** Headers of shared video files (LeRobot v3.0) kept by one inspector, at most this many. */
    static final int MAX_HEADERS = 256;

    private final InspectionConfig config;
    /**
     * Headers of the shared video files this inspector has probed, by file and its size and modification time: the
     * episodes of one v3.0 file packed into one Spark task probe it once. Not serialized: each task starts empty.
     */
    private transient java.util.Map<String, VideoInfo> headers;

    public EpisodeInspector(InspectionConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public EpisodeInspection inspect(EpisodeRef ref) {
        List<Problem> problems = new ArrayList<>(ref.problems());
        if (ref.tasks().stream().anyMatch(String::isBlank)) {
            problems.add(Problem.error(
                    TASK_TEXT_EMPTY.name(),
                    "the episode's task text is empty (tasks "
                            + ref.tasks().stream().map(t -> "'" + t + "'").toList() + ")"));
        }
        DatasetFiles files = DatasetFiles.at(ref.datasetRoot());
        EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
        long rows = -1;
        double duration = -1;
        int stateDimension = -1;
        int actionDimension = -1;
        FrameTable table = null;
        List<TaskSegment> segments = ref.taskSegments();
        // Readers other than LeRobot's record on the reference only errors that make the episode unreadable (a bad
        // record checksum, a file that cannot be opened): reading again would repeat the same reason.
        boolean scanFailed =
                !ref.format().isLeRobot() && ref.problems().stream().anyMatch(Problem::isError);
        try {
            if (scanFailed) {
                throw new SkipRead();
            }
            table = reader.readFrames(files, ref);
            rows = table.rows();
            duration = table.timestamp(table.rows() - 1) - table.timestamp(0) + 1.0 / ref.fps();
            stateDimension = table.hasStates() ? table.state(0).length : -1;
            actionDimension = table.hasActions() ? table.action(0).length : -1;
            checkRows(ref, table, problems);
            if (problems.stream().noneMatch(Problem::isError)) {
                segments = taskSegments(reader, files, ref, table, config.minFrames(), problems);
            }
        } catch (SkipRead e) {
            // the reason is already recorded
        } catch (PipelineException e) {
            problems.add(Problem.error(e.errorCode().name(), e.getMessage()));
        } catch (RuntimeException e) {
            problems.add(InternalFailures.problem("Unexpected failure reading rows", e));
        }
        VideoInfo video = null;
        boolean videoKnownBad = problems.stream()
                .anyMatch(p -> p.isError()
                        && (p.code().equals("MISSING_VIDEO") || p.code().equals("VIDEO_PATH_TEMPLATE_MISMATCH")));
        // Images held with the rows (HDF5 arrays, RLDS records, image files) fail for the same reason the rows did.
        boolean imagesWithRows = ref.camera().storage().isImages()
                && ref.camera().storage() != CameraStorage.IMAGE_IN_PARQUET
                && table == null;
        if (!videoKnownBad && !scanFailed && !imagesWithRows) {
            video = probe(files, reader, ref, table, problems);
        }
        String fingerprint = fingerprint(files, ref);
        EpisodeRef inspected = segments.equals(ref.taskSegments()) ? ref : ref.withTaskSegments(segments);
        return new EpisodeInspection(
                inspected, rows, duration, stateDimension, actionDimension, video, problems, fingerprint);
    }

    /**
     * The episode's task segments from the rows' task indices: runs of equal task index, a run shorter than {@code
     * minFrames} rows joined to its neighbour (warning {@code TASK_SEGMENT_MERGED}). One run gives none (the whole
     * episode is the segment); rows without task indices keep what the reader declared.
     */
    static List<TaskSegment> taskSegments(
            EpisodeReader reader,
            DatasetFiles files,
            EpisodeRef ref,
            FrameTable table,
            int minFrames,
            List<Problem> problems) {
        if (!table.hasTaskIndices() || table.rows() == 0) {
            return ref.taskSegments();
        }
        List<long[]> runs = new ArrayList<>(); // {task index, first row, row after the last}
        for (int row = 0; row < table.rows(); row++) {
            long task = table.taskIndex(row);
            if (runs.isEmpty() || runs.get(runs.size() - 1)[0] != task) {
                runs.add(new long[] {task, row, row + 1});
            } else {
                runs.get(runs.size() - 1)[2] = row + 1;
            }
        }
        if (runs.size() == 1) {
            return List.of();
        }
        List<long[]> merged = new ArrayList<>();
        for (long[] run : runs) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && (run[2] - run[1] < minFrames || last[0] == run[0])) {
                if (last[0] != run[0]) {
                    problems.add(Problem.warning(
                            "TASK_SEGMENT_MERGED",
                            String.format(
                                    Locale.ROOT,
                                    "task_index %d runs only %d row(s) from frame_index %d (fewer than"
                                            + " index.min-frames); joined to the task segment before it",
                                    run[0],
                                    run[2] - run[1],
                                    table.frameIndex((int) run[1]))));
                }
                last[2] = run[2];
            } else if (last != null && last[2] - last[1] < minFrames) {
                problems.add(Problem.warning(
                        "TASK_SEGMENT_MERGED",
                        String.format(
                                Locale.ROOT,
                                "task_index %d runs only %d row(s) from frame_index %d (fewer than index.min-frames);"
                                        + " joined to the task segment after it",
                                last[0],
                                last[2] - last[1],
                                table.frameIndex((int) last[1]))));
                merged.set(merged.size() - 1, new long[] {run[0], last[1], run[2]});
            } else {
                merged.add(run.clone());
            }
        }
        if (merged.size() == 1) {
            return List.of();
        }
        java.util.Map<Long, String> texts = reader.taskTexts(files, ref);
        List<TaskSegment> segments = new ArrayList<>();
        for (long[] run : merged) {
            String text = texts.get(run[0]);
            if (text == null) {
                problems.add(Problem.error(
                        TASK_INDEX_UNKNOWN.name(),
                        String.format(
                                Locale.ROOT,
                                "the task changes inside the episode, but task_index %d (frame_index %d to %d) has no"
                                        + " text in the dataset's task table",
                                run[0],
                                table.frameIndex((int) run[1]),
                                table.frameIndex((int) run[2] - 1))));
                return List.of();
            }
            segments.add(new TaskSegment(
                    segments.size(), table.frameIndex((int) run[1]), table.frameIndex((int) run[2] - 1) + 1, text));
        }
        return List.copyOf(segments);
    }

    /** Reading is skipped: the scan already recorded why the episode cannot be read. */
    private static final class SkipRead extends RuntimeException {
        SkipRead() {
            super(null, null, false, false);
        }
    }

    private void checkRows(EpisodeRef ref, FrameTable table, List<Problem> problems) {
        int rows = table.rows();
        if (rows < config.minFrames()) {
            problems.add(Problem.error(
                    EPISODE_TOO_SHORT.name(),
                    "episode has " + rows + " frame(s), fewer than index.min-frames = " + config.minFrames()));
        }
        if (ref.declaredLength() >= 0 && ref.declaredLength() != rows) {
            problems.add(Problem.warning(
                    EPISODE_LENGTH_MISMATCH.name(),
                    "metadata declares " + ref.declaredLength() + " frames, the data file has " + rows + " rows"));
        }
        if (!ref.data().isWholeFile()) {
            long declared = ref.data().toIndex() - ref.data().fromIndex();
            if (declared != rows) {
                problems.add(Problem.warning(
                        EPISODE_LENGTH_MISMATCH.name(),
                        "dataset_from_index/dataset_to_index span " + declared + " rows, the data file has " + rows
                                + " rows for this episode"));
            }
        }
        for (int i = 1; i < rows; i++) {
            if (table.frameIndex(i) <= table.frameIndex(i - 1)) {
                problems.add(Problem.error(
                        FRAME_INDEX_INVALID.name(),
                        "frame_index is not strictly increasing at row " + i + " (" + table.frameIndex(i - 1) + " then "
                                + table.frameIndex(i) + ")"));
                break;
            }
        }
        if (rows > 0 && table.frameIndex(0) != 0) {
            problems.add(Problem.warning(
                    FRAME_INDEX_INVALID.name(), "frame_index starts at " + table.frameIndex(0) + ", not 0"));
        }
        for (int i = 1; i < rows; i++) {
            if (!(table.timestamp(i) > table.timestamp(i - 1))) {
                problems.add(Problem.error(
                        TIMESTAMPS_NOT_MONOTONIC.name(),
                        String.format(
                                Locale.ROOT,
                                "timestamp does not increase at row %d (%.6f s then %.6f s)",
                                i,
                                table.timestamp(i - 1),
                                table.timestamp(i))));
                break;
            }
        }
        checkFinite("observation state", table.hasStates() ? table::state : null, table, problems);
        checkFinite("action", table.hasActions() ? table::action : null, table, problems);
        double worst = 0;
        int worstRow = -1;
        for (int i = 0; i < rows; i++) {
            double expected = (table.frameIndex(i) - table.frameIndex(0)) / ref.fps();
            double drift = Math.abs((table.timestamp(i) - table.timestamp(0)) - expected);
            if (!(drift <= worst)) {
                worst = drift;
                worstRow = i;
            }
        }
        double allowed = config.maxTimestampDriftFrames() / ref.fps();
        if (worstRow >= 0 && !(worst <= allowed)) {
            problems.add(Problem.error(
                    TIMESTAMP_DRIFT.name(),
                    String.format(
                            Locale.ROOT,
                            "timestamps drift from frame_index / fps by up to %.4f s (%.2f frames) at frame_index %d;"
                                    + " index.max-timestamp-drift-frames allows %.2f",
                            worst,
                            worst * ref.fps(),
                            table.frameIndex(worstRow),
                            config.maxTimestampDriftFrames())));
        }
    }

    /** A NaN or infinite value in a state or action vector quarantines the episode (progress would be NaN). */
    private static void checkFinite(
            String what, java.util.function.IntFunction<float[]> vectors, FrameTable table, List<Problem> problems) {
        if (vectors == null) {
            return;
        }
        for (int row = 0; row < table.rows(); row++) {
            float[] vector = vectors.apply(row);
            for (int i = 0; i < vector.length; i++) {
                if (!Float.isFinite(vector[i])) {
                    problems.add(Problem.error(
                            STATE_NOT_FINITE.name(),
                            what + " value " + i + " is " + vector[i] + " at row " + row + " (frame_index "
                                    + table.frameIndex(row) + ")"));
                    return;
                }
            }
        }
    }

    private VideoInfo probe(
            DatasetFiles files, EpisodeReader reader, EpisodeRef ref, FrameTable table, List<Problem> problems) {
        if (ref.camera().storage().isImages()) {
            try (FrameSource source = reader.openFrames(files, ref, 1)) {
                DecodedFrame first = source.next();
                if (first == null) {
                    problems.add(Problem.error(
                            FRAME_COUNT_MISMATCH.name(), "the data file holds no image for this episode"));
                }
                return source.info();
            } catch (PipelineException e) {
                problems.add(Problem.error(e.errorCode().name(), e.getMessage()));
                return null;
            } catch (RuntimeException e) {
                problems.add(InternalFailures.problem("Unexpected failure probing the video", e));
                return null;
            }
        }
        try {
            VideoInfo info = videoHeaders(files, reader, ref);
            checkVideo(ref, ref.video(), info, table, problems);
            return info;
        } catch (PipelineException e) {
            problems.add(Problem.error(e.errorCode().name(), e.getMessage()));
            return null;
        } catch (RuntimeException e) {
            problems.add(InternalFailures.problem("Unexpected failure probing the video", e));
            return null;
        }
    }

    /** The video's headers; those of a file holding several episodes are probed once per inspector. */
    private VideoInfo videoHeaders(DatasetFiles files, EpisodeReader reader, EpisodeRef ref) {
        VideoSegment segment = ref.video();
        if (segment == null || !segment.isBounded()) {
            return reader.probeVideo(files, ref);
        }
        String key = ref.format().id() + "\u001f" + files.root() + "\u001f" + segment.path() + "\u001f"
                + files.stat(segment.path()) + "\u001f" + ref.fps();
        synchronized (this) {
            if (headers == null) {
                headers = new java.util.HashMap<>();
            }
            VideoInfo known = headers.get(key);
            if (known != null) {
                return known;
            }
        }
        VideoInfo info = reader.probeVideo(files, ref);
        synchronized (this) {
            if (headers.size() >= MAX_HEADERS) {
                headers.clear();
            }
            headers.put(key, info);
        }
        return info;
    }

    private void checkVideo(
            EpisodeRef ref, VideoSegment segment, VideoInfo info, FrameTable table, List<Problem> problems) {
        if (segment.declaredCodec() != null && !Codecs.sameFamily(segment.declaredCodec(), info.codec())) {
            problems.add(Problem.warning(
                    CODEC_MISMATCH.name(),
                    "metadata declares codec " + segment.declaredCodec() + ", the file is " + info.codec()
                            + " (decoded with " + info.decoder() + ")"));
        }
        if (segment.declaredWidth() > 0
                && (segment.declaredWidth() != info.width() || segment.declaredHeight() != info.height())) {
            problems.add(Problem.warning(
                    VIDEO_SIZE_MISMATCH.name(),
                    "metadata declares " + segment.declaredWidth() + "x" + segment.declaredHeight() + ", the video is "
                            + info.width() + "x" + info.height()));
        }
        if (table == null) {
            return;
        }
        int rows = table.rows();
        if (!segment.isBounded() && segment.fromTimestamp() == 0 && info.frameCount() > 0) {
            if (info.frameCount() < rows - config.maxUnmatchedRows()) {
                problems.add(Problem.error(
                        FRAME_COUNT_MISMATCH.name(),
                        "video has " + info.frameCount() + " frames, the data file has " + rows + " rows"));
            } else if (info.frameCount() != rows) {
                problems.add(Problem.warning(
                        FRAME_COUNT_MISMATCH.name(),
                        "video has " + info.frameCount() + " frames, the data file has " + rows + " rows"));
            }
        } else if (segment.isBounded() && info.durationSeconds() > 0) {
            double halfFrame = 0.5 / ref.fps();
            if (segment.toTimestamp() > info.durationSeconds() + halfFrame) {
                problems.add(Problem.error(
                        FRAME_COUNT_MISMATCH.name(),
                        String.format(
                                Locale.ROOT,
                                "episode ends at %.3f s of %s, but the video is %.3f s long",
                                segment.toTimestamp(),
                                segment.path(),
                                info.durationSeconds())));
            }
            long expected = Math.round((segment.toTimestamp() - segment.fromTimestamp()) * ref.fps());
            if (Math.abs(expected - rows) > config.maxUnmatchedRows()) {
                problems.add(Problem.warning(
                        FRAME_COUNT_MISMATCH.name(),
                        String.format(
                                Locale.ROOT,
                                "from_timestamp/to_timestamp span %d frames at %.3f fps, the data file has %d rows",
                                expected,
                                ref.fps(),
                                rows)));
            }
        }
    }

    /** Hashes what determines the episode's content: its slice, its camera, and quick fingerprints of its files. */
    static String fingerprint(DatasetFiles files, EpisodeRef ref) {
        String dataFingerprint = quick(files, ref.data().file());
        String videoFingerprint =
                ref.videoSegment().map(v -> quick(files, v.path())).orElse("-");
        VideoSegment video = ref.video();
        return Fingerprints.ofParts(
                ref.format().id(),
                Long.toString(ref.episodeIndex()),
                String.join("\u001f", ref.tasks()),
                Double.toString(ref.fps()),
                ref.data().path(),
                Long.toString(ref.data().fromIndex()),
                Long.toString(ref.data().toIndex()),
                dataFingerprint,
                ref.camera().key(),
                video == null ? "-" : video.path(),
                video == null ? "-" : Double.toString(video.fromTimestamp()),
                video == null ? "-" : Double.toString(video.toTimestamp()),
                videoFingerprint);
    }

    private static String quick(DatasetFiles files, String relative) {
        try {
            if (!files.exists(relative)) {
                return "missing";
            }
            return Fingerprints.quickFile(
                    files.path(relative).getFileSystem(io.procvlm.core.io.HadoopConf.get()), files.path(relative));
        } catch (IOException | PipelineException e) {
            return "unreadable";
        }
    }
}
