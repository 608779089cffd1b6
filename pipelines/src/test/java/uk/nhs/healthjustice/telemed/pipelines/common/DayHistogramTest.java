package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

class DayHistogramTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType().add("site", DataTypes.StringType)
            .add("v", DataTypes.IntegerType);

    private Dataset<Row> waits(String site, Integer... values) {
        Object[][] rows = java.util.Arrays.stream(values).map(v -> new Object[] {site, v}).toArray(Object[][]::new);
        return frame(SCHEMA, rows);
    }

    /** Counts per (site, days), summed over sites (the national histogram), then median and p92. */
    private Row pooled(Dataset<Row> facts) {
        Dataset<Row> perSite = DayHistogram.countBy(facts, List.of("site", "v"));
        Dataset<Row> national = DayHistogram.sumBy(perSite.withColumn("site", lit("ALL")), List.of("site", "v"));
        return national.groupBy(col("site")).agg(DayHistogram.histogram(col("v")).as("h"))
                .select(DayHistogram.nearestRank(col("h"), 50), DayHistogram.nearestRank(col("h"), 92),
                        DayHistogram.size(col("h")))
                .first();
    }

    private Row perSite(Dataset<Row> facts, String site) {
        return DayHistogram.countBy(facts, List.of("site", "v")).groupBy(col("site"))
                .agg(DayHistogram.histogram(col("v")).as("h"))
                .filter(col("site").equalTo(site))
                .select(DayHistogram.nearestRank(col("h"), 50), DayHistogram.nearestRank(col("h"), 92)).first();
    }

    @Test
    void tiesAreCountsOfOneDay() {
        // {3,3,5,9} -> histogram (3:2)(5:1)(9:1), n=4. Median rank ceil(2)=2: cumulative 2 at day 3 -> 3.
        // p92 rank ceil(3.68)=4: cumulative 2, 3, 4 -> reached at day 9 -> 9.
        Row r = pooled(waits("A", 9, 3, 5, 3));
        assertEquals(3, r.getInt(0));
        assertEquals(9, r.getInt(1));
        assertEquals(4L, r.getLong(2));
    }

    @Test
    void exactRankWhereFloatingPointWouldOvershoot() {
        // 1..25: 0.92 * 25 = 23.000000000000004 in doubles; the rank is exactly 23 -> 23. Median rank 13 -> 13.
        Row r = pooled(waits("A", IntStream.rangeClosed(1, 25).boxed().toArray(Integer[]::new)));
        assertEquals(13, r.getInt(0));
        assertEquals(23, r.getInt(1));
    }

    @Test
    void nullsAreNoValueAndAnEmptyGroupHasNoPercentile() {
        // {9, null}: n=1 -> median and p92 are 9. {null}: n=0 -> null, size 0.
        Row r = pooled(waits("A", 9, null));
        assertEquals(9, r.getInt(0));
        assertEquals(9, r.getInt(1));
        Row empty = pooled(waits("A", (Integer) null));
        assertNull(empty.get(0));
        assertNull(empty.get(1));
        assertEquals(0L, empty.getLong(2));
    }

    @Test
    void twoSiteHistogramsSummedGiveThePooledPercentile() {
        // A {1,2,2,10}: median rank 2 -> 2, p92 rank ceil(3.68)=4 -> 10.
        // B {2,4,4,4,7}: median rank ceil(2.5)=3 -> 4, p92 rank ceil(4.6)=5 -> 7.
        // A+B: (1:1)(2:3)(4:3)(7:1)(10:1), n=9. Median rank ceil(4.5)=5: cumulative 1, 4, 7 -> day 4.
        // p92 rank ceil(8.28)=9: cumulative 1, 4, 7, 8, 9 -> day 10. Not the median of the site medians (3).
        Dataset<Row> facts = waits("A", 1, 2, 2, 10).unionByName(waits("B", 2, 4, 4, 4, 7));
        Row a = perSite(facts, "A");
        assertEquals(2, a.getInt(0));
        assertEquals(10, a.getInt(1));
        Row b = perSite(facts, "B");
        assertEquals(4, b.getInt(0));
        assertEquals(7, b.getInt(1));
        Row all = pooled(facts);
        assertEquals(4, all.getInt(0));
        assertEquals(10, all.getInt(1));
        assertEquals(9L, all.getLong(2));
    }

    @Test
    void unsummedEntriesOfOneDayGiveTheSamePercentiles() {
        // Histograms of A and B collected without summing per day: (2:2) and (2:1) are separate entries;
        // the cumulative counts at the end of day 2 are still 4, so median 4 and p92 10 as above.
        Dataset<Row> facts = waits("A", 1, 2, 2, 10).unionByName(waits("B", 2, 4, 4, 4, 7));
        Row r = DayHistogram.countBy(facts, List.of("site", "v")).agg(DayHistogram.histogram(col("v")).as("h"))
                .select(DayHistogram.nearestRank(col("h"), 50), DayHistogram.nearestRank(col("h"), 92)).first();
        assertEquals(4, r.getInt(0));
        assertEquals(10, r.getInt(1));
    }

    /** 40 groups of 0..60 waits in 0..400 days (one in ten null), fixed seed. */
    private Dataset<Row> generatedGroups() {
        Random random = new Random(16);
        List<Object[]> rows = new ArrayList<>();
        for (int g = 0; g < 40; g++) {
            int size = random.nextInt(61);
            for (int i = 0; i < size; i++) {
                rows.add(new Object[] {"g" + g, random.nextInt(10) == 0 ? null : random.nextInt(401)});
            }
        }
        return frame(SCHEMA, rows.toArray(Object[][]::new));
    }

    @Test
    void sameAsSortedValuesOnGeneratedGroups() {
        // 40 groups of 0..60 waits in 0..400 days (some null), fixed seed: every percentile from the pooled
        // histograms equals Percentiles.nearestRank over all the values.
        Dataset<Row> facts = generatedGroups();
        int[] ps = {1, 25, 50, 75, 90, 92, 95, 99, 100};
        List<org.apache.spark.sql.Column> fromValues = new ArrayList<>();
        List<org.apache.spark.sql.Column> fromHistogram = new ArrayList<>();
        for (int p : ps) {
            fromValues.add(Percentiles.nearestRank(col("s"), p).as("p" + p));
            fromHistogram.add(DayHistogram.nearestRank(col("h"), p).as("p" + p));
        }
        fromValues.add(0, col("site"));
        fromHistogram.add(0, col("site"));
        Dataset<Row> expected = facts.groupBy(col("site")).agg(Percentiles.sortedValues(col("v")).as("s"))
                .select(fromValues.toArray(org.apache.spark.sql.Column[]::new));
        Dataset<Row> actual = DayHistogram.countBy(facts, List.of("site", "v")).groupBy(col("site"))
                .agg(DayHistogram.histogram(col("v")).as("h"))
                .select(fromHistogram.toArray(org.apache.spark.sql.Column[]::new));
        assertSameRows(expected, actual);
    }

    /** The one series of these tests: the facts with a value. */
    private static final DayHistogram.Series VALUES = new DayHistogram.Series("_values", col("v").isNotNull());

    /** Rows of counts per (site, v) with the running counts of {@link #VALUES}. */
    private Dataset<Row> running(Dataset<Row> facts) {
        return DayHistogram.withRunningCounts(DayHistogram.countBy(facts, List.of("site", "v")), List.of("site"), "v",
                List.of(VALUES));
    }

    @Test
    void runningCountsGiveThePercentilesWithoutAnArray() {
        // A {1,2,2,10}: median 2, p92 10; B {2,4,4,4,7}: median 4, p92 7 (as above). Running counts of B by day:
        // 2 -> 1, 4 -> 4, 7 -> 5 of 5: median rank 3 is first reached at day 4 (4 x 100 >= 50 x 5), p92 rank 5
        // at day 7. An empty series (C, only null) has no percentile; its null row is no member.
        Dataset<Row> facts = waits("A", 1, 2, 2, 10).unionByName(waits("B", 2, 4, 4, 4, 7))
                .unionByName(waits("C", (Integer) null));
        List<Row> r = running(facts).groupBy(col("site"))
                .agg(DayHistogram.nearestRank(VALUES, "v", 50), DayHistogram.nearestRank(VALUES, "v", 92))
                .orderBy("site").collectAsList();
        assertEquals(List.of(RowFactory.create("A", 2, 10), RowFactory.create("B", 4, 7),
                RowFactory.create("C", null, null)), r);
        // A and B pooled without summing per day: day 2 is two rows, (2:2) from A and (2:1) from B. Each row's
        // running count is every fact up to day 2 (1 + 2 + 1 = 4): the frame is a range of days, not of rows.
        Dataset<Row> pooled = DayHistogram.countBy(facts.filter(col("site").notEqual("C")), List.of("site", "v"))
                .withColumn("site", lit("ALL"));
        List<Row> day2 = DayHistogram.withRunningCounts(pooled, List.of("site"), "v", List.of(VALUES))
                .filter(col("v").equalTo(2)).select(col("_values_cum"), col("_values_total")).collectAsList();
        assertEquals(List.of(RowFactory.create(4L, 9L), RowFactory.create(4L, 9L)), day2);
    }

    @Test
    void runningCountsEqualTheHistogramOnGeneratedGroups() {
        // the generated groups of sameAsSortedValuesOnGeneratedGroups, with the pooled histogram's days repeated
        // in two rows each (counts split between two sources, as rollups leave them): the same percentiles
        Dataset<Row> facts = generatedGroups();
        Dataset<Row> split = DayHistogram.countBy(facts, List.of("site", "v"))
                .withColumn("half", explode(array(lit(0), lit(1))))
                .withColumn(DayHistogram.COUNT, when(col("half").equalTo(0), col(DayHistogram.COUNT).divide(2)
                        .cast("long")).otherwise(col(DayHistogram.COUNT).minus(col(DayHistogram.COUNT).divide(2)
                        .cast("long"))))
                .filter(col(DayHistogram.COUNT).gt(0));
        int[] ps = {1, 25, 50, 75, 90, 92, 95, 99, 100};
        List<org.apache.spark.sql.Column> fromHistogram = new ArrayList<>();
        List<org.apache.spark.sql.Column> fromRunning = new ArrayList<>();
        for (int p : ps) {
            fromHistogram.add(DayHistogram.nearestRank(col("h"), p).as("p" + p));
            fromRunning.add(DayHistogram.nearestRank(VALUES, "v", p).as("p" + p));
        }
        fromHistogram.add(0, col("site"));
        Dataset<Row> expected = DayHistogram.countBy(facts, List.of("site", "v")).groupBy(col("site"))
                .agg(DayHistogram.histogram(col("v")).as("h"))
                .select(fromHistogram.toArray(org.apache.spark.sql.Column[]::new));
        Dataset<Row> actual = DayHistogram.withRunningCounts(split, List.of("site"), "v", List.of(VALUES))
                .groupBy(col("site")).agg(fromRunning.get(0), fromRunning.subList(1, fromRunning.size())
                        .toArray(org.apache.spark.sql.Column[]::new));
        assertSameRows(expected, actual);
    }
}
