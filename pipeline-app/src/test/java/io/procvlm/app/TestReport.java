package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.GeneratedDatasets;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * {@code procvlm run} writes the HTML report, {@code procvlm report} writes it again byte for byte, {@code eval-labels}
 * scores the run against the generated datasets' true phases, and headless Chromium renders the pages without console
 * errors (skipped with a message when {@code chromium} or {@code chromedriver} is not installed).
 */
final class TestReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path directory;

    static Path out;
    static Cli.Result run;

    @BeforeAll
    static void runWithAQuarantinedEpisode() {
        Path damaged = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        try {
            Files.delete(damaged.resolve("videos/chunk-000/observation.images.front/episode_000002.mp4"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out = directory.resolve("out");
        run = Cli.run(
                "run",
                "--dataset",
                damaged.toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_VIDEO_ONLY).toString(),
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V30_NATIVE).toString(),
                "--out",
                out.toString(),
                "--stages",
                "index,features,annotate,label");
    }

    @Test
    void runWritesTheReportAndReportRewritesItByteForByte() throws IOException {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.PARTIAL);
        Path index = out.resolve("report/index.html");
        assertThat(run.out()).contains("Report: " + index.toAbsolutePath());
        Map<String, byte[]> first = files(out.resolve("report"));
        // 2 sampled episodes per dataset (the damaged one has 2 ok episodes), the index, quarantine, labels.json
        assertThat(first.keySet())
                .contains("index.html", "quarantine.html", "labels.json")
                .filteredOn(name -> name.startsWith("episodes/"))
                .hasSize(6);
        String html = Files.readString(index);
        assertThat(html)
                .contains("procvlm run report", "MISSING_VIDEO", "Label quality against gold subtask labels")
                .contains("ok</span> through every stage", "1 quarantined</a> (index 1;", "</span> (index 1)")
                .doesNotContain("<script", "http://", "https://");
        String quarantine = Files.readString(out.resolve("report/quarantine.html"));
        assertThat(quarantine).contains(GeneratedDatasets.V21_AV1, "MISSING_VIDEO", "<td class=\"n\">2</td>");
        String episode = Files.readString(out.resolve("report/episodes/" + GeneratedDatasets.V21_AV1 + "--0.html"));
        assertThat(episode)
                .contains("data-curve=\"default (run)\"", "data-curve=\"reference\"", "data-curve=\"time-linear\"")
                .contains("data:image/jpeg;base64,")
                .contains("Gold spans (phases)");

        Cli.Result again = Cli.run("report", "--out", out.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("6 episode page(s), 1 quarantined episode(s) listed");
        Map<String, byte[]> second = files(out.resolve("report"));
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
    }

    /**
     * With the features stage's images/ table the report decodes nothing: its videos deleted after the run, a dataset's
     * report still has every thumbnail (from the stored JPEGs, shrunk) and, in the reference mode (hashes stored in
     * frames/), every curve.
     */
    @Test
    void theReportTakesItsThumbnailsFromTheStoredImagesNotTheVideos(@TempDir Path scratch) throws IOException {
        Path dataset = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, scratch);
        Path stored = scratch.resolve("out");
        Cli.Result first = Cli.run(
                "run",
                "--dataset",
                dataset.toString(),
                "--out",
                stored.toString(),
                "--stages",
                "index,features,annotate,label",
                "--set",
                "progress.mode=reference",
                "--set",
                "report.enabled=false");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(stored.resolve("images/_index.tsv")).exists();
        deleteTree(dataset.resolve("videos"));

        Cli.Result report = Cli.run("report", "--out", stored.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        String episode = Files.readString(stored.resolve("report/episodes/" + GeneratedDatasets.V21_AV1 + "--0.html"));
        assertThat(episode)
                .contains("data:image/jpeg;base64,", "class=\"thumb\"")
                .contains("data-curve=\"reference (run)\"", "data-curve=\"default\"")
                .doesNotContain("Thumbnails not available", "not available (");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void evalLabelsScoresTheRunAgainstTheTruePhases() throws IOException {
        Path report = directory.resolve("labels.json");
        Cli.Result result = Cli.run("eval-labels", "--out", out.toString(), "--report", report.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("BF1@5", "F1@50", GeneratedDatasets.V21_VIDEO_ONLY);
        Map<String, JsonNode> rows = new TreeMap<>();
        for (JsonNode row : JSON.readTree(report.toFile()).get("rows")) {
            rows.put(row.get("dataset").asText() + "|" + row.get("annotator").asText(), row);
        }
        // the native labels of the generated datasets are the true phases: perfect on every metric
        JsonNode nativeRow = rows.get(GeneratedDatasets.V30_NATIVE + "|native");
        assertThat(nativeRow.get("gold_source").asText()).isEqualTo("phases");
        assertThat(nativeRow.get("episodes").asInt()).isEqualTo(2);
        for (String metric : List.of("bf1_at_5_frames", "f1_at_10", "f1_at_25", "f1_at_50", "text_similarity")) {
            assertThat(nativeRow.get(metric).asDouble()).as(metric).isEqualTo(1.0);
        }
        assertThat(nativeRow.get("edit").asDouble()).isEqualTo(100.0);
        assertThat(nativeRow.get("boundary_error_s").asDouble()).isEqualTo(0.0);
        // kinematics with the gripper state: every boundary within 5 frames (docs/progress.md: BF1@5% = 1.000)
        JsonNode withState = rows.get(GeneratedDatasets.V21_AV1 + "|kinematic");
        assertThat(withState.get("episodes").asInt()).isEqualTo(2); // episode 2 was quarantined
        assertThat(withState.get("bf1_at_5_frames").asDouble()).isEqualTo(1.0);
        assertThat(withState.get("boundary_error_s").asDouble()).isBetween(0.0, 0.2);
        // video only: clearly worse, as measured before (BF1@5% 0.561, edit 91.7 over its 3 episodes)
        JsonNode videoOnly = rows.get(GeneratedDatasets.V21_VIDEO_ONLY + "|kinematic");
        assertThat(videoOnly.get("bf1_at_5_percent").asDouble())
                .isCloseTo(0.561, org.assertj.core.data.Offset.offset(0.001));
        assertThat(videoOnly.get("edit").asDouble()).isCloseTo(91.7, org.assertj.core.data.Offset.offset(0.05));
        assertThat(videoOnly.get("bf1_at_5_frames").asDouble()).isLessThan(0.9);
        // the report's label-quality section shows the same numbers
        assertThat(Files.readString(out.resolve("report/labels.json"))).isEqualTo(Files.readString(report));

        Cli.Result badGold = Cli.run("eval-labels", "--out", out.toString(), "--gold", "labelbox:x.json");
        assertThat(badGold.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badGold.err()).contains("Unknown gold labels 'labelbox:x.json'");
    }

    @Test
    void headlessChromiumRendersThePages() throws IOException {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Skipped: headless Chromium is not installed (apt-get install -y chromium chromium-driver; .ci/run"
                        + " installs them)");
        Path screenshots = Path.of("target", "report-screenshots");
        Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--disable-extensions",
                "--disable-domain-reliability",
                "--disable-client-side-phishing-detection",
                "--no-first-run",
                "--no-pings",
                // any host name resolves to nothing: the pages load from file:// and must need nothing else
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--window-size=1280,2000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            Path report = out.resolve("report").toAbsolutePath();

            driver.get(report.resolve("index.html").toUri().toString());
            assertThat(driver.getTitle()).isEqualTo("procvlm run report");
            assertThat(driver.findElements(By.cssSelector("svg.bar-chart rect.bar")))
                    .isNotEmpty();
            assertThat(driver.findElements(By.cssSelector("table.labels tbody tr")))
                    .hasSizeGreaterThanOrEqualTo(3);
            save(driver, screenshots.resolve("index.png"));
            assertNoConsoleErrors(driver, "index.html");

            driver.get(report.resolve("episodes/" + GeneratedDatasets.V21_AV1 + "--0.html")
                    .toUri()
                    .toString());
            List<WebElement> curves = driver.findElements(By.cssSelector("svg.progress-chart path.curve"));
            assertThat(curves).hasSize(3);
            for (WebElement curve : curves) {
                assertThat(Integer.parseInt(curve.getAttribute("data-points")))
                        .as(curve.getAttribute("data-curve"))
                        .isGreaterThan(100);
                assertThat(curve.getAttribute("d").split("L")).hasSizeGreaterThan(100);
            }
            assertThat(driver.findElements(By.cssSelector("svg.progress-chart rect.band")))
                    .hasSizeGreaterThan(6);
            List<WebElement> thumbnails = driver.findElements(By.cssSelector("img.thumb"));
            assertThat(thumbnails).isNotEmpty();
            // the inline JPEGs decoded: the browser knows their pixel size
            for (WebElement thumbnail : thumbnails) {
                Object width = driver.executeScript("return arguments[0].naturalWidth;", thumbnail);
                assertThat(((Number) width).intValue()).isPositive();
            }
            save(driver, screenshots.resolve("episode.png"));
            assertNoConsoleErrors(driver, "episode page");

            driver.get(report.resolve("quarantine.html").toUri().toString());
            List<WebElement> rows = driver.findElements(By.cssSelector("table.quarantined tbody tr"));
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getText()).contains(GeneratedDatasets.V21_AV1, "2", "MISSING_VIDEO");
            save(driver, screenshots.resolve("quarantine.png"));
            assertNoConsoleErrors(driver, "quarantine.html");

            // the console check can fail: a page with a missing image logs an error
            Path broken = directory.resolve("broken.html");
            Files.writeString(broken, "<!DOCTYPE html><title>broken</title><img src=\"does-not-exist.png\">");
            driver.get(broken.toUri().toString());
            assertThat(consoleProblems(driver)).isNotEmpty();
        } finally {
            driver.quit();
            service.stop();
        }
    }

    private static void assertNoConsoleErrors(ChromeDriver driver, String page) {
        assertThat(consoleProblems(driver)).as("console of %s", page).isEmpty();
    }

    /** Browser log entries at warning level or above since the last call. */
    private static List<String> consoleProblems(ChromeDriver driver) {
        List<String> problems = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                problems.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        return problems;
    }

    private static void save(ChromeDriver driver, Path target) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isGreaterThan(10_000);
    }

    private static Map<String, byte[]> files(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(
                        folder.relativize(file).toString().replace(File.separatorChar, '/'), Files.readAllBytes(file));
            }
        }
        return files;
    }
}
