package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
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

    /**
     * Spark's own defaults for this class's runs. The module's tests run without adaptive planning or code
     * generation (jobs/pom.xml), which pays on a few thousand rows; here, on 2.25 years of data, the interpreted
     * decimal arithmetic of the cost and waiting-time marts took 1,312 s against 938 s with Spark's defaults.
     */
    private static final Map<String, String> SPARK_DEFAULTS = Map.of("spark.sql.adaptive.enabled", "true",
            "spark.sql.codegen.wholeStage", "true", "spark.sql.codegen.factoryMode", "FALLBACK");

    private final Map<String, String> moduleSettings = new LinkedHashMap<>();

    @BeforeEach
    void sparkDefaults() {
        SPARK_DEFAULTS.forEach((key, value) -> {
            moduleSettings.put(key, spark().conf().get(key));
            spark().conf().set(key, value);
        });
    }

    @AfterEach
    void moduleSettingsBack() {
        moduleSettings.forEach((key, value) -> spark().conf().set(key, value));
    }

    @TempDir
    Path tmp;

    /** National estimates, control not_yet_treated, subgroup ALL; and of every subgroup. */
    private Dataset<Row> national;
    private Dataset<Row> nationalAllSubgroups;

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
        nationalAllSubgroups = spark().read().parquet(out.resolve("marts/rollout_impact").toString())
                .filter(col("level").equalTo("national").and(col("control").equalTo("not_yet_treated"))).cache();
        national = nationalAllSubgroups.filter(col("subgroup").equalTo("ALL"));
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
        assertCaseMixAdjustmentRecoversThePlantedCost(tmp.resolve("out"), tmp.resolve("landing"));
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

    /**
     * Issue 17: the generator plants a case-mix imbalance (telemedicine more likely in the cheaper, short-wait
     * specialties) and records, per quarter, the telemedicine minus in-person cost per pathway at the same case mix
     * (adjusted) and over all pathways (unadjusted) in {@code generator_manifest.json}. For the national
     * {@code public_sector} row of every quarter with both arms, the mart's site-bootstrap interval of the adjusted
     * difference must contain the planted adjusted difference, and must not contain the unadjusted one: without
     * adjustment the imbalance would be read as a saving that is not there. (The mart keeps the unadjusted
     * difference as {@code cost_difference_unadjusted_gbp}, a point estimate: METRICS.md names no interval for it,
     * so its exclusion is checked against the adjusted interval, which is the one an evaluator would quote.)
     */
    private void assertCaseMixAdjustmentRecoversThePlantedCost(Path out, Path landing) throws Exception {
        com.fasterxml.jackson.databind.JsonNode planted = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(landing.resolve("generator_manifest.json").toFile())
                .path("planted_effects").path("cost_per_pathway");
        Assertions.assertTrue(planted.path("case_mix_imbalance").asDouble() > 0, "a case-mix imbalance is planted");
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byQuarter = new java.util.TreeMap<>();
        planted.path("by_quarter").forEach(q -> byQuarter.put(q.path("quarter_start").asText(), q.path("public_sector")));
        List<Row> rows = spark().read().parquet(out.resolve("marts/cost_effectiveness").toString())
                .filter(col("region").equalTo("ALL").and(col("site_id").equalTo("ALL"))
                        .and(col("perspective").equalTo("public_sector")).and(col("cost_difference_ci_low").isNotNull()))
                .orderBy("period_start").collectAsList();
        int checked = 0;
        for (Row r : rows) {
            com.fasterxml.jackson.databind.JsonNode q = byQuarter.get(r.getAs("period_start").toString());
            Assertions.assertNotNull(q, "the generator records every quarter with pathways: " + r.getAs("period_label"));
            double adjusted = q.path("adjusted_difference_gbp").asDouble();
            double unadjusted = q.path("unadjusted_difference_gbp").asDouble();
            double low = r.<java.math.BigDecimal>getAs("cost_difference_ci_low").doubleValue();
            double high = r.<java.math.BigDecimal>getAs("cost_difference_ci_high").doubleValue();
            System.out.printf("  cost per pathway %s, public sector: adjusted %s (95%% CI %.2f to %.2f), planted %.2f;"
                            + " unadjusted %s, planted %.2f%n", r.getAs("period_label"), r.getAs("cost_difference_gbp"),
                    low, high, adjusted, r.getAs("cost_difference_unadjusted_gbp"), unadjusted);
            Assertions.assertTrue(low <= adjusted && adjusted <= high, r.getAs("period_label")
                    + ": planted adjusted difference " + adjusted + " outside " + low + " to " + high);
            Assertions.assertFalse(low <= unadjusted && unadjusted <= high, r.getAs("period_label")
                    + ": the unadjusted difference " + unadjusted + " is inside the adjusted interval " + low + " to "
                    + high + ": the planted imbalance is too small to test the adjustment");
            checked++;
        }
        Assertions.assertTrue(checked >= 4, "quarters with both arms compared nationally: " + checked);
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

    /**
     * Issue 19: with the connectivity file written and both equity plants on, the run recovers
     * <ul>
     *   <li>the smaller wait effect at sites whose connectivity at go-live was poor or none: the national
     *   {@code connectivity_poor} and {@code connectivity_adequate} estimates' intervals contain the generator's
     *   expectations for each subgroup ({@code generator_manifest.json}, {@code wait_effect_by_connectivity_at_go_live}),
     *   and the {@code ALL} estimate its pathway-weighted mean;</li>
     *   <li>the lower telemedicine share of the {@code 70+} age band: among pathways referred at a site already live,
     *   the share first seen remotely of 70+ patients over that of everyone else with a known age band (the
     *   patient's curated {@code patients} record), as a risk ratio with its 95% interval on the log scale
     *   (pathways are independent draws), contains the planted multiplier; and the published {@code equity} rows
     *   show the 70+ band's telemedicine share below the national one in every quarter where it is not
     *   suppressed.</li>
     * </ul>
     */
    @Test
    void connectivityAndAgePlantsAreRecovered() throws Exception {
        // 40 sites: about a quarter of the sites that go live are poor at go-live, and a subgroup's site bootstrap
        // needs more than two or three of them
        GeneratorOptions o = options().withSites(40).withSiteConnectivity(true)
                .withPoorConnectivityEffectRatio(GeneratorOptions.SUGGESTED_POOR_CONNECTIVITY_EFFECT_RATIO)
                .withOldestAgeBandRemoteMultiplier(GeneratorOptions.SUGGESTED_OLDEST_AGE_BAND_REMOTE_MULTIPLIER);
        overallEffect(o);
        com.fasterxml.jackson.databind.JsonNode planted = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(tmp.resolve("landing/generator_manifest.json").toFile())
                .path("planted_effects").path("wait_effect_by_connectivity_at_go_live");
        Assertions.assertFalse(planted.path("sites_poor_at_go_live").isEmpty(), "some sites are poor at go-live");
        for (String[] sub : new String[][] {{"connectivity_adequate", "expected_effect_connectivity_adequate_days"},
                {"connectivity_poor", "expected_effect_connectivity_poor_days"}, {"ALL", "expected_effect_all_days"}}) {
            List<Row> rows = nationalAllSubgroups.filter(col("outcome").equalTo(OUTCOME).and(col("event_time").isNull())
                    .and(col("subgroup").equalTo(sub[0]))).collectAsList();
            Assertions.assertEquals(1, rows.size(), sub[0]);
            Row r = rows.get(0);
            double expected = planted.path(sub[1]).asDouble();
            System.out.printf("  %s: %.2f (95%% CI %.2f to %.2f), %s sites treated; planted %.2f%n", sub[0],
                    r.<Double>getAs("estimate"), r.<Double>getAs("ci_low"), r.<Double>getAs("ci_high"),
                    r.getAs("sites_treated"), expected);
            Assertions.assertTrue(r.<Double>getAs("ci_low") <= expected && expected <= r.<Double>getAs("ci_high"),
                    sub[0] + ": planted " + expected + " outside " + r);
        }
        Assertions.assertTrue(planted.path("expected_effect_connectivity_poor_days").asDouble()
                > planted.path("expected_effect_connectivity_adequate_days").asDouble(), "the plant is smaller where poor");

        Path out = tmp.resolve("out");
        Dataset<Row> ages = spark().read().parquet(out.resolve("curated/patients").toString())
                .filter(col("age_band").isNotNull())
                .select(col("patient_key").as("_pk"), col("age_band").equalTo("70+").as("oldest"));
        Dataset<Row> goLive = spark().read().parquet(out.resolve("published/sites").toString())
                .select(col("site_id").as("_sid"), col("telemedicine_go_live"));
        Dataset<Row> firstSeen = spark().read().parquet(out.resolve("curated/consults").toString())
                .filter(col("referral_id").isNotNull().and(col("outcome").equalTo("attended")))
                .groupBy("referral_id").agg(min_by(col("modality"), col("scheduled_start")).as("first_modality"));
        Row counts = spark().read().parquet(out.resolve("curated/referrals").toString())
                .filter(col("status").notEqual("cancelled"))
                .join(goLive, col("site_id").equalTo(col("_sid")))
                .filter(col("referral_date").geq(col("telemedicine_go_live")))
                .join(firstSeen, "referral_id")
                .join(ages, col("patient_key").equalTo(col("_pk")))
                .withColumn("remote", col("first_modality").isin("video", "telephone"))
                .agg(sum(when(col("oldest"), 1).otherwise(0)).as("n_old"),
                        sum(when(col("oldest").and(col("remote")), 1).otherwise(0)).as("a_old"),
                        sum(when(col("oldest"), 0).otherwise(1)).as("n_rest"),
                        sum(when(not(col("oldest")).and(col("remote")), 1).otherwise(0)).as("a_rest"))
                .first();
        double aOld = counts.<Long>getAs("a_old");
        double nOld = counts.<Long>getAs("n_old");
        double aRest = counts.<Long>getAs("a_rest");
        double nRest = counts.<Long>getAs("n_rest");
        double ratio = (aOld / nOld) / (aRest / nRest);
        double se = Math.sqrt(1 / aOld - 1 / nOld + 1 / aRest - 1 / nRest);
        double low = ratio * Math.exp(-1.96 * se);
        double high = ratio * Math.exp(1.96 * se);
        double m = o.oldestAgeBandRemoteMultiplier();
        System.out.printf("  share first seen remotely after go-live, 70+ / others: %.2f (95%% CI %.2f to %.2f; %d of"
                + " %d and %d of %d pathways), planted %.2f%n", ratio, low, high, (long) aOld, (long) nOld, (long) aRest,
                (long) nRest, m);
        Assertions.assertTrue(low <= m && m <= high, "planted 70+ multiplier " + m + " outside " + low + " to " + high);
        Assertions.assertTrue(high < 1, "the 70+ band is seen remotely less often: " + high);

        List<Row> oldest = spark().read().parquet(out.resolve("published/equity").toString())
                .filter(col("region").equalTo("ALL").and(col("dimension").equalTo("age_band"))
                        .and(col("group_value").equalTo("70+")).and(col("telemedicine_share_vs_all").isNotNull())
                        .and(col("national_telemedicine_share").gt(0)))
                .collectAsList();
        Assertions.assertFalse(oldest.isEmpty(), "published equity has national 70+ rows");
        for (Row r : oldest) {
            Assertions.assertTrue(r.<Double>getAs("telemedicine_share_vs_all") < 1, "70+ below the national share: " + r);
        }
    }

    @Test
    void withNoPlantedEffectTheIntervalContainsZero() throws Exception {
        Row r = overallEffect(options().withWaitEffectDays(0).withSeed(43));
        double low = r.getAs("ci_low");
        double high = r.getAs("ci_high");
        Assertions.assertTrue(low <= 0 && 0 <= high, "0 outside " + r);
    }
}
