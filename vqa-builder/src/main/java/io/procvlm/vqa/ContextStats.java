package io.procvlm.vqa;

import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of token counting, the context split and packing, counted on the written sample and pack tables. Sorted
 * maps keep the output deterministic.
 */
public final class ContextStats {
    /** Per family: samples, tokens, text tokens, image tokens, most tokens of one sample. */
    public record Tokens(long samples, long tokens, long text, long image, long max) {
        public Tokens plus(Tokens other) {
            return new Tokens(
                    samples + other.samples,
                    tokens + other.tokens,
                    text + other.text,
                    image + other.image,
                    Math.max(max, other.max));
        }

        public double mean() {
            return samples == 0 ? 0 : tokens / (double) samples;
        }
    }

    /**
     * One context set of one split.
     *
     * @param samples samples in the set (replayed ones included)
     * @param tokens their tokens
     * @param replayed short samples replayed here (long set only)
     * @param overCapacity samples of the set above the pack capacity, left out of the packs
     * @param packs packs
     * @param packedSamples samples in the packs
     * @param packedTokens tokens in the packs
     * @param capacity tokens per pack
     */
    public record ContextSet(
            long samples,
            long tokens,
            long replayed,
            long overCapacity,
            long packs,
            long packedSamples,
            long packedTokens,
            long capacity) {
        /** Packed tokens over the packs' capacity. */
        public double fillRatio() {
            return packs == 0 ? 0 : packedTokens / (double) (packs * capacity);
        }
    }

    private final Map<String, Map<String, Tokens>> tokens = new TreeMap<>();
    private final Map<String, Map<String, ContextSet>> sets = new TreeMap<>();
    private final Map<String, Map<String, Long>> dropped = new TreeMap<>();
    private final Map<String, Long> downSized = new TreeMap<>();
    private final Map<String, Map<String, Long>> imagesByVariant = new TreeMap<>();

    public void addTokens(String split, String family, Tokens counts) {
        tokens.computeIfAbsent(split, k -> new TreeMap<>()).merge(family, counts, Tokens::plus);
    }

    public void putSet(String split, String set, ContextSet counts) {
        sets.computeIfAbsent(split, k -> new TreeMap<>()).put(set, counts);
    }

    public void addDropped(String split, String reason, long count) {
        dropped.computeIfAbsent(split, k -> new TreeMap<>()).merge(reason, count, Long::sum);
    }

    public void addDownSized(String split, long count) {
        downSized.merge(split, count, Long::sum);
    }

    public void addImages(String split, String variant, long count) {
        imagesByVariant.computeIfAbsent(split, k -> new TreeMap<>()).merge(variant, count, Long::sum);
    }

    /** split -> family -> tokens. */
    public Map<String, Map<String, Tokens>> tokens() {
        return tokens;
    }

    /** family -> tokens, over splits. */
    public Map<String, Tokens> tokensByFamily() {
        Map<String, Tokens> out = new TreeMap<>();
        tokens.values()
                .forEach(byFamily -> byFamily.forEach((family, counts) -> out.merge(family, counts, Tokens::plus)));
        return out;
    }

    /** split -> set -> counts. */
    public Map<String, Map<String, ContextSet>> sets() {
        return sets;
    }

    /** split -> reason -> samples dropped. */
    public Map<String, Map<String, Long>> dropped() {
        return dropped;
    }

    /** split -> samples whose images were down-sized. */
    public Map<String, Long> downSized() {
        return downSized;
    }

    /** split -> image variant -> stored images. */
    public Map<String, Map<String, Long>> imagesByVariant() {
        return imagesByVariant;
    }

    public long totalPacks() {
        return sets.values().stream()
                .flatMap(bySet -> bySet.values().stream())
                .mapToLong(ContextSet::packs)
                .sum();
    }

    public long totalDropped() {
        return dropped.values().stream()
                .flatMap(byReason -> byReason.values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }
}
