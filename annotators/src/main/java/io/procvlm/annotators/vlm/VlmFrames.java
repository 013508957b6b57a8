package io.procvlm.annotators.vlm;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.video.EpisodeImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The frames a VLM sees of a task segment: sampled at {@code sample-fps} (at most {@code max-frames}, uniform in time,
 * first and last frame included), with their real timestamps in seconds from the segment start, as JPEG, one image
 * each or tiled into timestamped contact sheets.
 *
 * @param frameIndex the sampled frames
 * @param seconds their time from the segment start
 * @param images what is sent: one JPEG per frame, or one per contact sheet
 * @param captions the text shown before each image ({@code <12.5 seconds>}, or the times a sheet holds)
 * @param duration the segment's length in seconds
 */
public record VlmFrames(
        long[] frameIndex, double[] seconds, List<byte[]> images, List<String> captions, double duration) {

    /** Positions (into the segment's frames) to sample: about {@code fps} per second, at most {@code max}. */
    public static int[] choose(double[] timestamps, int from, int to, double fps, int max) {
        int n = to - from;
        if (n <= 0) {
            return new int[0];
        }
        double start = timestamps[from];
        double length = timestamps[to - 1] - start;
        int wanted = (int) Math.max(1, Math.min(max, Math.floor(length * fps) + 1));
        wanted = Math.min(wanted, n);
        int[] positions = new int[wanted];
        int previous = -1;
        int count = 0;
        for (int k = 0; k < wanted; k++) {
            double target = wanted == 1 ? start : start + length * k / (wanted - 1);
            int best = from;
            for (int i = Math.max(from, previous + 1); i < to; i++) {
                if (timestamps[i] >= target - 1e-9) {
                    best = i;
                    break;
                }
                best = i;
            }
            if (best > previous) {
                positions[count++] = best;
                previous = best;
            }
        }
        return java.util.Arrays.copyOf(positions, count);
    }

    /** Samples and encodes the frames of {@code input}'s segment. */
    static VlmFrames of(AnnotationInput input, VlmSettings settings, double toleranceFrames) {
        EpisodeFrames frames = input.frames();
        int from = input.firstRow();
        int to = input.endRow();
        int[] positions = choose(frames.timestamp(), from, to, settings.sampleFps(), settings.maxFrames());
        long[] index = new long[positions.length];
        double[] timestamps = new double[positions.length];
        double[] seconds = new double[positions.length];
        double start = frames.timestamp()[from];
        for (int i = 0; i < positions.length; i++) {
            index[i] = frames.frameIndex()[positions[i]];
            timestamps[i] = frames.timestamp()[positions[i]];
            seconds[i] = Math.round((timestamps[i] - start) * 100) / 100.0;
        }
        double duration = frames.timestamp()[to - 1] - start + 1.0 / input.ref().fps();
        List<byte[]> jpegs = new ArrayList<>();
        try (EpisodeImages images = new EpisodeImages(
                input.ref(),
                index,
                timestamps,
                toleranceFrames,
                1,
                settings.imageMaxSide(),
                true,
                settings.jpegQuality())) {
            while (images.hasNext()) {
                jpegs.add(images.next().jpeg().bytes());
            }
        }
        if (!settings.contactSheets()) {
            List<String> captions = new ArrayList<>();
            for (double second : seconds) {
                captions.add(String.format(Locale.ROOT, "<%.2f seconds>", second));
            }
            return new VlmFrames(index, seconds, jpegs, captions, duration);
        }
        return sheets(index, seconds, jpegs, settings, duration);
    }

    /** Tiles the frames, in time order, left to right and top to bottom, each stamped with its time. */
    private static VlmFrames sheets(
            long[] index, double[] seconds, List<byte[]> jpegs, VlmSettings settings, double duration) {
        int perSheet = settings.sheetColumns() * settings.sheetRows();
        List<byte[]> sheets = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        try (IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, settings.jpegQuality())) {
            for (int first = 0; first < jpegs.size(); first += perSheet) {
                int last = Math.min(jpegs.size(), first + perSheet);
                List<Mat> tiles = new ArrayList<>();
                for (int i = first; i < last; i++) {
                    try (BytePointer bytes = new BytePointer(jpegs.get(i));
                            Mat encoded = new Mat(
                                    1, jpegs.get(i).length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, bytes)) {
                        tiles.add(imdecode(encoded, IMREAD_COLOR));
                    }
                }
                int width = tiles.get(0).cols();
                int height = tiles.get(0).rows();
                StringBuilder caption = new StringBuilder("<contact sheet ")
                        .append(sheets.size() + 1)
                        .append(": frames at");
                try (Mat sheet = new Mat(
                                height * settings.sheetRows(),
                                width * settings.sheetColumns(),
                                org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                                new Scalar(0, 0, 0, 0));
                        BytePointer out = new BytePointer()) {
                    for (int t = 0; t < tiles.size(); t++) {
                        Mat tile = tiles.get(t);
                        int x = (t % settings.sheetColumns()) * width;
                        int y = (t / settings.sheetColumns()) * height;
                        try (Rect area = new Rect(x, y, Math.min(width, tile.cols()), Math.min(height, tile.rows()));
                                Mat target = sheet.apply(area);
                                Mat source = tile.apply(new Rect(0, 0, area.width(), area.height()))) {
                            source.copyTo(target);
                        }
                        String stamp = String.format(Locale.ROOT, "%.2fs", seconds[first + t]);
                        rectangle(
                                sheet,
                                new Rect(x, y, 14 * stamp.length() + 8, 30),
                                new Scalar(0, 0, 0, 0),
                                -1,
                                LINE_8,
                                0);
                        putText(
                                sheet,
                                stamp,
                                new Point(x + 4, y + 22),
                                FONT_HERSHEY_SIMPLEX,
                                0.7,
                                new Scalar(255, 255, 255, 0),
                                2,
                                LINE_8,
                                false);
                        caption.append(t == 0 ? " " : ", ")
                                .append(String.format(Locale.ROOT, "%.2f", seconds[first + t]));
                        tile.close();
                    }
                    imencode(".jpg", sheet, out, params);
                    byte[] bytes = new byte[(int) out.limit()];
                    out.get(bytes);
                    sheets.add(bytes);
                }
                captions.add(caption.append(" seconds, left to right, top to bottom>")
                        .toString());
            }
        }
        return new VlmFrames(index, seconds, sheets, captions, duration);
    }
}
