package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Row e1 = national.filter(col("outcome").equalTo(OUTCOME).and(col("event_time").equalTo(1))).first();
        Assertions.assertTrue(e1.<Double>getAs("band_low") < e1.<Double>getAs("estimate")
                && e1.<Double>getAs("estimate") < e1.<Double>getAs("band_high"), "a sup-t band around the estimate: " + e1);
        System.out.printf("  event time 1: %.2f, pointwise %.2f to %.2f, sup-t band %.2f to %.2f%n",
                e1.<Double>getAs("estimate"), e1.<Double>getAs("ci_low"), e1.<Double>getAs("ci_high"),
                e1.<Double>getAs("band_low"), e1.<Double>getAs("band_high"));
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
