package io.procvlm.core.video.ffmpeg;

import static io.procvlm.core.error.CoreErrorCode.VIDEO_DECODE_FAILED;
import static java.util.Objects.requireNonNull;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.procvlm.core.error.PipelineException;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * Decodes one AV1 stream with libdav1d ({@link Dav1dLibrary}) from packets read with FFmpeg's demuxer, and shows each
 * picture as an 8-bit {@link AVFrame} that points into dav1d's own planes (no copy), so the callers' luma and swscale
 * paths treat it exactly like a frame from FFmpeg's decoder.
 *
 * <p>Owns the dav1d context, its three struct buffers, one {@code AVPacket} and one {@code AVFrame}; the demuxer
 * ({@code AVFormatContext}) stays its owner's. The frame returned by {@link #next()} is valid until the next call to
 * {@code next()}, {@link #seek(long)} or {@link #close()}. Every picture and every data buffer is released before the
 * next one is taken, so memory stays flat over any number of frames.
 */
final class Dav1dDecoder implements AutoCloseable {
    private final Dav1dLibrary library;
    private final AVFormatContext format;
    private final int streamIndex;
    private final long timeBaseNumerator;
    private final long timeBaseDenominator;
    private final String description;

    private final Memory settings = zeroed(Dav1dLibrary.SETTINGS_BYTES);
    private final Memory contextOut = zeroed(Long.BYTES);
    private final Memory data = zeroed(Dav1dLibrary.DATA_BYTES);
    private final Memory picture = zeroed(Dav1dLibrary.PICTURE_BYTES);
    private final Pointer context;
    private final AVPacket packet;
    private final AVFrame frame;
    private final NativeAddress[] planes = {new NativeAddress(), new NativeAddress(), new NativeAddress()};
    private final NativeAddress copyTarget = new NativeAddress();

    /** Data given to dav1d that it has not consumed yet (it answered EAGAIN). */
    private boolean pending;
    /** Every packet of the stream has been read. */
    private boolean endOfStream;
    /** {@link #picture} holds a reference. */
    private boolean holdingPicture;
    /** get_picture errors since the last picture or EAGAIN. */
    private int errorsInARow;

    private boolean closed;

    /**
     * Opens a dav1d decoder for stream {@code streamIndex} of {@code format}.
     *
     * @param threads dav1d threads ({@code n_threads}; 0 lets dav1d choose); with 1, frames come out without delay
     * @throws PipelineException with {@code VIDEO_DECODE_FAILED} if dav1d cannot be opened
     */
    Dav1dDecoder(Dav1dLibrary library, AVFormatContext format, int streamIndex, int threads, String description) {
        this.library = requireNonNull(library, "library is null");
        this.format = requireNonNull(format, "format is null");
        this.streamIndex = streamIndex;
        this.description = requireNonNull(description, "description is null");
        AVStream stream = format.streams(streamIndex);
        this.timeBaseNumerator = stream.time_base().num();
        this.timeBaseDenominator = stream.time_base().den();
        library.defaultSettings(settings);
        settings.setInt(Dav1dLibrary.SETTINGS_N_THREADS, threads);
        settings.setInt(Dav1dLibrary.SETTINGS_MAX_FRAME_DELAY, threads == 1 ? 1 : 0);
        settings.setPointer(Dav1dLibrary.SETTINGS_LOGGER_CALLBACK, null);
        int opened = library.open(contextOut, settings);
        if (opened < 0) {
            freeStructs();
            throw new PipelineException(
                    VIDEO_DECODE_FAILED, "Cannot open dav1d for " + description + ": error " + opened);
        }
        this.context = contextOut.getPointer(0);
        this.packet = avcodec.av_packet_alloc();
        this.frame = avutil.av_frame_alloc();
    }

    /**
     * The next picture in presentation order, or null at the end of the stream. A packet dav1d cannot decode is
     * skipped, as JavaCV's grabber skips the packets FFmpeg's decoder rejects: the frames it held are missing, which
     * the episode's alignment then reports.
     *
     * @throws PipelineException with {@code VIDEO_DECODE_FAILED} when dav1d returns a picture that is not 8-bit
     */
    AVFrame next() {
        if (closed) {
            return null;
        }
        releasePicture();
        while (true) {
            if (pending) {
                int sent = library.sendData(context, data);
                if (sent == 0) {
                    pending = false;
                } else if (sent != Dav1dLibrary.EAGAIN) {
                    dropData(); // the data stays the caller's on an error
                }
            }
            int got = library.getPicture(context, picture);
            if (got == 0) {
                holdingPicture = true;
                errorsInARow = 0;
                return wrap();
            }
            if (got != Dav1dLibrary.EAGAIN) {
                // A decoding error reported late (frame threads): the next packet goes on. dav1d reports each error
                // once; a run of them without progress is a broken decoder, not a broken packet.
                if (++errorsInARow > 1_000) {
                    throw failure("dav1d_get_picture", got);
                }
                continue;
            }
            errorsInARow = 0;
            if (pending) {
                continue; // dav1d wants its pictures taken before more data; none is ready yet (threads > 1)
            }
            if (endOfStream) {
                return null; // all data sent and dav1d drained: EAGAIN with nothing pending
            }
            readPacket();
        }
    }

    /** Microseconds of the picture {@link #next()} returned, computed as JavaCV computes a frame's timestamp. */
    long timestampMicros() {
        long pts = picture.getLong(Dav1dLibrary.PICTURE_TIMESTAMP);
        return 1_000_000L * pts * timeBaseNumerator / timeBaseDenominator;
    }

    /**
     * Seeks the demuxer to the key frame at or before {@code micros} (stream timestamps, as {@link #timestampMicros()})
     * and flushes dav1d; the next picture is that key frame.
     */
    void seek(long micros) {
        releasePicture();
        dropData();
        long target = Math.floorDiv(micros * timeBaseDenominator, 1_000_000L * timeBaseNumerator);
        int sought = avformat.av_seek_frame(format, streamIndex, target, avformat.AVSEEK_FLAG_BACKWARD);
        if (sought < 0) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    String.format(
                            Locale.ROOT, "Cannot seek to %.3f s in %s: error %d", micros / 1e6, description, sought));
        }
        library.flush(context);
        endOfStream = false;
    }

    /** Reads packets until one of the video stream is copied into dav1d data, or the file ends. */
    private void readPacket() {
        while (true) {
            int read = avformat.av_read_frame(format, packet);
            if (read < 0) {
                endOfStream = true; // end of file (or a read error: what was decoded stands, as with JavaCV)
                return;
            }
            try {
                if (packet.stream_index() != streamIndex || packet.size() <= 0) {
                    continue;
                }
                Pointer buffer = library.dataCreate(data, packet.size());
                if (buffer == null) {
                    throw failure("dav1d_data_create", -12);
                }
                BytePointer.memcpy(copyTarget.at(Pointer.nativeValue(buffer)), packet.data(), packet.size());
                long pts = packet.pts() != avutil.AV_NOPTS_VALUE ? packet.pts() : packet.dts();
                data.setLong(Dav1dLibrary.DATA_TIMESTAMP, pts);
                pending = true;
                return;
            } finally {
                avcodec.av_packet_unref(packet);
            }
        }
    }

    /** Points the reusable AVFrame at the picture's planes. */
    private AVFrame wrap() {
        int bits = picture.getInt(Dav1dLibrary.PICTURE_BITS_PER_COMPONENT);
        int layout = picture.getInt(Dav1dLibrary.PICTURE_LAYOUT);
        int pixelFormat = pixelFormat(layout, bits);
        if (pixelFormat < 0) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    "dav1d returned a " + bits + "-bit picture of layout " + layout + " for " + description
                            + "; only 8-bit pictures are read");
        }
        long lumaStride = picture.getLong(Dav1dLibrary.PICTURE_STRIDE);
        long chromaStride = picture.getLong(Dav1dLibrary.PICTURE_STRIDE + Long.BYTES);
        int planeCount = layout == Dav1dLibrary.LAYOUT_I400 ? 1 : 3;
        for (int i = 0; i < 3; i++) {
            if (i < planeCount) {
                long address = Pointer.nativeValue(picture.getPointer(Dav1dLibrary.PICTURE_DATA + (long) i * 8));
                frame.data(i, planes[i].at(address));
                frame.linesize(i, (int) (i == 0 ? lumaStride : chromaStride));
            } else {
                frame.data(i, (BytePointer) null);
                frame.linesize(i, 0);
            }
        }
        frame.width(picture.getInt(Dav1dLibrary.PICTURE_WIDTH));
        frame.height(picture.getInt(Dav1dLibrary.PICTURE_HEIGHT));
        frame.format(pixelFormat);
        Pointer sequence = picture.getPointer(Dav1dLibrary.PICTURE_SEQUENCE_HEADER);
        boolean fullRange = sequence != null && sequence.getInt(Dav1dLibrary.SEQUENCE_HEADER_COLOR_RANGE) == 1;
        frame.color_range(fullRange ? avutil.AVCOL_RANGE_JPEG : avutil.AVCOL_RANGE_MPEG);
        // AV1's matrix_coefficients use the numbering of ISO/IEC 23091-4, as AVColorSpace does (what FFmpeg's libaom
        // decoder puts in its frames), so the colour conversion is the same whichever decoder ran.
        frame.colorspace(
                sequence == null ? avutil.AVCOL_SPC_UNSPECIFIED : sequence.getInt(Dav1dLibrary.SEQUENCE_HEADER_MATRIX));
        return frame;
    }

    /**
     * The FFmpeg pixel format of an 8-bit dav1d layout, as FFmpeg's own AV1 decoders name it (monochrome is gray), or
     * -1 for pictures of more than 8 bits.
     */
    static int pixelFormat(int layout, int bitsPerComponent) {
        if (bitsPerComponent != 8) {
            return -1;
        }
        return switch (layout) {
            case Dav1dLibrary.LAYOUT_I400 -> avutil.AV_PIX_FMT_GRAY8;
            case Dav1dLibrary.LAYOUT_I420 -> avutil.AV_PIX_FMT_YUV420P;
            case Dav1dLibrary.LAYOUT_I422 -> avutil.AV_PIX_FMT_YUV422P;
            case Dav1dLibrary.LAYOUT_I444 -> avutil.AV_PIX_FMT_YUV444P;
            default -> -1;
        };
    }

    private void releasePicture() {
        if (holdingPicture) {
            library.pictureUnref(picture);
            holdingPicture = false;
        }
    }

    private void dropData() {
        library.dataUnref(data);
        pending = false;
    }

    private PipelineException failure(String call, int error) {
        return new PipelineException(
                VIDEO_DECODE_FAILED, "Cannot decode " + description + " with dav1d: " + call + " returned " + error);
    }

    private void freeStructs() {
        settings.close();
        contextOut.close();
        data.close();
        picture.close();
    }

    /** Releases the picture, pending data, the dav1d context, the packet and the frame. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            releasePicture();
            dropData();
            library.close(contextOut);
        } finally {
            avcodec.av_packet_free(packet);
            for (int i = 0; i < 3; i++) {
                frame.data(i, (BytePointer) null);
            }
            avutil.av_frame_free(frame);
            freeStructs();
        }
    }

    private static Memory zeroed(long bytes) {
        Memory memory = new Memory(bytes);
        memory.clear();
        return memory;
    }

    /** A JavaCPP pointer at an address owned by dav1d: no deallocator, re-aimed for each picture or buffer. */
    private static final class NativeAddress extends BytePointer {
        NativeAddress at(long value) {
            address = value;
            position = 0;
            limit = 0;
            capacity = 0;
            return this;
        }
    }
}
