package io.procvlm.core.video.ffmpeg;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system's libdav1d (Debian package {@code libdav1d6}), called through JNA. Only the handful of functions an
 * AV1 decode needs are bound; the structs they take ({@code Dav1dSettings}, {@code Dav1dData}, {@code Dav1dPicture})
 * are used as raw memory at the offsets of libdav1d API 6 (dav1d 1.0.0 to 1.2.x, soname 6). The headers are neither a
 * build nor a run-time dependency: the offsets below were read from dav1d 1.0.0's {@code include/dav1d/*.h} and
 * checked once with {@code offsetof}/{@code sizeof} on x86_64 (Debian 12); within soname 6 dav1d only appends fields,
 * and the structs are allocated twice their size, zeroed.
 *
 * <p>The library is looked up once per JVM and name: system property {@value #PROPERTY} (a soname or a path), default
 * {@value #DEFAULT_LIBRARY}. A library that is absent, lacks a function or reports another API major version is
 * unavailable, with the reason kept for the {@code DAV1D_UNAVAILABLE} message.
 */
final class Dav1dLibrary {
    /** System property naming the library (a soname such as {@code libdav1d.so.6}, or an absolute path). */
    static final String PROPERTY = "procvlm.dav1d";

    static final String DEFAULT_LIBRARY = "libdav1d.so.6";
    /** The API major version the offsets below belong to. */
    static final int API_MAJOR = 6;
    /** {@code DAV1D_ERR(EAGAIN)} on Linux. */
    static final int EAGAIN = -11;

    /** {@code Dav1dSettings}: 96 bytes in API 6; allocated twice as large, zeroed. */
    static final int SETTINGS_BYTES = 192;

    static final int SETTINGS_N_THREADS = 0;
    static final int SETTINGS_MAX_FRAME_DELAY = 4;
    /** {@code logger.callback}: NULL turns dav1d's own logging (to stderr) off. */
    static final int SETTINGS_LOGGER_CALLBACK = 56;

    /** {@code Dav1dData}: 72 bytes. */
    static final int DATA_BYTES = 144;

    static final int DATA_SIZE = 8;
    /** {@code m.timestamp} ({@code Dav1dDataProps} at 24, timestamp its first field). */
    static final int DATA_TIMESTAMP = 24;

    /** {@code Dav1dPicture}: 264 bytes. */
    static final int PICTURE_BYTES = 528;

    static final int PICTURE_SEQUENCE_HEADER = 0;
    /** {@code data[3]}: Y, U, V plane pointers. */
    static final int PICTURE_DATA = 16;
    /** {@code stride[2]}: luma, chroma (ptrdiff_t). */
    static final int PICTURE_STRIDE = 40;
    /** {@code p.w}, {@code p.h}, {@code p.layout}, {@code p.bpc}: four ints. */
    static final int PICTURE_WIDTH = 56;

    static final int PICTURE_HEIGHT = 60;
    static final int PICTURE_LAYOUT = 64;
    static final int PICTURE_BITS_PER_COMPONENT = 68;
    /** {@code m.timestamp}: the timestamp of the data the picture was decoded from. */
    static final int PICTURE_TIMESTAMP = 72;
    /** {@code Dav1dSequenceHeader.mtrx}: the matrix coefficients (ISO/IEC 23091-4 numbering). */
    static final int SEQUENCE_HEADER_MATRIX = 24;
    /** {@code Dav1dSequenceHeader.color_range}: 0 limited, 1 full. */
    static final int SEQUENCE_HEADER_COLOR_RANGE = 36;

    static final int LAYOUT_I400 = 0;
    static final int LAYOUT_I420 = 1;
    static final int LAYOUT_I422 = 2;
    static final int LAYOUT_I444 = 3;

    private static final Map<String, Loading> LOADED = new ConcurrentHashMap<>();

    private final String name;
    private final String version;
    private final Function defaultSettings;
    private final Function open;
    private final Function sendData;
    private final Function getPicture;
    private final Function pictureUnref;
    private final Function dataCreate;
    private final Function dataUnref;
    private final Function flush;
    private final Function close;

    private Dav1dLibrary(NativeLibrary library, String name, String version) {
        this.name = name;
        this.version = version;
        this.defaultSettings = library.getFunction("dav1d_default_settings");
        this.open = library.getFunction("dav1d_open");
        this.sendData = library.getFunction("dav1d_send_data");
        this.getPicture = library.getFunction("dav1d_get_picture");
        this.pictureUnref = library.getFunction("dav1d_picture_unref");
        this.dataCreate = library.getFunction("dav1d_data_create");
        this.dataUnref = library.getFunction("dav1d_data_unref");
        this.flush = library.getFunction("dav1d_flush");
        this.close = library.getFunction("dav1d_close");
    }

    /** The outcome of looking the library up: the library, or why it cannot be used. */
    record Loading(Optional<Dav1dLibrary> library, String problem) {
        Loading {
            Objects.requireNonNull(library, "library is null");
            Objects.requireNonNull(problem, "problem is null");
        }
    }

    /** The library this JVM uses (property {@value #PROPERTY}), looked up once per name. */
    static Loading load() {
        return LOADED.computeIfAbsent(System.getProperty(PROPERTY, DEFAULT_LIBRARY), Dav1dLibrary::find);
    }

    private static Loading find(String name) {
        NativeLibrary library;
        try {
            library = NativeLibrary.getInstance(name);
        } catch (LinkageError | RuntimeException e) {
            return unavailable("cannot load " + name + " (install Debian's libdav1d6, or set -D" + PROPERTY
                    + "=/path/to/libdav1d.so.6): " + firstLine(e));
        }
        try {
            String version = library.getFunction("dav1d_version").invokeString(new Object[0], false);
            int apiMajor = apiMajor(library, version);
            if (apiMajor != API_MAJOR) {
                return unavailable(name + " is dav1d " + version + " with API " + apiMajor + "; this build reads API "
                        + API_MAJOR + " structs (dav1d 1.0 to 1.2, libdav1d6)");
            }
            return new Loading(Optional.of(new Dav1dLibrary(library, name, version)), "");
        } catch (LinkageError | RuntimeException e) {
            return unavailable(name + " is not a usable libdav1d: " + firstLine(e));
        }
    }

    /**
     * The API major version: {@code dav1d_version_api()} where it exists (dav1d 1.3 and later, API 7+), else 6 for a
     * dav1d 1.x (1.0 to 1.2 are API 6), else -1.
     */
    private static int apiMajor(NativeLibrary library, String version) {
        try {
            int packed = library.getFunction("dav1d_version_api").invokeInt(new Object[0]);
            return packed >>> 16;
        } catch (UnsatisfiedLinkError e) {
            return version != null && version.startsWith("1.") ? API_MAJOR : -1;
        }
    }

    /** JNA's message lists every path it tried, the class path included: its first line says enough. */
    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static Loading unavailable(String problem) {
        return new Loading(Optional.empty(), problem);
    }

    String name() {
        return name;
    }

    /** {@code dav1d_version()}, e.g. {@code 1.0.0}. */
    String version() {
        return version;
    }

    void defaultSettings(Pointer settings) {
        defaultSettings.invokeVoid(new Object[] {settings});
    }

    int open(Pointer contextOut, Pointer settings) {
        return open.invokeInt(new Object[] {contextOut, settings});
    }

    int sendData(Pointer context, Pointer data) {
        return sendData.invokeInt(new Object[] {context, data});
    }

    int getPicture(Pointer context, Pointer picture) {
        return getPicture.invokeInt(new Object[] {context, picture});
    }

    void pictureUnref(Pointer picture) {
        pictureUnref.invokeVoid(new Object[] {picture});
    }

    /** Allocates a {@code size}-byte buffer into {@code data}; returns it, or null when out of memory. */
    Pointer dataCreate(Pointer data, long size) {
        return dataCreate.invokePointer(new Object[] {data, size});
    }

    void dataUnref(Pointer data) {
        dataUnref.invokeVoid(new Object[] {data});
    }

    void flush(Pointer context) {
        flush.invokeVoid(new Object[] {context});
    }

    /** {@code dav1d_close(&context)}: takes the address holding the context pointer, and zeroes it. */
    void close(Pointer contextOut) {
        close.invokeVoid(new Object[] {contextOut});
    }
}
