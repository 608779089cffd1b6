package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.generate.GenerationSummary;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.LandingGenerator;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;
import uk.nhs.healthjustice.telemed.jobs.run.RunManifest;
import uk.nhs.healthjustice.telemed.pipelines.publication.SecondarySuppression;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/** The CLI on generated data: backfill equals the nights one by one, every row accounted for, no NHS number out. */
@Tag("end-to-end")
class GeneratedDataEndToEndTest extends SparkTestBase {

    static final Pattern NHS_SHAPE = Pattern.compile("(?<![0-9a-f])\\d{3} ?\\d{3} ?\\d{4}(?![0-9a-f])");

    @TempDir
    Path tmp;

    private int cli(String... args) throws IOException {
        Path key = tmp.resolve("key");
        Files.writeString(key, "generated-data-test-key-0123456789");
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--key-file";
        all[args.length + 1] = key.toString();
        all[args.length + 2] = "--max-reject-rate";
        all[args.length + 3] = "0.2";
        return TelemedCli.execute(all);
    }

    @Test
    void backfillEqualsNightsOneByOneAndNothingLeaks() throws Exception {
        Path landing = tmp.resolve("landing");
        GenerationSummary g = new LandingGenerator().generate(landing, GeneratorOptions.defaults(Scale.SMALL)
                .withYears(0.06).withBadRowRate(0.03).withCorrectionRate(0.2));
        List<LocalDate> nights = g.loadDates();
        Assertions.assertTrue(nights.size() >= 20, "nights " + nights.size());
        LocalDate first = nights.get(0);
        LocalDate last = nights.get(nights.size() - 1);
        // the last four nights one by one (one of them twice), over the month's end into October: each CLI run on
        // this landing costs 20-50 s whatever its size, so more nights would add time, not new cases
        LocalDate middle = nights.get(nights.size() - 5);
        Assertions.assertTrue(middle.getMonthValue() != last.getMonthValue(), "the nights cross a month's end");

        Path whole = tmp.resolve("whole");
        Assertions.assertEquals(0, cli("backfill", "--input", landing.toString(), "--output", whole.toString(),
                "--from", first.toString(), "--to", last.toString()));

        // all but the last four nights as a backfill, then night by night, with one night run twice
        Path mixed = tmp.resolve("mixed");
        Assertions.assertEquals(0, cli("backfill", "--input", landing.toString(), "--output", mixed.toString(),
                "--from", first.toString(), "--to", middle.toString()));
        for (LocalDate d = middle.plusDays(1); !d.isAfter(last); d = d.plusDays(1)) {
            Assertions.assertEquals(0, cli("nightly", "--input", landing.toString(), "--output", mixed.toString(),
                    "--run-date", d.toString()));
            if (d.equals(middle.plusDays(2))) {
                Assertions.assertEquals(0, cli("nightly", "--input", landing.toString(), "--output", mixed.toString(),
                        "--run-date", d.toString()));
            }
        }
        // every mart, every published table and the curated logs: the same whichever way the nights were run
        OutputSnapshots.assertSame(OutputSnapshots.snapshot(spark(), whole, OutputSnapshots.ALL_TABLES),
                OutputSnapshots.snapshot(spark(), mixed, OutputSnapshots.ALL_TABLES));

        // every row of every night is accounted for, and bad rows of many kinds were caught
        long quarantined = 0;
        Set<String> rules = new HashSet<>();
        for (LocalDate d : nights) {
            RunManifest m = RunManifest.read(whole.resolve("runs/nightly-" + d + ".json"));
            Assertions.assertEquals("succeeded", m.status);
            for (RunManifest.LogCounts c : m.counts) {
                Assertions.assertTrue(c.accountedFor(), d + " " + c.log());
                quarantined += c.rowsQuarantined();
                rules.addAll(c.brokenRules().keySet());
            }
        }
        // every planted bad row, and nothing else, is quarantined (the safety logs' and patients' too)
        Assertions.assertTrue(g.safetyBadRowsPlanted() > 0, "the generator plants bad rows in the safety logs");
        Assertions.assertTrue(g.patientBadRowsPlanted() > 0, "the generator plants bad rows in patients");
        Assertions.assertEquals(g.badRowsPlanted() + g.safetyBadRowsPlanted() + g.patientBadRowsPlanted(),
                quarantined);
        Assertions.assertTrue(rules.size() >= 15, "rules seen: " + rules);
        Assertions.assertTrue(spark().read().parquet(whole.resolve("marts/data_quality").toString())
                .filter(col("versions_superseded").gt(0)).count() > 0);

        // every published table passes the disclosure scan, and national rows equal the marts'
        for (var d : PublishedTables.CONTROLLED.values()) {
            Dataset<Row> published = spark().read().parquet(whole.resolve("published").resolve(d.name()).toString());
            uk.nhs.healthjustice.telemed.testing.DisclosureChecks.assertNoDisclosiveCells(published, d);
            Dataset<Row> mart = spark().read().parquet(whole.resolve("marts").resolve(d.name()).toString());
            if (SecondarySuppression.appliesTo(d)) {
                // secondary suppression adds a row for every region a line lacks (zero, or suppressed as a
                // complement), and keeps every row of the mart
                String[] keys = {"period_type", "period_start", "region", "dimension", "group_value"};
                Dataset<Row> martKeys = mart.select(keys[0], java.util.Arrays.copyOfRange(keys, 1, keys.length));
                Assertions.assertEquals(mart.count(), published.join(martKeys, keys, "left_semi").count(), d.name());
                Assertions.assertEquals(0, published.join(martKeys, keys, "left_anti")
                        .filter(col("region").equalTo("ALL").or(org.apache.spark.sql.functions.coalesce(
                                col("attended"), org.apache.spark.sql.functions.lit(0L)).notEqual(0L)))
                        .count(), d.name() + ": only zero region rows added");
            } else {
                // every national row, and every row below it but those of a line with a national total of 1 to 7
                // lying in one region, which is published nationally only (SmallNationalTotals)
                List<String> dims = new java.util.ArrayList<>();
                for (var c : d.columns()) {
                    if (c.disclosure() == uk.nhs.healthjustice.telemed.schemas.published.DisclosureClass.DIMENSION
                            && List.of(mart.columns()).contains(c.name())) {
                        dims.add(c.name());
                    }
                }
                org.apache.spark.sql.Column[] on = dims.stream().map(k -> mart.col(k).eqNullSafe(published.col(k)))
                        .toArray(org.apache.spark.sql.Column[]::new);
                org.apache.spark.sql.Column same = java.util.Arrays.stream(on).reduce(org.apache.spark.sql.Column::and)
                        .orElseThrow();
                Dataset<Row> dropped = mart.join(published, same, "left_anti");
                Assertions.assertEquals(mart.count(), published.count() + dropped.count(), d.name() + ": rows added");
                if (dims.contains("region")) {
                    Assertions.assertEquals(0, dropped.filter(
                            uk.nhs.healthjustice.telemed.pipelines.publication.DisclosureControl.isNational(dims)).count(),
                            d.name() + ": a national row left out");
                }
            }
            // every published column is declared with its class, and nothing declared is missing
            Set<String> expected = new java.util.TreeSet<>(d.names());
            expected.add("suppressed");
            Assertions.assertEquals(expected, new java.util.TreeSet<>(List.of(published.columns())),
                    d.name() + " columns and their classes");
            // (equity has no site_id: its national rows are region ALL)
            org.apache.spark.sql.Column national = List.of(mart.columns()).contains("site_id")
                    ? col("region").equalTo("ALL").and(col("site_id").equalTo("ALL")) : col("region").equalTo("ALL");
            Assertions.assertEquals(0, mart.filter(national).except(published.filter(national).drop("suppressed"))
                    .count(), d.name() + " national rows changed");
        }
        Assertions.assertEquals(new java.util.TreeSet<>(PublishedTables.SITES.names()), new java.util.TreeSet<>(
                List.of(spark().read().parquet(whole.resolve("published/sites").toString()).columns())));
        Assertions.assertTrue(spark().read().parquet(whole.resolve("published/access").toString())
                .filter(col("suppressed")).count() > 0, "small sites must have suppressed cells");

        assertNoNhsNumberFrom(landing, whole);
    }

