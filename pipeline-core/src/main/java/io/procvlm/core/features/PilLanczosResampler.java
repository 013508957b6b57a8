package io.procvlm.core.features;

/**
 * Reproduces Pillow's {@code Image.resize(size, Image.LANCZOS)} for 8-bit single-channel ("L") images bit for bit:
 * the same antialiased Lanczos-3 coefficients (support scaled by the reduction factor), normalised and converted to
 * 22-bit fixed point as Pillow's {@code normalize_coeffs_8bpc} does, a horizontal pass first with rounding and
 * clipping to 8 bits, then a vertical pass (Pillow's {@code ImagingResampleInner}).
 *
 * <p>An instance caches the coefficients for one input and output size and reuses its buffers; it is not thread
 * safe.
 */
public final class PilLanczosResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private final int inWidth;
    private final int inHeight;
    private final int outWidth;
    private final int outHeight;
    private final int[] horizontalBounds;
    private final int[][] horizontalKernels;
    private final int[] verticalBounds;
    private final int[][] verticalKernels;
    private final int firstRow;
    private final int rowCount;
    // ring of input columns (rows firstRow ..), wide enough for the widest horizontal kernel
    private final int[][] ring;
    private final int[] ringColumnOf;
    private final int[] accumulator;
    private final int[] intermediate;

    public PilLanczosResampler(int inWidth, int inHeight, int outWidth, int outHeight) {
        if (inWidth <= 0 || inHeight <= 0 || outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException(
                    "Invalid sizes: " + inWidth + "x" + inHeight + " -> " + outWidth + "x" + outHeight);
        }
        this.inWidth = inWidth;
        this.inHeight = inHeight;
        this.outWidth = outWidth;
        this.outHeight = outHeight;
        this.horizontalBounds = new int[outWidth * 2];
        this.horizontalKernels = coefficients(inWidth, outWidth, horizontalBounds);
        this.verticalBounds = new int[outHeight * 2];
        this.verticalKernels = coefficients(inHeight, outHeight, verticalBounds);
        this.firstRow = verticalBounds[0];
        int lastRow = verticalBounds[outHeight * 2 - 2] + verticalBounds[outHeight * 2 - 1];
        this.rowCount = lastRow - firstRow;
        int widest = 1;
        for (int xx = 0; xx < outWidth; xx++) {
            widest = Math.max(widest, horizontalBounds[xx * 2 + 1]);
        }
        this.ring = new int[Math.min(inWidth, widest)][rowCount];
        this.ringColumnOf = new int[ring.length];
        this.accumulator = new int[rowCount];
        this.intermediate = new int[rowCount * outWidth];
    }

    public int inWidth() {
        return inWidth;
    }

    public int inHeight() {
        return inHeight;
    }

    /** Supplies the input image column by column (how the horizontal pass reads it fastest). */
    public interface ColumnSource {
        /** Writes pixels {@code (x, firstRow)} .. {@code (x, firstRow + count - 1)} into {@code target[0..count)}. */
        void read(int x, int firstRow, int count, int[] target);
    }

    /**
     * Resamples a row-major 8-bit image.
     *
     * @param luma pixel {@code (x, y)} at {@code luma[y * stride + x]}
     * @param output receives {@code outWidth * outHeight} values 0-255, row-major
     */
    public void resample(byte[] luma, int stride, int[] output) {
        resample(
                (x, first, count, target) -> {
                    for (int y = 0; y < count; y++) {
                        target[y] = luma[(y + first) * stride + x] & 0xff;
                    }
                },
                output);
    }

    /**
     * Resamples the image the source supplies. Columns are read lazily into a ring just wide enough for one output
     * pixel's kernel, so the working set stays small (a few hundred KiB for a 640x480 frame) and each column is read
     * once.
     *
     * @param output receives {@code outWidth * outHeight} values 0-255, row-major
     */
    public void resample(ColumnSource source, int[] output) {
        if (output.length < outWidth * outHeight) {
            throw new IllegalArgumentException(
                    "output holds " + output.length + " values, needs " + outWidth * outHeight);
        }
        java.util.Arrays.fill(ringColumnOf, -1);
        boolean horizontal = inWidth != outWidth;
        boolean vertical = inHeight != outHeight;
        // Horizontal pass into intermediate[y * outWidth + xx] (rows firstRow .. firstRow + rowCount).
        for (int xx = 0; xx < outWidth; xx++) {
            if (!horizontal) {
                int[] column = column(source, xx);
                for (int y = 0; y < rowCount; y++) {
                    intermediate[y * outWidth + xx] = column[y];
                }
                continue;
            }
            int xmin = horizontalBounds[xx * 2];
            int count = horizontalBounds[xx * 2 + 1];
            int[] kernel = horizontalKernels[xx];
            java.util.Arrays.fill(accumulator, 0, rowCount, HALF);
            int k = 0;
            for (; k + 3 < count; k += 4) {
                accumulate4(
                        accumulator,
                        column(source, xmin + k),
                        column(source, xmin + k + 1),
                        column(source, xmin + k + 2),
                        column(source, xmin + k + 3),
                        kernel[k],
                        kernel[k + 1],
                        kernel[k + 2],
                        kernel[k + 3],
                        rowCount);
            }
            for (; k < count; k++) {
                accumulate(accumulator, column(source, xmin + k), kernel[k], rowCount);
            }
            for (int y = 0; y < rowCount; y++) {
                intermediate[y * outWidth + xx] = clip8(accumulator[y]);
            }
        }
        // Vertical pass.
        for (int yy = 0; yy < outHeight; yy++) {
            if (!vertical) {
                System.arraycopy(intermediate, yy * outWidth, output, yy * outWidth, outWidth);
                continue;
            }
            int ymin = verticalBounds[yy * 2] - firstRow;
            int count = verticalBounds[yy * 2 + 1];
            int[] kernel = verticalKernels[yy];
            for (int xx = 0; xx < outWidth; xx++) {
                int sum = HALF;
                for (int k = 0; k < count; k++) {
                    sum += intermediate[(ymin + k) * outWidth + xx] * kernel[k];
                }
                output[yy * outWidth + xx] = clip8(sum);
            }
        }
    }

    /** Input column {@code x} (rows firstRow ..), loaded into the ring on first use. */
    private int[] column(ColumnSource source, int x) {
        int slot = x % ring.length;
        if (ringColumnOf[slot] != x) {
            source.read(x, firstRow, rowCount, ring[slot]);
            ringColumnOf[slot] = x;
        }
        return ring[slot];
    }

    /** Four taps at once: a quarter of the accumulator loads and stores (int adds are exact in any order). */
    private static void accumulate4(
            int[] accumulator, int[] c0, int[] c1, int[] c2, int[] c3, int w0, int w1, int w2, int w3, int count) {
        for (int y = 0; y < count; y++) {
            accumulator[y] += c0[y] * w0 + c1[y] * w1 + c2[y] * w2 + c3[y] * w3;
        }
    }

    /** {@code accumulator += column * weight}: a plain loop the JIT turns into SIMD. */
    private static void accumulate(int[] accumulator, int[] column, int weight, int count) {
        for (int y = 0; y < count; y++) {
            accumulator[y] += column[y] * weight;
        }
    }

    private static int clip8(int value) {
        if (value >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (value <= 0) {
            return 0;
        }
        return value >> PRECISION_BITS;
    }

    /** Pillow's {@code precompute_coeffs} for the Lanczos filter, then {@code normalize_coeffs_8bpc}. */
    private static int[][] coefficients(int inSize, int outSize, int[] bounds) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 3.0 * filterScale;
        int[][] kernels = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double sum = 0.0;
            double inverseScale = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double[] weights = new double[xmax];
            for (int x = 0; x < xmax; x++) {
                double weight = lanczos((x + xmin - center + 0.5) * inverseScale);
                weights[x] = weight;
                sum += weight;
            }
            int[] kernel = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double normalised = sum != 0.0 ? weights[x] / sum : weights[x];
                kernel[x] = normalised < 0
                        ? (int) (-0.5 + normalised * (1 << PRECISION_BITS))
                        : (int) (0.5 + normalised * (1 << PRECISION_BITS));
            }
            kernels[xx] = kernel;
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return kernels;
    }

    private static double lanczos(double x) {
        if (-3.0 <= x && x < 3.0) {
            return sinc(x) * sinc(x / 3.0);
        }
        return 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double scaled = x * Math.PI;
        return Math.sin(scaled) / scaled;
    }
}
