package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.col;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostEffectivenessTest.REFERRALS;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostEffectivenessTest.SITES;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.CONSULTS;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.COSTS;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The one-pass {@link CostSensitivity} against {@link CostSensitivityReference} (recosting per scenario, one plan
 * branch each) on a generated fixture chosen to make rounding bite: rates with fractions of a penny
 * (GBP 12.345 an officer-hour, 71.235 a GP hour, 1234.567 a site-month), a price change mid-quarter, odd
 * durations, three sites (one never live, one live mid-quarter), did-not-attends with and without escorts,
 * cancellations and technical failures. The hand-worked sensitivity example stays in
 * {@code CostEffectivenessTest.oneWaySensitivityVariesEachAssumptionByMinusHalfAndDouble}.
 */
class CostSensitivityTest extends SparkTestBase {

    private static final String[] MODALITIES = {"video", "telephone", "face_to_face_onsite", "face_to_face_offsite"};
    private static final String[] OUTCOMES = {"did_not_attend", "cancelled_by_patient", "cancelled_technical",
        "cancelled_no_escort"};
    private static final String[] ROLES = {"consultant", "gp", "nurse_practitioner"};

    private Dataset<Row> unitCosts() {
        StructType withSource = COSTS.add("source", DataTypes.StringType);
        return frame(withSource,
                new Object[] {"clinician_hour.consultant", new BigDecimal("143"), date("2024-01-01"), null, "PSSRU 2024"},
                new Object[] {"clinician_hour.gp", new BigDecimal("71.235"), date("2024-01-01"), null, "Assumption: locum"},
                new Object[] {"clinician_hour.nurse_practitioner", new BigDecimal("55.5"), date("2024-01-01"), null, null},
                new Object[] {"escort_officer_hour", new BigDecimal("12.345"), date("2024-01-01"), date("2025-11-14"),
                    "Assumption: band 3"},
                new Object[] {"escort_officer_hour", new BigDecimal("13.335"), date("2025-11-15"), null,
                    "ASSUMPTION: band 3 uplift"},
                new Object[] {"escort_vehicle_trip", new BigDecimal("101.01"), date("2024-01-01"), null, "HSSIB 2024"},
                new Object[] {"telemedicine_per_consult", new BigDecimal("4.995"), date("2024-01-01"), null, "assumption"},
                new Object[] {"telemedicine_site_month", new BigDecimal("1234.567"), date("2024-01-01"), null,
                    " Assumption"});
    }

    /** Pathways first attended June-December 2025 at three sites; a fixed seed, so the same every run. */
    private Dataset<Row>[] fixture(int pathways) {
        Random random = new Random(17);
        List<Object[]> refs = new ArrayList<>();
        List<Object[]> consults = new ArrayList<>();
        String[] sites = {"S1", "S2", "S3"};
        for (int i = 0; i < pathways; i++) {
            String site = sites[random.nextInt(3)];
            String id = "R" + i;
            LocalDate referred = LocalDate.parse("2025-06-01").plusDays(random.nextInt(150));
            refs.add(new Object[] {id, site, random.nextBoolean() ? "100" : "330",
                random.nextBoolean() ? "routine" : "urgent", date(referred.toString()), "closed"});
            LocalDate day = referred.plusDays(5 + random.nextInt(40));
            int before = random.nextInt(3);
            for (int k = 0; k <= before; k++) {
                boolean last = k == before;
                String modality = MODALITIES[random.nextInt(4)];
                String outcome = last ? "attended" : OUTCOMES[random.nextInt(OUTCOMES.length)];
                boolean offsite = modality.equals("face_to_face_offsite");
                boolean escorted = offsite && (last || random.nextBoolean());
                consults.add(new Object[] {id + "c" + k, id, site, utc(day + "T10:00:00Z"), modality, outcome,
                    random.nextInt(5) == 0 ? null : 5 + random.nextInt(55), ROLES[random.nextInt(3)],
                    escorted ? 1 + random.nextInt(3) : null, escorted ? 0.25 * (1 + random.nextInt(24)) : null});
                day = day.plusDays(1 + random.nextInt(10));
            }
        }
        // primary-care telemedicine attendances: they share the site fixed costs
        for (int i = 0; i < pathways / 4; i++) {
            consults.add(new Object[] {"P" + i, null, sites[random.nextInt(3)],
                utc(LocalDate.parse("2025-07-01").plusDays(random.nextInt(180)) + "T09:00:00Z"),
                random.nextBoolean() ? "video" : "telephone", "attended", 10, "gp", null, null});
        }
        @SuppressWarnings("unchecked")
        Dataset<Row>[] out = new Dataset[] {frame(REFERRALS, refs.toArray(Object[][]::new)),
            frame(CONSULTS, consults.toArray(Object[][]::new)),
            frame(SITES, new Object[] {"S1", "North", date("2025-08-15")}, new Object[] {"S2", "North", date("2025-03-01")},
                new Object[] {"S3", "South", null})};
        return out;
    }

    /** Spark jobs started while a run collects its result, and its wall time. */
    private record Run(List<Row> rows, int jobs, long millis) {
    }

