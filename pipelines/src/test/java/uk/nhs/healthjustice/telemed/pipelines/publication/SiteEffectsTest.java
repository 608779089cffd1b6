package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The site rows of published/rollout_impact, worked by hand.
 * <pre>
 * site S, dna_rate, quarter -1: 9 DNAs of 20  -> published 10 of 20 = 0.5  (true 0.45)
 * site S, dna_rate, quarter  1: 12 DNAs of 23 -> published 10 of 25 = 0.4  (true 0.5217...)
 *   summary: before 0.5 x 20 / 20 = 0.5, after 0.4 x 25 / 25 = 0.4, change -0.1 (true 0.45, 0.5217, +0.0717)
 * site T, dna_rate, quarter -1: 3 DNAs of 20  -> 3 is suppressed, so the value and the summary are null
 * site S, attended_per_1000, quarter 1: 12 attended, population 600, 20.0 -> 10 x 1000 / 600 = 16.67
 * site S, median wait, quarter 1: 30 days on 9 pathways -> kept (9 >= 8), n published 10
 * national row: unchanged
 * </pre>
 */
class SiteEffectsTest extends SparkTestBase {

    static final StructType ROLLOUT = new StructType()
            .add("level", DataTypes.StringType).add("region", DataTypes.StringType)
            .add("site_id", DataTypes.StringType).add("outcome", DataTypes.StringType)
            .add("event_time", DataTypes.IntegerType).add("value", DataTypes.DoubleType)
            .add("n", DataTypes.LongType).add("numerator", DataTypes.LongType)
            .add("value_before", DataTypes.DoubleType).add("value_after", DataTypes.DoubleType)
            .add("n_before", DataTypes.LongType).add("n_after", DataTypes.LongType)
            .add("change", DataTypes.DoubleType).add("estimate", DataTypes.DoubleType);

    @Test
    void siteValuesComeFromRoundedCountsAndSummariesFromPublishedQuarters() {
        List<Row> out = DisclosureControl.publish("rollout_impact", frame(ROLLOUT,
                new Object[] {"site", "R", "S", "dna_rate", -1, 0.45, 20L, 9L, null, null, null, null, null, null},
                new Object[] {"site", "R", "S", "dna_rate", 1, 12.0 / 23, 23L, 12L, null, null, null, null, null, null},
                new Object[] {"site", "R", "S", "dna_rate", null, null, null, null, 0.45, 12.0 / 23, 20L, 23L,
                    12.0 / 23 - 0.45, null},
                new Object[] {"site", "R", "T", "dna_rate", -1, 0.15, 20L, 3L, null, null, null, null, null, null},
                new Object[] {"site", "R", "T", "dna_rate", null, null, null, null, 0.15, null, 20L, 0L, null, null},
                new Object[] {"site", "R", "S", "attended_per_1000", 1, 20.0, 12L, 12L, null, null, null, null, null, null},
                new Object[] {"site", "R", "S", "median_first_attendance_wait_days", 1, 30.0, 9L, null, null, null, null,
                    null, null, null},
                new Object[] {"national", "ALL", "ALL", "dna_rate", null, null, null, null, null, null, null, null, null,
                    -0.05}))
                .orderBy(col("site_id"), col("outcome"), col("event_time")).collectAsList();
        Row national = out.get(0);
        Assertions.assertEquals(-0.05, national.<Double>getAs("estimate"), 0);
        Row perPopulation = find(out, "S", "attended_per_1000", 1);
        Assertions.assertEquals(1000.0 * 10 / 600, perPopulation.<Double>getAs("value"), 1e-9);
        Assertions.assertEquals(10L, perPopulation.<Long>getAs("n"));
        Assertions.assertEquals(0.5, find(out, "S", "dna_rate", -1).<Double>getAs("value"), 1e-12);
        Assertions.assertEquals(0.4, find(out, "S", "dna_rate", 1).<Double>getAs("value"), 1e-12);
        Row summary = find(out, "S", "dna_rate", null);
        Assertions.assertEquals(0.5, summary.<Double>getAs("value_before"), 1e-12);
        Assertions.assertEquals(0.4, summary.<Double>getAs("value_after"), 1e-12);
        Assertions.assertEquals(-0.1, summary.<Double>getAs("change"), 1e-12);
        Assertions.assertEquals(25L, summary.<Long>getAs("n_after"));
        Row median = find(out, "S", "median_first_attendance_wait_days", 1);
        Assertions.assertEquals(30.0, median.<Double>getAs("value"), 0);
        Assertions.assertEquals(10L, median.<Long>getAs("n"));
        Row small = find(out, "T", "dna_rate", -1);
        Assertions.assertNull(small.getAs("value"));
        Assertions.assertNull(small.getAs("numerator"));
        Assertions.assertEquals(true, small.getAs("suppressed"));
        Row smallSummary = find(out, "T", "dna_rate", null);
        Assertions.assertNull(smallSummary.getAs("value_before"));
        Assertions.assertNull(smallSummary.getAs("change"));
    }

    private static Row find(List<Row> rows, String site, String outcome, Integer eventTime) {
        return rows.stream().filter(r -> r.getAs("site_id").equals(site) && r.getAs("outcome").equals(outcome)
                && java.util.Objects.equals(r.getAs("event_time"), eventTime)).findFirst().orElseThrow();
    }
}
