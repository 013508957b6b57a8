package io.procvlm.vqa.tokens;

import java.io.Serializable;

/**
 * A sample's tokens as the reference's {@code count_tokens.py} counts them: a fixed chat overhead (21: the system turn
 * and the generation frame), plus the tokens of each turn in the chat template, plus the tokens of every image.
 *
 * <p>Each turn is rendered as Qwen's chat template does ({@code <|im_start|>user\n...<|im_end|>\n}, then the
 * assistant's), with every {@code <image>} placeholder of the question written as
 * {@code <|vision_start|><|image_pad|><|vision_end|>}; the processor then expands each {@code <|image_pad|>} into the
 * image's tokens, so the pad itself is not counted as text and the image counts {@link VisionTokens#tokens} instead.
 *
 * @param text the text tokenizer
 * @param vision the image rule
 * @param overhead tokens added to every sample ({@code vqa.tokens.chat-overhead})
 */
public record TokenCounter(TextTokens text, VisionTokens vision, int overhead) implements Serializable {
    public static final String IMAGE_PLACEHOLDER = "<image>";
    public static final String VISION_START = "<|vision_start|>";
    public static final String IMAGE_PAD = "<|image_pad|>";
    public static final String VISION_END = "<|vision_end|>";

    /** One sample's tokens: {@code total = overhead + text + image}. */
    public record Counts(long text, long image, long total) implements Serializable {}

    /** The user turn as the chat template writes it. */
    public static String userTurn(String question) {
        return "<|im_start|>user\n" + question.replace(IMAGE_PLACEHOLDER, VISION_START + IMAGE_PAD + VISION_END)
                + "<|im_end|>\n";
    }

    /** The assistant turn as the chat template writes it. */
    public static String assistantTurn(String answer) {
        return "<|im_start|>assistant\n" + answer + "<|im_end|>\n";
    }

    /**
     * The tokens of a sample whose question shows {@code images} images of {@code width} x {@code height} (all frames
     * of an episode have one size).
     */
    public Counts count(String question, String answer, int images, int width, int height) {
        int placeholders = occurrences(question, IMAGE_PLACEHOLDER);
        long textTokens = text.count(userTurn(question)) - placeholders + text.count(assistantTurn(answer));
        long imageTokens = images == 0 ? 0 : images * vision.tokens(width, height);
        return new Counts(textTokens, imageTokens, overhead + textTokens + imageTokens);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
