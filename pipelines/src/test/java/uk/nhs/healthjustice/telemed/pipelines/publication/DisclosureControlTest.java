package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.DisclosureChecks;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

class DisclosureControlTest extends SparkTestBase {

    static final StructType MART = new StructType()
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("people", DataTypes.LongType).add("within", DataTypes.LongType)
            .add("median_days", DataTypes.IntegerType).add("pct_within", DataTypes.DoubleType);
    static final Disclosure DECLARATION = new Disclosure("test", List.of("people", "within"),
            Map.of("median_days", List.of("people")),
            List.of(Disclosure.Rate.of("pct_within", "within", "people", 100)));

    private Map<String, Row> published(Object[]... rows) {
        Dataset<Row> out = DisclosureControl.apply(frame(MART, rows), DECLARATION);
        DisclosureChecks.assertNoDisclosiveCells(out, DECLARATION);
        Map<String, Row> bySite = new java.util.TreeMap<>();
        out.collectAsList().forEach(r -> bySite.put(r.getString(0) + "/" + r.getString(1), r));
        return bySite;
    }

    @Test
    void countsBelowNationalAreSuppressedOrRoundedAndNationalIsUntouched() {
        Map<String, Row> p = published(
                new Object[] {"N", "A", 0L, 0L, null, null},
                new Object[] {"N", "B", 1L, 1L, 10, 100.0},
                new Object[] {"N", "C", 7L, 3L, 12, 42.857},
                new Object[] {"N", "D", 8L, 8L, 14, 100.0},
                new Object[] {"N", "E", 12L, 9L, 20, 75.0},
                new Object[] {"N", "F", 13L, 12L, 30, 92.3},
                new Object[] {"ALL", "ALL", 5L, 3L, 11, 60.0});
        Assertions.assertEquals(0L, p.get("N/A").<Long>getAs("people"));
        Assertions.assertNull(p.get("N/B").getAs("people"));
        Assertions.assertNull(p.get("N/C").getAs("people"));
        Assertions.assertEquals(10L, p.get("N/D").<Long>getAs("people"));
        Assertions.assertEquals(10L, p.get("N/E").<Long>getAs("people"));
        Assertions.assertEquals(15L, p.get("N/F").<Long>getAs("people"));
        Assertions.assertEquals(false, p.get("N/A").getAs("suppressed"));
        Assertions.assertEquals(true, p.get("N/B").getAs("suppressed"));
        Assertions.assertEquals(false, p.get("N/D").getAs("suppressed")); // 8 and 8 round to 10 and 10
        Assertions.assertEquals(true, p.get("N/C").getAs("suppressed"));
        Row national = p.get("ALL/ALL");
        Assertions.assertEquals(5L, national.<Long>getAs("people"));
        Assertions.assertEquals(11, national.<Integer>getAs("median_days"));
        Assertions.assertEquals(60.0, national.<Double>getAs("pct_within"), 1e-9);
        Assertions.assertEquals(false, national.getAs("suppressed"));
    }

    @Test
    void statisticsOnOneToSevenPeopleAreSuppressedBelowNationalOnly() {
        Map<String, Row> p = published(
                new Object[] {"N", "A", 5L, 0L, 9, 0.0},
                new Object[] {"N", "B", 20L, 0L, 9, 0.0},
                new Object[] {"ALL", "ALL", 5L, 0L, 9, 0.0});
        Assertions.assertNull(p.get("N/A").getAs("median_days"));
        Assertions.assertEquals(9, p.get("N/B").<Integer>getAs("median_days"));
        Assertions.assertEquals(9, p.get("ALL/ALL").<Integer>getAs("median_days"));
    }

    @Test
    void ratesAreRecomputedFromRoundedParts() {
        // 12 of 13 -> 10 of 15 = 66.7% (not the true 92.3%); 9 of 12 -> 10 of 10 = 100%; 3 of 7 -> suppressed
        Map<String, Row> p = published(
                new Object[] {"N", "F", 13L, 12L, 30, 92.3},
                new Object[] {"N", "E", 12L, 9L, 20, 75.0},
                new Object[] {"N", "C", 7L, 3L, 12, 42.857});
        Assertions.assertEquals(100.0 * 10 / 15, p.get("N/F").<Double>getAs("pct_within"), 1e-9);
        Assertions.assertEquals(100.0, p.get("N/E").<Double>getAs("pct_within"), 1e-9);
        Assertions.assertNull(p.get("N/C").getAs("pct_within"));
    }

    @Test
    void aSuppressedCellCannotBeRecoveredFromItsRollup() {
        // region R: sites A (20 people) and B (3 people): region row 23. Published: A 20, B null, region 25.
        // Subtracting gives 5, not B's true 3: rounding the rollup from unrounded values protects B.
        Map<String, Row> p = published(
                new Object[] {"R", "A", 20L, 0L, null, null},
                new Object[] {"R", "B", 3L, 0L, null, null},
                new Object[] {"R", "ALL", 23L, 0L, null, null});
        long region = p.get("R/ALL").getAs("people");
        long a = p.get("R/A").getAs("people");
        Assertions.assertNull(p.get("R/B").getAs("people"));
        Assertions.assertNotEquals(3L, region - a);
        // and every published value is a multiple of 5, so no subtraction yields a value from 1 to 4 exactly
        Assertions.assertEquals(0, (region - a) % 5);
    }
}
