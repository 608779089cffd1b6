package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.healthjustice.telemed.jobs.landing.ReferenceData;
import uk.nhs.healthjustice.telemed.jobs.publish.OutputStore;
import uk.nhs.healthjustice.telemed.jobs.publish.ParquetRows;
import uk.nhs.healthjustice.telemed.jobs.publish.SlicedTable;
import uk.nhs.healthjustice.telemed.jobs.run.Progress;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.pipelines.access.Access;
import uk.nhs.healthjustice.telemed.pipelines.access.Population;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.costs.BudgetImpact;
import uk.nhs.healthjustice.telemed.pipelines.costs.ConsultCosts;
import uk.nhs.healthjustice.telemed.pipelines.costs.CostEffectiveness;
import uk.nhs.healthjustice.telemed.pipelines.costs.CostSensitivity;
import uk.nhs.healthjustice.telemed.pipelines.costs.Costs;
import uk.nhs.healthjustice.telemed.pipelines.equity.Equity;
import uk.nhs.healthjustice.telemed.pipelines.equity.Readiness;
import uk.nhs.healthjustice.telemed.pipelines.evaluation.DigitalEquivalence;
import uk.nhs.healthjustice.telemed.pipelines.evaluation.RolloutImpact;
import uk.nhs.healthjustice.telemed.pipelines.incremental.Slices;
import uk.nhs.healthjustice.telemed.pipelines.mha.MhaTransfers;
import uk.nhs.healthjustice.telemed.pipelines.publication.DisclosureControl;
import uk.nhs.healthjustice.telemed.pipelines.safety.PrescribingSafety;
import uk.nhs.healthjustice.telemed.pipelines.safety.TelemedicineSecurity;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;
import uk.nhs.healthjustice.telemed.pipelines.waiting.WaitingTimes;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/** Computes every mart of a generation from its curated tables and writes them, sorted for clean diffs. */
final class MartBuilder {

    private final SparkSession spark;
    private final Progress progress;
    private final OutputStore store;

    MartBuilder(SparkSession spark, Progress progress, OutputStore store) {
        this.spark = spark;
        this.progress = progress;
        this.store = store;
    }

