package io.procvlm.annotators.vlm.http;

import static io.procvlm.annotators.AnnotatorErrorCode.VLM_REQUEST_REJECTED;
import static io.procvlm.annotators.AnnotatorErrorCode.VLM_UNAVAILABLE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.annotators.vlm.ChatClient;
import io.procvlm.annotators.vlm.ChatRequest;
import io.procvlm.annotators.vlm.ChatResponse;
import io.procvlm.core.error.PipelineException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link ChatClient} for OpenAI-compatible {@code /chat/completions} endpoints (vLLM, SGLang, TGI, OpenAI).
 *
 * <p>Each call picks an endpoint round-robin among those whose circuit is closed, waits (fairly) for one of the
 * endpoint's {@code concurrencyPerEndpoint} permits, and posts the request. Timeouts, connection errors, 429, 5xx and
 * 200s whose body is not a chat completion are retried with exponential backoff and equal jitter, preferring another
 * endpoint; {@code Retry-After} is honoured up to {@code maxBackoff}. Other non-2xx statuses fail at once with
 * {@code VLM_REQUEST_REJECTED}. {@code circuitFailureThreshold} consecutive failures open an endpoint's circuit for
 * {@code circuitOpenDuration}, after which one trial request is let through; any answer from the endpoint closes it.
 *
 * <p>The API key goes only into the {@code Authorization} header: messages, logs, {@link #toString()} and
 * {@link #stats()} never contain it. Thread safe. {@link #close()} stops the HTTP client's threads.
 */
public final class OpenAiChatClient implements ChatClient {
    private static final System.Logger LOG = System.getLogger(OpenAiChatClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BACKOFF_SHIFT = 30;

    private final ChatClientSettings settings;
    private final ExecutorService executor;
    private final HttpClient httpClient;
    private final List<Endpoint> endpoints;
    /** Guards the circuit state of every endpoint; notified whenever a circuit may have become usable. */
    private final Object circuits = new Object();

    private final AtomicInteger nextEndpoint = new AtomicInteger();
    private final Random jitter;
    private final Counters counters = new Counters();
    private volatile boolean closed;

    public OpenAiChatClient(ChatClientSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.jitter = new Random(settings.jitterSeed());
        this.executor = Executors.newCachedThreadPool(daemonThreads());
        this.httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        List<Endpoint> pool = new ArrayList<>();
        for (URI base : settings.endpoints()) {
            pool.add(new Endpoint(base, settings.concurrencyPerEndpoint()));
        }
        this.endpoints = List.copyOf(pool);
    }

    public ChatClientSettings settings() {
        return settings;
    }

    /** A consistent-enough snapshot of the counters (each counter is exact; they are read one after another). */
    public Stats stats() {
        return counters.snapshot();
    }

    @Override
    public ChatResponse complete(ChatRequest request) {
        requireNonNull(request, "request is null");
        if (closed) {
            throw new PipelineException(VLM_UNAVAILABLE, "Cannot complete chat request: the client is closed");
        }
        counters.requests.increment();
        byte[] body = encode(request);
        AttemptFailure last = null;
        Endpoint previous = null;
        int maxAttempts = settings.maxAttempts();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                counters.retries.increment();
                sleep(retryDelay(attempt - 1, last));
            }
            Lease lease = lease(previous, attempt, last, request.model());
            boolean settled = false;
            try {
                ChatResponse response = send(lease.endpoint(), body, attempt);
                settled = true;
                answered(lease);
                counters.successes.increment();
                counters.promptTokens.add(response.promptTokens());
                counters.completionTokens.add(response.completionTokens());
                return response;
            } catch (AttemptFailure failure) {
                settled = true;
                failed(lease, failure);
                last = failure;
                previous = lease.endpoint();
                LOG.log(
                        Level.DEBUG,
                        () -> String.format(
                                Locale.ROOT,
                                "VLM attempt %d/%d on %s failed: %s",
                                lease.attemptNumber(),
                                maxAttempts,
                                lease.endpoint().name(),
                                failure.getMessage()));
            } catch (PipelineException e) {
                if (e.errorCode().equals(VLM_REQUEST_REJECTED.toErrorCode())) {
                    settled = true;
                    answered(lease);
                }
                throw e;
            } finally {
                if (!settled) {
                    abandoned(lease);
                }
                lease.endpoint().permits().release();
            }
        }
        throw new PipelineException(
                VLM_UNAVAILABLE,
                String.format(
                        Locale.ROOT,
                        "Cannot complete chat request for model '%s': %d attempts failed on %s; last failure: %s",
                        request.model(),
                        maxAttempts,
                        Redaction.endpoints(settings.endpoints()),
                        last.getMessage()),
                last.getCause());
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "OpenAiChatClient[endpoints=" + Redaction.endpoints(settings.endpoints()) + ", apiKey="
                + (settings.hasApiKey() ? "***" : "<none>") + ", closed=" + closed + "]";
    }

    // ---- endpoint pool and circuits

    /**
     * Picks an endpoint round-robin among those whose circuit lets traffic through (the previous attempt's endpoint
     * last), takes one of its permits, and admits the request through its circuit. When every circuit is open, waits
     * until one half-opens, but no longer than the backoff the remaining attempts could spend.
     */
    private Lease lease(Endpoint previous, int attempt, AttemptFailure last, String model) {
        long budgetNanos = saturatedMultiply(settings.maxBackoff().toNanos(), settings.maxAttempts() - attempt + 1L);
        long deadline = System.nanoTime() + budgetNanos;
        while (true) {
            List<Endpoint> candidates = awaitCandidates(previous, deadline, last, model);
            Endpoint chosen = null;
            try {
                for (Endpoint candidate : candidates) {
                    // a timed tryAcquire honours the fair queue, unlike the untimed one
                    if (candidate.permits().tryAcquire(0, TimeUnit.NANOSECONDS)) {
                        chosen = candidate;
                        break;
                    }
                }
                if (chosen == null) {
                    chosen = candidates.get(0);
                    chosen.permits().acquire();
                }
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            synchronized (circuits) {
                Admission admission = chosen.admit(System.nanoTime());
                if (admission != Admission.REFUSED) {
                    return new Lease(chosen, admission == Admission.TRIAL, attempt);
                }
            }
            // the circuit opened, or another request took the trial, while this one waited for the permit
            chosen.permits().release();
        }
    }

    private List<Endpoint> awaitCandidates(Endpoint previous, long deadline, AttemptFailure last, String model) {
        synchronized (circuits) {
            while (true) {
                long now = System.nanoTime();
                int start = Math.floorMod(nextEndpoint.getAndIncrement(), endpoints.size());
                List<Endpoint> candidates = new ArrayList<>();
                boolean previousSelectable = false;
                for (int i = 0; i < endpoints.size(); i++) {
                    Endpoint endpoint = endpoints.get((start + i) % endpoints.size());
                    if (endpoint.selectable(now)) {
                        if (endpoint == previous) {
                            previousSelectable = true;
                        } else {
                            candidates.add(endpoint);
                        }
                    }
                }
                if (previousSelectable) {
                    candidates.add(previous);
                }
                if (!candidates.isEmpty()) {
                    return candidates;
                }
                long wake = deadline;
                for (Endpoint endpoint : endpoints) {
                    if (!endpoint.trialInFlight && endpoint.openUntil - wake < 0) {
                        wake = endpoint.openUntil;
                    }
                }
                if (deadline - now <= 0 || (wake - deadline >= 0 && !anyTrialInFlight())) {
                    throw new PipelineException(
                            VLM_UNAVAILABLE,
                            String.format(
                                    Locale.ROOT,
                                    "Cannot complete chat request for model '%s': every endpoint's circuit is open"
                                            + " (%s) and none half-opens within the remaining retry budget; last"
                                            + " failure: %s",
                                    model,
                                    Redaction.endpoints(settings.endpoints()),
                                    last == null ? "none in this request" : last.getMessage()),
                            last == null ? null : last.getCause());
                }
                long waitNanos = Math.max(wake - now, TimeUnit.MILLISECONDS.toNanos(1));
                try {
                    TimeUnit.NANOSECONDS.timedWait(circuits, waitNanos);
                } catch (InterruptedException e) {
                    throw interrupted(e);
                }
            }
        }
    }

    private boolean anyTrialInFlight() {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.trialInFlight) {
                return true;
            }
        }
        return false;
    }

    /** The endpoint answered (a completion or a rejection): it is alive, so its circuit closes. */
    private void answered(Lease lease) {
        synchronized (circuits) {
            Endpoint endpoint = lease.endpoint();
            boolean wasOpen = endpoint.open;
            endpoint.consecutiveFailures = 0;
            endpoint.open = false;
            if (lease.trial()) {
                endpoint.trialInFlight = false;
            }
            if (wasOpen) {
                LOG.log(Level.INFO, "VLM endpoint {0} answers again: circuit closed", endpoint.name());
            }
            circuits.notifyAll();
        }
    }

    /** The attempt ended without a verdict on the endpoint (interrupted, client closed): give the trial back. */
    private void abandoned(Lease lease) {
        if (lease.trial()) {
            synchronized (circuits) {
                lease.endpoint().trialInFlight = false;
                circuits.notifyAll();
            }
        }
    }

    private void failed(Lease lease, AttemptFailure failure) {
        counters.failure(failure.kind());
        synchronized (circuits) {
            Endpoint endpoint = lease.endpoint();
            endpoint.consecutiveFailures++;
            long now = System.nanoTime();
            if (lease.trial()) {
                endpoint.trialInFlight = false;
                endpoint.openUntil = now + settings.circuitOpenDuration().toNanos();
            } else if (!endpoint.open && endpoint.consecutiveFailures >= settings.circuitFailureThreshold()) {
                endpoint.open = true;
                endpoint.openUntil = now + settings.circuitOpenDuration().toNanos();
                counters.circuitOpenings.increment();
                LOG.log(
                        Level.WARNING,
                        "VLM endpoint {0} failed {1} times in a row: circuit open for {2}; last failure: {3}",
                        endpoint.name(),
                        endpoint.consecutiveFailures,
                        settings.circuitOpenDuration(),
                        failure.getMessage());
            }
            circuits.notifyAll();
        }
    }

    // ---- one HTTP attempt

    private ChatResponse send(Endpoint endpoint, byte[] body, int attempt) throws AttemptFailure {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.chatUri())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.hasApiKey()) {
            builder.header("Authorization", "Bearer " + settings.apiKey());
        }
        counters.attempts.increment();
        counters.enter();
        HttpResponse<String> response;
        try {
            response = httpClient.send(builder.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        } catch (HttpTimeoutException e) {
            throw new AttemptFailure(
                    FailureKind.TIMEOUT,
                    endpoint.name() + ": " + describe(e) + " (request timeout " + settings.requestTimeout() + ")",
                    null,
                    e);
        } catch (IOException e) {
            throw new AttemptFailure(FailureKind.IO, endpoint.name() + ": " + describe(e), null, e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            counters.leave();
        }
        int status = response.statusCode();
        String responseBody = response.body() == null ? "" : response.body();
        if (status == 429) {
            Duration retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .flatMap(OpenAiChatClient::parseRetryAfter)
                    .orElse(null);
            throw new AttemptFailure(
                    FailureKind.STATUS_429,
                    endpoint.name() + ": HTTP 429" + (retryAfter == null ? "" : " (Retry-After " + retryAfter + ")")
                            + ": " + excerpt(responseBody),
                    retryAfter,
                    null);
        }
        if (status >= 500) {
            throw new AttemptFailure(
                    FailureKind.STATUS_5XX,
                    endpoint.name() + ": HTTP " + status + ": " + excerpt(responseBody),
                    null,
                    null);
        }
        if (status < 200 || status >= 300) {
            counters.rejections.increment();
            throw new PipelineException(
                    VLM_REQUEST_REJECTED,
                    String.format(
                            Locale.ROOT,
                            "VLM endpoint %s rejected the chat request with HTTP %d: %s",
                            endpoint.name(),
                            status,
                            excerpt(responseBody)));
        }
        return decode(endpoint, responseBody, attempt);
    }

    private ChatResponse decode(Endpoint endpoint, String body, int attempt) throws AttemptFailure {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AttemptFailure(
                    FailureKind.BAD_BODY,
                    endpoint.name() + ": HTTP 200 body is not JSON: " + excerpt(body),
                    null,
                    null);
        }
        JsonNode content = root == null
                ? null
                : root.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            throw new AttemptFailure(
                    FailureKind.BAD_BODY,
                    endpoint.name() + ": HTTP 200 body has no string choices[0].message.content: " + excerpt(body),
                    null,
                    null);
        }
        JsonNode usage = root.path("usage");
        return new ChatResponse(
                content.textValue(),
                body,
                endpoint.name(),
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0),
                attempt);
    }

    /**
     * The OpenAI request body. A message made of one text part is sent with a plain string {@code content} (accepted
     * by every OpenAI-compatible server and chat template); any other message uses the array form.
     */
    static byte[] encode(ChatRequest request) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        for (ChatRequest.Message message : request.messages()) {
            ObjectNode node = messages.addObject();
            node.put("role", message.role());
            if (message.parts().size() == 1 && message.parts().get(0) instanceof ChatRequest.Text text) {
                node.put("content", text.text());
                continue;
            }
            ArrayNode content = node.putArray("content");
            for (ChatRequest.Part part : message.parts()) {
                ObjectNode partNode = content.addObject();
                if (part instanceof ChatRequest.Text text) {
                    partNode.put("type", "text");
                    partNode.put("text", text.text());
                } else if (part instanceof ChatRequest.Image image) {
                    partNode.put("type", "image_url");
                    partNode.putObject("image_url")
                            .put(
                                    "url",
                                    "data:image/jpeg;base64,"
                                            + Base64.getEncoder().encodeToString(image.jpeg()));
                } else {
                    throw new IllegalStateException("Unknown message part: " + part.getClass());
                }
            }
        }
        root.put("temperature", request.temperature());
        root.put("max_tokens", request.maxTokens());
        if (request.seed() != null) {
            root.put("seed", request.seed().longValue());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize a JSON tree", e);
        }
    }

    // ---- retry timing

    /** Exponential backoff with equal jitter; a {@code Retry-After} is honoured up to {@code maxBackoff}. */
    Duration retryDelay(int retryNumber, AttemptFailure last) {
        long initial = settings.initialBackoff().toNanos();
        long max = settings.maxBackoff().toNanos();
        long base = Math.min(max, saturatedMultiply(initial, 1L << Math.min(retryNumber - 1, MAX_BACKOFF_SHIFT)));
        long half = base / 2;
        long delay = base - half + (long) (jitter.nextDouble() * (half + 1));
        delay = Math.min(delay, base);
        if (last != null && last.retryAfter() != null) {
            delay = Math.max(delay, Math.min(max, last.retryAfter().toNanos()));
        }
        return Duration.ofNanos(delay);
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date; empty when unparseable. */
    static Optional<Duration> parseRetryAfter(String value) {
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration delay = Duration.between(Instant.now(), at);
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static void sleep(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    // ---- helpers

    private String excerpt(String body) {
        return Redaction.excerpt(body, settings.apiKey());
    }

    private String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.getClass().getSimpleName());
        if (failure.getMessage() != null) {
            text.append(": ").append(failure.getMessage());
        }
        Throwable cause = failure.getCause();
        if (cause != null && cause != failure) {
            text.append(" (").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
            text.append(')');
        }
        return Redaction.text(text.toString(), settings.apiKey());
    }

    private static PipelineException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new PipelineException(VLM_UNAVAILABLE, "Interrupted while waiting for a VLM endpoint", e);
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return low;
        }
        return Long.MAX_VALUE;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "vlm-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---- types

    /** Why an attempt failed and may be retried. */
    public enum FailureKind {
        TIMEOUT("timeout"),
        STATUS_429("status-429"),
        STATUS_5XX("status-5xx"),
        IO("io"),
        BAD_BODY("bad-body");

        private final String label;

        FailureKind(String label) {
            this.label = label;
        }

        /** The kebab-case name used in {@link Stats#failuresByKind()}. */
        public String label() {
            return label;
        }
    }

    /**
     * Counters since the client was created.
     *
     * @param requests calls of {@link #complete}
     * @param attempts HTTP requests sent
     * @param retries attempts after the first, per call
     * @param successes calls that returned an answer
     * @param rejections calls that failed with {@code VLM_REQUEST_REJECTED}
     * @param timeouts attempts that timed out
     * @param status429 attempts answered with 429
     * @param status5xx attempts answered with a 5xx
     * @param ioErrors attempts that failed on a connection or I/O error
     * @param badBodies 2xx attempts whose body was not a chat completion
     * @param promptTokens {@code usage.prompt_tokens}, summed
     * @param completionTokens {@code usage.completion_tokens}, summed
     * @param maxInFlight the most HTTP requests in flight at once, over all endpoints
     * @param circuitOpenings times an endpoint's circuit opened
     */
    public record Stats(
            long requests,
            long attempts,
            long retries,
            long successes,
            long rejections,
            long timeouts,
            long status429,
            long status5xx,
            long ioErrors,
            long badBodies,
            long promptTokens,
            long completionTokens,
            int maxInFlight,
            long circuitOpenings) {
        /** Failed attempts, all kinds together. */
        public long failures() {
            return timeouts + status429 + status5xx + ioErrors + badBodies;
        }

        /** Failed attempts by {@link FailureKind#label()}, in declaration order. */
        public Map<String, Long> failuresByKind() {
            Map<String, Long> failures = new LinkedHashMap<>();
            failures.put(FailureKind.TIMEOUT.label(), timeouts);
            failures.put(FailureKind.STATUS_429.label(), status429);
            failures.put(FailureKind.STATUS_5XX.label(), status5xx);
            failures.put(FailureKind.IO.label(), ioErrors);
            failures.put(FailureKind.BAD_BODY.label(), badBodies);
            return failures;
        }
    }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder attempts = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder successes = new LongAdder();
        final LongAdder rejections = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder status429 = new LongAdder();
        final LongAdder status5xx = new LongAdder();
        final LongAdder ioErrors = new LongAdder();
        final LongAdder badBodies = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder completionTokens = new LongAdder();
        final LongAdder circuitOpenings = new LongAdder();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        void enter() {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
        }

        void leave() {
            inFlight.decrementAndGet();
        }

        void failure(FailureKind kind) {
            switch (kind) {
                case TIMEOUT -> timeouts.increment();
                case STATUS_429 -> status429.increment();
                case STATUS_5XX -> status5xx.increment();
                case IO -> ioErrors.increment();
                case BAD_BODY -> badBodies.increment();
            }
        }

        Stats snapshot() {
            return new Stats(
                    requests.sum(),
                    attempts.sum(),
                    retries.sum(),
                    successes.sum(),
                    rejections.sum(),
                    timeouts.sum(),
                    status429.sum(),
                    status5xx.sum(),
                    ioErrors.sum(),
                    badBodies.sum(),
                    promptTokens.sum(),
                    completionTokens.sum(),
                    maxInFlight.get(),
                    circuitOpenings.sum());
        }
    }

    /** One endpoint: its URLs, its permits and its circuit (fields guarded by {@code circuits}). */
    private static final class Endpoint {
        private final URI chatUri;
        private final String name;
        private final Semaphore permits;
        int consecutiveFailures;
        boolean open;
        long openUntil;
        boolean trialInFlight;

        Endpoint(URI base, int concurrency) {
            String text = base.toString();
            this.chatUri = URI.create(
                    (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/chat/completions");
            this.name = Redaction.endpoint(base);
            this.permits = new Semaphore(concurrency, true);
        }

        URI chatUri() {
            return chatUri;
        }

        String name() {
            return name;
        }

        Semaphore permits() {
            return permits;
        }

        boolean selectable(long now) {
            return !open || (now - openUntil >= 0 && !trialInFlight);
        }

        Admission admit(long now) {
            if (!open) {
                return Admission.CLOSED;
            }
            if (now - openUntil >= 0 && !trialInFlight) {
                trialInFlight = true;
                return Admission.TRIAL;
            }
            return Admission.REFUSED;
        }
    }

    /** What an endpoint's circuit says to one request. */
    private enum Admission {
        /** The circuit is closed: go ahead. */
        CLOSED,
        /** The circuit is half-open and this request is its one trial. */
        TRIAL,
        /** The circuit is open, or half-open with its trial in flight. */
        REFUSED
    }

    private record Lease(Endpoint endpoint, boolean trial, int attemptNumber) {}

    /** A retryable failure of one attempt; its message names the endpoint and never holds the key. */
    static final class AttemptFailure extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient FailureKind kind;
        private final transient Duration retryAfter;

        AttemptFailure(FailureKind kind, String message, Duration retryAfter, Throwable cause) {
            super(message, cause, false, false);
            this.kind = kind;
            this.retryAfter = retryAfter;
        }

        FailureKind kind() {
            return kind;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }
}
