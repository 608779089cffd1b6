package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.schemas.UnitCost;

/**
 * The cost of each attended consult, with the unit costs valid on its London date (so a price that changes
 * mid-quarter splits the quarter correctly): clinician time ({@code duration_minutes}, 30 when unknown, at
 * the role's hourly rate), the escort of an offsite attendance (officers x hours x officer-hour rate, plus
 * one vehicle trip), and the per-consult platform charge of a remote one. Money is {@code DECIMAL(18,2)}: each
 * part of a consult's cost is rounded half up to the penny (a 25-minute consultant hour at GBP 143 is
 * GBP 59.58), and every total is an exact sum of those pence.
 */
public final class ConsultCosts {

    public static final int DEFAULT_MINUTES = 30;
    /** Money: exact pence, never floating point, so sums do not depend on the order Spark adds them in. */
    public static final String MONEY = "decimal(18,2)";
    /** Hours (escort officer-hours) as published: hundredths, rounded once from the exact sum. */
    public static final String HOURS = "decimal(12,2)";
    /**
     * A consult's officer-hours before any rounding: {@code escort_hours} is a double in the input contract, and
     * 2 officers x 7.333333 h at GBP 30 is GBP 440.00, where hours rounded to hundredths first gave 439.80.
     */
    static final String EXACT_HOURS = "decimal(16,6)";
    static final Column ZERO = lit(0).cast(MONEY);

    /** An amount rounded half up to the penny. */
    public static Column pounds(Column amount) {
        return round(amount, 2).cast(MONEY);
    }

    private ConsultCosts() {
    }

    /**
     * @param consults curated consults
     * @param costs    unit costs: name, value_gbp, valid_from, valid_to (null = open)
     * @return attended consults with cost_day, clinician_cost_gbp, escort_cost_gbp, telemedicine_cost_gbp,
     *     consult_cost_gbp, offsite, escort_officer_hours and missing_unit_cost
     */
    public static Dataset<Row> costed(Dataset<Row> consults, Dataset<Row> costs) {
        Dataset<Row> attended = consults.filter(col("outcome").equalTo("attended"))
                .withColumn("cost_day", LondonTime.londonDate(col("scheduled_start")));
        attended = withRate(attended, costs, concat(lit(UnitCost.CLINICIAN_HOUR), col("clinician_role")), "_clinician_rate");
        attended = withRate(attended, costs, lit(UnitCost.ESCORT_OFFICER_HOUR), "_officer_rate");
        attended = withRate(attended, costs, lit(UnitCost.ESCORT_VEHICLE_TRIP), "_trip_rate");
        attended = withRate(attended, costs, lit(UnitCost.TELEMEDICINE_PER_CONSULT), "_tele_rate");

        Column offsite = col("modality").equalTo("face_to_face_offsite");
        Column tele = Modality.isTelemedicine(col("modality"));
        Column minutes = coalesce(col("duration_minutes"), lit(DEFAULT_MINUTES)).cast("decimal(10,0)");
        Column officerHours = when(offsite, col("escort_officers").cast("decimal(10,0)")
                .multiply(col("escort_hours").cast(EXACT_HOURS))).otherwise(lit(0)).cast(EXACT_HOURS);
        // each part rounded to the penny once, per consult: every sum after that is exact and order-free
        Column clinician = pounds(minutes.multiply(col("_clinician_rate")).divide(60));
        Column escort = when(offsite, pounds(officerHours.multiply(col("_officer_rate")).plus(col("_trip_rate"))))
                .otherwise(ZERO);
        Column platform = when(tele, pounds(col("_tele_rate"))).otherwise(ZERO);
        return attended
                .withColumn("clinician_cost_gbp", clinician)
                .withColumn("escort_cost_gbp", escort)
                .withColumn("telemedicine_cost_gbp", platform)
                .withColumn("consult_cost_gbp", clinician.plus(escort).plus(platform).cast(MONEY))
                .withColumn("offsite", offsite)
                .withColumn("escort_officer_hours", officerHours)
                .withColumn("missing_unit_cost", col("consult_cost_gbp").isNull())
                .drop("_clinician_rate", "_officer_rate", "_trip_rate", "_tele_rate");
    }

