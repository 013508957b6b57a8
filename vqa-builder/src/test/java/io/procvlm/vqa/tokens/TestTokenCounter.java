package io.procvlm.vqa.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.testing.TinyQwenTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text tokens through a real tokenizer.json (a tiny Qwen2-style byte-level BPE written by {@link TinyQwenTokenizer}):
 * counts worked out by hand, equal to the tokenizer's own encoding, nothing truncated; and a sample's total.
 */
final class TestTokenCounter {
    @TempDir
    static Path directory;

    static Path file;
    static TokenizerTextTokens tokens;

    @BeforeAll
    static void writeTokenizer() throws Exception {
        file = TinyQwenTokenizer.write(directory.resolve("tokenizer.json"));
        tokens = new TokenizerTextTokens(Files.readString(file), file.toString());
    }

    @Test
    void countsWorkedOutByHand() {
        // specials are one token each; "user" 4 bytes, no merge; "\n" 1; "the" -> t + he (merge "h e") = 2;
        // " thing" -> Ġt (merge "Ġ t") + h + ing (merges "i n", "in g") = 3
        assertThat(tokens.count("<|im_start|>user\nthe thing<|im_end|>\n")).isEqualTo(1 + 4 + 1 + 2 + 3 + 1 + 1);
        assertThat(tokens.count(" the")).as("merges Ġ t, h e, Ġt he").isEqualTo(1);
        assertThat(tokens.count("2026")).as("Qwen2 splits digits one by one").isEqualTo(4);
        assertThat(tokens.count("<|vision_start|><|image_pad|><|vision_end|>")).isEqualTo(3);
        // no truncation at DJL's default 512: "a" then 999 x " a" (Ġ + a, no merge)
        assertThat(tokens.count("a" + " a".repeat(999))).isEqualTo(1 + 2 * 999);
        assertThat(tokens.method()).isEqualTo("tokenizer");
    }

    @Test
    void equalToTheTokenizersOwnEncoding() throws Exception {
        String[] texts = {
            TokenCounter.userTurn("<image>\n<image>\nWhat is the progress of the task \"pick the bottle\"?"),
            TokenCounter.assistantTurn(
                    "The following actions are required: \n1. grasp the bottle\nTherefore, the estimated progress is"
                            + " <progress>42.50%</progress>."),
            "[{\"action_description\": \"reach\", \"start_frame\": 0, \"end_frame\": 12}]",
            "Ünïcödé — 進捗 12 ms"
        };
        try (HuggingFaceTokenizer direct =
                HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (String text : texts) {
                assertThat(tokens.count(text))
                        .as(text)
                        .isEqualTo(direct.encode(text, false, false).getIds().length);
            }
        }
    }

    @Test
    void aSampleIsOverheadPlusTurnsPlusImages() {
        TokenCounter counter = new TokenCounter(tokens, VisionTokens.of(VisionModel.QWEN2_VL), 21);
        TokenCounter.Counts counts = counter.count("<image>\n<image>\nthe thing", "the", 2, 256, 192);
        // user: <|im_start|> + "user" 4 + "\n" 1 + 2 x (vision_start, pad, vision_end) + "\n" 1 + "\n" 1 + "the" 2
        // + " thing" 3 + <|im_end|> + "\n" = 21, less the 2 pads the images replace = 19
        // assistant: <|im_start|> + "assistant" 9 + "\n" 1 + "the" 2 + <|im_end|> + "\n" = 15
        assertThat(counts.text()).isEqualTo(19 + 15);
        assertThat(counts.image()).as("2 images of 256x192: 63 tokens each").isEqualTo(2 * 63);
        assertThat(counts.total()).isEqualTo(21 + 34 + 126);
    }

    @Test
    void theEstimateCountsSpecialTokensAndFourCharactersAToken() {
        EstimatedTextTokens estimate = new EstimatedTextTokens();
        assertThat(estimate.count("<|im_start|>abcdefgh<|im_end|>")).isEqualTo(1 + 2 + 1);
        assertThat(estimate.count("abcde")).isEqualTo(2);
        assertThat(estimate.count("")).isZero();
        assertThat(estimate.method()).isEqualTo("estimate");
    }

    @Test
    void travelsToExecutorsAsTheFileText() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(tokens);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            TextTokens copy = (TextTokens) in.readObject();
            assertThat(copy.count(" the thing")).isEqualTo(tokens.count(" the thing"));
            assertThat(copy.fingerprint()).isEqualTo(tokens.fingerprint());
        }
    }

    @Test
    void aFileThatIsNoTokenizerIsAConfigError() {
        assertThatThrownBy(() -> new TokenizerTextTokens(
                        new String(
                                "{\"not\": \"a tokenizer\"}".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                        "bad.json"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("bad.json");
    }
}
