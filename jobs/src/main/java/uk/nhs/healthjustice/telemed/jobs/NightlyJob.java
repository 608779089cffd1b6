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
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.healthjustice.telemed.jobs.landing.LandingFile;
import uk.nhs.healthjustice.telemed.jobs.landing.LandingFileChecker;
import uk.nhs.healthjustice.telemed.jobs.landing.LogReader;
import uk.nhs.healthjustice.telemed.jobs.landing.ReferenceData;
import uk.nhs.healthjustice.telemed.jobs.publish.MartState;
import uk.nhs.healthjustice.telemed.jobs.publish.OutputStore;
import uk.nhs.healthjustice.telemed.jobs.publish.HistoryTables;
import uk.nhs.healthjustice.telemed.jobs.publish.QuarantineTables;
import uk.nhs.healthjustice.telemed.jobs.publish.SlicedTable;
import uk.nhs.healthjustice.telemed.jobs.run.Failures;
import uk.nhs.healthjustice.telemed.jobs.run.NightManifests;
import uk.nhs.healthjustice.telemed.jobs.run.OutputLock;
import uk.nhs.healthjustice.telemed.jobs.run.Progress;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.jobs.run.RunPlan;
import uk.nhs.healthjustice.telemed.pipelines.curation.VersionMerge;
import uk.nhs.healthjustice.telemed.pipelines.incremental.ChangedPeriods;
import uk.nhs.healthjustice.telemed.pipelines.incremental.Slices;
import uk.nhs.healthjustice.telemed.pipelines.privacy.Pseudonymiser;
import uk.nhs.healthjustice.telemed.pipelines.quality.DataQuality;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * Runs one night, or a range of nights in one pass: read the {@code load_date=D} folders of each log,
 * validate, quarantine, pseudonymise, merge into the curated newest versions, compute the marts and publish
 * them atomically as a new generation. A range gives exactly the outputs of its nights run one by one: each
 * row is classified as of its own night ({@link VersionMerge}), each night keeps its run id
 * {@code nightly-D} and its manifest, and the marts are a function of the final curated state.
 */
public final class NightlyJob {

    /** What a run needs to know. */
    public record Options(Path input, Path output, LocalDate from, LocalDate to, double maxRejectRate,
                          int keepGenerations, boolean fullRebuild) {
        public Options {
            if (maxRejectRate < 0 || maxRejectRate > 1) {
                throw new IllegalArgumentException("Invalid --max-reject-rate: " + maxRejectRate + " (expected 0..1)");
            }
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("Invalid range: --to " + to + " is before --from " + from);
            }
        }

