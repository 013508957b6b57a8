package io.procvlm.annotators.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.HadoopConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Every VLM request and its answer, kept on the Hadoop FileSystem so all executors share it: a re-run, a Spark task
 * retry or a run resumed after a kill reads it first and never pays twice for the same question. Entries are keyed by
 * a fingerprint of the model, the prompt version, the request's texts and images (by content hash) and the decoding
 * parameters; each holds the raw response for audit and re-parsing. Writes are atomic (temporary file, then rename).
 */
public final class VlmCache {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path root;
    private final FileSystem fileSystem;

    public VlmCache(String folder) {
        try {
            this.root = new Path(folder);
            this.fileSystem = root.getFileSystem(HadoopConf.get());
        } catch (IOException e) {
            throw new PipelineException(
                    AnnotatorErrorCode.VLM_CACHE_IO, "Cannot open the VLM cache " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The cache key of {@code request} under prompt version {@code promptVersion}. */
    public static String key(ChatRequest request, String promptVersion) {
        StringBuilder canonical = new StringBuilder()
                .append("model=")
                .append(request.model())
                .append("\nprompts=")
                .append(promptVersion)
                .append("\ntemperature=")
                .append(request.temperature())
                .append("\nmax_tokens=")
                .append(request.maxTokens())
                .append("\nseed=")
                .append(request.seed());
        for (ChatRequest.Message message : request.messages()) {
            canonical.append("\n[").append(message.role()).append(']');
            for (ChatRequest.Part part : message.parts()) {
                if (part instanceof ChatRequest.Text text) {
                    canonical
                            .append("\ntext:")
                            .append(text.text().length())
                            .append(':')
                            .append(text.text());
                } else if (part instanceof ChatRequest.Image image) {
                    canonical.append("\nimage:").append(Fingerprints.ofBytes(image.jpeg()));
                }
            }
        }
        return Fingerprints.ofString(canonical.toString());
    }

    private Path file(String key) {
        return new Path(new Path(root, key.substring(0, 2)), key + ".json");
    }

    /** The cached answer to the request with {@code key}, if any. */
    public Optional<ChatResponse> get(String key) {
        Path file = file(key);
        try {
            if (!fileSystem.exists(file)) {
                return Optional.empty();
            }
            JsonNode entry;
            try (InputStream in = fileSystem.open(file)) {
                entry = JSON.readTree(in);
            }
            JsonNode response = entry.path("response");
            return Optional.of(new ChatResponse(
                    response.path("content").asText(),
                    response.path("raw").asText(),
                    response.path("endpoint").asText(),
                    response.path("prompt-tokens").asLong(),
                    response.path("completion-tokens").asLong(),
                    0));
        } catch (IOException e) {
            throw new PipelineException(
                    AnnotatorErrorCode.VLM_CACHE_IO, "Cannot read VLM cache entry " + file + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code response} to {@code request} (kind: {@code plan}, {@code localise}, {@code repair-N}). */
    public void put(String key, String kind, String promptVersion, ChatRequest request, ChatResponse response) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("key", key);
        entry.put("kind", kind);
        entry.put("model", request.model());
        entry.put("prompt-version", promptVersion);
        ObjectNode summary = entry.putObject("request");
        summary.put("temperature", request.temperature());
        summary.put("max-tokens", request.maxTokens());
        if (request.seed() != null) {
            summary.put("seed", request.seed());
        }
        ArrayNode messages = summary.putArray("messages");
        for (ChatRequest.Message message : request.messages()) {
            ObjectNode node = messages.addObject();
            node.put("role", message.role());
            ArrayNode parts = node.putArray("parts");
            for (ChatRequest.Part part : message.parts()) {
                if (part instanceof ChatRequest.Text text) {
                    parts.addObject().put("text", text.text());
                } else if (part instanceof ChatRequest.Image image) {
                    parts.addObject()
                            .put("image-sha256", Fingerprints.ofBytes(image.jpeg()))
                            .put("bytes", image.jpeg().length);
                }
            }
        }
        ObjectNode answer = entry.putObject("response");
        answer.put("content", response.content());
        answer.put("raw", response.raw());
        answer.put("endpoint", response.endpoint());
        answer.put("prompt-tokens", response.promptTokens());
        answer.put("completion-tokens", response.completionTokens());
        Path file = file(key);
        Path temporary = new Path(file.getParent(), "." + key + "-" + UUID.randomUUID() + ".tmp");
        try {
            fileSystem.mkdirs(file.getParent());
            try (OutputStream out = fileSystem.create(temporary, true)) {
                out.write(JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(entry)
                        .getBytes(StandardCharsets.UTF_8));
            }
            if (!fileSystem.rename(temporary, file)) {
                fileSystem.delete(temporary, false); // another task stored the same answer first
            }
        } catch (IOException e) {
            throw new PipelineException(
                    AnnotatorErrorCode.VLM_CACHE_IO, "Cannot write VLM cache entry " + file + ": " + e.getMessage(), e);
        }
    }
}
