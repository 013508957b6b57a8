package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.annotators.vlm.VlmReplies;
import io.procvlm.annotators.vlm.testing.FakeChatServer;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import io.procvlm.core.testing.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vlm annotator through the CLI on real Spark, real decode and real files, against a fake OpenAI-compatible server
 * on 127.0.0.1 that replays recorded replies: never paying twice, resuming after a kill, faults ending as retries or
 * quarantined episodes, the concurrency limit, and the API key kept out of every output.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.procvlm.core.testing.FaultResults.Watcher.class)
final class TestVlm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "sk-test-SECRET-4242";

    @TempDir
    Path directory;

    private FakeChatServer server;

    @BeforeEach
    void start() {
        server = FakeChatServer.start(VlmReplies.valid());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The run's arguments: both AV1 datasets (8 episodes), the vlm annotator on the fake server, no ProcVQA. */
    private List<String> arguments(Path out, String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString(),
                "--out",
                out.toString(),
                "--stages",
                "index,features,annotate,label",
                "--set",
                "annotate.annotator=vlm",
                "--set",
                "annotate.vlm.endpoints=" + server.baseUri(),
                "--set",
                "annotate.vlm.max-frames=8",
                "--set",
                "annotate.vlm.backoff-initial-ms=20"));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    private JsonNode manifest(Path out) throws IOException {
        return JSON.readTree(out.resolve("_manifest.json").toFile());
    }

    @Test
    @io.procvlm.core.testing.FaultResults.Fault(
            name = "VLM re-run of a finished run (with and without the ledger)",
            runs = 3,
            expected = "zero repeated VLM requests",
            observed = "40 requests once; re-run 0 requests (ledger); --no-resume 0 requests (cache hits 40)")
    void theDemoDatasetsThroughTheVlmThenASecondRunSendsNothing() throws IOException {
        Path out = directory.resolve("out");
        Path config = directory.resolve("demo.yaml");
        Files.writeString(
                config,
                Files.readString(TestData.repoRoot().resolve("conf/demo.yaml"))
                        .replace("src-test-data/", TestData.repoRoot() + "/src-test-data/"));
        String[] run = {
            "run",
            "--config",
            config.toString(),
            "--out",
            out.toString(),
            "--stages",
            "index,features,annotate,label",
            "--set",
            "annotate.annotator=vlm",
            "--set",
            "annotate.vlm.endpoints=" + server.baseUri(),
            "--set",
            "annotate.vlm.max-frames=8"
        };
        Cli.Result first = Cli.run(run);
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(server.requestCount()).isEqualTo(40);
        assertThat(manifest(out).at("/stages/annotate/counters/vlm-requests").asLong())
                .isEqualTo(40);
        assertThat(manifest(out)
                        .at("/stages/annotate/counters/vlm-prompt-tokens")
                        .asLong())
                .isEqualTo(20 * (5210 + 5410));
        Dataset<Row> segments =
                SharedSpark.get().read().parquet(out.resolve("segments").toString());
        assertThat(segments.filter("annotator = 'vlm'").count()).isEqualTo(20);
        assertThat(SharedSpark.get()
                        .read()
                        .parquet(out.resolve("corpus").toString())
                        .count())
                .isEqualTo(3023);

        Cli.Result second = Cli.run(run);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(server.requestCount()).as("nothing asked twice").isEqualTo(40);
        assertThat(manifest(out).at("/stages/annotate/counters/units-reused").asLong())
                .as("the ledger skips every unchanged episode")
                .isEqualTo(20);
        assertThat(manifest(out).at("/stages/annotate/counters").has("vlm-requests"))
                .isFalse();

        // Without the ledger every episode is annotated again, and the response cache answers every request.
        List<String> again = new ArrayList<>(List.of(run));
        again.add("--no-resume");
        Cli.Result third = Cli.run(again.toArray(String[]::new));
        assertThat(third.exitCode()).as(third.err()).isZero();
        assertThat(server.requestCount()).as("nothing asked twice").isEqualTo(40);
        assertThat(manifest(out).at("/stages/annotate/counters/vlm-cache-hits").asLong())
                .isEqualTo(40);
        assertThat(manifest(out).at("/stages/annotate/counters").has("vlm-requests"))
                .isFalse();
    }

    @Test
    void theTorchScriptAnnotatorRunsAModelInProcessThroughTheCli() throws IOException {
        Path out = directory.resolve("torch");
        String model = TestData.srcTestData("torchscript/phase-model").toString();
        Cli.Result run = Cli.run(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--out",
                out.toString(),
                "--stages",
                "index,features,annotate,label",
                "--set",
                "annotate.annotator=torchscript",
                "--set",
                "annotate.torchscript.model-dir=" + model,
                "--set",
                "annotate.torchscript.input-size=32");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(server.requestCount()).as("no VLM request").isZero();
        Dataset<Row> segments =
                SharedSpark.get().read().parquet(out.resolve("segments").toString());
        assertThat(segments.count()).isEqualTo(3);
        assertThat(segments.filter("annotator = 'torchscript'").count()).isEqualTo(3);
        assertThat(SharedSpark.get()
                        .read()
                        .parquet(out.resolve("corpus").toString())
                        .filter("progress > 0")
                        .count())
                .isPositive();

        Cli.Result missing = Cli.run("annotate", "--out", out.toString(), "--set", "annotate.annotator=torchscript");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("annotate.torchscript.model-dir");
    }

    @Test
    @io.procvlm.core.testing.FaultResults.Fault(
            name = "driver killed mid-annotate (VLM), then resumed",
            runs = 2,
            expected = "resume pays only the requests the cache lacks",
            observed = "requests on resume = 16 - answers cached before the kill")
    void aKilledRunResumesWithTheMissingRequestsOnly() throws Exception {
        Path out = directory.resolve("killed");
        server.fallback(request -> FakeChatServer.Reply.delayed(
                Duration.ofMillis(300), VlmReplies.valid().apply(request)));
        Process process = subprocess(arguments(out, "--set", "annotate.vlm.concurrency=2"), null, "killed.log");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (server.requestCount() < 6 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int cached = cacheEntries(out.resolve("_vlm_cache"));
        assertThat(cached).as("answers kept before the kill").isBetween(2, 15);
        server.reset();
        server.fallback(VlmReplies.valid());
        Cli.Result resumed = Cli.run(arguments(out).toArray(String[]::new));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(server.requestCount()).as("only what the cache lacked").isEqualTo(16 - cached);
        assertThat(manifest(out).at("/stages/annotate/counters/vlm-cache-hits").asLong())
                .isEqualTo(cached);
    }

    @Test
    @io.procvlm.core.testing.FaultResults.Fault(
            name = "VLM endpoint faults: 500, 429, timeout, never-valid answers, 403",
            runs = 1,
            expected = "transport faults retried; bad episodes quarantined VLM_ANSWER_INVALID / VLM_REQUEST_REJECTED;"
                    + " others ok; exit 3",
            observed = "retried; VLM_ANSWER_INVALID and VLM_REQUEST_REJECTED quarantines; others ok; exit 3")
    void everyFaultEndsAsARetryOrAQuarantinedEpisode() throws IOException {
        // transport faults first, then good answers; but episodes about the yellow bottle get answers that never
        // validate, and those about the green block are refused
        server.enqueue(
                FakeChatServer.Reply.status(500, "{\"error\": \"boom\"}"),
                FakeChatServer.Reply.tooManyRequests(1),
                FakeChatServer.Reply.delayed(Duration.ofSeconds(3), VlmReplies.reply("plan-ok")));
        server.fallback(request -> {
            String text = request.json().toString();
            if (text.contains("yellow bottle")) {
                return VlmReplies.router("plan-ok", "localise-reversed").apply(request);
            }
            if (text.contains("green block")) {
                return FakeChatServer.Reply.status(403, "{\"error\": \"model not allowed\"}");
            }
            return VlmReplies.valid().apply(request);
        });
        Path out = directory.resolve("faults");
        Cli.Result run = Cli.run(
                arguments(out, "--set", "annotate.vlm.timeout-seconds=1").toArray(String[]::new));
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
        JsonNode manifest = manifest(out);
        JsonNode reasons = manifest.at("/stages/annotate/quarantine-reasons");
        assertThat(reasons.path("VLM_ANSWER_INVALID").asInt()).isPositive();
        assertThat(reasons.path("VLM_REQUEST_REJECTED").asInt()).isPositive();
        assertThat(manifest.at("/stages/annotate/ok").asInt()).isPositive();
        assertThat(manifest.at("/stages/annotate/counters/vlm-http-attempts").asLong())
                .as("retries happened")
                .isGreaterThan(
                        manifest.at("/stages/annotate/counters/vlm-requests").asLong());
        assertThat(run.out()).contains("VLM_ANSWER_INVALID", "VLM_REQUEST_REJECTED");
    }

    @Test
    void requestsInFlightStayAtTheConfiguredConcurrency() throws IOException {
        Path out = directory.resolve("throughput");
        List<String> features = new ArrayList<>(arguments(out));
        features.set(features.indexOf("index,features,annotate,label"), "index,features");
        assertThat(Cli.run(features.toArray(String[]::new)).exitCode()).isZero();
        server.fallback(request -> FakeChatServer.Reply.delayed(
                Duration.ofMillis(250), VlmReplies.valid().apply(request)));
        StringBuilder table = new StringBuilder("concurrency  requests  seconds  requests/s  max in flight\n");
        double[] rates = new double[5];
        for (int concurrency : new int[] {1, 2, 4}) {
            server.reset();
            long started = System.nanoTime();
            Cli.Result run = Cli.run(
                    "annotate",
                    "--out",
                    out.toString(),
                    "--no-resume", // concurrency changes nothing the ledger fingerprints: measure every time
                    "--set",
                    "annotate.annotator=vlm",
                    "--set",
                    "annotate.vlm.endpoints=" + server.baseUri(),
                    "--set",
                    "annotate.vlm.max-frames=8",
                    "--set",
                    "annotate.vlm.concurrency=" + concurrency,
                    "--set",
                    "annotate.vlm.cache=" + directory.resolve("cache-" + concurrency));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(server.requestCount()).isEqualTo(16);
            assertThat(server.maxConcurrent())
                    .as("in flight at concurrency %d", concurrency)
                    .isEqualTo(concurrency);
            rates[concurrency] = 16 / seconds;
            table.append(String.format(
                    Locale.ROOT,
                    "%11d  %8d  %7.2f  %10.2f  %13d%n",
                    concurrency,
                    server.requestCount(),
                    seconds,
                    16 / seconds,
                    server.maxConcurrent()));
        }
        System.out.print(table);
        assertThat(rates[4]).isGreaterThan(rates[1] * 1.5);
    }

    @Test
    @io.procvlm.core.testing.FaultResults.Fault(
            name = "API key from the environment: never logged or written",
            runs = 1,
            expected =
                    "key sent to the endpoint; absent from stdout/stderr and every output file; manifest names only the variable",
            observed = "key absent from log and outputs; manifest holds api-key-env PROCVLM_VLM_API_KEY")
    void theApiKeyNeverAppearsInOutputs() throws Exception {
        Path out = directory.resolve("secret");
        List<String> arguments = new ArrayList<>(arguments(out));
        arguments.set(
                arguments.indexOf(GeneratedDatasets.path(GeneratedDatasets.V30_AV1)
                                .toString())
                        - 1,
                "--set");
        arguments.set(
                arguments.indexOf(
                        GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString()),
                "run.seed=42");
        server.fallback(request -> {
            if (!request.header("Authorization").orElse("").equals("Bearer " + SECRET)) {
                return FakeChatServer.Reply.status(401, "{\"error\": \"missing key\"}");
            }
            return VlmReplies.valid().apply(request);
        });
        Process process = subprocess(arguments, SECRET, "secret.log");
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(directory.resolve("secret.log"));
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(server.requestCount()).isEqualTo(6);
        assertThat(log).doesNotContain(SECRET);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(file.toString())
                        .doesNotContain(SECRET);
            }
        }
        assertThat(manifest(out).at("/config/annotate.vlm.api-key-env").asText())
                .isEqualTo("PROCVLM_VLM_API_KEY");
    }

    private Process subprocess(List<String> arguments, String apiKey, String logName) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Cli.inNewJvm(arguments))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve(logName).toFile());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        if (apiKey != null) {
            builder.environment().put("PROCVLM_VLM_API_KEY", apiKey);
        } else {
            builder.environment().remove("PROCVLM_VLM_API_KEY");
        }
        return builder.start();
    }

    private static int cacheEntries(Path cache) throws IOException {
        if (!Files.exists(cache)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(cache)) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .map(Path::toFile)
                    .filter(File::isFile)
                    .count();
        }
    }
}