    private Run run(java.util.function.Supplier<Dataset<Row>> mart) {
        AtomicInteger jobs = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                jobs.incrementAndGet();
            }
        };
        spark().sparkContext().addSparkListener(listener);
        long start = System.nanoTime();
        List<Row> rows = mart.get().collectAsList();
        long millis = (System.nanoTime() - start) / 1_000_000;
        spark().sparkContext().removeSparkListener(listener);
        return new Run(rows, jobs.get(), millis);
    }

    @Test
    void onePassEqualsRecostingEveryScenarioAndRunsFewerJobs() {
        Dataset<Row>[] f = fixture(240);
        Dataset<Row> unit = unitCosts();
        Dataset<Row> pathways = Pathways.build(f[0], f[1], f[2]);
        Assertions.assertEquals(List.of("clinician_hour.gp", "escort_officer_hour", "telemedicine_per_consult",
                "telemedicine_site_month"), CostSensitivity.assumptions(unit));

        Run reference = run(() -> CostSensitivityReference.compute(pathways, f[1], unit, f[2]));
        Run onePass = run(() -> CostSensitivity.compute(pathways, f[1], unit, f[2]));
        System.out.printf("cost_sensitivity, 240 pathways, 4 assumptions: reference (per-scenario branches) %d Spark"
                        + " jobs, %d ms; one pass %d jobs, %d ms%n",
                reference.jobs(), reference.millis(), onePass.jobs(), onePass.millis());

        Dataset<Row> want = spark().createDataFrame(reference.rows(), CostSensitivity.SCHEMA);
        Dataset<Row> got = spark().createDataFrame(onePass.rows(), CostSensitivity.SCHEMA);
        // 3 quarters (first attendances from June to December 2025) x 4 parameters x 3 perspectives
        Assertions.assertEquals(36, onePass.rows().size());
        assertSameRows(want, got);
        // the varied costs do move (the comparison is not of nothing with nothing)
        Assertions.assertTrue(onePass.rows().stream().anyMatch(r -> r.getAs("cost_difference_low_gbp") != null
                && !r.getAs("cost_difference_low_gbp").equals(r.getAs("cost_difference_gbp"))));
        Assertions.assertTrue(onePass.jobs() < reference.jobs(), onePass.jobs() + " jobs against " + reference.jobs());
    }

    /**
     * The nightly recomputes the sensitivity from the first changed quarter (as cost_effectiveness): the window's
     * rows equal the full computation's rows of those quarters, also for pathways first attended in the window
     * whose earlier consults (costed at the slot) fall before it.
     */
    @Test
    void aWindowFromAQuarterIsTheFullComputationOfThoseQuarters() {
        Dataset<Row>[] f = fixture(60);
        Dataset<Row> unit = unitCosts();
        LocalDate from = LocalDate.parse("2025-10-01");
        Dataset<Row> all = Pathways.build(f[0], f[1], f[2]);
        long straddling = all.filter(col(Pathways.FIRST_ATTENDANCE_DATE).geq(date("2025-10-01")))
                .join(f[1].filter(col("scheduled_start").lt(utc("2025-10-01T00:00:00Z"))), "referral_id").count();
        Assertions.assertTrue(straddling > 0, "the fixture has window pathways with consults before the window");

        Dataset<Row> full = CostSensitivity.compute(all, f[1], unit, f[2]);
        // the window's candidates are chosen by clock stops too (none here: every pathway closes at attendance)
        Dataset<Row> referrals = f[0].withColumn("clock_stop_date", org.apache.spark.sql.functions.lit(null).cast("date"));
        Dataset<Row> window = CostSensitivity.compute(Pathways.build(referrals, f[1], f[2], from), f[1], unit, f[2],
                from);
        Assertions.assertTrue(full.filter(col("period_start").lt(date("2025-10-01"))).count() > 0);
        Assertions.assertEquals(12, window.count(), "one quarter x 4 parameters x 3 perspectives");
        assertSameRows(full.filter(col("period_start").geq(date("2025-10-01"))), window);
    }

    @Test
    void schemaIsTheDeclaredOneAndNoAssumptionGivesNoRows() {
        Dataset<Row>[] f = fixture(12);
        Dataset<Row> none = unitCosts().withColumn("source", org.apache.spark.sql.functions.lit("PSSRU"));
        Dataset<Row> mart = CostSensitivity.compute(Pathways.build(f[0], f[1], f[2]), f[1], none, f[2]);
        Assertions.assertEquals(0, mart.count());
        StructType declared = PublishedTables.COST_SENSITIVITY.schema();
        Assertions.assertEquals(names(declared), names(mart.schema()));
        for (StructField field : declared.fields()) {
            Assertions.assertEquals(field.dataType(), mart.schema().apply(field.name()).dataType(), field.name());
        }
        Assertions.assertEquals(names(CostSensitivity.SCHEMA), names(mart.schema()));
        Assertions.assertEquals(0, mart.filter(col("region").notEqual("ALL")).count());
    }

    private static List<String> names(StructType s) {
        return List.of(s.fieldNames());
    }
}
