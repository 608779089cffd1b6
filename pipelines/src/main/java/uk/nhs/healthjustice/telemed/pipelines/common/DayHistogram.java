package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Exact nearest-rank percentiles from counts per whole day, so that rollups add histograms instead of shuffling
 * every value. Waits are whole days: a group's values are fully described by (days, count) pairs, histograms of
 * two groups add up day by day, and the p-th percentile is the smallest day at which the cumulative count
 * reaches ceil(p/100 x n) - the same definition, rank and empty-group null as {@link Percentiles#nearestRank}.
 *
 * <p>Use in three steps:
 * <ol>
 *   <li>{@link #countBy}: facts to one row per distinct (finest grain..., days) with its {@link #COUNT};</li>
 *   <li>repeat those rows per rollup level ({@link Rollups}) and {@link #sumBy} the rollup keys and days;</li>
 *   <li>per rollup key, {@link #histogram} as an aggregate and {@link #nearestRank} of it; the additive
 *   measures of the same rows are {@link #countWhere} and {@link #sumWhere}.</li>
 * </ol>
 * For a table with many rollup keys (waiting_times: hundreds of thousands), step 3 has a second form that keeps
 * no array and runs no lambda per entry: {@link #withRunningCounts} adds each {@link Series}' running count by
 * days within its rollup key (one window, sorted by days), and {@link #nearestRank(Series, String, int)} is then
 * a plain aggregate of the same groupBy as the additive measures. Both forms give the same day.
 * Built-in functions only (collect_list, array_sort, aggregate; windows): no UDF, deterministic.
 */
public final class DayHistogram {

    /** The number of facts a row of counts stands for (bigint). */
    public static final String COUNT = "_n";
    /** Field names of a histogram entry. */
    public static final String DAYS = "days";
    public static final String N = "n";

    private DayHistogram() {
    }

    /** One row per distinct value of {@code columns} (nulls included) with the number of rows as {@link #COUNT}. */
    public static Dataset<Row> countBy(Dataset<Row> rows, List<String> columns) {
        return rows.groupBy(columns(columns)).agg(count(lit(1)).as(COUNT));
    }

    /** Sums {@link #COUNT} per distinct value of {@code columns}: rolls counts up once rows repeat per level. */
    public static Dataset<Row> sumBy(Dataset<Row> rows, List<String> columns) {
        return rows.groupBy(columns(columns)).agg(sum(col(COUNT)).as(COUNT));
    }

    /** Aggregate: the facts counted where {@code condition} holds (0, never null, like {@code count}). */
    public static Column countWhere(Column condition) {
        return coalesce(sum(when(condition, col(COUNT))), lit(0L));
    }

    /**
     * Aggregate: the sum of {@code days} over the facts where it is not null (null when there are none, like
     * {@code sum}); exact in a bigint, so sumWhere / countWhere is bit for bit {@code avg}, which adds whole
     * numbers exactly in a double.
     */
    public static Column sumWhere(Column days) {
        return sum(days.cast("long").multiply(col(COUNT)));
    }

    /**
     * Aggregate: the histogram of the non-null {@code days} of a group as an array of (days, n) sorted by days.
     * A day may appear in several entries (rows not summed per day): the cumulative counts, hence the
     * percentiles, are the same.
     */
    public static Column histogram(Column days) {
        return array_sort(collect_list(when(days.isNotNull(),
                struct(days.cast("int").as(DAYS), col(COUNT).cast("long").as(N)))));
    }

    /** The number of facts in a histogram (0 for an empty one). */
    public static Column size(Column histogram) {
        return aggregate(histogram, lit(0L), (acc, e) -> acc.plus(e.getField(N)));
    }

    /**
     * The p-th nearest-rank percentile of a histogram: the first day at which the cumulative count reaches
     * rank ceil(p x n / 100) (integer arithmetic, as {@link Percentiles#nearestRank}); null for an empty one.
     */
    public static Column nearestRank(Column histogram, int p) {
        Column n = size(histogram);
        Column rank = n.multiply(p).plus(99).divide(100).cast("long"); // ceil(p*n/100) for whole p
        Column start = struct(lit(0L).as("cum"), lit(null).cast("int").as("day"));
        Column found = aggregate(histogram, start, (acc, e) -> {
            Column cum = acc.getField("cum").plus(e.getField(N));
            return struct(cum.as("cum"), coalesce(acc.getField("day"),
                    when(cum.geq(rank), e.getField(DAYS))).as("day"));
        });
        return when(n.gt(0), found.getField("day"));
    }

    private static Column[] columns(List<String> names) {
        return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    /**
     * The facts of one statistic among a rollup key's rows of counts (completed waits, say, beside waiting ones):
     * the rows where {@code member} holds, whose days are never null there.
     *
     * @param name   prefix of the columns {@link #withRunningCounts} adds
     * @param member the condition on a row of counts
     */
    public record Series(String name, Column member) {
        String running() {
            return name + "_cum";
        }

        String total() {
            return name + "_total";
        }
    }

    /**
     * Adds, for each series, the running count of its facts with days at most the row's days within the row's
     * rollup key, and its total count in the key. One window partitioned by {@code keys} and sorted by
     * {@code days}: the groupBy of the same keys that follows needs no further shuffle.
     *
     * @param counts rows of {@link #COUNT} per rollup key and days, as {@link #sumBy} gives
     */
    public static Dataset<Row> withRunningCounts(Dataset<Row> counts, List<String> keys, String days,
                                                 List<Series> series) {
        WindowSpec byDays = Window.partitionBy(columns(keys)).orderBy(col(days).asc_nulls_first());
        // the default frame with an ordering is a range: every row of the same day counts in the running count
        WindowSpec whole = byDays.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
        Dataset<Row> out = counts;
        for (Series s : series) {
            Column n = when(s.member(), col(COUNT)).otherwise(lit(0L));
            out = out.withColumn(s.running(), sum(n).over(byDays)).withColumn(s.total(), sum(n).over(whole));
        }
        return out;
    }

    /**
     * Aggregate over rows of {@link #withRunningCounts}: the series' p-th nearest-rank percentile, the smallest
     * day whose running count reaches rank ceil(p x n / 100); in whole numbers, running x 100 >= p x n. Null when
     * the group has no fact of the series (no row is a member).
     */
    public static Column nearestRank(Series series, String days, int p) {
        Column reached = col(series.running()).multiply(100).geq(col(series.total()).multiply(p));
        return min(when(series.member().and(reached), col(days)));
    }
}
