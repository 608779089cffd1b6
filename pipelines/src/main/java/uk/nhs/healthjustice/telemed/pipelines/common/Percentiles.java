package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * Exact nearest-rank percentiles on whole days: the p-th percentile of n values is the smallest value v such
 * that at least ceil(p/100 x n) values are {@code <= v}. Integer arithmetic throughout, so 92% of 25 is rank 23,
 * never 24 from a floating-point ceil.
 *
 * <p>This is the reference definition on collected values; the marts take the same percentiles from counts per
 * day ({@link DayHistogram}), which add up across rollup levels without collecting every value.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** Sorted list of the non-null values in a group (an aggregate). */
    public static Column sortedValues(Column value) {
        return array_sort(collect_list(value));
    }

    /** The p-th nearest-rank percentile of a sorted array; null for an empty array. */
    public static Column nearestRank(Column sorted, int p) {
        Column n = size(sorted);
        Column rank = n.multiply(p).plus(99).divide(100).cast("int"); // ceil(p*n/100) for whole p
        return when(n.gt(0), element_at(sorted, rank));
    }
}
