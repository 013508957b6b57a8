package io.procvlm.vqa.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes Spark rows as an Arrow IPC file (the "file" format, readable with {@code pyarrow.ipc.open_file} and memory
 * mapping), in record batches of a fixed size so the same rows give the same bytes. Supports the types of the ProcVQA
 * tables: string, long, int, double, boolean, binary, arrays and structs of those.
 */
public final class ArrowShards {
    static final int BATCH_ROWS = 1024;

    private ArrowShards() {}

    public static Schema arrowSchema(StructType schema) {
        List<Field> fields = new ArrayList<>();
        for (StructField field : schema.fields()) {
            fields.add(field(field.name(), field.dataType(), field.nullable()));
        }
        return new Schema(fields);
    }

    private static Field field(String name, DataType type, boolean nullable) {
        if (type instanceof ArrayType array) {
            return new Field(
                    name,
                    new FieldType(nullable, ArrowType.List.INSTANCE, null),
                    List.of(field("element", array.elementType(), array.containsNull())));
        }
        if (type instanceof StructType struct) {
            List<Field> children = new ArrayList<>();
            for (StructField child : struct.fields()) {
                children.add(field(child.name(), child.dataType(), child.nullable()));
            }
            return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
        }
        ArrowType arrow;
        if (type.equals(DataTypes.StringType)) {
            arrow = ArrowType.Utf8.INSTANCE;
        } else if (type.equals(DataTypes.LongType)) {
            arrow = new ArrowType.Int(64, true);
        } else if (type.equals(DataTypes.IntegerType)) {
            arrow = new ArrowType.Int(32, true);
        } else if (type.equals(DataTypes.DoubleType)) {
            arrow = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        } else if (type.equals(DataTypes.BooleanType)) {
            arrow = ArrowType.Bool.INSTANCE;
        } else if (type.equals(DataTypes.BinaryType)) {
            arrow = ArrowType.Binary.INSTANCE;
        } else {
            throw new IllegalArgumentException("No Arrow mapping for column " + name + " of type " + type);
        }
        return new Field(name, new FieldType(nullable, arrow, null), null);
    }

    /** Writes {@code rows} to {@code out} (closed afterwards); returns the row count. */
    public static long write(StructType schema, Iterator<Row> rows, OutputStream out) throws IOException {
        long count = 0;
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema(schema), allocator);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            List<Row> batch = new ArrayList<>(BATCH_ROWS);
            while (rows.hasNext()) {
                batch.add(rows.next());
                if (batch.size() == BATCH_ROWS) {
                    count += flush(schema, root, writer, batch);
                }
            }
            if (!batch.isEmpty() || count == 0) {
                count += flush(schema, root, writer, batch);
            }
            writer.end();
        } finally {
            out.close();
        }
        return count;
    }

    private static int flush(StructType schema, VectorSchemaRoot root, ArrowFileWriter writer, List<Row> batch)
            throws IOException {
        root.allocateNew();
        StructField[] fields = schema.fields();
        for (int c = 0; c < fields.length; c++) {
            FieldVector vector = root.getVector(c);
            for (int r = 0; r < batch.size(); r++) {
                Row row = batch.get(r);
                set(vector, r, row.isNullAt(c) ? null : row.get(c), fields[c].dataType());
            }
            vector.setValueCount(batch.size());
        }
        root.setRowCount(batch.size());
        writer.writeBatch();
        int size = batch.size();
        batch.clear();
        return size;
    }

    private static void set(ValueVector vector, int index, Object value, DataType type) {
        if (value == null) {
            if (vector instanceof StructVector struct) {
                struct.setNull(index);
            } else if (vector instanceof ListVector list) {
                list.setNull(index);
            } else if (vector instanceof FieldVector field) {
                setNullPrimitive(field, index);
            }
            return;
        }
        if (vector instanceof VarCharVector strings) {
            strings.setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof BigIntVector longs) {
            longs.setSafe(index, ((Number) value).longValue());
        } else if (vector instanceof IntVector ints) {
            ints.setSafe(index, ((Number) value).intValue());
        } else if (vector instanceof Float8Vector doubles) {
            doubles.setSafe(index, ((Number) value).doubleValue());
        } else if (vector instanceof BitVector bits) {
            bits.setSafe(index, ((Boolean) value) ? 1 : 0);
        } else if (vector instanceof VarBinaryVector binary) {
            binary.setSafe(index, (byte[]) value);
        } else if (vector instanceof ListVector list) {
            DataType element = ((ArrayType) type).elementType();
            List<?> values = value instanceof scala.collection.Seq<?> seq
                    ? scala.jdk.javaapi.CollectionConverters.asJava(seq)
                    : (List<?>) value;
            int start = list.startNewValue(index);
            ValueVector child = list.getDataVector();
            for (int i = 0; i < values.size(); i++) {
                set(child, start + i, values.get(i), element);
            }
            list.endValue(index, values.size());
            child.setValueCount(start + values.size());
        } else if (vector instanceof StructVector struct) {
            Row row = (Row) value;
            StructField[] children = ((StructType) type).fields();
            struct.setIndexDefined(index);
            for (int i = 0; i < children.length; i++) {
                ValueVector child = struct.getChildByOrdinal(i);
                set(child, index, row.isNullAt(i) ? null : row.get(i), children[i].dataType());
                child.setValueCount(Math.max(child.getValueCount(), index + 1));
            }
        } else {
            throw new IllegalArgumentException(
                    "Unsupported Arrow vector " + vector.getClass().getSimpleName());
        }
    }

    private static void setNullPrimitive(FieldVector vector, int index) {
        if (vector instanceof VarCharVector strings) {
            strings.setNull(index);
        } else if (vector instanceof BigIntVector longs) {
            longs.setNull(index);
        } else if (vector instanceof IntVector ints) {
            ints.setNull(index);
        } else if (vector instanceof Float8Vector doubles) {
            doubles.setNull(index);
        } else if (vector instanceof BitVector bits) {
            bits.setNull(index);
        } else if (vector instanceof VarBinaryVector binary) {
            binary.setNull(index);
        }
    }
}
