package io.procvlm.core.dataset.hdf5;

import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.lang.reflect.Array;

/** Converts what jHDF returns (nested primitive arrays, boxed scalars, strings) into the shapes the readers use. */
public final class Hdf5Values {
    private Hdf5Values() {}

    /** A {@code [T]} or {@code [T, D]} numeric dataset as {@code T} float vectors. */
    public static float[][] rows(Object data) {
        if (data == null || !data.getClass().isArray()) {
            throw new IllegalArgumentException("not an array: " + data);
        }
        int rows = Array.getLength(data);
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            Object row = Array.get(data, i);
            if (row != null && row.getClass().isArray()) {
                int width = Array.getLength(row);
                float[] vector = new float[width];
                for (int j = 0; j < width; j++) {
                    vector[j] = number(Array.get(row, j));
                }
                out[i] = vector;
            } else {
                out[i] = new float[] {number(row)};
            }
        }
        return out;
    }

    /** A {@code [T]} numeric dataset as doubles. */
    public static double[] doubles(Object data) {
        int rows = Array.getLength(data);
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = ((Number) Array.get(data, i)).doubleValue();
        }
        return out;
    }

    /** Flattens a nested array of 8-bit values (signed or unsigned, as byte/short/int) into bytes, row-major. */
    public static byte[] pixels(Object data, int expected) {
        byte[] out = new byte[expected];
        int written = flatten(data, out, 0);
        if (written != expected) {
            throw new IllegalArgumentException("array holds " + written + " values, not " + expected);
        }
        return out;
    }

    private static int flatten(Object data, byte[] out, int position) {
        if (data instanceof byte[] bytes) {
            System.arraycopy(bytes, 0, out, position, Math.min(bytes.length, out.length - position));
            return position + bytes.length;
        }
        if (data instanceof short[] shorts) {
            for (short value : shorts) {
                out[position++] = (byte) value;
            }
            return position;
        }
        if (data instanceof int[] ints) {
            for (int value : ints) {
                out[position++] = (byte) value;
            }
            return position;
        }
        if (data instanceof Object[] nested) {
            for (Object child : nested) {
                position = flatten(child, out, position);
            }
            return position;
        }
        throw new IllegalArgumentException(
                "not an 8-bit image array: " + data.getClass().getSimpleName());
    }

    private static float number(Object value) {
        if (value instanceof Number number) {
            return number.floatValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1f : 0f;
        }
        throw new IllegalArgumentException("not a number: " + value);
    }

    /** A string (or one-element string array) attribute, or {@code null}. */
    public static String stringAttribute(Node node, String name) {
        Attribute attribute = node.getAttribute(name);
        if (attribute == null) {
            return null;
        }
        Object data = attribute.getData();
        if (data instanceof String text) {
            return text;
        }
        if (data != null && data.getClass().isArray() && Array.getLength(data) == 1) {
            Object first = Array.get(data, 0);
            return first instanceof String text ? text : null;
        }
        return null;
    }

    /** A numeric scalar (or one-element) attribute, or {@code fallback}. */
    public static long longAttribute(Node node, String name, long fallback) {
        Attribute attribute = node.getAttribute(name);
        if (attribute == null) {
            return fallback;
        }
        Object data = attribute.getData();
        if (data instanceof Number number) {
            return number.longValue();
        }
        if (data != null && data.getClass().isArray() && Array.getLength(data) == 1) {
            Object first = Array.get(data, 0);
            return first instanceof Number number ? number.longValue() : fallback;
        }
        return fallback;
    }
}
