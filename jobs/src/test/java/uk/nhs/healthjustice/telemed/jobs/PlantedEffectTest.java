package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.generate.GenerationSummary;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.LandingGenerator;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The evaluation recovers what the generator planted: 20 sites over two and a quarter years (staggered go-live,
 * some live before the history, some never), through the CLI end to end. The planted effect on a live site's
 * mean wait to first attendance is -remote share x wait effect = -0.6 x 21 = -12.6 days; the national 95%
 * interval must contain it, and with the wait effect set to 0 it must contain 0.
 *
 * <p>Version 2 (robustness), on the same run with the planted effect: the referral-cohort estimate
 * ({@code mean_first_attendance_wait_days_by_referral}, pathways by quarter of referral) has an interval containing
 * -12.6 (the generator plants the effect on pathways referred after go-live, which is exactly what this outcome
 * counts); the placebo ({@code mean_first_attendance_wait_days_placebo}: go-lives moved four quarters earlier,
 * only pre-go-live data) has an interval containing 0. All with {@code control = not_yet_treated}; the
 * {@code never_treated} rows are there too.
 */
@Tag("end-to-end")
class PlantedEffectTest extends SparkTestBase {

    static final String OUTCOME = "mean_first_attendance_wait_days";

    @TempDir
    Path tmp;

    private Dataset<Row> national;

    private Row overallEffect(GeneratorOptions options) throws Exception {
        Path landing = tmp.resolve("landing");
        GenerationSummary g = new LandingGenerator().generate(landing, options);
        Path key = tmp.resolve("key");
        Files.writeString(key, "planted-effect-test-key-0123456789");
        Path out = tmp.resolve("out");
        List<java.time.LocalDate> nights = g.loadDates();
        Assertions.assertEquals(0, TelemedCli.execute("backfill", "--input", landing.toString(), "--output",
                out.toString(), "--from", nights.get(0).toString(), "--to", nights.get(nights.size() - 1).toString(),
                "--key-file", key.toString()));
        national = spark().read().parquet(out.resolve("marts/rollout_impact").toString())
                .filter(col("level").equalTo("national").and(col("control").equalTo("not_yet_treated"))).cache();
        Dataset<Row> national = this.national.filter(col("outcome").equalTo(OUTCOME));
        // the event study for the dashboard: pre-periods and the four quarters after go-live
        Assertions.assertEquals(8, national.filter(col("event_time").isNotNull()).count());
        List<Row> overall = national.filter(col("event_time").isNull()).collectAsList();
        Assertions.assertEquals(1, overall.size());
        Assertions.assertTrue(spark().read().parquet(out.resolve("published/digital_equivalence").toString()).count() > 0,
                "the generator writes community benchmarks");
        Row r = overall.get(0);
        System.out.printf("planted %s: overall effect on %s %.2f (95%% CI %.2f to %.2f), %s sites treated%n",
                options.waitEffectDays() == 0 ? "no effect" : "-12.6", OUTCOME, r.<Double>getAs("estimate"),
                r.<Double>getAs("ci_low"), r.<Double>getAs("ci_high"), r.getAs("sites_treated"));
        return r;
    }

    private static GeneratorOptions options() {
        return GeneratorOptions.defaults(Scale.SMALL).withSites(20).withYears(2.25);
    }

