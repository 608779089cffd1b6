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
 * <p>{@code escorts_avoided} (version 2) is an expected count: each attended telemedicine consult on a referral
 * pathway counts the chance it would otherwise have been offsite, the site's pre-go-live offsite share for its
 * specialty (national share where the site has none; see {@link #withEscortAvoided}); fractional, exact to
 * 10 decimal places, rounded only when published. {@code escort_cost_avoided_gbp} = escorts avoided x
 * {@code national_mean_escort_cost_gbp}, the mean escort cost per offsite attendance of the same period
 * nationally rounded to the penny, the product rounded half up to the penny. Money is {@code DECIMAL(18,2)}, hours {@code DECIMAL(12,2)}: sums
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
        Column tele = Modality.isTelemedicine(col("modality"));
        Dataset<Row> costed = ConsultCosts.costed(consults.filter(onOrAfter(day, fromQuarter)), unitCosts)
                .join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .withColumn(Modality.MODALITY_GROUP, Modality.group(col("modality")));
        costed = withEscortAvoided(costed, consults, sites)
                .withColumn("_avoided", when(tele.and(col("referral_id").isNotNull()), col("escort_avoided"))
                        .otherwise(lit(0).cast(SHARE)));
        Dataset<Row> facts = Rollups.periodsOf(costed, col("cost_day"));
        facts = Rollups.geography(facts);
        facts = Rollups.withAll(facts, Modality.MODALITY_GROUP);
        List<Column> keys = Rollups.keyColumns(Modality.MODALITY_GROUP);
        Dataset<Row> variable = facts.groupBy(keys.toArray(Column[]::new)).agg(
                count(lit(1)).as("attended"),
                sum("clinician_cost_gbp").as("clinician_cost_gbp"),
                sum("escort_cost_gbp").as("escort_cost_gbp"),
                sum("telemedicine_cost_gbp").as("_per_consult_gbp"),
                count(when(col("offsite"), 1)).as("escorts"),
                sum("escort_officer_hours").as("escort_officer_hours"),
                sum("_avoided").as("escorts_avoided"),
                count(when(col("missing_unit_cost"), 1)).as("attendances_without_unit_cost"));

        Dataset<Row> fixed = siteFixedCosts(sites, unitCosts, firstMonth, runDate, fromQuarter);
        Dataset<Row> joined = variable.join(fixed,
                toSeq(List.of(PERIOD_TYPE, PERIOD_START, "region", "site_id", Modality.MODALITY_GROUP)), "full_outer");

        Dataset<Row> national = joined.filter(col("region").equalTo(Rollups.ALL).and(col("site_id").equalTo(Rollups.ALL))
                        .and(col(Modality.MODALITY_GROUP).equalTo(Rollups.ALL)))
                .select(col(PERIOD_TYPE).as("_pt"), col(PERIOD_START).as("_ps"),
                        when(col("escorts").gt(0), col("escort_cost_gbp").divide(col("escorts")))
                                .as("_mean_escort_cost"));
        Dataset<Row> withMean = joined.join(national, col(PERIOD_TYPE).equalTo(col("_pt"))
                .and(col(PERIOD_START).equalTo(col("_ps"))), "left");

        Column attended = coalesce(col("attended"), lit(0L));
        Column clinician = money(col("clinician_cost_gbp"));
        Column escort = money(col("escort_cost_gbp"));
        Column siteFixed = money(col("site_fixed_cost_gbp"));
        Column telemedicine = money(col("_per_consult_gbp")).plus(siteFixed).cast(ConsultCosts.MONEY);
        Column total = clinician.plus(escort).plus(telemedicine).cast(ConsultCosts.MONEY);
        Column avoided = coalesce(col("escorts_avoided"), lit(0)).cast(EXPECTED_COUNT);
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
                // the exact mean, rounded once in the product (a mean rounded to the penny first, times 300
                // escorts avoided, is up to GBP 1.50 off); shown to the penny
                ConsultCosts.pounds(avoided.multiply(col("_mean_escort_cost"))).as("escort_cost_avoided_gbp"),
                ConsultCosts.pounds(col("_mean_escort_cost")).as("national_mean_escort_cost_gbp"),
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

    /** A share of attendances (0-1): exact decimal, so sums of shares do not depend on Spark's order. */
    static final String SHARE = "decimal(20,10)";
    /** An expected count (a sum of shares), fractional: rounded only when published. */
    static final String EXPECTED_COUNT = "decimal(24,10)";

    /**
     * Adds {@code escort_avoided}: the chance that an attendance, had it not been remote, would have been
     * offsite (METRICS.md costs, version 2). For the consult's site and specialty: the share of the site's
     * attended consults of that specialty before its go-live (all of them for a site never live) that were
     * {@code face_to_face_offsite}; where the site had no attended consult of the specialty before go-live, the
     * national share (every site's attendances of the specialty before its go-live); 0 where there is neither.
     * The shares come from all {@code consults}, whatever window is computed, so a window's rows are those of a
     * full computation.
     */
    static Dataset<Row> withEscortAvoided(Dataset<Row> costed, Dataset<Row> consults, Dataset<Row> sites) {
        Dataset<Row> goLive = sites.select(col("site_id").as("_gsite"), col("telemedicine_go_live").as("_go_live"));
        Dataset<Row> before = consults.filter(col("outcome").equalTo("attended"))
                .join(broadcast(goLive), col("site_id").equalTo(col("_gsite")), "left")
                .filter(col("_go_live").isNull().or(LondonTime.londonDate(col("scheduled_start")).lt(col("_go_live"))))
                .withColumn("_off", when(col("modality").equalTo("face_to_face_offsite"), 1).otherwise(0));
        Dataset<Row> bySite = before.groupBy(col("site_id").as("_ssite"), col("specialty_code").as("_sspec"))
                .agg(sum("_off").as("_s_off"), count(lit(1)).as("_s_all"));
        Dataset<Row> national = before.groupBy(col("specialty_code").as("_nspec"))
                .agg(sum("_off").as("_n_off"), count(lit(1)).as("_n_all"));
        Column siteShare = col("_s_off").cast("decimal(20,0)").divide(col("_s_all").cast("decimal(20,0)"));
        Column nationalShare = col("_n_off").cast("decimal(20,0)").divide(col("_n_all").cast("decimal(20,0)"));
        return costed
                .join(bySite, col("site_id").equalTo(col("_ssite")).and(col("specialty_code").equalTo(col("_sspec"))),
                        "left")
                .join(national, col("specialty_code").equalTo(col("_nspec")), "left")
                .withColumn("escort_avoided", round(coalesce(when(col("_s_all").gt(0), siteShare), nationalShare,
                        lit(0)), 10).cast(SHARE))
                .drop("_ssite", "_sspec", "_s_off", "_s_all", "_nspec", "_n_off", "_n_all");
    }

    /** A money total, zero where there is none, exact to the penny. */
    private static Column money(Column sum) {
        return coalesce(sum, lit(0)).cast(ConsultCosts.MONEY);
    }

    static scala.collection.immutable.Seq<String> toSeq(List<String> columns) {
        return scala.collection.JavaConverters.asScalaBuffer(columns).toList();
    }
}
