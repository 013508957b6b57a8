package io.procvlm.annotators.vlm;

import io.procvlm.annotators.vlm.http.ChatClientSettings;
import io.procvlm.annotators.vlm.http.OpenAiChatClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One chat client per settings per JVM: every Spark task of an executor shares its endpoint pool, so the per-endpoint
 * concurrency limit and the circuit breakers hold for the whole executor, not per task. The API key is read from the
 * environment variable the settings name, here, on the executor; it never travels in a Spark closure.
 */
public final class VlmClients {
    private static final Map<VlmSettings, ChatClient> SHARED = new ConcurrentHashMap<>();

    private VlmClients() {}

    public static ChatClient shared(VlmSettings settings) {
        return SHARED.computeIfAbsent(settings, VlmClients::create);
    }

    private static ChatClient create(VlmSettings settings) {
        String key = settings.apiKeyEnv().isBlank() ? null : System.getenv(settings.apiKeyEnv());
        return new OpenAiChatClient(new ChatClientSettings(
                settings.endpoints().stream().map(URI::create).toList(),
                key == null || key.isBlank() ? null : key,
                Duration.ofMillis(Math.round(settings.timeoutSeconds() * 1000)),
                Duration.ofSeconds(10),
                settings.maxAttempts(),
                Duration.ofMillis(settings.backoffInitialMillis()),
                Duration.ofMillis(settings.backoffMaxMillis()),
                settings.concurrency(),
                settings.circuitFailures(),
                Duration.ofMillis(Math.round(settings.circuitOpenSeconds() * 1000)),
                settings.seed()));
    }
}
