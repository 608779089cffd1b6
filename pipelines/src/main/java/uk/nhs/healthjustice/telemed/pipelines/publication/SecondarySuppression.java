package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.published.DisclosureClass;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedColumn;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;

/**
 * Secondary (complementary) suppression for a table whose national rows are published exact beside its region
 * rows: {@code equity} (METRICS.md, published/, version 2: no published figure may let a suppressed count be
 * recovered). The generic control ({@link DisclosureControl}) suppresses region counts of 1 to 7 and rounds the
 * others, but leaves national rows unchanged, as the spec says; demographic groups are small, and a group with
 * people in one region only has its region cell suppressed while the national row equals it. In general a
 * suppressed region cell is given back exactly by national minus the other regions whenever those are exact
 * (zeros, above all), and within about 2 x (regions) by the rounded ones. The tables with site rows get the same
 * complement on their region rows, without the grid completed ({@link #flagRegionRows}): there a suppressed
 * region left alone in its line was pinned by the bounds of the rounded ones (national 19 less a region shown as
 * 10 leaves 7 to 11, so a hidden region is 7).
 *
 * <p>The rule, after NHS Digital's and ONS's practice for tables with published margins (a primary cell is never
 * left the only suppressed cell of a line whose total is published; the complement is the cell whose loss
 * costs least, zeros included):
 * <ol>
 *   <li><b>Lines and cells.</b> A line is one count column of one quarter x dimension x group value (every
 *   {@link DisclosureClass#DIMENSION} column but region); its total is the national row, and its cells are the
 *   region rows. The grid is completed first: a region of the table with no row in a line gets a row of zero
 *   counts (other values null, national figures copied from the line's national row), because an absent row
 *   is a published zero that could not otherwise be suppressed. The regions are those of any region row of the
 *   table.</li>
 *   <li><b>Primary.</b> A count of 1 to 7 (as in {@link DisclosureControl}).</li>
 *   <li><b>Complement.</b> Every line with exactly one suppressed cell gets a second: the smallest unsuppressed
 *   cell of the line by its true value (a zero first), ties broken by region name. So the national total minus
 *   the published cells gives only the sum of two or more suppressed cells. The choice depends only on the
 *   line's values, so the {@code group_value = ALL} line, the same in every dimension, is suppressed the same
 *   way in each.</li>
 *   <li><b>Linked zeros within a row.</b> A region row's consult counts are tied: no attendance means no
 *   patient seen, and telemedicine and GIC attendances are part of the attendances. On a row with no
 *   attendance, a suppressed {@code attended}, {@code patients_seen}, {@code attended_telemedicine} or
 *   {@code gic_attended} would be given back as 0 by a published 0 beside it, so {@code patients_seen} and
 *   {@code attended} are then both suppressed ({@link #ZERO_TOGETHER}).</li>
 *   <li>Steps 3 and 4 are repeated until nothing changes (each pass only adds suppression, so it ends; in
 *   practice in two or three passes).</li>
 * </ol>
 * A complemented count is published as null and sets the row's {@code suppressed} flag; statistics resting on
 * it (the median on {@code completed_pathways}) are nulled too, since a published median would say its base is
 * 8 or more; rates resting on it are null because they are recomputed from the published counts.
 *
 * <p>What it does not claim: the sum of a line's suppressed cells is published (national minus the rest), so a
 * reader knows each lies between 0 and that sum; the group axis (a region's groups add up to its {@code ALL}
 * row) rests on a rounded or suppressed region total and so gives no exact value; a full linear-programming
 * audit of every combination (tau-ARGUS style) is not done. With a single region in the table the region rows
 * are the national rows and nothing below national can be hidden. Rows are added (zeros), so unlike the
 * generic control this step works on a whole table, not row by row: {@code equity} is recomputed whole every
 * night.
 */
public final class SecondarySuppression {

