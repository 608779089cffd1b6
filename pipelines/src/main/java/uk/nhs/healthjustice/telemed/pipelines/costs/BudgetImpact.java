package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/budget_impact} (METRICS.md cost_effectiveness, "Budget impact"): per site and financial year
 * since its go-live, the cost of the site's care as delivered against the cost of the same activity at the
 * site's pre-go-live mix of modalities and unit costs, by perspective ({@code nhs}, {@code hmpps},
 * {@code public_sector} = both, as in {@link CostEffectiveness}); region and national rows are the sums of their
 * sites.
 *
 * <p><b>Activity</b>: every consult that used resources, costed as {@link ConsultCosts#slotCosted} costs it
 * (attended at full cost; did-not-attend and cancelled at the cost of the slot; escorts where deployed; the
 * site's monthly fixed cost spread over the month's telemedicine attendances), on or after the site's go-live
 * (London date). Its financial year runs April to March ({@code period_type = financial_year},
 * {@code period_start} 1 April, {@code period_label} {@code 2025-26}); the go-live year is a part year.
 *
 * <p><b>As delivered</b>: the sum of those consults' costs ({@code cost_as_delivered_gbp}).
 *
 * <p><b>At the pre-go-live mix</b> ({@code cost_at_pre_go_live_mix_gbp}): the same number of consults of each
 * specialty, each at the site's mean cost per consult of that specialty before its go-live (every outcome, no
 * site fixed cost: the service was not live). That mean carries the pre-go-live mix of modalities (the
 * offsite share and its escorts), of outcomes and durations, and the unit costs then in force, as the
 * specification says. Per site, year and specialty: round_half_up(N x S / n, 2) with N the year's consults, S the
 * pre-go-live cost and n the pre-go-live consults; the site-year figure is the exact sum of those pence, per
 * perspective ({@code public_sector} = nhs + hmpps on both sides, so the three rows add up). Intermediate
 * quotients are Spark decimals to 12 places: with n below 10^9 the half-up rounding to the penny is exact.
 * {@code budget_impact_gbp} = as delivered - at the pre-go-live mix (positive: telemedicine costs more);
 * {@code budget_impact_per_consult_gbp} is it divided by {@code consults}, to the penny.
 *
 * <p><b>Decisions where METRICS.md is silent</b>
 * <ul>
 *   <li>A site (or a specialty at a site) with no pre-go-live activity: the national pre-go-live mean of the
 *   specialty (every site's consults before its own go-live, and all consults of sites never live), as
 *   {@code escorts_avoided} does; the consults so priced are counted in {@code consults_at_national_mix}.</li>
 *   <li>A specialty with no pre-go-live consult anywhere (a service that started with telemedicine): no
 *   comparison is possible; its consults are left out of both sides and counted in
 *   {@code consults_without_baseline}.</li>
 *   <li>A consult lacking a unit cost (either perspective) is left out of both sides and counted in
 *   {@code consults_without_unit_cost}; it is also left out of the pre-go-live means.</li>
 *   <li>Sites never live (no {@code telemedicine_go_live}) have no rows: they have no year since go-live. Their
 *   consults count in the national pre-go-live means. A go-live after the data has no rows yet.</li>
 *   <li>Site fixed costs count as far as telemedicine attendances carry them (as in cost_effectiveness): a
 *   live month without any telemedicine attendance carries none here; {@code marts/costs} has every live
 *   month's charge. No site fixed cost is in the pre-go-live means.</li>
 *   <li>Prices are those of each side's own dates: a unit cost that rose after go-live shows in the budget
 *   impact (what the budget holder sees), not only the change of modality.</li>
 * </ul>
 * Money is {@code DECIMAL(18,2)}, sums of pence: reruns are identical whatever order Spark adds them in.
 */
public final class BudgetImpact {

    public static final String FINANCIAL_YEAR = "financial_year";
    private static final DataType MONEY = DataTypes.createDecimalType(18, 2);

    /** The mart's columns (declared for publication as {@code PublishedTables.BUDGET_IMPACT}). */
    public static final StructType SCHEMA = new StructType()
            .add(PERIOD_TYPE, DataTypes.StringType).add(PERIOD_START, DataTypes.DateType)
            .add(PERIOD_LABEL, DataTypes.StringType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("perspective", DataTypes.StringType)
            .add("consults", DataTypes.LongType)
            .add("consults_at_national_mix", DataTypes.LongType)
            .add("consults_without_baseline", DataTypes.LongType)
            .add("consults_without_unit_cost", DataTypes.LongType)
            .add("cost_as_delivered_gbp", MONEY)
            .add("cost_at_pre_go_live_mix_gbp", MONEY)
            .add("budget_impact_gbp", MONEY)
            .add("budget_impact_per_consult_gbp", MONEY);

    private BudgetImpact() {
    }

    /** 1 April of the financial year containing {@code day}. */
    static Column financialYearStart(Column day) {
        return add_months(trunc(add_months(day, -3), "year"), 3);
    }

    /** {@code 2025-26} for a financial year starting 1 April 2025. */
    static Column financialYearLabel(Column start) {
        return concat(year(start).cast("string"), lit("-"), lpad(year(start).plus(1).mod(100).cast("string"), 2, "0"));
    }

    /**
     * @param consults  curated consults (all of them: pre-go-live means and site shares use every site's)
     * @param unitCosts unit costs
     * @param sites     site register with {@code site_id}, {@code region} and {@code telemedicine_go_live}
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> unitCosts, Dataset<Row> sites) {
        Dataset<Row> register = sites.select(col("site_id").as("_gsite"), col("region"),
                col("telemedicine_go_live").as("_go_live"));
        Dataset<Row> costed = ConsultCosts.slotCosted(consults, unitCosts, sites)
                .join(broadcast(register), col("site_id").equalTo(col("_gsite")), "left")
                .withColumn("_costed", col("nhs_cost_gbp").isNotNull().and(col("hmpps_cost_gbp").isNotNull()))
                .withColumn("_before", col("_go_live").isNull().or(col("cost_day").lt(col("_go_live"))));

        // the pre-go-live means' sums: no site fixed cost (the service was not live)
        Dataset<Row> before = costed.filter(col("_before").and(col("_costed")))
                .withColumn("_pre_nhs", col("nhs_cost_gbp").minus(col("site_share_gbp")));
        Dataset<Row> bySite = before.groupBy(col("site_id").as("_ssite"), col("specialty_code").as("_sspec"))
                .agg(count(lit(1)).as("_s_n"), sum("_pre_nhs").as("_s_nhs"), sum("hmpps_cost_gbp").as("_s_hmpps"));
        Dataset<Row> national = before.groupBy(col("specialty_code").as("_nspec"))
                .agg(count(lit(1)).as("_n_n"), sum("_pre_nhs").as("_n_nhs"), sum("hmpps_cost_gbp").as("_n_hmpps"));

        // the activity since go-live, per site, financial year and specialty
        Dataset<Row> after = costed.filter(col("_go_live").isNotNull().and(col("cost_day").geq(col("_go_live"))))
                .withColumn(PERIOD_START, financialYearStart(col("cost_day")))
                .groupBy(col("region"), col("site_id"), col(PERIOD_START), col("specialty_code"))
                .agg(count(when(col("_costed"), 1)).as("_n"),
                        count(when(not(col("_costed")), 1)).as("_uncosted"),
                        sum(when(col("_costed"), col("nhs_cost_gbp"))).as("_nhs"),
                        sum(when(col("_costed"), col("hmpps_cost_gbp"))).as("_hmpps"))
                .join(bySite, col("site_id").equalTo(col("_ssite")).and(col("specialty_code").equalTo(col("_sspec"))),
                        "left")
                .join(broadcast(national), col("specialty_code").equalTo(col("_nspec")), "left");

        Column atSite = col("_s_n").isNotNull();
        Column baseline = atSite.or(col("_n_n").isNotNull());
        Column n = when(atSite, col("_s_n")).otherwise(col("_n_n")).cast("decimal(9,0)");
        Column compared = when(baseline, col("_n")).otherwise(lit(0L));
        Column volume = compared.cast("decimal(9,0)");
        Column preNhs = when(atSite, col("_s_nhs")).otherwise(col("_n_nhs")).cast("decimal(18,2)");
        Column preHmpps = when(atSite, col("_s_hmpps")).otherwise(col("_n_hmpps")).cast("decimal(18,2)");
        Dataset<Row> cells = after.select(col("region"), col("site_id"), col(PERIOD_START),
                compared.as("_consults"),
                when(baseline.and(not(atSite)), col("_n")).otherwise(lit(0L)).as("_national_mix"),
                when(baseline, lit(0L)).otherwise(col("_n")).as("_no_baseline"),
                col("_uncosted"),
                when(baseline, money(col("_nhs"))).otherwise(zero()).as("_d_nhs"),
                when(baseline, money(col("_hmpps"))).otherwise(zero()).as("_d_hmpps"),
                when(baseline, ConsultCosts.pounds(volume.multiply(preNhs).divide(n))).otherwise(zero()).as("_c_nhs"),
                when(baseline, ConsultCosts.pounds(volume.multiply(preHmpps).divide(n))).otherwise(zero())
                        .as("_c_hmpps"));

        Dataset<Row> totals = Rollups.geography(cells)
                .groupBy(col(PERIOD_START), col("region"), col("site_id"))
                .agg(sum("_consults").as("consults"), sum("_national_mix").as("consults_at_national_mix"),
                        sum("_no_baseline").as("consults_without_baseline"),
                        sum("_uncosted").as("consults_without_unit_cost"),
                        sum("_d_nhs").as("_d_nhs"), sum("_d_hmpps").as("_d_hmpps"),
                        sum("_c_nhs").as("_c_nhs"), sum("_c_hmpps").as("_c_hmpps"));

        Column perspectives = array(
                struct(lit("nhs").as("p"), col("_d_nhs").as("d"), col("_c_nhs").as("c")),
                struct(lit("hmpps").as("p"), col("_d_hmpps").as("d"), col("_c_hmpps").as("c")),
                struct(lit("public_sector").as("p"), col("_d_nhs").plus(col("_d_hmpps")).as("d"),
                        col("_c_nhs").plus(col("_c_hmpps")).as("c")));
        Column delivered = money(col("_p.d"));
        Column counterfactual = money(col("_p.c"));
        Column impact = delivered.minus(counterfactual).cast(MONEY);
        return totals.withColumn("_p", explode(perspectives))
                .select(lit(FINANCIAL_YEAR).as(PERIOD_TYPE), col(PERIOD_START),
                        financialYearLabel(col(PERIOD_START)).as(PERIOD_LABEL),
                        col("region"), col("site_id"), col("_p.p").as("perspective"),
                        col("consults").cast("long").as("consults"),
                        col("consults_at_national_mix").cast("long").as("consults_at_national_mix"),
                        col("consults_without_baseline").cast("long").as("consults_without_baseline"),
                        col("consults_without_unit_cost").cast("long").as("consults_without_unit_cost"),
                        delivered.as("cost_as_delivered_gbp"),
                        counterfactual.as("cost_at_pre_go_live_mix_gbp"),
                        impact.as("budget_impact_gbp"),
                        when(col("consults").gt(0), ConsultCosts.pounds(impact.divide(col("consults").cast("decimal(18,0)"))))
                                .as("budget_impact_per_consult_gbp"));
    }

    /** A sum of pence, zero where there is none. */
    private static Column money(Column amount) {
        return coalesce(amount, lit(0)).cast(MONEY);
    }

    private static Column zero() {
        return lit(0).cast(MONEY);
    }
}
