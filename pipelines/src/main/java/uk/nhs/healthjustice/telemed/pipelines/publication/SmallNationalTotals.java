package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.published.DisclosureClass;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;

/**
 * Every published table: a count whose national total is 1 to 7 is hidden in every region and site row of its
 * line, zeros included (METRICS.md, published/, version 2: a reader may not subtract to get back a small count).
 *
 * <p>Why: national rows are published unchanged, and below national the only counts a reader knows exactly are
 * zeros. So national less the other regions gives a suppressed region count back exactly when every other region
 * is zero, that is when the count lies in one region, and then it equals the national total, which is 1 to 7. The
 * same holds for sites. In such a line hiding the zeros too leaves the reader with the national total and not where
 * it lies. Where the national total is 8 or more, a suppressed cell always has another non-zero cell beside it in
 * its line (suppressed, or rounded to 5), so subtraction gives a range, never the count (the rounding limit README
 * states). A line is one count column of one value of every {@link DisclosureClass#DIMENSION} column but
 * {@code region} and {@code site_id}; its national row is the one with both {@code ALL} ({@code region ALL} in a
 * table without {@code site_id}). A row whose line has no national row (a roll-out site row) is not changed.
 *
 * <p>Where every row below national of such a line lies in one region, hiding is not enough: the rows' presence
 * says where the national count is (absent rows are zeros). Those rows are left out (METRICS.md: a row may be
 * left out), which loses nothing the national row does not say for the region, and only the split between its
 * sites for the sites.
 *
 * <p>{@code readiness} has site rows only, but its counts are those of {@code access}'s quarter rows, whose
 * national row gives the total: there the line total is the sum of the table's rows ({@link #SUMMED_NATIONALLY}).
 *
 * <p>A hidden count is flagged like a secondary suppression ({@link SecondarySuppression#flag}): published as
 * null, the row's {@code suppressed} flag set, so its money is null, and statistics, rates and model outputs
 * resting on it are null. Lines lie within a period, so a table's recomputed periods can still be controlled
 * alone.
 */
final class SmallNationalTotals {

    /**
     * Tables of site rows only whose national totals are published elsewhere: {@code readiness} repeats the
     * quarter's site counts of {@code access}, whose national row is their sum (sites with no attendance aside), so
     * its line total is the sum of its rows.
     */
    static final List<String> SUMMED_NATIONALLY = List.of("readiness");

    private static final String KEY = "_line_";
    private static final String NATIONAL = "_national_";
    private static final String REGIONS = "_regions_";

    private SmallNationalTotals() {
    }

    /**
     * {@code rows} with a {@link SecondarySuppression#flag} column per count: true below national where the line's
     * national total of that count is 1 to 7, or-ed into the flag when {@code rows} has one already; without the
     * rows below national of a line with such a total that lie in a single region.
     */
    static Dataset<Row> flag(Dataset<Row> rows, PublishedTable table) {
        List<String> present = List.of(rows.columns());
        List<String> counts = SecondarySuppression.countsOf(table, rows);
        List<String> lineKeys = SecondarySuppression.lineKeysOf(table, rows, Rollups.REGION, Rollups.SITE_ID);
        Column national = DisclosureControl.isNational(present);
        Column below = not(coalesce(national, lit(false)));
        // one row per line: which counts have a national total of 1 to 7, and how many regions have rows in it
        List<Column> keys = new ArrayList<>();
        for (String k : lineKeys) {
            keys.add(col(k).as(KEY + k));
        }
        boolean summed = SUMMED_NATIONALLY.contains(table.name());
        List<Column> perLine = new ArrayList<>();
        for (String c : counts) {
            Column total = summed ? sum(col(c)) : max(when(national, col(c)));
            // an expected (fractional) count is whole before it is controlled, as in DisclosureControl
            perLine.add(coalesce(DisclosureControl.primarySuppressed(round(total.cast("double"), 0)), lit(false))
                    .as(NATIONAL + c));
        }
        perLine.add(countDistinct(when(below, col(Rollups.REGION))).as(REGIONS));
        Dataset<Row> lines = keys.isEmpty()
                ? rows.agg(perLine.get(0), perLine.subList(1, perLine.size()).toArray(Column[]::new))
                : rows.groupBy(keys.toArray(Column[]::new))
                        .agg(perLine.get(0), perLine.subList(1, perLine.size()).toArray(Column[]::new));
        Column sameLine = lit(true);
        for (String k : lineKeys) {
            sameLine = sameLine.and(rows.col(k).eqNullSafe(lines.col(KEY + k)));
        }
        // a line is one national row: few enough to broadcast
        Dataset<Row> joined = rows.join(broadcast(lines), sameLine, "left");
        Column anySmall = lit(false);
        for (String c : counts) {
            anySmall = anySmall.or(coalesce(col(NATIONAL + c), lit(false)));
        }
        // all of a small line below national lies in one region: its rows would say where the national count is
        joined = joined.filter(not(below.and(anySmall).and(coalesce(col(REGIONS), lit(0)).equalTo(1))));
        List<Column> out = new ArrayList<>();
        for (String name : rows.columns()) {
            out.add(col(name));
        }
        for (String c : counts) {
            Column hidden = below.and(coalesce(col(NATIONAL + c), lit(false)));
            String flag = SecondarySuppression.flag(c);
            if (present.contains(flag)) {
                out.set(present.indexOf(flag), col(flag).or(hidden).as(flag));
            } else {
                out.add(hidden.as(flag));
            }
        }
        return joined.select(out.toArray(Column[]::new));
    }
}
