package uk.nhs.healthjustice.telemed.pipelines.waiting;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Percentiles;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/waiting_times}: completed waits to first attendance and to clock stop (RTT), and the RTT
 * waiting list at each period end, by period x region x site x specialty x priority x modality group.
 *
 * <p>All rows, every rollup level and both measures come from one aggregation over one exploded frame:
 * each pathway contributes a "completed" fact per measure and an "incomplete" fact per period end it was
 * still waiting at.
 */
public final class WaitingTimes {

    public static final String MEASURE = "measure";
    public static final String FIRST_ATTENDANCE = "first_attendance";
    public static final String RTT = "rtt";
    public static final int WEEKS_18_DAYS = 126;
    public static final int WEEKS_52_DAYS = 364;

    private WaitingTimes() {
    }

    /**
     * @param pathways   from {@link Pathways#build}
     * @param lastPeriodDate the run date: waiting lists are produced for every period up to the one containing it
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, LocalDate lastPeriodDate) {
        return compute(pathways, null, lastPeriodDate);
    }

    /**
     * The rows of the periods that start on or after {@code fromQuarter} only (all periods when null): what a
     * full computation gives for those periods, from the pathways that complete or still wait in them.
     *
     * @param fromQuarter the first day of a quarter, or null
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, LocalDate fromQuarter, LocalDate lastPeriodDate) {
        Column lastDate = lit(java.sql.Date.valueOf(lastPeriodDate));
        Column referralDate = col("referral_date");
        Column stop = col("clock_stop_date");
        Column firstDate = col(Pathways.FIRST_ATTENDANCE_DATE);
        Column seenGroup = col(Modality.MODALITY_GROUP);

        Dataset<Row> base = pathways.select(col("region"), col("site_id"), col("specialty_code"), col("priority"),
                referralDate, stop, firstDate, seenGroup);
        Column from = fromQuarter == null ? null : lit(java.sql.Date.valueOf(Periods.requireQuarterStart(fromQuarter)));
        if (from != null) {
            // a pathway reaches the window if it completes in it or is still waiting when it starts
            base = base.filter(firstDate.geq(from).or(stop.isNull()).or(stop.geq(from)));
        }

        // Completed: first attendance (period of the attendance) and RTT (period of the clock stop).
        Dataset<Row> firstAttendance = base.filter(firstDate.isNotNull().and(Periods.onOrAfter(firstDate, fromQuarter)))
                .withColumn(MEASURE, lit(FIRST_ATTENDANCE))
                .withColumn("_event", firstDate)
                .withColumn("_wait", datediff(firstDate, referralDate))
                .withColumn("_group", seenGroup)
                .withColumn("_complete", lit(true));
        Dataset<Row> rttCompleted = base.filter(stop.isNotNull().and(Periods.onOrAfter(stop, fromQuarter)))
                .withColumn(MEASURE, lit(RTT))
                .withColumn("_event", stop)
                .withColumn("_wait", datediff(stop, referralDate))
                .withColumn("_group", seenOnOrBefore(stop))
                .withColumn("_complete", lit(true));
        Dataset<Row> completed = Rollups.periodsOf(firstAttendance.unionByName(rttCompleted), col("_event"));

        // Incomplete: at each month end and quarter end from the referral's period to the last period,
        // a pathway waits if it was referred by then and had no clock stop on or before that day. Periods
        // after the one containing the clock stop end after it, so they are not generated at all: the rows
        // follow the time pathways spent waiting, not the length of history.
        Column openUntil = least(lastDate, coalesce(stop, lastDate));
        Column openFrom = from == null ? referralDate : greatest(referralDate, from);
        Dataset<Row> incomplete = base
                .withColumn("_p", explode(array(
                        struct(lit(MONTH).as(PERIOD_TYPE), explode_starts(openFrom, openUntil, "month", 1)),
                        struct(lit(QUARTER).as(PERIOD_TYPE), explode_starts(openFrom, openUntil, "quarter", 3)))))
                .withColumn(PERIOD_TYPE, col("_p." + PERIOD_TYPE))
                .withColumn("_start", explode(col("_p.starts")))
                .withColumn(PERIOD_START, col("_start"))
                .withColumn("_end", periodEnd(col(PERIOD_TYPE), col(PERIOD_START)))
                .filter(stop.isNull().or(stop.gt(col("_end"))))
                .withColumn(MEASURE, lit(RTT))
                .withColumn("_wait", datediff(col("_end"), referralDate))
                .withColumn("_group", seenOnOrBefore(col("_end")))
                .withColumn("_complete", lit(false))
                .drop("_p", "_start", "_end");

        List<String> columns = List.of("region", "site_id", "specialty_code", "priority", MEASURE,
                PERIOD_TYPE, PERIOD_START, "_wait", "_group", "_complete");
        Dataset<Row> facts = select(completed, columns).unionByName(select(incomplete, columns))
                .withColumnRenamed("_group", Modality.MODALITY_GROUP);
        facts = Rollups.geography(facts);
        facts = Rollups.withAll(facts, "specialty_code", "priority", Modality.MODALITY_GROUP);

        Column complete = col("_complete");
        Column wait = col("_wait");
        Column completedWait = when(complete, wait);
        Column incompleteWait = when(not(complete), wait);
        List<Column> keys = Rollups.keyColumns("specialty_code", "priority", Modality.MODALITY_GROUP, MEASURE);
        Dataset<Row> agg = facts.groupBy(keys.toArray(Column[]::new)).agg(
                count(completedWait).as("completed_pathways"),
                Percentiles.sortedValues(completedWait).as("_done"),
                avg(completedWait).as("mean_wait_days"),
                count(when(complete.and(wait.leq(WEEKS_18_DAYS)), 1)).as("completed_within_18_weeks"),
                count(incompleteWait).as("incomplete_pathways"),
                count(when(not(complete).and(wait.gt(WEEKS_18_DAYS)), 1)).as("incomplete_over_18_weeks"),
                count(when(not(complete).and(wait.gt(WEEKS_52_DAYS)), 1)).as("incomplete_over_52_weeks"),
                Percentiles.sortedValues(incompleteWait).as("_waiting"));

        Column isRtt = col(MEASURE).equalTo(RTT);
        return agg.select(
                col(PERIOD_TYPE), col(PERIOD_START), labelColumn(),
                col("region"), col("site_id"), col("specialty_code"), col("priority"),
                col(Modality.MODALITY_GROUP), col(MEASURE),
                col("completed_pathways"),
                Percentiles.nearestRank(col("_done"), 50).as("median_wait_days"),
                Percentiles.nearestRank(col("_done"), 92).as("p92_wait_days"),
                col("mean_wait_days"),
                col("completed_within_18_weeks"),
                when(col("completed_pathways").gt(0),
                        col("completed_within_18_weeks").multiply(100.0).divide(col("completed_pathways")))
                        .as("pct_within_18_weeks"),
                when(isRtt, col("incomplete_pathways")).as("incomplete_pathways"),
                when(isRtt, col("incomplete_over_18_weeks")).as("incomplete_over_18_weeks"),
                when(isRtt, col("incomplete_over_52_weeks")).as("incomplete_over_52_weeks"),
                when(isRtt, Percentiles.nearestRank(col("_waiting"), 92)).as("incomplete_p92_wait_days"));
    }

    /** The modality group of the first attendance if it was on or before {@code day}, else not_seen. */
    private static Column seenOnOrBefore(Column day) {
        return when(col(Pathways.FIRST_ATTENDANCE_DATE).leq(day), col(Modality.MODALITY_GROUP))
                .otherwise(lit(Modality.NOT_SEEN));
    }

    /** Period starts (as a field "starts") from the period of {@code from} to the period of {@code to}. */
    private static Column explode_starts(Column from, Column to, String unit, int months) {
        Column first = trunc(from, unit);
        Column last = trunc(to, unit);
        return when(first.leq(last), sequence(first, last, expr("make_interval(0, " + months + ")")))
                .otherwise(array().cast("array<date>")).as("starts");
    }

    private static Dataset<Row> select(Dataset<Row> ds, List<String> columns) {
        List<Column> cols = new ArrayList<>();
        columns.forEach(c -> cols.add(col(c)));
        return ds.select(cols.toArray(Column[]::new));
    }
}
