package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Read access to the published layer: the only thing the dashboards know. Tables are filtered in Spark to
 * what a page shows before anything reaches the driver, and every read is capped.
 */
final class PublishedTables {

    /** No page needs more rows than this from one table; more means a filter is missing. */
    static final int MAX_ROWS = 50_000;

    private final SparkSession spark;
    private final Path root;

    PublishedTables(SparkSession spark, Path outputRoot) {
        this.spark = spark;
        this.root = outputRoot;
    }

    boolean has(String area, String table) {
        return Files.isDirectory(root.resolve(area).resolve(table));
    }

    Dataset<Row> table(String area, String table) {
        return spark.read().parquet(root.resolve(area).resolve(table).toString());
    }

    /**
     * The headline national roll-out rows: the default comparison ({@code control = not_yet_treated}, where
     * the table has the column), all sites ({@code subgroup = ALL}, where it has that column) and no placebo
     * outcomes. The never-treated and placebo estimates are robustness checks, shown in the report's overall
     * table only.
     */
    Dataset<Row> headlineImpact() {
        Dataset<Row> r = allSitesImpact().filter(col("level").equalTo("national"));
        if (hasColumn(r, "control")) {
            r = r.filter(col("control").equalTo("not_yet_treated"));
        }
        return r.filter(not(col("outcome").endsWith("_placebo")));
    }

    /**
     * {@code published/rollout_impact} without the connectivity subgroup estimates (rows with {@code subgroup}
     * other than {@code ALL}, version 2), so that each estimate appears once; older outputs have no subgroups.
     */
    Dataset<Row> allSitesImpact() {
        Dataset<Row> r = table("published", "rollout_impact");
        if (hasColumn(r, "subgroup")) {
            r = r.filter(col("subgroup").equalTo("ALL"));
        }
        return r;
    }

    /** Whether the table has the column: an output written before it was added has not. */
    static boolean hasColumn(Dataset<Row> ds, String column) {
        return java.util.Arrays.asList(ds.columns()).contains(column);
    }

    /**
     * The rows of the named quarter ({@code period_label}), or with a null label those of the latest quarter
     * present: the latest {@code period_start} is found in Spark, so one value reaches the driver, not the table.
     * No rows in, no rows out.
     */
    static Dataset<Row> inQuarter(Dataset<Row> quarterRows, String quarterLabel) {
        if (quarterLabel != null) {
            return quarterRows.filter(col("period_label").equalTo(quarterLabel));
        }
        Row latest = quarterRows.agg(org.apache.spark.sql.functions.max("period_start")).first();
        return latest.isNullAt(0) ? quarterRows.limit(0) : quarterRows.filter(col("period_start").equalTo(latest.get(0)));
    }

    /** The named columns the table has, in order: older outputs may lack newer columns. */
    static String[] present(Dataset<Row> ds, String... columns) {
        List<String> have = java.util.Arrays.asList(ds.columns());
        return java.util.Arrays.stream(columns).filter(have::contains).toArray(String[]::new);
    }

    /** Rows as plain maps (dates as ISO strings), at most {@link #MAX_ROWS}. */
    List<Map<String, Object>> rows(Dataset<Row> ds, String... columns) {
        Column[] cols = java.util.Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new);
        List<Row> rows = ds.select(cols).limit(MAX_ROWS + 1).collectAsList();
        if (rows.size() > MAX_ROWS) {
            throw new IllegalStateException("Cannot build the page: more than " + MAX_ROWS + " rows selected");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.length; i++) {
                Object v = r.get(i);
                m.put(columns[i], v instanceof java.sql.Date d ? d.toLocalDate().toString() : v);
            }
            out.add(m);
        }
        return out;
    }

    /** The newest succeeded run manifest, for data freshness; empty map when none. */
    Map<String, Object> latestRun() {
        Path runs = root.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.list(runs)) {
            ObjectMapper json = new ObjectMapper();
            JsonNode best = null;
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted(Comparator.reverseOrder()).toList()) {
                JsonNode n = json.readTree(f.toFile());
                if ("succeeded".equals(n.path("status").asText())
                        && (best == null || n.path("run_date").asText().compareTo(best.path("run_date").asText()) > 0)) {
                    best = n;
                }
            }
            if (best == null) {
                return Map.of();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_date", best.path("run_date").asText());
            m.put("generation", best.path("generation").asText());
            m.put("finished_at", best.path("finished_at").asText());
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the run manifests in " + runs + ": " + e.getMessage(), e);
        }
    }
}
