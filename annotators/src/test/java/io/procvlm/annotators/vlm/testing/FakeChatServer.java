package io.procvlm.annotators.vlm.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat server for tests, bound to 127.0.0.1 on a free port. It answers
 * {@code POST /v1/chat/completions} from a script: queued {@link Reply replies} first (FIFO, each used once), then a
 * fallback function (by default a 500 saying no reply was scripted). Every request is recorded. Handlers run on 64
 * threads, so concurrency is real; {@link #maxConcurrent()} is the peak of requests inside the handler, reply delay
 * included (the count drops just before the response is written, so a client that sees a response never sees its
 * request still counted).
 *
 * <pre>{@code
 * try (FakeChatServer server = FakeChatServer.start()) {
 *     server.enqueue(Reply.status(500, "boom"), Reply.content("{\"plan\": []}"));
 *     ChatClientSettings settings = ChatClientSettings.defaults(List.of(server.baseUri()));
 * }
 * }</pre>
 */
public final class FakeChatServer implements AutoCloseable {
    public static final String MODEL = "fake-vlm";
    public static final long PROMPT_TOKENS = 10;
    public static final long COMPLETION_TOKENS = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE_PATH = "/v1";
    private static final String CHAT_PATH = BASE_PATH + "/chat/completions";
    private static final int THREADS = 64;
    private static final AtomicLong COMPLETION_IDS = new AtomicLong();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Queue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private volatile Function<RecordedRequest, Reply> fallback =
            request -> Reply.status(500, "{\"error\":{\"message\":\"FakeChatServer: no reply scripted\"}}");

    static {
        // the JDK server writes headers and body apart: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms to
        // every reply, which would distort the throughput measured against this server
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "fake-chat-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server on 127.0.0.1 and a free port. */
    public static FakeChatServer start() {
        try {
            return new FakeChatServer();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the fake chat server on 127.0.0.1", e);
        }
    }

    /** Starts a server that answers every request with {@code fallback}. */
    public static FakeChatServer start(Function<RecordedRequest, Reply> fallback) {
        FakeChatServer server = start();
        server.fallback(fallback);
        return server;
    }

    /** {@code http://127.0.0.1:<port>/v1}: the base URL a client is configured with. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH);
    }

    /** Queues replies, answered in order before the fallback. */
    public FakeChatServer enqueue(Reply... replies) {
        for (Reply reply : replies) {
            queue.add(requireNonNull(reply, "reply is null"));
        }
        return this;
    }

    /** What answers when the queue is empty. */
    public FakeChatServer fallback(Function<RecordedRequest, Reply> newFallback) {
        this.fallback = requireNonNull(newFallback, "fallback is null");
        return this;
    }

    /** Replies queued and not yet used. */
    public int queuedReplies() {
        return queue.size();
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    /** The most requests handled at once so far. */
    public int maxConcurrent() {
        return peak.get();
    }

    /** Forgets the recorded requests and the concurrency peak (the queue and fallback stay). */
    public void reset() {
        requests.clear();
        peak.set(active.get());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        peak.accumulateAndGet(active.incrementAndGet(), Math::max);
        try {
            RecordedRequest request = record(exchange);
            requests.add(request);
            if (!"POST".equals(exchange.getRequestMethod()) || !CHAT_PATH.equals(request.path())) {
                reply = Reply.status(404, "{\"error\":{\"message\":\"FakeChatServer serves POST " + CHAT_PATH + "\"}}");
            } else {
                reply = queue.poll();
                if (reply == null) {
                    reply = fallback.apply(request);
                }
            }
            if (!reply.delay().isZero()) {
                TimeUnit.NANOSECONDS.sleep(reply.delay().toNanos());
            }
        } catch (InterruptedException e) {
            // the server is closing
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        } catch (RuntimeException e) {
            reply = Reply.status(500, "{\"error\":{\"message\":\"FakeChatServer fallback failed: " + e + "\"}}");
        } finally {
            active.decrementAndGet();
        }
        try {
            reply.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (!reply.headers().containsKey("Content-Type")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            byte[] body = reply.body().getBytes(UTF_8);
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client gave up (request timeout) before the reply: nothing to answer
        } finally {
            exchange.close();
        }
    }

    private static RecordedRequest record(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), UTF_8);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        JsonNode json;
        try {
            json = body.isEmpty() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            json = null;
        }
        return new RecordedRequest(exchange.getRequestURI().getPath(), headers, body, json);
    }

    /**
     * One request as the server received it.
     *
     * @param path the URL path, e.g. {@code /v1/chat/completions}
     * @param headers request headers; lookups ignore case
     * @param body the body as text
     * @param json the body parsed, or {@code null} when it is not JSON
     */
    public record RecordedRequest(String path, Map<String, List<String>> headers, String body, JsonNode json) {
        public RecordedRequest {
            requireNonNull(path, "path is null");
            requireNonNull(headers, "headers is null");
            requireNonNull(body, "body is null");
            TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            copy.putAll(headers);
            headers = java.util.Collections.unmodifiableMap(copy);
        }

        /** The first value of a header, whatever its case. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        /** The text of the last message's text parts, joined by newlines (handy in fallback functions). */
        public String lastUserText() {
            if (json == null
                    || !json.path("messages").isArray()
                    || json.path("messages").isEmpty()) {
                return "";
            }
            JsonNode messages = json.path("messages");
            JsonNode content = messages.get(messages.size() - 1).path("content");
            if (content.isTextual()) {
                return content.textValue();
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText())) {
                    texts.add(part.path("text").asText());
                }
            }
            return String.join("\n", texts);
        }
    }

    /**
     * One scripted answer.
     *
     * @param status the HTTP status
     * @param body the response body
     * @param delay how long the server waits before answering
     * @param headers response headers
     */
    public record Reply(int status, String body, Duration delay, Map<String, String> headers) {
        public Reply {
            requireNonNull(body, "body is null");
            requireNonNull(delay, "delay is null");
            headers = Map.copyOf(requireNonNull(headers, "headers is null"));
            if (delay.isNegative()) {
                throw new IllegalArgumentException("Invalid delay: " + delay);
            }
        }

        /**
         * A 200 chat completion whose {@code choices[0].message.content} is {@code assistantText}, with usage
         * {@value FakeChatServer#PROMPT_TOKENS} prompt and {@value FakeChatServer#COMPLETION_TOKENS} completion tokens.
         */
        public static Reply content(String assistantText) {
            return ok(completionJson(assistantText, PROMPT_TOKENS, COMPLETION_TOKENS));
        }

        /** A 200 with exactly this body (e.g. a recorded chat completion from {@link RecordedReplies}). */
        public static Reply ok(String body) {
            return new Reply(200, body, Duration.ZERO, Map.of());
        }

        public static Reply status(int code, String body) {
            return new Reply(code, body, Duration.ZERO, Map.of());
        }

        public static Reply delayed(Duration delay, Reply reply) {
            return new Reply(reply.status(), reply.body(), delay, reply.headers());
        }

        /** A 429 with {@code Retry-After: <seconds>}. */
        public static Reply tooManyRequests(int retryAfterSeconds) {
            return new Reply(
                    429,
                    "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\"}}",
                    Duration.ZERO,
                    Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> newHeaders = new TreeMap<>(headers);
            newHeaders.put(name, value);
            return new Reply(status, body, delay, newHeaders);
        }
    }

    /** The body of a chat completion, shaped like vLLM's. */
    public static String completionJson(String assistantText, long promptTokens, long completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-fake-" + COMPLETION_IDS.incrementAndGet());
        root.put("object", "chat.completion");
        root.put("created", 1_700_000_000L);
        root.put("model", MODEL);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", assistantText);
        choice.put("finish_reason", "stop");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
