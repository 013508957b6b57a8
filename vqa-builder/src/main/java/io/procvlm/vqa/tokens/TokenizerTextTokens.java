package io.procvlm.vqa.tokens;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact text tokens from a model's {@code tokenizer.json}, through DJL's Hugging Face tokenizers binding (the Rust
 * {@code tokenizers} library; its native library comes out of the DJL jar, nothing is downloaded). The file's text
 * travels with this object (so Spark executors need no access to the file), and each JVM builds the tokenizer once per
 * file content. No special tokens are added, nothing is truncated or padded: the count of exactly the given text.
 */
public final class TokenizerTextTokens implements TextTokens {
    private static final Map<String, HuggingFaceTokenizer> LOADED = new ConcurrentHashMap<>();
    private static final Map<String, String> OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "maxLength", "1000000000");

    private final String json;
    private final String fingerprint;
    private final String source;

    /**
     * @param json the content of tokenizer.json
     * @param source where it was read from (for messages)
     */
    public TokenizerTextTokens(String json, String source) {
        this.json = json;
        this.fingerprint = Fingerprints.ofString(json);
        this.source = source;
        tokenizer(); // fail early, on the driver, if the file is not a tokenizer
    }

    private HuggingFaceTokenizer tokenizer() {
        return LOADED.computeIfAbsent(fingerprint, key -> {
            try {
                return HuggingFaceTokenizer.newInstance(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), OPTIONS);
            } catch (IOException | RuntimeException e) {
                throw new PipelineException(
                        CoreErrorCode.CONFIG_INVALID_VALUE,
                        "Cannot load the tokenizer " + source + " (a Hugging Face tokenizer.json is expected): "
                                + e.getMessage(),
                        e);
            }
        });
    }

    @Override
    public long count(String text) {
        return tokenizer().encode(text, false, false).getIds().length;
    }

    @Override
    public String method() {
        return "tokenizer";
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    public String source() {
        return source;
    }
}
