package uk.nhs.healthjustice.telemed.pipelines.mha;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.DayHistogram;
import uk.nhs.healthjustice.telemed.pipelines.common.KaplanMeier;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/mha_transfers}: Mental Health Act transfers from prison to hospital (s47/s48), as cohorts by
 * the period of the referral date (day 0 of the 28-day transfer period, split by NHS England's 2021 guidance
 * into referral to first assessment and first assessment to transfer, 14 days each).
 *
 * <p>Days are calendar-day differences: a transfer on day 28 (referral date + 28) is within 28 days, day 29
 * is not.
 *
 * <p>Version 2 (METRICS.md): every status is taken <b>as at</b> the last day of the period, or the run date
 * if that is earlier, from the dated fields and never from today's {@code outcome}: a case is assessed if its
 * {@code first_assessment_date} is on or before that day (and only then has a first-assessment modality: an
 * unassessed case counts on {@code ALL} rows only), transferred if its {@code transfer_date} is, closed if it
 * closed without transfer by then, and open otherwise. A case closed without transfer ({@code not_detainable},
 * {@code withdrawn}, {@code released}) closes on its {@code closed_date} or, where that column is absent or
 * null, on the London date of its curated {@code record_updated_at}. A case with no {@code transfer_date} is
 * not transferred, whatever its outcome says.
 *
 * <ul>
 *   <li>{@code open_over_28_days} is a stock at the as-at day, not a cohort count: the cases of any referral
 *   period still open then and referred more than 28 days before it.</li>
 *   <li>{@code km_median_days_to_transfer} is the Kaplan-Meier median of days from referral to transfer over the
 *   row's cohort, with every transfer up to the run date an event and the other cases censored on their
 *   closing day (closed without transfer) or on the run date (still open); null when the curve never falls to
 *   0.5 (see {@link KaplanMeier}). Unlike the other columns it uses all follow-up to the run date: that is what
 *   removes the bias of a median of the transferred cases only.</li>
 * </ul>
 *
 * <p>The mart is recomputed in full every night (it is not a windowed period mart), so the as-at status of
 * every period is right for the run date given.
 */
public final class MhaTransfers {

    public static final String MODALITY = "first_assessment_modality";
    /** Outcomes that close a case without transfer. */
    public static final List<String> CLOSED_WITHOUT_TRANSFER = List.of("not_detainable", "withdrawn", "released");
    public static final int TRANSFER_DAYS = 28;

    private static final String COHORT = "cohort";
    private static final String STOCK = "stock";

    private MhaTransfers() {
    }

    /**
     * @param cases   curated {@code mha_assessments} (with {@code record_updated_at}; {@code closed_date} optional)
     * @param sites   site register with {@code site_id} and {@code region}
     * @param runDate the run date: no period is taken as at a later day, and the last period is as at this day
     */
    public static Dataset<Row> compute(Dataset<Row> cases, Dataset<Row> sites, LocalDate runDate) {
        Column run = lit(java.sql.Date.valueOf(runDate));
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col("region"));
        Column referral = col("referral_date");
        Column updatedDay = LondonTime.londonDate(col("record_updated_at"));
        Column closedDay = Arrays.asList(cases.columns()).contains("closed_date")
                ? coalesce(col("closed_date"), updatedDay) : updatedDay;
        Dataset<Row> base = cases.join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .select(col("region"), col("site_id"), referral,
                        col("first_assessment_date").as("_first_day"), col(MODALITY).as("_modality"),
                        col("transfer_date").as("_transfer_day"),
                        when(col("transfer_date").isNull().and(col("outcome").isin(CLOSED_WITHOUT_TRANSFER.toArray())),
                                closedDay).as("_closed_day"))
                .filter(referral.leq(run))
                // the day the case stopped being open: transfer or closing (least skips nulls)
                .withColumn("_left_day", least(col("_transfer_day"), col("_closed_day")));

        Column asAt = col("_as_at");
        Column assessed = coalesce(col("_first_day").leq(asAt), lit(false));
        Column transferred = coalesce(col("_transfer_day").leq(asAt), lit(false));
        Column open = not(coalesce(col("_left_day").leq(asAt), lit(false)));

        // Cohort facts: each case in the month and quarter of its referral date.
        Column kmEvent = coalesce(col("_transfer_day").leq(run), lit(false));
        Dataset<Row> cohort = Rollups.periodsOf(base, referral)
                .withColumn("_as_at", least(periodEnd(col(PERIOD_TYPE), col(PERIOD_START)), run))
                .withColumn("_kind", lit(COHORT))
                .withColumn("_mod", when(assessed, col("_modality")))
                .withColumn("_to_first", when(assessed, datediff(col("_first_day"), referral)))
                .withColumn("_transferred", transferred)
                .withColumn("_first_to_transfer", when(transferred, datediff(col("_transfer_day"), col("_first_day"))))
                .withColumn("_to_transfer", when(transferred, datediff(col("_transfer_day"), referral)))
                .withColumn("_open", open)
                .withColumn("_km_event", kmEvent)
                .withColumn("_km_day", when(kmEvent, datediff(col("_transfer_day"), referral))
                        .otherwise(datediff(least(coalesce(col("_closed_day"), run), run), referral)));