    /**
     * Nightly runs recompute only the periods their changes reach and carry the earlier ones over; with a late
     * correction of a consult from an earlier quarter, the last night must reach back to that quarter. Either
     * way the outputs equal a full rebuild of the same landing data.
     */
    @Test
    void incrementalNightsEqualAFullRebuildEvenWithALateCorrection() throws Exception {
        Path landing = tmp.resolve("landing");
        // without the optional logs (patients and the safety logs): their marts are empty every night, and must
        // neither force a full rebuild nor stop the other period marts carrying their earlier quarters over
        GenerationSummary g = new LandingGenerator().generate(landing, GeneratorOptions.defaults(Scale.SMALL)
                .withYears(0.4).withEndDate(LocalDate.parse("2026-08-15")).withSites(3).withCorrectionRate(0.2)
                .withSafetyLogs(false).withPatients(false));
        List<LocalDate> nights = g.loadDates();
        LocalDate last = nights.get(nights.size() - 1);
        LocalDate firstNightly = nights.get(nights.size() - 2);
        Assertions.assertTrue(nights.get(0).isBefore(LocalDate.parse("2026-04-01")), "history starts in 2025-26 Q4");
        // the nights are in 2026-27 Q2; the correction is of a consult in Q1, a quarter back
        String corrected = writeLateCorrection(landing, last, LocalDate.parse("2026-04-01"), LocalDate.parse("2026-07-01"));

        Path nightly = tmp.resolve("nightly");
        Assertions.assertEquals(0, cli("backfill", "--input", landing.toString(), "--output", nightly.toString(),
                "--from", nights.get(0).toString(), "--to", firstNightly.minusDays(1).toString()));
        for (LocalDate d = firstNightly; !d.isAfter(last); d = d.plusDays(1)) {
            Assertions.assertEquals(0, cli("nightly", "--input", landing.toString(), "--output", nightly.toString(),
                    "--run-date", d.toString()));
            RunManifest m = RunManifest.read(nightly.resolve("runs/nightly-" + d + ".json"));
            Assertions.assertNull(m.fullRebuildReason, d.toString());
            Assertions.assertNotNull(m.martPeriodsFrom, d.toString());
        }
        RunManifest lastRun = RunManifest.read(nightly.resolve("runs/nightly-" + last + ".json"));

        // rerunning the last night rebuilds every period: every mart and published table is identical, value
        // for value, with no tolerance (money is exact decimal, other sums are taken in a fixed order)
        Map<String, List<Row>> incremental = OutputSnapshots.snapshot(spark(), nightly, OutputSnapshots.ALL_TABLES);
        Assertions.assertEquals(0, cli("nightly", "--input", landing.toString(), "--output", nightly.toString(),
                "--run-date", last.toString()));
        Assertions.assertTrue(RunManifest.read(nightly.resolve("runs/nightly-" + last + ".json")).fullRebuildReason
                .contains("are run again"), "a rerun rebuilds every period");
        OutputSnapshots.assertIdentical(incremental, OutputSnapshots.snapshot(spark(), nightly, OutputSnapshots.ALL_TABLES));
        Assertions.assertTrue(LocalDate.parse(lastRun.martPeriodsFrom).isBefore(LocalDate.parse("2026-07-01")),
                "the correction of " + corrected + " reaches an earlier quarter: " + lastRun.martPeriodsFrom);
        Assertions.assertTrue(spark().read().parquet(nightly.resolve("marts/access").toString())
                .filter(col("period_start").lt(java.sql.Date.valueOf(lastRun.martPeriodsFrom))).count() > 0,
                "earlier periods exist and were carried over");

        Path full = tmp.resolve("full");
        Assertions.assertEquals(0, cli("backfill", "--input", landing.toString(), "--output", full.toString(),
                "--from", nights.get(0).toString(), "--to", last.toString()));
        Assertions.assertEquals("first run",
                RunManifest.read(full.resolve("runs/nightly-" + last + ".json")).fullRebuildReason);
        OutputSnapshots.assertSame(OutputSnapshots.snapshot(spark(), full, OutputSnapshots.ALL_TABLES),
                OutputSnapshots.snapshot(spark(), nightly, OutputSnapshots.ALL_TABLES));

        // asked for, a nightly run recomputes every period, with the same result
        Assertions.assertEquals(0, cli("nightly", "--input", landing.toString(), "--output", nightly.toString(),
                "--run-date", last.toString(), "--full-rebuild"));
        Assertions.assertEquals("--full-rebuild",
                RunManifest.read(nightly.resolve("runs/nightly-" + last + ".json")).fullRebuildReason);
        List<String> periodMarts = List.of("marts/waiting_times", "marts/access", "marts/costs");
        OutputSnapshots.assertSame(OutputSnapshots.snapshot(spark(), full, periodMarts),
                OutputSnapshots.snapshot(spark(), nightly, periodMarts));
    }

