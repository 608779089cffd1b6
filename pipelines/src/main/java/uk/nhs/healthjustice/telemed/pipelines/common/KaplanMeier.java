package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Exact Kaplan-Meier estimator on whole days (Hipparchus 3.1 has none). The survival estimate after day t is
 * S(t) = product over event days t_i <= t of (n_i - d_i) / n_i, where d_i is the number of events on t_i and
 * n_i the number still at risk on t_i: every subject whose time (event or censoring) is on or after t_i; a
 * subject censored on an event day is at risk on that day (the usual convention: events come first). The
 * median is the first event day with S(t) <= 1/2, null when the curve never falls that far. Products are kept
 * as exact fractions (BigInteger), so S = 1/2 exactly is recognised.
 *
 * <p>The input is bounded by distinct days, not by subjects: one {@link Step} per day with its counts of
 * events and censored subjects, as a Spark aggregation of counts per (group, day) yields it.
 */
public final class KaplanMeier {

    /** Field names of the struct the Spark column expects. */
    public static final String DAY = "day";
    public static final String EVENTS = "events";
    public static final String CENSORED = "censored";

    private KaplanMeier() {
    }

    /** The counts of one day: events (e.g. transfers) and censored subjects (closed or still open). */
    public record Step(int day, long events, long censored) {
    }

    /** An exact fraction num/den (both non-negative, den > 0). */
    public record Fraction(BigInteger num, BigInteger den) {
        public double doubleValue() {
            return new java.math.BigDecimal(num).divide(new java.math.BigDecimal(den), java.math.MathContext.DECIMAL64)
                    .doubleValue();
        }

        /** True when this fraction is at most 1/2. */
        public boolean atMostHalf() {
            return num.shiftLeft(1).compareTo(den) <= 0;
        }

        /** The same value as a/b in lowest terms. */
        public Fraction reduced() {
            BigInteger g = num.gcd(den);
            return g.signum() == 0 ? this : new Fraction(num.divide(g), den.divide(g));
        }
    }

    /**
     * The survival estimate after each event day, in day order (days with only censoring are not steps of the
     * curve). Steps may come in any order; several steps of one day are added together.
     */
    public static Map<Integer, Fraction> curve(List<Step> steps) {
        List<Step> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingInt(Step::day));
        long atRisk = 0;
        for (Step s : sorted) {
            if (s.events() < 0 || s.censored() < 0) {
                throw new IllegalArgumentException("Cannot estimate survival from negative counts: " + s);
            }
            atRisk += s.events() + s.censored();
        }
        Map<Integer, Fraction> out = new LinkedHashMap<>();
        BigInteger num = BigInteger.ONE;
        BigInteger den = BigInteger.ONE;
        int i = 0;
        while (i < sorted.size()) {
            int day = sorted.get(i).day();
            long events = 0;
            long censored = 0;
            while (i < sorted.size() && sorted.get(i).day() == day) {
                events += sorted.get(i).events();
                censored += sorted.get(i).censored();
                i++;
            }
            if (events > 0) {
                num = num.multiply(BigInteger.valueOf(atRisk - events));
                den = den.multiply(BigInteger.valueOf(atRisk));
                Fraction f = new Fraction(num, den).reduced();
                num = f.num();
                den = f.den();
                out.put(day, f);
            }
            atRisk -= events + censored;
        }
        return out;
    }

    /** The first event day at which the survival estimate is at most 1/2; null if it never is. */
    public static Integer median(List<Step> steps) {
        for (Map.Entry<Integer, Fraction> e : curve(steps).entrySet()) {
            if (e.getValue().atMostHalf()) {
                return e.getKey();
            }
        }
        return null;
    }

    private static final UserDefinedFunction MEDIAN_UDF = udf((UDF1<scala.collection.Seq<Row>, Integer>) rows -> {
        if (rows == null) {
            return null;
        }
        List<Step> steps = new ArrayList<>();
        scala.collection.Iterator<Row> it = rows.iterator();
        while (it.hasNext()) {
            Row r = it.next();
            steps.add(new Step(r.<Integer>getAs(DAY), r.<Long>getAs(EVENTS), r.<Long>getAs(CENSORED)));
        }
        return median(steps);
    }, DataTypes.IntegerType);

    /**
     * The Kaplan-Meier median per group, from one row per subject: counts per (group, day) first, then one
     * sorted array of (day, events, censored) per group, bounded by the distinct days, never by subjects.
     *
     * @param subjects one row per subject and group
     * @param keys     the group columns (by name); the result has them and {@code as}
     * @param day      whole days from the origin to the event or censoring
     * @param event    true for an event, false for a censored subject
     */
    public static Dataset<Row> mediansBy(Dataset<Row> subjects, List<String> keys, Column day, Column event,
                                         String as) {
        return mediansBy(subjects, keys, day, event, null, as);
    }

    /**
     * As {@link #mediansBy(Dataset, List, Column, Column, String)} from rows that each stand for
     * {@code subjects} subjects (counts already taken at a finer grain, e.g. before a rollup); null counts each
     * row once.
     *
     * @param subjects the number of subjects of a row (bigint, not null), or null for one per row
     */
    public static Dataset<Row> mediansBy(Dataset<Row> rows, List<String> keys, Column day, Column event,
                                         Column subjects, String as) {
        List<Column> dayKeys = new ArrayList<>();
        keys.forEach(k -> dayKeys.add(col(k)));
        dayKeys.add(day.cast("int").as(DAY));
        Column events = subjects == null ? count(when(event, 1))
                : coalesce(sum(when(event, subjects)), lit(0L));
        Column censored = subjects == null ? count(when(not(event), 1))
                : coalesce(sum(when(not(event), subjects)), lit(0L));
        Dataset<Row> perDay = rows.filter(day.isNotNull()).groupBy(dayKeys.toArray(Column[]::new))
                .agg(events.as(EVENTS), censored.as(CENSORED));
        List<Column> groupKeys = new ArrayList<>();
        keys.forEach(k -> groupKeys.add(col(k)));
        Dataset<Row> grouped = perDay.groupBy(groupKeys.toArray(Column[]::new))
                .agg(array_sort(collect_list(struct(col(DAY), col(EVENTS), col(CENSORED)))).as("_steps"));
        groupKeys.add(median(col("_steps")).as(as));
        return grouped.select(groupKeys.toArray(Column[]::new));
    }

    /**
     * The Kaplan-Meier median of an array of struct({@link #DAY} int, {@link #EVENTS} long, {@link #CENSORED}
     * long), one element per day; null for null or when the curve never falls to 1/2.
     */
    public static Column median(Column steps) {
        return MEDIAN_UDF.apply(steps);
    }
}
