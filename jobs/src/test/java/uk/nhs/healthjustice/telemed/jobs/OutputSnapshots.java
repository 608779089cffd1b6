package uk.nhs.healthjustice.telemed.jobs;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assertions;

/**
 * Every table a run publishes, read back as sorted rows, so two output folders can be compared table by table.
 * Sums of money are added in whatever order Spark's partitions deliver them, so doubles are compared to a
 * relative 1e-9; every other value must be equal.
 */
final class OutputSnapshots {

    /** Every mart, every published table and the curated logs. */
    static final List<String> ALL_TABLES = List.of("marts/waiting_times", "marts/access", "marts/mha_transfers",
            "marts/costs", "marts/cost_effectiveness", "marts/cost_sensitivity", "marts/budget_impact",
            "marts/prescribing_safety", "marts/telemedicine_security", "marts/equity", "marts/readiness",
            "marts/rollout_impact",
            "marts/digital_equivalence", "marts/data_quality", "published/waiting_times", "published/access",
            "published/mha_transfers", "published/costs", "published/cost_effectiveness",
            "published/cost_sensitivity", "published/budget_impact", "published/prescribing_safety",
            "published/telemedicine_security", "published/equity", "published/readiness", "published/rollout_impact",
            "published/digital_equivalence",
            "published/sites", "curated/referrals", "curated/consults", "curated/mha_assessments",
            "curated/prescriptions", "curated/medication_incidents", "curated/security_events", "curated/patients");

    private OutputSnapshots() {
    }

    static Map<String, List<Row>> snapshot(SparkSession spark, Path output, List<String> tables) {
        Map<String, List<Row>> out = new TreeMap<>();
        for (String t : tables) {
            // file order on read depends on file sizes (Spark packs splits largest first): compare sorted rows
            Dataset<Row> table = read(spark, output.resolve(t));
            Column[] all = java.util.Arrays.stream(table.columns()).map(c -> col(c)).toArray(Column[]::new);
            out.put(t, table.orderBy(all).collectAsList());
        }
        return out;
    }

    /** A Delta table (one with a {@code _delta_log}) at its latest version, else a Parquet folder. */
    static Dataset<Row> read(SparkSession spark, Path table) {
        return java.nio.file.Files.isDirectory(table.resolve("_delta_log"))
                ? spark.read().format("delta").load(table.toString()) : spark.read().parquet(table.toString());
    }

    /** A log's quarantined rows of one night, from its Delta table. */
    static Dataset<Row> quarantine(SparkSession spark, Path output, String log, String night) {
        Path table = output.resolve("quarantine").resolve(log);
        org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.isDirectory(table.resolve("_delta_log")),
                table + " is a Delta table");
        return spark.read().format("delta").load(table.toString())
                .filter(col("load_date").equalTo(java.sql.Date.valueOf(night)));
    }

    static void assertSame(Map<String, List<Row>> expected, Map<String, List<Row>> actual) {
        Assertions.assertEquals(expected.keySet(), actual.keySet());
        for (String table : expected.keySet()) {
            List<Row> e = expected.get(table);
            List<Row> a = actual.get(table);
            Assertions.assertEquals(e.size(), a.size(), table + " row count");
            for (int i = 0; i < e.size(); i++) {
                assertSameRow(e.get(i), a.get(i), table + " row " + i);
            }
        }
    }

    /** Row for row and value for value, with no tolerance: what a rerun must give. */
    static void assertIdentical(Map<String, List<Row>> expected, Map<String, List<Row>> actual) {
        Assertions.assertEquals(expected.keySet(), actual.keySet());
        for (String table : expected.keySet()) {
            List<Row> e = expected.get(table);
            List<Row> a = actual.get(table);
            Assertions.assertEquals(e.size(), a.size(), table + " row count");
            for (int i = 0; i < e.size(); i++) {
                Assertions.assertEquals(e.get(i), a.get(i), table + " row " + i);
            }
        }
    }

    private static void assertSameRow(Row e, Row a, String where) {
        Assertions.assertEquals(e.length(), a.length(), where);
        List<String> differences = new ArrayList<>();
        for (int k = 0; k < e.length(); k++) {
            Object x = e.get(k);
            Object y = a.get(k);
            boolean same = x instanceof Double dx && y instanceof Double dy
                    ? Math.abs(dx - dy) <= 1e-9 * Math.max(1.0, Math.max(Math.abs(dx), Math.abs(dy)))
                    || dx.equals(dy)
                    : java.util.Objects.equals(x, y);
            if (!same) {
                differences.add(e.schema().fields()[k].name() + ": " + x + " != " + y);
            }
        }
        Assertions.assertTrue(differences.isEmpty(), where + " " + differences + "\nexpected " + e + "\nactual   " + a);
    }
}