    /**
     * Delivers on {@code night} a new version of an attended on-site consult scheduled in [{@code from}, {@code before}):
     * now cancelled by the provider, which changes that period's access and cost figures. Returns its id.
     */
    private static String writeLateCorrection(Path landing, LocalDate night, LocalDate from, LocalDate before)
            throws IOException {
        List<Path> csvs;
        try (Stream<Path> files = Files.walk(landing.resolve("consults"))) {
            csvs = files.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
        for (Path f : csvs) {
            List<String> lines = Files.readAllLines(f);
            List<String> header = List.of(lines.get(0).split(",", -1));
            for (String line : lines.subList(1, lines.size())) {
                String[] v = line.split(",", -1);
                if (v.length == header.size() && v[header.indexOf("outcome")].equals("attended")
                        && v[header.indexOf("modality")].equals("face_to_face_onsite")
                        && v[header.indexOf("scheduled_start")].compareTo(from.toString()) >= 0
                        && v[header.indexOf("scheduled_start")].compareTo(before.toString()) < 0) {
                    v[header.indexOf("outcome")] = "cancelled_by_provider";
                    v[header.indexOf("record_updated_at")] = night + "T09:00:00+01:00";
                    Files.write(landing.resolve("consults/load_date=" + night + "/consults-late-correction.csv"),
                            List.of(lines.get(0), String.join(",", v)));
                    return v[header.indexOf("consult_id")];
                }
            }
        }
        throw new AssertionError("no attended on-site consult in " + from + ".." + before + " in a plain CSV file");
    }

    /** Every NHS-number-shaped string in the landing files, normalised, must not appear in any output. */
    private void assertNoNhsNumberFrom(Path landing, Path output) throws IOException {
        Set<String> numbers = new HashSet<>();
        try (Stream<Path> files = Files.walk(landing)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text;
                try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f))
                        : Files.newInputStream(f)) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Matcher m = NHS_SHAPE.matcher(text);
                while (m.find()) {
                    numbers.add(m.group().replace(" ", ""));
                }
            }
        }
        Assertions.assertTrue(numbers.size() > 1000, "found " + numbers.size());
        // text files one by one; Parquet one Spark job per directory of files (one per file and column took
        // minutes), returning only the string values that look like an NHS number, checked here against the set
        java.util.Map<Path, List<String>> parquetByDir = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(output)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".parquet")) {
                    parquetByDir.computeIfAbsent(f.getParent(), d -> new java.util.ArrayList<>()).add(f.toString());
                } else if (!name.endsWith(".crc")) {
                    Matcher m = NHS_SHAPE.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        Assertions.assertFalse(numbers.contains(m.group().replace(" ", "")), f.toString());
                    }
                }
            }
        }
        Assertions.assertTrue(parquetByDir.size() > 10, "Parquet directories: " + parquetByDir.keySet());
        for (Map.Entry<Path, List<String>> dir : parquetByDir.entrySet()) {
            Dataset<Row> t = spark().read().parquet(dir.getValue().toArray(String[]::new));
            List<org.apache.spark.sql.Column> strings = new java.util.ArrayList<>();
            for (StructField field : t.schema().fields()) {
                if (field.dataType().equals(DataTypes.StringType)) {
                    strings.add(col(field.name()));
                }
            }
            if (strings.isEmpty()) {
                continue;
            }
            // every string value of the table in one column, tagged with its column's name
            org.apache.spark.sql.Column[] tagged = strings.stream().map(c -> org.apache.spark.sql.functions.concat(
                    org.apache.spark.sql.functions.lit(c.toString() + "="), c)).toArray(org.apache.spark.sql.Column[]::new);
            for (Row r : t.select(org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.array(tagged))
                    .as("v")).filter(col("v").rlike("[0-9]{3} ?[0-9]{3} ?[0-9]{4}")).collectAsList()) {
                Matcher m = NHS_SHAPE.matcher(r.getString(0));
                while (m.find()) {
                    Assertions.assertFalse(numbers.contains(m.group().replace(" ", "")), dir.getKey() + ": " + r.getString(0)
                            .substring(0, r.getString(0).indexOf('=')));
                }
            }
        }
    }

    @Test
    void theDemoCommandRunsEveryNightAndSummarises() throws Exception {
        String out = NightlyCliTest.captureOut(() -> Assertions.assertEquals(0, TelemedCli.execute("demo", "--dir",
                tmp.resolve("demo").toString(), "--years", "0.1")));
        Assertions.assertTrue(out.contains("PUBLIC demo pseudonymisation key"), out);
        Assertions.assertTrue(out.contains("nights run; rows read"), out);
        Assertions.assertTrue(Files.isDirectory(tmp.resolve("demo/output/marts/waiting_times")));
    }
}
