package io.procvlm.vqa.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The estimate's scan for special tokens counts exactly as the regular expression it replaced, on any text. */
final class TestEstimatedTextTokensProperties {
    private static final Pattern SPECIAL = Pattern.compile("<\\|[A-Za-z0-9_]+\\|>");
    private final EstimatedTextTokens estimate = new EstimatedTextTokens();

    /** The former implementation, kept here as the specification. */
    private static long byRegex(String text) {
        long tokens = 0;
        int from = 0;
        Matcher matcher = SPECIAL.matcher(text);
        while (matcher.find()) {
            tokens += (matcher.start() - from + 3) / 4 + 1;
            from = matcher.end();
        }
        return tokens + (text.length() - from + 3) / 4;
    }

    @Property(tries = 3000)
    void countsAsTheRegexOnTextBuiltFromTokenCharacters(@ForAll("tokenish") String text) {
        assertThat(estimate.count(text)).as(text).isEqualTo(byRegex(text));
    }

    @Property(tries = 1000)
    void countsAsTheRegexOnAnyText(@ForAll String text) {
        assertThat(estimate.count(text)).isEqualTo(byRegex(text));
    }

    @Example
    void nearMissesAndNeighbours() {
        for (String text : new String[] {
            "<||>",
            "a<||>b",
            "a<|a|b",
            "<|a|",
            "<|a||>",
            "<<|a|>>",
            "<|a|><|b|>",
            "<|<|a|>",
            "<|a b|>",
            "x<|é|>y",
            "<|_|>",
            "|><|9|>"
        }) {
            assertThat(estimate.count(text)).as(text).isEqualTo(byRegex(text));
        }
    }

    /** Text made of the pieces special tokens and their near misses are made of, so that both come up often. */
    @Provide
    Arbitrary<String> tokenish() {
        return Arbitraries.of("<|", "|>", "<", "|", ">", "a", "Z9_", "im_start", " ", "é", "\n", "<|im_end|>")
                .list()
                .ofMaxSize(16)
                .map(pieces -> String.join("", pieces));
    }
}
