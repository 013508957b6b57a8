package io.procvlm.core.dataset;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.HadoopConf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Helpers the in-place readers share. */
public final class ReaderSupport {
    private ReaderSupport() {}

    /**
     * A snapshot identity over files: their relative paths, with the full SHA-256 of {@code fullFiles} (small metadata)
     * and the quick fingerprint (length, first and last 64 KiB) of {@code quickFiles} (large data).
     */
    public static String snapshot(DatasetFiles files, List<String> fullFiles, List<String> quickFiles) {
        MessageDigest digest = Fingerprints.sha256();
        try {
            for (String file : fullFiles) {
                digest.update(file.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try (java.io.InputStream in = files.open(file)) {
                    digest.update(Fingerprints.ofStream(in).getBytes(StandardCharsets.US_ASCII));
                }
            }
            for (String file : quickFiles) {
                digest.update(file.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 1);
                digest.update(Fingerprints.quickFile(files.path(file).getFileSystem(HadoopConf.get()), files.path(file))
                        .getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Cannot fingerprint dataset files: " + e, e);
        }
        return Fingerprints.hex(digest);
    }

    /** The numeric value of the last run of digits in {@code name}, or -1. */
    public static long trailingNumber(String name) {
        int end = name.length();
        while (end > 0 && !Character.isDigit(name.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && Character.isDigit(name.charAt(start - 1))) {
            start--;
        }
        if (start == end || end - start > 18) {
            return -1;
        }
        return Long.parseLong(name.substring(start, end));
    }
}
