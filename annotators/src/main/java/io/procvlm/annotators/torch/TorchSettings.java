package io.procvlm.annotators.torch;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.Config;
import java.io.Serializable;
import java.util.Locale;

/**
 * Settings of the {@code torchscript} annotator.
 *
 * @param modelDir the local folder with model.pt and labels.txt
 * @param device {@code cpu} or {@code gpu}
 * @param inputSize the side of the square frames the model sees
 * @param sampleFps frames per second sampled from a segment
 * @param maxFrames at most this many frames per segment
 */
public record TorchSettings(String modelDir, String device, int inputSize, double sampleFps, int maxFrames)
        implements Serializable {
    public TorchSettings {
        requireNonNull(modelDir, "modelDir is null");
        requireNonNull(device, "device is null");
    }

    public static TorchSettings of(Config config) {
        String dir = config.string(TorchConfig.MODEL_DIR);
        TorchPhaseAnnotator.requireModelDir(dir);
        return new TorchSettings(
                java.nio.file.Path.of(dir).toAbsolutePath().normalize().toString(),
                config.string(TorchConfig.DEVICE),
                config.integer(TorchConfig.INPUT_SIZE),
                config.doubleValue(TorchConfig.SAMPLE_FPS),
                config.integer(TorchConfig.MAX_FRAMES));
    }

    /** What changes the model's answers (the folder's contents are hashed separately; the device is not part). */
    String fingerprint() {
        return String.format(Locale.ROOT, "size=%d fps=%s max=%d", inputSize, sampleFps, maxFrames);
    }
}