    /**
     * @param periodsFrom null to compute every period; else the first day of the quarter from which the period
     *                    marts ({@link #PERIOD_MARTS}) are recomputed, earlier periods being carried over from
     *                    the previous generation (see {@code ChangedPeriods} for why that equals a full rebuild)
     * @param delivered   the optional logs ({@code Contracts.OPTIONAL}) with at least one valid row in the
     *                    history: the marts read the others as never delivered (empty marts, unknown columns)
     * @return every table of the generation (curated, marts, published) with its rows, in the order written
     */
    List<RunManifest.Output> build(ReferenceData ref, Dataset<Row> sites, String previous, Path genDir, List<Dataset<Row>> qualityRows,
               LocalDate runDate, List<LocalDate> nights, LocalDate periodsFrom, Set<String> delivered) {
        Path curated = genDir.resolve("curated");
        Dataset<Row> referrals = spark.read().parquet(curated.resolve("referrals").toString());
        Dataset<Row> consults = spark.read().parquet(curated.resolve("consults").toString());

        // the pathways that can reach the recomputed periods (all of them on a full rebuild); kept once they are
        // computed, since several marts read them and each would otherwise join referrals and consults again
        Dataset<Row> pathways = Pathways.build(referrals, consults, sites, periodsFrom)
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<RunManifest.Output> outputs = new java.util.ArrayList<>();
        Map<String, Dataset<Row>> marts = new LinkedHashMap<>();
        marts.put("waiting_times", WaitingTimes.compute(pathways, periodsFrom, runDate));
        marts.put("access", Access.compute(consults, sites, Population.byPeriod(ref.population(), sites), periodsFrom));
        Dataset<Row> cases = spark.read().parquet(curated.resolve("mha_assessments").toString());
        marts.put("mha_transfers", MhaTransfers.compute(cases, sites, runDate));
        marts.put("costs", Costs.compute(consults, sites, ref.unitCosts(), runDate, periodsFrom));
        marts.put("cost_effectiveness", CostEffectiveness.compute(pathways, ConsultCosts.slotCosted(consults,
                ref.unitCosts(), sites), CostEffectiveness.DEFAULT_SEED, CostEffectiveness.DEFAULT_RESAMPLES, periodsFrom));
        // the version 2 safety marts: a log never delivered is null, so its mart is empty (not all zeros)
        Dataset<Row> prescriptions = delivered.contains("prescriptions") ? curated(genDir, "prescriptions") : null;
        Dataset<Row> incidents = delivered.contains("medication_incidents")
                ? curated(genDir, "medication_incidents") : null;
        Dataset<Row> events = delivered.contains("security_events") ? curated(genDir, "security_events") : null;
        marts.put("prescribing_safety", PrescribingSafety.compute(prescriptions, incidents, consults, sites,
                periodsFrom));
        marts.put("telemedicine_security", TelemedicineSecurity.compute(events, consults, sites,
                ref.siteConnectivity(), periodsFrom));
        // the national sensitivity's quarters are cost_effectiveness's: recomputed from the same quarter
        marts.put("cost_sensitivity", CostSensitivity.compute(pathways, consults, ref.unitCosts(), sites, periodsFrom));
        // every pathway, also those the incremental build leaves out: equity and the roll-out cohort cover every
        // quarter
        Dataset<Row> allPathways = periodsFrom == null ? pathways
                : Pathways.build(referrals, consults, sites).persist(StorageLevel.MEMORY_AND_DISK());
        marts.put("budget_impact", BudgetImpact.compute(consults, ref.unitCosts(), sites));
        // version 2 equity and readiness, recomputed whole: national and region rows of every quarter (equity's
        // secondary suppression works over the whole table), and one row per site and period (readiness)
        marts.put("equity", Equity.compute(consults, allPathways,
                delivered.contains("patients") ? curated(genDir, "patients") : null, sites));
        marts.put("readiness", Readiness.compute(consults, sites, ref.siteConnectivity()));
        // Earlier periods: hard-linked quarter slices of the previous generation, or (written before slicing)
        // read back and rewritten.
        String linkFrom = periodsFrom != null && previousIsSliced(previous) ? previous : null;
        if (periodsFrom != null && linkFrom == null) {
            for (String name : PERIOD_MARTS) {
                marts.put(name, withEarlierPeriods(marts.get(name), previous, name, periodsFrom));
            }
        }
        for (Map.Entry<String, Dataset<Row>> m : marts.entrySet()) {
            if (PERIOD_MARTS.contains(m.getKey())) {
                outputs.add(writeSliced("marts", m.getKey(), m.getValue(), genDir, linkFrom, periodsFrom));
            } else {
                outputs.add(write("marts", m.getKey(), m.getValue(), genDir));
            }
        }
        // The evaluation reads the marts just written: a small site x quarter panel, not the consults again.
        Dataset<Row> writtenWaits = mart(genDir, "waiting_times");
        LocalDate coverageFrom = firstConsultDay(consults);
        Map<String, Dataset<Row>> evaluation = new LinkedHashMap<>();
        if (coverageFrom != null) {
            // connectivity subgroups when site_connectivity.csv is supplied (null: all sites only)
            // and the incident rate when prescriptions were delivered
            evaluation.put("rollout_impact", RolloutImpact.compute(writtenWaits, mart(genDir, "access"),
                    mart(genDir, "mha_transfers"), prescriptions == null ? null : mart(genDir, "prescribing_safety"),
                    allPathways, sites, ref.siteConnectivity(), coverageFrom, runDate, RolloutImpact.DEFAULT_SEED,
                    RolloutImpact.DEFAULT_RESAMPLES));
        } else {
            // no consult has happened yet (an empty landing folder, a night before the first load date):
            // nothing to evaluate, but the table is written empty with its schema, so it can be published and read
            evaluation.put("rollout_impact", spark.createDataFrame(List.of(), RolloutImpact.SCHEMA));
        }
        evaluation.put("digital_equivalence", DigitalEquivalence.compute(consults, writtenWaits, ref.benchmarks()));

        // data_quality accumulates: each night's rows replace that night's rows of any earlier run of it
        Dataset<Row> quality = qualityRows.stream().reduce(Dataset::unionByName).orElseThrow();
        if (previous != null) {
            Path old = store.generationDir(previous).resolve("marts").resolve("data_quality");
            if (Files.exists(old)) {
                Object[] rerun = nights.stream().map(d -> "nightly-" + d).toArray();
                quality = spark.read().schema(quality.schema()).parquet(old.toString())
                        .filter(not(col("run_id").isin(rerun))).unionByName(quality);
            }
        }
        evaluation.put("data_quality", quality);
        for (Map.Entry<String, Dataset<Row>> m : evaluation.entrySet()) {
            outputs.add(write("marts", m.getKey(), m.getValue(), genDir));
        }
        pathways.unpersist();
        allPathways.unpersist();
        // published/: the same tables after disclosure control, computed from the marts just written
        // (disclosure control is row by row, so the recomputed quarters are controlled alone)
        for (String name : PublishedTables.CONTROLLED.keySet()) {
            Path mart = genDir.resolve("marts").resolve(name);
            if (PERIOD_MARTS.contains(name)) {
                String first = linkFrom == null ? "" : Slices.name(periodsFrom);
                Dataset<Row> recomputed = NightlyJob.unchecked(() -> SlicedTable.read(spark, spark.read().parquet(mart.toString())
                        .schema(), mart, q -> q.compareTo(first) >= 0));
                outputs.add(writeSliced("published", name, DisclosureControl.publish(name, recomputed), genDir, linkFrom,
                        periodsFrom));
            } else {
                outputs.add(write("published", name, DisclosureControl.publish(name,
                        spark.read().parquet(mart.toString())), genDir));
            }
        }
        // The site register is public, not about people: dashboards need names and regions beside the marts.
        outputs.add(write("published", "sites", sites, genDir));
        for (LogContract c : Contracts.ALL) {
            String log = c.log();
            outputs.add(new RunManifest.Output("curated/" + log, store.root().resolve("curated").resolve(log).toString(),
                    rowsIn(curated.resolve(log))));
        }
        return List.copyOf(outputs);
    }

