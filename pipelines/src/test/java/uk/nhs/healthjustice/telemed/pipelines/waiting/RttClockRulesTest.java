package uk.nhs.healthjustice.telemed.pipelines.waiting;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * RTT clock rules of METRICS.md version 2 (completions against removals), the waiting-list standard and the
 * flows, worked by hand. Nine pathways at site S1 (region North, specialty 330, routine); run date 2026-06-30.
 * <pre>
 * A ref 2026-01-05, video attended 02-10 (first wait 36), first_treatment 03-10   -> completed, rtt 26+28+10 = 64
 * B ref 2026-01-20, never seen, released 03-05                                     -> removal (March), no wait
 * C ref 2026-02-01, onsite attended 02-20 (first wait 19), transferred_out 03-20   -> removal (March), in_person
 * D ref 2026-02-15, never seen, died 04-02                                         -> removal (April)
 * E ref 2026-03-01, never seen, open
 * F ref 2026-03-03, never seen, released 03-31 (the period end itself)            -> removal (March)
 * G ref 2026-03-15, never seen, patient_declined 03-25                             -> completed, rtt 10, not_seen
 * H ref 2024-10-01, never seen, open: 546 days at 31 March 2026 (exactly 78 weeks)
 * I ref 2024-04-01, never seen, open: 729 days at 31 March 2026 (104 weeks + 1 day)
 * </pre>
 * Under the old rule every clock stop completed: March would have had 5 completed pathways (A, B, C, F, G).
 */
class RttClockRulesTest extends SparkTestBase {

    static final LocalDate RUN_DATE = LocalDate.parse("2026-06-30");

    private Dataset<Row> pathways;
    private Dataset<Row> referrals;
    private Dataset<Row> consults;
    private Dataset<Row> sites;
    private Dataset<Row> mart;

