package io.procvlm.annotators.torch;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.EpisodeImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * TorchScript models loaded once per JVM (one per folder and device) through DJL's PyTorch engine; every annotation
 * takes a {@link Lease} with a predictor of its own (DJL predictors are not thread safe, models are).
 */
final class TorchModels {
    private static final Map<String, ZooModel<PhaseTranslator.Frames, float[][]>> MODELS = new ConcurrentHashMap<>();
    private static final int JPEG_QUALITY = 95;

    private TorchModels() {}

    static Lease model(TorchSettings settings) {
        ZooModel<PhaseTranslator.Frames, float[][]> model =
                MODELS.computeIfAbsent(settings.modelDir() + "|" + settings.device(), key -> load(settings));
        return new Lease(model.newPredictor(), settings);
    }

    private static ZooModel<PhaseTranslator.Frames, float[][]> load(TorchSettings settings) {
        Criteria<PhaseTranslator.Frames, float[][]> criteria = Criteria.builder()
                .setTypes(PhaseTranslator.Frames.class, float[][].class)
                .optModelPath(Path.of(settings.modelDir()))
                .optModelName("model")
                .optEngine("PyTorch")
                .optDevice(settings.device().equals("gpu") ? Device.gpu() : Device.cpu())
                .optTranslator(new PhaseTranslator())
                .build();
        try {
            return criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new PipelineException(
                    AnnotatorErrorCode.TORCH_MODEL_INVALID,
                    "Cannot load the TorchScript model in " + settings.modelDir() + " on " + settings.device() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** A predictor of a shared model. */
    static final class Lease implements AutoCloseable {
        private final Predictor<PhaseTranslator.Frames, float[][]> predictor;
        private final TorchSettings settings;

        private Lease(Predictor<PhaseTranslator.Frames, float[][]> predictor, TorchSettings settings) {
            this.predictor = predictor;
            this.settings = settings;
        }

        /**
         * Scores the frames at {@code positions} (rows of the episode's frames): decodes them in colour, resizes them
         * to the input size, and runs the model once over all of them with their times from the segment start.
         */
        float[][] predict(
                EpisodeRef ref,
                long[] frameIndex,
                double[] timestamps,
                int[] positions,
                int segmentFirstRow,
                double toleranceFrames) {
            int n = positions.length;
            int size = settings.inputSize();
            int plane = size * size;
            long[] index = new long[n];
            double[] times = new double[n];
            float[] seconds = new float[n];
            for (int i = 0; i < n; i++) {
                index[i] = frameIndex[positions[i]];
                times[i] = timestamps[positions[i]];
                seconds[i] = (float) (times[i] - timestamps[segmentFirstRow]);
            }
            float[] pixels = new float[n * 3 * plane];
            byte[] bgr = new byte[plane * 3];
            int filled = 0;
            try (EpisodeImages images =
                    new EpisodeImages(ref, index, times, toleranceFrames, 1, size, false, JPEG_QUALITY)) {
                while (images.hasNext()) {
                    byte[] jpeg = images.next().jpeg().bytes();
                    try (BytePointer bytes = new BytePointer(jpeg);
                            Mat encoded = new Mat(1, jpeg.length, CV_8UC1, bytes);
                            Mat decoded = imdecode(encoded, IMREAD_COLOR)) {
                        decoded.data().get(bgr);
                    }
                    int base = filled * 3 * plane;
                    for (int p = 0; p < plane; p++) {
                        pixels[base + p] = (bgr[p * 3 + 2] & 0xff) / 255f;
                        pixels[base + plane + p] = (bgr[p * 3 + 1] & 0xff) / 255f;
                        pixels[base + 2 * plane + p] = (bgr[p * 3] & 0xff) / 255f;
                    }
                    filled++;
                }
            }
            try {
                return predictor.predict(new PhaseTranslator.Frames(pixels, seconds, size));
            } catch (TranslateException | RuntimeException e) {
                throw new PipelineException(
                        AnnotatorErrorCode.TORCH_INFERENCE_FAILED,
                        "The TorchScript model failed on " + n + " frames of episode " + ref.key() + ": "
                                + e.getMessage(),
                        e);
            }
        }

        @Override
        public void close() {
            predictor.close();
        }
    }
}
