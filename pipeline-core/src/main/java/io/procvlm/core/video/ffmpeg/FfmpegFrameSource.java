package io.procvlm.core.video.ffmpeg;

import static io.procvlm.core.error.CoreErrorCode.VIDEO_DECODE_FAILED;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_UNREADABLE;
import static java.util.Objects.requireNonNull;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.LUT;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import java.io.File;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
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
 */
public final class FfmpegFrameSource implements FrameSource {
    static {
        FfmpegLogging.quiet();
    }

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

    private final FFmpegFrameGrabber grabber;
    private final boolean raw;
    /** {@link PixelMode#GRAY_AND_BGR}: the grabber is in raw mode and frames are converted here, luma and BGR. */
    private final boolean both;

    private SwsContext grayContext;
    private SwsContext bgrContext;
    private Mat swsGray;
    private Mat swsBgr;
    private PointerPointer<BytePointer> swsTarget;
    private IntPointer swsStride;
    /** Channels of the converted frames (3 for BGR, 1 for swscale gray). */
    private final int channels;

    private Mat wrapped;
    private org.bytedeco.javacpp.BytePointer wrappedData;
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
            boolean raw,
            boolean both,
            int channels,
            VideoInfo info,
            double fromSeconds,
            double toSeconds,
            String description) {
        this.grabber = grabber;
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
        requireNonNull(file, "file is null");
        requireNonNull(mode, "mode is null");
        FFmpegFrameGrabber grabber;
        boolean raw;
        if (mode == PixelMode.BGR) {
            grabber = start(file, FrameGrabber.ImageMode.COLOR, threads);
            raw = false;
        } else if (mode == PixelMode.GRAY_AND_BGR) {
            // Raw frames, converted here: luma as GRAY gives it, BGR with the very swscale call COLOR makes.
            grabber = start(file, FrameGrabber.ImageMode.RAW, threads);
            raw = PLANAR_LUMA.contains(grabber.getPixelFormat());
        } else {
            // Open in raw mode; formats whose first plane is not 8-bit luma are reopened with swscale to gray.
            grabber = start(file, FrameGrabber.ImageMode.RAW, threads);
            raw = PLANAR_LUMA.contains(grabber.getPixelFormat());
            if (!raw) {
                closeQuietly(grabber);
                grabber = start(file, FrameGrabber.ImageMode.GRAY, threads);
            }
        }
        if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0) {
            closeQuietly(grabber);
            throw new PipelineException(VIDEO_UNREADABLE, "Video " + file.getName() + " has no video stream");
        }
        VideoInfo info = describe(grabber, expectedFrameRate);
        FfmpegFrameSource source = new FfmpegFrameSource(
                grabber,
                raw,
                mode == PixelMode.GRAY_AND_BGR,
                mode == PixelMode.BGR ? 3 : 1,
                info,
                fromSeconds,
                toSeconds,
                file.getName());
        if (fromSeconds > 0) {
            source.seek();
        }
        return source;
    }

    private static FFmpegFrameGrabber start(File file, FrameGrabber.ImageMode mode, int threads) {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file);
        grabber.setImageMode(mode);
        grabber.setVideoOption("threads", Integer.toString(threads));
        try {
            grabber.start();
            return grabber;
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new PipelineException(VIDEO_UNREADABLE, "Cannot open video " + file.getName() + ": " + message(e), e);
        }
    }

    /** Reads a file's stream properties without decoding frames. */
    public static VideoInfo probe(File file, double expectedFrameRate) {
        try (FfmpegFrameSource source = open(file, 0, Double.NaN, 1, expectedFrameRate)) {
            return source.info();
        }
    }

    private void seek() {
        try {
            // Seek a little early: FFmpeg lands on the key frame at or before the target, we drop what precedes it.
            long target = Math.max(0L, Math.round((fromSeconds - 2 * halfFrame) * 1_000_000d));
            grabber.setTimestamp(target);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    String.format(Locale.ROOT, "Cannot seek to %.3f s in %s: %s", fromSeconds, description, message(e)),
                    e);
        }
    }

    @Override
    public DecodedFrame next() {
        if (finished) {
            return null;
        }
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabImage();
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
            if (seconds < fromSeconds - halfFrame) {
                continue; // decoded on the way from the key frame to the episode start
            }
            if (!Double.isNaN(toSeconds) && seconds >= toSeconds - halfFrame) {
                finished = true;
                return null;
            }
            if (both) {
                AVFrame decoded = (AVFrame) frame.opaque;
                Mat gray = raw ? luma(frame) : convert(decoded, false);
                return new DecodedFrame(gray, seconds - fromSeconds, ordinal++, convert(decoded, true));
            }
            Mat image = raw ? luma(frame) : wrap(frame);
            return new DecodedFrame(image, seconds - fromSeconds, ordinal++);
        }
    }

    /**
     * The converted frame as a Mat of the known channel count, without copying. (JavaCV's converter derives the
     * channels from the row stride, which swscale pads: a 96-pixel-wide BGR frame has 384-byte rows and came out with 4
     * channels.)
     */
    private Mat wrap(Frame frame) {
        if (wrapped != null) {
            wrapped.close();
            wrappedData.close();
        }
        wrappedData = new org.bytedeco.javacpp.BytePointer((java.nio.ByteBuffer) frame.image[0]);
        wrapped = new Mat(
                frame.imageHeight,
                frame.imageWidth,
                org.bytedeco.opencv.global.opencv_core.CV_8UC(channels),
                wrappedData,
                frame.imageStride);
        return wrapped;
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
        Mat out = bgr ? swsBgr : swsGray;
        if (out == null || out.cols() != width || out.rows() != height) {
            if (out != null) {
                out.close();
            }
            out = new Mat(height, width, bgr ? CV_8UC3 : CV_8UC1);
        }
        if (bgr) {
            bgrContext = context;
            swsBgr = out;
        } else {
            grayContext = context;
            swsGray = out;
        }
        if (swsTarget == null) {
            swsTarget = new PointerPointer<>(1);
            swsStride = new IntPointer(1);
        }
        swsTarget.put(0, out.data());
        swsStride.put(0, (int) out.step());
        swscale.sws_scale(
                context, new PointerPointer<BytePointer>(decoded), decoded.linesize(), 0, height, swsTarget, swsStride);
        return out;
    }

    /** The decoder's own luma plane, expanded to full range when the stream is limited range. */
    private Mat luma(Frame frame) {
        AVFrame decoded = (AVFrame) frame.opaque;
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
        closeQuietly(grabber);
        if (wrapped != null) {
            wrapped.close();
            wrappedData.close();
        }
        if (plane != null) {
            plane.close();
        }
        expanded.close();
        expandLut.close();
        for (SwsContext context : new SwsContext[] {grayContext, bgrContext}) {
            if (context != null) {
                swscale.sws_freeContext(context);
            }
        }
        for (Mat mat : new Mat[] {swsGray, swsBgr}) {
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
