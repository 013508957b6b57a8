package io.procvlm.annotators.torch;

import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.enumValue;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.string;

import io.procvlm.core.config.ConfigProperty;
import java.util.List;

/** Configuration keys of the {@code torchscript} annotator ({@code annotate.torchscript.*}). */
public final class TorchConfig {
    public static final String MODEL_DIR = "annotate.torchscript.model-dir";
    public static final String DEVICE = "annotate.torchscript.device";
    public static final String INPUT_SIZE = "annotate.torchscript.input-size";
    public static final String SAMPLE_FPS = "annotate.torchscript.sample-fps";
    public static final String MAX_FRAMES = "annotate.torchscript.max-frames";

    private TorchConfig() {}

    public static List<ConfigProperty> properties() {
        return List.of(
                string(
                        MODEL_DIR,
                        "",
                        "TorchScript annotator: a local folder holding model.pt (a TorchScript phase model, see"
                                + " docs/vlm.md) and labels.txt (one vocabulary verb, or 'idle', per score column)"),
                enumValue(
                        DEVICE,
                        "cpu",
                        List.of("cpu", "gpu"),
                        "TorchScript annotator: where the model runs (gpu needs DJL's CUDA libtorch jar on the"
                                + " class path in place of pytorch-native-cpu)"),
                integer(
                        INPUT_SIZE,
                        224,
                        16,
                        1024,
                        "TorchScript annotator: frames are resized to this many pixels square before inference"),
                doubleValue(
                        SAMPLE_FPS,
                        5.0,
                        0.1,
                        60.0,
                        "TorchScript annotator: frames per second of the segment shown to the model (uniform in"
                                + " time, first and last frame included)"),
                integer(
                        MAX_FRAMES,
                        128,
                        2,
                        4096,
                        "TorchScript annotator: at most this many frames per segment; input memory is"
                                + " max-frames x 3 x input-size^2 x 4 bytes"));
    }
}
