package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.col;




import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.schemas.marts.MartContracts;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/** The CLI end to end on a hand-written landing folder whose every count was worked out by hand. */
@Tag("end-to-end")
class NightlyCliTest extends SparkTestBase {

    @TempDir
    Path tmp;

    private Path keyFile() throws IOException {
        Path key = tmp.resolve("key");
        Files.writeString(key, "test-key-0123456789abcdef\n");
        return key;
    }

    private int nightly(Path input, Path output, String date) throws IOException {
        return TelemedCli.execute("nightly", "--input", input.toString(), "--output", output.toString(),
                "--run-date", date, "--key-file", keyFile().toString(), "--max-reject-rate", "1.0");
    }

    private Dataset<Row> mart(Path output, String name) {
        return spark().read().parquet(output.resolve("marts").resolve(name).toString());
    }

    @Test
    void twoNightsAreCuratedMeasuredAccountedForAndARerunChangesNothing() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        Assertions.assertEquals(0, nightly(input, output, "2026-03-30"));
        RunManifest night1 = RunManifest.read(output.resolve("runs/nightly-2026-03-29.json"));
        RunManifest night2 = RunManifest.read(output.resolve("runs/nightly-2026-03-30.json"));
        // this landing has none of the optional logs: their marts are empty every night, and must not make the
        // second night rebuild every period
        Assertions.assertEquals("first run", night1.fullRebuildReason);
        Assertions.assertNull(night2.fullRebuildReason, "the second night is incremental");
        Assertions.assertNotNull(night2.martPeriodsFrom);

        // rerunning a night changes no output, value for value (it shares these two nights' runs: each CLI run
        // costs half a minute whatever its size)
        Map<String, List<Row>> beforeRerun = OutputSnapshots.snapshot(spark(), output, rerunTables());
        Assertions.assertEquals(0, nightly(input, output, "2026-03-30"));
        OutputSnapshots.assertIdentical(beforeRerun, OutputSnapshots.snapshot(spark(), output, rerunTables()));

        Assertions.assertEquals(0, nightly(input, output, "2026-03-31")); // no folders that night: not an error
        // 03-29 created both quarantine tables (version 0); 03-30, its rerun and 03-31 rejected nothing and had
        // nothing of their nights to remove, so they made no commit (Delta skips an empty one) and record the
        // version they left, still 0 (QuarantineTablesTest has a rerun that removes rows: version 1).
        // 03-29 created the history tables of the three logs it had files for (version 0; the four optional logs
        // had none, so no table and no version); referrals and consults had files on 03-30 (version 1) and its
        // rerun replaced them (version 2); mha_assessments had none on 03-30, nor any log on 03-31: no write.
        Map<String, Long> firstNight = new java.util.TreeMap<>(Map.of("quarantine/consults", 0L,
                "quarantine/referrals", 0L, "history/referrals", 0L, "history/consults", 0L,
                "history/mha_assessments", 0L));
        Assertions.assertEquals(firstNight, night1.deltaVersions);
        Map<String, Long> afterRerun = new java.util.TreeMap<>(firstNight);
        afterRerun.put("history/referrals", 2L);
        afterRerun.put("history/consults", 2L);
        Assertions.assertEquals(afterRerun, RunManifest.read(output.resolve("runs/nightly-2026-03-31.json")).deltaVersions);

        Assertions.assertEquals("succeeded", night1.status);
        assertCounts(night1, "referrals", 5, 2, 3, 0);
        assertCounts(night1, "consults", 4, 2, 2, 0);
        assertCounts(night1, "mha_assessments", 1, 1, 0, 0);
        Assertions.assertEquals(List.of("source_system"), night1.inputs.stream()
                .filter(i -> i.log().equals("referrals")).findFirst().orElseThrow().extraColumns());
        RunManifest.LogCounts refs = night1.counts.stream().filter(c -> c.log().equals("referrals")).findFirst().orElseThrow();
        Assertions.assertEquals(Map.of("patient_id_invalid", 1L, "site_id_unknown", 1L, "site_id_invalid", 1L, "referral_date_in_future", 1L,
                "record_updated_at_invalid", 1L), refs.brokenRules());

