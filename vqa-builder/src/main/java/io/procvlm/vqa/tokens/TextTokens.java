package io.procvlm.vqa.tokens;

import java.io.Serializable;

/** Counts the text tokens of a string: exactly, with a model's tokenizer, or by a documented estimate. */
public interface TextTokens extends Serializable {
    /** Tokens of {@code text}, special tokens such as {@code <|im_start|>} included, without adding any. */
    long count(String text);

    /** {@code tokenizer} (exact) or {@code estimate}. */
    String method();

    /** SHA-256 of the tokenizer file, or of the estimate's rule: part of the stage's fingerprint. */
    String fingerprint();
}
