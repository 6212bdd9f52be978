package dev.winback.core.geo;

import java.util.List;

/**
 * Points to cluster: {@code rows} × {@code columns} values in one flat row-major array (row i's values
 * are {@code values[i * columns .. i * columns + columns - 1]}), so k-means walks memory in order and
 * a million rows cost one array, not a million objects. Row i belongs to {@code candidates.get(i)}.
 */
public record FeatureMatrix(double[] values, int rows, int columns, List<String> columnNames,
                            List<Candidate> candidates) {

    public FeatureMatrix {
        if (values.length != (long) rows * columns || columnNames.size() != columns
                || (candidates != null && candidates.size() != rows)) {
            throw new IllegalArgumentException("a " + rows + " x " + columns + " matrix needs " + rows * columns
                    + " values and " + columns + " column names");
        }
        columnNames = List.copyOf(columnNames);
    }

    public double get(int row, int column) {
        return values[row * columns + column];
    }

    /** The mean of a row's values: its match score when every column reads higher = better. */
    public double rowMean(int row) {
        double sum = 0;
        int offset = row * columns;
        for (int j = 0; j < columns; j++) {
            sum += values[offset + j];
        }
        return sum / columns;
    }
}
