package io.procvlm.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** SHA-256 fingerprints of values and files. */
public final class Fingerprints {
    /** Bytes hashed at each end of a file by {@link #quickFile}. */
    static final int EDGE_BYTES = 64 * 1024;

    private Fingerprints() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String ofString(String value) {
        MessageDigest digest = sha256();
        digest.update(value.getBytes(StandardCharsets.UTF_8));
        return hex(digest);
    }

    public static String ofBytes(byte[] value) {
        MessageDigest digest = sha256();
        digest.update(value);
        return hex(digest);
    }

    /** Hashes several parts unambiguously (each part is length-prefixed). */
    public static String ofParts(String... parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            byte[] bytes = (part == null ? "\0null" : part).getBytes(StandardCharsets.UTF_8);
            digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }
        return hex(digest);
    }

    /**
     * A cheap content fingerprint of a (possibly huge) file: its length and the SHA-256 of its first and last 64 KiB.
     * It does not depend on the file's location or modification time, and changes with any edit that changes the
     * length or touches either end (footers of Parquet and moov atoms of mp4 live there).
     */
    public static String quickFile(FileSystem fileSystem, Path file) throws IOException {
        long length = fileSystem.getFileStatus(file).getLen();
        MessageDigest digest = sha256();
        digest.update(Long.toString(length).getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[EDGE_BYTES];
        try (FSDataInputStream in = fileSystem.open(file)) {
            int head = (int) Math.min(length, EDGE_BYTES);
            in.readFully(0, buffer, 0, head);
            digest.update(buffer, 0, head);
            if (length > EDGE_BYTES) {
                int tail = (int) Math.min(length - EDGE_BYTES, EDGE_BYTES);
                in.readFully(length - tail, buffer, 0, tail);
                digest.update(buffer, 0, tail);
            }
        }
        return hex(digest);
    }

    /** The full SHA-256 of a stream's contents. */
    public static String ofStream(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return hex(digest);
    }
}
