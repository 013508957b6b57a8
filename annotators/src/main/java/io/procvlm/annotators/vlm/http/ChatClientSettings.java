package io.procvlm.annotators.vlm.http;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.PipelineException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How an {@link OpenAiChatClient} reaches its OpenAI-compatible endpoints.
 *
 * @param endpoints base URLs such as {@code http://127.0.0.1:8000/v1}; the client posts to
 *     {@code <base>/chat/completions}
 * @param apiKey sent as {@code Authorization: Bearer <key>}; {@code null} or empty sends no header. Never printed.
 * @param requestTimeout limit for one HTTP attempt, from sending to the whole response
 * @param connectTimeout limit for opening a connection
 * @param maxAttempts HTTP attempts per request, the first one included (at least 1)
 * @param initialBackoff delay before the first retry; it doubles for each further retry
 * @param maxBackoff cap of the retry delay, and of an honoured {@code Retry-After}
 * @param concurrencyPerEndpoint requests in flight at most per endpoint
 * @param circuitFailureThreshold consecutive failures that open an endpoint's circuit
 * @param circuitOpenDuration how long an open circuit rejects traffic before one trial request is let through
 * @param jitterSeed seed of the random jitter added to retry delays
 */
public record ChatClientSettings(
        List<URI> endpoints,
        String apiKey,
        Duration requestTimeout,
        Duration connectTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        int concurrencyPerEndpoint,
        int circuitFailureThreshold,
        Duration circuitOpenDuration,
        long jitterSeed) {
    public ChatClientSettings {
        endpoints = List.copyOf(requireNonNull(endpoints, "endpoints is null"));
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(circuitOpenDuration, "circuitOpenDuration is null");
        checkArgument(!endpoints.isEmpty(), "At least one endpoint is required");
        for (URI endpoint : endpoints) {
            checkArgument(
                    "http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()),
                    "Invalid endpoint, expected an http or https URL: %s",
                    Redaction.endpoint(endpoint));
            checkArgument(endpoint.getHost() != null, "Invalid endpoint, no host: %s", Redaction.endpoint(endpoint));
        }
        checkArgument(isPositive(requestTimeout), "Invalid requestTimeout: %s", requestTimeout);
        checkArgument(isPositive(connectTimeout), "Invalid connectTimeout: %s", connectTimeout);
        checkArgument(maxAttempts >= 1, "Invalid maxAttempts: %s", maxAttempts);
        checkArgument(!initialBackoff.isNegative(), "Invalid initialBackoff: %s", initialBackoff);
        checkArgument(
                maxBackoff.compareTo(initialBackoff) >= 0,
                "Invalid maxBackoff %s: less than initialBackoff %s",
                maxBackoff,
                initialBackoff);
        checkArgument(concurrencyPerEndpoint >= 1, "Invalid concurrencyPerEndpoint: %s", concurrencyPerEndpoint);
        checkArgument(circuitFailureThreshold >= 1, "Invalid circuitFailureThreshold: %s", circuitFailureThreshold);
        checkArgument(!circuitOpenDuration.isNegative(), "Invalid circuitOpenDuration: %s", circuitOpenDuration);
    }

    /**
     * Settings for the given endpoints with defaults fit for a local vLLM server: no key, 120 s per request, 10 s to
     * connect, 5 attempts, backoff 500 ms doubling to 30 s, 8 requests in flight per endpoint, circuit opened after 5
     * consecutive failures for 30 s, jitter seed 0.
     */
    public static ChatClientSettings defaults(List<URI> endpoints) {
        return new ChatClientSettings(
                endpoints,
                null,
                Duration.ofSeconds(120),
                Duration.ofSeconds(10),
                5,
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                8,
                5,
                Duration.ofSeconds(30),
                0);
    }

    /** Whether an {@code Authorization} header is sent. */
    public boolean hasApiKey() {
        return apiKey != null && !apiKey.isEmpty();
    }

    public ChatClientSettings withEndpoints(List<URI> newEndpoints) {
        return new ChatClientSettings(
                newEndpoints,
                apiKey,
                requestTimeout,
                connectTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                concurrencyPerEndpoint,
                circuitFailureThreshold,
                circuitOpenDuration,
                jitterSeed);
    }

    public ChatClientSettings withApiKey(String newApiKey) {
        return new ChatClientSettings(
                endpoints,
                newApiKey,
                requestTimeout,
                connectTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                concurrencyPerEndpoint,
                circuitFailureThreshold,
                circuitOpenDuration,
                jitterSeed);
    }

    public ChatClientSettings withTimeouts(Duration newRequestTimeout, Duration newConnectTimeout) {
        return new ChatClientSettings(
                endpoints,
                apiKey,
                newRequestTimeout,
                newConnectTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                concurrencyPerEndpoint,
                circuitFailureThreshold,
                circuitOpenDuration,
                jitterSeed);
    }

    public ChatClientSettings withRetries(int newMaxAttempts, Duration newInitialBackoff, Duration newMaxBackoff) {
        return new ChatClientSettings(
                endpoints,
                apiKey,
                requestTimeout,
                connectTimeout,
                newMaxAttempts,
                newInitialBackoff,
                newMaxBackoff,
                concurrencyPerEndpoint,
                circuitFailureThreshold,
                circuitOpenDuration,
                jitterSeed);
    }

    public ChatClientSettings withConcurrencyPerEndpoint(int newConcurrencyPerEndpoint) {
        return new ChatClientSettings(
                endpoints,
                apiKey,
                requestTimeout,
                connectTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                newConcurrencyPerEndpoint,
                circuitFailureThreshold,
                circuitOpenDuration,
                jitterSeed);
    }

    public ChatClientSettings withCircuit(int newFailureThreshold, Duration newOpenDuration) {
        return new ChatClientSettings(
                endpoints,
                apiKey,
                requestTimeout,
                connectTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                concurrencyPerEndpoint,
                newFailureThreshold,
                newOpenDuration,
                jitterSeed);
    }

    public ChatClientSettings withJitterSeed(long newJitterSeed) {
        return new ChatClientSettings(
                endpoints,
                apiKey,
                requestTimeout,
                connectTimeout,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                concurrencyPerEndpoint,
                circuitFailureThreshold,
                circuitOpenDuration,
                newJitterSeed);
    }

    /** Prints every setting but the key, which shows as {@code ***} when set; endpoints lose any user info. */
    @Override
    public String toString() {
        return "ChatClientSettings[endpoints=" + Redaction.endpoints(endpoints)
                + ", apiKey=" + (hasApiKey() ? "***" : "<none>")
                + ", requestTimeout=" + requestTimeout
                + ", connectTimeout=" + connectTimeout
                + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff
                + ", concurrencyPerEndpoint=" + concurrencyPerEndpoint
                + ", circuitFailureThreshold=" + circuitFailureThreshold
                + ", circuitOpenDuration=" + circuitOpenDuration
                + ", jitterSeed=" + jitterSeed
                + "]";
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void checkArgument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw PipelineException.of(CONFIG_INVALID_VALUE, format, args);
        }
    }
}