    /** The tables whose region grid is completed (by name): only {@code equity}, whose regions are its smallest cells. */
    public static final List<String> TABLES = List.of("equity");
    /**
     * The tables with site rows whose region rows get the complement ({@link #flagRegionRows}): every controlled
     * table with national, region and site rows. Not {@code readiness} (site rows only, its line total is the sum
     * of its rows: SmallNationalTotals) nor {@code rollout_impact} (site rows beside national estimates).
     */
    public static final List<String> REGION_ROWS_OF = List.of("waiting_times", "access", "mha_transfers", "costs",
            "cost_effectiveness", "prescribing_safety", "telemedicine_security", "budget_impact");
    /** Counts that are zero together on a row (no attendance, no patient seen). */
    static final List<String> ZERO_TOGETHER = List.of("patients_seen", "attended");
    /** Counts that are zero when {@link #ZERO_TOGETHER} are: a suppressed one on such a row needs both hidden. */
    static final List<String> PART_OF_ATTENDED = List.of("patients_seen", "attended", "attended_telemedicine",
            "gic_attended");
    /** Prefix of the flag column of a complemented count, dropped by {@link DisclosureControl}. */
    static final String FLAG = "_secondary_";
    private static final int MAX_PASSES = 100;

    private SecondarySuppression() {
    }

    /** Whether {@code table} gets secondary suppression with its region grid completed ({@code equity}). */
    public static boolean appliesTo(PublishedTable table) {
        return TABLES.contains(table.name());
    }

    /**
     * {@code mart} with its complements flagged, as {@code table} gets them: {@link #flag} for {@code equity},
     * {@link #flagRegionRows} for the tables of {@link #REGION_ROWS_OF} (when the rows have region and site
     * columns), else unchanged (no flag columns).
     */
    static Dataset<Row> complements(Dataset<Row> mart, PublishedTable table) {
        if (appliesTo(table)) {
            return flag(mart, table);
        }
        boolean regionAndSiteRows = List.of(mart.columns()).containsAll(List.of(Rollups.REGION, Rollups.SITE_ID));
        return REGION_ROWS_OF.contains(table.name()) && regionAndSiteRows ? flagRegionRows(mart, table) : mart;
    }

    /** The flag column of count {@code c}: true where it is suppressed as a complement (not as 1..7). */
    static String flag(String c) {
        return FLAG + c;
    }

    /**
     * The table with its region grid completed and, for each count column, a boolean {@link #flag} column
     * (false on national rows and on primary suppressions).
     *
     * @param mart  the mart as computed (national rows where region is {@code ALL})
     * @param table its declaration (dimensions, counts, national figures)
     */
    static Dataset<Row> flag(Dataset<Row> mart, PublishedTable table) {
        List<String> counts = countsOf(table, mart);
        List<String> lineKeys = lineKeysOf(table, mart, Rollups.REGION);
        Dataset<Row> grid = completeGrid(mart, table, lineKeys, counts);
        Column national = col(Rollups.REGION).equalTo(Rollups.ALL);
        Dataset<Row> nationalRows = grid.filter(national);
        Dataset<Row> regions = grid.filter(not(coalesce(national, lit(false))));
        return withoutComplements(nationalRows, counts).unionByName(complemented(regions, lineKeys, counts,
                table.name()));
    }

    /**
     * The region rows of a table with site rows too ({@link #REGION_ROWS_OF}): the complement on its region
     * rows ({@code site_id ALL}), whose line total is the exact national row. No row is added: a region absent
     * from a line is a published zero, and where a complement is needed the cheapest present cell is taken
     * instead. Site rows (their line total is a rounded region row) and national rows get no complement.
     */
    static Dataset<Row> flagRegionRows(Dataset<Row> mart, PublishedTable table) {
        List<String> counts = countsOf(table, mart);
        List<String> lineKeys = lineKeysOf(table, mart, Rollups.REGION);
        Column regionRow = col(Rollups.SITE_ID).equalTo(Rollups.ALL).and(col(Rollups.REGION).notEqual(Rollups.ALL));
        Dataset<Row> others = mart.filter(not(coalesce(regionRow, lit(false))));
        return withoutComplements(others, counts).unionByName(complemented(mart.filter(regionRow), lineKeys, counts,
                table.name()));
    }

