package io.procvlm.core.video.ffmpeg;

import static io.procvlm.core.error.CoreErrorCode.DAV1D_UNAVAILABLE;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_DECODE_FAILED;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_UNREADABLE;
import static java.util.Objects.requireNonNull;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YUV2BGR_I420;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.Codecs;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import java.io.File;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes one episode's frames from a video file with FFmpeg (JavaCV), streaming: only the current frame is held.
 * Frames come out as 8-bit full-range luma at native resolution, with timestamps relative to the episode's start.
 *
 * <p>For the common 8-bit planar YUV formats (yuv420p and friends, as LeRobot writes) the luma plane is taken straight
 * from the decoder without any pixel-format conversion, and limited-range ("tv") luma is expanded to full range with a
 * lookup table; this saves FFmpeg's full-frame swscale pass. Other formats (10-bit, RGB) go through swscale to gray.
 *
 * <p>For a file holding several episodes (LeRobot v3.0), the source seeks to the key frame before {@code from},
 * decodes forward, drops frames before {@code from} and stops before {@code to}.
 *
 * <p>AV1 is decoded by JavaCV's FFmpeg (libaom) or, as {@link Av1Decoder} asks, by the system's libdav1d in this
 * process ({@link Dav1dDecoder}): FFmpeg still opens, probes and demuxes the file, dav1d decodes the packets, and its
 * pictures go through the same luma and swscale paths, so frames, timestamps and pixels are those of the libaom path
 * (AV1 decoding is bit-exact). 8-bit streams only; others stay with libaom.
 */
public final class FfmpegFrameSource implements FrameSource {
    static {
        FfmpegLogging.quiet();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FfmpegFrameSource.class);
    /** {@code auto} without libdav1d is logged once per JVM. */
    private static final AtomicBoolean DAV1D_WARNED = new AtomicBoolean();
    /** The stream pixel formats dav1d's 8-bit pictures map to (what FFmpeg's libaom decoder reports for them). */
    private static final Set<Integer> DAV1D_FORMATS = Set.of(
            avutil.AV_PIX_FMT_YUV420P, avutil.AV_PIX_FMT_YUV422P, avutil.AV_PIX_FMT_YUV444P, avutil.AV_PIX_FMT_GRAY8);

    /** 8-bit formats whose first plane is the luma plane. */
    private static final Set<Integer> PLANAR_LUMA = Set.of(
            avutil.AV_PIX_FMT_YUV420P,
            avutil.AV_PIX_FMT_YUVJ420P,
            avutil.AV_PIX_FMT_YUV422P,
            avutil.AV_PIX_FMT_YUVJ422P,
            avutil.AV_PIX_FMT_YUV444P,
            avutil.AV_PIX_FMT_YUVJ444P,
            avutil.AV_PIX_FMT_YUV440P,
            avutil.AV_PIX_FMT_YUVJ440P,
            avutil.AV_PIX_FMT_YUV411P,
            avutil.AV_PIX_FMT_YUV410P,
            avutil.AV_PIX_FMT_YUVA420P,
            avutil.AV_PIX_FMT_NV12,
            avutil.AV_PIX_FMT_NV21,
            avutil.AV_PIX_FMT_GRAY8);
    /** Full-range formats among them (the "j" variants and gray). */
    private static final Set<Integer> FULL_RANGE = Set.of(
            avutil.AV_PIX_FMT_YUVJ420P,
            avutil.AV_PIX_FMT_YUVJ422P,
            avutil.AV_PIX_FMT_YUVJ444P,
            avutil.AV_PIX_FMT_YUVJ440P,
            avutil.AV_PIX_FMT_GRAY8);

    /** The name of FFmpeg's mp4/mov demuxer, the one container {@link #probeHeaders} reads. */
    private static final String MOV_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2";

    /**
     * Held while libaom may add film grain: its grain synthesis keeps its state (random generator, scaling tables) in
     * process-wide variables, so two libaom decoders adding grain at once in one JVM corrupt each other's frames (four
     * concurrent decodes of one grain stream gave four different results). Every open takes it (the open may decode a
     * frame); decoding takes it for AV1 streams decoded by libaom that declare film grain, or whose sequence header is
     * not in the container ({@link Av1FilmGrain}). dav1d keeps its grain state per decoder and never takes it.
     */
    private static final java.util.concurrent.locks.ReentrantLock LIBAOM_GRAIN =
            new java.util.concurrent.locks.ReentrantLock();