    /**
     * Every consult that used resources, for costing pathways (METRICS.md cost_effectiveness, version 2): all
     * outcomes but {@code booked} (not yet happened).
     * <ul>
     *   <li>attended: full cost, as {@link #costed}, whatever {@code technical_failure} says (the slot, the
     *   clinician and the platform were used), plus the consult's share of its site's fixed cost;</li>
     *   <li>{@code did_not_attend} and {@code cancelled_*} (including {@code cancelled_technical}, the technical
     *   failures that lost the appointment): the slot, i.e. the clinician time booked ({@code duration_minutes},
     *   30 when unknown) and, for an offsite appointment with {@code escort_officers} set (officers were
     *   deployed), the escort: officers x {@code escort_hours} (0 when unknown) x the officer-hour rate plus
     *   one vehicle trip. No platform charge: it is per attended remote consult.</li>
     *   <li>site fixed cost: {@code telemedicine_site_month} (the rate valid on the month's first live day) of
     *   every month the site is live (go-live on or before the month's last day), spread evenly over the site's
     *   attended telemedicine consults of that London month, each share rounded half up to the penny. A month
     *   with no telemedicine attendance has no one to carry it (it stays in {@code marts/costs}).</li>
     * </ul>
     * Perspectives: {@code nhs_cost_gbp} = clinician + platform + site share; {@code hmpps_cost_gbp} = escort
     * (officers and vehicle). Both null when a unit cost they need is missing.
     *
     * @param consults curated consults (all of them: the site shares count every telemedicine attendance)
     * @param costs    unit costs
     * @param sites    site register with {@code site_id} and {@code telemedicine_go_live}
     * @return the consults with cost_day, clinician_cost_gbp, escort_cost_gbp, telemedicine_cost_gbp,
     *     site_share_gbp, nhs_cost_gbp, hmpps_cost_gbp
     */
    public static Dataset<Row> slotCosted(Dataset<Row> consults, Dataset<Row> costs, Dataset<Row> sites) {
        Column[] parts = slotParts(col(CLINICIAN_RATE), col(OFFICER_RATE), col(TRIP_RATE), col(TELE_RATE),
                col(SITE_MONTH_RATE));
        return slotRated(consults, costs, sites)
                .withColumn("clinician_cost_gbp", parts[0])
                .withColumn("escort_cost_gbp", parts[1])
                .withColumn("telemedicine_cost_gbp", parts[2])
                .withColumn("site_share_gbp", parts[3])
                .withColumn("nhs_cost_gbp", parts[0].plus(parts[2]).plus(parts[3]).cast(MONEY))
                .withColumn("hmpps_cost_gbp", parts[1])
                .drop(RATE_COLUMNS.toArray(String[]::new));
    }

    /** The rates {@link #slotRated} adds: the unit costs valid on each consult's day (null when there is none). */
    static final String CLINICIAN_RATE = "_clinician_rate";
    static final String OFFICER_RATE = "_officer_rate";
    static final String TRIP_RATE = "_trip_rate";
    static final String TELE_RATE = "_tele_rate";
    /** The site-month fixed cost of a live month, on the site's telemedicine attendances of that month only. */
    static final String SITE_MONTH_RATE = "_site_month";
    /** The site's telemedicine attendances of the consult's London month, beside {@link #SITE_MONTH_RATE}. */
    static final String TELE_ATTENDANCES = "_tele_attendances";
    /** Set (the site) on a telemedicine attendance of a live site-month: it carries a share of the fixed cost. */
    static final String SHARING = "_msite";
    static final List<String> RATE_COLUMNS = List.of(CLINICIAN_RATE, OFFICER_RATE, TRIP_RATE, TELE_RATE,
            SITE_MONTH_RATE, TELE_ATTENDANCES, SHARING);

