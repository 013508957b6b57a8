package io.procvlm.annotators.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * DJL translator of a phase model: frames (N×3×S×S RGB floats in [0, 1]) and their times (N seconds) in, per-frame
 * scores (N×K) out.
 */
public final class PhaseTranslator implements NoBatchifyTranslator<PhaseTranslator.Frames, float[][]> {
    /**
     * The model's input.
     *
     * @param pixels N×3×S×S floats, channel-first RGB in [0, 1], frame after frame
     * @param seconds each frame's time from the segment start
     * @param size S, the side of the square frames
     */
    public record Frames(float[] pixels, float[] seconds, int size) {}

    @Override
    public NDList processInput(TranslatorContext context, Frames input) {
        NDManager manager = context.getNDManager();
        int n = input.seconds().length;
        NDArray frames = manager.create(input.pixels(), new Shape(n, 3, input.size(), input.size()));
        NDArray seconds = manager.create(input.seconds(), new Shape(n));
        return new NDList(frames, seconds);
    }

    @Override
    public float[][] processOutput(TranslatorContext context, NDList list) {
        NDArray scores = list.singletonOrThrow();
        Shape shape = scores.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalStateException("The phase model returned scores of shape " + shape + ", expected N x K");
        }
        int n = (int) shape.get(0);
        int k = (int) shape.get(1);
        float[] flat =
                scores.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * k, out[i], 0, k);
        }
        return out;
    }
}
