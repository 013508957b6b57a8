package io.procvlm.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.app.Main;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar ({@code target/procvlm-spark.jar}) submitted with {@code scripts/spark-submit} to a real Spark
 * standalone cluster on 127.0.0.1 (a master and two workers, separate JVMs started from the project's Spark jars, one
 * core each), running the whole pipeline ({@code run}: index, features, annotate, label, vqa) in client mode. Its tables
 * are compared with a local-mode run of the same input: from hdfs:// (a MiniDFSCluster on loopback) to hdfs://, and
 * from local files to local files while one worker is killed in the middle of {@code features}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class ITClusterRun {
    /** A generated dataset: LeRobot v3.0, 5 episodes in AV1 video shards (each shard holds several episodes). */
    private static final List<String> DATASETS = List.of(GeneratedDatasets.V30_AV1);

    private static final List<String> TABLES = List.of("episodes", "frames", "segments", "corpus", "vqa");

    @TempDir
    static Path directory;

    private static StandaloneCluster cluster;
    private static MiniDFSCluster dfs;
    private static Path localRun;

    @BeforeAll
    static void startClusterAndRunLocally() throws Exception {
        // The cluster boots (separate JVMs) while this JVM runs the local-mode reference run.
        long started = System.nanoTime();
        Path home = StandaloneCluster.sparkHome(
                Path.of(System.getProperty("procvlm.spark.classpath")), directory.resolve("spark-home"));
        cluster = StandaloneCluster.start(home, Files.createDirectories(directory.resolve("cluster")), 2, "1g");
        log("standalone master up at %s in %.1f s", cluster.masterUrl(), seconds(started));

        // First, before MiniDFSCluster puts a checksumming file:// file system into Hadoop's FileSystem cache (the
        // pipeline's footer rewrite would then break the .crc files).
        started = System.nanoTime();
        localRun = directory.resolve("local-out");
        List<String> arguments = new ArrayList<>(List.of("run"));
        for (String name : DATASETS) {
            arguments.addAll(List.of("--dataset", GeneratedDatasets.path(name).toString()));
        }
        arguments.addAll(List.of("--out", localRun.toString(), "--set", "spark.master=local[2]"));
        StringWriter out = new StringWriter();
        int exitCode =
                new Main(new PrintWriter(out, true), new PrintWriter(out, true)).run(arguments.toArray(String[]::new));
        assertThat(exitCode).as(out.toString()).isZero();
        log("local-mode run in %.1f s", seconds(started));

        started = System.nanoTime();
        // The local run cached a raw file:// file system; MiniDFSCluster needs the checksumming one.
        FileSystem.closeAll();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, directory.resolve("dfs").toString());
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.replication", "1");
        conf.setBoolean("dfs.permissions.enabled", false);
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        log("MiniDFSCluster up at %s in %.1f s", hdfsRoot(), seconds(started));

        started = System.nanoTime();
        cluster.awaitWorkers();
        log("both workers registered after a further %.1f s", seconds(started));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (dfs != null) {
            dfs.shutdown();
        }
    }

    @Test
    @Order(1)
    void hdfsInputAndOutputOnTheClusterEqualALocalRun() throws Exception {
        FileSystem hdfs = dfs.getFileSystem();
        String root = hdfsRoot();
        List<String> arguments = new ArrayList<>(List.of("run"));
        for (String name : DATASETS) {
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(root + "/datasets/" + name);
            hdfs.copyFromLocalFile(
                    false,
                    true,
                    new org.apache.hadoop.fs.Path(GeneratedDatasets.path(name).toUri()),
                    target);
            arguments.addAll(List.of("--dataset", target.toString()));
        }
        String output = root + "/runs/cluster";
        arguments.addAll(List.of("--out", output));

        long started = System.nanoTime();
        Path log = directory.resolve("submit-hdfs.log");
        Process submit = submit(arguments, log);
        assertThat(submit.waitFor(5, TimeUnit.MINUTES)).as("run finished").isTrue();
        assertThat(submit.exitValue()).as(excerpt(StandaloneCluster.read(log))).isZero();
        log("cluster run hdfs:// -> hdfs:// in %.1f s", seconds(started));
        String driverLog = StandaloneCluster.read(log);
        assertThat(driverLog.contains("Granted executor ID")
                        && !driverLog.contains("Executor: Starting executor ID driver"))
                .as("executors ran on the standalone workers, not in the driver")
                .isTrue();
        assertThat(driverLog.contains("Lost executor")).as("no executor lost").isFalse();

        Path copied = directory.resolve("hdfs-out");
        copyToLocal(hdfs, new org.apache.hadoop.fs.Path(output), copied);
        // The only difference allowed: where the datasets were read from.
        String hdfsDatasets = root + "/datasets";
        String localDatasets = "file:" + GeneratedDatasets.path(DATASETS.get(0)).getParent();
        assertSameTables(localRun, copied, text -> text.replace(hdfsDatasets, localDatasets));
    }

    @Test
    @Order(2)
    void aWorkerKilledDuringFeaturesLosesAndDuplicatesNothing() throws Exception {
        List<String> arguments = new ArrayList<>(List.of("run"));
        for (String name : DATASETS) {
            arguments.addAll(List.of("--dataset", GeneratedDatasets.path(name).toString()));
        }
        Path output = directory.resolve("cluster-out");
        arguments.addAll(List.of("--out", output.toString()));

        long started = System.nanoTime();
        Path log = directory.resolve("submit-kill.log");
        Process submit = submit(arguments, log);
        // The features stage's first job is "collect at FeaturesStage"; once one of its tasks has finished (others
        // still to run: 5 episodes, 2 one-core executors), worker 0 and its executor are killed.
        Pattern featuresStage = Pattern.compile("Final stage: ResultStage (\\d+) \\(collect at FeaturesStage");
        String stage = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (stage == null && submit.isAlive() && System.nanoTime() < deadline) {
            Matcher matcher = featuresStage.matcher(StandaloneCluster.read(log));
            stage = matcher.find() ? matcher.group(1) : null;
            Thread.sleep(20);
        }
        assertThat(stage).as(excerpt(StandaloneCluster.read(log))).isNotNull();
        Pattern firstFinished = Pattern.compile("Finished task \\S+ in stage " + stage + "\\.0 .*\\(1/5\\)");
        while (!firstFinished.matcher(StandaloneCluster.read(log)).find()
                && submit.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String beforeKill = StandaloneCluster.read(log);
        assertThat(firstFinished.matcher(beforeKill).find()
                        && !Pattern.compile("Job \\d+ finished: collect at FeaturesStage")
                                .matcher(beforeKill)
                                .find())
                .as("the features stage is still running when the worker is killed: %s", excerpt(beforeKill))
                .isTrue();
        cluster.killWorker(0);
        log("killed worker 0 after the first features task, %.1f s into the run", seconds(started));

        assertThat(submit.waitFor(5, TimeUnit.MINUTES)).as("run finished").isTrue();
        String driverLog = StandaloneCluster.read(log);
        assertThat(submit.exitValue()).as(excerpt(driverLog)).isZero();
        log("cluster run with a killed worker in %.1f s", seconds(started));
        assertThat(cluster.workerAlive(0)).isFalse();
        assertThat(driverLog.indexOf("Lost executor"))
                .as("the driver lost the killed worker's executor before features finished")
                .isPositive()
                .isLessThan(indexOf(driverLog, "Job \\d+ finished: collect at FeaturesStage"));

        SparkSession spark = SharedSpark.get();
        for (String table : List.of("frames", "corpus")) {
            List<Row> keys = spark.read()
                    .parquet(output.resolve(table).toString())
                    .selectExpr("dataset", "episode_index", "frame_index")
                    .collectAsList();
            long expected =
                    spark.read().parquet(localRun.resolve(table).toString()).count();
            assertThat(keys).as("%s rows", table).hasSize((int) expected);
            assertThat(keys.stream().distinct().count())
                    .as("%s distinct keys", table)
                    .isEqualTo(expected);
        }
        // Beyond counts: every table is byte for byte the local run's.
        assertSameTables(localRun, output, UnaryOperator.identity());
    }

    private static Process submit(List<String> procvlmArguments, Path log) throws IOException {
        Path repo = Path.of(System.getProperty("procvlm.repo.root"));
        List<String> command = new ArrayList<>(List.of(
                repo.resolve("scripts/spark-submit").toString(),
                "--master",
                cluster.masterUrl(),
                "--deploy-mode",
                "client",
                "--conf",
                "spark.executor.memory=640m",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--"));
        command.addAll(procvlmArguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(StandaloneCluster.environment(cluster.home()));
        builder.environment().put("PROCVLM_SPARK_JAR", System.getProperty("procvlm.spark.jar"));
        builder.environment().put("PROCVLM_DRIVER_JAVA_OPTS", "-Xmx1g");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    /**
     * Every file of every table under {@code actual} is the file of the same name under {@code expected}: the same
     * bytes, or, when {@code normalize} must rewrite locations first, the same text (JSON, Markdown) or the same rows
     * (Parquet, compared as JSON lines after {@code normalize}).
     */
    private static void assertSameTables(Path expected, Path actual, UnaryOperator<String> normalize)
            throws IOException {
        SparkSession spark = null;
        for (String table : TABLES) {
            List<String> files = files(expected.resolve(table));
            assertThat(files(actual.resolve(table))).as(table).isNotEmpty().isEqualTo(files);
            for (String file : files) {
                Path want = expected.resolve(table).resolve(file);
                Path got = actual.resolve(table).resolve(file);
                if (java.util.Arrays.equals(Files.readAllBytes(want), Files.readAllBytes(got))) {
                    continue;
                }
                String what = table + "/" + file;
                if (file.endsWith(".parquet")) {
                    spark = spark == null ? SharedSpark.get() : spark;
                    assertThat(jsonRows(spark, got, normalize))
                            .as("rows of %s", what)
                            .isEqualTo(jsonRows(spark, want, UnaryOperator.identity()));
                } else {
                    assertThat(normalize.apply(Files.readString(got, StandardCharsets.UTF_8)))
                            .as("text of %s", what)
                            .isEqualTo(Files.readString(want, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static List<String> jsonRows(SparkSession spark, Path file, UnaryOperator<String> normalize) {
        return spark.read().parquet(file.toString()).toJSON().collectAsList().stream()
                .map(normalize)
                .toList();
    }

    private static List<String> files(Path table) throws IOException {
        if (!Files.isDirectory(table)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(table)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> table.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    private static void copyToLocal(FileSystem fileSystem, org.apache.hadoop.fs.Path from, Path to) throws IOException {
        RemoteIterator<LocatedFileStatus> files = fileSystem.listFiles(from, true);
        String prefix = fileSystem.makeQualified(from).toUri().getPath();
        while (files.hasNext()) {
            LocatedFileStatus status = files.next();
            String relative = status.getPath().toUri().getPath().substring(prefix.length() + 1);
            Path target = to.resolve(relative);
            Files.createDirectories(target.getParent());
            try (InputStream in = fileSystem.open(status.getPath())) {
                Files.copy(in, target);
            }
        }
    }

    /** A driver log without Spark's INFO lines, its last 60 lines at most (assertion messages stay readable). */
    private static String excerpt(String log) {
        List<String> lines =
                log.lines().filter(line -> !line.contains(" INFO ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static String hdfsRoot() {
        return "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    }

    private static int indexOf(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.find() ? matcher.start() : Integer.MAX_VALUE;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void log(String format, Object... arguments) {
        System.out.println("[ITClusterRun] " + String.format(java.util.Locale.ROOT, format, arguments));
    }
}
