package io.procvlm.vqa;

import io.procvlm.core.video.FrameImages;
import io.procvlm.vqa.tokens.TokenCounter;
import java.io.Serializable;

/**
 * Where one sample goes for the trainer (reference stages 5, 5b and 7): its tokens, at the stored image size or, above
 * {@code vqa.context.long-max}, at the down-sized variant; then its context set (short, long, or dropped with a
 * reason) and whether a short sample is replayed in the long set.
 *
 * @param counts the sample's tokens at the images it shows
 * @param variant {@code full} or the down-sized variant ({@code "320"}: longest side in pixels)
 * @param context {@code short}, {@code long} or {@code dropped}
 * @param dropReason {@code video-too-short} or {@code too-many-tokens} when dropped, else null
 * @param replay a short sample also in the long set
 */
public record Placement(TokenCounter.Counts counts, String variant, String context, String dropReason, boolean replay)
        implements Serializable {
    public static final String FULL = "full";

    /**
     * @param width the stored images' width (all frames of an episode have one size)
     * @param height their height
     * @param episodeSeconds the duration of the episode's video
     */
    public static Placement of(VqaSample sample, int width, int height, double episodeSeconds, VqaConfig config) {
        ContextConfig context = config.context();
        int images = sample.frames().size();
        TokenCounter.Counts counts = context.counter().count(sample.question(), sample.answer(), images, width, height);
        String variant = FULL;
        if (counts.total() > context.longMax() && images > 0) {
            int[] small = resized(width, height, config);
            if (small != null) {
                counts = context.counter().count(sample.question(), sample.answer(), images, small[0], small[1]);
                variant = Integer.toString(context.resizeSide());
            }
        }
        if (episodeSeconds < context.minVideoSeconds()) {
            return new Placement(counts, variant, ContextConfig.DROPPED, ContextConfig.TOO_SHORT_VIDEO, false);
        }
        String set = context.setOf(counts.total());
        if (set.equals(ContextConfig.DROPPED)) {
            return new Placement(counts, variant, set, ContextConfig.TOO_MANY_TOKENS, false);
        }
        boolean replay = set.equals(ContextConfig.SHORT) && context.replayed(config.seed(), sample.id());
        return new Placement(counts, variant, set, null, replay);
    }

    /** The down-sized variant's size of a {@code width} x {@code height} image, or null when it would not be smaller. */
    public static int[] resized(int width, int height, VqaConfig config) {
        int side = config.context().resizeSide();
        if (side <= 0) {
            return null;
        }
        int[] size = FrameImages.targetSize(width, height, side, config.keepAspect());
        return size[0] < width || size[1] < height ? size : null;
    }

    /** The image file name of a frame in a variant: {@code <frame:06d>.jpg}, or {@code <frame:06d>_320.jpg}. */
    public static String fileName(long frame, String variant) {
        return String.format(java.util.Locale.ROOT, "%06d%s.jpg", frame, FULL.equals(variant) ? "" : "_" + variant);
    }
}
