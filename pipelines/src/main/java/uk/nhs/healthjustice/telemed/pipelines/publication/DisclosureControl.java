package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.published.DisclosureClass;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedColumn;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/**
 * NHS Digital's disclosure control method for hospital statistics (2018), version 2 of METRICS.md: each column
 * is treated by the class {@link PublishedTables} declares for it. National rows (region and site_id
 * {@code ALL}) are not changed. Below national:
 * <ul>
 *   <li>counts from 1 to 7 are suppressed (null, and the row's {@code suppressed} flag set), others rounded to
 *   the nearest 5, zero stays zero; rollup rows are rounded from their own unrounded values;</li>
 *   <li>a statistic is null where a count it rests on is 1 to 7; a mean of whole days is rounded to a whole day
 *   (at full precision, the mean times its base gives the rounded base back: {@code PublishedColumn.meanOfWholeDays});</li>
 *   <li>a rate is recomputed from the rounded numerator and denominator (null where either is suppressed);</li>
 *   <li>money and hours are null on any suppressed row, and otherwise take their declared form: national-only
 *   totals are null, means need 8 or more behind them, a count times a factor uses the rounded count;</li>
 *   <li>a model output needs every count it rests on to be at least 8.</li>
 * </ul>
 * Two rules look past the row, because national rows are exact and national less the other regions is a
 * subtraction a reader can do:
 * <ul>
 *   <li>every table: a count whose national total is 1 to 7 is hidden in every row below national of its line,
 *   zeros included ({@link SmallNationalTotals}); lines lie within a period, so a table's recomputed periods can
 *   still be controlled alone;</li>
 *   <li>{@code equity}, recomputed whole every night, whose smallest cells are regions, first gets secondary
 *   suppression over the whole table ({@link SecondarySuppression}: a complementary cell, zeros included, in every
 *   line with a single suppressed cell, and zero rows for the regions a line lacks).</li>
 * </ul>
 */
public final class DisclosureControl {

    public static final String SUPPRESSED = PublishedTables.SUPPRESSED;
    /** Below national, a mean or model output needs at least this many people or events behind it. */
    public static final int MINIMUM_BASE = 8;

    private DisclosureControl() {
    }

    public static Column isNational() {
        return col(Rollups.REGION).equalTo(Rollups.ALL).and(col(Rollups.SITE_ID).equalTo(Rollups.ALL));
    }

    /** National rows of a table with {@code columns}: without site_id (equity: no site rows), region ALL. */
    public static Column isNational(List<String> columns) {
        return columns.contains(Rollups.SITE_ID) ? isNational() : col(Rollups.REGION).equalTo(Rollups.ALL);
    }

    /** Whether a count is suppressed as such (1 to 7; null counts are not): the primary suppression. */
    static Column primarySuppressed(Column count) {
        return coalesce(count.between(1, 7), lit(false));
    }

    /** A count's published value below national: 1..7 null, else the nearest multiple of 5. */
    static Column controlledCount(Column count) {
        return when(count.between(1, 7), lit(null).cast("long"))
                .otherwise(round(count.cast("double").divide(5)).multiply(5).cast("long"));
    }

    /** The published form of a controlled mart, by its name in {@link PublishedTables#CONTROLLED}. */
    public static Dataset<Row> publish(String mart, Dataset<Row> rows) {
        PublishedTable table = PublishedTables.CONTROLLED.get(mart);
        if (table == null) {
            throw new IllegalArgumentException("Cannot publish " + mart + ": no disclosure declaration in PublishedTables");
        }
        if (mart.equals(PublishedTables.ROLLOUT_IMPACT.name())) {
            return SiteEffects.summariesFromPublishedQuarters(apply(SiteEffects.quartersFromRoundedCounts(rows), table));
        }
        return apply(rows, table);
    }

    /**
     * Controls {@code mart} column by column as {@code table} declares.
     *
     * @throws IllegalStateException when a column of the mart has no declared class
     */
    public static Dataset<Row> apply(Dataset<Row> mart, PublishedTable table) {
        List<String> undeclared = new ArrayList<>();
        for (String c : mart.columns()) {
            if (table.column(c) == null) {
                undeclared.add(c);
            }
        }
        if (!undeclared.isEmpty()) {
            throw new IllegalStateException("Cannot publish " + table.name() + ": no disclosure class for "
                    + undeclared + "; declare each in PublishedTables");
        }
        Dataset<Row> flagged = SecondarySuppression.complements(mart, table);
        return controlled(SmallNationalTotals.flag(flagged, table), table, List.of(mart.columns()));
    }