    private final FFmpegFrameGrabber grabber;
    /** Decoding holds {@link #LIBAOM_GRAIN}. */
    private final boolean serialised;
    /** The in-process dav1d decoder for an AV1 stream, or null when FFmpeg's decoder (the grabber) decodes. */
    private final Dav1dDecoder dav1d;

    private final boolean raw;
    /** {@link PixelMode#GRAY_AND_BGR}: the grabber is in raw mode and frames are converted here, luma and BGR. */
    private final boolean both;

    private SwsContext grayContext;
    private SwsContext bgrContext;
    private SwsContext scaledContext;
    /** What each context was told of its source's range and matrix ({@link #describeSource}); null: nothing. */
    private String grayDescribed;

    private String bgrDescribed;
    private String scaledDescribed;
    private Mat swsGray;
    private Mat swsBgr;
    private Mat swsScaled;
    private Mat scaledPlanes;
    /** The decoder's frame behind the last frame {@link #next()} returned in a colour mode, for {@link #colorAt}. */
    private AVFrame current;

    private boolean closed;

    private PointerPointer<BytePointer> swsTarget;
    private IntPointer swsStride;
    /** Channels of the converted frames (3 for BGR, 1 for swscale gray). */
    private final int channels;

    private final Mat expanded = new Mat();
    private final Mat expandLut = limitedToFullRange();
    private final VideoInfo info;
    private final double fromSeconds;
    private final double toSeconds;
    private final double halfFrame;
    private final String description;
    private Mat plane;
    private long ordinal;
    private boolean finished;

    private FfmpegFrameSource(
            FFmpegFrameGrabber grabber,
            Dav1dDecoder dav1d,
            boolean serialised,
            boolean raw,
            boolean both,
            int channels,
            VideoInfo info,
            double fromSeconds,
            double toSeconds,
            String description) {
        this.grabber = grabber;
        this.dav1d = dav1d;
        this.serialised = serialised;
        this.raw = raw;
        this.both = both;
        this.channels = channels;
        this.info = info;
        this.fromSeconds = fromSeconds;
        this.toSeconds = toSeconds;
        this.halfFrame = info.frameRate() > 0 ? 0.5 / info.frameRate() : 0.0;
        this.description = description;
    }

    /**
     * Opens {@code file} and positions it at {@code fromSeconds}.
     *
     * @param toSeconds exclusive end in seconds, or {@code NaN} for the end of the file
     * @param threads FFmpeg decoder threads (0 lets FFmpeg choose)
     * @param expectedFrameRate the dataset's fps, used when the container does not declare one
     * @throws PipelineException with {@code VIDEO_UNREADABLE} if the file cannot be opened or has no video stream
     */
    public static FfmpegFrameSource open(
            File file, double fromSeconds, double toSeconds, int threads, double expectedFrameRate) {
        return open(file, fromSeconds, toSeconds, threads, expectedFrameRate, PixelMode.GRAY);
    }

    /**
     * As {@link #open(File, double, double, int, double)}, in the given pixel mode: {@link PixelMode#BGR} converts
     * every frame with swscale.
     */
    public static FfmpegFrameSource open(
            File file, double fromSeconds, double toSeconds, int threads, double expectedFrameRate, PixelMode mode) {
        return open(file, fromSeconds, toSeconds, threads, expectedFrameRate, mode, Av1Decoder.LIBAOM);
    }

