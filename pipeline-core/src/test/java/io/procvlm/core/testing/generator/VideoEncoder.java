package io.procvlm.core.testing.generator;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
