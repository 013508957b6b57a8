package io.procvlm.core.video.ffmpeg;

import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Keeps FFmpeg's own logging off the console. Decode problems surface as {@code PipelineException}s with error codes;
 * set the system property {@code procvlm.ffmpeg.log-level} (quiet, fatal, error, warning, info, debug) to see
 * FFmpeg's messages while investigating a file.
 */
final class FfmpegLogging {
    private static volatile boolean configured;

    private FfmpegLogging() {}

    static void quiet() {
        if (configured) {
            return;
        }
        synchronized (FfmpegLogging.class) {
            if (configured) {
                return;
            }
            if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
                System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
            }
            String level =
                    System.getProperty("procvlm.ffmpeg.log-level", "fatal").toLowerCase(Locale.ROOT);
            int avLevel = switch (level) {
                case "quiet" -> avutil.AV_LOG_QUIET;
                case "error" -> avutil.AV_LOG_ERROR;
                case "warning" -> avutil.AV_LOG_WARNING;
                case "info" -> avutil.AV_LOG_INFO;
                case "debug" -> avutil.AV_LOG_DEBUG;
                default -> avutil.AV_LOG_FATAL;
            };
            avutil.av_log_set_level(avLevel);
            configured = true;
        }
    }
}