    /**
     * As {@link #open(File, double, double, int, double, PixelMode)}, with an AV1 stream decoded as {@code av1Decoder}
     * asks: {@code DAV1D} and {@code AUTO} decode 8-bit AV1 with the system's libdav1d in this process ({@code threads}
     * dav1d threads); without a usable libdav1d, {@code AUTO} logs warning {@code DAV1D_UNAVAILABLE} once per JVM and
     * decodes with libaom. Other codecs, and AV1 of more than 8 bits, are always decoded by JavaCV's FFmpeg.
     *
     * @throws PipelineException with {@code DAV1D_UNAVAILABLE} when {@code av1Decoder} is {@code DAV1D}, the stream is
     *     AV1 and libdav1d cannot be used
     */
    public static FfmpegFrameSource open(
            File file,
            double fromSeconds,
            double toSeconds,
            int threads,
            double expectedFrameRate,
            PixelMode mode,
            Av1Decoder av1Decoder) {
        requireNonNull(file, "file is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(av1Decoder, "av1Decoder is null");
        FFmpegFrameGrabber grabber;
        boolean raw;
        // Raw frames in every mode, converted here: 8-bit planar luma straight from the decoder's plane, other formats
        // to gray or BGR with the swscale call JavaCV's GRAY and COLOR modes make, told the stream's range and matrix
        // (describeSource), and the decoder's own frame kept for colorAt.
        grabber = start(file, threads);
        raw = PLANAR_LUMA.contains(grabber.getPixelFormat());
        if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0) {
            closeQuietly(grabber);
            throw new PipelineException(VIDEO_UNREADABLE, "Video " + file.getName() + " has no video stream");
        }
        VideoInfo info = describe(grabber, expectedFrameRate);
        Dav1dDecoder dav1d = null;
        if (av1Decoder != Av1Decoder.LIBAOM && "av1".equals(Codecs.canonical(info.codec()))) {
            Dav1dLibrary library = dav1dLibrary(grabber, av1Decoder, file.getName());
            if (library != null) {
                try {
                    dav1d = new Dav1dDecoder(
                            library, grabber.getFormatContext(), grabber.getVideoStream(), threads, file.getName());
                } catch (RuntimeException e) {
                    closeQuietly(grabber);
                    throw e;
                }
                info = new VideoInfo(
                        info.codec(),
                        "libdav1d",
                        info.width(),
                        info.height(),
                        info.frameRate(),
                        info.frameCount(),
                        info.durationSeconds(),
                        info.pixelFormat());
            }
        }
        FfmpegFrameSource source = new FfmpegFrameSource(
                grabber,
                dav1d,
                dav1d == null && "av1".equals(Codecs.canonical(info.codec())) && mayAddGrain(grabber),
                raw,
                mode == PixelMode.GRAY_AND_BGR,
                mode == PixelMode.BGR ? 3 : 1,
                info,
                fromSeconds,
                toSeconds,
                file.getName());
        if (fromSeconds > 0) {
            try {
                source.seek();
            } catch (RuntimeException e) {
                source.close();
                throw e;
            }
        }
        return source;
    }

    /**
     * The libdav1d to decode this AV1 stream with, or null for libaom: the stream is not 8-bit, or libdav1d is absent
     * and {@code decoder} is {@code AUTO} (warning {@code DAV1D_UNAVAILABLE}, once per JVM). Closes the grabber and
     * throws {@code DAV1D_UNAVAILABLE} when libdav1d is absent and {@code decoder} is {@code DAV1D}.
     */
    private static Dav1dLibrary dav1dLibrary(FFmpegFrameGrabber grabber, Av1Decoder decoder, String name) {
        Dav1dLibrary.Loading loading = Dav1dLibrary.load();
        if (loading.library().isEmpty()) {
            if (decoder == Av1Decoder.DAV1D) {
                closeQuietly(grabber);
                throw new PipelineException(
                        DAV1D_UNAVAILABLE,
                        "Cannot decode " + name + " with video.av1-decoder=dav1d: " + loading.problem());
            }
            if (DAV1D_WARNED.compareAndSet(false, true)) {
                LOG.warn(
                        "[{}] {}: AV1 is decoded with JavaCV's libaom (about 2.5x slower per core)",
                        DAV1D_UNAVAILABLE.name(),
                        loading.problem());
            }
            return null;
        }
        AVStream stream = grabber.getFormatContext().streams(grabber.getVideoStream());
        return DAV1D_FORMATS.contains(stream.codecpar().format())
                ? loading.library().get()
                : null;
    }

    /** A call into the grabber that may decode. */
    private interface GrabberCall<T> {
        T call() throws FrameGrabber.Exception;
    }

    /** {@code call}, holding {@link #LIBAOM_GRAIN} when this source's decoding must ({@link #serialised}). */
    private <T> T decoding(GrabberCall<T> call) throws FrameGrabber.Exception {
        if (!serialised) {
            return call.call();
        }
        LIBAOM_GRAIN.lock();
        try {
            return call.call();
        } finally {
            LIBAOM_GRAIN.unlock();
        }
    }

    /** Whether the AV1 stream declares film grain, or may (its sequence header is not in the container). */
    private static boolean mayAddGrain(FFmpegFrameGrabber grabber) {
        AVCodecParameters parameters =
                grabber.getFormatContext().streams(grabber.getVideoStream()).codecpar();
        byte[] record = null;
        if (parameters.extradata() != null && parameters.extradata_size() > 0) {
            record = new byte[parameters.extradata_size()];
            parameters.extradata().get(record);
        }
        return Av1FilmGrain.declared(record).orElse(true);
    }