    /** The marts a nightly run recomputes from a quarter on; the others are small or read all of history. */
    static final List<String> PERIOD_MARTS = List.of("waiting_times", "access", "costs", "cost_effectiveness",
            "cost_sensitivity", "prescribing_safety", "telemedicine_security");

    /** The recomputed periods plus the previous generation's rows of every earlier period. */
    private Dataset<Row> withEarlierPeriods(Dataset<Row> recomputed, String previous, String name, LocalDate from) {
        Column[] columns = java.util.Arrays.stream(recomputed.columns()).map(c -> col(c)).toArray(Column[]::new);
        Dataset<Row> earlier = spark.read().schema(recomputed.schema())
                .parquet(store.generationDir(previous).resolve("marts").resolve(name).toString())
                .filter(col("period_start").lt(lit(java.sql.Date.valueOf(from))))
                .select(columns);
        return earlier.unionByName(recomputed.select(columns));
    }

    /** True when the previous generation's period marts and their published tables are all sliced by quarter. */
    private boolean previousIsSliced(String previous) {
        Path gen = store.generationDir(previous);
        return NightlyJob.unchecked(() -> {
            for (String name : PERIOD_MARTS) {
                if (!SlicedTable.isSliced(gen.resolve("marts").resolve(name))
                        || !SlicedTable.isSliced(gen.resolve("published").resolve(name))) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Writes a period table one file per quarter; with {@code linkFrom}, {@code rows} are the quarters from
     * {@code from} on and every earlier quarter is hard-linked from that generation.
     */
    private RunManifest.Output writeSliced(String area, String table, Dataset<Row> rows, Path genDir, String linkFrom,
                             LocalDate from) {
        Path path = genDir.resolve(area).resolve(table);
        long n = progress.stage(area + " " + table, () -> NightlyJob.unchecked(() -> {
            SlicedTable.write(rows, Slices.periodQuarter(), sortKeys(rows), path);
            if (linkFrom != null) {
                String first = Slices.name(from);
                SlicedTable.link(store.generationDir(linkFrom).resolve(area).resolve(table), path,
                        q -> q.compareTo(first) < 0);
            }
            SlicedTable.ensureReadable(spark, rows.schema(), path);
            return rowsIn(path);
        }), c -> c + " rows");
        return new RunManifest.Output(area + "/" + table, store.root().resolve(area).resolve(table).toString(), n);
    }

    /** Rows of a table just written, from its footers (no Spark query). */
    private long rowsIn(Path table) {
        return ParquetRows.count(spark.sparkContext().hadoopConfiguration(), table);
    }

    private Dataset<Row> curated(Path genDir, String log) {
        return spark.read().parquet(genDir.resolve("curated").resolve(log).toString());
    }

    private Dataset<Row> mart(Path genDir, String name) {
        return spark.read().parquet(genDir.resolve("marts").resolve(name).toString());
    }

    /** The London date of the earliest consult that happened: where the logs' coverage starts. */
    private static LocalDate firstConsultDay(Dataset<Row> consults) {
        Row first = consults.filter(col("outcome").notEqual("booked"))
                .agg(min(LondonTime.londonDate(col("scheduled_start")))).first();
        return first.isNullAt(0) ? null : first.getDate(0).toLocalDate();
    }

    private RunManifest.Output write(String area, String table, Dataset<Row> rows, Path genDir) {
        Path path = genDir.resolve(area).resolve(table);
        Column[] order = sortKeys(rows);
        long n = progress.stage(area + " " + table, () -> {
            NightlyJob.write(rows.repartition(1).sortWithinPartitions(order), path);
            return rowsIn(path);
        }, c -> c + " rows");
        return new RunManifest.Output(area + "/" + table, store.root().resolve(area).resolve(table).toString(), n);
    }

    /** Sort by the dimension columns that exist, so files diff cleanly between runs. */
    static Column[] sortKeys(Dataset<Row> mart) {
        List<String> keys = List.of("run_id", "log", "load_date", "period_type", "period_start", "region", "site_id",
                "specialty_code", "priority", "modality_group", "measure", "first_assessment_modality", "level",
                "outcome", "event_time", "kind", "severity", "parameter", "perspective", "subgroup", "control", "dimension", "group_value");
        List<String> present = List.of(mart.columns());
        return keys.stream().filter(present::contains).map(k -> col(k)).toArray(Column[]::new);
    }
}
