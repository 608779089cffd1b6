package uk.nhs.healthjustice.telemed.pipelines.waiting;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Six pathways at one site, worked by hand:
 * <pre>
 * P1 ref 2026-01-01, video attended 2026-02-15 (wait 45), clock stop 2026-03-01 (rtt 59, telemedicine)
 * P2 ref 2026-01-10, DNA 2026-03-01, offsite attended 2026-05-15T23:30Z = 16 May London (wait 126), no stop
 * P3 ref 2026-01-10, onsite attended 2026-05-17 (wait 127), clock stop 2026-05-17 (rtt 127, in_person)
 * P4 cancelled (entered in error), attended 2026-01-20: in no measure
 * P5 ref 2025-12-01, never seen, open
 * P6 ref 2026-02-01, never seen, clock stop 2026-03-10 (rtt 37, not_seen)
 * </pre>
 * The clock stops of P1 and P3 are {@code first_treatment}, P6's {@code decision_not_to_treat}: all three
 * complete their pathway (removals are in {@link RttClockRulesTest}).
 */
class WaitingTimesTest extends SparkTestBase {

    static final StructType REFERRALS = new StructType()
            .add("referral_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType)
            .add("priority", DataTypes.StringType)
            .add("referral_date", DataTypes.DateType)
            .add("clock_stop_date", DataTypes.DateType)
            .add("clock_stop_reason", DataTypes.StringType)
            .add("status", DataTypes.StringType);
    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType)
            .add("referral_id", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType)
            .add("first_attendance", DataTypes.BooleanType);
    static final StructType SITES = new StructType()
            .add("site_id", DataTypes.StringType)
            .add("region", DataTypes.StringType);

    private Dataset<Row> mart;
    private Dataset<Row> pathways;
    private Dataset<Row> referrals;
    private Dataset<Row> consults;
    private Dataset<Row> sites;

    @BeforeEach
    void build() {
        referrals = frame(REFERRALS,
                new Object[] {"P1", "S1", "330", "routine", date("2026-01-01"), date("2026-03-01"), "first_treatment", "closed"},
                new Object[] {"P2", "S1", "330", "routine", date("2026-01-10"), null, null, "open"},
                new Object[] {"P3", "S1", "330", "routine", date("2026-01-10"), date("2026-05-17"), "first_treatment", "closed"},
                new Object[] {"P4", "S1", "330", "routine", date("2026-01-01"), null, null, "cancelled"},
                new Object[] {"P5", "S1", "330", "routine", date("2025-12-01"), null, null, "open"},
                new Object[] {"P6", "S1", "330", "routine", date("2026-02-01"), date("2026-03-10"), "decision_not_to_treat", "closed"});
        consults = frame(CONSULTS,
                new Object[] {"C1", "P1", utc("2026-02-15T10:00:00Z"), "video", "attended", true},
                new Object[] {"C1b", "P1", utc("2026-02-20T10:00:00Z"), "face_to_face_onsite", "attended", true},
                new Object[] {"C2a", "P2", utc("2026-03-01T10:00:00Z"), "video", "did_not_attend", true},
                new Object[] {"C2", "P2", utc("2026-05-15T23:30:00Z"), "face_to_face_offsite", "attended", false},
                new Object[] {"C3", "P3", utc("2026-05-17T09:00:00Z"), "face_to_face_onsite", "attended", true},
                new Object[] {"C4", "P4", utc("2026-01-20T09:00:00Z"), "video", "attended", true},
                new Object[] {"C9", null, utc("2026-01-21T09:00:00Z"), "video", "attended", true});
        sites = frame(SITES, new Object[] {"S1", "North"});
        pathways = Pathways.build(referrals, consults, sites).cache();
        mart = WaitingTimes.compute(pathways, LocalDate.parse("2026-05-31")).cache();
    }

    private Row row(String periodType, String label, String site, String modality, String measure) {
        List<Row> rows = mart.filter(col("period_type").equalTo(periodType).and(col("period_label").equalTo(label))
                .and(col("site_id").equalTo(site)).and(col("region").equalTo(site.equals("ALL") ? "ALL" : "North"))
                .and(col("specialty_code").equalTo("ALL"))
                .and(col("priority").equalTo("ALL")).and(col("modality_group").equalTo(modality))
                .and(col("measure").equalTo(measure))).collectAsList();
        assertEquals(1, rows.size(), periodType + " " + label + " " + site + " " + modality + " " + measure);
        return rows.get(0);
    }

    @Test
    void firstAttendanceWaitsIncludingTheEighteenWeekBoundary() {
        Row may = row("month", "2026-05", "S1", "ALL", "first_attendance");
        assertEquals(2L, may.<Long>getAs("completed_pathways"));
        assertEquals(126, may.<Integer>getAs("median_wait_days"));
        assertEquals(127, may.<Integer>getAs("p92_wait_days"));
        assertEquals(126.5, may.<Double>getAs("mean_wait_days"), 1e-9);
        assertEquals(1L, may.<Long>getAs("completed_within_18_weeks"));
        assertEquals(50.0, may.<Double>getAs("pct_within_18_weeks"), 1e-9);
        assertNull(may.getAs("incomplete_pathways"));

        Row feb = row("month", "2026-02", "S1", "telemedicine", "first_attendance");
        assertEquals(1L, feb.<Long>getAs("completed_pathways"));
        assertEquals(45, feb.<Integer>getAs("median_wait_days"));

        Row q1 = row("quarter", "2026-27 Q1", "ALL", "in_person", "first_attendance");
        assertEquals(2L, q1.<Long>getAs("completed_pathways"));
        assertEquals("ALL", q1.<String>getAs("region"));
    }

