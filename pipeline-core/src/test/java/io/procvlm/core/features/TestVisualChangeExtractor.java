package io.procvlm.core.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.TestData;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

final class TestVisualChangeExtractor {
    @Test
    void stillFramesShowNoChangeAndMotionShowsFlow() {
        List<Mat> frames = new ArrayList<>();
        try (FfmpegFrameSource source = FfmpegFrameSource.open(
                TestData.srcTestData("video/moving-square-h264.mp4").toFile(), 0, Double.NaN, 1, 15)) {
            for (DecodedFrame frame; (frame = source.next()) != null; ) {
                frames.add(frame.image().clone());
            }
        }
        for (String flow : List.of("dis", "farneback")) {
            FeaturesConfig config = new FeaturesConfig(80, flow, "ultrafast", true, true, 0.5);
            try (VisualChangeExtractor extractor = new VisualChangeExtractor(config)) {
                VisualChange first = extractor.next(frames.get(0));
                assertThat(first.frameDiff()).isNaN();
                assertThat(first.flowMagnitude()).isNaN();
                VisualChange still = extractor.next(frames.get(0));
                assertThat(still.frameDiff()).isZero();
                assertThat(still.flowMagnitude()).isLessThan(0.05);
                assertThat(still.movingFraction()).isLessThan(0.01);
                assertThat(still.phash()).isEqualTo(first.phash());
                VisualChange moved = extractor.next(frames.get(10));
                assertThat(moved.frameDiff()).isGreaterThan(0.3);
                assertThat(moved.flowMagnitude()).as(flow).isGreaterThan(still.flowMagnitude() + 0.05);
                assertThat(moved.movingFraction()).isGreaterThan(0.005);
            }
        }
    }

    @Test
    void disabledFeaturesAreNaN() {
        FeaturesConfig none = new FeaturesConfig(160, "none", "ultrafast", false, false, 1.0);
        try (VisualChangeExtractor extractor = new VisualChangeExtractor(none);
                Mat image = new Mat(120, 160, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            extractor.next(image);
            VisualChange change = extractor.next(image);
            assertThat(change.phash()).isZero();
            assertThat(change.frameDiff()).isNaN();
            assertThat(change.flowMagnitude()).isNaN();
        }
    }

    @Test
    void workingSizeKeepsAspectAndNeverUpscales() {
        assertSize(VisualChangeExtractor.workingSize(640, 480, 160), 160, 120);
        assertSize(VisualChangeExtractor.workingSize(1280, 720, 160), 160, 90);
        assertSize(VisualChangeExtractor.workingSize(96, 72, 160), 96, 72);
        assertSize(VisualChangeExtractor.workingSize(333, 217, 161), 160, 104);
    }

    private static void assertSize(Size size, int width, int height) {
        assertThat(size.width()).isEqualTo(width);
        assertThat(size.height()).isEqualTo(height);
    }
}
