package uk.nhs.healthjustice.telemed.pipelines.waiting;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.DayHistogram;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/waiting_times}: completed waits to first attendance and to clock stop (RTT), and the RTT
 * waiting list at each period end, by period x region x site x specialty x priority x modality group.
 *
 * <p>RTT clock rules (METRICS.md version 2): only {@link #COMPLETING_REASONS} complete a pathway;
 * {@link #REMOVAL_REASONS} ({@code released}, {@code transferred_out}, {@code died}) are removals, which are
 * no completed pathway and have no completed wait, but take the pathway off the waiting list from the day of
 * the removal, as a completion does.
 *
 * <p>All rows, every rollup level and both measures come from one frame of facts, counted once per wait day
 * at the finest grain and rolled up by adding those counts ({@link DayHistogram}; percentiles stay exact):
 * each pathway contributes a "completed" fact per measure, an "incomplete" fact per period end it was
 * still waiting at, a "start" fact in the period of its referral date and a removal fact in the period of
 * its removal; every fact takes the modality group of the first attendance on or before its own day.
 */
public final class WaitingTimes {

    public static final String MEASURE = "measure";
    public static final String FIRST_ATTENDANCE = "first_attendance";
    public static final String RTT = "rtt";
    public static final int WEEKS_18_DAYS = 126;
    public static final int WEEKS_52_DAYS = 364;
    public static final int WEEKS_65_DAYS = 455;
    public static final int WEEKS_78_DAYS = 546;
    public static final int WEEKS_104_DAYS = 728;
    /** Clock stop reasons that complete a pathway (a treatment or a non-treatment decision). */
    public static final List<String> COMPLETING_REASONS = List.of("first_treatment", "decision_not_to_treat",
            "patient_declined");
    /** Clock stop reasons that remove a pathway from this provider's list without completing it. */
    public static final String RELEASED = "released";
    public static final String TRANSFERRED_OUT = "transferred_out";
    public static final String DIED = "died";
    public static final List<String> REMOVAL_REASONS = List.of(RELEASED, TRANSFERRED_OUT, DIED);

    /** Kinds of fact in the exploded frame. */
    private static final String COMPLETED = "completed";
    private static final String WAITING = "waiting";
    private static final String START = "start";

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
        Column reason = col("clock_stop_reason");
        Column firstDate = col(Pathways.FIRST_ATTENDANCE_DATE);
        Column seenGroup = col(Modality.MODALITY_GROUP);

        Dataset<Row> base = pathways.select(col("region"), col("site_id"), col("specialty_code"), col("priority"),
                referralDate, stop, reason, firstDate, seenGroup);
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
                .withColumn("_kind", lit(COMPLETED));
        // RTT events in the period of their day: a completing clock stop (with its wait), a removal (no wait:
        // it is in no completed-wait statistic) and the clock start (referral date).
        Column completing = reason.isin(COMPLETING_REASONS.toArray());
        Dataset<Row> rttStops = base.filter(stop.isNotNull().and(Periods.onOrAfter(stop, fromQuarter))
                        .and(completing.or(reason.isin(REMOVAL_REASONS.toArray()))))
                .withColumn(MEASURE, lit(RTT))
                .withColumn("_event", stop)
                .withColumn("_wait", when(completing, datediff(stop, referralDate)))
                .withColumn("_group", seenOnOrBefore(stop))
                .withColumn("_kind", when(completing, lit(COMPLETED)).otherwise(reason));
        Dataset<Row> clockStarts = base.filter(Periods.onOrAfter(referralDate, fromQuarter))
                .withColumn(MEASURE, lit(RTT))
                .withColumn("_event", referralDate)
                .withColumn("_wait", lit(null).cast("int"))
                .withColumn("_group", seenOnOrBefore(referralDate))
                .withColumn("_kind", lit(START));
        Dataset<Row> completed = Rollups.periodsOf(firstAttendance.unionByName(rttStops).unionByName(clockStarts),
                col("_event"));

        // Incomplete: at each month end and quarter end from the referral's period to the last period,
        // a pathway waits if it was referred by then and had no clock stop (completing or removal) on or
        // before that day. Periods
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
                .withColumn("_kind", lit(WAITING))
                .drop("_p", "_start", "_end");

        List<String> columns = List.of("region", "site_id", "specialty_code", "priority", MEASURE,
                PERIOD_TYPE, PERIOD_START, "_wait", "_group", "_kind");
        Dataset<Row> facts = select(completed, columns).unionByName(select(incomplete, columns))
                .withColumnRenamed("_group", Modality.MODALITY_GROUP);

        // Counts per wait day at the finest grain, then every rollup level by adding those counts: each
        // statistic below is a count, a sum or a percentile of waits, all of which follow from the
        // histogram, so no fact is repeated per level and no wait is collected one by one.
        List<String> fine = new ArrayList<>(columns);
        fine.set(fine.indexOf("_group"), Modality.MODALITY_GROUP);
        Dataset<Row> counts = DayHistogram.countBy(facts, fine);
        counts = Rollups.geography(counts);
        counts = Rollups.withAll(counts, "specialty_code", "priority", Modality.MODALITY_GROUP);
        List<String> keyNames = List.of(PERIOD_TYPE, PERIOD_START, Rollups.REGION, Rollups.SITE_ID,
                "specialty_code", "priority", Modality.MODALITY_GROUP, MEASURE);
        List<String> rolledUp = new ArrayList<>(keyNames);
        rolledUp.addAll(List.of("_kind", "_wait"));
        counts = DayHistogram.sumBy(counts, rolledUp);

        Column kind = col("_kind");
        Column complete = kind.equalTo(COMPLETED);
        Column waiting = kind.equalTo(WAITING);
        Column wait = col("_wait");
        Column completedWait = when(complete, wait);
        Column incompleteWait = when(waiting, wait);
        // the percentiles from running counts by wait day within each rollup key (no array per key)
        DayHistogram.Series done = new DayHistogram.Series("_done", completedWait.isNotNull());
        DayHistogram.Series stillWaiting = new DayHistogram.Series("_waiting", incompleteWait.isNotNull());
        counts = DayHistogram.withRunningCounts(counts, keyNames, "_wait", List.of(done, stillWaiting));
        Column completedCount = DayHistogram.countWhere(completedWait.isNotNull());
        // grouped by the window's own keys, so the rows stay where the window's shuffle put them
        Dataset<Row> agg = counts.groupBy(keyNames.stream().map(k -> col(k)).toArray(Column[]::new)).agg(
                completedCount.as("completed_pathways"),
                DayHistogram.nearestRank(done, "_wait", 50).as("median_wait_days"),
                DayHistogram.nearestRank(done, "_wait", 92).as("p92_wait_days"),
                // sum / count in doubles of exact whole sums: the value avg gives
                when(completedCount.gt(0), DayHistogram.sumWhere(completedWait).cast("double")
                        .divide(completedCount.cast("double"))).as("mean_wait_days"),
                DayHistogram.countWhere(complete.and(wait.leq(WEEKS_18_DAYS))).as("completed_within_18_weeks"),
                DayHistogram.countWhere(incompleteWait.isNotNull()).as("incomplete_pathways"),
                DayHistogram.countWhere(waiting.and(wait.leq(WEEKS_18_DAYS))).as("incomplete_within_18_weeks"),
                DayHistogram.countWhere(waiting.and(wait.gt(WEEKS_18_DAYS))).as("incomplete_over_18_weeks"),
                DayHistogram.countWhere(waiting.and(wait.gt(WEEKS_52_DAYS))).as("incomplete_over_52_weeks"),
                DayHistogram.countWhere(waiting.and(wait.gt(WEEKS_65_DAYS))).as("incomplete_over_65_weeks"),
                DayHistogram.countWhere(waiting.and(wait.gt(WEEKS_78_DAYS))).as("incomplete_over_78_weeks"),
                DayHistogram.countWhere(waiting.and(wait.gt(WEEKS_104_DAYS))).as("incomplete_over_104_weeks"),
                DayHistogram.nearestRank(stillWaiting, "_wait", 92).as("incomplete_p92_wait_days"),
                DayHistogram.nearestRank(stillWaiting, "_wait", 50).as("incomplete_median_wait_days"),
                DayHistogram.countWhere(kind.equalTo(START)).as("new_clock_starts"),
                DayHistogram.countWhere(kind.equalTo(RELEASED)).as("removed_released"),
                DayHistogram.countWhere(kind.equalTo(TRANSFERRED_OUT)).as("removed_transferred_out"),
                DayHistogram.countWhere(kind.equalTo(DIED)).as("removed_died"));

        Column isRtt = col(MEASURE).equalTo(RTT);
        Column removalsAndCompleted = col("completed_pathways").plus(col("removed_released"))
                .plus(col("removed_transferred_out")).plus(col("removed_died"));
        return agg.select(
                col(PERIOD_TYPE), col(PERIOD_START), labelColumn(),
                col("region"), col("site_id"), col("specialty_code"), col("priority"),
                col(Modality.MODALITY_GROUP), col(MEASURE),
                col("completed_pathways"),
                col("median_wait_days"),
                col("p92_wait_days"),
                col("mean_wait_days"),
                col("completed_within_18_weeks"),
                when(col("completed_pathways").gt(0),
                        col("completed_within_18_weeks").multiply(100.0).divide(col("completed_pathways")))
                        .as("pct_within_18_weeks"),
                when(isRtt, col("incomplete_pathways")).as("incomplete_pathways"),
                when(isRtt, col("incomplete_over_18_weeks")).as("incomplete_over_18_weeks"),
                when(isRtt, col("incomplete_over_52_weeks")).as("incomplete_over_52_weeks"),
                when(isRtt, col("incomplete_p92_wait_days")).as("incomplete_p92_wait_days"),
                when(isRtt, col("incomplete_median_wait_days")).as("incomplete_median_wait_days"),
                when(isRtt, col("incomplete_within_18_weeks")).as("incomplete_within_18_weeks"),
                when(isRtt.and(col("incomplete_pathways").gt(0)),
                        col("incomplete_within_18_weeks").multiply(100.0).divide(col("incomplete_pathways")))
                        .as("pct_incomplete_within_18_weeks"),
                when(isRtt, col("incomplete_over_65_weeks")).as("incomplete_over_65_weeks"),
                when(isRtt, col("incomplete_over_78_weeks")).as("incomplete_over_78_weeks"),
                when(isRtt, col("incomplete_over_104_weeks")).as("incomplete_over_104_weeks"),
                when(isRtt, col("new_clock_starts")).as("new_clock_starts"),
                when(isRtt, col("removed_released")).as("removed_released"),
                when(isRtt, col("removed_transferred_out")).as("removed_transferred_out"),
                when(isRtt, col("removed_died")).as("removed_died"),
                when(isRtt.and(removalsAndCompleted.gt(0)),
                        col("removed_released").cast("double").divide(removalsAndCompleted))
                        .as("released_before_treatment_rate"));
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
