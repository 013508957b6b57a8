package io.procvlm.annotators.vlm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.annotators.vlm.ChatRequest;
import io.procvlm.annotators.vlm.ChatResponse;
import io.procvlm.annotators.vlm.testing.FakeChatServer;
import io.procvlm.annotators.vlm.testing.FakeChatServer.RecordedRequest;
import io.procvlm.annotators.vlm.testing.FakeChatServer.Reply;
import io.procvlm.annotators.vlm.testing.RecordedReplies;
import io.procvlm.core.error.PipelineException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request shape, retries and error mapping of {@link OpenAiChatClient}, against a fake server on 127.0.0.1. */
final class TestOpenAiChatClient {
    private static final String API_KEY = "sk-test-SECRET-123";
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, (byte) 0xD9};

    private FakeChatServer server;

    @BeforeEach
    void startServer() {
        server = FakeChatServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void sendsTheOpenAiRequestShape() {
        server.enqueue(Reply.content("hi"));
        try (OpenAiChatClient client =
                new OpenAiChatClient(settings(server.baseUri()).withApiKey(API_KEY))) {
            ChatResponse response = client.complete(request(7L));

            assertThat(response.content()).isEqualTo("hi");
            assertThat(response.promptTokens()).isEqualTo(FakeChatServer.PROMPT_TOKENS);
            assertThat(response.completionTokens()).isEqualTo(FakeChatServer.COMPLETION_TOKENS);
            assertThat(response.attempts()).isEqualTo(1);
            assertThat(response.endpoint()).isEqualTo(server.baseUri().toString());
            assertThat(response.raw()).contains("\"chat.completion\"");
            assertThat(client.stats().promptTokens()).isEqualTo(FakeChatServer.PROMPT_TOKENS);
            assertThat(client.stats().completionTokens()).isEqualTo(FakeChatServer.COMPLETION_TOKENS);
        }

        RecordedRequest recorded = server.requests().get(0);
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.header("authorization")).hasValue("Bearer " + API_KEY);
        assertThat(recorded.header("Content-Type")).hasValue("application/json");
        JsonNode json = recorded.json();
        assertThat(json.path("model").asText()).isEqualTo("qwen2.5-vl");
        assertThat(json.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(json.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(json.path("seed").asLong()).isEqualTo(7L);
        JsonNode messages = json.path("messages");
        assertThat(messages.size()).isEqualTo(2);
        // a lone text part travels as a plain string
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("You label robot episodes.");
        JsonNode user = messages.get(1);
        assertThat(user.path("role").asText()).isEqualTo("user");
        assertThat(user.path("content").size()).isEqualTo(2);
        assertThat(user.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(user.path("content").get(0).path("text").asText()).isEqualTo("Describe the subtasks.");
        assertThat(user.path("content").get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(user.path("content").get(1).path("image_url").path("url").asText())
                .isEqualTo("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(JPEG));
        assertThat(recorded.lastUserText()).isEqualTo("Describe the subtasks.");
    }

    @Test
    void sendsNoSeedAndNoAuthorizationWhenUnset() {
        server.enqueue(Reply.content("a"), Reply.content("b"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            client.complete(request(null));
        }
        try (OpenAiChatClient client =
                new OpenAiChatClient(settings(server.baseUri()).withApiKey(""))) {
            client.complete(request(null));
        }
        for (RecordedRequest recorded : server.requests()) {
            assertThat(recorded.headers()).doesNotContainKey("Authorization");
            assertThat(recorded.json().has("seed")).isFalse();
        }
    }

    @Test
    void retriesServerErrors() {
        server.enqueue(Reply.status(500, "boom"), Reply.status(502, "bad gateway"), Reply.content("third time"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            ChatResponse response = client.complete(request(1L));

            assertThat(response.content()).isEqualTo("third time");
            assertThat(response.attempts()).isEqualTo(3);
            OpenAiChatClient.Stats stats = client.stats();
            assertThat(stats.requests()).isEqualTo(1);
            assertThat(stats.attempts()).isEqualTo(3);
            assertThat(stats.retries()).isEqualTo(2);
            assertThat(stats.status5xx()).isEqualTo(2);
            assertThat(stats.failuresByKind()).containsEntry("status-5xx", 2L).containsEntry("timeout", 0L);
        }
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void honoursRetryAfter() {
        server.enqueue(Reply.tooManyRequests(1), Reply.content("after the pause"));
        ChatClientSettings settings =
                settings(server.baseUri()).withRetries(3, Duration.ofMillis(10), Duration.ofSeconds(2));
        try (OpenAiChatClient client = new OpenAiChatClient(settings)) {
            long start = System.nanoTime();
            ChatResponse response = client.complete(request(1L));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.content()).isEqualTo("after the pause");
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(950));
            assertThat(client.stats().status429()).isEqualTo(1);
        }
    }

    @Test
    void capsRetryAfterAtMaxBackoff() {
        server.enqueue(Reply.tooManyRequests(30), Reply.content("soon"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            long start = System.nanoTime();
            assertThat(client.complete(request(1L)).content()).isEqualTo("soon");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void retriesAfterRequestTimeout() {
        server.enqueue(Reply.delayed(Duration.ofSeconds(3), Reply.content("too late")), Reply.content("in time"));
        ChatClientSettings settings =
                settings(server.baseUri()).withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(1));
        try (OpenAiChatClient client = new OpenAiChatClient(settings)) {
            ChatResponse response = client.complete(request(1L));

            assertThat(response.content()).isEqualTo("in time");
            assertThat(response.attempts()).isEqualTo(2);
            assertThat(client.stats().timeouts()).isEqualTo(1);
        }
    }

    @Test
    void failsUnavailableWhenEveryAttemptFails() {
        server.fallback(request -> Reply.status(503, "{\"error\":\"model is loading\"}"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            assertThatThrownBy(() -> client.complete(request(1L)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("3 attempts failed on [" + server.baseUri() + "]")
                    .hasMessageContaining("HTTP 503")
                    .hasMessageContaining("model is loading")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VLM_UNAVAILABLE");
            assertThat(client.stats().status5xx()).isEqualTo(3);
        }
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void failsUnavailableWhenNothingListens() {
        FakeChatServer stopped = FakeChatServer.start();
        URI closedPort = stopped.baseUri();
        stopped.close();
        try (OpenAiChatClient client = new OpenAiChatClient(settings(closedPort))) {
            assertThatThrownBy(() -> client.complete(request(1L)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("ConnectException")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VLM_UNAVAILABLE");
            assertThat(client.stats().ioErrors()).isEqualTo(3);
        }
    }

    @Test
    void rejectsClientErrorsAtOnce() {
        server.enqueue(Reply.status(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            assertThatThrownBy(() -> client.complete(request(1L)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("rejected the chat request with HTTP 401")
                    .hasMessageContaining("Incorrect API key provided")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VLM_REQUEST_REJECTED");
            assertThat(client.stats().attempts()).isEqualTo(1);
            assertThat(client.stats().retries()).isZero();
            assertThat(client.stats().rejections()).isEqualTo(1);
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void quotesOnlyAShortExcerptOfARejection() {
        server.enqueue(Reply.status(400, "x".repeat(5000)));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            PipelineException failure =
                    catchThrowableOfType(PipelineException.class, () -> client.complete(request(1L)));
            assertThat(failure.errorCode().name()).isEqualTo("VLM_REQUEST_REJECTED");
            assertThat(failure.getMessage()).contains("x".repeat(297) + "...").doesNotContain("x".repeat(298));
        }
    }

    @Test
    void retriesSuccessesThatAreNotChatCompletions() {
        server.enqueue(
                Reply.ok("{\"object\":\"error\",\"message\":\"oops\"}"),
                Reply.ok("<html>proxy login</html>"),
                Reply.content("real answer"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            ChatResponse response = client.complete(request(1L));

            assertThat(response.content()).isEqualTo("real answer");
            assertThat(response.attempts()).isEqualTo(3);
            assertThat(client.stats().badBodies()).isEqualTo(2);
        }
    }

    @Test
    void failsUnavailableWhenNoSuccessIsAChatCompletion() {
        server.fallback(request -> Reply.ok("{\"choices\":[]}"));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            assertThatThrownBy(() -> client.complete(request(1L)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("no string choices[0].message.content")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VLM_UNAVAILABLE");
        }
    }

    @Test
    void repliesRecordedFromARealServer() {
        Map<String, String> replies = RecordedReplies.examples();
        assertThat(replies).containsOnlyKeys("ok", "malformed");
        server.enqueue(Reply.ok(replies.get("ok")), Reply.ok(replies.get("malformed")));
        try (OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri()))) {
            ChatResponse ok = client.complete(request(1L));
            assertThat(ok.content()).isEqualTo("hello");
            assertThat(ok.promptTokens()).isEqualTo(1234);
            assertThat(ok.completionTokens()).isEqualTo(2);

            // the transport does not judge the content: a truncated plan is an answer, for the parser to reject
            assertThat(client.complete(request(1L)).content()).startsWith("Sure! Here is the plan");
        }
    }

    @Test
    void neverRevealsTheApiKey() {
        FakeChatServer stopped = FakeChatServer.start();
        URI closedPort = stopped.baseUri();
        stopped.close();
        // servers that echo the request headers back in their error bodies
        server.enqueue(
                Reply.status(403, "{\"error\":\"bad key\",\"echo\":{\"Authorization\":\"Bearer " + API_KEY + "\"}}"),
                Reply.status(500, "upstream said: authorization=Bearer " + API_KEY),
                Reply.status(500, "key " + API_KEY + " is over quota"),
                Reply.status(500, "raw " + API_KEY));
        List<String> texts = new ArrayList<>();
        ChatClientSettings settings = settings(server.baseUri()).withApiKey(API_KEY);
        try (OpenAiChatClient client = new OpenAiChatClient(settings);
                OpenAiChatClient unreachable = new OpenAiChatClient(settings.withEndpoints(List.of(closedPort)))) {
            texts.add(failureText(client, "VLM_REQUEST_REJECTED"));
            texts.add(failureText(client, "VLM_UNAVAILABLE"));
            texts.add(failureText(unreachable, "VLM_UNAVAILABLE"));
            texts.add(client.toString());
            texts.add(client.stats().toString());
            texts.add(client.settings().toString());
            texts.add(settings.toString());
        }
        assertThat(server.requests())
                .allSatisfy(
                        recorded -> assertThat(recorded.header("Authorization")).hasValue("Bearer " + API_KEY));
        assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain("SECRET"));
        assertThat(settings.toString()).contains("apiKey=***");
        assertThat(texts.get(1)).contains("HTTP 500");
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> settings(server.baseUri()).withRetries(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(PipelineException.class)
                .hasMessage("Invalid maxAttempts: 0")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("CONFIG_INVALID_VALUE");
        assertThatThrownBy(() -> settings(URI.create("ftp://user:" + API_KEY + "@127.0.0.1/v1")))
                .isInstanceOf(PipelineException.class)
                .hasMessage("Invalid endpoint, expected an http or https URL: ftp://127.0.0.1/v1");
    }

    @Test
    void backsOffExponentiallyWithEqualJitter() {
        ChatClientSettings settings =
                settings(server.baseUri()).withRetries(8, Duration.ofMillis(100), Duration.ofMillis(1000));
        try (OpenAiChatClient client = new OpenAiChatClient(settings)) {
            long[] bases = {100, 200, 400, 800, 1000, 1000, 1000};
            for (int retry = 1; retry <= bases.length; retry++) {
                Duration base = Duration.ofMillis(bases[retry - 1]);
                assertThat(client.retryDelay(retry, null)).isBetween(base.dividedBy(2), base);
            }
        }
    }

    @Test
    void parsesRetryAfterSecondsAndDates() {
        assertThat(OpenAiChatClient.parseRetryAfter(" 3 ")).hasValue(Duration.ofSeconds(3));
        assertThat(OpenAiChatClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
                .hasValue(Duration.ZERO);
        assertThat(OpenAiChatClient.parseRetryAfter("-1")).isEmpty();
        assertThat(OpenAiChatClient.parseRetryAfter("soon")).isEmpty();
    }

    /** The message of the failure, its causes' messages, all joined. */
    private static String failureText(OpenAiChatClient client, String expectedCode) {
        PipelineException failure = catchThrowableOfType(PipelineException.class, () -> client.complete(request(1L)));
        assertThat(failure).isNotNull();
        assertThat(failure.errorCode().name()).isEqualTo(expectedCode);
        StringBuilder text = new StringBuilder();
        for (Throwable current = failure; current != null; current = current.getCause()) {
            text.append(current).append('\n');
        }
        return text.toString();
    }

    static ChatRequest request(Long seed) {
        return new ChatRequest(
                "qwen2.5-vl",
                List.of(
                        ChatRequest.Message.text("system", "You label robot episodes."),
                        ChatRequest.Message.user(
                                List.of(new ChatRequest.Text("Describe the subtasks."), new ChatRequest.Image(JPEG)))),
                0.2,
                256,
                seed);
    }

    /** Fast settings for tests: 3 attempts, 10-50 ms backoff, 2 s per request, circuit effectively off. */
    static ChatClientSettings settings(URI... endpoints) {
        return new ChatClientSettings(
                List.of(endpoints),
                null,
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                3,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                4,
                100,
                Duration.ofSeconds(1),
                42);
    }
}
