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

    // ---- the safety logs (ChangedPeriods.safety), worked by hand:
    //
    // curated now: consults C1 (2026-02-10, London), C2 (2025-11-03); prescriptions P1 (C1, issued 2026-02-10),
    // P2 (C2, issued 2025-11-04), P3 (no consult, issued 2026-06-01); incidents I1 (names P9, unknown: unlinked,
    // occurred 2025-09-09), I2 (names P2, occurred 2026-04-20); security event E1 (2026-05-05).

    static final StructType PRESCRIPTIONS = new StructType()
            .add("prescription_id", DataTypes.StringType).add("consult_id", DataTypes.StringType)
            .add("issued_at", DataTypes.TimestampType);
    static final StructType INCIDENTS = new StructType()
            .add("prescription_id", DataTypes.StringType).add("occurred_at", DataTypes.TimestampType);
    static final StructType EVENTS = new StructType().add("occurred_at", DataTypes.TimestampType);
    static final StructType SAFETY_CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType).add("scheduled_start", DataTypes.TimestampType);

    private Dataset<Row> rx(Object[]... rows) {
        return frame(PRESCRIPTIONS, rows);
    }

    private Dataset<Row> incidents(Object[]... rows) {
        return frame(INCIDENTS, rows);
    }

    private Dataset<Row> events(Object[]... rows) {
        return frame(EVENTS, rows);
    }

    private Dataset<Row> safetyConsults(Object[]... rows) {
        return frame(SAFETY_CONSULTS, rows);
    }

    private static final Object[] C1 = {"C1", utc("2026-02-10T09:00:00Z")};
    private static final Object[] C2 = {"C2", utc("2025-11-03T09:00:00Z")};
    private static final Object[] P1 = {"P1", "C1", utc("2026-02-10T11:00:00Z")};
    private static final Object[] P2 = {"P2", "C2", utc("2025-11-04T11:00:00Z")};
    private static final Object[] P3 = {"P3", null, utc("2026-06-01T11:00:00Z")};
    private static final Object[] I1 = {"P9", utc("2025-09-09T12:00:00Z")};
    private static final Object[] I2 = {"P2", utc("2026-04-20T12:00:00Z")};

    /** The reach of one kind of change, every other pair empty, against the curated tables above. */
    private Date safetyReach(Dataset<Row> rxBefore, Dataset<Row> rxAfter, Dataset<Row> incBefore,
                             Dataset<Row> incAfter, Dataset<Row> evBefore, Dataset<Row> evAfter,
                             Dataset<Row> consultsBefore, Dataset<Row> consultsAfter) {
        return earliest(ChangedPeriods.safety(rxBefore, rxAfter, incBefore, incAfter, evBefore, evAfter,
                consultsBefore, consultsAfter, rx(P1, P2, P3), incidents(I1, I2), safetyConsults(C1, C2)));
    }

    @Test
    void nothingChangedReachesNothing() {
        assertNull(safetyReach(rx(), rx(), incidents(), incidents(), events(), events(), safetyConsults(),
                safetyConsults()));
    }

    /** P3 re-issued from 2026-06-01 to 2026-07-15, no consult, no incident: its old day. */
    @Test
    void aMovedPrescriptionReachesItsEarlierIssueDay() {
        Object[] moved = {"P3", null, utc("2026-07-15T11:00:00Z")};
        assertEquals(date("2026-06-01"), safetyReach(rx(P3), rx(moved), incidents(), incidents(), events(),
                events(), safetyConsults(), safetyConsults()));
    }

    /**
     * A new P9 issued 2026-03-01 in consult C1: I1 (2025-09-09), unlinked until now, becomes linked; C1's
     * mismatch is on 2026-02-10; the earliest is I1's day.
     */
    @Test
    void aNewPrescriptionReachesTheIncidentItLinks() {
        Object[] p9 = {"P9", "C1", utc("2026-03-01T11:00:00Z")};
        assertEquals(date("2025-09-09"), safetyReach(rx(), rx(p9), incidents(), incidents(), events(), events(),
                safetyConsults(), safetyConsults()));
    }

    /** P1 moved from consult C1 to C2: C2's day, 2025-11-03, is before both issue days (2026-02-10). */
    @Test
    void aPrescriptionMovedBetweenConsultsReachesEachConsultsDay() {
        Object[] moved = {"P1", "C2", utc("2026-02-10T11:00:00Z")};
        assertEquals(date("2025-11-03"), safetyReach(rx(P1), rx(moved), incidents(), incidents(), events(),
                events(), safetyConsults(), safetyConsults()));
    }

    /** A new incident on 2026-04-20 naming P2: it counts in P2's period, 2025-11-04. */
    @Test
    void aNewIncidentReachesItsPrescriptionsIssueDay() {
        assertEquals(date("2025-11-04"), safetyReach(rx(), rx(), incidents(), incidents(I2), events(), events(),
                safetyConsults(), safetyConsults()));
    }

    /** A security event moved from 2026-05-05 to 23:30 UTC on 31 March 2026, 1 April in London (BST). */
    @Test
    void aMovedSecurityEventReachesItsLondonDay() {
        assertEquals(date("2026-04-01"), safetyReach(rx(), rx(), incidents(), incidents(),
                events(new Object[] {utc("2026-05-05T10:00:00Z")}), events(new Object[] {utc("2026-03-31T23:30:00Z")}),
                safetyConsults(), safetyConsults()));
    }

    /** Consult C2 corrected (its modality, say): P2, issued 2025-11-04, follows it; C2's own day is consults'. */
    @Test
    void aChangedConsultReachesThePrescriptionsNamingIt() {
        assertEquals(date("2025-11-04"), safetyReach(rx(), rx(), incidents(), incidents(), events(), events(),
                safetyConsults(C2), safetyConsults(C2)));
    }
}