    @Test
    void nationalIntervalContainsThePlantedEffect() throws Exception {
        GeneratorOptions o = options();
        double planted = o.expectedEffectMeanFirstAttendanceWaitDays();
        Assertions.assertEquals(-12.6, planted, 1e-9);
        Row r = overallEffect(o);
        assertSafetyPlantsRecovered(o, tmp.resolve("out"));
        double low = r.getAs("ci_low");
        double high = r.getAs("ci_high");
        Assertions.assertTrue(low <= planted && planted <= high, "planted " + planted + " outside " + r);
        Assertions.assertTrue(high < 0, "the interval excludes no effect: " + r);
        Assertions.assertTrue((int) r.getAs("sites_treated") >= 10, r.toString());

        Row cohort = overall(PlantedEffectTest.OUTCOME + "_by_referral");
        Assertions.assertTrue(cohort.<Double>getAs("ci_low") <= planted && planted <= cohort.<Double>getAs("ci_high"),
                "referral cohort: planted " + planted + " outside " + cohort);
        Row placebo = overall(OUTCOME + "_placebo");
        Assertions.assertTrue(placebo.<Double>getAs("ci_low") <= 0 && 0 <= placebo.<Double>getAs("ci_high"),
                "placebo: 0 outside " + placebo);
        Assertions.assertNotNull(r.getAs("pretrend_p_value"), "the pre-trend test is on the overall row");
        // the incident rate is an outcome too once prescriptions are delivered (no effect is planted on it by
        // go-live: it is estimated, not checked against a value)
        overall(uk.nhs.healthjustice.telemed.pipelines.evaluation.RolloutImpact.INCIDENTS_OUTCOME);
        Row e1 = national.filter(col("outcome").equalTo(OUTCOME).and(col("event_time").equalTo(1))).first();
        Assertions.assertTrue(e1.<Double>getAs("band_low") < e1.<Double>getAs("estimate")
                && e1.<Double>getAs("estimate") < e1.<Double>getAs("band_high"), "a sup-t band around the estimate: " + e1);
        System.out.printf("  event time 1: %.2f, pointwise %.2f to %.2f, sup-t band %.2f to %.2f%n",
                e1.<Double>getAs("estimate"), e1.<Double>getAs("ci_low"), e1.<Double>getAs("ci_high"),
                e1.<Double>getAs("band_low"), e1.<Double>getAs("band_high"));
    }

    /**
     * The safety logs' planted effects, recovered from the curated tables the run wrote (issue 18):
     * <ul>
     *   <li>{@code monitoring_missed} incidents per high-risk prescription, telemedicine over in person (consult
     *   modality), as a rate ratio with its 95% interval on the log scale, exp(log RR +- 1.96 sqrt(1/a + 1/b)),
     *   must contain the planted ratio;</li>
     *   <li>security events per 1,000 telemedicine sessions (attended, or a technical failure) before and after the
     *   site's go-live (when its tablets arrive), each with an exact Poisson (Garwood) 95% interval on the events,
     *   must contain the planted rates, and the rate must fall.</li>
     * </ul>
     */
    private void assertSafetyPlantsRecovered(GeneratorOptions o, Path out) {
        Dataset<Row> consults = spark().read().parquet(out.resolve("curated/consults").toString());
        Dataset<Row> rx = spark().read().parquet(out.resolve("curated/prescriptions").toString())
                .filter(col("high_risk"))
                .join(consults.select(col("consult_id").as("_cid"), col("modality")),
                        col("consult_id").equalTo(col("_cid")))
                .withColumn("tele", col("modality").isin("video", "telephone"));
        Dataset<Row> missed = spark().read().parquet(out.resolve("curated/medication_incidents").toString())
                .filter(col("category").equalTo("monitoring_missed"))
                .select(col("prescription_id").as("_pid"));
        Row counts = rx.join(missed, col("prescription_id").equalTo(col("_pid")), "left")
                .agg(sum(when(col("tele"), 1).otherwise(0)).as("n_tele"),
                        sum(when(col("tele"), 0).otherwise(1)).as("n_in_person"),
                        sum(when(col("tele").and(col("_pid").isNotNull()), 1).otherwise(0)).as("a"),
                        sum(when(not(col("tele")).and(col("_pid").isNotNull()), 1).otherwise(0)).as("b"))
                .first();
        double a = counts.<Long>getAs("a");
        double b = counts.<Long>getAs("b");
        double ratio = (a / counts.<Long>getAs("n_tele")) / (b / counts.<Long>getAs("n_in_person"));
        double se = Math.sqrt(1 / a + 1 / b);
        double low = ratio * Math.exp(-1.96 * se);
        double high = ratio * Math.exp(1.96 * se);
        System.out.printf("  monitoring_missed on high-risk prescriptions, telemedicine / in person: %.2f (95%% CI"
                + " %.2f to %.2f; %d and %d incidents), planted %.2f%n", ratio, low, high, (long) a, (long) b,
                o.monitoringMissedRatio());
        Assertions.assertTrue(low <= o.monitoringMissedRatio() && o.monitoringMissedRatio() <= high,
                "planted ratio " + o.monitoringMissedRatio() + " outside " + low + " to " + high);

        Dataset<Row> goLive = spark().read().parquet(out.resolve("published/sites").toString())
                .select(col("site_id").as("_sid"), col("telemedicine_go_live"));
        Column day = uk.nhs.healthjustice.telemed.pipelines.common.LondonTime.londonDate(col("_at"));
        Column after = col("telemedicine_go_live").isNotNull().and(day.geq(col("telemedicine_go_live")));
        Dataset<Row> sessions = consults.filter(col("modality").isin("video", "telephone")
                        .and(col("outcome").equalTo("attended").or(col("technical_failure"))))
                .select(col("site_id"), col("scheduled_start").as("_at"));
        Dataset<Row> events = spark().read().parquet(out.resolve("curated/security_events").toString())
                .select(col("site_id"), col("occurred_at").as("_at"));
        Row before = rates(sessions, events, goLive, not(after));
        Row since = rates(sessions, events, goLive, after);
        double rateBefore = assertPoissonRateContains(before, o.securityEventsPer1000BeforeTablets(), "before tablets");
        double rateAfter = assertPoissonRateContains(since, o.securityEventsPer1000AfterTablets(), "after tablets");
        Assertions.assertTrue(rateAfter < rateBefore, "security events per 1,000 sessions fall: " + rateBefore
                + " -> " + rateAfter);
    }

