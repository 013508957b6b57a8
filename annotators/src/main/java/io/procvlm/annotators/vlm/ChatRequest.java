package io.procvlm.annotators.vlm;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One OpenAI-compatible chat-completion request: the model, the messages (text and JPEG images) and the decoding
 * parameters.
 *
 * @param model the model id sent as {@code model}
 * @param messages the conversation, in order
 * @param temperature sampling temperature
 * @param maxTokens {@code max_tokens}
 * @param seed {@code seed}, or {@code null} to send none
 */
public record ChatRequest(String model, List<Message> messages, double temperature, int maxTokens, Long seed) {
    public ChatRequest {
        requireNonNull(model, "model is null");
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
    }

    /** One message: a role ({@code system}, {@code user}, {@code assistant}) and its parts, in order. */
    public record Message(String role, List<Part> parts) {
        public Message {
            requireNonNull(role, "role is null");
            parts = List.copyOf(requireNonNull(parts, "parts is null"));
        }

        public static Message user(List<Part> parts) {
            return new Message("user", parts);
        }

        public static Message text(String role, String text) {
            return new Message(role, List.of(new Text(text)));
        }
    }

    /** A part of a message. */
    public sealed interface Part permits Text, Image {}

    /** A text part. */
    public record Text(String text) implements Part {
        public Text {
            requireNonNull(text, "text is null");
        }
    }

    /** A JPEG image part, sent as a {@code data:image/jpeg;base64,...} URL. */
    public record Image(byte[] jpeg) implements Part {
        public Image {
            requireNonNull(jpeg, "jpeg is null");
        }
    }
}
