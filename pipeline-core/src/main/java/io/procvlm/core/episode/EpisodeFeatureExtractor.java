package io.procvlm.core.episode;

import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.error.InternalFailures;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.features.VisualChange;
import io.procvlm.core.features.VisualChangeExtractor;
import io.procvlm.core.images.FeatureImages;
import io.procvlm.core.images.ImageFileWriter;
import io.procvlm.core.images.ImageSettings;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.Problem;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameImages;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.FrameSources;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The features stage for one episode: decodes the exo camera streaming, matches each decoded frame to its parquet row
 * by timestamp (within a tolerance), computes visual-change features on matched frames and proprioceptive signals
 * from the rows. Problems become the result's outcome; nothing is thrown.
 */
public final class EpisodeFeatureExtractor implements java.io.Serializable {
    private final InspectionConfig inspection;
    private final FeaturesConfig features;
    private final ImageSettings images;
    private final String imagesRoot;

    public EpisodeFeatureExtractor(InspectionConfig inspection, FeaturesConfig features) {
        this(inspection, features, ImageSettings.off(), null);
    }

    /**
     * An extractor that also encodes every matched frame's JPEG ({@code images}) from the same decode and writes each
     * episode's images to {@link FeatureImages#batchFile} under {@code imagesRoot}, streaming.
     */
    public EpisodeFeatureExtractor(
            InspectionConfig inspection, FeaturesConfig features, ImageSettings images, String imagesRoot) {
        this.inspection = requireNonNull(inspection, "inspection is null");
        this.features = requireNonNull(features, "features is null");
        this.images = requireNonNull(images, "images is null");
        if (images.enabled()) {
            requireNonNull(imagesRoot, "imagesRoot is null");
        }
        this.imagesRoot = imagesRoot;
    }

    public EpisodeFeatures extract(EpisodeRef ref) {
        long started = System.nanoTime();
        List<Problem> problems = new ArrayList<>();
        FeatureRows rows = new FeatureRows();
        long decoded = 0;
        long matched = 0;
        long unmatchedRows = 0;
        long extraFrames = 0;
        double maxError = 0;
        String codec = "unknown";
        int width = 0;
        int height = 0;
        long imageNanos = 0;
        ImageFileWriter imageFile = null;
        try {
            DatasetFiles files = DatasetFiles.at(ref.datasetRoot());
            EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
            FrameTable table = reader.readFrames(files, ref);
            double tolerance = inspection.timestampToleranceFrames() / ref.fps();
            double[] gripper = gripperSignal(ref, table);
            double[] speed = stateSpeed(ref, table);
            long firstUnmatchedFrameIndex = -1;
            if (images.enabled()) {
                imageFile = new ImageFileWriter(
                        FeatureImages.batchFile(imagesRoot, ref.dataset().value(), ref.episodeIndex()),
                        ref.dataset().value(),
                        ref.episodeIndex());
            }
            try (FrameSource source = images.enabled()
                            ? FrameSources.openWithColor(
                                    reader, files, ref, inspection.decoderThreads(), inspection.av1Decoder())
                            : reader.openFrames(
                                    files, ref, inspection.decoderThreads(), PixelMode.GRAY, inspection.av1Decoder());
                    VisualChangeExtractor extractor = new VisualChangeExtractor(features);
                    FrameImages encoder = images.enabled()
                            ? new FrameImages(images.maxSide(), images.keepAspect(), images.jpegQuality())
                            : null) {
                int row = 0;
                for (DecodedFrame frame; (frame = source.next()) != null; ) {
                    decoded++;
                    double time = frame.timestamp();
                    while (row < table.rows() && table.timestamp(row) < time - tolerance) {
                        if (firstUnmatchedFrameIndex < 0) {
                            firstUnmatchedFrameIndex = table.frameIndex(row);
                        }
                        unmatchedRows++;
                        row++;
                    }
                    if (row < table.rows() && Math.abs(table.timestamp(row) - time) <= tolerance) {
                        maxError = Math.max(maxError, Math.abs(table.timestamp(row) - time));
                        VisualChange change = extractor.next(frame.image());
                        rows.add(
                                table.frameIndex(row),
                                table.timestamp(row),
                                time,
                                change.phash(),
                                change.frameDiff(),
                                change.flowMagnitude(),
                                change.movingFraction(),
                                gripper[row],
                                speed[row],
                                table.state(row),
                                table.action(row));
                        if (imageFile != null) {
                            long encodeStarted = System.nanoTime();
                            imageFile.add(table.frameIndex(row), encoder.encode(source, frame));
                            imageNanos += System.nanoTime() - encodeStarted;
                        }
                        matched++;
                        row++;
                    } else {
                        extraFrames++;
                    }
                }
                if (row < table.rows() && firstUnmatchedFrameIndex < 0) {
                    firstUnmatchedFrameIndex = table.frameIndex(row);
                }
                unmatchedRows += table.rows() - row;
                VideoInfo info = source.info();
                codec = info.codec();
                width = info.width();
                height = info.height();
            }
            if (unmatchedRows > inspection.maxUnmatchedRows()) {
                problems.add(Problem.error(
                        FRAME_COUNT_MISMATCH.name(),
                        String.format(
                                Locale.ROOT,
                                "%d of %d rows have no decoded frame within %.1f ms (first at frame_index %d);"
                                        + " the video gave %d frames in the episode's range",
                                unmatchedRows,
                                table.rows(),
                                tolerance * 1000,
                                firstUnmatchedFrameIndex,
                                decoded)));
            } else if (unmatchedRows > 0) {
                problems.add(Problem.warning(
                        FRAME_COUNT_MISMATCH.name(),
                        unmatchedRows + " rows have no decoded frame and are left out (video.max-unmatched-rows = "
                                + inspection.maxUnmatchedRows() + ")"));
            }
            if (extraFrames > 0) {
                problems.add(Problem.warning(
                        FRAME_COUNT_MISMATCH.name(),
                        extraFrames + " decoded frames have no parquet row within tolerance and are ignored"));
            }
        } catch (PipelineException e) {
            problems.add(Problem.error(e.errorCode().name(), e.getMessage()));
        } catch (RuntimeException e) {
            problems.add(InternalFailures.problem("Unexpected failure extracting features", e));
        }
        boolean quarantined = problems.stream().anyMatch(Problem::isError);
        long imageCount = 0;
        long imageBytes = 0;
        if (imageFile != null) {
            try {
                if (!quarantined) {
                    imageFile.commit();
                    imageCount = imageFile.count();
                    imageBytes = imageFile.bytes();
                }
            } catch (PipelineException e) {
                problems.add(Problem.error(e.errorCode().name(), e.getMessage()));
                quarantined = true;
            } finally {
                imageFile.close();
            }
        }
        EpisodeFeatures.Stats stats = new EpisodeFeatures.Stats(
                decoded,
                matched,
                unmatchedRows,
                extraFrames,
                maxError,
                codec,
                width,
                height,
                System.nanoTime() - started,
                imageCount,
                imageBytes,
                imageNanos);
        return new EpisodeFeatures(ref, problems, quarantined ? FeatureRows.empty() : rows, stats);
    }

