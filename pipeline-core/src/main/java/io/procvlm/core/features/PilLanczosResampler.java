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
    // column-major copy of the rows the vertical pass needs: columns[x][y - firstRow]
    private final int[][] columns;
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
        this.columns = new int[inWidth][rowCount];
        this.accumulator = new int[rowCount];
        this.intermediate = new int[rowCount * outWidth];
    }

    public int inWidth() {
        return inWidth;
    }

    public int inHeight() {
        return inHeight;
    }

    /** Row access to the input image: copies row {@code y} (0-based) into {@code target} as bytes. */
    public interface RowReader {
        void readRow(int y, byte[] target);
    }

    /**
     * Resamples an image given row by row.
     *
     * @param rows supplies the input rows
     * @param output receives {@code outWidth * outHeight} values 0-255, row-major
     */
    public void resample(RowReader rows, int[] output) {
        if (output.length < outWidth * outHeight) {
            throw new IllegalArgumentException(
                    "output holds " + output.length + " values, needs " + outWidth * outHeight);
        }
        byte[] row = new byte[inWidth];
        for (int y = 0; y < rowCount; y++) {
            rows.readRow(y + firstRow, row);
            for (int x = 0; x < inWidth; x++) {
                columns[x][y] = row[x] & 0xff;
            }
        }
        boolean horizontal = inWidth != outWidth;
        boolean vertical = inHeight != outHeight;
        // Horizontal pass into intermediate[y * outWidth + xx] (rows firstRow .. firstRow + rowCount).
        for (int xx = 0; xx < outWidth; xx++) {
            if (!horizontal) {
                int[] column = columns[xx];
                for (int y = 0; y < rowCount; y++) {
                    intermediate[y * outWidth + xx] = column[y];
                }
                continue;
            }
            int xmin = horizontalBounds[xx * 2];
            int count = horizontalBounds[xx * 2 + 1];
            int[] kernel = horizontalKernels[xx];
            java.util.Arrays.fill(accumulator, 0, rowCount, HALF);
            for (int k = 0; k < count; k++) {
                int weight = kernel[k];
                int[] column = columns[xmin + k];
                for (int y = 0; y < rowCount; y++) {
                    accumulator[y] += column[y] * weight;
                }
            }
            for (int y = 0; y < rowCount; y++) {
                intermediate[y * outWidth + xx] = clip8(accumulator[y]);
            }
        }
        // Vertical pass.
        for (int yy = 0; yy < outHeight; yy++) {
            if (!vertical) {
                System.arraycopy(intermediate, (yy + 0) * outWidth, output, yy * outWidth, outWidth);
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