        public List<LocalDate> nights() {
            return from.datesUntil(to.plusDays(1)).toList();
        }
    }

    private final SparkSession spark;
    private final Options options;
    private final Pseudonymiser pseudonymiser;
    private final Progress progress;
    private final PrintStream log;
    private final OutputStore store;
    private final QuarantineTables quarantine;
    private final HistoryTables history;

    /** The old and new curated versions of the records whose curated version this run changed. */
    private record Changed(Dataset<Row> before, Dataset<Row> after) {
    }

    /**
     * What ingesting one log returned: where its rows went per night, its data-quality rows, what it changed in
     * the curated table (incremental runs only, else null), its history index after this run's nights and the
     * version of its history table that index reads (null for a log never delivered with no table written).
     */
    private record Ingested(List<RunManifest.LogCounts> counts, Dataset<Row> quality, Changed changed,
                            TreeMap<LocalDate, String> historyIndex, Long historyVersion) {
    }

    public NightlyJob(SparkSession spark, Options options, byte[] key, PrintStream log) {
        this.spark = spark;
        this.options = options;
        this.pseudonymiser = new Pseudonymiser(key);
        this.progress = new Progress(log).countingJobsOf(spark.sparkContext());
        this.log = log;
        this.store = new OutputStore(options.output());
        this.quarantine = new QuarantineTables(spark, store.root().resolve("quarantine").toString());
        this.history = new HistoryTables(spark, store.root().resolve(HistoryTables.FOLDER).toString());
    }

    /**
     * The outcome of a run: the manifests written, one per night. Holds the output folder's lock
     * ({@link OutputLock}) throughout, taking it unless the calling command already did.
     */
    public List<RunManifest> run() {
        boolean single = options.from().equals(options.to());
        OutputLock own = OutputLock.heldByThisThread(options.output()) != null ? null
                : OutputLock.acquire(options.output(), single ? DataQuality.runId(options.from())
                        : "backfill-" + options.from() + ".." + options.to(), single ? "nightly" : "backfill", false, log);
        try {
            return runLocked();
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /**
     * Plan, steps, commit: each step returns an immutable result, and this method alone publishes the
     * generation and writes the manifests, assembled from the results the steps returned (as far as the run got).
     */
    private List<RunManifest> runLocked() {
        String startedAt = Instant.now().toString();
        String generation = "g" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC)
                .format(Instant.now()) + "-" + options.to();
        NightManifests.Header header = new NightManifests.Header(options.from().equals(options.to()) ? "nightly"
                : "backfill " + options.from() + ".." + options.to(), generation, startedAt, options.maxRejectRate(),
                versions());
        Path genDir = store.generationDir(generation);
        Path staging = genDir.resolve("staging");
        String stagedQuarantine = stagedQuarantine(generation);
        // what the steps returned so far: a failed run's manifests record what it got to
        List<String> referenceFiles = List.of();
        Map<LocalDate, List<String>> warnings = Map.of();
        List<NightManifests.Input> inputs = new ArrayList<>();
        List<RunManifest.LogCounts> counts = new ArrayList<>();
        boolean ingestComplete = false;
        NightManifests.MartPeriods martPeriods = null;
        List<RunManifest.Output> outputs = List.of();
        Map<String, Long> deltaVersions = new TreeMap<>();
        Map<String, java.util.Set<String>> historyFilesBefore = new TreeMap<>();
        String status = "failed";
        String message = null;
        List<RunManifest> manifests;
        try {
            store.repairLinks();
            OutputStore.Removed removed = store.removeLeftovers();
            if (removed.items() > 0) {
                progress.info("removed what an earlier killed or failed run left behind: " + removed);
            }
            publishQuarantineOfKilledRun();
            warnings = runDateWarnings();
            refuseReferenceLinks();
            String previous = store.currentGeneration();
            Map<String, TreeMap<LocalDate, String>> index = historyOfCommitted(store.historyIndex(previous));
            for (LogContract c : Contracts.ALL) {
                // only the run's nights: it writes no other partition
                historyFilesBefore.put(c.log(), history.dataFiles(c.log(), options.from(), options.to()));
            }

            ReferenceData ref = progress.stage("reference", () -> ReferenceData.load(spark, options.input()),
                    r -> r.files().size() + " files");
            referenceFiles = ref.files().stream().map(Path::toString).toList();
            Dataset<Row> sites = ref.sites().cache();
            String fingerprint = MartState.fingerprint(ref.files(), version());
            RunPlan plan = RunPlan.of(options.from(), options.to(), previousState(previous, index), fingerprint,
                    options.fullRebuild(), Contracts.ALL.stream().map(LogContract::log).toList());

            Map<String, TreeMap<LocalDate, String>> indexAfter = new TreeMap<>(index);
            Map<String, Changed> changed = new LinkedHashMap<>();
            List<Dataset<Row>> qualityRows = new ArrayList<>();
            for (LogContract contract : Contracts.ALL) {
                List<LandingFile> files = progress.stage("check " + contract.log(), () -> listAndCheck(contract),
                        fs -> fs.size() + " files, " + fs.stream().mapToLong(LandingFile::lines).sum() + " lines");
                inputs.addAll(inputsOf(contract.log(), files));
                Ingested ingested = ingest(contract, files, sites, previous, index, generation,
                        stagedQuarantine, plan);
                counts.addAll(ingested.counts());
                qualityRows.add(ingested.quality());
                indexAfter.put(contract.log(), ingested.historyIndex());
                if (ingested.historyVersion() != null) {
                    deltaVersions.put(HistoryTables.FOLDER + "/" + contract.log(), ingested.historyVersion());
                }
                if (ingested.changed() != null) {
                    changed.put(contract.log(), ingested.changed());
                }
            }
            ingestComplete = true;
            quarantine.stageNights(stagedQuarantine, options.from(), options.to());
            try {
                refuseAboveRejectRate(counts);
            } catch (QualityThresholdBreached e) {
                // for the data supplier; the marts are held back
                deltaVersions.putAll(publishQuarantine(stagedQuarantine));
                throw e;
            }

            Set<String> deliveredNow = delivered(indexAfter);
            String martsReason = plan.martsRebuildReason(delivered(index), deliveredNow, MartBuilder.PERIOD_MARTS,
                    mart -> Files.isDirectory(store.generationDir(previous).resolve("marts").resolve(mart)));
            LocalDate periodsFrom = martsReason == null ? periodsFrom(generation, plan, changed) : null;
            if (periodsFrom == null) {
                progress.info("marts: every period recomputed (" + martsReason + ")");
            }
            martPeriods = new NightManifests.MartPeriods(periodsFrom, martsReason);
            List<RunManifest.Output> written = new MartBuilder(spark, progress, store).build(ref, sites, previous,
                    genDir, qualityRows, options.to(), options.nights(), periodsFrom, deliveredNow);
            store.writeMartState(generation, new MartState(options.to().toString(), fingerprint));
            store.writeHistoryIndex(generation, indexAfter);
            OutputStore.deleteTree(staging);
            OutputLock held = OutputLock.heldByThisThread(options.output());
            if (held != null) {
                held.verifyHeld(); // a run whose lock was broken or taken over does not publish
            }
            progress.stage("publish", () -> {
                store.commit(generation);
                return generation;
            }, g -> "generation " + g);
            outputs = written;
            deltaVersions.putAll(publishQuarantine(stagedQuarantine));
            store.collectGarbage(options.keepGenerations());
            status = "succeeded";
        } catch (QualityThresholdBreached e) {
            status = "quality_threshold_breached";
            message = e.getMessage();
            throw e;
        } catch (InputError e) {
            status = "unreadable_input";
            message = e.getMessage();
            throw e;
        } catch (OutputLock.Held e) {
            status = "lock_lost";
            message = e.getMessage();
            throw e;
        } catch (IllegalArgumentException e) {
            message = e.getClass().getSimpleName();
            throw e;
        } catch (Exception | Error e) { // Exception: Spark's AnalysisException is checked but thrown unchecked
            // one line for the operator: the stage, the output folder and the I/O cause, never data
            String stage = progress.current();
            message = "run failed" + (stage == null ? "" : " in stage '" + stage + "'") + " (output folder "
                    + store.root() + "): " + (Failures.isIo(e) ? "input/output failure: " : "") + Failures.cause(e);
            throw new RunFailure(message, e);
        } finally {
            if (!"succeeded".equals(status) && !isCurrent(generation)) {
                // never published: free the space now (a full disk) so the manifests below can be written
                removeUnpublished(generation, historyFilesBefore);
            }
            manifests = NightManifests.assemble(options.nights(), header,
                    new NightManifests.Steps(referenceFiles, warnings, inputs, counts, ingestComplete, martPeriods),
                    new NightManifests.Ending(status, message, Instant.now().toString(), progress.stageMillis(),
                            outputs, deltaVersions));
            for (RunManifest m : manifests) {
                try {
                    m.writeTo(store.runsDir());
                } catch (IOException | RuntimeException e) {
                    progress.info("could not write the run manifest " + m.runId + ": " + Failures.cause(e));
                }
            }
        }
        return manifests;
    }

    /** The versions of what ran, recorded in every manifest. */
    private Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("telemed", version());
        v.put("spark", spark.version());
        v.put("java", System.getProperty("java.version"));
        return v;
    }

    /** Stops the run before any mart is computed when a night rejected more rows than the operator allows. */
    private void refuseAboveRejectRate(List<RunManifest.LogCounts> counts) {
        List<String> breaches = new ArrayList<>();
        NightManifests.totals(options.nights(), counts).forEach((night, t) -> {
            if (t.rejectRate() > options.maxRejectRate()) {
                breaches.add(String.format("%s rejected %d of %d rows (%.2f%%)", night, t.rejected(), t.read(),
                        100 * t.rejectRate()));
            }
        });
        if (!breaches.isEmpty()) {
            throw new QualityThresholdBreached("Above --max-reject-rate " + 100 * options.maxRejectRate() + "%: "
                    + String.join("; ", breaches) + ". Quarantine written to " + store.root().resolve("quarantine")
                    + "; marts not published");
        }
    }

    /** The checked files of one log as the manifests list them, each under its night. */
    private List<NightManifests.Input> inputsOf(String log, List<LandingFile> files) {
        List<NightManifests.Input> out = new ArrayList<>();
        java.util.Set<String> extra = new java.util.TreeSet<>();
        long withExtra = 0;
        for (LandingFile f : files) {
            out.add(new NightManifests.Input(nightOf(f), new RunManifest.InputFile(log, f.path().toString(),
                    f.format().name().toLowerCase(), f.bytes(), f.lines(), f.extraColumns())));
            extra.addAll(f.extraColumns());
            withExtra += f.extraColumns().isEmpty() ? 0 : 1;
        }
        if (withExtra > 0) {
            progress.info(log + ": " + withExtra + " file(s) have columns outside the contract, ignored: " + extra
                    + " (listed per file in the run manifest)");
        }
        return out;
    }

    /**
     * Deletes this run's generation and the data files it added to the history tables after a failure, to free
     * the space at once (a full disk) so the manifests can be written; a leftover is cleaned next run, which
     * also rolls back what this run committed to the history tables ({@link HistoryTables#rollBack}).
     */
    private void removeUnpublished(String generation, Map<String, java.util.Set<String>> historyFilesBefore) {
        try {
            OutputStore.deleteTree(store.generationDir(generation));
            historyFilesBefore.forEach((log, before) ->
                    history.removeNewFiles(log, before, options.from(), options.to()));
        } catch (IOException | RuntimeException e) {
            progress.info("could not remove the unpublished generation " + generation + " (the next run will): "
                    + Failures.cause(e));
        }
    }

    private boolean isCurrent(String generation) {
        try {
            return generation.equals(store.currentGeneration());
        } catch (RuntimeException e) {
            return true; // unsure: keep
        }
    }

    /** The reference folder and files must not be symbolic links either (see LandingFileChecker.refuseLink). */
    private void refuseReferenceLinks() throws IOException {
        Path ref = options.input().resolve("reference");
        LandingFileChecker.refuseLink(ref);
        if (Files.isDirectory(ref)) {
            try (Stream<Path> s = Files.list(ref)) {
                s.sorted().forEach(LandingFileChecker::refuseLink);
            }
        }
    }

    /**
     * Warnings, printed and recorded in the manifests: a night before the first load date in the landing
     * folder, a night with no landing folder at all, or a landing folder without any. The run goes on.
     */
    private Map<LocalDate, List<String>> runDateWarnings() {
        java.util.TreeSet<LocalDate> delivered = new java.util.TreeSet<>();
        for (LogContract c : Contracts.ALL) {
            Path logDir = options.input().resolve(c.log());
            LandingFileChecker.refuseLink(logDir);
            if (!Files.isDirectory(logDir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(logDir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.matches("load_date=\\d{4}-\\d{2}-\\d{2}"))
                        .forEach(n -> {
                            try {
                                delivered.add(LocalDate.parse(n.substring("load_date=".length())));
                            } catch (java.time.DateTimeException e) {
                                // not a date: not a load_date folder
                            }
                        });
            } catch (IOException e) {
                throw new InputError("Cannot list " + logDir + ": " + Failures.cause(e), e);
            }
        }
        List<LocalDate> before = new ArrayList<>();
        List<LocalDate> empty = new ArrayList<>();
        Map<LocalDate, List<String>> warnings = new TreeMap<>();
        for (LocalDate night : options.nights()) {
            String w = null;
            if (delivered.isEmpty()) {
                w = "the landing folder " + options.input() + " has no load_date folders at all: nothing to ingest";
            } else if (night.isBefore(delivered.first())) {
                w = "run date " + night + " is before the first load date " + delivered.first()
                        + " in the landing folder: nothing to ingest";
                before.add(night);
            } else if (!delivered.contains(night)) {
                w = "no landing folder for load date " + night + ": nothing to ingest that night";
                empty.add(night);
            }
            if (w != null) {
                warnings.put(night, List.of(w));
            }
        }
        if (delivered.isEmpty()) {
            progress.info("warning: the landing folder " + options.input() + " has no load_date folders at all");
        }
        if (!before.isEmpty()) {
            progress.info("warning: " + (before.size() == 1 ? "run date " + before.get(0) + " is"
                    : before.size() + " nights from " + before.get(0) + " are") + " before the first load date "
                    + delivered.first() + " in the landing folder (recorded in the manifest)");
        }
        if (!empty.isEmpty()) {
            progress.info("warning: " + (empty.size() == 1 ? "no landing folder for load date " + empty.get(0)
                    : empty.size() + " of " + options.nights().size() + " nights have no landing folder")
                    + " (recorded in the manifest)");
        }
        return warnings;
    }

    /** The previous generation as the plan sees it: published or not, its mart state, its nights per log. */
    private RunPlan.PreviousState previousState(String previous, Map<String, TreeMap<LocalDate, String>> index) {
        if (previous == null) {
            return RunPlan.PreviousState.none();
        }
        Map<String, java.util.NavigableSet<LocalDate>> nights = new TreeMap<>();
        index.forEach((log, byNight) -> nights.put(log, new java.util.TreeSet<>(byNight.keySet())));
        return new RunPlan.PreviousState(true, store.martState(previous), nights);
    }

    /**
     * The first quarter whose periods this run recomputes: that of the earliest day its changes reach
     * ({@link ChangedPeriods}) or of the last run date (periods after it are new), whichever is earlier.
     */
    private LocalDate periodsFrom(String generation, RunPlan plan, Map<String, Changed> changed) {
        Changed referrals = changed.get("referrals");
        Changed consults = changed.get("consults");
        Changed prescriptions = changed.get("prescriptions");
        Changed incidents = changed.get("medication_incidents");
        Changed events = changed.get("security_events");
        Dataset<Row> curatedConsults = curated(generation, "consults");
        LocalDate[] reach = progress.stage("changes", () -> {
            Row r = ChangedPeriods.consults(consults.before(), consults.after())
                    .withColumnRenamed(ChangedPeriods.EARLIEST, "c")
                    .crossJoin(ChangedPeriods.referrals(referrals.before(), referrals.after(), curatedConsults)
                            .withColumnRenamed(ChangedPeriods.EARLIEST, "r"))
                    .crossJoin(ChangedPeriods.safety(prescriptions.before(), prescriptions.after(), incidents.before(),
                            incidents.after(), events.before(), events.after(), consults.before(), consults.after(),
                            curated(generation, "prescriptions"), curated(generation, "medication_incidents"),
                            curatedConsults))
                    .first();
            LocalDate[] days = new LocalDate[3];
            for (int i = 0; i < days.length; i++) {
                days[i] = r.isNullAt(i) ? null : r.getDate(i).toLocalDate();
            }
            return days;
        }, d -> "earliest changed day: consults " + d[0] + ", referrals " + d[1] + ", safety logs " + d[2]);
        LocalDate from = plan.firstRecomputedPeriod(reach);
        progress.info("marts: periods from " + from + " recomputed (last run " + plan.lastRunDate()
                + "), earlier periods carried over");
        return from;
    }

    private Dataset<Row> curated(String generation, String log) {
        return spark.read().parquet(store.generationDir(generation).resolve("curated").resolve(log).toString());
    }

    /** The optional logs with at least one valid row in the history ({@link RunPlan#optionalLogsWithRows}). */
    private static Set<String> delivered(Map<String, TreeMap<LocalDate, String>> index) {
        return RunPlan.optionalLogsWithRows(index, Contracts.OPTIONAL.stream().map(LogContract::log).toList());
    }

    /**
     * Reads, validates, pseudonymises and merges every night of one log from its checked files, writes its
     * history, curated table and staged quarantine, and returns what the rest of the run needs of it. Four
     * steps, each returning what the next needs: history, curation, quarantine, counts.
     */
    private Ingested ingest(LogContract contract, List<LandingFile> files, Dataset<Row> sites, String previous,
                            Map<String, TreeMap<LocalDate, String>> index, String generation, String stagedQuarantine,
                            RunPlan plan) throws IOException {
        Dataset<Row> validated = RecordValidator.validate(LogReader.read(spark, contract, files), contract, sites)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> rejected = RecordValidator.rejected(validated);
        History versions = writeHistory(contract, RecordValidator.typed(RecordValidator.valid(validated), contract),
                index, files.isEmpty());
        if (plan.incremental()) {
            // A night's versions are read four times or more (slices, merge, counts); each read of a Delta table
            // first runs a job to pick its files. Kept once instead: a night's rows, not a rebuild's years.
            versions = new History(versions.written().persist(StorageLevel.MEMORY_AND_DISK()), versions.schema(),
                    versions.index(), versions.version());
        }
        Curation curation = curate(contract, versions, previous, index, generation, plan);
        stageQuarantine(contract.log(), rejected, stagedQuarantine);
        Counted counted = count(contract, rejected, curation.merged(), generation);
        validated.unpersist();
        versions.written().unpersist();
        return new Ingested(counted.counts(), counted.quality(), curation.changed(), versions.index(),
                versions.version());
    }

    /**
     * A log's valid versions of this run's nights as written to the history, their schema as computed (a table
     * read back has every column nullable), and the log's history index after these nights.
     */
    private record History(Dataset<Row> written, StructType schema, TreeMap<LocalDate, String> index,
                           Long version) {
    }

    /**
     * Pseudonymises the valid rows, gives each its content hash and replaces this run's nights of the log's
     * history table by them ({@link HistoryTables}).
     */
    private History writeHistory(LogContract contract, Dataset<Row> valid,
                                 Map<String, TreeMap<LocalDate, String>> index, boolean noFiles) {
        String log = contract.log();
        List<String> content = new ArrayList<>();
        for (String f : contract.fieldNames()) {
            content.add(f.equals(Pseudonymiser.PATIENT_ID) ? Pseudonymiser.PATIENT_KEY : f);
        }
        Dataset<Row> incoming = VersionMerge.withContentHash(pseudonymiser.pseudonymise(valid), content);
        String id = contract.idField();
        StructType schema = incoming.schema();
        TreeMap<LocalDate, String> before = index.getOrDefault(log, new TreeMap<>());
        if (noFiles && before.subMap(options.from(), true, options.to(), true).isEmpty()) {
            // nothing delivered and nothing of these nights to remove (an absent optional log, a quiet night):
            // no Delta write, which would cost seconds a log to commit nothing
            return new History(spark.createDataFrame(List.of(), schema), schema, new TreeMap<>(before),
                    HistoryTables.version(before));
        }
        HistoryTables.Replaced replaced = progress.stage("validate " + log, () -> history.replace(log,
                incoming.repartition(col(RecordValidator.LOAD_DATE)).sortWithinPartitions(
                        col(RecordValidator.LOAD_DATE), col(id), col(RecordValidator.SOURCE_FILE),
                        col(RecordValidator.SOURCE_ROW)),
                options.from(), options.to()), r -> "history/" + log + " version " + r.version());
        long version = replaced.version();
        // read back in the computed column order (a table read back has its own order, every column nullable)
        Dataset<Row> written = history.read(log, version).where(HistoryTables.inside(options.from(), options.to()))
                .select(inOrder(schema));
        java.util.TreeSet<LocalDate> nights = new java.util.TreeSet<>(before.keySet());
        nights.removeIf(n -> !n.isBefore(options.from()) && !n.isAfter(options.to()));
        nights.addAll(replaced.nights());
        TreeMap<LocalDate, String> logIndex = HistoryTables.at(log, version, nights);
        return new History(written, schema, logIndex, version);
    }

    /** The merge of a log's versions, and what it changed in the curated table (incremental runs, else null). */
    private record Curation(VersionMerge.Result merged, Changed changed) {
    }

    /**
     * Merges the nights' versions with the earlier ones into the newest version per record and writes this
     * generation's curated table. The usual night rewrites only the month slices its records were or now are
     * in ({@link SlicedTable}) and links the others.
     */
    private Curation curate(LogContract contract, History versions, String previous,
                            Map<String, TreeMap<LocalDate, String>> index, String generation, RunPlan plan)
            throws IOException {
        String log = contract.log();
        String id = contract.idField();
        Dataset<Row> written = versions.written();
        StructType schema = versions.schema();
        Column[] inOrder = inOrder(schema);
        Path sliceSource = slicedPrevious(log, previous, plan);
        Set<String> touched = sliceSource == null ? null : progress.stage("slices " + log,
                () -> touchedSlices(log, id, written, sliceSource, schema),
                t -> t.size() + " month slice(s) touched: " + String.join(", ", t));
        Dataset<Row> earlier = touched == null ? earlierVersions(log, schema, previous, index, plan)
                : unchecked(() -> SlicedTable.read(spark, schema, sliceSource, touched::contains)).select(inOrder);
        VersionMerge.Result merged = VersionMerge.merge(earlier, written, contract);
        Path curatedPath = store.generationDir(generation).resolve("curated").resolve(log);
        progress.stage("curate " + log, () -> unchecked(() -> {
            int rewritten = SlicedTable.write(merged.curated(), Slices.curatedMonth(log), new Column[] {col(id)},
                    curatedPath).size();
            int kept = touched == null ? 0 : SlicedTable.link(sliceSource, curatedPath, m -> !touched.contains(m)).size();
            SlicedTable.ensureReadable(spark, schema, curatedPath);
            return new int[] {rewritten, kept};
        }), n -> n[0] + " month slice(s) written, " + n[1] + " kept");
        if (!plan.incremental()) {
            return new Curation(merged, null);
        }
        Dataset<Row> ids = written.select(col(id).as("_delivered"));
        Column delivered = col(id).equalTo(col("_delivered"));
        Dataset<Row> before = earlier.join(ids, delivered, "left_semi");
        // a delivered version that did not become the newest (older, or a re-delivery) changes nothing
        Dataset<Row> now = touched == null ? spark.read().parquet(curatedPath.toString())
                : unchecked(() -> SlicedTable.read(spark, schema, curatedPath, touched::contains)).select(inOrder);
        Dataset<Row> after = now.join(ids, delivered, "left_semi")
                .join(before.select(col(id).as("_bid"), col(VersionMerge.CONTENT_HASH).as("_bhash")),
                        col(id).equalTo(col("_bid")).and(col(VersionMerge.CONTENT_HASH).equalTo(col("_bhash"))),
                        "left_anti");
        before = before.join(after.select(col(id).as("_changed")), col(id).equalTo(col("_changed")), "left_semi");
        return new Curation(merged, new Changed(before, after));
    }

    /** Stages the pseudonymised rejected rows until the run publishes them (QuarantineTables). */
    private void stageQuarantine(String log, Dataset<Row> rejected, String staged) {
        Dataset<Row> rows = pseudonymiser.pseudonymiseRejected(rejected);
        progress.stage("quarantine " + log, () -> {
            quarantine.stage(log, rows, staged);
            return null;
        }, x -> "");
    }

    /** Where a log's rows went per night, for the manifests, and the same as data-quality rows. */
    private record Counted(List<RunManifest.LogCounts> counts, Dataset<Row> quality) {
    }

    /** Rows read = curated + quarantined + superseded, per night (bounded: one row per night). */
    private Counted count(LogContract contract, Dataset<Row> rejected, VersionMerge.Result merged,
                          String generation) {
        String log = contract.log();
        Dataset<Row> quality = DataQuality.summarise(log, options.nights(), rejected,
                spark.read().schema(merged.incoming().schema()).parquet(classify(merged, log, generation).toString()));
        List<Row> rows = quality.collectAsList();
        List<RunManifest.LogCounts> counts = new ArrayList<>();
        for (Row q : rows) {
            LocalDate night = q.getDate(q.fieldIndex(RecordValidator.LOAD_DATE)).toLocalDate();
            Map<String, Long> rules = new LinkedHashMap<>();
            for (String rule : contract.ruleNames()) {
                long n = q.getLong(q.fieldIndex(DataQuality.RULE_PREFIX + rule));
                if (n > 0) {
                    rules.put(rule, n);
                }
            }
            long read = q.getLong(q.fieldIndex("rows_read"));
            long curated = q.getLong(q.fieldIndex("rows_curated"));
            long quarantined = q.getLong(q.fieldIndex("rows_quarantined"));
            long superseded = q.getLong(q.fieldIndex("versions_superseded"));
            counts.add(new RunManifest.LogCounts(log, night.toString(), read, curated, quarantined, superseded,
                    read == curated + quarantined + superseded, rules));
        }
        progress.info(String.format("%-16s read %d = curated %d + quarantined %d + superseded %d (%d nights)", log,
                counts.stream().mapToLong(RunManifest.LogCounts::rowsRead).sum(),
                counts.stream().mapToLong(RunManifest.LogCounts::rowsCurated).sum(),
                counts.stream().mapToLong(RunManifest.LogCounts::rowsQuarantined).sum(),
                counts.stream().mapToLong(RunManifest.LogCounts::versionsSuperseded).sum(), rows.size()));
        return new Counted(List.copyOf(counts), spark.createDataFrame(rows, quality.schema()));
    }

    /** The schema's columns in its order, to select a table read back from a path in one column order. */
    private static Column[] inOrder(StructType schema) {
        return java.util.Arrays.stream(schema.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
    }

    /** Writes the classified incoming rows once (they feed the counts), so the merge is not computed twice. */
    private Path classify(VersionMerge.Result merged, String log, String generation) {
        Path p = store.generationDir(generation).resolve("staging").resolve("classified").resolve(log);
        merged.incoming().select(col(RecordValidator.LOAD_DATE), col(VersionMerge.VERSION_OUTCOME))
                .write().mode(SaveMode.Overwrite).parquet(p.toString());
        return p;
    }

    /**
     * The previous generation's curated table when this run may rewrite only the slices it touches: every
     * earlier night is before this range (the usual nightly) and that table is sliced. Null otherwise: the
     * first run, a rerun or a backfill inside history, or a table written before slicing rewrite every slice.
     */
    private Path slicedPrevious(String log, String previous, RunPlan plan) throws IOException {
        if (previous == null || !plan.mergesIntoPreviousCurated(log)) {
            return null;
        }
        Path curated = store.generationDir(previous).resolve("curated").resolve(log);
        return SlicedTable.isSliced(curated) ? curated : null;
    }

    /**
     * The month slices a run's versions touch: where the delivered records' current versions are (a narrow
     * read of the key and the slice date) and where the delivered versions go. Bounded: one row per month.
     */
    private Set<String> touchedSlices(String log, String id, Dataset<Row> delivered, Path previousCurated,
                                      StructType schema) {
        Column slice = Slices.curatedMonth(log).as("_slice");
        Dataset<Row> ids = delivered.select(col(id)).distinct();
        Dataset<Row> was = spark.read().schema(schema).parquet(previousCurated.toString())
                .join(ids, new String[] {id}, "left_semi").select(slice);
        Set<String> out = new java.util.TreeSet<>();
        for (Row r : was.union(delivered.select(slice)).distinct().collectAsList()) {
            out.add(r.getString(0));
        }
        return out;
    }

    /** File work inside a stage, whose supplier cannot throw checked exceptions. */
    interface IoWork<T> {
        T get() throws IOException;
    }

    static <T> T unchecked(IoWork<T> work) {
        try {
            return work.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Versions delivered before the nights being run. Fast path for the usual nightly (every earlier night is
     * before this range): the previous generation's curated newest versions, whose size follows the number of
     * records, not of versions. Otherwise (a rerun or a backfill inside history) every kept version from
     * nights outside the range.
     */
    private Dataset<Row> earlierVersions(String log, StructType schema, String previous,
                                         Map<String, TreeMap<LocalDate, String>> index, RunPlan plan) {
        TreeMap<LocalDate, String> logIndex = index.getOrDefault(log, new TreeMap<>());
        Path previousCurated = previous == null ? null : store.generationDir(previous).resolve("curated").resolve(log);
        if (plan.mergesIntoPreviousCurated(log) && previousCurated != null && Files.exists(previousCurated)) {
            return spark.read().schema(schema).parquet(previousCurated.toString())
                    .select(inOrder(schema));
        }
        Long version = HistoryTables.version(logIndex);
        if (version == null) {
            return spark.createDataFrame(List.of(), schema);
        }
        return history.read(log, version).where(HistoryTables.outside(options.from(), options.to()))
                .select(inOrder(schema));
    }

    /**
     * The committed generation's history index, the history tables made to match it: a history kept before it
     * was Delta (a folder of Parquet files per night, listed by the index) is imported into the log's table, and
     * what a run killed after writing the table but before committing left in it is rolled back.
     */
    private Map<String, TreeMap<LocalDate, String>> historyOfCommitted(Map<String, TreeMap<LocalDate, String>> index) {
        Map<String, TreeMap<LocalDate, String>> out = new TreeMap<>(index);
        for (LogContract contract : Contracts.ALL) {
            String log = contract.log();
            TreeMap<LocalDate, String> logIndex = index.getOrDefault(log, new TreeMap<>());
            if (HistoryTables.isFolderIndex(logIndex)) {
                // One relation over every kept night, its load date read back from the folder name: a union of
                // one read per night is analysed again at every step, which grows with the square of the nights.
                Dataset<Row> rows = spark.read()
                        .parquet(logIndex.values().stream().map(p -> store.resolve(p).toString()).toArray(String[]::new))
                        .withColumn(RecordValidator.LOAD_DATE, historyLoadDate(col("_metadata.file_path")));
                long version = progress.stage("import history " + log,
                        () -> history.replaceAll(log, rows.repartition(col(RecordValidator.LOAD_DATE))),
                        v -> logIndex.size() + " nights kept before the history was Delta, now history/" + log
                                + " version " + v);
                out.put(log, HistoryTables.at(log, version, logIndex.keySet()));
            } else {
                String done = history.rollBack(log, HistoryTables.version(logIndex));
                if (done != null) {
                    progress.info(done);
                }
            }
        }
        return out;
    }

    /** The night of a history file, from the {@code load_date=YYYY-MM-DD} folder the file is in. */
    static Column historyLoadDate(Column filePath) {
        // anchored on the file's own folder, so an output path that happens to contain "load_date=" cannot match
        return to_date(regexp_extract(filePath,
                "/" + RecordValidator.LOAD_DATE + "=(\\d{4}-\\d{2}-\\d{2})/[^/]+$", 1));
    }

    /** The rejected rows a run stages until it publishes them (QuarantineTables). */
    private String stagedQuarantine(String generation) {
        return store.generationDir(generation).resolve("staged-quarantine").toString();
    }

    /** Publishes staged quarantine and returns the Delta version per table ({@code quarantine/<log>}). */
    private Map<String, Long> publishQuarantine(String staged) {
        return progress.stage("publish quarantine", () -> {
            Map<String, Long> versions = new TreeMap<>();
            quarantine.publish(staged).forEach((log, v) -> versions.put("quarantine/" + log, v));
            quarantine.discard(staged);
            return versions;
        }, v -> "Delta versions " + v);
    }

    /**
     * A run killed after its commit but before publishing its quarantine left the staging, complete, in the
     * committed generation: publish it now, before this run stages its own.
     */
    private void publishQuarantineOfKilledRun() {
        String current = store.currentGeneration();
        if (current != null && quarantine.isStaged(stagedQuarantine(current))) {
            progress.info("publishing the quarantine of " + current + ", whose run stopped before it could");
            publishQuarantine(stagedQuarantine(current));
        }
    }

    static void write(Dataset<Row> ds, Path path) {
        ds.write().mode(SaveMode.Overwrite).parquet(path.toString());
    }

    private static LocalDate nightOf(LandingFile f) {
        String folder = f.path().getParent().getFileName().toString();
        return LocalDate.parse(folder.substring("load_date=".length()));
    }

    private List<LandingFile> listAndCheck(LogContract contract) {
        List<LandingFile> out = new ArrayList<>();
        for (LocalDate night : options.nights()) {
            Path dir = options.input().resolve(contract.log()).resolve("load_date=" + night);
            LandingFileChecker.refuseLink(dir);
            if (!Files.isDirectory(dir)) {
                continue; // nothing happened that night: not an error
            }
            try (Stream<Path> s = Files.list(dir)) {
                // links are refused (LandingFileChecker.check), not skipped: a link is a supply problem
                s.filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p))
                        .filter(p -> !p.getFileName().toString().startsWith(".")
                                && !p.getFileName().toString().startsWith("_"))
                        .sorted()
                        .forEach(p -> out.add(LandingFileChecker.check(p, contract)));
            } catch (IOException e) {
                throw new InputError("Cannot list " + dir + ": " + Failures.cause(e), e);
            }
        }
        return out;
    }

    private static String version() {
        String v = NightlyJob.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
