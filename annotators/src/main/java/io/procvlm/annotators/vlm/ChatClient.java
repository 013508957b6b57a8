package io.procvlm.annotators.vlm;

/**
 * Sends chat-completion requests to a VLM. Implementations are thread safe and handle retries themselves: a call
 * either returns an answer or throws a {@link io.procvlm.core.error.PipelineException} with {@code VLM_UNAVAILABLE}
 * or {@code VLM_REQUEST_REJECTED}.
 */
public interface ChatClient extends AutoCloseable {
    ChatResponse complete(ChatRequest request);

    @Override
    void close();
}
