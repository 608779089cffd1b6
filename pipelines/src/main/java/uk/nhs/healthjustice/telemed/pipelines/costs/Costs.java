package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.UnitCost;

/**
 * {@code marts/costs}: what attended consults cost, by period x region x site x modality group, and the
 * escorts telemedicine avoided. Consults on cancelled referrals happened and are costed.
 *
 * <p>Site fixed costs ({@code telemedicine_site_month}) are added to the telemedicine and {@code ALL} rows of
 * every month a site is live: live when its go-live date is on or before the month's last day; the rate is
 * the one valid on the first live day of the month. Months run from the first month with an attended consult
 * to the month of the run date.
 *
 * <p>{@code escort_cost_avoided_gbp} = escorts avoided (attended telemedicine consults on a referral
 * pathway) x {@code national_mean_escort_cost_gbp}, the mean escort cost per offsite attendance of the same
 * period nationally rounded to the penny. Money is {@code DECIMAL(18,2)}, hours {@code DECIMAL(12,2)}: sums
 * of exact pence, so reruns give the same figures whatever order Spark adds them in.
 */
public final class Costs {

    private Costs() {
    }

    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> sites, Dataset<Row> unitCosts, LocalDate runDate) {
        return compute(consults, sites, unitCosts, runDate, null);
    }

    /**
     * The rows of the periods from {@code fromQuarter} on (every period when null). Site fixed costs still
     * start at the first month with an attended consult in all of history, so the window's rows are those of
     * a full computation.
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> sites, Dataset<Row> unitCosts, LocalDate runDate,
                                       LocalDate fromQuarter) {
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col("region"));
        Column day = LondonTime.londonDate(col("scheduled_start"));
        Dataset<Row> firstMonth = consults.filter(col("outcome").equalTo("attended"))
                .agg(min(trunc(day, "month")).as("_first_month"));
        Dataset<Row> costed = ConsultCosts.costed(consults.filter(onOrAfter(day, fromQuarter)), unitCosts)
                .join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .withColumn(Modality.MODALITY_GROUP, Modality.group(col("modality")));
        Dataset<Row> facts = Rollups.periodsOf(costed, col("cost_day"));
        facts = Rollups.geography(facts);
        facts = Rollups.withAll(facts, Modality.MODALITY_GROUP);
        Column tele = Modality.isTelemedicine(col("modality"));
        List<Column> keys = Rollups.keyColumns(Modality.MODALITY_GROUP);
        Dataset<Row> variable = facts.groupBy(keys.toArray(Column[]::new)).agg(
                count(lit(1)).as("attended"),
                sum("clinician_cost_gbp").as("clinician_cost_gbp"),
                sum("escort_cost_gbp").as("escort_cost_gbp"),
                sum("telemedicine_cost_gbp").as("_per_consult_gbp"),
                count(when(col("offsite"), 1)).as("escorts"),
                sum("escort_officer_hours").as("escort_officer_hours"),
                count(when(tele.and(col("referral_id").isNotNull()), 1)).as("escorts_avoided"),
                count(when(col("missing_unit_cost"), 1)).as("attendances_without_unit_cost"));

        Dataset<Row> fixed = siteFixedCosts(sites, unitCosts, firstMonth, runDate, fromQuarter);
        Dataset<Row> joined = variable.join(fixed,
                toSeq(List.of(PERIOD_TYPE, PERIOD_START, "region", "site_id", Modality.MODALITY_GROUP)), "full_outer");

        Dataset<Row> national = joined.filter(col("region").equalTo(Rollups.ALL).and(col("site_id").equalTo(Rollups.ALL))
                        .and(col(Modality.MODALITY_GROUP).equalTo(Rollups.ALL)))
                .select(col(PERIOD_TYPE).as("_pt"), col(PERIOD_START).as("_ps"),
                        when(col("escorts").gt(0), ConsultCosts.pounds(col("escort_cost_gbp").divide(col("escorts"))))
                                .as("_mean_escort_cost"));
        Dataset<Row> withMean = joined.join(national, col(PERIOD_TYPE).equalTo(col("_pt"))
                .and(col(PERIOD_START).equalTo(col("_ps"))), "left");

        Column attended = coalesce(col("attended"), lit(0L));
        Column clinician = money(col("clinician_cost_gbp"));
        Column escort = money(col("escort_cost_gbp"));
        Column siteFixed = money(col("site_fixed_cost_gbp"));
        Column telemedicine = money(col("_per_consult_gbp")).plus(siteFixed).cast(ConsultCosts.MONEY);
        Column total = clinician.plus(escort).plus(telemedicine).cast(ConsultCosts.MONEY);
        Column avoided = coalesce(col("escorts_avoided"), lit(0L));
        return withMean.select(col(PERIOD_TYPE), col(PERIOD_START), labelColumn(), col("region"), col("site_id"),
                col(Modality.MODALITY_GROUP),
                attended.as("attended"),
                clinician.as("clinician_cost_gbp"),
                escort.as("escort_cost_gbp"),
                telemedicine.as("telemedicine_cost_gbp"),
                siteFixed.as("site_fixed_cost_gbp"),
                total.as("total_cost_gbp"),
                when(attended.gt(0), ConsultCosts.pounds(total.divide(attended))).as("cost_per_attendance_gbp"),
                coalesce(col("escorts"), lit(0L)).as("escorts"),
                coalesce(col("escort_officer_hours"), lit(0)).cast(ConsultCosts.HOURS).as("escort_officer_hours"),
                avoided.as("escorts_avoided"),
                avoided.cast("decimal(18,0)").multiply(col("_mean_escort_cost")).cast(ConsultCosts.MONEY)
                        .as("escort_cost_avoided_gbp"),
                col("_mean_escort_cost").as("national_mean_escort_cost_gbp"),
                coalesce(col("attendances_without_unit_cost"), lit(0L)).as("attendances_without_unit_cost"));
    }

    /**
     * telemedicine_site_month per live site-month, on telemedicine and ALL rows of every geography.
     *
     * @param firstMonth one row: {@code _first_month}, the month of the first attended consult
     */
    static Dataset<Row> siteFixedCosts(Dataset<Row> sites, Dataset<Row> unitCosts, Dataset<Row> firstMonth,
                                       LocalDate runDate, LocalDate fromQuarter) {
        Column lastMonth = trunc(lit(java.sql.Date.valueOf(runDate)), "month");
        Column firstLiveMonth = greatest(trunc(col("telemedicine_go_live"), "month"), col("_first_month"));
        Dataset<Row> live = sites.filter(col("telemedicine_go_live").isNotNull()).crossJoin(firstMonth)
                // a site whose go-live is still ahead of the run date has no live month yet
                .filter(firstLiveMonth.leq(lastMonth))
                .withColumn("_month", explode(sequence(firstLiveMonth, lastMonth, expr("make_interval(0, 1)"))))
                .filter(col("_month").isNotNull().and(onOrAfter(col("_month"), fromQuarter)))
                .withColumn("cost_day", greatest(col("_month"), col("telemedicine_go_live")));
        live = ConsultCosts.withRate(live, unitCosts, lit(UnitCost.TELEMEDICINE_SITE_MONTH), "_site_month");
        Dataset<Row> facts = Rollups.periodsOf(live.select(col("region"), col("site_id"), col("_month"), col("_site_month")),
                col("_month"));
        facts = Rollups.geography(facts)
                .withColumn(Modality.MODALITY_GROUP, explode(array(lit(Modality.TELEMEDICINE), lit(Rollups.ALL))));
        return facts.groupBy(Rollups.keyColumns(Modality.MODALITY_GROUP).toArray(Column[]::new))
                .agg(ConsultCosts.pounds(sum("_site_month")).as("site_fixed_cost_gbp"));
    }

    /** A money total, zero where there is none, exact to the penny. */
    private static Column money(Column sum) {
        return coalesce(sum, lit(0)).cast(ConsultCosts.MONEY);
    }

    static scala.collection.immutable.Seq<String> toSeq(List<String> columns) {
        return scala.collection.JavaConverters.asScalaBuffer(columns).toList();
    }
}