    /**
     * Mean of the gripper dimensions of each row's state that move in this episode (those whose range is at least half
     * the largest: a two-handed robot's idle hand is left out), or NaN when the dataset names none.
     */
    static double[] gripperSignal(EpisodeRef ref, FrameTable table) {
        double[] signal = new double[table.rows()];
        List<Integer> named = ref.columns().gripperDimensions();
        List<Integer> dimensions = new ArrayList<>();
        double widest = 0;
        double[] ranges = new double[named.size()];
        for (int d = 0; d < named.size(); d++) {
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (int row = 0; row < table.rows(); row++) {
                float[] state = table.state(row);
                if (state != null && named.get(d) < state.length) {
                    low = Math.min(low, state[named.get(d)]);
                    high = Math.max(high, state[named.get(d)]);
                }
            }
            ranges[d] = high >= low ? high - low : 0;
            widest = Math.max(widest, ranges[d]);
        }
        for (int d = 0; d < named.size(); d++) {
            if (ranges[d] >= 0.5 * widest) {
                dimensions.add(named.get(d));
            }
        }
        for (int row = 0; row < table.rows(); row++) {
            float[] state = table.state(row);
            if (state == null || dimensions.isEmpty()) {
                signal[row] = Double.NaN;
                continue;
            }
            double sum = 0;
            int count = 0;
            for (int dimension : dimensions) {
                if (dimension < state.length) {
                    sum += state[dimension];
                    count++;
                }
            }
            signal[row] = count == 0 ? Double.NaN : sum / count;
        }
        return signal;
    }

    /** Euclidean speed of the state vector between consecutive rows, per second; NaN for the first row. */
    static double[] stateSpeed(EpisodeRef ref, FrameTable table) {
        double[] speed = new double[table.rows()];
        for (int row = 0; row < table.rows(); row++) {
            float[] state = table.state(row);
            float[] previous = row == 0 ? null : table.state(row - 1);
            double dt = row == 0 ? 0 : table.timestamp(row) - table.timestamp(row - 1);
            if (state == null || previous == null || previous.length != state.length || !(dt > 0)) {
                speed[row] = Double.NaN;
                continue;
            }
            double sum = 0;
            for (int i = 0; i < state.length; i++) {
                double delta = state[i] - previous[i];
                sum += delta * delta;
            }
            speed[row] = Math.sqrt(sum) / dt;
        }
        return speed;
    }
}