    /** Sessions and events on one side of go-live: one row (sessions, events). */
    private static Row rates(Dataset<Row> sessions, Dataset<Row> events, Dataset<Row> goLive, Column side) {
        Column site = col("site_id").equalTo(col("_sid"));
        long s = sessions.join(goLive, site).filter(side).count();
        long e = events.join(goLive, site).filter(side).count();
        return org.apache.spark.sql.RowFactory.create(s, e);
    }

    /** Events per 1,000 sessions with an exact Poisson (Garwood) 95% interval on the events; returns the rate. */
    private static double assertPoissonRateContains(Row sessionsAndEvents, double planted, String what) {
        long sessions = sessionsAndEvents.getLong(0);
        long events = sessionsAndEvents.getLong(1);
        double low = events == 0 ? 0
                : new org.hipparchus.distribution.continuous.ChiSquaredDistribution(2.0 * events)
                        .inverseCumulativeProbability(0.025) / 2;
        double high = new org.hipparchus.distribution.continuous.ChiSquaredDistribution(2.0 * events + 2)
                .inverseCumulativeProbability(0.975) / 2;
        double per = 1000.0 / sessions;
        System.out.printf("  security events per 1,000 sessions %s: %.1f (95%% CI %.1f to %.1f; %d events, %d"
                + " sessions), planted %.1f%n", what, events * per, low * per, high * per, events, sessions, planted);
        Assertions.assertTrue(low * per <= planted && planted <= high * per, what + ": planted " + planted
                + " outside " + low * per + " to " + high * per);
        return events * per;
    }

    private Row overall(String outcome) {
        List<Row> rows = national.filter(col("outcome").equalTo(outcome).and(col("event_time").isNull())).collectAsList();
        Assertions.assertEquals(1, rows.size(), outcome);
        Row r = rows.get(0);
        System.out.printf("  %s: %.2f (95%% CI %.2f to %.2f), pre-trend p %s, %s sites treated%n", outcome,
                r.<Double>getAs("estimate"), r.<Double>getAs("ci_low"), r.<Double>getAs("ci_high"),
                r.getAs("pretrend_p_value"), r.getAs("sites_treated"));
        return r;
    }

    @Test
    void withNoPlantedEffectTheIntervalContainsZero() throws Exception {
        Row r = overallEffect(options().withWaitEffectDays(0).withSeed(43));
        double low = r.getAs("ci_low");
        double high = r.getAs("ci_high");
        Assertions.assertTrue(low <= 0 && 0 <= high, "0 outside " + r);
    }
}