    /** {@code rows} with every count's {@link #flag} false: rows that get no complement. */
    private static Dataset<Row> withoutComplements(Dataset<Row> rows, List<String> counts) {
        for (String c : counts) {
            rows = rows.withColumn(flag(c), lit(false));
        }
        return rows;
    }

    /** {@code regions} with a {@link #flag} column per count: the complements, passes repeated until settled. */
    private static Dataset<Row> complemented(Dataset<Row> regions, List<String> lineKeys, List<String> counts,
                                             String table) {
        // working flag per count: suppressed for any reason (primary or complement)
        for (String c : counts) {
            regions = regions.withColumn(any(c), primary(c));
        }
        if (!counts.containsAll(ZERO_TOGETHER)) {
            // without linked zeros one pass settles it: after it, no line has exactly one suppressed cell, and
            // nothing else adds suppression (so no count, and no Spark job, to check it)
            regions = pass(regions, lineKeys, counts);
        } else {
            regions = regions.cache();
            long suppressed = suppressedCells(regions, counts);
            for (int pass = 0; ; pass++) {
                if (pass == MAX_PASSES) {
                    throw new IllegalStateException("Cannot publish " + table + ": secondary suppression did not"
                            + " settle in " + MAX_PASSES + " passes");
                }
                Dataset<Row> next = pass(regions, lineKeys, counts).cache();
                long now = suppressedCells(next, counts);
                regions.unpersist();
                regions = next;
                if (now == suppressed) {
                    break;
                }
                suppressed = now;
            }
        }
        for (String c : counts) {
            regions = regions.withColumn(flag(c), col(any(c)).and(not(primary(c))))
                    .drop(any(c));
        }
        return regions;
    }

    /**
     * One pass: the complement on every line with a single suppressed cell, then the linked zeros. Per line, one
     * aggregate gives each count's number of suppressed cells and its cheapest unsuppressed cell
     * (min of (value, region)); joined back to the cells by the line's keys.
     */
    private static Dataset<Row> pass(Dataset<Row> regions, List<String> lineKeys, List<String> counts) {
        List<Column> aggregates = new ArrayList<>();
        for (String c : counts) {
            Column s = col(any(c));
            aggregates.add(sum(when(s, 1).otherwise(0)).as("_n_" + c));
            aggregates.add(min(when(not(s), struct(col(c).as("v"), col(Rollups.REGION).as("r")))).as("_min_" + c));
        }
        List<Column> keys = new ArrayList<>();
        for (String k : lineKeys) {
            keys.add(col(k).as("_k_" + k));
        }
        Dataset<Row> perLine = regions.groupBy(keys.toArray(Column[]::new))
                .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
        Column same = lit(true);
        for (String k : lineKeys) {
            same = same.and(regions.col(k).eqNullSafe(perLine.col("_k_" + k)));
        }
        Dataset<Row> joined = regions.join(perLine, same, "left");
        List<Column> out = new ArrayList<>();
        for (String name : regions.columns()) {
            Column v = col(name);
            for (String c : counts) {
                if (name.equals(any(c))) {
                    Column s = col(any(c));
                    Column cheapest = struct(col(c).as("v"), col(Rollups.REGION).as("r")).eqNullSafe(col("_min_" + c));
                    v = s.or(col("_n_" + c).equalTo(1).and(not(s)).and(cheapest));
                }
            }
            out.add(v.as(name));
        }
        Dataset<Row> complemented = joined.select(out.toArray(Column[]::new));
        List<String> linked = new ArrayList<>();
        for (String c : PART_OF_ATTENDED) {
            if (counts.contains(c)) {
                linked.add(c);
            }
        }
        if (!counts.containsAll(ZERO_TOGETHER)) {
            return complemented;
        }
        Column noAttendance = coalesce(col("attended").equalTo(0), lit(false));
        Column anyLinked = lit(false);
        for (String c : linked) {
            anyLinked = anyLinked.or(col(any(c)));
        }
        List<Column> zeros = new ArrayList<>();
        for (String name : complemented.columns()) {
            Column v = col(name);
            for (String c : ZERO_TOGETHER) {
                if (name.equals(any(c))) {
                    v = col(name).or(noAttendance.and(anyLinked));
                }
            }
            zeros.add(v.as(name));
        }
        return complemented.select(zeros.toArray(Column[]::new));
    }

