package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.col;
import static uk.nhs.healthjustice.telemed.schemas.published.PublishedColumn.*;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;
import uk.nhs.healthjustice.telemed.testing.DisclosureChecks;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

class DisclosureControlTest extends SparkTestBase {

    static final StructType MART = new StructType()
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("people", DataTypes.LongType).add("within", DataTypes.LongType)
            .add("median_days", DataTypes.IntegerType).add("pct_within", DataTypes.DoubleType);
    static final PublishedTable DECLARATION = new PublishedTable("test", List.of(dimension("region"),
            dimension("site_id"), count("people"), count("within"), statistic("median_days", "people"),
            rate("pct_within", "within", 100, "people")));

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
                new Object[] {"ALL", "ALL", 41L, 33L, 11, 80.5});
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
        Assertions.assertEquals(41L, national.<Long>getAs("people"));
        Assertions.assertEquals(11, national.<Integer>getAs("median_days"));
        Assertions.assertEquals(80.5, national.<Double>getAs("pct_within"), 1e-9);
        Assertions.assertEquals(false, national.getAs("suppressed"));
    }

    /**
     * An expected count (costs.escorts_avoided, a sum of offsite shares) is rounded to a whole number below
     * national, then controlled: 0.4 -> 0 (zero stays zero); 0.75 -> 1 and 7.4 -> 7, suppressed; 7.5 -> 8 -> 10;
     * 12.6 -> 13 -> 15. National rows are not changed: 28.65 stays 28.65.
     */
    @Test
    void expectedCountsAreRoundedToWholeThenControlled() {
        StructType mart = new StructType().add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
                .add("avoided", DataTypes.createDecimalType(24, 10));
        PublishedTable declaration = new PublishedTable("expected", List.of(dimension("region"), dimension("site_id"),
                count("avoided")));
        Map<String, Row> p = new java.util.TreeMap<>();
        DisclosureControl.apply(frame(mart,
                        new Object[] {"N", "A", new java.math.BigDecimal("0.4")},
                        new Object[] {"N", "B", new java.math.BigDecimal("0.75")},
                        new Object[] {"N", "C", new java.math.BigDecimal("7.4")},
                        new Object[] {"N", "D", new java.math.BigDecimal("7.5")},
                        new Object[] {"N", "E", new java.math.BigDecimal("12.6")},
                        new Object[] {"ALL", "ALL", new java.math.BigDecimal("28.65")}), declaration)
                .collectAsList().forEach(r -> p.put(r.getString(0) + "/" + r.getString(1), r));
        java.util.function.BiConsumer<String, String> is = (site, expected) -> Assertions.assertEquals(0,
                new java.math.BigDecimal(expected).compareTo(p.get(site).getAs("avoided")), site);
        is.accept("N/A", "0");
        Assertions.assertNull(p.get("N/B").getAs("avoided"));
        Assertions.assertEquals(true, p.get("N/B").getAs("suppressed"));
        Assertions.assertNull(p.get("N/C").getAs("avoided"));
        is.accept("N/D", "10");
        is.accept("N/E", "15");
        is.accept("ALL/ALL", "28.65");
    }

    @Test
    void statisticsOnOneToSevenPeopleAreSuppressedBelowNationalOnly() {
        Map<String, Row> p = published(
                new Object[] {"N", "A", 5L, 0L, 9, 0.0},
                new Object[] {"N", "B", 20L, 0L, 9, 0.0},
                new Object[] {"ALL", "ALL", 25L, 0L, 9, 0.0});
        Assertions.assertNull(p.get("N/A").getAs("median_days"));
        Assertions.assertEquals(9, p.get("N/B").<Integer>getAs("median_days"));
        Assertions.assertEquals(9, p.get("ALL/ALL").<Integer>getAs("median_days"));
    }

    /**
     * A mean of whole days gives its rounded base back at full precision: site A's 115 days over 9 pathways is
     * 12.777..., and of the counts a published 10 could be (8 to 12) only 9 times that is a whole number of days.
     * Rounded to 13 days, every one of 8 to 12 times it is whole: nothing is ruled out. Site B's 130 days over 13
     * is 10.0 either way. The national mean (245 / 22 = 11.136...) is not changed.
     */
    @Test
    void aMeanOfWholeDaysIsPublishedToWholeDaysBelowNational() {
        StructType mart = new StructType().add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
                .add("pathways", DataTypes.LongType).add("mean_days", DataTypes.DoubleType);
        PublishedTable declaration = new PublishedTable("means", List.of(dimension("region"), dimension("site_id"),
                count("pathways"), meanOfWholeDays("mean_days", "pathways")));
        Dataset<Row> rows = frame(mart, new Object[] {"N", "A", 9L, 115.0 / 9}, new Object[] {"N", "B", 13L, 10.0},
                new Object[] {"ALL", "ALL", 22L, 245.0 / 22});
        Assertions.assertEquals(List.of(9), basesGivingWholeDays(10, 115.0 / 9), "the attack works at full precision");
        Map<String, Row> p = new java.util.TreeMap<>();
        DisclosureControl.apply(rows, declaration).collectAsList()
                .forEach(r -> p.put(r.getString(0) + "/" + r.getString(1), r));
        Row a = p.get("N/A");
        Assertions.assertEquals(10L, a.<Long>getAs("pathways"));
        Assertions.assertEquals(13.0, a.<Double>getAs("mean_days"), 0);
        Assertions.assertEquals(List.of(8, 9, 10, 11, 12), basesGivingWholeDays(10, a.getAs("mean_days")));
        Assertions.assertEquals(10.0, p.get("N/B").<Double>getAs("mean_days"), 0);
        Assertions.assertEquals(245.0 / 22, p.get("ALL/ALL").<Double>getAs("mean_days"), 0);
    }

    /**
     * cost_effectiveness, whose bootstrap seed differs on every row: the seed is a setting, not a line dimension,
     * so a region row is in the line of its national row. National in-person pathways are 4, all in region N; S
     * has none. N's 4 is suppressed anyway, and S's published 0 would give it back (4 - 0): both are hidden.
     * With the seed as a dimension, each row was a line of its own with no national total, and S showed 0.
     */
    @Test
    void theBootstrapSeedDoesNotSplitALine() {
        PublishedTable ce = uk.nhs.healthjustice.telemed.schemas.published.PublishedTables.COST_EFFECTIVENESS;
        Dataset<Row> rows = declaredRows(ce, Map.of("period_type", "quarter", "period_start", date("2026-04-01"),
                        "period_label", "2026-27 Q1", "perspective", "nhs", "telemedicine_pathways", 20L),
                List.of("region", "site_id", "in_person_pathways", "bootstrap_seed"),
                new Object[] {"ALL", "ALL", 4L, 101L}, new Object[] {"N", "ALL", 4L, 202L},
                new Object[] {"S", "ALL", 0L, 303L});
        Map<String, Row> p = new java.util.TreeMap<>();
        DisclosureControl.apply(rows, ce).collectAsList()
                .forEach(r -> p.put(r.<String>getAs("region"), r));
        Assertions.assertEquals(4L, p.get("ALL").<Long>getAs("in_person_pathways"));
        Assertions.assertNull(p.get("N").getAs("in_person_pathways"));
        Assertions.assertNull(p.get("S").getAs("in_person_pathways"), "S's 0 would give N's 4 back");
        Assertions.assertEquals(true, p.get("S").getAs("suppressed"));
    }

    /**
     * The complement on region rows, costs' attended in one month: national 19 = N 12 + S 7 + E 0, with a site
     * row of N (12). Without it, N shows 10 (8 to 12), S is hidden and E shows 0, so S = 19 - (8..12) - 0 is 7
     * to 11, of which only 7 can be a hidden count: S given back. S is the only hidden cell of its line, so the
     * cheapest other cell, E's 0, is hidden too: S + E is 7 to 11 and S anything from 1 to 7. The site row and
     * the national row are not complemented; N keeps its 10.
     */
    @Test
    void aRegionLeftTheOnlyHiddenCellOfItsLineGetsAComplement() {
        PublishedTable costs = uk.nhs.healthjustice.telemed.schemas.published.PublishedTables.COSTS;
        Dataset<Row> rows = declaredRows(costs, Map.of("period_type", "month", "period_start", date("2026-04-01"),
                        "period_label", "2026-04", "modality_group", "ALL"), List.of("region", "site_id", "attended"),
                new Object[] {"ALL", "ALL", 19L}, new Object[] {"N", "ALL", 12L}, new Object[] {"S", "ALL", 7L},
                new Object[] {"E", "ALL", 0L}, new Object[] {"N", "X", 12L});
        Map<String, Row> p = new java.util.TreeMap<>();
        DisclosureControl.apply(rows, costs).collectAsList()
                .forEach(r -> p.put(r.<String>getAs("region") + "/" + r.<String>getAs("site_id"), r));
        Assertions.assertEquals(19L, p.get("ALL/ALL").<Long>getAs("attended"));
        Assertions.assertEquals(10L, p.get("N/ALL").<Long>getAs("attended"));
        Assertions.assertNull(p.get("S/ALL").getAs("attended"));
        Assertions.assertNull(p.get("E/ALL").getAs("attended"), "the complement: E's 0 would give S's 7 back");
        Assertions.assertEquals(true, p.get("E/ALL").getAs("suppressed"));
        Assertions.assertEquals(10L, p.get("N/X").<Long>getAs("attended"));
        Assertions.assertEquals(5, p.size(), "no row added or left out");
    }

    /**
     * Rows of a declared table's schema: {@code fixed} columns the same on every row, {@code varying} columns from
     * each of {@code values} in that order, every other column null.
     */
    private Dataset<Row> declaredRows(PublishedTable table, Map<String, Object> fixed, List<String> varying,
                                      Object[]... values) {
        StructType schema = table.schema();
        List<Row> rows = new java.util.ArrayList<>();
        for (Object[] v : values) {
            Object[] row = new Object[schema.size()];
            fixed.forEach((column, value) -> row[schema.fieldIndex(column)] = value);
            for (int i = 0; i < varying.size(); i++) {
                row[schema.fieldIndex(varying.get(i))] = v[i];
            }
            rows.add(org.apache.spark.sql.RowFactory.create(row));
        }
        return spark().createDataFrame(rows, schema);
    }

    /** The counts a published {@code rounded} could be for which {@code mean} times the count is whole. */
    private static List<Integer> basesGivingWholeDays(long rounded, double mean) {
        List<Integer> bases = new java.util.ArrayList<>();
        for (int n = (int) Math.max(8, rounded - 2); n <= rounded + 2; n++) {
            double total = n * mean;
            if (Math.abs(total - Math.rint(total)) < 1e-6) {
                bases.add(n);
            }
        }
        return bases;
    }

    /**
     * National less the other regions. {@code within}: national 2, all in region N (site A); region S and site C
     * have 0, so without more S's published 0 gives N's hidden 2 back (2 - 0). A national total of 1 to 7 hides
     * the count in every row below national, zeros included: N/B, S/C and S/ALL are null and suppressed, and the
     * rate resting on it too. {@code people}: national 23 = N 3 + S 20; N's 3 is hidden and S's 20 shows as 20,
     * so 23 - 20 leaves N somewhere in 1..5 (S is any of 18..22): not hidden further, and B's 0 stays 0.
     */
    @Test
    void aNationalTotalOfOneToSevenIsHiddenInEveryRowBelowIt() {
        Map<String, Row> p = published(
                new Object[] {"N", "A", 3L, 2L, 10, 66.7},
                new Object[] {"N", "B", 0L, 0L, null, null},
                new Object[] {"N", "ALL", 3L, 2L, 10, 66.7},
                new Object[] {"S", "C", 20L, 0L, 9, 0.0},
                new Object[] {"S", "ALL", 20L, 0L, 9, 0.0},
                new Object[] {"ALL", "ALL", 23L, 2L, 9, 8.7});
        for (String row : List.of("N/A", "N/B", "N/ALL", "S/C", "S/ALL")) {
            Assertions.assertNull(p.get(row).getAs("within"), row);
            Assertions.assertEquals(true, p.get(row).getAs("suppressed"), row);
            Assertions.assertNull(p.get(row).getAs("pct_within"), row);
        }
        Assertions.assertNull(p.get("N/A").getAs("people"));
        Assertions.assertEquals(0L, p.get("N/B").<Long>getAs("people"));
        Assertions.assertEquals(20L, p.get("S/C").<Long>getAs("people"));
        Assertions.assertEquals(20L, p.get("S/ALL").<Long>getAs("people"));
        Assertions.assertEquals(9, p.get("S/C").<Integer>getAs("median_days"), "the median rests on people, not within");
        Assertions.assertEquals(2L, p.get("ALL/ALL").<Long>getAs("within"));
        Assertions.assertEquals(false, p.get("ALL/ALL").getAs("suppressed"));
    }

    /**
     * A small national line that lies in one region: hiding N's and A's 2 is not enough, since the rows' presence
     * (and absent rows meaning 0) says all 2 are in N. Its rows below national are left out; the national row
     * stays. A line with 2 regions keeps its rows (see above).
     */
    @Test
    void aSmallNationalLineInOneRegionIsPublishedNationallyOnly() {
        Map<String, Row> p = published(
                new Object[] {"N", "A", 2L, 40L, 10, 5.0},
                new Object[] {"N", "ALL", 2L, 40L, 10, 5.0},
                new Object[] {"ALL", "ALL", 2L, 40L, 10, 5.0});
        Assertions.assertEquals(java.util.Set.of("ALL/ALL"), p.keySet());
        Assertions.assertEquals(2L, p.get("ALL/ALL").<Long>getAs("people"));
    }

    /**
     * {@code readiness} has site rows only, but {@code access} publishes the same counts' national total. In
     * 2025-26 Q4 S1 (North) has 3 technical failures, S2 and S3 (South) none: access's national 3 less S2's and S3's
     * published 0 would give S1's 3. The line total is the sum of the rows (3), so every site's failures are
     * hidden, zeros too, with the rate; attendances (79) are controlled as usual. In 2026-27 Q1 only S1 has a
     * row, with 2 failures: the quarter is not published below national at all.
     */
    @Test
    void readinessTakesItsLineTotalFromTheSumOfItsSites() {
        Object[][] rows = {
            {"quarter", date("2026-01-01"), "2025-26 Q4", "North", "S1", "poor", "fixed_room", date("2025-01-01"),
                40L, 20L, 0.5, 22L, 3L, 3.0 / 22},
            {"quarter", date("2026-01-01"), "2025-26 Q4", "South", "S2", "adequate", "tablets_4g", date("2025-06-01"),
                30L, 10L, 1.0 / 3, 12L, 0L, 0.0},
            {"quarter", date("2026-01-01"), "2025-26 Q4", "South", "S3", null, null, null, 9L, 0L, 0.0, 0L, 0L, null},
            {"quarter", date("2026-04-01"), "2026-27 Q1", "North", "S1", "adequate", "tablets_4g", date("2026-03-01"),
                12L, 10L, 10.0 / 12, 10L, 2L, 0.2}};
        Dataset<Row> out = DisclosureControl.apply(frame(uk.nhs.healthjustice.telemed.pipelines.equity.Readiness.SCHEMA,
                rows), uk.nhs.healthjustice.telemed.schemas.published.PublishedTables.READINESS);
        Map<String, Row> p = new java.util.TreeMap<>();
        out.collectAsList().forEach(r -> p.put(r.getAs("period_label") + "/" + r.getAs("site_id"), r));
        Assertions.assertEquals(java.util.Set.of("2025-26 Q4/S1", "2025-26 Q4/S2", "2025-26 Q4/S3"), p.keySet());
        for (String site : List.of("S1", "S2", "S3")) {
            Row r = p.get("2025-26 Q4/" + site);
            Assertions.assertNull(r.getAs("technical_failures"), site);
            Assertions.assertNull(r.getAs("technical_failure_rate"), site);
            Assertions.assertEquals(true, r.getAs("suppressed"), site);
        }
        Assertions.assertEquals(40L, p.get("2025-26 Q4/S1").<Long>getAs("attended"));
        Assertions.assertEquals(10L, p.get("2025-26 Q4/S3").<Long>getAs("attended"));
        Assertions.assertEquals("poor", p.get("2025-26 Q4/S1").getAs("connectivity"));
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

    static final StructType COSTS = new StructType()
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("attended", DataTypes.LongType).add("escorts", DataTypes.LongType)
            .add("total_cost_gbp", DataTypes.createDecimalType(18, 2))
            .add("cost_per_attendance_gbp", DataTypes.createDecimalType(18, 2))
            .add("site_fixed_cost_gbp", DataTypes.createDecimalType(18, 2))
            .add("mean_escort_gbp", DataTypes.createDecimalType(18, 2))
            .add("escort_cost_gbp", DataTypes.createDecimalType(18, 2))
            .add("difference", DataTypes.DoubleType);
    static final PublishedTable COSTS_DECLARATION = new PublishedTable("costs_test", List.of(dimension("region"),
            dimension("site_id"), count("attended"), count("escorts"),
            moneyNationalOnly("total_cost_gbp", "test"), moneyMean("cost_per_attendance_gbp", "test", "attended"),
            moneyNotFromPeople("site_fixed_cost_gbp", "test"),
            moneyNotFromPeople("mean_escort_gbp", "test"),
            moneyRoundedCountTimes("escort_cost_gbp", "escorts", "mean_escort_gbp", "test"),
            modelOutput("difference", "attended", "escorts")));

    private static java.math.BigDecimal gbp(String v) {
        return new java.math.BigDecimal(v);
    }

    /**
     * Site A: 12 attendances, 9 escorts at a mean of 361.67: escort cost 3255.03 would give 9 back when divided
     * by 361.67; published it is 10 x 361.67 = 3616.70, which gives back only the published 10. The total is
     * null below national, the mean per attendance stays (12 behind it), and so does the difference (12 and 9
     * are both at least 8). Site B: 3 escorts, so the row is suppressed and every money column is null,
     * the fixed cost too. Site C: 20 attendances and no escorts: the model output rests on a count of 0, under 8.
     * National: untouched.
     */
    @Test
    void moneyTakesItsDeclaredFormAndModelOutputsNeedEightBehindThem() {
        Dataset<Row> out = DisclosureControl.apply(frame(COSTS,
                new Object[] {"N", "A", 12L, 9L, gbp("4000.00"), gbp("333.33"), gbp("1500.00"), gbp("361.67"),
                    gbp("3255.03"), -1.5},
                new Object[] {"N", "B", 20L, 3L, gbp("4000.00"), gbp("200.00"), gbp("1500.00"), gbp("361.67"),
                    gbp("1085.01"), -1.5},
                new Object[] {"N", "C", 20L, 0L, gbp("4000.00"), gbp("200.00"), gbp("0.00"), gbp("361.67"),
                    gbp("0.00"), -1.5},
                new Object[] {"ALL", "ALL", 52L, 12L, gbp("12000.00"), gbp("230.77"), gbp("3000.00"), gbp("361.67"),
                    gbp("4340.04"), -1.5}), COSTS_DECLARATION);
        Map<String, Row> p = new java.util.TreeMap<>();
        out.collectAsList().forEach(r -> p.put(r.getString(1), r));
        Row a = p.get("A");
        Assertions.assertNull(a.getAs("total_cost_gbp"));
        Assertions.assertEquals(gbp("333.33"), a.getAs("cost_per_attendance_gbp"));
        Assertions.assertEquals(gbp("1500.00"), a.getAs("site_fixed_cost_gbp"));
        Assertions.assertEquals(gbp("3616.70"), a.getAs("escort_cost_gbp"));
        Assertions.assertEquals(-1.5, a.<Double>getAs("difference"), 0);
        Row b = p.get("B");
        Assertions.assertEquals(true, b.getAs("suppressed"));
        for (String money : List.of("total_cost_gbp", "cost_per_attendance_gbp", "site_fixed_cost_gbp", "escort_cost_gbp")) {
            Assertions.assertNull(b.getAs(money), money);
        }
        Assertions.assertNull(b.getAs("difference"));
        Assertions.assertNull(p.get("C").getAs("difference"));
        Assertions.assertEquals(gbp("0.00"), p.get("C").getAs("escort_cost_gbp"));
        Row national = p.get("ALL");
        Assertions.assertEquals(gbp("12000.00"), national.getAs("total_cost_gbp"));
        Assertions.assertEquals(gbp("4340.04"), national.getAs("escort_cost_gbp"));
    }

    @Test
    void aColumnWithNoDeclaredClassCannotBePublished() {
        StructType extra = MART.add("secret_count", DataTypes.LongType);
        IllegalStateException e = Assertions.assertThrows(IllegalStateException.class, () -> DisclosureControl.apply(
                frame(extra, new Object[] {"N", "A", 1L, 1L, 1, 100.0, 3L}), DECLARATION));
        Assertions.assertTrue(e.getMessage().contains("secret_count"), e.getMessage());
    }
}