        // Stock facts: each case at every period end (or the run date) at which it was open and more than 28
        // days after referral, whatever its referral period.
        Column overFrom = date_add(referral, TRANSFER_DAYS + 1);
        Column openUntil = least(run, date_sub(col("_left_day"), 1));
        Dataset<Row> stock = base
                .withColumn("_p", explode(Periods.periodsBetween(overFrom, openUntil)))
                .withColumn(PERIOD_TYPE, col("_p." + PERIOD_TYPE))
                .withColumn(PERIOD_START, col("_p." + PERIOD_START))
                .drop("_p")
                .withColumn("_as_at", least(periodEnd(col(PERIOD_TYPE), col(PERIOD_START)), run))
                .filter(asAt.geq(overFrom).and(open))
                .withColumn("_kind", lit(STOCK))
                .withColumn("_mod", when(assessed, col("_modality")))
                .withColumn("_to_first", lit(null).cast("int"))
                .withColumn("_transferred", lit(false))
                .withColumn("_first_to_transfer", lit(null).cast("int"))
                .withColumn("_to_transfer", lit(null).cast("int"))
                .withColumn("_open", lit(true))
                .withColumn("_km_event", lit(false))
                .withColumn("_km_day", lit(null).cast("int"));

        List<String> columns = List.of("region", "site_id", PERIOD_TYPE, PERIOD_START, "_kind", "_mod", "_to_first",
                "_transferred", "_first_to_transfer", "_to_transfer", "_open", "_km_event", "_km_day");
        Column[] select = columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        // Facts counted once per distinct (site, period, status, days...) before the rollup levels: every
        // statistic is a count or a percentile of whole days, so the levels add counts (DayHistogram).
        Dataset<Row> facts = DayHistogram.countBy(cohort.select(select).unionByName(stock.select(select)), columns);
        facts = Rollups.geography(facts);
        // a case not assessed by the as-at day has no modality: it counts on ALL rows only
        facts = facts.withColumn(MODALITY, explode(array(col("_mod"), lit(Rollups.ALL))))
                .filter(col(MODALITY).isNotNull());

        Column inCohort = col("_kind").equalTo(COHORT);
        Column toFirst = col("_to_first");
        Column toTransfer = col("_to_transfer");
        List<Column> keys = Rollups.keyColumns(MODALITY);
        Dataset<Row> agg = facts.groupBy(keys.toArray(Column[]::new)).agg(
                DayHistogram.countWhere(inCohort).as("cases_referred"),
                DayHistogram.countWhere(toFirst.isNotNull()).as("cases_assessed"),
                DayHistogram.histogram(toFirst).as("_first"),
                DayHistogram.countWhere(toFirst.leq(14)).as("first_assessment_within_14_days"),
                DayHistogram.countWhere(inCohort.and(col("_transferred"))).as("cases_transferred"),
                DayHistogram.histogram(col("_first_to_transfer")).as("_stage2"),
                DayHistogram.histogram(toTransfer).as("_whole"),
                DayHistogram.countWhere(toTransfer.leq(TRANSFER_DAYS)).as("transferred_within_28_days"),
                DayHistogram.countWhere(col("_kind").equalTo(STOCK)).as("open_over_28_days"),
                DayHistogram.countWhere(inCohort.and(col("_open"))).as("cases_open"));

        List<String> keyNames = List.of(PERIOD_TYPE, PERIOD_START, Rollups.REGION, Rollups.SITE_ID, MODALITY);
        Dataset<Row> km = KaplanMeier.mediansBy(facts.filter(inCohort), keyNames, col("_km_day"), col("_km_event"),
                col(DayHistogram.COUNT), "km_median_days_to_transfer");
        for (String k : keyNames) {
            km = km.withColumnRenamed(k, "_km_" + k);
        }
        Column same = lit(true);
        for (String k : keyNames) {
            same = same.and(agg.col(k).eqNullSafe(km.col("_km_" + k)));
        }
        return agg.join(km, same, "left").select(col(PERIOD_TYPE), col(PERIOD_START), labelColumn(), col("region"),
                col("site_id"), col(MODALITY), col("cases_referred"), col("cases_assessed"),
                DayHistogram.nearestRank(col("_first"), 50).as("median_days_to_first_assessment"),
                DayHistogram.nearestRank(col("_first"), 92).as("p92_days_to_first_assessment"),
                col("first_assessment_within_14_days"), col("cases_transferred"),
                DayHistogram.nearestRank(col("_stage2"), 50).as("median_days_assessment_to_transfer"),
                DayHistogram.nearestRank(col("_whole"), 50).as("median_days_to_transfer"),
                col("transferred_within_28_days"),
                when(col("cases_transferred").gt(0), col("transferred_within_28_days").multiply(100.0)
                        .divide(col("cases_transferred"))).as("pct_transferred_within_28_days"),
                col("open_over_28_days"), col("cases_open"), col("km_median_days_to_transfer"));
    }
}