    /** The count columns of {@code table} that {@code rows} has. */
    static List<String> countsOf(PublishedTable table, Dataset<Row> rows) {
        List<String> present = List.of(rows.columns());
        List<String> counts = new ArrayList<>();
        for (String c : table.named(DisclosureClass.COUNT)) {
            if (present.contains(c)) {
                counts.add(c);
            }
        }
        return counts;
    }

    /** The dimension columns of {@code table} that {@code rows} has, but the geography ones named: a line's keys. */
    static List<String> lineKeysOf(PublishedTable table, Dataset<Row> rows, String... geography) {
        List<String> present = List.of(rows.columns());
        List<String> keys = new ArrayList<>();
        for (PublishedColumn c : table.columns()) {
            if (c.disclosure() == DisclosureClass.DIMENSION && present.contains(c.name())
                    && !List.of(geography).contains(c.name())) {
                keys.add(c.name());
            }
        }
        return keys;
    }

    private static long suppressedCells(Dataset<Row> regions, List<String> counts) {
        Column n = lit(0L);
        for (String c : counts) {
            n = n.plus(when(col(any(c)), 1L).otherwise(0L));
        }
        Row r = regions.agg(sum(n)).first();
        return r.isNullAt(0) ? 0 : r.getLong(0);
    }

    /**
     * Adds a zero row for every (line, region) of the table without one: counts 0, national figures (statistics
     * resting on nothing) from the line's national row, everything else null.
     */
    static Dataset<Row> completeGrid(Dataset<Row> mart, PublishedTable table, List<String> lineKeys,
                                     List<String> counts) {
        Column national = col(Rollups.REGION).equalTo(Rollups.ALL);
        List<String> nationalFigures = new ArrayList<>();
        for (PublishedColumn c : table.columns()) {
            if (c.disclosure() == DisclosureClass.STATISTIC && c.restsOn().isEmpty()
                    && List.of(mart.columns()).contains(c.name())) {
                nationalFigures.add(c.name());
            }
        }
        List<Column> lineColumns = new ArrayList<>();
        for (String k : lineKeys) {
            lineColumns.add(col(k));
        }
        for (String f : nationalFigures) {
            lineColumns.add(col(f));
        }
        Dataset<Row> lines = mart.filter(national).select(lineColumns.toArray(Column[]::new));
        // two separate filters on purpose: region names taken from `existing` itself would make the anti-join
        // below a self-join whose region column Spark cannot tell apart
        Dataset<Row> regionNames = mart.filter(not(coalesce(national, lit(false)))).select(col(Rollups.REGION))
                .distinct();
        Dataset<Row> existing = mart.filter(not(coalesce(national, lit(false))));
        Column same = lit(true);
        Dataset<Row> all = lines.crossJoin(regionNames);
        for (String k : lineKeys) {
            same = same.and(all.col(k).eqNullSafe(existing.col(k)));
        }
        same = same.and(all.col(Rollups.REGION).eqNullSafe(existing.col(Rollups.REGION)));
        Dataset<Row> missing = all.join(existing, same, "left_anti");
        List<Column> zeroRow = new ArrayList<>();
        for (org.apache.spark.sql.types.StructField f : mart.schema().fields()) {
            String c = f.name();
            Column v;
            if (lineKeys.contains(c) || nationalFigures.contains(c) || c.equals(Rollups.REGION)) {
                v = col(c);
            } else if (counts.contains(c)) {
                v = lit(0L);
            } else {
                v = lit(null);
            }
            zeroRow.add(v.cast(f.dataType()).as(c));
        }
        return mart.unionByName(missing.select(zeroRow.toArray(Column[]::new)));
    }

    /** Suppressed as a count of 1 to 7 as published: an expected (fractional) count is made whole first. */
    private static Column primary(String c) {
        return DisclosureControl.primarySuppressed(round(col(c).cast("double"), 0));
    }

    private static String any(String c) {
        return "_any_" + c;
    }
}
