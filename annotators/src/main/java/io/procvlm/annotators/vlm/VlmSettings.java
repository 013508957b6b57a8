package io.procvlm.annotators.vlm;

import java.io.Serializable;
import java.util.List;

/**
 * The {@code vlm} annotator's settings ({@link VlmConfig}). Holds the name of the API key's environment variable,
 * never the key.
 *
 * @param sheetColumns contact-sheet columns, 0 when frames are sent one by one
 * @param sheetRows contact-sheet rows, 0 when frames are sent one by one
 * @param seed sent as {@code seed} with every request ({@code run.seed})
 * @param cache the response cache folder
 * @param prompts {@code embedded} or a prompts file
 */
public record VlmSettings(
        List<String> endpoints,
        String model,
        String apiKeyEnv,
        double sampleFps,
        int maxFrames,
        int imageMaxSide,
        int jpegQuality,
        int sheetColumns,
        int sheetRows,
        double temperature,
        int maxTokens,
        long seed,
        double timeoutSeconds,
        int maxAttempts,
        long backoffInitialMillis,
        long backoffMaxMillis,
        int concurrency,
        int circuitFailures,
        double circuitOpenSeconds,
        int repairAttempts,
        String cache,
        String prompts)
        implements Serializable {
    public VlmSettings {
        endpoints = List.copyOf(endpoints);
    }

    public boolean contactSheets() {
        return sheetColumns > 0 && sheetRows > 0;
    }
}
