package io.procvlm.vqa.tokens;

import io.procvlm.core.io.Fingerprints;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The estimate used without a tokenizer file: each special token ({@code <|...|>}) is one token, and the text between
 * them one token per 4 characters (UTF-16 code units), rounded up per piece; about what Qwen2's byte-level BPE gives on
 * English prose, less exact on digits and JSON (each digit is a token of its own there). Flagged as {@code estimate} in
 * {@code stats.json} and the card.
 */
public final class EstimatedTextTokens implements TextTokens {
    public static final int CHARACTERS_PER_TOKEN = 4;
    private static final Pattern SPECIAL = Pattern.compile("<\\|[A-Za-z0-9_]+\\|>");

    @Override
    public long count(String text) {
        long tokens = 0;
        int from = 0;
        Matcher matcher = SPECIAL.matcher(text);
        while (matcher.find()) {
            tokens += piece(matcher.start() - from) + 1;
            from = matcher.end();
        }
        return tokens + piece(text.length() - from);
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
