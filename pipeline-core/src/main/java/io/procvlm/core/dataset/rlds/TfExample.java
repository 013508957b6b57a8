package io.procvlm.core.dataset.rlds;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code tf.train.Example} (tensorflow/core/example/example.proto and feature.proto), read from the protobuf
 * wire format with protobuf-java's {@link CodedInputStream}: {@code Example.features} (1) → {@code Features.feature} (1,
 * map&lt;string, Feature&gt;) → {@code Feature} oneof {@code bytes_list} (1), {@code float_list} (2), {@code int64_list}
 * (3), each a repeated field 1 (packed or not).
 */
public final class TfExample {
    /** One feature's values: exactly one of the three lists is non-null. */
    public record Feature(List<byte[]> bytes, float[] floats, long[] ints) {
        /** The number of values. */
        public int size() {
            return bytes != null ? bytes.size() : floats != null ? floats.length : ints != null ? ints.length : 0;
        }
    }

    private final Map<String, Feature> features;

    private TfExample(Map<String, Feature> features) {
        this.features = features;
    }

    public Map<String, Feature> features() {
        return features;
    }

    public Feature get(String name) {
        return features.get(name);
    }

    /**
     * Parses a serialized Example.
     *
     * @throws IOException when the bytes are not a valid Example
     */
    public static TfExample parse(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        Map<String, Feature> features = new LinkedHashMap<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (WireFormat.getTagFieldNumber(tag) == 1
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                readFeatures(in, features);
                in.popLimit(limit);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return new TfExample(features);
    }

    private static void readFeatures(CodedInputStream in, Map<String, Feature> out) throws IOException {
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) != 1
                    || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            String key = "";
            Feature value = new Feature(null, null, null);
            while (!in.isAtEnd()) {
                int entryTag = in.readTag();
                int field = WireFormat.getTagFieldNumber(entryTag);
                if (field == 1) {
                    key = in.readStringRequireUtf8();
                } else if (field == 2) {
                    int featureLimit = in.pushLimit(in.readRawVarint32());
                    value = readFeature(in);
                    in.popLimit(featureLimit);
                } else {
                    in.skipField(entryTag);
                }
            }
            in.popLimit(limit);
            out.put(key, value);
        }
    }

    private static Feature readFeature(CodedInputStream in) throws IOException {
        Feature feature = new Feature(null, null, null);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int kind = WireFormat.getTagFieldNumber(tag);
            if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED || kind < 1 || kind > 3) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            feature = switch (kind) {
                case 1 -> new Feature(readBytes(in), null, null);
                case 2 -> new Feature(null, readFloats(in), null);
                default -> new Feature(null, null, readInts(in));
            };
            in.popLimit(limit);
        }
        return feature;
    }

    private static List<byte[]> readBytes(CodedInputStream in) throws IOException {
        List<byte[]> values = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                values.add(in.readByteArray());
            } else {
                in.skipField(tag);
            }
        }
        return values;
    }

    private static float[] readFloats(CodedInputStream in) throws IOException {
        float[] values = new float[16];
        int size = 0;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                in.skipField(tag);
            } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (!in.isAtEnd()) {
                    values = grow(values, size);
                    values[size++] = in.readFloat();
                }
                in.popLimit(limit);
            } else {
                values = grow(values, size);
                values[size++] = in.readFloat();
            }
        }
        return Arrays.copyOf(values, size);
    }

    private static long[] readInts(CodedInputStream in) throws IOException {
        long[] values = new long[16];
        int size = 0;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                in.skipField(tag);
            } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (!in.isAtEnd()) {
                    values = grow(values, size);
                    values[size++] = in.readInt64();
                }
                in.popLimit(limit);
            } else {
                values = grow(values, size);
                values[size++] = in.readInt64();
            }
        }
        return Arrays.copyOf(values, size);
    }

    private static float[] grow(float[] values, int size) {
        return size < values.length ? values : Arrays.copyOf(values, values.length * 2);
    }

    private static long[] grow(long[] values, int size) {
        return size < values.length ? values : Arrays.copyOf(values, values.length * 2);
    }
}
