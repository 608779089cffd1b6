package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * NHS Digital's disclosure control method for hospital statistics (2018), applied to a mart for dashboards:
 * national rows (region and site_id {@code ALL}) are not changed; below national every count from 1 to 7 is
 * suppressed (null, and the row's {@code suppressed} flag set) and every other count rounded to the nearest 5
 * (zero stays zero); a statistic resting on 1 to 7 individuals is suppressed; rates are recomputed from the
 * rounded numerator and denominator. Rollup rows are rounded from their own unrounded values, so rows need
 * not add up. Model outputs are not controlled.
 */
public final class DisclosureControl {

    public static final String SUPPRESSED = "suppressed";

    private DisclosureControl() {
    }

    public static Column isNational() {
        return col(Rollups.REGION).equalTo(Rollups.ALL).and(col(Rollups.SITE_ID).equalTo(Rollups.ALL));
    }

    /** A count's published value below national: 1..7 null, else the nearest multiple of 5. */
    static Column controlledCount(Column count) {
        return when(count.between(1, 7), lit(null).cast("long"))
                .otherwise(round(count.cast("double").divide(5)).multiply(5).cast("long"));
    }

    public static Dataset<Row> apply(Dataset<Row> mart, Disclosure d) {
        Column national = isNational();
        Map<String, Column> replaced = new LinkedHashMap<>();
        Column anySuppressed = lit(false);
        for (String c : d.counts()) {
            replaced.put(c, when(national, col(c)).otherwise(controlledCount(col(c))));
            anySuppressed = anySuppressed.or(coalesce(col(c).between(1, 7), lit(false)));
        }
        for (Map.Entry<String, List<String>> s : d.statistics().entrySet()) {
            Column restsOnFew = lit(false);
            for (String n : s.getValue()) {
                restsOnFew = restsOnFew.or(coalesce(col(n).between(1, 7), lit(false)));
            }
            replaced.put(s.getKey(), when(national.or(not(restsOnFew)), col(s.getKey())));
            anySuppressed = anySuppressed.or(restsOnFew.and(col(s.getKey()).isNotNull()));
        }
        for (Disclosure.Rate r : d.rates()) {
            Column numerator = replaced.getOrDefault(r.numerator(), col(r.numerator()));
            Column denominator = lit(0L);
            for (String part : r.denominators()) {
                denominator = denominator.plus(replaced.getOrDefault(part, col(part)));
            }
            Column recomputed = when(numerator.isNotNull().and(denominator.isNotNull()).and(denominator.notEqual(0)),
                    numerator.cast("double").multiply(r.scale()).divide(denominator));
            if (r.onlyWhereSet()) {
                recomputed = when(col(r.column()).isNotNull(), recomputed);
            }
            replaced.put(r.column(), when(national, col(r.column())).otherwise(recomputed));
        }
        List<Column> out = new ArrayList<>();
        for (String c : mart.columns()) {
            out.add(replaced.containsKey(c) ? replaced.get(c).as(c) : col(c));
        }
        out.add(when(national, lit(false)).otherwise(anySuppressed).as(SUPPRESSED));
        return mart.select(out.toArray(Column[]::new));
    }
}