    /**
     * The control itself. {@code mart} has a {@link SecondarySuppression#flag} column per count (from
     * {@link SmallNationalTotals}, and {@link SecondarySuppression} for equity): a flagged count is null like a
     * count of 1..7, and so is every statistic or model output resting on it; the flag columns are not in the
     * result.
     */
    private static Dataset<Row> controlled(Dataset<Row> mart, PublishedTable table, List<String> columns) {
        List<String> present = columns;
        Column national = isNational(present);
        Map<String, Column> published = new LinkedHashMap<>();
        Column rowSuppressed = lit(false);
        for (String c : table.named(DisclosureClass.COUNT)) {
            if (present.contains(c)) {
                // an expected count (a sum of shares, costs.escorts_avoided) is rounded to a whole number below
                // national and then controlled like any count; national rows are not changed
                org.apache.spark.sql.types.DataType type = mart.schema().apply(c).dataType();
                boolean integral = type.equals(org.apache.spark.sql.types.DataTypes.LongType)
                        || type.equals(org.apache.spark.sql.types.DataTypes.IntegerType)
                        || type.equals(org.apache.spark.sql.types.DataTypes.ShortType)
                        || type.equals(org.apache.spark.sql.types.DataTypes.ByteType);
                Column whole = integral ? col(c) : round(col(c), 0).cast("long");
                // back to the mart's type: the published table has its declared schema (a decimal expected count
                // would otherwise widen to decimal(30,10) beside the long)
                Column controlled = controlledCount(whole).cast(type);
                Column complement = col(SecondarySuppression.flag(c));
                controlled = when(complement, lit(null).cast(type)).otherwise(controlled);
                rowSuppressed = rowSuppressed.or(complement);
                published.put(c, when(national, col(c)).otherwise(controlled));
                rowSuppressed = rowSuppressed.or(primarySuppressed(whole));
            }
        }
        for (PublishedColumn c : table.columns()) {
            if (!present.contains(c.name())) {
                continue;
            }
            Column value = switch (c.disclosure()) {
                case DIMENSION, REFERENCE, COUNT -> null;
                // a mean of whole days to whole days: at full precision it gives its base back exactly
                // (PublishedColumn.meanOfWholeDays)
                case STATISTIC -> when(not(anyIn1to7(c.restsOn(), present))
                        .and(not(anyComplemented(c.restsOn(), present))),
                        c.wholeBelowNational() ? round(col(c.name()), 0) : col(c.name()));
                case RATE -> recomputedRate(c, published, present);
                case MONEY -> when(not(rowSuppressed), money(c, published, mart.schema().apply(c.name()).dataType()));
                case MODEL_OUTPUT -> when(allAtLeastMinimum(c.restsOn(), present)
                        .and(not(anyComplemented(c.restsOn(), present))), col(c.name()));
            };
            if (value != null) {
                published.put(c.name(), when(national, col(c.name())).otherwise(value));
            }
        }
        List<Column> out = new ArrayList<>();
        for (String c : columns) {
            out.add(published.containsKey(c) ? published.get(c).as(c) : col(c));
        }
        out.add(when(national, lit(false)).otherwise(rowSuppressed).as(SUPPRESSED));
        return mart.select(out.toArray(Column[]::new));
    }

    private static Column money(PublishedColumn c, Map<String, Column> published, DataType type) {
        return switch (c.money()) {
            case NATIONAL_ONLY -> lit(null).cast(type);
            case NOT_FROM_PEOPLE -> col(c.name());
            case MEAN -> when(allAtLeast(c.restsOn()), col(c.name()));
            case ROUNDED_COUNT_TIMES_FACTOR -> published.get(c.restsOn().get(0)).cast("decimal(18,0)")
                    .multiply(col(c.factor())).cast(type);
        };
    }

    private static Column recomputedRate(PublishedColumn r, Map<String, Column> published, List<String> present) {
        Column numerator = published.getOrDefault(r.restsOn().get(0), col(r.restsOn().get(0)));
        Column denominator = lit(0L);
        for (String part : r.denominators()) {
            if (present.contains(part)) {
                denominator = denominator.plus(published.getOrDefault(part, col(part)));
            }
        }
        Column recomputed = when(numerator.isNotNull().and(denominator.isNotNull()).and(denominator.notEqual(0)),
                numerator.cast("double").multiply(r.scale()).divide(denominator));
        return r.whereSet() ? when(col(r.name()).isNotNull(), recomputed) : recomputed;
    }

    /** Whether any of {@code counts} is suppressed as a complement ({@link SecondarySuppression}). */
    private static Column anyComplemented(List<String> counts, List<String> present) {
        Column any = lit(false);
        for (String n : counts) {
            if (present.contains(n)) {
                any = any.or(col(SecondarySuppression.flag(n)));
            }
        }
        return any;
    }

    private static Column anyIn1to7(List<String> counts, List<String> present) {
        Column any = lit(false);
        for (String n : counts) {
            if (present.contains(n)) {
                any = any.or(primarySuppressed(col(n)));
            }
        }
        return any;
    }

    /** Every count at least {@link #MINIMUM_BASE}; counts the row leaves null (not applicable) do not count. */
    private static Column allAtLeastMinimum(List<String> counts, List<String> present) {
        Column all = lit(true);
        for (String n : counts) {
            if (present.contains(n)) {
                all = all.and(coalesce(col(n).geq(MINIMUM_BASE), lit(true)));
            }
        }
        return all;
    }

    private static Column allAtLeast(List<String> counts) {
        Column all = lit(true);
        for (String n : counts) {
            all = all.and(col(n).geq(MINIMUM_BASE));
        }
        return all;
    }
}
