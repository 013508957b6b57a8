package io.procvlm.core.io;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Streams the rows of one Parquet file as {@link Group}s, reading only the named top-level columns and, optionally,
 * only rows whose int64 column equals a value (row groups whose statistics exclude it are skipped).
 *
 * <p>The caller owns the instance and must close it.
 */
public final class ParquetRecords implements Closeable {
    private final ParquetReader<Group> reader;
    private final MessageType projection;

    private final Path file;

    private ParquetRecords(ParquetReader<Group> reader, MessageType projection, Path file) {
        this.reader = reader;
        this.projection = projection;
        this.file = file;
    }

    /** The file's full schema (reads the footer only). */
    public static MessageType schema(Path file) throws IOException {
        try (ParquetFileReader reader = openFooter(file)) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    /** Row count from the footer, without reading data. */
    public static long rowCount(Path file) throws IOException {
        try (ParquetFileReader reader = openFooter(file)) {
            return reader.getRecordCount();
        }
    }

    /**
     * Opens a file's footer with the shared {@link HadoopConf}. ({@code ParquetFileReader.open(InputFile)} and {@code
     * ParquetReader.builder(support, path)} build their options from a fresh Hadoop {@code Configuration}, which
     * parses the XML defaults again: about 10 ms a file, most of an index inspection's time.)
     */
    private static ParquetFileReader openFooter(Path file) throws IOException {
        Configuration conf = HadoopConf.get();
        try {
            return ParquetFileReader.open(
                    HadoopInputFile.fromPath(file, conf),
                    HadoopReadOptions.builder(conf, file).build());
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Opens {@code file} reading the {@code columns} that exist in it (others are ignored; check {@link
     * #projection()}), plus the filter column.
     *
     * @param equalsColumn an int64 column to filter on, or {@code null}
     * @param equalsValue the value rows must have in {@code equalsColumn}
     */
    public static ParquetRecords open(
            Path file, MessageType fileSchema, Collection<String> columns, String equalsColumn, long equalsValue)
            throws IOException {
        requireNonNull(file, "file is null");
        List<Type> fields = new ArrayList<>();
        for (Type field : fileSchema.getFields()) {
            // the filter column must be read, or every row would fail the filter
            if (columns.contains(field.getName()) || field.getName().equals(equalsColumn)) {
                fields.add(field);
            }
        }
        MessageType projection = new MessageType(fileSchema.getName(), fields);
        Configuration conf = HadoopConf.get();
        ParquetReader.Builder<Group> builder = new SharedConfBuilder(
                HadoopInputFile.fromPath(file, conf),
                new HadoopParquetConfiguration(conf),
                new ProjectingReadSupport(projection));
        if (equalsColumn != null) {
            builder =
                    builder.withFilter(FilterCompat.get(FilterApi.eq(FilterApi.longColumn(equalsColumn), equalsValue)));
        }
        try {
            return new ParquetRecords(builder.build(), projection, file);
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * parquet-java reports a damaged file (cut short, no magic number, a page that does not decode) with unchecked
     * exceptions; callers handle an unreadable file as the {@link IOException} it is.
     */
    static IOException unreadable(Path file, RuntimeException e) {
        String detail = String.valueOf(e.getMessage());
        return new IOException(
                detail.contains(file.toString())
                        ? "Not a readable Parquet file: " + detail
                        : file + " is not a readable Parquet file: " + detail,
                e);
    }

    public MessageType projection() {
        return projection;
    }

    /** The next row, or {@code null} at the end. */
    public Group next() throws IOException {
        try {
            return reader.read();
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** A reader builder on the shared configuration (see {@link #openFooter}). */
    private static final class SharedConfBuilder extends ParquetReader.Builder<Group> {
        private final ReadSupport<Group> support;

        SharedConfBuilder(InputFile file, ParquetConfiguration conf, ReadSupport<Group> support) {
            super(file, conf);
            this.support = support;
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return support;
        }
    }

    private static final class ProjectingReadSupport extends ReadSupport<Group> {
        private final MessageType projection;
        private final GroupReadSupport delegate = new GroupReadSupport();

        ProjectingReadSupport(MessageType projection) {
            this.projection = projection;
        }

        @Override
        public ReadContext init(InitContext context) {
            return new ReadContext(projection);
        }

        @Override
        public RecordMaterializer<Group> prepareForRead(
                Configuration configuration,
                Map<String, String> keyValueMetaData,
                MessageType fileSchema,
                ReadContext readContext) {
            return delegate.prepareForRead(configuration, keyValueMetaData, fileSchema, readContext);
        }
    }
}
