package io.procvlm.annotators.vlm.http;

import static io.procvlm.annotators.vlm.http.TestOpenAiChatClient.request;
import static io.procvlm.annotators.vlm.http.TestOpenAiChatClient.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.annotators.vlm.ChatResponse;
import io.procvlm.annotators.vlm.testing.FakeChatServer;
import io.procvlm.annotators.vlm.testing.FakeChatServer.Reply;
import io.procvlm.core.error.PipelineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Endpoint choice, circuits and concurrency limits of {@link OpenAiChatClient}. */
final class TestOpenAiChatClientPool {
    @Test
    void spreadsLoadRoundRobin() {
        try (FakeChatServer first = FakeChatServer.start(request -> Reply.content("first"));
                FakeChatServer second = FakeChatServer.start(request -> Reply.content("second"));
                OpenAiChatClient client = new OpenAiChatClient(settings(first.baseUri(), second.baseUri()))) {
            for (int i = 0; i < 10; i++) {
                client.complete(request(1L));
            }
            assertThat(first.requestCount()).isEqualTo(5);
            assertThat(second.requestCount()).isEqualTo(5);
        }
    }

    @Test
    void opensTheCircuitOfAFailingEndpoint() {
        int threshold = 2;
        try (FakeChatServer broken = FakeChatServer.start(request -> Reply.status(503, "down"));
                FakeChatServer healthy = FakeChatServer.start(request -> Reply.content("ok"));
                OpenAiChatClient client = new OpenAiChatClient(
                        settings(broken.baseUri(), healthy.baseUri()).withCircuit(threshold, Duration.ofSeconds(30)))) {
            for (int i = 0; i < 10; i++) {
                ChatResponse response = client.complete(request(1L));
                // a retry goes to the other endpoint
                assertThat(response.endpoint()).isEqualTo(healthy.baseUri().toString());
            }
            assertThat(broken.requestCount()).isEqualTo(threshold);
            assertThat(healthy.requestCount()).isEqualTo(10);
            assertThat(client.stats().circuitOpenings()).isEqualTo(1);
            assertThat(client.stats().retries()).isEqualTo(threshold);
        }
    }

    @Test
    void waitsForAHalfOpenCircuitThenTriesOnce() {
        try (FakeChatServer server = FakeChatServer.start(request -> Reply.status(500, "restarting"));
                OpenAiChatClient client = new OpenAiChatClient(settings(server.baseUri())
                        .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(400))
                        .withCircuit(2, Duration.ofMillis(300)))) {
            assertThatThrownBy(() -> client.complete(request(1L)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("2 attempts failed");
            assertThat(client.stats().circuitOpenings()).isEqualTo(1);

            server.fallback(request -> Reply.content("back"));
            long start = System.nanoTime();
            ChatResponse response = client.complete(request(1L));

            assertThat(response.content()).isEqualTo("back");
            assertThat(response.attempts()).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(server.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void failsFastWhenNoCircuitReopensInTime() {
        try (FakeChatServer server = FakeChatServer.start(request -> Reply.status(500, "crashed"));
                OpenAiChatClient client =
                        new OpenAiChatClient(settings(server.baseUri()).withCircuit(3, Duration.ofSeconds(60)))) {
            assertThatThrownBy(() -> client.complete(request(1L))).isInstanceOf(PipelineException.class);

            long start = System.nanoTime();
            assertThatThrownBy(() -> client.complete(request(1L)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("every endpoint's circuit is open ([" + server.baseUri() + "])")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VLM_UNAVAILABLE");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(server.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void neverExceedsTheConcurrencyOfOneEndpoint() throws Exception {
        int concurrency = 4;
        // the first four requests wait inside the server for each other: the peak reaches four for sure
        CountDownLatch arrived = new CountDownLatch(concurrency);
        try (FakeChatServer server = FakeChatServer.start(request -> {
                    arrived.countDown();
                    await(arrived);
                    return Reply.delayed(Duration.ofMillis(200), Reply.content("ok"));
                });
                OpenAiChatClient client =
                        new OpenAiChatClient(settings(server.baseUri()).withConcurrencyPerEndpoint(concurrency))) {
            runConcurrently(client, 24, 24);

            assertThat(server.requestCount()).isEqualTo(24);
            assertThat(server.maxConcurrent()).isEqualTo(concurrency);
            assertThat(client.stats().maxInFlight()).isEqualTo(concurrency);
            assertThat(client.stats().successes()).isEqualTo(24);
        }
    }

    @Test
    void limitsEachEndpointSeparately() throws Exception {
        try (FakeChatServer first =
                        FakeChatServer.start(request -> Reply.delayed(Duration.ofMillis(200), Reply.content("first")));
                FakeChatServer second = FakeChatServer.start(
                        request -> Reply.delayed(Duration.ofMillis(200), Reply.content("second")));
                OpenAiChatClient client = new OpenAiChatClient(
                        settings(first.baseUri(), second.baseUri()).withConcurrencyPerEndpoint(3))) {
            runConcurrently(client, 24, 24);

            assertThat(first.maxConcurrent()).isBetween(1, 3);
            assertThat(second.maxConcurrent()).isBetween(1, 3);
            assertThat(first.requestCount() + second.requestCount()).isEqualTo(24);
            assertThat(client.stats().maxInFlight()).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void throughputGrowsWithConcurrency() throws Exception {
        Duration delay = Duration.ofMillis(100);
        int[] levels = {1, 2, 4, 8};
        double[] rates = new double[levels.length];
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "VLM client throughput, one endpoint, %d ms server delay%n%-12s %8s %9s %10s %14s%n",
                delay.toMillis(),
                "concurrency",
                "requests",
                "seconds",
                "requests/s",
                "server peak"));
        for (int i = 0; i < levels.length; i++) {
            int concurrency = levels[i];
            int requests = 5 * concurrency;
            try (FakeChatServer server = FakeChatServer.start(request -> Reply.delayed(delay, Reply.content("ok")));
                    OpenAiChatClient client =
                            new OpenAiChatClient(settings(server.baseUri()).withConcurrencyPerEndpoint(concurrency))) {
                client.complete(request(1L)); // warm the connection and the JIT
                long start = System.nanoTime();
                runConcurrently(client, requests, 16);
                double seconds = (System.nanoTime() - start) / 1e9;
                rates[i] = requests / seconds;
                table.append(String.format(
                        Locale.ROOT,
                        "%-12d %8d %9.3f %10.1f %14d%n",
                        concurrency,
                        requests,
                        seconds,
                        rates[i],
                        server.maxConcurrent()));
                assertThat(server.maxConcurrent()).isLessThanOrEqualTo(concurrency);
            }
        }
        System.out.print(table);
        assertThat(rates[3]).isGreaterThan(rates[0] * 3);
    }

    /** Sends {@code requests} requests from {@code threads} threads released together; fails on any failure. */
    private static void runConcurrently(OpenAiChatClient client, int requests, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ChatResponse>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return client.complete(request(1L));
                }));
            }
            start.countDown();
            for (Future<ChatResponse> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS).content()).isNotEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Requests did not arrive together");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
