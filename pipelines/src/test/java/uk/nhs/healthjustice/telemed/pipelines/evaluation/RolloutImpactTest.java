package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import static org.apache.spark.sql.functions.col;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * S1 goes live on 2025-08-15 (quarter 2025-26 Q2, July-September); S2 never does. Quarterly mean first-attendance
 * waits, worked by hand:
 * <pre>
 *   quarter   2024-07 2024-10 2025-01 2025-04 | 2025-07 | 2025-10 2026-01 2026-04 2026-07
 *   S1 mean      50      52      48      50   |   45    |   40      38      42      30
 *   S1 paths     10      10      20      10   |   10    |   10      10      10      30
 *   S2 mean      60 in every quarter, 10 pathways
 * S1 before = (500 + 520 + 960 + 500) / 50 = 49.6; after = (400 + 380 + 420 + 900) / 60 = 35.0; change -14.6.
 * National, base 2025-04 (S1 50, S2 60): e=-4: 0, e=-3: 2, e=-2: -2, e=0: -5, e=1: -10, e=2: -12, e=3: -8,
 * e=4: -20; overall (1..4) = -50 / 4 = -12.5.
 * </pre>
 * With the logs covering only to 2026-08-31, quarter 2026-07 is not full and is left out: after = 1200 / 30 = 40.0
 * over 3 quarters, and the overall effect = (-10 - 12 - 8) / 3 = -10.
 *
 * <p>S2 is the only comparison site and it never goes live, so the {@code never_treated} estimates equal the
 * {@code not_yet_treated} ones. Site rows carry {@code control} null and stay one per site x outcome x event time.
 *
 * <p>Referral cohort ({@code mean_first_attendance_wait_days_by_referral}), pathways by quarter of referral:
 * <pre>
 *   referral quarter   2025-04 | 2025-07 | 2025-10  2026-01  2026-04
 *   S1 waits           40, 60  |   45    | 30, 34     28       20
 *   S2 waits             70    |   70    |   72       66       60
 * Logs to 2026-09-30: a referral quarter is used once 182 days have passed since its end, so 2026-01 (ends
 * 2026-03-31, + 182 days = 2026-09-29) is used and 2026-04 is not. A pathway never seen is in no mean.
 * Base 2025-04: S1 50, S2 70. e=0: (45 - 50) - (70 - 70) = -5; e=1: (32 - 50) - (72 - 70) = -20;
 * e=2: (28 - 50) - (66 - 70) = -18; overall (1..4, only 1 and 2 present) = -19.
 * S1 summary: before 50 (n 2), after (32 x 2 + 28 x 1) / 3 = 92 / 3, 2 quarters after.
 * </pre>
 */
class RolloutImpactTest extends SparkTestBase {

