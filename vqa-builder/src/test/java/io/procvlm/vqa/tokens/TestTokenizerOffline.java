package io.procvlm.vqa.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.TinyQwenTokenizer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's tokenizers load offline: in a fresh JVM with OPT_OUT_TRACKING=true and ai.djl.offline=true, an empty DJL cache,
 * every HTTP(S) proxy pointed at a local socket that counts connections and a ProxySelector that records every URL
 * opened, the native library comes out of the DJL jar into the empty cache and no connection is attempted.
 */
final class TestTokenizerOffline {
    @TempDir
    Path directory;

    @Test
    void loadsTheNativeLibraryFromTheJarWithoutNetwork() throws Exception {
        Path tokenizer = TinyQwenTokenizer.write(directory.resolve("tokenizer.json"));
        Path cache = directory.resolve("djl-cache");
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket trap = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accepter = new Thread(() -> {
                while (!trap.isClosed()) {
                    try (Socket ignored = trap.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accepter.setDaemon(true);
            accepter.start();
            String port = Integer.toString(trap.getLocalPort());
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dai.djl.offline=true",
                    "-DOPT_OUT_TRACKING=true",
                    "-DDJL_CACHE_DIR=" + cache,
                    "-DENGINE_CACHE_DIR=" + cache,
                    "-Dhttp.proxyHost=127.0.0.1",
                    "-Dhttp.proxyPort=" + port,
                    "-Dhttps.proxyHost=127.0.0.1",
                    "-Dhttps.proxyPort=" + port,
                    "-Dhttp.nonProxyHosts=",
                    "-cp",
                    System.getProperty("java.class.path"),
                    TokenizerOfflineProbe.class.getName(),
                    tokenizer.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("OPT_OUT_TRACKING", "true");
            builder.environment().remove("DJL_CACHE_DIR");
            builder.environment().remove("ENGINE_CACHE_DIR");
            builder.environment().put("HOME", directory.resolve("home").toString());
            Process process = builder.start();
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).as(output).contains("count=13").contains("requested=[]");
            assertThat(connections.get()).as("connections to the trap proxy").isZero();
        }
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("the native library extracted from the jar into the empty cache")
                    .anyMatch(name -> name.startsWith("libtokenizers") || name.startsWith("tokenizers"));
        }
    }
}
