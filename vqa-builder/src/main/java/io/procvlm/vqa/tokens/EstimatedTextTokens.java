package io.procvlm.vqa.tokens;

import io.procvlm.core.io.Fingerprints;

/**
 * The estimate used without a tokenizer file: each special token ({@code <|...|>}) is one token, and the text between
 * them one token per 4 characters (UTF-16 code units), rounded up per piece; about what Qwen2's byte-level BPE gives on
 * English prose, less exact on digits and JSON (each digit is a token of its own there). Flagged as {@code estimate} in
 * {@code stats.json} and the card.
 */
public final class EstimatedTextTokens implements TextTokens {
    public static final int CHARACTERS_PER_TOKEN = 4;

    /**
     * Counts as the regular expression {@code <\\|[A-Za-z0-9_]+\\|>} would find the special tokens (leftmost first,
     * never overlapping), by a plain scan: this runs for every ProcVQA sample, and the regex was the larger part of
     * {@code vqa}'s token counting.
     */
    @Override
    public long count(String text) {
        long tokens = 0;
        int from = 0;
        int at = text.indexOf("<|");
        while (at >= 0) {
            int end = at + 2;
            while (end < text.length() && isWordCharacter(text.charAt(end))) {
                end++;
            }
            if (end > at + 2 && text.startsWith("|>", end)) {
                tokens += piece(at - from) + 1;
                from = end + 2;
                at = text.indexOf("<|", from);
            } else {
                at = text.indexOf("<|", at + 1);
            }
        }
        return tokens + piece(text.length() - from);
    }

    private static boolean isWordCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static long piece(int characters) {
        return (characters + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }

    @Override
    public String method() {
        return "estimate";
    }

    @Override
    public String fingerprint() {
        return Fingerprints.ofString("estimate: special tokens 1, other text ceil(characters / 4) per piece");
    }
}
