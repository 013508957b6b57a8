package io.procvlm.core.metrics;

import java.util.Arrays;

/**
 * Minimum-cost assignment (Kuhn–Munkres with potentials, O(n²m)) for a rectangular cost matrix: every row of the
 * smaller side is matched to a distinct column of the other.
 */
public final class Hungarian {
    private Hungarian() {}

    /**
     * @param cost {@code cost[i][j]}, rows × columns, finite
     * @return for each row, the matched column, or -1 when there are more rows than columns and the row is unmatched
     */
    public static int[] assign(double[][] cost) {
        int rows = cost.length;
        if (rows == 0) {
            return new int[0];
        }
        int columns = cost[0].length;
        if (columns == 0) {
            int[] none = new int[rows];
            Arrays.fill(none, -1);
            return none;
        }
        boolean transposed = rows > columns;
        double[][] matrix = transposed ? transpose(cost) : cost;
        int n = matrix.length; // n <= m
        int m = matrix[0].length;
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1];
        int[] way = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[m + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double current = matrix[i0 - 1][j - 1] - u[i0] - v[j];
                        if (current < minv[j]) {
                            minv[j] = current;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] rowToColumn = new int[n];
        Arrays.fill(rowToColumn, -1);
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                rowToColumn[p[j] - 1] = j - 1;
            }
        }
        if (!transposed) {
            return rowToColumn;
        }
        int[] result = new int[rows];
        Arrays.fill(result, -1);
        for (int i = 0; i < n; i++) {
            if (rowToColumn[i] >= 0) {
                result[rowToColumn[i]] = i;
            }
        }
        return result;
    }

    private static double[][] transpose(double[][] matrix) {
        double[][] result = new double[matrix[0].length][matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix[0].length; j++) {
                result[j][i] = matrix[i][j];
            }
        }
        return result;
    }
}
