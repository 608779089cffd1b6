package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * Reporting periods shared by every mart: calendar months ({@code 2026-11}) and NHS financial-year quarters
 * ({@code 2026-27 Q3} = October-December 2026; Q4 is January-March of the next calendar year).
 */
public final class Periods {

    public static final String PERIOD_TYPE = "period_type";
    public static final String PERIOD_START = "period_start";
    public static final String PERIOD_LABEL = "period_label";
    public static final String MONTH = "month";
    public static final String QUARTER = "quarter";

    private Periods() {
    }

    /** First day of the month containing a date. */
    public static Column monthStart(Column date) {
        return trunc(date, "month");
    }

    /** First day of the financial quarter containing a date: FY quarters start in Apr, Jul, Oct and Jan, as calendar quarters do. */
    public static Column quarterStart(Column date) {
        return trunc(date, "quarter");
    }

    /** Last day of a period given its type and start. */
    public static Column periodEnd(Column periodType, Column periodStart) {
        return when(periodType.equalTo(MONTH), last_day(periodStart))
                .otherwise(date_sub(add_months(periodStart, 3), 1));
    }

    /** {@code 2026-11} for a month start. */
    public static Column monthLabel(Column monthStart) {
        return date_format(monthStart, "yyyy-MM");
    }

    /** {@code 2026-27 Q3} for a quarter start. */
    public static Column quarterLabel(Column quarterStart) {
        Column month = month(quarterStart);
        Column fyStart = year(quarterStart).minus(when(month.lt(4), 1).otherwise(0));
        Column nextTwoDigits = lpad(fyStart.plus(1).mod(100).cast("string"), 2, "0");
        Column quarter = month.plus(8).mod(12).divide(3).cast("int").plus(1);
        return concat(fyStart.cast("string"), lit("-"), nextTwoDigits, lit(" Q"), quarter.cast("string"));
    }

    /** Label of a period given its type and start. */
    public static Column label(Column periodType, Column periodStart) {
        return when(periodType.equalTo(MONTH), monthLabel(periodStart)).otherwise(quarterLabel(periodStart));
    }

    /** The month and the quarter containing a date, as an array of (period_type, period_start) to explode. */
    public static Column monthAndQuarterOf(Column date) {
        return array(
                struct(lit(MONTH).as(PERIOD_TYPE), monthStart(date).as(PERIOD_START)),
                struct(lit(QUARTER).as(PERIOD_TYPE), quarterStart(date).as(PERIOD_START)));
    }

    /** First day of the financial quarter containing a date (outside Spark, as {@link #quarterStart(Column)}). */
    public static java.time.LocalDate quarterStartOf(java.time.LocalDate d) {
        return java.time.LocalDate.of(d.getYear(), ((d.getMonthValue() - 1) / 3) * 3 + 1, 1);
    }

    /** {@code 2026-27 Q3} for any date in that quarter (outside Spark, as {@link #quarterLabel(Column)}). */
    public static String quarterLabelOf(java.time.LocalDate d) {
        int fyStart = d.getMonthValue() < 4 ? d.getYear() - 1 : d.getYear();
        int quarter = (d.getMonthValue() + 8) % 12 / 3 + 1;
        return String.format("%d-%02d Q%d", fyStart, (fyStart + 1) % 100, quarter);
    }

    /** Adds period_label from period_type and period_start. */
    public static Column labelColumn() {
        return label(col(PERIOD_TYPE), col(PERIOD_START)).as(PERIOD_LABEL);
    }

    /**
     * True for days on or after {@code fromQuarter}, the first day of the periods a run recomputes; true for
     * every day when it is null (a full computation).
     */
    public static Column onOrAfter(Column day, java.time.LocalDate fromQuarter) {
        return fromQuarter == null ? lit(true) : day.geq(lit(java.sql.Date.valueOf(requireQuarterStart(fromQuarter))));
    }

    /**
     * The months and the quarters from the one containing {@code from} to the one containing {@code to}, as an
     * array of struct(period_type, period_start) to explode; empty when {@code from} is after {@code to}'s
     * period or either is null.
     */
    public static Column periodsBetween(Column from, Column to) {
        return concat(startsBetween(from, to, MONTH, "month", 1), startsBetween(from, to, QUARTER, "quarter", 3));
    }

    private static Column startsBetween(Column from, Column to, String type, String unit, int months) {
        Column first = trunc(from, unit);
        Column last = trunc(to, unit);
        Column starts = when(first.leq(last), sequence(first, last, expr("make_interval(0, " + months + ")")))
                .otherwise(array().cast("array<date>"));
        return transform(starts, s -> struct(lit(type).as(PERIOD_TYPE), s.as(PERIOD_START)));
    }

    /** A window of periods starts on a quarter's first day, so it holds whole months and whole quarters. */
    public static java.time.LocalDate requireQuarterStart(java.time.LocalDate d) {
        if (!quarterStartOf(d).equals(d)) {
            throw new IllegalArgumentException("Not the first day of a quarter: " + d);
        }
        return d;
    }
}
