package io.procvlm.vqa;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Puts every episode, whole, in one split: {@code ood} when its dataset or task is held out, otherwise {@code test}
 * for a share {@code vqa.test-ratio} chosen by a hash of the salt, dataset and episode, else {@code train}. The hash
 * does not involve the run seed, so re-sampling with another seed keeps every episode in its split; all families of
 * an episode share its split (the reference drew a split per family file, leaking episodes across splits).
 */
public final class Splits {
    public static final String TRAIN = "train";
    public static final String TEST = "test";
    public static final String OOD = "ood";

    private Splits() {}

    public static String assign(String dataset, long episodeIndex, String task, VqaConfig config) {
        if (config.oodDatasets().contains(dataset)
                || config.oodTasks().contains(task.toLowerCase(Locale.ROOT).strip())) {
            return OOD;
        }
        return unitHash(config.splitSalt() + "\u0000" + dataset + "\u0000" + episodeIndex) < config.testRatio()
                ? TEST
                : TRAIN;
    }

    /** A number in [0, 1) from the first 53 bits of SHA-256 of {@code text}. */
    static double unitHash(String text) {
        return (hash64(text) >>> 11) * 0x1.0p-53;
    }

    /** The first 64 bits of SHA-256 of {@code text}. */
    public static long hash64(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