    /**
     * The consults {@link #slotCosted} costs (every outcome but {@code booked}), with {@code cost_day} and the unit
     * costs each needs ({@link #RATE_COLUMNS}); the money is computed from them by {@link #slotParts}, so a caller
     * may substitute a varied rate ({@link CostSensitivity}) and get the costs a varied {@code costs.json} would.
     * The clinician rate's name is {@code clinician_hour.<clinician_role>}.
     */
    static Dataset<Row> slotRated(Dataset<Row> consults, Dataset<Row> costs, Dataset<Row> sites) {
        Column attendedNow = col("outcome").equalTo("attended");
        Column tele = Modality.isTelemedicine(col("modality"));
        Dataset<Row> used = consults.filter(col("outcome").isNotNull().and(col("outcome").notEqual("booked")))
                .withColumn("cost_day", LondonTime.londonDate(col("scheduled_start")));
        used = withRate(used, costs, concat(lit(UnitCost.CLINICIAN_HOUR), col("clinician_role")), CLINICIAN_RATE);
        used = withRate(used, costs, lit(UnitCost.ESCORT_OFFICER_HOUR), OFFICER_RATE);
        used = withRate(used, costs, lit(UnitCost.ESCORT_VEHICLE_TRIP), TRIP_RATE);
        used = withRate(used, costs, lit(UnitCost.TELEMEDICINE_PER_CONSULT), TELE_RATE);

        // the site-month fixed cost and the telemedicine attendances it is spread over
        Dataset<Row> live = sites.filter(col("telemedicine_go_live").isNotNull())
                .select(col("site_id").as("_lsite"), col("telemedicine_go_live").as("_go_live"));
        Dataset<Row> perMonth = consults.filter(attendedNow.and(tele))
                .groupBy(col("site_id").as(SHARING),
                        trunc(LondonTime.londonDate(col("scheduled_start")), "month").as("_month"))
                .agg(count(lit(1)).as(TELE_ATTENDANCES))
                .join(broadcast(live), col(SHARING).equalTo(col("_lsite")))
                .filter(trunc(col("_go_live"), "month").leq(col("_month")))
                .withColumn("cost_day", greatest(col("_month"), col("_go_live")));
        perMonth = withRate(perMonth, costs, lit(UnitCost.TELEMEDICINE_SITE_MONTH), SITE_MONTH_RATE)
                .select(col(SHARING), col("_month"), col(SITE_MONTH_RATE), col(TELE_ATTENDANCES));
        return used.join(perMonth, col("site_id").equalTo(col(SHARING))
                        .and(trunc(col("cost_day"), "month").equalTo(col("_month"))).and(attendedNow).and(tele), "left")
                .drop("_month");
    }

    /**
     * The parts of a slot-costed consult's cost from its rates (columns of {@link #slotRated}): clinician, escort
     * (HMPPS), platform, and the share of the site-month fixed cost, each rounded half up to the penny.
     */
    static Column[] slotParts(Column clinicianRate, Column officerRate, Column tripRate, Column teleRate,
                              Column siteMonth) {
        Column attendedNow = col("outcome").equalTo("attended");
        Column tele = Modality.isTelemedicine(col("modality"));
        Column offsite = col("modality").equalTo("face_to_face_offsite");
        Column escorted = offsite.and(attendedNow.or(col("escort_officers").isNotNull()));
        Column minutes = coalesce(col("duration_minutes"), lit(DEFAULT_MINUTES)).cast("decimal(10,0)");
        Column officerHours = col("escort_officers").cast("decimal(10,0)")
                .multiply(coalesce(col("escort_hours"), lit(0)).cast(EXACT_HOURS));
        Column clinician = pounds(minutes.multiply(clinicianRate).divide(60));
        Column escort = when(escorted, pounds(officerHours.multiply(officerRate).plus(tripRate))).otherwise(ZERO);
        Column platform = when(tele.and(attendedNow), pounds(teleRate)).otherwise(ZERO);
        // a live month's share; a consult outside a live month (or not a telemedicine attendance) carries none
        Column share = when(col(SHARING).isNotNull(), pounds(siteMonth.divide(col(TELE_ATTENDANCES)))).otherwise(ZERO);
        return new Column[] {clinician, escort, platform, share};
    }

    /** Adds the value of the named unit cost valid on {@code cost_day} (a broadcast range join; no shuffle). */
    static Dataset<Row> withRate(Dataset<Row> rows, Dataset<Row> costs, Column name, String as) {
        Dataset<Row> c = costs.select(col("name").as(as + "_name"), col("value_gbp").as(as),
                col("valid_from").as(as + "_from"), col("valid_to").as(as + "_to"));
        Column on = name.equalTo(col(as + "_name"))
                .and(col("cost_day").geq(col(as + "_from")))
                .and(col(as + "_to").isNull().or(col("cost_day").leq(col(as + "_to"))));
        return rows.join(broadcast(c), on, "left").drop(as + "_name", as + "_from", as + "_to");
    }
}
