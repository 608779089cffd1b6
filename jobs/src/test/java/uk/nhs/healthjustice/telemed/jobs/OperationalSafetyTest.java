package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.landing.LandingFileChecker;
import uk.nhs.healthjustice.telemed.jobs.publish.HistoryTables;
import uk.nhs.healthjustice.telemed.jobs.publish.OutputStore;
import uk.nhs.healthjustice.telemed.jobs.publish.QuarantineTables;
import uk.nhs.healthjustice.telemed.jobs.run.OutputLock;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Issue 20, run in-process: messages never carry file contents, run dates are checked, failures are tidy
 * (the separate-process lock tests are {@link OutputLockIT}).
 */
@Tag("end-to-end")
class OperationalSafetyTest extends SparkTestBase {

    static final String SECRET = "s3cr3t-pseudonymisation-key-material-XYZZY";

    @TempDir
    Path tmp;

    private Path keyFile() throws IOException {
        Path key = tmp.resolve("key");
        Files.writeString(key, "test-key-0123456789abcdef\n");
        return key;
    }

    private int nightly(Path input, Path output, String date, String... more) {
        List<String> args = new ArrayList<>(List.of("nightly", "--input", input.toString(), "--output",
                output.toString(), "--run-date", date, "--max-reject-rate", "1.0"));
        try {
            args.addAll(List.of("--key-file", keyFile().toString()));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        args.addAll(List.of(more));
        return TelemedCli.execute(args.toArray(String[]::new));
    }

    /** Every text file under the output (manifests of failed runs included) and stderr, for forbidden strings. */
    private static void assertNowhere(String err, Path output, String... forbidden) throws IOException {
        for (String f : forbidden) {
            Assertions.assertFalse(err.contains(f), "stderr carries " + f + ":\n" + err);
        }
        if (!Files.exists(output)) {
            return;
        }
        try (Stream<Path> files = Files.walk(output)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                for (String f : forbidden) {
                    Assertions.assertFalse(text.contains(f), p + " carries " + f);
                }
            }
        }
    }

