package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.healthjustice.telemed.jobs.landing.LandingFile;
import uk.nhs.healthjustice.telemed.jobs.landing.LandingFileChecker;
import uk.nhs.healthjustice.telemed.jobs.landing.LogReader;
import uk.nhs.healthjustice.telemed.jobs.landing.ReferenceData;
import uk.nhs.healthjustice.telemed.jobs.publish.OutputStore;
import uk.nhs.healthjustice.telemed.jobs.run.Progress;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.pipelines.access.Access;
import uk.nhs.healthjustice.telemed.pipelines.access.Population;
import uk.nhs.healthjustice.telemed.pipelines.curation.VersionMerge;
import uk.nhs.healthjustice.telemed.pipelines.privacy.Pseudonymiser;
import uk.nhs.healthjustice.telemed.pipelines.quality.DataQuality;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;
import uk.nhs.healthjustice.telemed.pipelines.waiting.WaitingTimes;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * One night: read the {@code load_date=D} folder of each log, validate, quarantine, pseudonymise, merge into
 * the curated newest versions, compute the marts and publish them atomically as a new generation.
 */
public final class NightlyJob {

    /** What a nightly run needs to know. */
    public record Options(Path input, Path output, LocalDate runDate, double maxRejectRate, int keepGenerations) {
        public Options {
            if (maxRejectRate < 0 || maxRejectRate > 1) {
                throw new IllegalArgumentException("Invalid --max-reject-rate: " + maxRejectRate + " (expected 0..1)");
            }
        }
    }

    public static final List<String> MARTS = List.of("waiting_times", "access", "data_quality");

    private final SparkSession spark;
    private final Options options;
    private final Pseudonymiser pseudonymiser;
    private final Progress progress;
    private final RunManifest manifest = new RunManifest();
    private final OutputStore store;

    public NightlyJob(SparkSession spark, Options options, byte[] key, PrintStream log) {
        this.spark = spark;
        this.options = options;
        this.pseudonymiser = new Pseudonymiser(key);
        this.progress = new Progress(log, manifest.stageMillis);
        this.store = new OutputStore(options.output());
    }

    public static String runId(LocalDate runDate) {
        return "nightly-" + runDate;
    }

