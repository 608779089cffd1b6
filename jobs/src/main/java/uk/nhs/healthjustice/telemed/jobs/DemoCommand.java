package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.jobs.generate.GenerationSummary;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.LandingGenerator;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;
import uk.nhs.healthjustice.telemed.jobs.run.PseudonymisationKey;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;

/** {@code telemed demo}: small synthetic data, every load date run, a summary of what came out. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate small synthetic data, run the nightly job over each of its load dates "
                + "(with a public demo key) and print where the outputs are.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "demo-output", description = "Folder for landing/ and output/ (default: ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--years", defaultValue = "1", description = "History to generate, in years (default: ${DEFAULT-VALUE})")
    double years;
    @Option(names = "--master", description = "Spark master (default: local[2])")
    String master;

    @Override
    public Integer call() throws Exception {
        System.out.println("demo: this uses a PUBLIC demo pseudonymisation key, for synthetic data only");
        Path landing = dir.resolve("landing");
        Path output = dir.resolve("output");
        TelemedCli.debugDir = output.resolve("runs");
        // the output folder's lock first: a second demo (or a nightly run) on the same folder is refused
        // before anything is deleted
        try (uk.nhs.healthjustice.telemed.jobs.run.OutputLock lock = uk.nhs.healthjustice.telemed.jobs.run.OutputLock
                .acquire(output, "demo", "demo", false, System.err)) {
            return runLocked(landing, output);
        }
    }

    private Integer runLocked(Path landing, Path output) throws Exception {
        uk.nhs.healthjustice.telemed.jobs.publish.OutputStore.deleteTree(landing);
        try (java.util.stream.Stream<Path> old = java.nio.file.Files.list(output)) {
            for (Path p : old.toList()) {
                if (!p.getFileName().toString().startsWith(uk.nhs.healthjustice.telemed.jobs.run.OutputLock.FILE_NAME)) {
                    uk.nhs.healthjustice.telemed.jobs.publish.OutputStore.deleteTree(p);
                }
            }
        }
        GenerationSummary g = new LandingGenerator().generate(landing,
                GeneratorOptions.defaults(Scale.SMALL).withYears(years));
        System.out.printf("demo: generated %d sites, %d load dates %s..%s into %s%n", g.sites(), g.loadDates().size(),
                g.firstLoadDate(), g.lastLoadDate(), landing);

        SparkSession spark = SparkSessions.getOrCreate(master, 4);
        byte[] key = PseudonymisationKey.DEMO_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<RunManifest> runs = new NightlyJob(spark, new NightlyJob.Options(landing, output, g.firstLoadDate(),
                g.lastLoadDate(), 1.0, 3, false), key, System.err).run();
        long read = 0;
        long curated = 0;
        long quarantined = 0;
        long superseded = 0;
        for (RunManifest m : runs) {
            for (RunManifest.LogCounts c : m.counts) {
                read += c.rowsRead();
                curated += c.rowsCurated();
                quarantined += c.rowsQuarantined();
                superseded += c.versionsSuperseded();
            }
        }
        System.out.printf("demo: %d nights run; rows read %d = curated %d + quarantined %d + superseded %d%n",
                runs.size(), read, curated, quarantined, superseded);

        Dataset<Row> waits = spark.read().parquet(output.resolve("marts/waiting_times").toString())
                .filter(col("period_type").equalTo("quarter").and(col("region").equalTo("ALL"))
                        .and(col("specialty_code").equalTo("ALL")).and(col("priority").equalTo("ALL"))
                        .and(col("measure").equalTo("first_attendance")))
                .orderBy(col("period_start"), col("modality_group"));
        System.out.println("demo: national median wait to first attendance (days), by quarter and modality:");
        for (Row r : waits.select("period_label", "modality_group", "completed_pathways", "median_wait_days",
                "p92_wait_days").collectAsList()) { // bounded: quarters x 3 modality groups
            System.out.printf("        %-11s %-13s pathways %6d  median %4s  p92 %4s%n", r.getString(0), r.getString(1),
                    r.getLong(2), r.get(3), r.get(4));
        }
        System.out.println("demo: outputs in " + output.toAbsolutePath());
        System.out.println("        marts/      waiting_times, access, mha_transfers, costs, cost_effectiveness, rollout_impact,");
        System.out.println("                    digital_equivalence, data_quality (Parquet)");
        System.out.println("        published/  the same after disclosure control, for the dashboard and the report");
        System.out.println("        curated/    referrals, consults, mha_assessments (pseudonymised)");
        System.out.println("        quarantine/ rejected rows with the rules they broke (Delta Lake tables)");
        System.out.println("        runs/       one manifest per night");
        System.out.println("demo: next, the dashboard and a quarterly report:");
        System.out.println("        java -jar jobs/target/telemed.jar dashboard --output " + output);
        System.out.println("        java -jar jobs/target/telemed.jar report --output " + output + " --quarter \""
                + Periods.quarterLabelOf(g.lastLoadDate().minusDays(1)) + "\"");
        return ExitCodes.SUCCESS;
    }
}
