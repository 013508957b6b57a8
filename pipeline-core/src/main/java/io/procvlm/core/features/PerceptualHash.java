package io.procvlm.core.features;

import static org.bytedeco.opencv.global.opencv_core.transpose;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A 64-bit perceptual hash that reproduces {@code imagehash.phash(image)} (hash_size 8, highfreq_factor 4):
 *
 * <ol>
 *   <li>8-bit luma as Pillow's {@code convert("L")} computes it ({@code (R*19595 + G*38470 + B*7471 + 0x8000) >>
 *       16}) — see {@link #luma};
 *   <li>resize to 32×32 with Pillow's antialiased Lanczos ({@link PilLanczosResampler});
 *   <li>unnormalised DCT-II ({@code scipy.fftpack.dct}) along columns, then along rows;
 *   <li>the low-frequency 8×8 block, DC included; each bit is {@code value > median} of the 64 values.
 * </ol>
 *
 * <p>Bit 63 is the top-left coefficient, then row-major, so the hex form of the long equals {@code str(hash)}.
 *
 * <p>An instance caches a resampler for the last input size; it is not thread safe.
 */
public final class PerceptualHash {
    public static final int HASH_SIZE = 8;
    public static final int IMAGE_SIZE = HASH_SIZE * 4;
    private static final double[][] DCT = dctMatrix(HASH_SIZE, IMAGE_SIZE);

    private PilLanczosResampler resampler;
    private final int[] small = new int[IMAGE_SIZE * IMAGE_SIZE];
    private final Mat transposed = new Mat();
    private byte[] columnBytes = new byte[0];

    /** Hashes an 8-bit single-channel OpenCV image (already luma, Pillow mode "L"). */
    public long hash(Mat gray) {
        if (gray.channels() != 1 || gray.elemSize() != 1) {
            throw new IllegalArgumentException("Expected an 8-bit single-channel image, got " + gray.channels()
                    + " channels of " + gray.elemSize1() + " bytes");
        }
        int width = gray.cols();
        int height = gray.rows();
        PilLanczosResampler resampler = resampler(width, height);
        // Native SIMD transpose: the resampler reads columns, now contiguous rows of the transposed image.
        transpose(gray, transposed);
        ByteBuffer buffer = transposed.createBuffer();
        int stride = (int) transposed.step();
        if (columnBytes.length < height) {
            columnBytes = new byte[height];
        }
        byte[] bytes = columnBytes;
        resampler.resample(
                (x, first, count, target) -> {
                    buffer.get(x * stride + first, bytes, 0, count);
                    for (int y = 0; y < count; y++) {
                        target[y] = bytes[y] & 0xff;
                    }
                },
                small);
        return fromPixels(small);
    }

    /** Hashes an 8-bit luma image given as a row-major byte array with the given row stride. */
    public long hash(byte[] luma, int width, int height, int stride) {
        resampler(width, height).resample(luma, stride, small);
        return fromPixels(small);
    }

    private PilLanczosResampler resampler(int width, int height) {
        if (resampler == null || resampler.inWidth() != width || resampler.inHeight() != height) {
            resampler = new PilLanczosResampler(width, height, IMAGE_SIZE, IMAGE_SIZE);
        }
        return resampler;
    }

    /** The hash of a 32×32 luma image (row-major, values 0-255). */
    static long fromPixels(int[] pixels) {
        // DCT along axis 0 (columns): columnsDct[k][j] = sum_n C[k][n] * pixels[n][j], for k < 8 only.
        double[][] columnsDct = new double[HASH_SIZE][IMAGE_SIZE];
        for (int k = 0; k < HASH_SIZE; k++) {
            double[] coefficients = DCT[k];
            for (int j = 0; j < IMAGE_SIZE; j++) {
                double sum = 0.0;
                for (int n = 0; n < IMAGE_SIZE; n++) {
                    sum += coefficients[n] * pixels[n * IMAGE_SIZE + j];
                }
                columnsDct[k][j] = sum;
            }
        }
        // Then along axis 1 (rows), again keeping the 8 lowest frequencies.
        double[] low = new double[HASH_SIZE * HASH_SIZE];
        for (int k = 0; k < HASH_SIZE; k++) {
            for (int l = 0; l < HASH_SIZE; l++) {
                double[] coefficients = DCT[l];
                double sum = 0.0;
                for (int m = 0; m < IMAGE_SIZE; m++) {
                    sum += coefficients[m] * columnsDct[k][m];
                }
                low[k * HASH_SIZE + l] = sum;
            }
        }
        double[] sorted = low.clone();
        Arrays.sort(sorted);
        double median = (sorted[31] + sorted[32]) / 2.0;
        long hash = 0L;
        for (int i = 0; i < low.length; i++) {
            hash = (hash << 1) | (low[i] > median ? 1L : 0L);
        }
        return hash;
    }

    /** Pillow's RGB to "L" conversion of one pixel. */
    public static int luma(int red, int green, int blue) {
        return (red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16;
    }

    /** Number of equal bits, 0-64. */
    public static int matchingBits(long a, long b) {
        return 64 - Long.bitCount(a ^ b);
    }

    /** The hex string imagehash prints for the hash. */
    public static String toHex(long hash) {
        return String.format("%016x", hash);
    }

    /** scipy's unnormalised DCT-II: y[k] = 2 * sum_n x[n] cos(pi k (2n + 1) / (2N)). */
    private static double[][] dctMatrix(int rows, int size) {
        double[][] matrix = new double[rows][size];
        for (int k = 0; k < rows; k++) {
            for (int n = 0; n < size; n++) {
                matrix[k][n] = 2.0 * Math.cos(Math.PI * k * (2 * n + 1) / (2.0 * size));
            }
        }
        return matrix;
    }
}