    @Test
    void cancelledReferralsAndConsultsOffPathwayAreNoPathway() {
        assertEquals(0, mart.filter(col("period_label").equalTo("2026-01").and(col("measure").equalTo("first_attendance")))
                .count());
    }

    @Test
    void rttCompletedTakesModalityOnOrBeforeTheClockStop() {
        Row march = row("month", "2026-03", "S1", "ALL", "rtt");
        assertEquals(2L, march.<Long>getAs("completed_pathways"));
        assertEquals(37, march.<Integer>getAs("median_wait_days"));
        assertEquals(59, march.<Integer>getAs("p92_wait_days"));
        assertEquals(48.0, march.<Double>getAs("mean_wait_days"), 1e-9);
        assertEquals(1L, row("month", "2026-03", "S1", "not_seen", "rtt").<Long>getAs("completed_pathways"));
        assertEquals(1L, row("month", "2026-03", "S1", "telemedicine", "rtt").<Long>getAs("completed_pathways"));
        Row may = row("month", "2026-05", "S1", "in_person", "rtt");
        assertEquals(127, may.<Integer>getAs("median_wait_days"));
        assertEquals(0.0, may.<Double>getAs("pct_within_18_weeks"), 1e-9);
    }

    @Test
    void waitingListAtPeriodEnd() {
        // 31 March: P2 (80 days), P3 (80), P5 (120), none seen by then
        Row march = row("month", "2026-03", "S1", "ALL", "rtt");
        assertEquals(3L, march.<Long>getAs("incomplete_pathways"));
        assertEquals(0L, march.<Long>getAs("incomplete_over_18_weeks"));
        assertEquals(120, march.<Integer>getAs("incomplete_p92_wait_days"));
        assertEquals(3L, row("month", "2026-03", "S1", "not_seen", "rtt").<Long>getAs("incomplete_pathways"));
        assertEquals(3L, row("quarter", "2025-26 Q4", "ALL", "ALL", "rtt").<Long>getAs("incomplete_pathways"));

        // 31 May: P2 (141 days, seen in person on 16 May) and P5 (181, never seen)
        Row may = row("month", "2026-05", "S1", "ALL", "rtt");
        assertEquals(2L, may.<Long>getAs("incomplete_pathways"));
        assertEquals(2L, may.<Long>getAs("incomplete_over_18_weeks"));
        assertEquals(0L, may.<Long>getAs("incomplete_over_52_weeks"));
        assertEquals(181, may.<Integer>getAs("incomplete_p92_wait_days"));
        assertEquals(1L, row("month", "2026-05", "S1", "in_person", "rtt").<Long>getAs("incomplete_pathways"));

        // 31 December 2025: only P5 (30 days)
        Row dec = row("month", "2025-12", "ALL", "ALL", "rtt");
        assertEquals(1L, dec.<Long>getAs("incomplete_pathways"));
        assertEquals(30, dec.<Integer>getAs("incomplete_p92_wait_days"));
        assertEquals(0L, dec.<Long>getAs("completed_pathways"));
        assertNull(dec.getAs("median_wait_days"));
    }

    @Test
    void everyGeographicLevelIsPresent() {
        for (String[] geo : new String[][] {{"North", "S1"}, {"North", "ALL"}, {"ALL", "ALL"}}) {
            org.junit.jupiter.api.Assertions.assertTrue(mart.filter(col("region").equalTo(geo[0]).and(col("site_id").equalTo(geo[1]))
                    .and(col("period_label").equalTo("2026-05"))).count() > 0, String.join("/", geo));
        }
        assertEquals(0, mart.filter(col("region").equalTo("ALL").and(col("site_id").notEqual("ALL"))).count());
    }

    /**
     * A nightly run recomputes the periods from a quarter on: they must be exactly the full rows of those
     * periods. From 2026-04-01: P1 and P6 (stopped in March) drop out; at the April month end P2, P3 and P5
     * wait; May completes P2 (first attendance) and P3.
     */
    @Test
    void aWindowOfPeriodsIsTheFullComputationOfThosePeriods() {
        LocalDate from = LocalDate.parse("2026-04-01");
        Dataset<Row> window = WaitingTimes.compute(pathways, from, LocalDate.parse("2026-05-31"));
        assertSameRows(mart.filter(col("period_start").geq(date("2026-04-01"))), window);
        assertEquals(0, window.filter(col("period_start").lt(date("2026-04-01"))).count());
        // the pathways that can reach the window: P2, P3 and P5; P1, P6 stopped before it, P4 is cancelled
        Dataset<Row> candidates = Pathways.build(referrals, consults, sites, from);
        assertEquals(List.of("P2", "P3", "P5"), candidates.select("referral_id").sort("referral_id").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertSameRows(window, WaitingTimes.compute(candidates, from, LocalDate.parse("2026-05-31")));
        Row april = window.filter(col("period_label").equalTo("2026-04").and(col("site_id").equalTo("ALL"))
                .and(col("specialty_code").equalTo("ALL")).and(col("priority").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL")).and(col("measure").equalTo("rtt"))).first();
        assertEquals(3L, april.<Long>getAs("incomplete_pathways"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> WaitingTimes.compute(pathways, LocalDate.parse("2026-05-01"), LocalDate.parse("2026-05-31")));
    }
}
