package io.procvlm.core.features;

import static java.util.Objects.requireNonNull;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.magnitude;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.pyrDown;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;
import static org.bytedeco.opencv.global.opencv_video.calcOpticalFlowFarneback;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;

/**
 * Computes per-frame visual change for one episode, streaming: it keeps only the previous frame at working
 * resolution. Frames must be fed in order. OpenCV runs single-threaded (one Spark task per core).
 *
 * <p>The caller owns the extractor and must close it (it holds native buffers).
 */
public final class VisualChangeExtractor implements AutoCloseable {
    static {
        opencv_core.setNumThreads(1);
    }

    private final FeaturesConfig config;
    private final PerceptualHash perceptualHash = new PerceptualHash();
    private final DISOpticalFlow dis;
    private Mat previous = new Mat();
    private Mat current = new Mat();
    private final Mat difference = new Mat();
    private final Mat flow = new Mat();
    private final Mat flowMagnitude = new Mat();
    private final Mat moving = new Mat();
    private final MatVector flowChannels = new MatVector(2);
    private final Mat[] pyramid = {new Mat(), new Mat()};
    private Size workingSize;
    private boolean hasPrevious;

    public VisualChangeExtractor(FeaturesConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.dis = config.flow().equals("dis") ? DISOpticalFlow.create(disPreset(config.disPreset())) : null;
    }

    /**
     * Features of {@code gray} (8-bit luma, native resolution) relative to the frame fed before it. The image is
     * not retained.
     */
    public VisualChange next(Mat gray) {
        long hash = config.phash() ? perceptualHash.hash(gray) : 0L;
        if (!config.frameDiff() && !config.hasFlow()) {
            return new VisualChange(hash, Double.NaN, Double.NaN, Double.NaN);
        }
        if (workingSize == null || !hasPrevious) {
            workingSize = workingSize(gray.cols(), gray.rows(), config.workingWidth());
        }
        downscale(gray, current);
        double frameDiff = Double.NaN;
        double flowMean = Double.NaN;
        double movingFraction = Double.NaN;
        if (hasPrevious && previous.cols() == current.cols() && previous.rows() == current.rows()) {
            if (config.frameDiff()) {
                absdiff(previous, current, difference);
                frameDiff = mean(difference).get(0);
            }
            if (config.hasFlow()) {
                if (dis != null) {
                    dis.calc(previous, current, flow);
                } else {
                    calcOpticalFlowFarneback(previous, current, flow, 0.5, 3, 15, 3, 5, 1.2, 0);
                }
                split(flow, flowChannels);
                magnitude(flowChannels.get(0), flowChannels.get(1), flowMagnitude);
                flowMean = mean(flowMagnitude).get(0);
                threshold(flowMagnitude, moving, config.movingThreshold(), 1.0, THRESH_BINARY);
                movingFraction = countNonZero(moving) / (double) flowMagnitude.total();
            }
        }
        Mat swap = previous;
        previous = current;
        current = swap;
        hasPrevious = true;
        return new VisualChange(hash, frameDiff, flowMean, movingFraction);
    }

    /**
     * Brings a frame to working size: Gaussian pyramid halvings (SIMD, cheap) while the image is at least twice the
     * working size, then an area resize for what is left.
     */
    private void downscale(Mat gray, Mat target) {
        Mat source = gray;
        int level = 0;
        while (source.cols() >= 2 * workingSize.width() && source.rows() >= 2 * workingSize.height()) {
            Mat halved = pyramid[level % 2];
            pyrDown(source, halved);
            source = halved;
            level++;
        }
        if (source.cols() == workingSize.width() && source.rows() == workingSize.height()) {
            source.copyTo(target);
        } else {
            resize(source, target, workingSize, 0, 0, INTER_AREA);
        }
    }

    /** The working size for a frame: at most {@code maxWidth} wide, aspect kept, never upscaled, both sides even. */
    static Size workingSize(int width, int height, int maxWidth) {
        if (width <= maxWidth) {
            return new Size(width, height);
        }
        int workingWidth = maxWidth - (maxWidth % 2);
        int workingHeight = (int) Math.max(2, Math.round((double) height * workingWidth / width));
        workingHeight -= workingHeight % 2;
        return new Size(workingWidth, Math.max(2, workingHeight));
    }

    private static int disPreset(String preset) {
        return switch (preset) {
            case "fast" -> DISOpticalFlow.PRESET_FAST;
            case "medium" -> DISOpticalFlow.PRESET_MEDIUM;
            default -> DISOpticalFlow.PRESET_ULTRAFAST;
        };
    }

    @Override
    public void close() {
        previous.close();
        current.close();
        difference.close();
        flow.close();
        flowMagnitude.close();
        moving.close();
        flowChannels.close();
        pyramid[0].close();
        pyramid[1].close();
        if (dis != null) {
            dis.close();
        }
    }
}