    @Test
    void aCsvWithoutItsHeaderIsReportedAsNoHeaderRowWithoutItsValues() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Path bad = input.resolve("consults/load_date=2026-03-30/consults.csv");
        LandingFixture.write(bad, "C9,R2,943 476 5919,LWI,GIC,2026-03-10T10:00:00Z,face_to_face_offsite,attended,true,"
                + "45,consultant,2,5.5,false,true,2026-03-30T10:00:00+01:00\n");
        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT,
                nightly(input, output, "2026-03-30")));
        Assertions.assertTrue(err.contains(bad.toString()) && err.contains("no header row")
                && err.contains("consult_id,referral_id,patient_id"), err);
        RunManifest m = RunManifest.read(output.resolve("runs/nightly-2026-03-30.json"));
        Assertions.assertEquals("unreadable_input", m.status);
        assertNowhere(err, output, "943 476 5919", "9434765919", "5.5,false");
    }

    @Test
    void aLinkToASecretIsRefusedAndTheSecretAppearsNowhere() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, SECRET + "\n");
        Path link = input.resolve("consults/load_date=2026-03-30/x.csv");
        Files.createSymbolicLink(link, secret);
        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT,
                nightly(input, output, "2026-03-30")));
        Assertions.assertTrue(err.contains(link.toString()) && err.contains("symbolic link"), err);
        Assertions.assertEquals("unreadable_input", RunManifest.read(output.resolve("runs/nightly-2026-03-30.json")).status);
        assertNowhere(err, output, SECRET);

        // a linked night folder and a linked reference file are refused too
        Files.delete(link);
        Path night = input.resolve("consults/load_date=2026-03-31");
        Files.createSymbolicLink(night, input.resolve("consults/load_date=2026-03-30"));
        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT,
                nightly(input, output, "2026-03-31")));
        Assertions.assertTrue(err.contains(night.toString()) && err.contains("symbolic link"), err);
        Files.delete(night);
        Path sites = input.resolve("reference/sites.csv");
        Files.move(sites, tmp.resolve("sites.csv"));
        Files.createSymbolicLink(sites, tmp.resolve("sites.csv"));
        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT,
                nightly(input, output, "2026-03-30")));
        Assertions.assertTrue(err.contains(sites.toString()) && err.contains("symbolic link"), err);
    }

    @Test
    void headerMessagesNameTheContractNotTheFoundValues() throws IOException {
        Path f = tmp.resolve("load_date=2026-03-30/consults.csv");
        LandingFixture.write(f, "consult_id,patient_id," + SECRET + "\nC9,9434765919,x\n");
        InputError e = Assertions.assertThrows(InputError.class, () -> LandingFileChecker.check(f, Contracts.CONSULTS));
        Assertions.assertTrue(e.getMessage().contains("wrong header") && e.getMessage().contains("scheduled_start"),
                e.getMessage());
        Assertions.assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        // /etc/passwd-like first line: no header row, nothing quoted
        LandingFixture.write(f, "root:x:0:0:root:/root:/bin/bash\n");
        e = Assertions.assertThrows(InputError.class, () -> LandingFileChecker.check(f, Contracts.CONSULTS));
        Assertions.assertFalse(e.getMessage().contains("root:x"), e.getMessage());
    }

    @Test
    void aNonUtf8ByteIsReportedOnItsOwnLine() throws IOException {
        Path f = tmp.resolve("load_date=2026-03-30/consults.jsonl");
        Files.createDirectories(f.getParent());
        byte[] good = "{\"consult_id\":\"C1\"}\n".repeat(4).getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"consult_id\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, concat(good, bad));
        InputError e = Assertions.assertThrows(InputError.class, () -> LandingFileChecker.check(f, Contracts.CONSULTS));
        Assertions.assertTrue(e.getMessage().contains("not UTF-8") && e.getMessage().contains("line 5)"), e.getMessage());
        // past the first 64 KiB read: 5000 good lines, the bad byte on line 5001
        Files.write(f, concat("{\"consult_id\":\"C1\"}\n".repeat(5000).getBytes(StandardCharsets.UTF_8), bad));
        e = Assertions.assertThrows(InputError.class, () -> LandingFileChecker.check(f, Contracts.CONSULTS));
        Assertions.assertTrue(e.getMessage().contains("line 5001)"), e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void unknownOptionsAreReportedWithoutTheirValues() {
        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS,
                TelemedCli.execute("nightly", "--input", "i", "--output", "o", "--run-date", "2026-03-29",
                        "--key", SECRET)));
        Assertions.assertTrue(err.contains("--key"), err);
        Assertions.assertFalse(err.contains(SECRET), err);
        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS,
                TelemedCli.execute("nightly", "--input", "i", "--output", "o", "--run-date", "2026-03-29",
                        "--pseudonymisation-key=" + SECRET)));
        Assertions.assertTrue(err.contains("--pseudonymisation-key"), err);
        Assertions.assertFalse(err.contains(SECRET), err);
        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS,
                TelemedCli.execute("nightly", "--input", "i", "--output", "o", "--run-date", SECRET)));
        Assertions.assertTrue(err.contains("--run-date"), err);
        Assertions.assertFalse(err.contains(SECRET), err);
    }

    @Test
    void aRunDateAfterTomorrowIsRefusedUnlessAllowed() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS,
                nightly(input, output, "2099-12-31")));
        Assertions.assertTrue(err.contains("2099-12-31") && err.contains("tomorrow")
                && err.contains("--allow-future-run-date"), err);
        Assertions.assertFalse(Files.exists(output.resolve("runs")), "a refused run writes nothing");
        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS,
                TelemedCli.execute("backfill", "--input", input.toString(), "--output", output.toString(),
                        "--from", "2026-03-29", "--to", "2099-12-31", "--key-file", tmp.resolve("key").toString())));
        Assertions.assertTrue(err.contains("--to 2099-12-31"), err);
        Assertions.assertFalse(Files.exists(output.resolve("runs")));
        // tomorrow itself is fine (a scheduler ahead of midnight); checked without running: no landing for it
        String tomorrow = java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).plusDays(1).toString();
        Assertions.assertDoesNotThrow(() -> TelemedCli.checkRunDates(java.time.LocalDate.parse(tomorrow),
                java.time.LocalDate.parse(tomorrow), false, "--run-date"));
    }

    @Test
    void aRunDateBeforeTheFirstLoadDateOrWithNoFoldersRunsWithAWarning() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(0, nightly(input, output, "2026-01-05")));
        Assertions.assertTrue(err.contains("warning: run date 2026-01-05 is before the first load date 2026-03-29"), err);
        RunManifest m = RunManifest.read(output.resolve("runs/nightly-2026-01-05.json"));
        Assertions.assertEquals("succeeded", m.status);
        Assertions.assertTrue(m.warnings.stream().anyMatch(w -> w.contains("before the first load date 2026-03-29")),
                m.warnings.toString());

        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(0, nightly(input, output, "2026-03-31")));
        Assertions.assertTrue(err.contains("warning: no landing folder for load date 2026-03-31"), err);
        Assertions.assertTrue(RunManifest.read(output.resolve("runs/nightly-2026-03-31.json")).warnings
                .contains("no landing folder for load date 2026-03-31: nothing to ingest that night"));

        // a landing folder with no load_date folders at all: the run succeeds with empty marts, and the warning is
        // printed and recorded
        Path empty = tmp.resolve("empty-landing");
        Files.createDirectories(empty);
        copyTree(input.resolve("reference"), empty.resolve("reference"));
        Path out2 = tmp.resolve("out2");
        err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(0, nightly(empty, out2, "2026-03-29")));
        Assertions.assertTrue(err.contains("has no load_date folders at all"), err);
        RunManifest emptyRun = RunManifest.read(out2.resolve("runs/nightly-2026-03-29.json"));
        Assertions.assertEquals("succeeded", emptyRun.status);
        Assertions.assertTrue(emptyRun.warnings.stream().anyMatch(w -> w.contains("no load_date folders at all")));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    @Test
    void anIoFailureIsOneLineWithThePathAndTheManifestIsStillWritten() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Files.createDirectories(output);
        Files.writeString(output.resolve(".store"), "not a folder\n"); // every write under .store fails
        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(ExitCodes.INTERNAL_FAILURE,
                nightly(input, output, "2026-03-29")));
        List<String> lines = err.lines().filter(l -> l.startsWith("telemed:")).toList();
        Assertions.assertEquals(2, lines.size(), err);
        Assertions.assertTrue(lines.get(0).contains(output.toString()) && lines.get(0).contains("input/output failure"),
                err);
        Assertions.assertTrue(lines.get(1).contains("stack trace in "), err);
        Assertions.assertFalse(err.contains("\tat "), "no stack trace on the terminal:\n" + err);
        Path debugLog = Path.of(lines.get(1).substring(lines.get(1).indexOf("stack trace in ") + 15).trim());
        Assertions.assertTrue(Files.readString(debugLog).contains("\tat "), "the stack trace is in the debug log");
        RunManifest m = RunManifest.read(output.resolve("runs/nightly-2026-03-29.json"));
        Assertions.assertEquals("failed", m.status);
        Assertions.assertTrue(m.message.contains("input/output failure"), m.message);
        assertNowhere(err, output, LandingFixture.NHS_NUMBERS);
    }

    /**
     * Two killed runs: one killed after its commit but before it published its quarantine (the staging, complete,
     * stays in the committed generation: made here by hand from the night's real rejected rows, the table removed),
     * then one killed before its commit, after it had replaced 03-29 in history/consults by nothing. The next run
     * removes the second's leftovers, restores the history table to the version the committed generation read,
     * and publishes the first's quarantine.
     */
    @Test
    void theNextRunRemovesWhatAKilledRunLeftBehind() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        Dataset<Row> published = OutputSnapshots.quarantine(spark(), output, "referrals", "2026-03-29");
        List<Row> rejected = published.collectAsList();
        Assertions.assertFalse(rejected.isEmpty());
        String committed = Files.readString(output.resolve(".store/CURRENT")).trim();
        String staging = output.resolve(".store/generations").resolve(committed).resolve("staged-quarantine")
                .toString();
        QuarantineTables tables = new QuarantineTables(spark(), output.resolve("quarantine").toString());
        tables.stage("referrals", spark().createDataFrame(rejected, published.schema()), staging);
        tables.stageNights(staging, LocalDate.parse("2026-03-29"), LocalDate.parse("2026-03-29"));
        OutputStore.deleteTree(output.resolve("quarantine/referrals"));
        HistoryTables history = new HistoryTables(spark(), output.resolve("history").toString());
        List<Row> consultsHistory = history.read("consults", 0).collectAsList();
        Assertions.assertFalse(consultsHistory.isEmpty());
        Assertions.assertEquals(1L, history.replaceNights("consults", history.read("consults", 0).limit(0),
                LocalDate.parse("2026-03-29"), LocalDate.parse("2026-03-29")));
        // what a run killed before its commit leaves: a newer generation (its staged quarantine in it), the
        // history write above, temporary folders, a stale lock; and a history folder as a run killed before the
        // history was Delta left one
        Path gen = output.resolve(".store/generations/g99990101T000000000-2026-03-30");
        Files.createDirectories(gen.resolve("staged-quarantine/consults/_temporary/0"));
        Files.write(gen.resolve("curated/consults/part-0.parquet"), new byte[1000], createParents(gen.resolve("curated/consults")));
        Path hist = output.resolve(".store/history/consults/g99990101T000000000-2026-03-30/_temporary/0");
        Files.createDirectories(hist);
        Files.write(hist.resolve("part-1"), new byte[2000]);
        Files.writeString(output.resolve("runs/.nightly-2026-03-30.json.tmp"), "{");

        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(0, nightly(input, output, "2026-03-31")));
        Assertions.assertTrue(err.contains("removed what an earlier killed or failed run left behind: "
                + "1 unpublished generation(s), 1 history folder(s) of them, 1 temporary file(s) or folder(s)"), err);
        Assertions.assertFalse(Files.exists(gen));
        Assertions.assertFalse(Files.exists(hist.getParent()));
        Assertions.assertFalse(Files.exists(output.resolve("runs/.nightly-2026-03-30.json.tmp")));
        Assertions.assertTrue(err.contains("publishing the quarantine of " + committed), err);
        Assertions.assertFalse(Files.exists(Path.of(staging)), "published, the staging is removed");
        Assertions.assertTrue(err.contains("history/consults restored from version 1 to 0"), err);
        long after = RunManifest.read(output.resolve("runs/nightly-2026-03-31.json")).deltaVersions
                .get("history/consults");
        // the restore is version 2, with version 0's rows; 03-31 had no consults, so its generation reads version 0
        Assertions.assertEquals(0L, after);
        Assertions.assertEquals(2L, history.latestVersion("consults"));
        Assertions.assertEquals(new java.util.HashSet<>(consultsHistory),
                new java.util.HashSet<>(history.read("consults", 2).collectAsList()), "03-29's rows are back");
        Assertions.assertEquals(new java.util.HashSet<>(rejected), new java.util.HashSet<>(OutputSnapshots.quarantine(
                spark(), output, "referrals", "2026-03-29").collectAsList()), "the killed run's quarantine, published");
        Assertions.assertFalse(Files.exists(output.resolve(OutputLock.FILE_NAME)), "the lock is released");
    }

    /**
     * An output folder from before the history was Delta: each generation's {@code history.json} lists a Parquet
     * folder per night under {@code .store/history/} (made here from a real output's history, rows without
     * their load date, which the folder names). A rerun of 03-29 reads 03-30 from the history: the next run
     * imports the folders into the tables, and the rerun changes no curated table, row for row.
     */
    @Test
    void aHistoryKeptBeforeDeltaIsImportedAndARerunChangesNothing() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        Assertions.assertEquals(0, nightly(input, output, "2026-03-30"));
        List<String> curated = OutputSnapshots.ALL_TABLES.stream().filter(t -> t.startsWith("curated/")).toList();
        Map<String, List<Row>> before = OutputSnapshots.snapshot(spark(), output, curated);

        OutputStore store = new OutputStore(output);
        String committed = store.currentGeneration();
        HistoryTables history = new HistoryTables(spark(), output.resolve("history").toString());
        Map<String, java.util.TreeMap<LocalDate, String>> folders = new java.util.TreeMap<>();
        store.historyIndex(committed).forEach((log, nights) -> {
            Path run = output.resolve(".store/history").resolve(log).resolve(committed);
            if (!nights.isEmpty()) {
                history.read(log, HistoryTables.version(nights)).write().partitionBy("load_date")
                        .parquet(run.toString());
            }
            java.util.TreeMap<LocalDate, String> byFolder = new java.util.TreeMap<>();
            nights.keySet().forEach(n -> byFolder.put(n, store.relative(run.resolve("load_date=" + n))));
            folders.put(log, byFolder);
        });
        Assertions.assertEquals(2, folders.get("consults").size());
        store.writeHistoryIndex(committed, folders);
        OutputStore.deleteTree(output.resolve("history"));

        String err = NightlyCliTest.captureErr(() -> Assertions.assertEquals(0, nightly(input, output, "2026-03-29")));
        Assertions.assertTrue(err.contains("import history consults"), err);
        OutputSnapshots.assertIdentical(before, OutputSnapshots.snapshot(spark(), output, curated));
        Assertions.assertEquals(java.util.Set.of(LocalDate.parse("2026-03-29"), LocalDate.parse("2026-03-30")),
                store.historyIndex(store.currentGeneration()).get("consults").keySet());
    }

    private static java.nio.file.OpenOption[] createParents(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new java.nio.file.OpenOption[0];
    }

    @Test
    void aQuarantinedValueLongerThan1000CharactersIsCutWithItsLength() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        String huge = "Z".repeat(50_000);
        Path f = input.resolve("referrals/load_date=2026-03-29/referrals.csv");
        Files.writeString(f, Files.readString(f) + "open,R9,9434765919,BCI,330,routine,2026-01-10,,," + huge + ",sys\n");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        List<Row> rows = OutputSnapshots.quarantine(spark(), output, "referrals", "2026-03-29")
                .filter(col("referral_id").equalTo("R9")).select("record_updated_at").collectAsList();
        Assertions.assertEquals(1, rows.size());
        String v = rows.get(0).getString(0);
        Assertions.assertEquals(RecordValidator.QUARANTINE_VALUE_LIMIT + "...[cut: 50000 characters]".length(), v.length());
        Assertions.assertTrue(v.endsWith("...[cut: 50000 characters]"), v.substring(990));
    }
}
