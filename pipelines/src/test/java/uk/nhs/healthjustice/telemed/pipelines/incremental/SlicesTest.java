package uk.nhs.healthjustice.telemed.pipelines.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Slice names worked by hand: a consult at 23:30 UTC on 31 March 2026 is on 1 April in London (BST), so in
 * slice 2026-04; one at 23:30 UTC on 31 January 2026 (GMT) stays in 2026-01. A referral files under the month
 * of its referral date. A February month and a 2025-26 Q4 quarter (January-March) both lie in quarter 2026-01;
 * May lies in 2026-04.
 */
class SlicesTest extends SparkTestBase {

    @Test
    void consultsFileUnderTheirLondonMonth() {
        StructType s = new StructType().add("scheduled_start", DataTypes.TimestampType);
        List<Row> rows = frame(s, new Object[] {instant("2026-03-31T23:30:00Z")}, new Object[] {instant("2026-01-31T23:30:00Z")})
                .select(Slices.curatedMonth("consults")).collectAsList();
        assertEquals(List.of("2026-04", "2026-01"), rows.stream().map(r -> r.getString(0)).toList());
    }

    @Test
    void referralsAndCasesFileUnderTheMonthOfReferral() {
        StructType s = new StructType().add("referral_date", DataTypes.DateType);
        for (String log : List.of("referrals", "mha_assessments")) {
            Row r = frame(s, new Object[] {date("2026-03-31")}).select(Slices.curatedMonth(log)).first();
            assertEquals("2026-03", r.getString(0), log);
        }
    }

    /** 23:30 UTC on 31 March 2026 is 1 April in London (BST): the version 2 logs file under their London dates. */
    @Test
    void theVersion2LogsFileUnderTheLondonMonthOfTheirOwnDate() {
        java.util.Map<String, String> dateOf = java.util.Map.of("prescriptions", "issued_at",
                "medication_incidents", "occurred_at", "security_events", "occurred_at", "patients", "record_updated_at");
        for (var e : dateOf.entrySet()) {
            StructType s = new StructType().add(e.getValue(), DataTypes.TimestampType);
            Row r = frame(s, new Object[] {instant("2026-03-31T23:30:00Z")}).select(Slices.curatedMonth(e.getKey()))
                    .first();
            assertEquals("2026-04", r.getString(0), e.getKey());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Slices.curatedMonth("unknown_log"));
    }

    @Test
    void periodsLieInTheirQuarter() {
        StructType s = new StructType().add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType);
        List<Row> rows = frame(s, new Object[] {"month", date("2026-02-01")}, new Object[] {"quarter", date("2026-01-01")},
                new Object[] {"month", date("2026-05-01")}).select(Slices.periodQuarter()).collectAsList();
        assertEquals(List.of("2026-01", "2026-01", "2026-04"), rows.stream().map(r -> r.getString(0)).toList());
    }
}