    @BeforeEach
    void build() {
        referrals = frame(WaitingTimesTest.REFERRALS,
                new Object[] {"A", "S1", "330", "routine", date("2026-01-05"), date("2026-03-10"), "first_treatment", "closed"},
                new Object[] {"B", "S1", "330", "routine", date("2026-01-20"), date("2026-03-05"), "released", "closed"},
                new Object[] {"C", "S1", "330", "routine", date("2026-02-01"), date("2026-03-20"), "transferred_out", "closed"},
                new Object[] {"D", "S1", "330", "routine", date("2026-02-15"), date("2026-04-02"), "died", "closed"},
                new Object[] {"E", "S1", "330", "routine", date("2026-03-01"), null, null, "open"},
                new Object[] {"F", "S1", "330", "routine", date("2026-03-03"), date("2026-03-31"), "released", "closed"},
                new Object[] {"G", "S1", "330", "routine", date("2026-03-15"), date("2026-03-25"), "patient_declined", "closed"},
                new Object[] {"H", "S1", "330", "routine", date("2024-10-01"), null, null, "open"},
                new Object[] {"I", "S1", "330", "routine", date("2024-04-01"), null, null, "open"});
        consults = frame(WaitingTimesTest.CONSULTS,
                new Object[] {"CA", "A", utc("2026-02-10T10:00:00Z"), "video", "attended", true},
                new Object[] {"CC", "C", utc("2026-02-20T10:00:00Z"), "face_to_face_onsite", "attended", true});
        sites = frame(WaitingTimesTest.SITES, new Object[] {"S1", "North"});
        pathways = Pathways.build(referrals, consults, sites).cache();
        mart = WaitingTimes.compute(pathways, RUN_DATE).cache();
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

    /**
     * March 2026, all modalities. Completed: A (64) and G (10) only: 2 pathways; sorted [10, 64], median rank
     * ceil(0.5 x 2) = 1 -> 10, p92 rank ceil(0.92 x 2) = 2 -> 64, mean (10 + 64) / 2 = 37. The released B and
     * F and the transferred C have no completed wait.
     */
    @Test
    void aRemovalIsNotACompletedPathway() {
        Row march = row("month", "2026-03", "S1", "ALL", "rtt");
        assertEquals(2L, march.<Long>getAs("completed_pathways"));
        assertEquals(10, march.<Integer>getAs("median_wait_days"));
        assertEquals(64, march.<Integer>getAs("p92_wait_days"));
        assertEquals(37.0, march.<Double>getAs("mean_wait_days"), 1e-9);
        assertEquals(2L, march.<Long>getAs("completed_within_18_weeks"));
        // D died in April: no completed pathway there either
        assertEquals(0L, row("month", "2026-04", "S1", "ALL", "rtt").<Long>getAs("completed_pathways"));
        // first attendance is completed whatever happens to the clock later: A (36) and C (19) in February
        Row febFirst = row("month", "2026-02", "S1", "ALL", "first_attendance");
        assertEquals(2L, febFirst.<Long>getAs("completed_pathways"));
        assertEquals(19, febFirst.<Integer>getAs("median_wait_days"));
    }

    /**
     * The waiting list. 28 February: A (54 days), B (39), C (27), D (13), H (515), I (698) = 6; B is still on
     * it before its release; I is over 78 weeks (698 > 546) but not over 104 (698 <= 728), H is not over 78.
     * 31 March: D (13 + 31 = 44), E (30), H (546), I (729) = 4; B (released 5 March), C (transferred out),
     * F (released on 31 March itself) are off the list. Sorted [30, 44, 546, 729]: median rank 2 -> 44, p92
     * rank ceil(3.68) = 4 -> 729; within 18 weeks (<= 126): 30 and 44 = 2, so 2 / 4 = 50%; over 18 weeks 2,
     * over 52 (> 364) 2, over 65 (> 455) 2, over 78 (> 546) 1 (H's 546 is not over), over 104 (> 728) 1.
     * 30 April: E (60), H (576), I (759) = 3, D died on 2 April.
     */
    @Test
    void aRemovalLeavesTheWaitingListFromItsDay() {
        Row feb = row("month", "2026-02", "S1", "ALL", "rtt");
        assertEquals(6L, feb.<Long>getAs("incomplete_pathways"));
        assertEquals(1L, feb.<Long>getAs("incomplete_over_78_weeks"));
        assertEquals(0L, feb.<Long>getAs("incomplete_over_104_weeks"));

        Row march = row("month", "2026-03", "S1", "ALL", "rtt");
        assertEquals(4L, march.<Long>getAs("incomplete_pathways"));
        assertEquals(44, march.<Integer>getAs("incomplete_median_wait_days"));
        assertEquals(729, march.<Integer>getAs("incomplete_p92_wait_days"));
        assertEquals(2L, march.<Long>getAs("incomplete_within_18_weeks"));
        assertEquals(50.0, march.<Double>getAs("pct_incomplete_within_18_weeks"), 1e-9);
        assertEquals(2L, march.<Long>getAs("incomplete_over_18_weeks"));
        assertEquals(2L, march.<Long>getAs("incomplete_over_52_weeks"));
        assertEquals(2L, march.<Long>getAs("incomplete_over_65_weeks"));
        assertEquals(1L, march.<Long>getAs("incomplete_over_78_weeks"));
        assertEquals(1L, march.<Long>getAs("incomplete_over_104_weeks"));
        // none of the four was ever seen
        assertEquals(4L, row("month", "2026-03", "S1", "not_seen", "rtt").<Long>getAs("incomplete_pathways"));

        Row april = row("month", "2026-04", "S1", "ALL", "rtt");
        assertEquals(3L, april.<Long>getAs("incomplete_pathways"));
        // sorted [60, 576, 759]: median rank 2 -> 576; within 18 weeks 1 of 3
        assertEquals(576, april.<Integer>getAs("incomplete_median_wait_days"));
        assertEquals(100.0 / 3, april.<Double>getAs("pct_incomplete_within_18_weeks"), 1e-9);
    }

    /**
     * Flows counted in the period of their day. March: new clock starts E, F, G = 3; removed_released B and F
     * = 2; removed_transferred_out C = 1; removed_died 0 (D is April). released_before_treatment_rate =
     * 2 / (2 completed + 2 + 1 + 0) = 0.4. April: died 1, no completion, rate 0 / (0 + 0 + 0 + 1) = 0.
     * Quarter 2025-26 Q4 (January-March): starts A..G = 7 (H and I were referred in 2024), the same removals
     * and completions as March, rate 0.4. Quarter 2026-27 Q1: died 1, starts 0, rate 0; waiting list at 30 June
     * E (30 + 30 + 31 + 30 = 121 days, within 18 weeks), H, I = 3. May has waiting-list rows but no completion
     * or removal: rate null (denominator 0).
     */
    @Test
    void removalFlowsAndNewClockStartsCountInTheirPeriod() {
        Row march = row("month", "2026-03", "S1", "ALL", "rtt");
        assertEquals(3L, march.<Long>getAs("new_clock_starts"));
        assertEquals(2L, march.<Long>getAs("removed_released"));
        assertEquals(1L, march.<Long>getAs("removed_transferred_out"));
        assertEquals(0L, march.<Long>getAs("removed_died"));
        assertEquals(0.4, march.<Double>getAs("released_before_treatment_rate"), 1e-9);

        Row april = row("month", "2026-04", "S1", "ALL", "rtt");
        assertEquals(1L, april.<Long>getAs("removed_died"));
        assertEquals(0L, april.<Long>getAs("removed_released"));
        assertEquals(0L, april.<Long>getAs("new_clock_starts"));
        assertEquals(0.0, april.<Double>getAs("released_before_treatment_rate"), 1e-9);

        Row q4 = row("quarter", "2025-26 Q4", "ALL", "ALL", "rtt");
        assertEquals(7L, q4.<Long>getAs("new_clock_starts"));
        assertEquals(2L, q4.<Long>getAs("completed_pathways"));
        assertEquals(2L, q4.<Long>getAs("removed_released"));
        assertEquals(1L, q4.<Long>getAs("removed_transferred_out"));
        assertEquals(0.4, q4.<Double>getAs("released_before_treatment_rate"), 1e-9);

        Row q1 = row("quarter", "2026-27 Q1", "ALL", "ALL", "rtt");
        assertEquals(1L, q1.<Long>getAs("removed_died"));
        assertEquals(0L, q1.<Long>getAs("new_clock_starts"));
        assertEquals(3L, q1.<Long>getAs("incomplete_pathways"));
        assertEquals(1L, q1.<Long>getAs("incomplete_within_18_weeks"));
        assertEquals(0.0, q1.<Double>getAs("released_before_treatment_rate"), 1e-9);

        assertNull(row("month", "2026-05", "S1", "ALL", "rtt").getAs("released_before_treatment_rate"));
        // flows and the list standard are RTT columns only
        Row febFirst = row("month", "2026-02", "S1", "ALL", "first_attendance");
        assertNull(febFirst.getAs("new_clock_starts"));
        assertNull(febFirst.getAs("removed_released"));
        assertNull(febFirst.getAs("pct_incomplete_within_18_weeks"));
    }

    /**
     * Removals take the modality group of the first attendance on or before the removal day. March: not_seen
     * holds G (completed) and B, F (released): rate 2 / (1 + 2) = 2/3; in_person holds C (transferred out, seen
     * onsite 20 February): rate 0 / (0 + 0 + 1 + 0) = 0; telemedicine holds A (completed): rate 0 / 1 = 0.
     */
    @Test
    void flowsByModalityGroup() {
        Row notSeen = row("month", "2026-03", "S1", "not_seen", "rtt");
        assertEquals(1L, notSeen.<Long>getAs("completed_pathways"));
        assertEquals(2L, notSeen.<Long>getAs("removed_released"));
        assertEquals(2.0 / 3, notSeen.<Double>getAs("released_before_treatment_rate"), 1e-9);
        Row inPerson = row("month", "2026-03", "S1", "in_person", "rtt");
        assertEquals(0L, inPerson.<Long>getAs("completed_pathways"));
        assertEquals(1L, inPerson.<Long>getAs("removed_transferred_out"));
        assertEquals(0.0, inPerson.<Double>getAs("released_before_treatment_rate"), 1e-9);
        Row tele = row("month", "2026-03", "S1", "telemedicine", "rtt");
        assertEquals(1L, tele.<Long>getAs("completed_pathways"));
        assertEquals(0.0, tele.<Double>getAs("released_before_treatment_rate"), 1e-9);
    }

    /**
     * A nightly window must equal the full computation of its periods, stocks and flows included: from
     * 2026-04-01 (only D, E, H, I reach it: A, B, C, F, G stopped in March) and from 2026-01-01.
     */
    @Test
    void aWindowOfPeriodsIsTheFullComputationOfThosePeriods() {
        for (String day : List.of("2026-04-01", "2026-01-01")) {
            LocalDate from = LocalDate.parse(day);
            Dataset<Row> window = WaitingTimes.compute(pathways, from, RUN_DATE);
            assertSameRows(mart.filter(col("period_start").geq(date(day))), window);
            assertSameRows(window, WaitingTimes.compute(Pathways.build(referrals, consults, sites, from), from, RUN_DATE));
        }
        assertEquals(List.of("D", "E", "H", "I"), Pathways.build(referrals, consults, sites, LocalDate.parse("2026-04-01"))
                .select("referral_id").sort("referral_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }
}
