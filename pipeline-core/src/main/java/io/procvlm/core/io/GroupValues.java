package io.procvlm.core.io;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads typed values out of Parquet example {@link Group}s as written by pyarrow/pandas (LeRobot) and by Spark:
 * scalars, 3-level and 2-level lists, and structs such as Hugging Face's image {@code {bytes, path}}.
 */
public final class GroupValues {
    private GroupValues() {}

    public static boolean isPresent(Group group, String field) {
        return group.getType().containsField(field) && group.getFieldRepetitionCount(field) > 0;
    }

    /** A numeric scalar as a double; a one-element list is accepted too. */
    public static double number(Group group, String field) {
        Type type = group.getType().getType(field);
        if (!type.isPrimitive()) {
            double[] values = numbers(group, field);
            if (values.length != 1) {
                throw new IllegalArgumentException("Column " + field + " holds " + values.length + " values, not 1");
            }
            return values[0];
        }
        return primitiveNumber(group, group.getType().getFieldIndex(field), 0, type.asPrimitiveType());
    }

    public static long integer(Group group, String field) {
        Type type = group.getType().getType(field);
        if (type.isPrimitive()) {
            PrimitiveType.PrimitiveTypeName name = type.asPrimitiveType().getPrimitiveTypeName();
            if (name == PrimitiveType.PrimitiveTypeName.INT64) {
                return group.getLong(field, 0);
            }
            if (name == PrimitiveType.PrimitiveTypeName.INT32) {
                return group.getInteger(field, 0);
            }
        }
        double value = number(group, field);
        if (value != Math.rint(value)) {
            throw new IllegalArgumentException("Column " + field + " holds a non-integer " + value);
        }
        return (long) value;
    }

    /** A list (or repeated) numeric column as doubles. */
    public static double[] numbers(Group group, String field) {
        int fieldIndex = group.getType().getFieldIndex(field);
        Type type = group.getType().getType(fieldIndex);
        int count = group.getFieldRepetitionCount(fieldIndex);
        if (type.isPrimitive()) {
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = primitiveNumber(group, fieldIndex, i, type.asPrimitiveType());
            }
            return values;
        }
        if (count == 0) {
            return new double[0];
        }
        Group list = group.getGroup(fieldIndex, 0);
        GroupType listType = type.asGroupType();
        if (listType.getFieldCount() != 1) {
            throw new IllegalArgumentException("Column " + field + " is a struct, not a list");
        }
        Type repeated = listType.getType(0);
        int elements = list.getFieldRepetitionCount(0);
        double[] values = new double[elements];
        for (int i = 0; i < elements; i++) {
            if (repeated.isPrimitive()) {
                values[i] = primitiveNumber(list, 0, i, repeated.asPrimitiveType());
            } else {
                Group element = list.getGroup(0, i);
                Type elementType = repeated.asGroupType().getType(0);
                if (element.getFieldRepetitionCount(0) == 0) {
                    values[i] = Double.NaN;
                } else if (elementType.isPrimitive()) {
                    values[i] = primitiveNumber(element, 0, 0, elementType.asPrimitiveType());
                } else {
                    throw new IllegalArgumentException("Column " + field + " is a nested list");
                }
            }
        }
        return values;
    }

    /** A list of strings (e.g. {@code tasks}). */
    public static java.util.List<String> strings(Group group, String field) {
        int fieldIndex = group.getType().getFieldIndex(field);
        Type type = group.getType().getType(fieldIndex);
        java.util.List<String> values = new java.util.ArrayList<>();
        int count = group.getFieldRepetitionCount(fieldIndex);
        if (type.isPrimitive()) {
            for (int i = 0; i < count; i++) {
                values.add(group.getString(fieldIndex, i));
            }
            return values;
        }
        if (count == 0) {
            return values;
        }
        Group list = group.getGroup(fieldIndex, 0);
        Type repeated = type.asGroupType().getType(0);
        for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
            if (repeated.isPrimitive()) {
                values.add(list.getString(0, i));
            } else {
                Group element = list.getGroup(0, i);
                values.add(element.getFieldRepetitionCount(0) == 0 ? null : element.getString(0, 0));
            }
        }
        return values;
    }

    public static String string(Group group, String field) {
        return group.getString(field, 0);
    }

    /** The bytes of an image column: a binary column, or a struct with a {@code bytes} field. */
    public static byte[] imageBytes(Group group, String field) {
        Type type = group.getType().getType(field);
        if (type.isPrimitive()) {
            return group.getBinary(field, 0).getBytes();
        }
        Group struct = group.getGroup(field, 0);
        if (!struct.getType().containsField("bytes") || struct.getFieldRepetitionCount("bytes") == 0) {
            return null;
        }
        Binary binary = struct.getBinary("bytes", 0);
        return binary.getBytes();
    }

    private static double primitiveNumber(Group group, int fieldIndex, int index, PrimitiveType type) {
        switch (type.getPrimitiveTypeName()) {
            case FLOAT:
                return group.getFloat(fieldIndex, index);
            case DOUBLE:
                return group.getDouble(fieldIndex, index);
            case INT32:
                return group.getInteger(fieldIndex, index);
            case INT64:
                return group.getLong(fieldIndex, index);
            case BOOLEAN:
                return group.getBoolean(fieldIndex, index) ? 1 : 0;
            default:
                throw new IllegalArgumentException(
                        "Column " + type.getName() + " is not numeric: " + type.getPrimitiveTypeName());
        }
    }
}