        // R1 closes (curated); R2 re-delivered exactly and a stale R1 (both superseded)
        assertCounts(night2, "referrals", 3, 1, 0, 2);
        assertCounts(night2, "consults", 1, 1, 0, 0);
        assertCounts(night2, "mha_assessments", 0, 0, 0, 0);

        Dataset<Row> referrals = spark().read().parquet(output.resolve("curated/referrals").toString());
        Assertions.assertEquals(2, referrals.count());
        Assertions.assertEquals("closed", referrals.filter(col("referral_id").equalTo("R1")).first().getAs("status"));
        Assertions.assertEquals(3, spark().read().parquet(output.resolve("curated/consults").toString()).count());

        // R1: 10 Jan -> 29 Mar = 78 days (video, 00:30 GMT on the night the clocks change);
        // R2: 1 Dec -> 10 Mar = 99 days (offsite, GIC)
        Row wait = mart(output, "waiting_times").filter(col("period_label").equalTo("2026-03")
                .and(col("region").equalTo("ALL")).and(col("site_id").equalTo("ALL"))
                .and(col("specialty_code").equalTo("ALL")).and(col("priority").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL")).and(col("measure").equalTo("first_attendance"))).first();
        Assertions.assertEquals(2L, wait.<Long>getAs("completed_pathways"));
        Assertions.assertEquals(78, wait.<Integer>getAs("median_wait_days"));
        Assertions.assertEquals(99, wait.<Integer>getAs("p92_wait_days"));
        Assertions.assertEquals(88.5, wait.<Double>getAs("mean_wait_days"), 1e-9);

        Row access = mart(output, "access").filter(col("period_label").equalTo("2026-03")
                .and(col("site_id").equalTo("ALL")).and(col("region").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL"))).first();
        Assertions.assertEquals(3L, access.<Long>getAs("consults_due"));
        Assertions.assertEquals(2L, access.<Long>getAs("attended"));
        Assertions.assertEquals(1200.0, access.<Double>getAs("average_population"), 1e-9);

        // every log every night, the four absent optional logs included (all zeros)
        Dataset<Row> quality = mart(output, "data_quality");
        Assertions.assertEquals(21, quality.count());
        Assertions.assertEquals(0, quality.filter(col("rows_read").notEqual(col("rows_curated").plus(col("rows_quarantined"))
                .plus(col("versions_superseded")))).count());
        Assertions.assertEquals(1L, quality.filter(col("run_id").equalTo("nightly-2026-03-29").and(col("log").equalTo("consults")))
                .first().<Long>getAs("rule_malformed_record"));

        Dataset<Row> quarantine = OutputSnapshots.quarantine(spark(), output, "consults", "2026-03-29");
        Assertions.assertEquals(2, quarantine.count());
        Assertions.assertTrue(List.of(quarantine.columns()).contains("broken_rules"));
        Assertions.assertFalse(List.of(quarantine.columns()).contains("patient_id"));
        // an NHS number typed into the wrong column is masked in the quarantine too
        Assertions.assertEquals(1, OutputSnapshots.quarantine(spark(), output, "referrals", "2026-03-29")
                .filter(col("referral_id").equalTo("REF [redacted]")).count());

        // a landing folder without the optional safety logs: their marts are written, empty, with their schema
        for (String table : List.of("prescribing_safety", "telemedicine_security", "equity", "readiness")) {
            Assertions.assertEquals(0, mart(output, table).count(), table);
        }
        assertCounts(night1, "prescriptions", 0, 0, 0, 0);

        assertNoRawNhsNumber(output);
        assertWrittenSchemasAreTheContracts(output);
        assertExportIsThePublishedState(output);
    }

    /**
     * {@code export}: one Snappy Parquet file per published table (the empty optional ones included) with the
     * published rows, and {@code _snapshot.json} naming the committed generation; a second export replaces the
     * first whole and gives the same bytes; a folder that is not an export is refused and left alone.
     */
    private void assertExportIsThePublishedState(Path output) throws IOException {
        Path export = tmp.resolve("export");
        Assertions.assertEquals(0, TelemedCli.execute("export", "--output", output.toString(), "--to", export.toString()));
        List<String> tables;
        try (Stream<Path> list = Files.list(output.resolve("published"))) {
            tables = list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
        Assertions.assertTrue(tables.contains("access") && tables.contains("prescribing_safety") && tables.contains("sites"),
                tables.toString());
        List<String> expectedFiles = new ArrayList<>(tables.stream().map(t -> t + ".parquet").toList());
        expectedFiles.add(ExportCommand.SNAPSHOT);
        try (Stream<Path> list = Files.list(export)) {
            Assertions.assertEquals(expectedFiles.stream().sorted().toList(),
                    list.map(p -> p.getFileName().toString()).sorted().toList(), "one file per table and the snapshot");
        }
        var snapshot = new com.fasterxml.jackson.databind.ObjectMapper().readTree(export.resolve(ExportCommand.SNAPSHOT).toFile());
        Assertions.assertEquals(new uk.nhs.healthjustice.telemed.jobs.publish.OutputStore(output).currentGeneration(),
                snapshot.path("generation").asText());
        for (String t : tables) {
            Dataset<Row> published = spark().read().parquet(output.resolve("published").resolve(t).toString());
            Dataset<Row> exported = spark().read().parquet(export.resolve(t + ".parquet").toString());
            Assertions.assertEquals(List.of(published.columns()), List.of(exported.columns()), t);
            Assertions.assertEquals(published.count(), exported.count(), t);
            Assertions.assertEquals(published.count(), snapshot.path("tables").path(t).path("rows").asLong(), t);
            Assertions.assertEquals(0, exported.except(published).count() + published.except(exported).count(), t);
        }
        Assertions.assertTrue(spark().read().parquet(export.resolve("access.parquet").toString()).count() > 0);
        byte[] access = Files.readAllBytes(export.resolve("access.parquet"));
        // Snappy: readable by every Parquet reader (the pipeline's own tables use Zstandard)
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(
                        export.resolve("access.parquet").toUri()), new org.apache.hadoop.conf.Configuration()))) {
            Assertions.assertEquals("SNAPPY", reader.getFooter().getBlocks().get(0).getColumns().get(0).getCodec().name());
        }

        Files.writeString(export.resolve("stale.txt"), "left from before");
        Assertions.assertEquals(0, TelemedCli.execute("export", "--output", output.toString(), "--to", export.toString()));
        Assertions.assertFalse(Files.exists(export.resolve("stale.txt")), "the export is replaced whole");
        Assertions.assertArrayEquals(access, Files.readAllBytes(export.resolve("access.parquet")), "the same bytes");

        Path documents = Files.createDirectories(tmp.resolve("documents"));
        Files.writeString(documents.resolve("keep.txt"), "mine");
        String err = captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS, TelemedCli.execute("export",
                "--output", output.toString(), "--to", documents.toString())));
        Assertions.assertTrue(err.contains("is not an export"), err);
        Assertions.assertEquals("mine", Files.readString(documents.resolve("keep.txt")));
    }

    /**
     * The safety logs of {@link LandingFixture#writeSafetyLogs}, worked by hand. After both nights the curated
     * prescriptions are P1 (telemedicine, corrected to not high risk), P2 (no_consult) and P4 (in person,
     * controlled), all issued in March 2026; the national March row of {@code prescribing_safety}:
     * <pre>
     * modality      attended  prescriptions  controlled  high risk  in possession  incidents  mod+  unlinked  mismatch
     * ALL           2 (C1,C2) 3              1           0          2              2 (I1,I3)  1     1 (I2)    1 (P1)
     * telemedicine  1         1              0           0          1              1          0     null      1
     * in_person     1         1              1           0          1              1          1     null      0
     * no_consult    null      1              0           0          0              0          0     null      0
     * </pre>
     * incidents per 1,000 prescriptions on ALL: 2 x 1000 / 3 = 666.67. {@code telemedicine_security}: E1 at BCI
     * in March, against one telemedicine session (C1, attended by video): 1,000 per 1,000; E2 is quarantined.
     * Nights one by one give exactly the outputs of one backfill of both nights.
     */
    @Test
    void safetyLogsAreCuratedMeasuredAndEqualABackfill() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        LandingFixture.writeSafetyLogs(input);
        Path output = tmp.resolve("out");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        Assertions.assertEquals(0, nightly(input, output, "2026-03-30"));

        RunManifest night1 = RunManifest.read(output.resolve("runs/nightly-2026-03-29.json"));
        assertCounts(night1, "prescriptions", 3, 2, 1, 0);
        assertCounts(night1, "medication_incidents", 2, 2, 0, 0);
        assertCounts(night1, "security_events", 2, 1, 1, 0);
        Assertions.assertEquals(Map.of("bnf_chapter_invalid", 1L), night1.counts.stream()
                .filter(c -> c.log().equals("prescriptions")).findFirst().orElseThrow().brokenRules());
        RunManifest night2 = RunManifest.read(output.resolve("runs/nightly-2026-03-30.json"));
        assertCounts(night2, "prescriptions", 2, 2, 0, 0);
        assertCounts(night2, "medication_incidents", 1, 1, 0, 0);
        Assertions.assertEquals(3, spark().read().parquet(output.resolve("curated/prescriptions").toString()).count());

        Dataset<Row> march = mart(output, "prescribing_safety").filter(col("period_label").equalTo("2026-03")
                .and(col("region").equalTo("ALL")).and(col("site_id").equalTo("ALL")));
        Map<String, List<Object>> byModality = new java.util.TreeMap<>();
        for (Row r : march.collectAsList()) {
            byModality.put(r.getAs("modality_group"), java.util.Arrays.asList(r.getAs("consults_attended"),
                    r.getAs("prescriptions"), r.getAs("controlled_drug_prescriptions"),
                    r.getAs("high_risk_prescriptions"), r.getAs("in_possession_prescriptions"), r.getAs("incidents"),
                    r.getAs("incidents_moderate_or_worse"), r.getAs("unlinked_incidents"),
                    r.getAs("prescription_issued_mismatch")));
        }
        Assertions.assertEquals(java.util.Arrays.asList(2L, 3L, 1L, 0L, 2L, 2L, 1L, 1L, 1L), byModality.get("ALL"));
        Assertions.assertEquals(java.util.Arrays.asList(1L, 1L, 0L, 0L, 1L, 1L, 0L, null, 1L),
                byModality.get("telemedicine"));
        Assertions.assertEquals(java.util.Arrays.asList(1L, 1L, 1L, 0L, 1L, 1L, 1L, null, 0L),
                byModality.get("in_person"));
        Assertions.assertEquals(java.util.Arrays.asList(null, 1L, 0L, 0L, 0L, 0L, 0L, null, 0L),
                byModality.get("no_consult"));
        Assertions.assertEquals(2000.0 / 3, march.filter(col("modality_group").equalTo("ALL")).first()
                .<Double>getAs("incidents_per_1000_prescriptions"), 1e-9);

        Row security = mart(output, "telemedicine_security").filter(col("period_label").equalTo("2026-03")
                .and(col("site_id").equalTo("BCI")).and(col("kind").equalTo("ALL"))
                .and(col("severity").equalTo("ALL"))).first();
        Assertions.assertEquals(List.of(1L, 1L, 1000.0), List.of(security.<Long>getAs("events"),
                security.<Long>getAs("telemedicine_sessions"), security.<Double>getAs("events_per_1000_sessions")));
        // the connectivity in force at the end of March: BCI's row of 15 March
        Assertions.assertEquals(List.of("adequate", "tablets_4g"),
                List.of(security.<String>getAs("connectivity"), security.<String>getAs("devices")));

        // equity, national 2026 Q1 by age band: C1 (video, attended) and C3 (did not attend) are 943 476 5919's,
        // 30-39, with R1's wait of 78 days; C2 (offsite) and R2's 99 days are 1000000060's, 70+; the third
        // patients row is quarantined. By ethnic group 1000000060 is unknown.
        assertCounts(night1, "patients", 3, 2, 1, 0);
        Dataset<Row> q1 = mart(output, "equity").filter(col("period_type").equalTo("quarter")
                .and(col("period_start").equalTo(java.sql.Date.valueOf("2026-01-01"))).and(col("region").equalTo("ALL")));
        Map<String, List<Object>> byAge = new java.util.TreeMap<>();
        for (Row r : q1.filter(col("dimension").equalTo("age_band")).collectAsList()) {
            byAge.put(r.getAs("group_value"), java.util.Arrays.asList(r.getAs("attended"),
                    r.getAs("attended_telemedicine"), r.getAs("did_not_attend"), r.getAs("completed_pathways"),
                    r.getAs("median_wait_days")));
        }
        Assertions.assertEquals(java.util.Arrays.asList(1L, 1L, 1L, 1L, 78), byAge.get("30-39"));
        Assertions.assertEquals(java.util.Arrays.asList(1L, 0L, 0L, 1L, 99), byAge.get("70+"));
        Assertions.assertEquals(java.util.Arrays.asList(2L, 1L, 1L, 2L, 78), byAge.get("ALL"));
        Assertions.assertEquals(1L, q1.filter(col("dimension").equalTo("ethnic_group")
                .and(col("group_value").equalTo("unknown"))).first().<Long>getAs("attended"));

        // readiness: BCI in 2026 Q1 (quarters only), one attendance, by video, under the connectivity in force
        // at the quarter's end
        Row ready = mart(output, "readiness").filter(col("period_start").equalTo(java.sql.Date.valueOf("2026-01-01"))
                .and(col("site_id").equalTo("BCI"))).first();
        Assertions.assertEquals(java.util.Arrays.asList("adequate", 1L, 1L), java.util.Arrays.asList(
                ready.getAs("connectivity"), ready.getAs("attended"), ready.getAs("attended_telemedicine")));

        // below national every count here is 1 to 7: suppressed in published/, the rates with them
        Row published = spark().read().parquet(output.resolve("published/prescribing_safety").toString())
                .filter(col("period_label").equalTo("2026-03").and(col("site_id").equalTo("LWI"))
                        .and(col("modality_group").equalTo("ALL"))).first();
        Assertions.assertTrue(published.<Boolean>getAs("suppressed"));
        Assertions.assertNull(published.getAs("prescriptions"));
        Assertions.assertNull(published.getAs("incidents_per_1000_prescriptions"));

        Path backfill = tmp.resolve("backfill");
        Assertions.assertEquals(0, TelemedCli.execute("backfill", "--input", input.toString(), "--output",
                backfill.toString(), "--from", "2026-03-29", "--to", "2026-03-30", "--key-file", keyFile().toString(),
                "--max-reject-rate", "1.0"));
        OutputSnapshots.assertSame(OutputSnapshots.snapshot(spark(), backfill, OutputSnapshots.ALL_TABLES),
                OutputSnapshots.snapshot(spark(), output, OutputSnapshots.ALL_TABLES));
        assertNoRawNhsNumber(output);
        assertWrittenSchemasAreTheContracts(output);
    }

    /**
     * Every table under marts/ and published/ has exactly its declared columns, in order, with their declared
     * types (nullability aside): the dashboards' fixtures are built from the same declarations, so a renamed or
     * retyped column fails here rather than passing every dashboard test. Every file of a table is read
     * (mergeSchema), so a quarter slice carried over from an older generation is checked too.
     */
    private void assertWrittenSchemasAreTheContracts(Path output) throws IOException {
        Map<String, StructType> published = new java.util.LinkedHashMap<>();
        PublishedTables.ALL.keySet().forEach(name -> published.put(name, PublishedTables.publishedSchema(name)));
        for (Map.Entry<String, Map<String, StructType>> area : Map.of("marts", MartContracts.all(),
                "published", published).entrySet()) {
            Path dir = output.resolve(area.getKey());
            List<String> written;
            try (Stream<Path> tables = Files.list(dir)) {
                written = tables.map(t -> t.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
            }
            Assertions.assertEquals(area.getValue().keySet().stream().sorted().toList(), written,
                    area.getKey() + "/ holds exactly the declared tables");
            for (String table : written) {
                StructType actual = spark().read().option("mergeSchema", "true")
                        .parquet(dir.resolve(table).toString()).schema();
                Assertions.assertEquals(columns(area.getValue().get(table)), columns(actual),
                        area.getKey() + "/" + table + " is written as declared");
            }
        }
    }

    private static List<String> columns(StructType schema) {
        return Stream.of(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString()).toList();
    }

    @Test
    void anUnreadableFileFailsTheRunNamesTheFileAndPublishesNothing() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        Assertions.assertEquals(0, nightly(input, output, "2026-03-29"));
        Path published = Files.readSymbolicLink(output.resolve("marts"));

        Path bad = input.resolve("consults/load_date=2026-03-30/consults.csv");
        byte[] latin1 = "consult_id,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(bad, latin1);
        String err = captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT, uncheckedNightly(input, output, "2026-03-30")));
        Assertions.assertTrue(err.contains(bad.toString()) && err.contains("not UTF-8"), err);
        Assertions.assertEquals(published, Files.readSymbolicLink(output.resolve("marts")));
        Assertions.assertEquals("unreadable_input", RunManifest.read(output.resolve("runs/nightly-2026-03-30.json")).status);

        Files.write(bad, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        Files.move(bad, bad.resolveSibling("consults.csv.gz"));
        err = captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT, uncheckedNightly(input, output, "2026-03-30")));
        Assertions.assertTrue(err.contains("consults.csv.gz") && err.contains("gzip"), err);

        Files.delete(bad.resolveSibling("consults.csv.gz"));
        LandingFixture.write(bad, "consult_id,patient_id\nC9,9434765919\n");
        err = captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT, uncheckedNightly(input, output, "2026-03-30")));
        Assertions.assertTrue(err.contains("consults.csv") && err.contains("wrong header"), err);
        Assertions.assertFalse(err.contains("9434765919"), err);
        Assertions.assertEquals(published, Files.readSymbolicLink(output.resolve("marts")));
    }

    @Test
    void aBadCostModelStopsTheRunWithWhatIsWrong() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path costs = input.resolve("reference/costs.json");
        Files.writeString(costs, Files.readString(costs).replace("\"value_gbp\": 120.0", "\"value_gbp\": -120.0")
                .replace("\"clinician_hour.gp\"", "\"clinician_hour.general_practitioner\""));
        String err = captureErr(() -> Assertions.assertEquals(ExitCodes.UNREADABLE_INPUT,
                uncheckedNightly(input, tmp.resolve("out"), "2026-03-29")));
        Assertions.assertTrue(err.contains(costs.toString()) && err.contains("missing cost name clinician_hour.gp")
                && err.contains("escort_vehicle_trip") && err.contains("negative"), err);
    }

    @Test
    void refusesToRunWithoutAKey() {
        String err = captureErr(() -> Assertions.assertEquals(ExitCodes.BAD_ARGUMENTS, TelemedCli.execute("nightly",
                "--input", tmp.toString(), "--output", tmp.resolve("o").toString(), "--run-date", "2026-03-29")));
        Assertions.assertTrue(err.contains("PSEUDONYMISATION_KEY"), err);
    }

    @Test
    void tooManyRejectedRowsWriteTheQuarantineButHoldBackTheMarts() throws IOException {
        Path input = LandingFixture.write(tmp.resolve("landing"));
        Path output = tmp.resolve("out");
        int code = TelemedCli.execute("nightly", "--input", input.toString(), "--output", output.toString(),
                "--run-date", "2026-03-29", "--key-file", keyFile().toString());
        Assertions.assertEquals(ExitCodes.QUALITY_THRESHOLD_BREACHED, code); // 5 of 10 rows rejected > 5%
        // the 5: consults 2 and referrals 3 (R3 check digit, R4 unknown site, site "bci"), published though the
        // marts were held back
        Assertions.assertEquals(2, OutputSnapshots.quarantine(spark(), output, "consults", "2026-03-29").count());
        Assertions.assertEquals(3, OutputSnapshots.quarantine(spark(), output, "referrals", "2026-03-29").count());
        Assertions.assertFalse(Files.exists(output.resolve("marts")));
    }

    private int uncheckedNightly(Path input, Path output, String date) {
        try {
            return nightly(input, output, date);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void assertCounts(RunManifest m, String log, long read, long curated, long quarantined, long superseded) {
        RunManifest.LogCounts c = m.counts.stream().filter(x -> x.log().equals(log)).findFirst().orElseThrow();
        Assertions.assertEquals(List.of(read, curated, quarantined, superseded),
                List.of(c.rowsRead(), c.rowsCurated(), c.rowsQuarantined(), c.versionsSuperseded()), log);
        Assertions.assertTrue(c.accountedFor());
    }

    /** Every table, and the first night's quarantine, which the rerun of the second night must leave alone. */
    private static List<String> rerunTables() {
        List<String> tables = new java.util.ArrayList<>(OutputSnapshots.ALL_TABLES);
        tables.add("quarantine/referrals"); // a Delta table: the rerun replaced its night, not added to it
        return tables;
    }

    /** Reads every Parquet table and every text file under the output and looks for the fixture's NHS numbers. */
    static void assertNoRawNhsNumber(Path output) throws IOException {
        List<Path> parquetDirs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(output)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".parquet")) {
                    if (!parquetDirs.contains(f.getParent())) {
                        parquetDirs.add(f.getParent());
                    }
                } else if (!name.endsWith(".crc")) {
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    for (String n : LandingFixture.NHS_NUMBERS) {
                        Assertions.assertFalse(text.contains(n), f + " contains an NHS number");
                    }
                }
            }
        }
        Assertions.assertTrue(parquetDirs.size() > 10, "expected many Parquet tables, found " + parquetDirs);
        var spark = org.apache.spark.sql.SparkSession.active();
        // one Spark job per table: any string column containing any fixture number (a job per column and number
        // took minutes of the slow lane); only a failing table is searched column by column for the message
        for (Path dir : parquetDirs) {
            Dataset<Row> t = spark.read().parquet(dir.toString());
            org.apache.spark.sql.Column anyNumber = org.apache.spark.sql.functions.lit(false);
            List<String> stringColumns = new ArrayList<>();
            for (StructField f : t.schema().fields()) {
                if (f.dataType().equals(DataTypes.StringType)) {
                    stringColumns.add(f.name());
                    for (String n : LandingFixture.NHS_NUMBERS) {
                        anyNumber = anyNumber.or(org.apache.spark.sql.functions.coalesce(col(f.name()).contains(n),
                                org.apache.spark.sql.functions.lit(false)));
                    }
                }
            }
            if (!stringColumns.isEmpty() && t.filter(anyNumber).count() > 0) {
                for (String c : stringColumns) {
                    for (String n : LandingFixture.NHS_NUMBERS) {
                        Assertions.assertEquals(0, t.filter(col(c).contains(n)).count(), dir + " column " + c);
                    }
                }
                Assertions.fail(dir + " contains an NHS number");
            }
        }
    }

    static String captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String captureErr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
