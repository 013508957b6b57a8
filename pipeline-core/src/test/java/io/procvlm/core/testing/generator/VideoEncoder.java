package io.procvlm.core.testing.generator;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Encodes BGR frames into an mp4 with the settings datasets in the wild use. Single-threaded, so deterministic. */
public final class VideoEncoder implements AutoCloseable {
    /** Codecs the generator writes. HEVC needs the GPL FFmpeg build (mvn -Pgpl-codecs). */
    public enum Codec {
        /** libopenh264, as LGPL FFmpeg builds encode H.264. */
        H264,
        /** libsvtav1 with LeRobot's settings: yuv420p, crf 30, GOP 2, preset 12. */
        AV1,
        /** libx265 (GPL builds only). */
        HEVC,
        /** MPEG-4 Part 2. */
        MPEG4
    }

    /** Prefix of the options {@link #VideoEncoder(File, int, int, double, String, int, Map, String)} gives the muxer. */
    public static final String MUXER = "muxer:";

    private final FFmpegFrameRecorder recorder;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private long frames;

    public VideoEncoder(File file, int width, int height, double fps, Codec codec) {
        recorder = new FFmpegFrameRecorder(file, width, height, 0);
        recorder.setFormat("mp4");
        recorder.setFrameRate(fps);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setVideoOption("threads", "1");
        switch (codec) {
            case H264 -> {
                recorder.setVideoCodecName("libopenh264");
                recorder.setVideoBitrate(120_000);
                recorder.setVideoOption("rc_mode", "bitrate");
                recorder.setGopSize(30);
            }
            case AV1 -> {
                recorder.setVideoCodecName("libsvtav1");
                recorder.setVideoBitrate(0);
                recorder.setVideoOption("crf", "30");
                recorder.setVideoOption("preset", "12");
                recorder.setVideoOption("svtav1-params", "lp=1");
                recorder.setGopSize(2);
            }
            case HEVC -> {
                recorder.setVideoCodecName("libx265");
                recorder.setVideoBitrate(0);
                recorder.setVideoOption("crf", "30");
                recorder.setVideoOption("x265-params", "log-level=error:pools=none:frame-threads=1");
                recorder.setGopSize(30);
            }
            case MPEG4 -> {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                recorder.setVideoBitrate(150_000);
                recorder.setGopSize(30);
            }
        }
        try {
            recorder.start();
        } catch (FrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("Cannot start " + codec + " encoder for " + file, e));
        }
    }

    /**
     * An encoder of any codec FFmpeg (JavaCV) has, in any pixel format it takes, with codec options (generic ones such
     * as {@code color_range=pc} included): the stream variants cameras and encoders in the wild write (full range,
     * 4:4:4, 10-bit, gray, odd sizes) that {@link Codec} does not cover. {@code container} is the muxer ({@code mp4},
     * {@code matroska}). Options named {@code muxer:KEY} go to the muxer instead (e.g. {@code muxer:movflags}).
     */
    public VideoEncoder(
            File file,
            int width,
            int height,
            double fps,
            String codecName,
            int pixelFormat,
            Map<String, String> options,
            String container) {
        recorder = new FFmpegFrameRecorder(file, width, height, 0);
        recorder.setFormat(container);
        recorder.setFrameRate(fps);
        recorder.setPixelFormat(pixelFormat);
        recorder.setVideoCodecName(codecName);
        recorder.setVideoBitrate(0);
        recorder.setGopSize(30);
        recorder.setVideoOption("threads", "1");
        options.forEach((key, value) -> {
            if (key.startsWith(MUXER)) {
                recorder.setOption(key.substring(MUXER.length()), value);
            } else {
                recorder.setVideoOption(key, value);
            }
        });
        try {
            recorder.start();
        } catch (FrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("Cannot start " + codecName + " encoder for " + file, e));
        }
    }

    /**
     * Encodes one frame given as I420 (the Y plane, then U, then V, each row {@code width} or {@code width / 2} bytes)
     * without conversion: for an encoder opened in {@code yuv420p}, its pixels go in unchanged, whatever range the
     * stream is flagged with.
     */
    public void writeI420(int width, int height, byte[] i420) {
        try {
            recorder.recordImage(
                    width,
                    height,
                    org.bytedeco.javacv.Frame.DEPTH_UBYTE,
                    1,
                    width,
                    avutil.AV_PIX_FMT_YUV420P,
                    ByteBuffer.wrap(i420));
            frames++;
        } catch (FrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("Cannot encode frame " + frames, e));
        }
    }

    public void write(Mat bgr) {
        try {
            recorder.record(converter.convert(bgr));
            frames++;
        } catch (FrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("Cannot encode frame " + frames, e));
        }
    }

    public long frames() {
        return frames;
    }

    @Override
    public void close() {
        try {
            recorder.stop();
            recorder.release();
        } catch (FrameRecorder.Exception e) {
            throw new UncheckedIOException(new IOException("Cannot finish video", e));
        }
        converter.close();
    }
}
