package uk.nhs.healthjustice.telemed.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.jobs.generate.GenerationSummary;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.LandingGenerator;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;
import uk.nhs.healthjustice.telemed.jobs.publish.HistoryTables;
import uk.nhs.healthjustice.telemed.jobs.publish.OutputStore;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;

/**
 * {@code telemed bench}: wall time and peak heap of a full rebuild, of one nightly run at the end of the
 * history, and of the floor (the same Spark session reading every landed file once and counting its rows),
 * for each history length. Prints one table; nothing here is a pass/fail test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark full rebuild, nightly run and the read-and-count floor on generated data.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "bench-output", description = "Working folder (default: ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--scale", defaultValue = "national", description = "small or national (default: ${DEFAULT-VALUE})")
    String scale;
    @Option(names = "--years", split = ",", defaultValue = "1,2,5", description = "History lengths (default: ${DEFAULT-VALUE})")
    List<Double> years;
    @Option(names = "--master", description = "Spark master (default: local[2])")
    String master;
    @Option(names = "--shuffle-partitions", defaultValue = "4", description = "Spark shuffle partitions (default: ${DEFAULT-VALUE})")
    int shufflePartitions;
    @Option(names = "--delta-commits", defaultValue = "0", description = "Instead: time this many one-night commits "
            + "to a small history table, the fixed cost Delta adds to each table a run writes (default: off)")
    int deltaCommits;

    record Measure(double seconds, long peakHeapBytes) {
    }

    @Override
    public Integer call() throws Exception {
        Scale s = Scale.valueOf(scale.toUpperCase(Locale.ROOT));
        SparkSession spark = SparkSessions.getOrCreate(master, shufflePartitions);
        if (deltaCommits > 0) {
            System.out.println(deltaCommitCost(spark, dir.resolve("delta-commits"), deltaCommits));
            return ExitCodes.SUCCESS;
        }
        Path key = dir.resolve("bench.key");
        Files.createDirectories(dir);
        Files.writeString(key, "benchmark-key-synthetic-data-only-0123456789");
        List<String> lines = new ArrayList<>();
        // the two ratios issue 16 sets targets on: rebuild and nightly against the read-and-count floor
        lines.add(String.format("| history | rows landed | floor s | full rebuild s | rebuild / floor | nightly s"
                + " | nightly / floor | peak heap rebuild | peak heap nightly |"));
        lines.add("|---|---|---|---|---|---|---|---|---|");
        for (double y : years) {
            Path landing = dir.resolve("landing-" + scale + "-" + y + "y");
            Path out = dir.resolve("output-" + scale + "-" + y + "y");
            OutputStore.deleteTree(landing);
            OutputStore.deleteTree(out);
            long g0 = System.nanoTime();
            GenerationSummary g = new LandingGenerator().generate(landing, GeneratorOptions.defaults(s).withYears(y));
            System.err.printf("bench: generated %s %.0fy in %.1f s%n", scale, y, (System.nanoTime() - g0) / 1e9);
            List<LocalDate> nights = g.loadDates();
            LocalDate last = nights.get(nights.size() - 1);

            long[] rows = new long[1];
            Measure floor = measure(() -> rows[0] = floor(spark, landing));
            Measure rebuild = measure(() -> run("backfill", "--input", landing.toString(), "--output",
                    out.toString(), "--from", nights.get(0).toString(), "--to", last.minusDays(1).toString(),
                    "--key-file", key.toString()));
            Measure nightly = measure(() -> run("nightly", "--input", landing.toString(), "--output",
                    out.toString(), "--run-date", last.toString(), "--key-file", key.toString()));
            String line = String.format(Locale.UK, "| %.0f y | %,d | %.1f | %.1f | %.2f | %.1f | %.2f | %.2f GiB | %.2f GiB |",
                    y, rows[0], floor.seconds(), rebuild.seconds(), rebuild.seconds() / floor.seconds(), nightly.seconds(),
                    nightly.seconds() / floor.seconds(), rebuild.peakHeapBytes() / 1073741824.0, nightly.peakHeapBytes() / 1073741824.0);
            System.err.println("bench: " + line);
            lines.add(line);
        }
        Runtime rt = Runtime.getRuntime();
        lines.add("");
        lines.add(String.format(Locale.UK, "Max heap %.1f GiB, %d processors, Java %s, Spark %s, shuffle partitions %d.",
                rt.maxMemory() / 1073741824.0, rt.availableProcessors(), System.getProperty("java.version"),
                spark.version(), shufflePartitions));
        Files.write(dir.resolve("bench-results.md"), lines, StandardCharsets.UTF_8);
        lines.forEach(System.out::println);
        return ExitCodes.SUCCESS;
    }

    /**
     * The fixed cost of one Delta commit as a run makes it: {@code commits} nights of 100 rows each written to
     * a fresh history table ({@code replaceWhere} on the night) and read back at the new version. The first two
     * warm the session up and are not counted. Compare session settings with {@code java -Dspark.…=… -jar}.
     */
    static String deltaCommitCost(SparkSession spark, Path dir, int commits) throws IOException {
        OutputStore.deleteTree(dir);
        HistoryTables tables = new HistoryTables(spark, dir.toString());
        StructType schema = new StructType().add("record_id", DataTypes.StringType)
                .add(RecordValidator.LOAD_DATE, DataTypes.DateType);
        LocalDate first = LocalDate.parse("2026-03-01");
        int warmUp = 2;
        long counted = 0;
        double seconds = 0;
        for (int i = 0; i < commits + warmUp; i++) {
            LocalDate night = first.plusDays(i);
            List<Row> rows = new ArrayList<>();
            for (int r = 0; r < 100; r++) {
                rows.add(RowFactory.create(night + "-" + r, java.sql.Date.valueOf(night)));
            }
            long t0 = System.nanoTime();
            long version = tables.replaceNights("bench", spark.createDataFrame(rows, schema), night, night);
            long n = tables.read("bench", version).where(HistoryTables.inside(night, night)).count();
            if (i >= warmUp) {
                seconds += (System.nanoTime() - t0) / 1e9;
                counted += n;
            }
        }
        return String.format(Locale.UK, "delta commits: %d one-night commits of %d rows, %.2f s each on average"
                + " (spark.databricks.delta.snapshotPartitions=%s)", commits, counted / commits, seconds / commits,
                spark.conf().get("spark.databricks.delta.snapshotPartitions", "50"));
    }

    interface Step {
        void run() throws Exception;
    }

    private static void run(String... args) {
        int code = TelemedCli.execute(args);
        if (code != ExitCodes.SUCCESS) {
            throw new IllegalStateException("bench: " + args[0] + " exited with " + code);
        }
    }

    /** The floor: every landed file read once, lines counted (the same Spark session, gzip included). */
    static long floor(SparkSession spark, Path landing) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(landing)) {
            all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".json"))
                    .forEach(p -> files.add(p.toString()));
        }
        return spark.read().text(files.toArray(String[]::new)).count();
    }

    /** Wall time, and the peak of used heap over the step (sum of the heap pools' peaks: an upper bound). */
    static Measure measure(Step step) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        step.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Measure(seconds, peak);
    }
}
