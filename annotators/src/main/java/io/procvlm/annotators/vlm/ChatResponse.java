package io.procvlm.annotators.vlm;

import static java.util.Objects.requireNonNull;

/**
 * A chat-completion answer.
 *
 * @param content {@code choices[0].message.content}
 * @param raw the whole response body, kept for audit and re-parsing
 * @param endpoint the base URL that answered
 * @param promptTokens {@code usage.prompt_tokens} (0 when absent)
 * @param completionTokens {@code usage.completion_tokens} (0 when absent)
 * @param attempts HTTP attempts it took, retries included
 */
public record ChatResponse(
        String content, String raw, String endpoint, long promptTokens, long completionTokens, int attempts) {
    public ChatResponse {
        requireNonNull(content, "content is null");
        requireNonNull(raw, "raw is null");
        requireNonNull(endpoint, "endpoint is null");
    }
}
