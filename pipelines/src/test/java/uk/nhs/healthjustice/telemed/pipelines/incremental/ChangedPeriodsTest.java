package uk.nhs.healthjustice.telemed.pipelines.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Date;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The earliest day a night's changes reach, worked by hand one rule at a time:
 * <pre>
 * R1 open since 2025-01-10, now closed with a clock stop on 2026-03-05: only the stop moved   -> 2026-03-05
 * R2 new, referred 2026-02-20, already attended on 2026-01-15 (the consult came first)        -> 2026-01-15
 * R3 priority corrected routine -> urgent, referred 2024-06-01, stopped 2026-02-01: all moved   -> 2024-06-01
 * R4 a new version changing nothing the marts read (status open -> on_hold, no stop)          -> none
 * K1 moved from 23:30 UTC on 31 March 2026 (1 April in London, BST) to 3 April               -> 2026-04-01
 * K2 new on 2026-05-01                                                                         -> 2026-05-01
 * </pre>
 */
class ChangedPeriodsTest extends SparkTestBase {

    static final StructType REFERRALS = new StructType()
            .add("referral_id", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType).add("priority", DataTypes.StringType)
            .add("referral_date", DataTypes.DateType).add("clock_stop_date", DataTypes.DateType)
            .add("status", DataTypes.StringType);
    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType).add("referral_id", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType).add("outcome", DataTypes.StringType);

    private Dataset<Row> referrals(Object[]... rows) {
        return frame(REFERRALS, rows);
    }

    private Dataset<Row> consults(Object[]... rows) {
        return frame(CONSULTS, rows);
    }

    private final Dataset<Row> allConsults() {
        return consults(
                new Object[] {"K0", "R2", utc("2026-01-15T10:00:00Z"), "attended"},
                new Object[] {"K9", "R3", utc("2023-01-01T10:00:00Z"), "did_not_attend"},
                new Object[] {"K8", "R3", utc("2024-07-01T10:00:00Z"), "attended"});
    }

    private static Date earliest(Dataset<Row> result) {
        Row r = result.first();
        assertEquals(1, result.count());
        return r.isNullAt(0) ? null : r.getDate(0);
    }

    @Test
    void aClosedPathwayReachesBackToItsClockStopOnly() {
        Dataset<Row> before = referrals(new Object[] {"R1", "S1", "330", "routine", date("2025-01-10"), null, "open"});
        Dataset<Row> after = referrals(
                new Object[] {"R1", "S1", "330", "routine", date("2025-01-10"), date("2026-03-05"), "first_treatment"});
        assertEquals(date("2026-03-05"), earliest(ChangedPeriods.referrals(before, after, allConsults())));
    }

    @Test
    void aNewReferralReachesBackToAFirstAttendanceBeforeIt() {
        Dataset<Row> after = referrals(new Object[] {"R2", "S1", "330", "routine", date("2026-02-20"), null, "open"});
        assertEquals(date("2026-01-15"), earliest(ChangedPeriods.referrals(referrals(), after, allConsults())));
    }

    @Test
    void aCorrectedPriorityMovesTheWholePathway() {
        Dataset<Row> before = referrals(
                new Object[] {"R3", "S1", "330", "routine", date("2024-06-01"), date("2026-02-01"), "first_treatment"});
        Dataset<Row> after = referrals(
                new Object[] {"R3", "S1", "330", "urgent", date("2024-06-01"), date("2026-02-01"), "first_treatment"});
        assertEquals(date("2024-06-01"), earliest(ChangedPeriods.referrals(before, after, allConsults())));
    }

    @Test
    void aChangeTheMartsDoNotReadReachesNothing() {
        Dataset<Row> before = referrals(new Object[] {"R4", "S1", "330", "routine", date("2025-05-01"), null, "open"});
        Dataset<Row> after = referrals(new Object[] {"R4", "S1", "330", "routine", date("2025-05-01"), null, "on_hold"});
        assertNull(earliest(ChangedPeriods.referrals(before, after, allConsults())));
    }

    @Test
    void consultsReachTheirOldAndNewLondonDates() {
        Dataset<Row> before = consults(new Object[] {"K1", "R1", utc("2026-03-31T23:30:00Z"), "booked"});
        Dataset<Row> after = consults(
                new Object[] {"K1", "R1", utc("2026-04-03T10:00:00Z"), "attended"},
                new Object[] {"K2", "R1", utc("2026-05-01T10:00:00Z"), "attended"});
        assertEquals(date("2026-04-01"), earliest(ChangedPeriods.consults(before, after)));
        assertEquals(date("2026-05-01"), earliest(ChangedPeriods.consults(consults(),
                consults(new Object[] {"K2", "R1", utc("2026-05-01T10:00:00Z"), "attended"}))));
    }
}
