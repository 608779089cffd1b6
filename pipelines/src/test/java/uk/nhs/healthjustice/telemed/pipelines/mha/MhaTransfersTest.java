package uk.nhs.healthjustice.telemed.pipelines.mha;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Four cases referred in March 2026 at S1, worked by hand:
 * <pre>
 * M1 ref 03-01, first 03-05 video (4 days), transfer 03-29 (day 28: within; 24 days after assessment)
 * M2 ref 03-01, first 03-15 in person (14 days), transfer 03-30 (day 29: not within; 15 days after)
 * M3 ref 03-02, first 03-20 in person (18 days), still open: 29 days at 31 March -> open over 28 days
 * M4 ref 03-10, not assessed, open: 21 days at 31 March -> not over 28
 * </pre>
 * Run date 2026-06-30: every status below is as at 31 March (version 2); the as-at rules have their own
 * worked example in {@link MhaAsAtPeriodEndTest}.
 */
class MhaTransfersTest extends SparkTestBase {

    static final StructType CASES = new StructType()
            .add("case_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("referral_date", DataTypes.DateType)
            .add("first_assessment_date", DataTypes.DateType)
            .add("first_assessment_modality", DataTypes.StringType)
            .add("transfer_date", DataTypes.DateType)
            .add("outcome", DataTypes.StringType)
            .add("record_updated_at", DataTypes.TimestampType);

    private Dataset<Row> mart;

    @BeforeEach
    void build() {
        Dataset<Row> cases = frame(CASES,
                new Object[] {"M1", "S1", date("2026-03-01"), date("2026-03-05"), "video", date("2026-03-29"), "transferred", utc("2026-03-29T18:00:00Z")},
                new Object[] {"M2", "S1", date("2026-03-01"), date("2026-03-15"), "in_person", date("2026-03-30"), "transferred", utc("2026-03-30T18:00:00Z")},
                new Object[] {"M3", "S1", date("2026-03-02"), date("2026-03-20"), "in_person", null, "open", utc("2026-03-20T18:00:00Z")},
                new Object[] {"M4", "S1", date("2026-03-10"), null, null, null, "open", utc("2026-03-10T18:00:00Z")});
        Dataset<Row> sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"});
        mart = MhaTransfers.compute(cases, sites, java.time.LocalDate.parse("2026-06-30")).cache();
    }

    private Row row(String label, String site, String modality) {
        List<Row> rows = mart.filter(col("period_label").equalTo(label).and(col("site_id").equalTo(site))
                .and(col("region").equalTo(site.equals("ALL") ? "ALL" : "North"))
                .and(col("first_assessment_modality").equalTo(modality))).collectAsList();
        Assertions.assertEquals(1, rows.size(), label + site + modality);
        return rows.get(0);
    }

    @Test
    void cohortOfMarchAllModalities() {
        Row r = row("2026-03", "S1", "ALL");
        Assertions.assertEquals(4L, r.<Long>getAs("cases_referred"));
        Assertions.assertEquals(3L, r.<Long>getAs("cases_assessed"));
        // days to first assessment 4, 14, 18: median rank 2 -> 14; p92 rank ceil(2.76)=3 -> 18
        Assertions.assertEquals(14, r.<Integer>getAs("median_days_to_first_assessment"));
        Assertions.assertEquals(18, r.<Integer>getAs("p92_days_to_first_assessment"));
        Assertions.assertEquals(2L, r.<Long>getAs("first_assessment_within_14_days"));
        Assertions.assertEquals(2L, r.<Long>getAs("cases_transferred"));
        // assessment to transfer 24, 15: median rank 1 -> 15; referral to transfer 28, 29 -> 28
        Assertions.assertEquals(15, r.<Integer>getAs("median_days_assessment_to_transfer"));
        Assertions.assertEquals(28, r.<Integer>getAs("median_days_to_transfer"));
        Assertions.assertEquals(1L, r.<Long>getAs("transferred_within_28_days"));
        Assertions.assertEquals(50.0, r.<Double>getAs("pct_transferred_within_28_days"), 1e-9);
        Assertions.assertEquals(1L, r.<Long>getAs("open_over_28_days"));
        Assertions.assertEquals(2L, r.<Long>getAs("cases_open"));
    }

    @Test
    void byFirstAssessmentModality() {
        Row video = row("2026-03", "S1", "video");
        Assertions.assertEquals(1L, video.<Long>getAs("cases_referred"));
        Assertions.assertEquals(1L, video.<Long>getAs("transferred_within_28_days"));
        Row inPerson = row("2026-03", "S1", "in_person");
        Assertions.assertEquals(2L, inPerson.<Long>getAs("cases_referred"));
        Assertions.assertEquals(0L, inPerson.<Long>getAs("transferred_within_28_days"));
        Assertions.assertEquals(1L, inPerson.<Long>getAs("open_over_28_days"));
        // the unassessed case is on ALL rows only
        Assertions.assertEquals(0, mart.filter(col("first_assessment_modality").isNull()).count());
    }

    @Test
    void quarterAndNationalRows() {
        // 2025-26 Q4 ends 31 March: same cohort, same period end
        Row q = row("2025-26 Q4", "ALL", "ALL");
        Assertions.assertEquals(4L, q.<Long>getAs("cases_referred"));
        Assertions.assertEquals(1L, q.<Long>getAs("open_over_28_days"));
    }
}
