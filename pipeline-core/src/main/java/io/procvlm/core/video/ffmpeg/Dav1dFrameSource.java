package io.procvlm.core.video.ffmpeg;

import static io.procvlm.core.error.CoreErrorCode.DAV1D_UNAVAILABLE;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_DECODE_FAILED;
import static java.util.Objects.requireNonNull;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.Codecs;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes an AV1 video with libdav1d by running the host's {@code ffmpeg} as a subprocess that pipes 8-bit full-range
 * luma frames ({@code -f rawvideo -pix_fmt gray}) to the JVM. JavaCV's FFmpeg has no dav1d (only libaom, about 2x
 * slower per core); Debian's {@code ffmpeg} has.
 *
 * <p>Timestamps come from FFmpeg's {@code showinfo} filter on the subprocess's stderr (the stream's own pts, kept with
 * {@code -copyts}), converted to microseconds exactly as JavaCV does, so frame counts and timestamps equal those of
 * {@link FfmpegFrameSource}; the same half-frame rule picks the frames of a range. The subprocess is killed and reaped
 * on {@link #close()}, and on any failure while opening.
 */
public final class Dav1dFrameSource implements FrameSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Dav1dFrameSource.class);
    /** The ffmpeg executable: system property {@code procvlm.ffmpeg}, else {@code ffmpeg} on the PATH. */
    public static final String FFMPEG_PROPERTY = "procvlm.ffmpeg";

    private static final Pattern TIME_BASE = Pattern.compile("config in time_base: (\\d+)/(\\d+)");
    private static final Pattern PTS = Pattern.compile("\\] n: *\\d+ pts: *(-?\\d+) ");
    private static final Map<String, Boolean> AVAILABLE = new ConcurrentHashMap<>();
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    /** Marks the end of stderr in the timestamp queue. */
    private static final long END = Long.MIN_VALUE;

    private final Process process;
    private final InputStream frames;
    private final Thread stderrReader;
    private final BlockingQueue<Long> pts = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile long timeBaseNum = -1;
    private volatile long timeBaseDen = -1;
    private final VideoInfo info;
    private final byte[] buffer;
    private final Mat image;
    private final double fromSeconds;
    private final double toSeconds;
    private final double halfFrame;
    private final String description;
    private long ordinal;
    private boolean finished;
    private boolean closed;

    private Dav1dFrameSource(Process process, VideoInfo info, double fromSeconds, double toSeconds, String name) {
        this.process = process;
        this.frames = new BufferedInputStream(process.getInputStream(), 1 << 20);
        this.info = info;
        this.buffer = new byte[info.width() * info.height()];
        this.image = new Mat(info.height(), info.width(), CV_8UC1);
        this.fromSeconds = fromSeconds;
        this.toSeconds = toSeconds;
        this.halfFrame = info.frameRate() > 0 ? 0.5 / info.frameRate() : 0.0;
        this.description = name;
        this.stderrReader = new Thread(this::readStderr, "dav1d-stderr-" + process.pid());
        this.stderrReader.setDaemon(true);
        this.stderrReader.start();
    }

    /**
     * Opens a video for {@link PixelMode} gray frames with the decoder {@code decoder} asks for: dav1d for an AV1
     * stream when {@code ffmpeg} with libdav1d is present (or required), JavaCV's FFmpeg otherwise.
     *
     * @throws PipelineException with {@code DAV1D_UNAVAILABLE} when {@code decoder} is {@code DAV1D} and it is absent
     */
    public static FrameSource open(
            File file,
            double fromSeconds,
            double toSeconds,
            int threads,
            double expectedFrameRate,
            PixelMode mode,
            Av1Decoder decoder) {
        requireNonNull(decoder, "decoder is null");
        if (mode == PixelMode.GRAY_AND_BGR && decoder != Av1Decoder.LIBAOM) {
            // Luma from the decoder asked for, colour from JavaCV's FFmpeg (what vqa.image JPEGs were always made
            // from): two decodes in one pass, only on this opt-in path.
            FrameSource gray = open(file, fromSeconds, toSeconds, threads, expectedFrameRate, PixelMode.GRAY, decoder);
            if (gray instanceof FfmpegFrameSource) {
                gray.close();
                return FfmpegFrameSource.open(file, fromSeconds, toSeconds, threads, expectedFrameRate, mode);
            }
            try {
                return new io.procvlm.core.video.PairedFrameSource(
                        gray,
                        FfmpegFrameSource.open(
                                file, fromSeconds, toSeconds, threads, expectedFrameRate, PixelMode.BGR));
            } catch (RuntimeException e) {
                gray.close();
                throw e;
            }
        }
        if (decoder == Av1Decoder.LIBAOM || mode != PixelMode.GRAY) {
            return FfmpegFrameSource.open(file, fromSeconds, toSeconds, threads, expectedFrameRate, mode);
        }
        VideoInfo probed = FfmpegFrameSource.probe(file, expectedFrameRate);
        if (!"av1".equals(Codecs.canonical(probed.codec()))) {
            return FfmpegFrameSource.open(file, fromSeconds, toSeconds, threads, expectedFrameRate, mode);
        }
        String ffmpeg = ffmpeg();
        if (!available(ffmpeg)) {
            String why = "no '" + ffmpeg + "' with the libdav1d decoder on this host (install Debian's ffmpeg and"
                    + " libdav1d6, or set -D" + FFMPEG_PROPERTY + "=/path/to/ffmpeg)";
            if (decoder == Av1Decoder.DAV1D) {
                throw new PipelineException(DAV1D_UNAVAILABLE, "video.av1-decoder=dav1d but " + why);
            }
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn(
                        "[{}] {}: AV1 is decoded with JavaCV's libaom (about 2x slower)",
                        DAV1D_UNAVAILABLE.name(),
                        why);
            }
            return FfmpegFrameSource.open(file, fromSeconds, toSeconds, threads, expectedFrameRate, mode);
        }
        return start(ffmpeg, file, fromSeconds, toSeconds, threads, probed);
    }

    static Dav1dFrameSource start(
            String ffmpeg, File file, double fromSeconds, double toSeconds, int threads, VideoInfo probed) {
        VideoInfo info = new VideoInfo(
                probed.codec(),
                "libdav1d",
                probed.width(),
                probed.height(),
                probed.frameRate(),
                probed.frameCount(),
                probed.durationSeconds(),
                probed.pixelFormat());
        double halfFrame = info.frameRate() > 0 ? 0.5 / info.frameRate() : 0.0;
        List<String> command = new ArrayList<>(List.of(
                ffmpeg,
                "-nostdin",
                "-hide_banner",
                "-nostats",
                "-loglevel",
                "info",
                "-threads",
                Integer.toString(threads),
                "-c:v",
                "libdav1d"));
        if (fromSeconds > 0) {
            // As FfmpegFrameSource: start a little early, the half-frame rule below drops what precedes the range.
            double start = Math.max(0.0, fromSeconds - 2 * halfFrame);
            command.addAll(List.of("-ss", String.format(Locale.ROOT, "%.6f", start)));
        }
        command.addAll(List.of(
                "-copyts",
                "-i",
                file.getAbsolutePath(),
                "-map",
                "0:v:0",
                "-an",
                "-sn",
                "-dn",
                "-filter_threads",
                "1",
                "-vf",
                "showinfo",
                "-fps_mode",
                "passthrough",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "gray",
                "pipe:1"));
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new PipelineException(DAV1D_UNAVAILABLE, "Cannot start " + ffmpeg + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            return new Dav1dFrameSource(process, info, fromSeconds, toSeconds, file.getName());
        } catch (IOException | RuntimeException | Error e) {
            kill(process);
            throw new PipelineException(VIDEO_DECODE_FAILED, "Cannot start decoding " + file.getName(), e);
        }
    }

    /** The ffmpeg executable this JVM runs. */
    public static String ffmpeg() {
        return System.getProperty(FFMPEG_PROPERTY, "ffmpeg");
    }

    /** Whether {@code ffmpeg} runs here and lists the libdav1d decoder (asked once per executable and JVM). */
    public static boolean available(String ffmpeg) {
        return AVAILABLE.computeIfAbsent(ffmpeg, Dav1dFrameSource::probeDecoders);
    }

    private static boolean probeDecoders(String ffmpeg) {
        Process process = null;
        try {
            process = new ProcessBuilder(ffmpeg, "-nostdin", "-hide_banner", "-decoders")
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(30, TimeUnit.SECONDS)
                    && process.exitValue() == 0
                    && listing.lines().anyMatch(line -> line.matches("^\\s*V\\S*\\s+libdav1d\\s.*"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (process != null) {
                kill(process);
            }
        }
    }

    private void readStderr() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (timeBaseDen < 0) {
                    Matcher base = TIME_BASE.matcher(line);
                    if (base.find()) {
                        timeBaseNum = Long.parseLong(base.group(1));
                        timeBaseDen = Long.parseLong(base.group(2));
                        continue;
                    }
                }
                Matcher frame = PTS.matcher(line);
                if (line.contains("showinfo") && frame.find()) {
                    pts.add(Long.parseLong(frame.group(1)));
                } else {
                    synchronized (stderrTail) {
                        stderrTail.addLast(line);
                        if (stderrTail.size() > 20) {
                            stderrTail.removeFirst();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: nothing more to read
        } finally {
            pts.add(END);
        }
    }

    @Override
    public DecodedFrame next() {
        if (finished || closed) {
            return null;
        }
        while (true) {
            if (!readFrame()) {
                finished = true;
                checkExit();
                return null;
            }
            Long value;
            try {
                value = pts.poll(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted", e);
            }
            if (value == null || value == END || timeBaseDen <= 0) {
                throw failure("no timestamp for the frame", null);
            }
            // As JavaCV: microseconds = 1e6 * pts * time_base, in integer arithmetic.
            long micros = 1_000_000L * value * timeBaseNum / timeBaseDen;
            double seconds = micros / 1_000_000d;
            if (seconds < fromSeconds - halfFrame) {
                continue;
            }
            if (!Double.isNaN(toSeconds) && seconds >= toSeconds - halfFrame) {
                finished = true;
                return null;
            }
            image.data().put(buffer);
            return new DecodedFrame(image, seconds - fromSeconds, ordinal++);
        }
    }

    /** Reads one whole frame into the buffer; false at the end of the stream. */
    private boolean readFrame() {
        int read = 0;
        try {
            while (read < buffer.length) {
                int n = frames.read(buffer, read, buffer.length - read);
                if (n < 0) {
                    if (read == 0) {
                        return false;
                    }
                    throw new EOFException("truncated frame: " + read + " of " + buffer.length + " bytes");
                }
                read += n;
            }
            return true;
        } catch (IOException e) {
            throw failure(e.getMessage(), e);
        }
    }

    private void checkExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw failure("ffmpeg did not exit after its last frame", null);
            }
            stderrReader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw failure("ffmpeg exited with status " + process.exitValue(), null);
        }
    }

    private PipelineException failure(String what, Throwable cause) {
        String tail;
        synchronized (stderrTail) {
            tail = String.join(" | ", stderrTail);
        }
        return new PipelineException(
                VIDEO_DECODE_FAILED,
                "Cannot decode frame " + ordinal + " of " + description + " with dav1d: " + what
                        + (tail.isEmpty() ? "" : " (ffmpeg: " + tail + ")"),
                cause);
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    /** The subprocess, for tests that check it is gone after close. */
    ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            kill(process);
            try {
                stderrReader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            image.close();
        }
    }

    /** Ends the process, closes its pipes and reaps it. */
    private static void kill(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
