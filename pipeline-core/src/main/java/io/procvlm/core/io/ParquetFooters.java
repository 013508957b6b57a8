package io.procvlm.core.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes Parquet files byte-for-byte reproducible. parquet-java collects each column's encodings in a {@code HashSet}
 * of enums, whose iteration order follows identity hash codes and so changes from one JVM to the next
 * (apache/parquet-java#3215, open): the same rows give different footers. This rewrites the footer with the encoding
 * lists (and page encoding stats) sorted. The footer keeps its length, so only its bytes change.
 */
public final class ParquetFooters {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private ParquetFooters() {}

    /** Rewrites {@code file}'s footer in canonical order; returns whether anything changed. */
    public static boolean canonicalize(FileSystem fileSystem, Path file) throws IOException {
        long length = fileSystem.getFileStatus(file).getLen();
        if (length < 12) {
            throw new IOException(file + " is too short to be a Parquet file");
        }
        byte[] tail = new byte[8];
        byte[] footer;
        try (FSDataInputStream in = fileSystem.open(file)) {
            in.readFully(length - 8, tail, 0, 8);
            if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
                throw new IOException(
                        file + " does not end with the Parquet magic (encrypted footers are not supported)");
            }
            int footerLength =
                    ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (footerLength <= 0 || footerLength > length - 12) {
                throw new IOException(file + " has an invalid footer length " + footerLength);
            }
            footer = new byte[footerLength];
            in.readFully(length - 8 - footerLength, footer, 0, footerLength);
        }
        FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
        sort(metadata);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream(footer.length);
        Util.writeFileMetaData(metadata, rewritten);
        byte[] canonical = rewritten.toByteArray();
        if (java.util.Arrays.equals(canonical, footer)) {
            return false;
        }
        if (canonical.length != footer.length) {
            throw new IOException(
                    "Canonical footer of " + file + " has " + canonical.length + " bytes, not " + footer.length);
        }
        replaceFooter(fileSystem, file, length, canonical);
        return true;
    }

    private static void sort(FileMetaData metadata) {
        if (metadata.getRow_groups() == null) {
            return;
        }
        for (RowGroup rowGroup : metadata.getRow_groups()) {
            for (ColumnChunk chunk : rowGroup.getColumns()) {
                ColumnMetaData column = chunk.getMeta_data();
                if (column == null) {
                    continue;
                }
                List<Encoding> encodings = column.getEncodings();
                if (encodings != null) {
                    encodings.sort(Comparator.comparingInt(Encoding::getValue));
                }
                List<PageEncodingStats> stats = column.getEncoding_stats();
                if (stats != null) {
                    stats.sort(Comparator.comparingInt(
                                    (PageEncodingStats s) -> s.getPage_type().getValue())
                            .thenComparingInt(s -> s.getEncoding().getValue())
                            .thenComparingInt(PageEncodingStats::getCount));
                }
            }
        }
    }

    private static void replaceFooter(FileSystem fileSystem, Path file, long length, byte[] footer) throws IOException {
        long footerStart = length - 8 - footer.length;
        if ("file".equals(fileSystem.getUri().getScheme())) {
            java.io.File local = Locations.localFile(file.toUri().getPath());
            try (java.io.RandomAccessFile random = new java.io.RandomAccessFile(local, "rw")) {
                random.seek(footerStart);
                random.write(footer);
            }
            return;
        }
        Path temporary = new Path(file.getParent(), "." + file.getName() + ".canonical");
        try (InputStream in = fileSystem.open(file);
                OutputStream out = fileSystem.create(temporary, true)) {
            byte[] buffer = new byte[1 << 16];
            long remaining = footerStart;
            while (remaining > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (read < 0) {
                    throw new IOException("Unexpected end of " + file);
                }
                out.write(buffer, 0, read);
                remaining -= read;
            }
            out.write(footer);
            ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt(footer.length).put(MAGIC);
            out.write(trailer.array());
        }
        fileSystem.delete(file, false);
        if (!fileSystem.rename(temporary, file)) {
            throw new IOException("Cannot rename " + temporary + " to " + file);
        }
    }
}