    static final StructType WAITS = new StructType()
            .add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType).add("priority", DataTypes.StringType)
            .add("modality_group", DataTypes.StringType).add("measure", DataTypes.StringType)
            .add("completed_pathways", DataTypes.LongType).add("median_wait_days", DataTypes.IntegerType)
            .add("mean_wait_days", DataTypes.DoubleType);
    static final StructType ACCESS = new StructType()
            .add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("modality_group", DataTypes.StringType).add("consults_due", DataTypes.LongType)
            .add("attended", DataTypes.LongType).add("did_not_attend", DataTypes.LongType)
            .add("cancelled_no_escort", DataTypes.LongType).add("attended_per_1000", DataTypes.DoubleType)
            .add("dna_rate", DataTypes.DoubleType);
    static final StructType MHA = new StructType()
            .add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("first_assessment_modality", DataTypes.StringType).add("cases_assessed", DataTypes.LongType)
            .add("median_days_to_first_assessment", DataTypes.IntegerType);
    static final StructType SITES = new StructType()
            .add("site_id", DataTypes.StringType).add("region", DataTypes.StringType)
            .add("telemedicine_go_live", DataTypes.DateType);

    private Dataset<Row> impact(LocalDate coverageTo) {
        double[] s1 = {50, 52, 48, 50, 45, 40, 38, 42, 30};
        long[] paths = {10, 10, 20, 10, 10, 10, 10, 10, 30};
        List<Object[]> rows = new ArrayList<>();
        for (int t = 0; t < s1.length; t++) {
            java.sql.Date q = java.sql.Date.valueOf(LocalDate.of(2024, 7, 1).plusMonths(3L * t));
            rows.add(new Object[] {"quarter", q, "London", "S1", "ALL", "ALL", "ALL", "first_attendance", paths[t],
                    (int) s1[t], s1[t]});
            rows.add(new Object[] {"quarter", q, "London", "S2", "ALL", "ALL", "ALL", "first_attendance", 10L, 60, 60.0});
            // rows the panel must ignore: a specialty, a modality group, the rtt measure, a month, the region
            rows.add(new Object[] {"quarter", q, "London", "S1", "100", "ALL", "ALL", "first_attendance", 5L, 999, 999.0});
            rows.add(new Object[] {"quarter", q, "London", "S1", "ALL", "ALL", "telemedicine", "first_attendance", 5L, 999, 999.0});
            rows.add(new Object[] {"quarter", q, "London", "S1", "ALL", "ALL", "ALL", "rtt", 5L, 999, 999.0});
            rows.add(new Object[] {"month", q, "London", "S1", "ALL", "ALL", "ALL", "first_attendance", 5L, 999, 999.0});
            rows.add(new Object[] {"quarter", q, "London", "ALL", "ALL", "ALL", "ALL", "first_attendance", 5L, 999, 999.0});
        }
        Dataset<Row> waits = frame(WAITS, rows.toArray(Object[][]::new));
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "London", date("2025-08-15")},
                new Object[] {"S2", "London", null});
        return RolloutImpact.compute(waits, frame(ACCESS), frame(MHA), sites, LocalDate.of(2024, 7, 1), coverageTo, 17,
                200).filter(col("outcome").equalTo("mean_first_attendance_wait_days")).cache();
    }

    static final StructType PATHWAYS = new StructType()
            .add("site_id", DataTypes.StringType).add("referral_date", DataTypes.DateType)
            .add("first_attendance_date", DataTypes.DateType);

    private Dataset<Row> referralCohort() {
        List<Object[]> rows = new ArrayList<>();
        Object[][] waits = {{"S1", "2025-05-10", 40}, {"S1", "2025-06-01", 60}, {"S1", "2025-08-20", 45},
                {"S1", "2025-11-03", 30}, {"S1", "2025-12-30", 34}, {"S1", "2026-02-14", 28}, {"S1", "2026-04-02", 20},
                {"S2", "2025-04-01", 70}, {"S2", "2025-09-30", 70}, {"S2", "2025-10-01", 72}, {"S2", "2026-03-31", 66},
                {"S2", "2026-05-05", 60}};
        for (Object[] w : waits) {
            LocalDate referred = LocalDate.parse((String) w[1]);
            rows.add(new Object[] {w[0], java.sql.Date.valueOf(referred),
                    java.sql.Date.valueOf(referred.plusDays((Integer) w[2]))});
        }
        rows.add(new Object[] {"S1", date("2025-10-05"), null}); // never seen: in no mean
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "London", date("2025-08-15")},
                new Object[] {"S2", "London", null});
        return RolloutImpact.compute(frame(WAITS), frame(ACCESS), frame(MHA), frame(PATHWAYS, rows.toArray(Object[][]::new)),
                        sites, LocalDate.of(2024, 7, 1), LocalDate.of(2026, 9, 30), 17, 200)
                .filter(col("outcome").equalTo(RolloutImpact.REFERRAL_COHORT_OUTCOME)).cache();
    }

    private static Dataset<Row> notYetTreated(Dataset<Row> rows) {
        return rows.filter(col("control").equalTo(RolloutImpact.CONTROL_NOT_YET_TREATED));
    }

    private static Row one(Dataset<Row> rows) {
        List<Row> r = rows.collectAsList();
        Assertions.assertEquals(1, r.size(), rows.toString());
        return r.get(0);
    }

    @Test
    void siteBeforeAndAfterOverFourFullQuarters() {
        Dataset<Row> impact = impact(LocalDate.of(2026, 9, 30));
        Row s1 = one(impact.filter(col("site_id").equalTo("S1").and(col("event_time").isNull())));
        Assertions.assertEquals("site", s1.getAs("level"));
        Assertions.assertEquals("2025-26 Q2", s1.getAs("go_live_quarter"));
        Assertions.assertEquals(4, (int) s1.<Integer>getAs("quarters_before"));
        Assertions.assertEquals(4, (int) s1.<Integer>getAs("quarters_after"));
        Assertions.assertEquals(49.6, s1.<Double>getAs("value_before"), 1e-9);
        Assertions.assertEquals(35.0, s1.<Double>getAs("value_after"), 1e-9);
        Assertions.assertEquals(-14.6, s1.<Double>getAs("change"), 1e-9);
        Assertions.assertEquals(50L, (long) s1.<Long>getAs("n_before"));
        Assertions.assertEquals(60L, (long) s1.<Long>getAs("n_after"));
        // eight quarterly rows, none for the go-live quarter
        List<Row> quarters = impact.filter(col("site_id").equalTo("S1").and(col("event_time").isNotNull()))
                .orderBy("event_time").collectAsList();
        Assertions.assertEquals(8, quarters.size());
        Assertions.assertEquals("2024-25 Q2", quarters.get(0).getAs("period_label"));
        Assertions.assertEquals(-4, (int) quarters.get(0).<Integer>getAs("event_time"));
        Assertions.assertEquals(1, (int) quarters.get(4).<Integer>getAs("event_time"));
        Assertions.assertEquals(40.0, quarters.get(4).<Double>getAs("value"), 1e-9);
        Assertions.assertEquals(0, impact.filter(col("site_id").equalTo("S2")).count(), "never-live sites have no site rows");
    }

    @Test
    void nationalEventStudyAndOverallEffect() {
        Dataset<Row> national = notYetTreated(impact(LocalDate.of(2026, 9, 30)).filter(col("level").equalTo("national")));
        double[][] expected = {{-4, 0}, {-3, 2}, {-2, -2}, {0, -5}, {1, -10}, {2, -12}, {3, -8}, {4, -20}};
        for (double[] e : expected) {
            Row r = one(national.filter(col("event_time").equalTo((int) e[0])));
            Assertions.assertEquals(e[1], r.<Double>getAs("estimate"), 1e-9, "event time " + (int) e[0]);
        }
        Row overall = one(national.filter(col("event_time").isNull()));
        Assertions.assertEquals(-12.5, overall.<Double>getAs("estimate"), 1e-9);
        Assertions.assertEquals("ALL", overall.getAs("region"));
        Assertions.assertEquals("ALL", overall.getAs("site_id"));
        Assertions.assertEquals(RolloutImpact.METHOD, overall.getAs("method"));
        Assertions.assertEquals(1, (int) overall.<Integer>getAs("sites_treated"));
        Assertions.assertEquals(1, (int) overall.<Integer>getAs("sites_never_live"));
        Assertions.assertEquals(200, (int) overall.<Integer>getAs("n_bootstrap"));
        // one treated and one comparison site: every resample that has both gives the same answer
        Assertions.assertEquals(-12.5, overall.<Double>getAs("ci_low"), 1e-9);
        Assertions.assertEquals(-12.5, overall.<Double>getAs("ci_high"), 1e-9);
    }

    @Test
    void aQuarterNotFullyCoveredIsLeftOut() {
        Dataset<Row> impact = impact(LocalDate.of(2026, 8, 31));
        Row s1 = one(impact.filter(col("site_id").equalTo("S1").and(col("event_time").isNull())));
        Assertions.assertEquals(3, (int) s1.<Integer>getAs("quarters_after"));
        Assertions.assertEquals(40.0, s1.<Double>getAs("value_after"), 1e-9);
        Row overall = one(notYetTreated(impact.filter(col("level").equalTo("national").and(col("event_time").isNull()))));
        Assertions.assertEquals(-10.0, overall.<Double>getAs("estimate"), 1e-9);
        Assertions.assertEquals(0, impact.filter(col("event_time").equalTo(4)).count());
    }

    @Test
    void bothControlsNationallyAndSiteRowsWithoutControl() {
        Dataset<Row> impact = impact(LocalDate.of(2026, 9, 30));
        Dataset<Row> national = impact.filter(col("level").equalTo("national"));
        Assertions.assertEquals(16, national.filter(col("event_time").isNotNull()).count(), "8 event times x 2 controls");
        Row never = one(national.filter(col("event_time").isNull()
                .and(col("control").equalTo(RolloutImpact.CONTROL_NEVER_TREATED))));
        Assertions.assertEquals(-12.5, never.<Double>getAs("estimate"), 1e-9, "S2 never goes live: same comparison");
        Assertions.assertEquals(RolloutImpact.METHOD_NEVER_TREATED, never.getAs("method"));
        Row e1 = one(national.filter(col("event_time").equalTo(1)
                .and(col("control").equalTo(RolloutImpact.CONTROL_NEVER_TREATED))));
        Assertions.assertEquals(-10.0, e1.<Double>getAs("estimate"), 1e-9);
        // one treated, one comparison site: every resample gives the same values, so the band is the point
        Assertions.assertEquals(-10.0, e1.<Double>getAs("band_low"), 1e-9);
        Assertions.assertEquals(-10.0, e1.<Double>getAs("band_high"), 1e-9);
        Assertions.assertNull(e1.getAs("pretrend_p_value"), "the pre-trend test is on the overall row only");
        Assertions.assertNull(never.getAs("band_low"), "bands are on event-time rows only");
        Dataset<Row> site = impact.filter(col("level").equalTo("site"));
        Assertions.assertEquals(9, site.count(), "8 quarters and a summary, one row each");
        Assertions.assertEquals(9, site.filter(col("control").isNull()).count());
        Assertions.assertEquals(0, impact.filter(col("level").equalTo("national").and(col("control").isNull())).count());
    }

    @Test
    void referralCohortWorkedByHand() {
        Dataset<Row> cohort = referralCohort();
        Dataset<Row> national = notYetTreated(cohort.filter(col("level").equalTo("national")));
        double[][] expected = {{0, -5}, {1, -20}, {2, -18}};
        Assertions.assertEquals(expected.length, national.filter(col("event_time").isNotNull()).count());
        for (double[] e : expected) {
            Row r = one(national.filter(col("event_time").equalTo((int) e[0])));
            Assertions.assertEquals(e[1], r.<Double>getAs("estimate"), 1e-9, "event time " + (int) e[0]);
        }
        Assertions.assertEquals(-19.0, one(national.filter(col("event_time").isNull())).<Double>getAs("estimate"), 1e-9);
        Row s1 = one(cohort.filter(col("site_id").equalTo("S1").and(col("event_time").isNull())));
        Assertions.assertEquals(50.0, s1.<Double>getAs("value_before"), 1e-9);
        Assertions.assertEquals(2L, (long) s1.<Long>getAs("n_before"));
        Assertions.assertEquals(92.0 / 3, s1.<Double>getAs("value_after"), 1e-9);
        Assertions.assertEquals(3L, (long) s1.<Long>getAs("n_after"));
        Assertions.assertEquals(2, (int) s1.<Integer>getAs("quarters_after"));
        Row q1 = one(cohort.filter(col("site_id").equalTo("S1").and(col("event_time").equalTo(1))));
        Assertions.assertEquals(32.0, q1.<Double>getAs("value"), 1e-9);
        Assertions.assertEquals(2L, (long) q1.<Long>getAs("n"), "the pathway never seen is in no mean");
    }

    @Test
    void withoutPathwaysThereIsNoReferralCohort() {
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "London", date("2025-08-15")});
        Assertions.assertEquals(0, RolloutImpact.compute(frame(WAITS), frame(ACCESS), frame(MHA), sites,
                LocalDate.of(2024, 7, 1), LocalDate.of(2026, 9, 30), 17, 200)
                .filter(col("outcome").startsWith(RolloutImpact.REFERRAL_COHORT_OUTCOME)).count());
    }

    static final StructType CONNECTIVITY = new StructType()
            .add("site_id", DataTypes.StringType).add("valid_from", DataTypes.DateType)
            .add("connectivity", DataTypes.StringType).add("devices", DataTypes.StringType);

    /**
     * Connectivity subgroups on a tiny panel, worked by hand. Quarters 2024-07 (t=0) to 2026-04 (t=7), logs to
     * 2026-06-30. Every site's mean wait is 50 until its go-live quarter (inclusive) and then drops by its
     * planted effect; N never goes live and waits 60 throughout.
     * <pre>
     *   site  go-live     cohort  connectivity history                       at go-live  subgroup   effect
     *   A1    2025-08-15  t=4     2020-01-01 adequate                        adequate    adequate   -10
     *   A2    2025-11-15  t=5     2020-01-01 poor, 2025-06-01 adequate       adequate    adequate   -10
     *   P1    2025-08-15  t=4     2021-01-01 none, 2026-01-01 adequate       none        poor        -2
     *   P2    2025-11-15  t=5     2020-01-01 poor                            poor        poor        -2
     *   X     2025-08-15  t=4     2025-09-01 adequate (after go-live)        -           neither    -30
     *   N     never       -       2020-01-01 adequate                        -           -            0
     * </pre>
     * After go-live only N is a comparison (A2 and P2 are not yet live at t=4 only, for cohort t=4's event
     * time 0), and its change is 0. Subgroup adequate: every ATT(g, t) after go-live is -10, so the overall
     * effect (event times 1..4: cohort 4 has 1..3, cohort 5 has 1..2) is -10; poor: -2. Every resample that
     * can be estimated gives the same, so the interval is the point. ALL (unchanged): e=1 and e=2 weigh cohort
     * 4 (A1, P1, X: (-10 - 2 - 30) / 3 = -14, 3 sites) and cohort 5 (A2, P2: -6, 2 sites): -54 / 5 = -10.8;
     * e=3 has cohort 4 only: -14; overall (-10.8 - 10.8 - 14) / 3 = -35.6 / 3.
     */
    private Dataset<Row> subgroupPanel(Dataset<Row> connectivity) {
        Object[][] sites = {{"A1", "2025-08-15", -10.0}, {"A2", "2025-11-15", -10.0}, {"P1", "2025-08-15", -2.0},
                {"P2", "2025-11-15", -2.0}, {"X", "2025-08-15", -30.0}, {"N", null, 0.0}};
        List<Object[]> waits = new ArrayList<>();
        List<Object[]> register = new ArrayList<>();
        for (Object[] site : sites) {
            LocalDate live = site[1] == null ? null : LocalDate.parse((String) site[1]);
            register.add(new Object[] {site[0], "London", live == null ? null : java.sql.Date.valueOf(live)});
            for (int t = 0; t < 8; t++) {
                LocalDate q = LocalDate.of(2024, 7, 1).plusMonths(3L * t);
                double base = live == null ? 60 : 50;
                double wait = live != null && q.isAfter(live) ? base + (Double) site[2] : base;
                waits.add(new Object[] {"quarter", java.sql.Date.valueOf(q), "London", site[0], "ALL", "ALL", "ALL",
                        "first_attendance", 20L, (int) wait, wait});
            }
        }
        return RolloutImpact.compute(frame(WAITS, waits.toArray(Object[][]::new)), frame(ACCESS), frame(MHA), null,
                        frame(SITES, register.toArray(Object[][]::new)), connectivity, LocalDate.of(2024, 7, 1),
                        LocalDate.of(2026, 6, 30), 17, 200)
                .filter(col("outcome").equalTo("mean_first_attendance_wait_days")).cache();
    }

    private Dataset<Row> connectivityHistory() {
        return frame(CONNECTIVITY,
                new Object[] {"A1", date("2020-01-01"), "adequate", "fixed_room"},
                new Object[] {"A2", date("2020-01-01"), "poor", "none"},
                new Object[] {"A2", date("2025-06-01"), "adequate", "tablets_4g"},
                new Object[] {"P1", date("2021-01-01"), "none", "none"},
                new Object[] {"P1", date("2026-01-01"), "adequate", "tablets_4g"},
                new Object[] {"P2", date("2020-01-01"), "poor", "fixed_room"},
                new Object[] {"X", date("2025-09-01"), "adequate", "tablets_4g"},
                new Object[] {"N", date("2020-01-01"), "adequate", "fixed_room"});
    }

    @Test
    void connectivitySubgroupsWorkedByHand() {
        Dataset<Row> impact = subgroupPanel(connectivityHistory());
        Dataset<Row> overall = impact.filter(col("level").equalTo("national").and(col("event_time").isNull()));
        Object[][] expected = {{"connectivity_adequate", -10.0, 2}, {"connectivity_poor", -2.0, 2},
                {"ALL", -35.6 / 3, 5}};
        for (String control : List.of(RolloutImpact.CONTROL_NOT_YET_TREATED, RolloutImpact.CONTROL_NEVER_TREATED)) {
            for (Object[] e : expected) {
                Row r = one(overall.filter(col("subgroup").equalTo(e[0]).and(col("control").equalTo(control))));
                Assertions.assertEquals((Double) e[1], r.<Double>getAs("estimate"), 1e-9, e[0] + " " + control);
                Assertions.assertEquals((int) (Integer) e[2], (int) r.<Integer>getAs("sites_treated"), (String) e[0]);
                Assertions.assertEquals(1, (int) r.<Integer>getAs("sites_never_live"));
                if (!e[0].equals("ALL")) {
                    Assertions.assertEquals((Double) e[1], r.<Double>getAs("ci_low"), 1e-9);
                    Assertions.assertEquals((Double) e[1], r.<Double>getAs("ci_high"), 1e-9);
                }
            }
        }
        Row poorE3 = one(impact.filter(col("subgroup").equalTo(RolloutImpact.SUBGROUP_CONNECTIVITY_POOR)
                .and(col("control").equalTo(RolloutImpact.CONTROL_NOT_YET_TREATED)).and(col("event_time").equalTo(3))));
        Assertions.assertEquals(-2.0, poorE3.<Double>getAs("estimate"), 1e-9, "cohort 4 alone at event time 3");
        // subgroups: national estimates only, no placebo; site rows are ALL
        Dataset<Row> sub = impact.filter(col("subgroup").notEqual("ALL"));
        Assertions.assertEquals(0, sub.filter(col("level").notEqual("national")).count());
        Assertions.assertEquals(0, sub.filter(col("outcome").endsWith(RolloutImpact.PLACEBO_SUFFIX)).count());
        Assertions.assertEquals(impact.filter(col("level").equalTo("site")).count(),
                impact.filter(col("level").equalTo("site").and(col("subgroup").equalTo("ALL"))).count());
    }

    @Test
    void withoutConnectivityOnlyAllRowsAsBefore() {
        Dataset<Row> with = subgroupPanel(connectivityHistory()).filter(col("subgroup").equalTo("ALL"));
        Dataset<Row> none = subgroupPanel(null);
        Dataset<Row> empty = subgroupPanel(frame(CONNECTIVITY));
        Assertions.assertEquals(0, none.filter(col("subgroup").notEqual("ALL")).count());
        Assertions.assertEquals(0, empty.filter(col("subgroup").notEqual("ALL")).count());
        // the ALL rows (estimates, intervals, bands) do not depend on whether the history is given
        Assertions.assertEquals(0, none.exceptAll(with).count());
        Assertions.assertEquals(0, with.exceptAll(none).count());
        Assertions.assertEquals(0, empty.exceptAll(none).count());
        Assertions.assertEquals(List.of(RolloutImpact.SCHEMA.fieldNames()), List.of(none.columns()));
    }

    @Test
    void connectivityInForceOnTheGoLiveDate() {
        Dataset<Row> sites = frame(SITES, new Object[] {"A2", "London", date("2025-11-15")},
                new Object[] {"P1", "London", date("2025-08-15")}, new Object[] {"X", "London", date("2025-08-15")},
                new Object[] {"N", "London", null});
        List<Row> rows = RolloutImpact.connectivityAtGoLive(sites, connectivityHistory()).orderBy("site_id")
                .collectAsList();
        Assertions.assertEquals(2, rows.size(), "X's history starts after its go-live; N never goes live");
        Assertions.assertEquals("A2", rows.get(0).getString(0));
        Assertions.assertEquals("adequate", rows.get(0).getString(1));
        Assertions.assertEquals("P1", rows.get(1).getString(0));
        Assertions.assertEquals("none", rows.get(1).getString(1), "the later upgrade does not count");
    }

    /**
     * The incident outcome (issue 18) takes each site's quarterly all-modality row of prescribing_safety: BCI's
     * 2 incidents on 4 prescriptions in 2026 Q1 (500 per 1,000). Left out: a month, the national row, one
     * modality group, and LWI whose incident columns are null (incidents never delivered).
     */
    @Test
    void incidentOutcomeIsEachSitesQuarterlyRateWithItsCounts() {
        StructType safety = new StructType().add("period_type", DataTypes.StringType)
                .add("period_start", DataTypes.DateType).add("site_id", DataTypes.StringType)
                .add("modality_group", DataTypes.StringType)
                .add("incidents_per_1000_prescriptions", DataTypes.DoubleType)
                .add("prescriptions", DataTypes.LongType).add("incidents", DataTypes.LongType);
        Dataset<Row> mart = frame(safety,
                new Object[] {"quarter", date("2026-01-01"), "BCI", "ALL", 500.0, 4L, 2L},
                new Object[] {"month", date("2026-01-01"), "BCI", "ALL", 1000.0, 2L, 2L},
                new Object[] {"quarter", date("2026-01-01"), "ALL", "ALL", 400.0, 5L, 2L},
                new Object[] {"quarter", date("2026-01-01"), "BCI", "telemedicine", 1000.0, 1L, 1L},
                new Object[] {"quarter", date("2026-01-01"), "LWI", "ALL", null, 3L, null});
        List<Row> rows = RolloutImpact.incidentsOutcome(mart).collectAsList();
        Assertions.assertEquals(1, rows.size(), rows.toString());
        Row r = rows.get(0);
        Assertions.assertEquals(List.of(RolloutImpact.INCIDENTS_OUTCOME, "BCI", date("2026-01-01"), 500.0, 4L, 2L),
                List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)));
        Assertions.assertEquals(1000.0, RolloutImpact.RATE_OUTCOMES.get(RolloutImpact.INCIDENTS_OUTCOME));
    }
}
