package io.procvlm.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and {@code workers} workers, each a separate JVM started
 * from the project's own Spark jars ({@code SPARK_HOME/jars/}, see {@link #sparkHome}). Every process binds to
 * loopback ({@code SPARK_LOCAL_IP=127.0.0.1}, {@code --host 127.0.0.1}); the web UIs listen on random loopback ports,
 * the master's REST submission server is off.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path home;
    private final Path directory;
    private final int masterPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final List<Path> workerLogs = new ArrayList<>();

    private StandaloneCluster(Path home, Path directory, int masterPort, Process master) {
        this.home = home;
        this.directory = directory;
        this.masterPort = masterPort;
        this.master = master;
    }

    /**
     * A {@code SPARK_HOME} with {@code jars/} linking to exactly the jars listed in the build's
     * {@code spark-classpath.txt} (Spark, Hadoop and their dependencies; none of this project's).
     */
    static Path sparkHome(Path classpathFile, Path directory) throws IOException {
        Path jars = Files.createDirectories(directory.resolve("jars"));
        for (String entry :
                Files.readString(classpathFile, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
        }
        return directory;
    }

    /**
     * Starts the master, waits until it listens, then starts the workers (1 core, {@code workerMemory} each) without
     * waiting for them: see {@link #awaitWorkers()}.
     */
    static StandaloneCluster start(Path home, Path directory, int workers, String workerMemory) throws Exception {
        int port = freePort();
        Path masterLog = directory.resolve("master.log");
        Process master = launch(
                home,
                masterLog,
                List.of("-Xmx256m", "-Dspark.master.rest.enabled=false"),
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                "0");
        StandaloneCluster cluster = new StandaloneCluster(home, directory, port, master);
        try {
            waitFor(masterLog, "Starting Spark master at", START_TIMEOUT);
            for (int i = 0; i < workers; i++) {
                Path log = directory.resolve("worker-" + i + ".log");
                Path work = Files.createDirectories(directory.resolve("work-" + i));
                cluster.workers.add(launch(
                        home,
                        log,
                        List.of("-Xmx256m"),
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--webui-port",
                        "0",
                        "--cores",
                        "1",
                        "--memory",
                        workerMemory,
                        "--work-dir",
                        work.toString(),
                        cluster.masterUrl()));
                cluster.workerLogs.add(log);
            }
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** Waits until every worker has registered with the master. */
    void awaitWorkers() throws InterruptedException {
        for (Path log : workerLogs) {
            waitFor(log, "Successfully registered with master", START_TIMEOUT);
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    Path home() {
        return home;
    }

    Path directory() {
        return directory;
    }

    /** Whether worker {@code index} still runs. */
    boolean workerAlive(int index) {
        return workers.get(index).isAlive();
    }

    /** Kills worker {@code index} and its executors at once (SIGKILL), as a machine failure would. */
    void killWorker(int index) throws InterruptedException {
        Process worker = workers.get(index);
        List<ProcessHandle> children = worker.descendants().toList();
        worker.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        worker.waitFor();
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
    }

    @Override
    public void close() {
        List<Process> all = new ArrayList<>(workers);
        all.add(master);
        for (Process process : all) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            children.forEach(ProcessHandle::destroy);
        }
        for (Process process : all) {
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The environment every process of the cluster (and the submitting driver) runs with. */
    static Map<String, String> environment(Path home) {
        return Map.of(
                "SPARK_HOME", home.toString(),
                "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_SCALA_VERSION", "2.13",
                "OPT_OUT_TRACKING", "true",
                "DJL_OFFLINE", "true");
    }

    private static Process launch(Path home, Path log, List<String> jvmOptions, String mainClass, String... arguments)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(
                Arrays.asList(System.getProperty("procvlm.jvm.flags").trim().split("\\s+")));
        command.add("-cp");
        command.add(home.resolve("jars") + "/*");
        command.add(mainClass);
        command.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment(home));
        return builder.start();
    }

    /** Waits until {@code log} contains {@code text}; fails after {@code timeout}. */
    static void waitFor(Path log, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (read(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' did not appear in " + log + " within " + timeout + ":\n" + read(log));
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
