package io.procvlm.core.testing.generator;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws a plausible tabletop scene seen from a fixed third-person camera: a wall, a wooden table, a plate (the
 * target), a coloured object, and a two-finger gripper on an arm coming from above, with shadows and sensor noise.
 * Deterministic for a given seed.
 */
public final class SceneRenderer implements AutoCloseable {
    private final int width;
    private final int height;
    private final Mat background;
    private final Mat frame;
    private final byte[] pixels;
    private final SplittableRandom noise;
    private final Scalar objectColor;
    private final double targetX;
    private final int tableTop;

    private final double noiseSigma;

    public SceneRenderer(int width, int height, long seed, Scalar objectColor, double targetX) {
        this(width, height, seed, objectColor, targetX, 0.6);
    }

    /** @param noiseSigma standard deviation of the per-pixel sensor noise added to each frame (0 for none) */
    public SceneRenderer(int width, int height, long seed, Scalar objectColor, double targetX, double noiseSigma) {
        this.noiseSigma = noiseSigma;
        this.width = width;
        this.height = height;
        this.objectColor = objectColor;
        this.targetX = targetX;
        this.tableTop = (int) (height * 0.45);
        this.noise = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.background = new Mat(height, width, opencv_core.CV_8UC3);
        this.frame = new Mat(height, width, opencv_core.CV_8UC3);
        this.pixels = new byte[width * height * 3];
        paintBackground(new SplittableRandom(seed));
    }

    private void paintBackground(SplittableRandom random) {
        byte[] data = new byte[width * height * 3];
        double grain = 5 + 3 * random.nextDouble();
        double phase = random.nextDouble() * Math.PI * 2;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double b;
                double g;
                double r;
                if (y < tableTop) {
                    double shade = 170 + 30.0 * y / tableTop;
                    b = shade * 0.95;
                    g = shade * 0.97;
                    r = shade;
                } else {
                    double wood = 0.5 + 0.5 * Math.sin(x / grain + 3 * Math.sin(y / 17.0 + phase));
                    double base = 120 + 35 * wood + 20.0 * (y - tableTop) / (height - tableTop);
                    b = base * 0.55;
                    g = base * 0.78;
                    r = base * 1.05;
                }
                double speckle = random.nextGaussian() * 3;
                int offset = (y * width + x) * 3;
                data[offset] = clip(b + speckle);
                data[offset + 1] = clip(g + speckle);
                data[offset + 2] = clip(r + speckle);
            }
        }
        background.data().put(data);
        // the plate: the place target
        ellipse(
                background,
                new Point(px(targetX), tableY() + 4),
                new Size(width / 10, height / 28),
                0,
                0,
                360,
                new Scalar(215, 215, 220, 0),
                FILLED,
                LINE_AA,
                0);
        ellipse(
                background,
                new Point(px(targetX), tableY() + 4),
                new Size(width / 10, height / 28),
                0,
                0,
                360,
                new Scalar(150, 150, 160, 0),
                1,
                LINE_AA,
                0);
    }

    /** Renders one frame (BGR, 8 bits per channel) into a Mat that stays valid until the next call. */
    public Mat render(SceneState state) {
        background.copyTo(frame);
        int table = tableY();
        int objectHalf = Math.max(4, width / 32);
        int objectHeight = Math.max(8, height / 9);
        int ox = px(state.objectX());
        int oy = table - (int) (state.objectZ() * height * 0.5);
        // shadows on the table
        ellipse(
                frame,
                new Point(ox, table + 2),
                new Size(objectHalf + 2, 3),
                0,
                0,
                360,
                new Scalar(60, 70, 80, 0),
                FILLED,
                LINE_AA,
                0);
        int ex = px(state.eeX());
        int ey = table - (int) (state.eeZ() * height * 0.5) - objectHeight / 2;
        ellipse(
                frame,
                new Point(ex, table + 3),
                new Size(width / 18, 3),
                0,
                0,
                360,
                new Scalar(70, 80, 95, 0),
                FILLED,
                LINE_AA,
                0);
        // the object
        rectangle(
                frame,
                new Point(ox - objectHalf, oy - objectHeight),
                new Point(ox + objectHalf, oy),
                objectColor,
                FILLED,
                LINE_AA,
                0);
        rectangle(
                frame,
                new Point(ox - objectHalf, oy - objectHeight),
                new Point(ox + objectHalf, oy),
                new Scalar(objectColor.get(0) * 0.5, objectColor.get(1) * 0.5, objectColor.get(2) * 0.5, 0),
                1,
                LINE_AA,
                0);
        // the arm and the gripper
        int palmHalf = width / 22;
        int palmTop = ey - objectHeight / 2 - 6;
        rectangle(
                frame, new Point(ex - 3, 0), new Point(ex + 3, palmTop), new Scalar(90, 90, 95, 0), FILLED, LINE_AA, 0);
        rectangle(
                frame,
                new Point(ex - palmHalf, palmTop),
                new Point(ex + palmHalf, palmTop + 6),
                new Scalar(50, 50, 55, 0),
                FILLED,
                LINE_AA,
                0);
        int opening = (int) Math.round(2 + state.gripper() * (palmHalf - 3));
        int fingerBottom = ey + objectHeight / 2;
        for (int side = -1; side <= 1; side += 2) {
            int fx = ex + side * opening;
            rectangle(
                    frame,
                    new Point(fx - 2, palmTop + 6),
                    new Point(fx + 2, fingerBottom),
                    new Scalar(40, 40, 45, 0),
                    FILLED,
                    LINE_AA,
                    0);
        }
        addNoise();
        return frame;
    }

    private void addNoise() {
        if (noiseSigma <= 0) {
            return;
        }
        ByteBuffer buffer = frame.createBuffer();
        buffer.get(pixels);
        double flicker = noise.nextGaussian() * 0.25;
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = clip((pixels[i] & 0xff) + flicker + noise.nextGaussian() * noiseSigma);
        }
        buffer.rewind();
        buffer.put(pixels);
    }

    private int tableY() {
        return (int) (height * 0.78);
    }

    private int px(double x) {
        return (int) Math.round(x * width);
    }

    private static byte clip(double value) {
        long rounded = Math.round(value);
        return (byte) (rounded < 0 ? 0 : rounded > 255 ? 255 : rounded);
    }

    @Override
    public void close() {
        background.close();
        frame.close();
    }
}