    /** Opens {@code file} in JavaCV's raw mode, holding {@link #LIBAOM_GRAIN}: opening may decode a frame. */
    private static FFmpegFrameGrabber start(File file, int threads) {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file);
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        grabber.setVideoOption("threads", Integer.toString(threads));
        LIBAOM_GRAIN.lock(); // avformat_find_stream_info may decode, with libaom for AV1
        try {
            grabber.start();
            return grabber;
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new PipelineException(VIDEO_UNREADABLE, "Cannot open video " + file.getName() + ": " + message(e), e);
        } finally {
            LIBAOM_GRAIN.unlock();
        }
    }

    /**
     * Reads a file's stream properties without decoding frames. An mp4 holding one AV1 stream is read from its
     * container headers alone ({@link #probeHeaders}), without opening a decoder; any other file, or one whose headers
     * lack a value, is opened as {@link #open} opens it ({@link #probeByOpening}). Both give the same {@link VideoInfo}.
     *
     * @throws PipelineException with {@code VIDEO_UNREADABLE} if the file cannot be opened or has no video stream
     */
    public static VideoInfo probe(File file, double expectedFrameRate) {
        requireNonNull(file, "file is null");
        VideoInfo info = probeHeaders(file);
        return info != null ? info : probeByOpening(file, expectedFrameRate);
    }

    /** The probe through a full open: {@code avformat_find_stream_info} and the decoder, as {@link #open} does. */
    static VideoInfo probeByOpening(File file, double expectedFrameRate) {
        try (FfmpegFrameSource source = open(file, 0, Double.NaN, 1, expectedFrameRate)) {
            return source.info();
        }
    }

    /**
     * The {@link VideoInfo} {@link #probeByOpening} returns, read from the container headers only
     * ({@code avformat_open_input}, no {@code avformat_find_stream_info}, no decoder), or null when the headers do not
     * determine every value exactly as the full open would: the file cannot be opened, is not mp4, holds more than
     * one stream, is not 8-bit 4:2:0 AV1 (the pixel format FFmpeg reports comes from the decoder), or lacks a size,
     * an average frame rate, a duration or a decoder. The caller then opens the file, which also reports its errors.
     * The dataset's expected frame rate plays no part: the headers must declare one.
     *
     * <p>The values follow JavaCV's grabber and FFmpeg: the video stream is the one stream; the frame rate is its
     * {@code avg_frame_rate}; the frame count its {@code nb_frames}, else the duration times the frame rate; the
     * duration is the one {@code avformat_find_stream_info} derives for a single stream
     * ({@code update_stream_timings}: the stream's duration rescaled to microseconds, rounding to nearest); the decoder
     * is {@code avcodec_find_decoder}'s; the pixel format is {@code yuv420p}, as libaom reports 8-bit 4:2:0 AV1 that
     * is not monochrome ({@code av1C} record in the extradata).
     */
    static VideoInfo probeHeaders(File file) {
        // As JavaCV opens: avformat_open_input allocates the context, and frees it itself when it fails.
        AVFormatContext context = new AVFormatContext(null);
        if (avformat.avformat_open_input(context, file.getAbsolutePath(), null, null) < 0) {
            return null;
        }
        try {
            return describeHeaders(context);
        } finally {
            avformat.avformat_close_input(context);
        }
    }

    private static VideoInfo describeHeaders(AVFormatContext context) {
        if (context.iformat() == null
                || !MOV_DEMUXER.equals(context.iformat().name().getString())
                || context.nb_streams() != 1
                || context.duration() != avutil.AV_NOPTS_VALUE) {
            return null;
        }
        AVStream stream = context.streams(0);
        AVCodecParameters parameters = stream.codecpar();
        if (parameters.codec_type() != avutil.AVMEDIA_TYPE_VIDEO
                || parameters.codec_id() != avcodec.AV_CODEC_ID_AV1
                || parameters.width() <= 0
                || parameters.height() <= 0
                || !isEightBitYuv420(parameters)) {
            return null;
        }
        AVRational rate = stream.avg_frame_rate();
        AVRational timeBase = stream.time_base();
        if (rate.num() <= 0
                || rate.den() <= 0
                || timeBase.num() <= 0
                || timeBase.den() <= 0
                || stream.duration() <= 0) {
            return null;
        }
        AVCodec decoder = avcodec.avcodec_find_decoder(parameters.codec_id());
        if (decoder == null || decoder.name() == null) {
            return null;
        }
        // avformat_find_stream_info: av_rescale_q(st->duration, st->time_base, AV_TIME_BASE_Q), as JavaCV reads it.
        long micros = avutil.av_rescale_rnd(
                stream.duration(),
                timeBase.num() * (long) avutil.AV_TIME_BASE,
                timeBase.den(),
                avutil.AV_ROUND_NEAR_INF);
        if (micros <= 0) {
            return null;
        }
        double frameRate = (double) rate.num() / rate.den();
        double duration = micros / 1_000_000d;
        long frames = stream.nb_frames() > 0 ? stream.nb_frames() : Math.round(duration * frameRate);
        BytePointer codec = avcodec.avcodec_get_name(parameters.codec_id());
        return new VideoInfo(
                codec == null ? "unknown" : codec.getString(),
                decoder.name().getString(),
                parameters.width(),
                parameters.height(),
                frameRate,
                frames,
                duration,
                "yuv420p");
    }

    /**
     * Whether the stream's {@code av1C} record (the mp4 extradata) declares 8-bit 4:2:0 colour: the streams libaom
     * decodes to {@code yuv420p}.
     */
    private static boolean isEightBitYuv420(AVCodecParameters parameters) {
        if (parameters.extradata() == null || parameters.extradata_size() < 4) {
            return false;
        }
        BytePointer record = parameters.extradata();
        int marker = record.get(0) & 0xff;
        int colour = record.get(2) & 0xff;
        boolean highBitDepth = (colour & 0x40) != 0;
        boolean monochrome = (colour & 0x10) != 0;
        boolean subsampledX = (colour & 0x08) != 0;
        boolean subsampledY = (colour & 0x04) != 0;
        return marker == 0x81 && !highBitDepth && !monochrome && subsampledX && subsampledY;
    }

    private void seek() {
        try {
            // Seek a little early: FFmpeg lands on the key frame at or before the target, we drop what precedes it.
            long target = Math.max(0L, Math.round((fromSeconds - 2 * halfFrame) * 1_000_000d));
            if (dav1d != null) {
                dav1d.seek(target);
            } else {
                decoding(() -> {
                    grabber.setTimestamp(target);
                    return null;
                });
            }
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    String.format(Locale.ROOT, "Cannot seek to %.3f s in %s: %s", fromSeconds, description, message(e)),
                    e);
        }
    }

    @Override
    public DecodedFrame next() {
        current = null;
        if (finished) {
            return null;
        }
        if (dav1d != null) {
            return nextFromDav1d();
        }
        while (true) {
            Frame frame;
            try {
                frame = decoding(grabber::grabImage);
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new PipelineException(
                        VIDEO_DECODE_FAILED,
                        "Cannot decode frame " + ordinal + " of " + description + ": " + message(e),
                        e);
            }
            if (frame == null || frame.image == null) {
                finished = true;
                return null;
            }
            double seconds = frame.timestamp / 1_000_000d;
            if (beforeRange(seconds)) {
                continue; // decoded on the way from the key frame to the episode start
            }
            if (afterRange(seconds)) {
                finished = true;
                return null;
            }
            if (both) {
                AVFrame decoded = (AVFrame) frame.opaque;
                current = decoded;
                Mat gray = raw ? luma(decoded) : convert(decoded, false);
                return new DecodedFrame(gray, seconds - fromSeconds, ordinal++, colourOf(decoded));
            }
            if (channels == 3) {
                current = (AVFrame) frame.opaque;
                return new DecodedFrame(convert(current, true), seconds - fromSeconds, ordinal++);
            }
            Mat image = raw ? luma((AVFrame) frame.opaque) : convert((AVFrame) frame.opaque, false);
            return new DecodedFrame(image, seconds - fromSeconds, ordinal++);
        }
    }

    /** A frame at {@code seconds} precedes the episode (half-frame rule): decoded only to reach its start. */
    private boolean beforeRange(double seconds) {
        return seconds < fromSeconds - halfFrame;
    }

    /** A frame at {@code seconds} is at or past the episode's end (half-frame rule). */
    private boolean afterRange(double seconds) {
        return !Double.isNaN(toSeconds) && seconds >= toSeconds - halfFrame;
    }

    /** As {@link #next()}, from dav1d's pictures: the same range rule, luma and swscale conversions. */
    private DecodedFrame nextFromDav1d() {
        while (true) {
            AVFrame decoded = dav1d.next();
            if (decoded == null) {
                finished = true;
                return null;
            }
            double seconds = dav1d.timestampMicros() / 1_000_000d;
            if (beforeRange(seconds)) {
                continue;
            }
            if (afterRange(seconds)) {
                finished = true;
                return null;
            }
            if (both || channels == 3) {
                current = decoded;
            }
            if (both) {
                return new DecodedFrame(luma(decoded), seconds - fromSeconds, ordinal++, colourOf(decoded));
            }
            Mat image = channels == 3 ? convert(decoded, true) : luma(decoded);
            return new DecodedFrame(image, seconds - fromSeconds, ordinal++);
        }
    }

    /**
     * Converts a raw decoded frame to BGR24 or GRAY8 with swscale exactly as JavaCV's grabber does in its COLOR and
     * GRAY modes ({@code sws_getCachedContext} at the frame's own size, {@code SWS_BILINEAR}, no filters, packed rows):
     * the pixels are the same as a source opened {@link PixelMode#BGR} (or {@link PixelMode#GRAY}) gives.
     */
    private Mat convert(AVFrame decoded, boolean bgr) {
        int width = decoded.width();
        int height = decoded.height();
        int target = bgr ? avutil.AV_PIX_FMT_BGR24 : avutil.AV_PIX_FMT_GRAY8;
        SwsContext context = swscale.sws_getCachedContext(
                bgr ? bgrContext : grayContext,
                width,
                height,
                decoded.format(),
                width,
                height,
                target,
                swscale.SWS_BILINEAR,
                null,
                null,
                (DoublePointer) null);
        if (context == null) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED, "Cannot convert frame " + ordinal + " of " + description + " with swscale");
        }
        Mat out = reuse(bgr ? swsBgr : swsGray, height, width, bgr ? CV_8UC3 : CV_8UC1);
        if (bgr) {
            bgrContext = context;
            swsBgr = out;
            bgrDescribed = describeSource(context, decoded, bgrDescribed, width, height);
        } else {
            grayContext = context;
            swsGray = out;
            grayDescribed = describeSource(context, decoded, grayDescribed, width, height);
        }
        targetPacked(out);
        swscale.sws_scale(
                context, new PointerPointer<BytePointer>(decoded), decoded.linesize(), 0, height, swsTarget, swsStride);
        return out;
    }

    /**
     * Whether swscale's assumptions hold for {@code decoded}: it takes the range from the pixel format alone (full for
     * the "j" formats and gray, limited otherwise) and the matrix as BT.601. A {@code yuv420p} frame flagged full range
     * (how AV1 and recent encoders mark it) or a BT.709 / BT.2020 / SMPTE 240M / FCC frame breaks them: without being
     * told, swscale stretched a full-range frame's levels as if limited and coloured a BT.709 frame with BT.601's
     * matrix.
     */
    private static boolean swscaleDefaults(AVFrame decoded) {
        return fullRange(decoded) == FULL_RANGE.contains(decoded.format()) && matrix(decoded) == swscale.SWS_CS_DEFAULT;
    }

    private static boolean fullRange(AVFrame decoded) {
        return FULL_RANGE.contains(decoded.format()) || decoded.color_range() == avutil.AVCOL_RANGE_JPEG;
    }

    /** swscale's matrix ({@code SWS_CS_*}, numbered as {@code AVColorSpace}) for the frame's flagged colour space. */
    private static int matrix(AVFrame decoded) {
        int space = decoded.colorspace();
        return switch (space) {
            case avutil.AVCOL_SPC_BT709,
                    avutil.AVCOL_SPC_FCC,
                    avutil.AVCOL_SPC_SMPTE240M,
                    avutil.AVCOL_SPC_BT2020_NCL,
                    avutil.AVCOL_SPC_BT2020_CL -> space;
            default -> swscale.SWS_CS_DEFAULT; // unspecified, BT.470BG, SMPTE 170M (BT.601) and what swscale lacks
        };
    }

    /**
     * Tells {@code context} the source range and matrix of {@code decoded} where they differ from swscale's
     * assumptions ({@link #swscaleDefaults}); the output stays full-range BGR or gray, with no brightness, contrast or
     * saturation change (swscale's defaults). {@code described} is what this context was last told (null: nothing, or
     * the defaults): a context is told once per stream, and frames with the defaults on a context never told anything
     * keep exactly the pixels they had before this existed. Returns the new value of {@code described}.
     */
    private static String describeSource(SwsContext context, AVFrame decoded, String described, int width, int height) {
        String key = swscaleDefaults(decoded)
                ? null
                : decoded.width() + "x" + decoded.height() + ":" + decoded.format() + ">" + width + "x" + height + ":"
                        + fullRange(decoded) + ":" + matrix(decoded);
        if (java.util.Objects.equals(key, described)) {
            return key;
        }
        swscale.sws_setColorspaceDetails(
                context,
                swscale.sws_getCoefficients(matrix(decoded)),
                fullRange(decoded) ? 1 : 0,
                swscale.sws_getCoefficients(swscale.SWS_CS_DEFAULT),
                1,
                0,
                1 << 16,
                1 << 16);
        return key;
    }

    /** Points swscale's destination at one packed image (BGR or gray), its other planes unused. */
    private void targetPacked(Mat out) {
        allocateTarget();
        swsTarget.put(0, out.data()).put(1, (Pointer) null).put(2, (Pointer) null);
        swsStride.put(0, (int) out.step()).put(1, 0).put(2, 0);
    }

    /** Points swscale's destination at the Y, U and V planes of an I420 Mat of width x height pixels. */
    private void targetPlanes(Mat i420, int width, int height) {
        allocateTarget();
        long luma = (long) width * height;
        BytePointer data = i420.data();
        swsTarget.put(0, data).put(1, data.getPointer(luma)).put(2, data.getPointer(luma + luma / 4));
        swsStride.put(0, width).put(1, width / 2).put(2, width / 2);
    }

    private void allocateTarget() {
        if (swsTarget == null) {
            swsTarget = new PointerPointer<>(3);
            swsStride = new IntPointer(3);
        }
    }

    /**
     * The last frame {@link #next()} returned, in BGR at {@code width} x {@code height}, converted and scaled from the
     * decoder's own pixels, never from a BGR copy at full size (which would cost a conversion at full size and an
     * OpenCV area resize: about 1.6 ms for a 640x480 frame shrunk to 480x360). Limited-range 4:2:0 frames to an even
     * size (most video) are scaled as planes by swscale and converted by OpenCV ({@code COLOR_YUV2BGR_I420}), about
     * 0.3 ms; other frames go to BGR in one swscale pass, about 0.54 ms. swscale runs {@code SWS_AREA} with {@code
     * SWS_BITEXACT | SWS_ACCURATE_RND} and OpenCV's conversion is fixed-point, so the pixels are the same on every
     * CPU. Null in {@link PixelMode#GRAY}, where the decoder's frame is not kept.
     */
    @Override
    public Mat colorAt(int width, int height) {
        if (current == null || width <= 0 || height <= 0) {
            return null;
        }
        AVFrame decoded = current;
        boolean planes = decoded.format() == avutil.AV_PIX_FMT_YUV420P
                && swscaleDefaults(decoded)
                && width % 2 == 0
                && height % 2 == 0;
        scaledContext = swscale.sws_getCachedContext(
                scaledContext,
                decoded.width(),
                decoded.height(),
                decoded.format(),
                width,
                height,
                planes ? avutil.AV_PIX_FMT_YUV420P : avutil.AV_PIX_FMT_BGR24,
                swscale.SWS_AREA | swscale.SWS_BITEXACT | swscale.SWS_ACCURATE_RND,
                null,
                null,
                (DoublePointer) null);
        if (scaledContext == null) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    "Cannot convert frame " + (ordinal - 1) + " of " + description + " to " + width + "x" + height
                            + " with swscale");
        }
        if (!planes) {
            scaledDescribed = describeSource(scaledContext, decoded, scaledDescribed, width, height);
        }
        swsScaled = reuse(swsScaled, height, width, CV_8UC3);
        if (planes) {
            // I420 as OpenCV reads it: the Y plane, then U, then V, contiguous, in a Mat of height * 3 / 2 rows.
            scaledPlanes = reuse(scaledPlanes, height * 3 / 2, width, CV_8UC1);
            targetPlanes(scaledPlanes, width, height);
        } else {
            targetPacked(swsScaled);
        }
        swscale.sws_scale(
                scaledContext,
                new PointerPointer<BytePointer>(decoded),
                decoded.linesize(),
                0,
                decoded.height(),
                swsTarget,
                swsStride);
        if (planes) {
            cvtColor(scaledPlanes, swsScaled, COLOR_YUV2BGR_I420);
        }
        return swsScaled;
    }

    /**
     * The full-size BGR copy of {@code decoded}, made on the first call while it is the current frame (the features
     * stage never asks for it when it stores the frame smaller, {@link #colorAt}).
     */
    private Supplier<Mat> colourOf(AVFrame decoded) {
        Mat[] made = new Mat[1];
        return () -> {
            if (made[0] == null) {
                if (current != decoded) {
                    throw new IllegalStateException("the colour of a frame is read after the next frame was decoded");
                }
                made[0] = convert(decoded, true);
            }
            return made[0];
        };
    }

    /** {@code mat} when it has this shape and type, else a new Mat of it (the old one closed). */
    private static Mat reuse(Mat mat, int rows, int cols, int type) {
        if (mat != null && mat.rows() == rows && mat.cols() == cols && mat.type() == type) {
            return mat;
        }
        if (mat != null) {
            mat.close();
        }
        return new Mat(rows, cols, type);
    }

    /** The decoder's own luma plane, expanded to full range when the stream is limited range. */
    private Mat luma(AVFrame decoded) {
        int format = decoded.format();
        if (!PLANAR_LUMA.contains(format)) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    "Frame " + ordinal + " of " + description + " changed pixel format to "
                            + avutil.av_get_pix_fmt_name(format).getString());
        }
        if (plane == null || !plane.data().equals(decoded.data(0)) || plane.step() != decoded.linesize(0)) {
            if (plane != null) {
                plane.close();
            }
            plane = new Mat(decoded.height(), decoded.width(), CV_8UC1, decoded.data(0), decoded.linesize(0));
        }
        boolean fullRange = FULL_RANGE.contains(format) || decoded.color_range() == avutil.AVCOL_RANGE_JPEG;
        if (fullRange) {
            return plane;
        }
        LUT(plane, expandLut, expanded);
        return expanded;
    }

    /** Limited ("tv", 16-235) to full range (0-255) luma, as swscale's gray output does. */
    private static Mat limitedToFullRange() {
        Mat table = new Mat(1, 256, CV_8UC1);
        byte[] values = new byte[256];
        for (int v = 0; v < 256; v++) {
            long full = Math.round((v - 16) * 255.0 / 219.0);
            values[v] = (byte) Math.max(0, Math.min(255, full));
        }
        table.data().put(values);
        return table;
    }

    /** Whether frames come straight from the decoder's luma plane (true for 8-bit planar YUV) or via swscale. */
    public boolean readsLumaPlane() {
        return raw;
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public void close() {
        // Idempotent: a stage may close a source both when it is done and from a task-completion listener, and
        // swscale contexts must be freed once.
        if (closed) {
            return;
        }
        closed = true;
        current = null;
        if (dav1d != null) {
            dav1d.close();
        }
        closeQuietly(grabber);
        if (plane != null) {
            plane.close();
        }
        expanded.close();
        expandLut.close();
        for (SwsContext context : new SwsContext[] {grayContext, bgrContext, scaledContext}) {
            if (context != null) {
                swscale.sws_freeContext(context);
            }
        }
        for (Mat mat : new Mat[] {swsGray, swsBgr, swsScaled, scaledPlanes}) {
            if (mat != null) {
                mat.close();
            }
        }
        if (swsTarget != null) {
            swsTarget.close();
            swsStride.close();
        }
    }

    private static VideoInfo describe(FFmpegFrameGrabber grabber, double expectedFrameRate) {
        String codec = null;
        String pixelFormat = "unknown";
        long frames = -1;
        AVFormatContext context = grabber.getFormatContext();
        if (context != null && grabber.getVideoStream() >= 0) {
            AVStream stream = context.streams(grabber.getVideoStream());
            BytePointer name = avcodec.avcodec_get_name(stream.codecpar().codec_id());
            codec = name == null ? null : name.getString();
            BytePointer format = avutil.av_get_pix_fmt_name(stream.codecpar().format());
            pixelFormat = format == null ? "unknown" : format.getString();
            frames = stream.nb_frames() > 0 ? stream.nb_frames() : -1;
        }
        double frameRate = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : expectedFrameRate;
        double duration = grabber.getLengthInTime() > 0 ? grabber.getLengthInTime() / 1_000_000d : -1;
        if (frames < 0 && duration > 0 && frameRate > 0) {
            frames = Math.round(duration * frameRate);
        }
        return new VideoInfo(
                codec == null ? "unknown" : codec,
                grabber.getVideoCodecName() == null ? "unknown" : grabber.getVideoCodecName(),
                grabber.getImageWidth(),
                grabber.getImageHeight(),
                frameRate,
                frames,
                duration,
                pixelFormat);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // nothing more to release
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
