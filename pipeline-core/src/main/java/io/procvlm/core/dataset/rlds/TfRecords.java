package io.procvlm.core.dataset.rlds;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads TFRecord framing: per record a little-endian uint64 length, the masked CRC32C of those 8 bytes, the data, and
 * the masked CRC32C of the data. Both checksums are verified; a mismatch is reported, never silently accepted.
 */
public final class TfRecords implements AutoCloseable {
    private static final int MASK_DELTA = 0xa282ead8;
    private final InputStream in;
    private long ordinal;

    /** A record's data, or the reason it is bad. */
    public record Record(long ordinal, byte[] data, String checksumProblem) {
        public boolean valid() {
            return checksumProblem == null;
        }
    }

    /** The framing itself is broken (bad length checksum, truncated file): nothing after this point can be read. */
    public static final class FramingException extends IOException {
        public FramingException(String message) {
            super(message);
        }
    }

    public TfRecords(InputStream in) {
        this.in = in;
    }

    /**
     * The next record, or {@code null} at the clean end of the file. With {@code skipData} the data is skipped (not
     * read or checked) and {@link Record#data()} is {@code null}.
     *
     * @throws FramingException when the length checksum is wrong or the file ends inside a record
     */
    public Record next(boolean skipData) throws IOException {
        byte[] header = new byte[12];
        int first = in.readNBytes(header, 0, 12);
        if (first == 0) {
            return null;
        }
        if (first < 12) {
            throw new FramingException("record " + ordinal + ": the file ends inside the record header");
        }
        long length = 0;
        for (int i = 7; i >= 0; i--) {
            length = (length << 8) | (header[i] & 0xffL);
        }
        int lengthCrc = littleInt(header, 8);
        if (lengthCrc != masked(header, 0, 8)) {
            throw new FramingException("record " + ordinal + ": the length's CRC32C does not match");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 16) {
            throw new FramingException("record " + ordinal + ": implausible length " + length);
        }
        long current = ordinal++;
        if (skipData) {
            long skipped = in.skip(length + 4);
            while (skipped < length + 4) {
                if (in.read() < 0) {
                    throw new FramingException("record " + current + ": the file ends inside the record data");
                }
                skipped++;
            }
            return new Record(current, null, null);
        }
        byte[] data = in.readNBytes((int) length);
        byte[] footer = in.readNBytes(4);
        if (data.length < length || footer.length < 4) {
            throw new FramingException("record " + current + ": the file ends inside the record data");
        }
        String problem = littleInt(footer, 0) == masked(data, 0, data.length)
                ? null
                : "record " + current + ": the data's CRC32C does not match";
        return new Record(current, data, problem);
    }

    /** The masked CRC32C TFRecord stores. */
    public static int masked(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    private static int littleInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff)
                | (bytes[offset + 1] & 0xff) << 8
                | (bytes[offset + 2] & 0xff) << 16
                | (bytes[offset + 3] & 0xff) << 24;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
