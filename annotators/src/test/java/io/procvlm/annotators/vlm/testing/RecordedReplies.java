package io.procvlm.annotators.vlm.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Chat-completion bodies recorded from a real VLM, one {@code <name>.json} file each, to replay through
 * {@link FakeChatServer.Reply#ok(String)}. {@link #examples()} holds two small ones shipped with the tests:
 * {@code ok} (content {@code hello}) and {@code malformed} (content that is not JSON).
 */
public final class RecordedReplies {
    /** Test-classpath folder of the example replies. */
    public static final String EXAMPLES_RESOURCE = "/io/procvlm/annotators/vlm/testing/replies";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordedReplies() {}

    /**
     * Reads every {@code *.json} file of {@code directory} (not its subfolders), keyed by file name without
     * {@code .json}, sorted by name. Each file must be a JSON object; an unreadable or non-JSON file fails the load.
     */
    public static Map<String, String> load(Path directory) {
        requireNonNull(directory, "directory is null");
        Map<String, String> replies = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(path -> path.getFileName().toString().endsWith(".json"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list recorded replies in " + directory, e);
        }
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String body;
            try {
                body = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read recorded reply " + file, e);
            }
            try {
                JsonNode json = JSON.readTree(body);
                if (json == null || !json.isObject()) {
                    throw new IllegalArgumentException("Recorded reply " + file + " is not a JSON object");
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "Recorded reply " + file + " is not JSON: " + e.getOriginalMessage());
            }
            replies.put(fileName.substring(0, fileName.length() - ".json".length()), body);
        }
        return Collections.unmodifiableMap(replies);
    }

    /** The example replies shipped in the test resources. */
    public static Map<String, String> examples() {
        return load(examplesDirectory());
    }

    /** The folder of the example replies, on the test classpath. */
    public static Path examplesDirectory() {
        URL url = RecordedReplies.class.getResource(EXAMPLES_RESOURCE);
        if (url == null) {
            throw new IllegalStateException("Test resource " + EXAMPLES_RESOURCE + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot resolve " + url, e);
        }
    }
}