    public RunManifest run() {
        LocalDate day = options.runDate();
        manifest.runId = runId(day);
        manifest.command = "nightly";
        manifest.runDate = day.toString();
        manifest.startedAt = Instant.now().toString();
        manifest.maxRejectRate = options.maxRejectRate();
        manifest.versions.put("telemed", NightlyJob.class.getPackage().getImplementationVersion() == null
                ? "dev" : NightlyJob.class.getPackage().getImplementationVersion());
        manifest.versions.put("spark", spark.version());
        manifest.versions.put("java", System.getProperty("java.version"));
        String generation = "g" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC)
                .format(Instant.now()) + "-" + day;
        manifest.generation = generation;
        Path genDir = store.generationDir(generation);
        Path staging = genDir.resolve("staging");
        try {
            store.repairLinks();
            String previous = store.currentGeneration();
            Map<String, TreeMap<LocalDate, String>> index = store.historyIndex(previous);

            ReferenceData ref = progress.stage("reference", () -> ReferenceData.load(spark, options.input()),
                    r -> r.files().size() + " files");
            ref.files().forEach(f -> manifest.referenceFiles.add(f.toString()));
            Dataset<Row> sites = ref.sites().cache();

            List<Dataset<Row>> qualityRows = new ArrayList<>();
            long read = 0;
            long quarantined = 0;
            for (LogContract contract : Contracts.ALL) {
                LogOutcome o = ingestLog(contract, sites, index, generation, staging);
                qualityRows.add(o.quality);
                read += o.counts.rowsRead();
                quarantined += o.counts.rowsQuarantined();
                manifest.counts.add(o.counts);
            }
            manifest.rejectRate = read == 0 ? 0.0 : (double) quarantined / read;

            // The quarantine is for the data supplier: it is published even when the marts are held back.
            for (LogContract c : Contracts.ALL) {
                Path q = staging.resolve("quarantine").resolve(c.log());
                if (Files.exists(q)) {
                    OutputStore.replaceDirectory(q, store.quarantineDir(c.log(), day));
                }
            }
            if (manifest.rejectRate > options.maxRejectRate()) {
                throw new QualityThresholdBreached(String.format(
                        "Rejected %d of %d rows (%.2f%%), above --max-reject-rate %.2f%%: quarantine written to %s,"
                                + " marts not published", quarantined, read, 100 * manifest.rejectRate,
                        100 * options.maxRejectRate(), store.root().resolve("quarantine")));
            }

            writeMarts(ref, sites, previous, genDir, qualityRows);
            store.writeHistoryIndex(generation, index);
            OutputStore.deleteTree(staging);
            progress.stage("publish", () -> {
                store.commit(generation);
                return generation;
            }, g -> "generation " + g);
            store.collectGarbage(options.keepGenerations());
            manifest.status = "succeeded";
            return manifest;
        } catch (QualityThresholdBreached e) {
            manifest.status = "quality_threshold_breached";
            manifest.message = e.getMessage();
            throw e;
        } catch (InputError e) {
            manifest.status = "unreadable_input";
            manifest.message = e.getMessage();
            throw e;
        } catch (IOException e) {
            manifest.status = "failed";
            manifest.message = e.getMessage();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            manifest.status = "failed";
            manifest.message = e.getClass().getSimpleName();
            throw e;
        } finally {
            manifest.finishedAt = Instant.now().toString();
            try {
                manifest.writeTo(store.runsDir());
            } catch (IOException e) {
                progress.info("could not write the run manifest: " + e.getMessage());
            }
        }
    }

    private record LogOutcome(RunManifest.LogCounts counts, Dataset<Row> quality) {
    }

    private LogOutcome ingestLog(LogContract contract, Dataset<Row> sites, Map<String, TreeMap<LocalDate, String>> index,
                                 String generation, Path staging) throws IOException {
        LocalDate day = options.runDate();
        String log = contract.log();
        List<LandingFile> files = progress.stage("check " + log, () -> listAndCheck(contract),
                fs -> fs.size() + " files, " + fs.stream().mapToLong(LandingFile::lines).sum() + " lines");
        for (LandingFile f : files) {
            manifest.inputs.add(new RunManifest.InputFile(log, f.path().toString(), f.format().name().toLowerCase(),
                    f.bytes(), f.lines(), f.extraColumns()));
            if (!f.extraColumns().isEmpty()) {
                progress.info(log + ": " + f.name() + " has columns outside the contract, ignored: " + f.extraColumns());
            }
        }

        Dataset<Row> validated = RecordValidator.validate(LogReader.read(spark, contract, files), contract, sites, day)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> rejected = RecordValidator.rejected(validated);
        Dataset<Row> valid = RecordValidator.typed(RecordValidator.valid(validated), contract);
        List<String> content = new ArrayList<>();
        for (String f : contract.fieldNames()) {
            content.add(f.equals(Pseudonymiser.PATIENT_ID) ? Pseudonymiser.PATIENT_KEY : f);
        }
        Dataset<Row> keyed = VersionMerge.withContentHash(pseudonymiser.pseudonymise(valid), content);
        String id = contract.idField();

        // Tonight's valid versions become an immutable history partition of this generation.
        Path partition = store.historyPartition(log, day, generation);
        progress.stage("validate " + log, () -> {
            write(keyedSorted(keyed, id), partition);
            return null;
        }, x -> "");
        StructType schema = keyed.schema();
        Dataset<Row> tonight = spark.read().schema(schema).parquet(partition.toString());
        List<String> earlierPaths = index.getOrDefault(log, new TreeMap<>()).entrySet().stream()
                .filter(e -> !e.getKey().equals(day))
                .map(e -> store.resolve(e.getValue()).toString()).toList();
        Dataset<Row> earlier = earlierPaths.isEmpty()
                ? spark.createDataFrame(List.of(), schema)
                : spark.read().schema(schema).parquet(earlierPaths.toArray(String[]::new));

        VersionMerge.Result merged = VersionMerge.merge(earlier, tonight, contract);
        Path curatedPath = store.generationDir(generation).resolve("curated").resolve(log);
        progress.stage("curate " + log, () -> {
            write(merged.curated().repartitionByRange(col(id)).sortWithinPartitions(col(id)), curatedPath);
            return null;
        }, x -> "");
        index.computeIfAbsent(log, k -> new TreeMap<>()).put(day, store.relative(partition));

        long validCount = tonight.count();
        long curatedTonight = spark.read().parquet(curatedPath.toString())
                .filter(col(RecordValidator.LOAD_DATE).equalTo(lit(java.sql.Date.valueOf(day)))).count();

        Dataset<Row> quarantine = pseudonymiser.pseudonymiseRejected(rejected)
                .sort(col(RecordValidator.SOURCE_FILE), col(RecordValidator.SOURCE_ROW));
        write(quarantine.coalesce(1), staging.resolve("quarantine").resolve(log));

        Row q = DataQuality.summarise(runId(day), log, day, rejected, validCount, curatedTonight).first();
        Map<String, Long> rules = new LinkedHashMap<>();
        for (String rule : contract.ruleNames()) {
            long n = q.getLong(q.fieldIndex(DataQuality.RULE_PREFIX + rule));
            if (n > 0) {
                rules.put(rule, n);
            }
        }
        long rowsRead = q.getLong(q.fieldIndex("rows_read"));
        long rowsQuarantined = q.getLong(q.fieldIndex("rows_quarantined"));
        long superseded = q.getLong(q.fieldIndex("versions_superseded"));
        RunManifest.LogCounts counts = new RunManifest.LogCounts(log, day.toString(), rowsRead, curatedTonight,
                rowsQuarantined, superseded, rowsRead == curatedTonight + rowsQuarantined + superseded, rules);
        progress.info(String.format("%-16s read %d = curated %d + quarantined %d + superseded %d", log, rowsRead,
                curatedTonight, rowsQuarantined, superseded));
        Dataset<Row> quality = spark.createDataFrame(List.of(q), q.schema());
        validated.unpersist();
        return new LogOutcome(counts, quality);
    }

    private void writeMarts(ReferenceData ref, Dataset<Row> sites, String previous, Path genDir,
                            List<Dataset<Row>> qualityRows) {
        LocalDate day = options.runDate();
        Path curated = genDir.resolve("curated");
        Dataset<Row> referrals = spark.read().parquet(curated.resolve("referrals").toString());
        Dataset<Row> consults = spark.read().parquet(curated.resolve("consults").toString());

        Dataset<Row> pathways = Pathways.build(referrals, consults, sites);
        Map<String, Dataset<Row>> marts = new LinkedHashMap<>();
        marts.put("waiting_times", WaitingTimes.compute(pathways, day));
        marts.put("access", Access.compute(consults, sites, Population.byPeriod(ref.population(), sites)));

        Dataset<Row> quality = qualityRows.stream().reduce(Dataset::unionByName).orElseThrow();
        if (previous != null) {
            Path old = store.generationDir(previous).resolve("marts").resolve("data_quality");
            if (Files.exists(old)) {
                Dataset<Row> earlier = spark.read().schema(quality.schema()).parquet(old.toString())
                        .filter(col("run_id").notEqual(runId(day)));
                quality = earlier.unionByName(quality);
            }
        }
        marts.put("data_quality", quality);

        for (Map.Entry<String, Dataset<Row>> m : marts.entrySet()) {
            Path path = genDir.resolve("marts").resolve(m.getKey());
            Dataset<Row> mart = m.getValue();
            Column[] order = sortKeys(mart);
            progress.stage("mart " + m.getKey(), () -> {
                write(mart.repartition(1).sortWithinPartitions(order), path);
                return spark.read().parquet(path.toString()).count();
            }, n -> n + " rows");
            manifest.outputs.add(new RunManifest.Output("marts/" + m.getKey(), store.root().resolve("marts")
                    .resolve(m.getKey()).toString(), spark.read().parquet(path.toString()).count()));
        }
        // The site register is public, not about people: dashboards need names and regions beside the marts.
        Path sitesOut = genDir.resolve("published").resolve("sites");
        write(sites.repartition(1).sortWithinPartitions(col("site_id")), sitesOut);
        manifest.outputs.add(new RunManifest.Output("published/sites", store.root().resolve("published")
                .resolve("sites").toString(), spark.read().parquet(sitesOut.toString()).count()));
        for (String log : List.of("referrals", "consults", "mha_assessments")) {
            Path p = curated.resolve(log);
            manifest.outputs.add(new RunManifest.Output("curated/" + log,
                    store.root().resolve("curated").resolve(log).toString(), spark.read().parquet(p.toString()).count()));
        }
    }

    /** Sort by the dimension columns that exist, so files diff cleanly between runs. */
    static Column[] sortKeys(Dataset<Row> mart) {
        List<String> keys = List.of("run_id", "log", "load_date", "period_type", "period_start", "region", "site_id",
                "specialty_code", "priority", "modality_group", "measure");
        List<String> present = List.of(mart.columns());
        return keys.stream().filter(present::contains).map(k -> col(k)).toArray(Column[]::new);
    }

    private static Dataset<Row> keyedSorted(Dataset<Row> keyed, String id) {
        return keyed.repartition(1).sortWithinPartitions(col(id), col(RecordValidator.SOURCE_FILE),
                col(RecordValidator.SOURCE_ROW));
    }

    private static void write(Dataset<Row> ds, Path path) {
        ds.write().mode(SaveMode.Overwrite).parquet(path.toString());
    }

    private List<LandingFile> listAndCheck(LogContract contract) {
        Path dir = options.input().resolve(contract.log()).resolve("load_date=" + options.runDate());
        if (!Files.isDirectory(dir)) {
            return List.of(); // nothing happened that night: not an error
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("_"))
                    .sorted()
                    .map(p -> LandingFileChecker.check(p, contract))
                    .toList();
        } catch (IOException e) {
            throw new InputError("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
