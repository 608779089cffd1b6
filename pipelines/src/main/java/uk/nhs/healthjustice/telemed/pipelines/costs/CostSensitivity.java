package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.UnitCost;

/**
 * {@code marts/cost_sensitivity} (METRICS.md cost_effectiveness, "Sensitivity"): deterministic one-way
 * sensitivity. Every unit cost marked as an assumption in {@code costs.json} (a {@code source} beginning
 * "Assumption", in any case) is varied one at a time to {@link #LOW} and {@link #HIGH} times its value (-50%,
 * +100%; every validity period of the name alike, each value rounded half up to the penny), and the national
 * case-mix adjusted incremental cost per pathway of {@link CostEffectiveness} is recomputed: one row per
 * quarter, parameter and perspective with the base, low and high values (a tornado chart's data).
 *
 * <p><b>One pass.</b> The scenarios (the base, and each assumption at each factor) are a column, not a plan
 * branch each: the consults are rated once ({@link ConsultCosts#slotRated}: the unit costs valid on each day,
 * one broadcast range join per rate), then repeated once per scenario (a broadcast cross join with the few
 * scenario rows, built from {@code unitCosts} by Spark: nothing is collected to the driver) and costed from
 * the scenario's rates ({@link ConsultCosts#slotParts}): a rate whose name is the scenario's parameter is
 * replaced by itself x factor, rounded half up to the penny, exactly what a varied {@code costs.json} would
 * hold. Pathway costs are summed per scenario and every (quarter, scenario) is estimated by the same
 * {@link CostEffectiveness.Estimate} (point estimates, no bootstrap); only the national group is formed.
 *
 * <p><b>Why not base + (factor - 1) x component.</b> The cost of a pathway is linear in the unit costs before
 * rounding, but the mart's money is not: (1) a varied unit cost is rounded to the penny (0.5 x 12.345 =
 * 6.17, not 6.1725); (2) each part of each consult is rounded to the penny, and half a rounded part is not the
 * rounded half (3 minutes at GBP 143 an hour is 7.15, half of it 3.575; at GBP 71.50 it is 3.58); (3) the escort
 * rounds officer-hours x rate + vehicle trip as one amount; (4) the site fixed cost is spread as
 * round(month / attendances), so halving the month does not halve a rounded share; (5) the estimator rounds in-person stratum means to 10 places and the result to the
 * penny. So the per-consult costs of each scenario are computed from the varied rates (cheap: the rate joins
 * are done once), and only sums of those pence are shared; the results equal those of recosting from a
 * varied {@code costs.json}, to the penny.
 */
public final class CostSensitivity {

    public static final double LOW = 0.5;
    public static final double HIGH = 2.0;

    /** The scenario columns: the varied unit cost (null for the base), the direction and the factor. */
    static final String PARAMETER = "_parameter";
    static final String DIRECTION = "_direction";
    static final String FACTOR = "_factor";
    static final String BASE = "base";

    private static final DataType MONEY = DataTypes.createDecimalType(18, 2);

    /** The mart's columns (declared for publication as {@code PublishedTables.COST_SENSITIVITY}). */
    public static final StructType SCHEMA = new StructType()
            .add(PERIOD_TYPE, DataTypes.StringType).add(PERIOD_START, DataTypes.DateType)
            .add(PERIOD_LABEL, DataTypes.StringType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("parameter", DataTypes.StringType).add("perspective", DataTypes.StringType)
            .add("low_factor", DataTypes.DoubleType).add("high_factor", DataTypes.DoubleType)
            .add("cost_difference_gbp", MONEY).add("cost_difference_low_gbp", MONEY)
            .add("cost_difference_high_gbp", MONEY);

    private CostSensitivity() {
    }

    /** Marks a unit cost whose source says it is an assumption. */
    static Column isAssumption() {
        return lower(trim(coalesce(col("source"), lit("")))).startsWith("assumption");
    }

    /** The names of unit costs whose source marks them as an assumption, sorted (collected: a few rows). */
    public static List<String> assumptions(Dataset<Row> unitCosts) {
        return unitCosts.filter(isAssumption())
                .select("name").distinct().orderBy("name").collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    /**
     * The scenarios: one base row (no parameter, factor 1) and, per assumed unit cost, a {@code low} and a
     * {@code high} row. A handful of rows, built by Spark from {@code unitCosts}.
     */
    static Dataset<Row> scenarios(Dataset<Row> unitCosts) {
        Column factors = array(
                struct(lit("low").as("d"), lit(BigDecimal.valueOf(LOW)).cast("decimal(4,2)").as("f")),
                struct(lit("high").as("d"), lit(BigDecimal.valueOf(HIGH)).cast("decimal(4,2)").as("f")));
        Dataset<Row> varied = unitCosts.filter(isAssumption()).select(col("name").as(PARAMETER)).distinct()
                .withColumn("_s", explode(factors))
                .select(col(PARAMETER), col("_s.d").as(DIRECTION), col("_s.f").as(FACTOR));
        Dataset<Row> base = unitCosts.sparkSession().range(1).select(lit(null).cast("string").as(PARAMETER),
                lit(BASE).as(DIRECTION), lit(BigDecimal.ONE).cast("decimal(4,2)").as(FACTOR));
        return base.unionByName(varied);
    }

    /** A rate under the scenario: itself x factor, to the penny, where its name is the scenario's parameter. */
    private static Column varied(Column rate, Column name, DataType type) {
        return when(name.equalTo(col(PARAMETER)), round(rate.multiply(col(FACTOR)), 2)).otherwise(rate).cast(type);
    }

    /**
     * @param pathways  from {@code Pathways.build} (all pathways: the mart covers every quarter)
     * @param consults  curated consults
     * @param unitCosts unit costs with {@code source}
     * @param sites     site register with {@code telemedicine_go_live}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> consults, Dataset<Row> unitCosts,
                                       Dataset<Row> sites) {
        return compute(pathways, consults, unitCosts, sites, null);
    }

    /**
     * The quarters from {@code fromQuarter} on (all when null), as {@link CostEffectiveness} computes them: a
     * quarter's rows are of the pathways first attended in it, whose costs depend on nothing later (the site
     * fixed costs are spread per month over that month's attendances, all of which are still rated here).
     *
     * @param pathways from {@code Pathways.build}, or the candidates of {@code Pathways.build(..., fromQuarter)}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> consults, Dataset<Row> unitCosts,
                                       Dataset<Row> sites, java.time.LocalDate fromQuarter) {
        DataType type = unitCosts.schema().apply("value_gbp").dataType();
        // only consults on a referral can be part of a pathway; the site shares still count every attendance
        Dataset<Row> onReferrals = ConsultCosts.slotRated(consults, unitCosts, sites)
                .filter(col("referral_id").isNotNull());
        if (fromQuarter != null) {
            // every scenario multiplies the consults: keep those of the pathways the window can reach first
            Dataset<Row> reached = CostEffectiveness.firstAttendedFrom(pathways, fromQuarter)
                    .select(col("referral_id").as("_reached"));
            onReferrals = onReferrals.join(reached, col("referral_id").equalTo(col("_reached")), "left_semi");
        }
        Dataset<Row> rated = onReferrals.crossJoin(broadcast(scenarios(unitCosts)));
        Column[] parts = ConsultCosts.slotParts(
                varied(col(ConsultCosts.CLINICIAN_RATE), concat(lit(UnitCost.CLINICIAN_HOUR), col("clinician_role")), type),
                varied(col(ConsultCosts.OFFICER_RATE), lit(UnitCost.ESCORT_OFFICER_HOUR), type),
                varied(col(ConsultCosts.TRIP_RATE), lit(UnitCost.ESCORT_VEHICLE_TRIP), type),
                varied(col(ConsultCosts.TELE_RATE), lit(UnitCost.TELEMEDICINE_PER_CONSULT), type),
                varied(col(ConsultCosts.SITE_MONTH_RATE), lit(UnitCost.TELEMEDICINE_SITE_MONTH), type));
        Dataset<Row> costed = rated
                .withColumn("nhs_cost_gbp", parts[0].plus(parts[2]).plus(parts[3]).cast(ConsultCosts.MONEY))
                .withColumn("hmpps_cost_gbp", parts[1]);

        Dataset<Row> facts = CostEffectiveness.facts(pathways, costed, fromQuarter, PARAMETER, DIRECTION)
                .withColumn("region", lit(Rollups.ALL)).withColumn("site_id", lit(Rollups.ALL));
        StructType schema = CostEffectiveness.OUTPUT.add(PARAMETER, DataTypes.StringType)
                .add(DIRECTION, DataTypes.StringType);
        Dataset<Row> estimates = CostEffectiveness.estimate(facts, List.of(PARAMETER, DIRECTION), 0, 0, schema)
                .select(col(PERIOD_TYPE), col(PERIOD_START), col(PERIOD_LABEL), col("perspective"), col(PARAMETER),
                        col(DIRECTION), col("cost_difference_gbp"));

        Dataset<Row> base = estimates.filter(col(DIRECTION).equalTo(BASE))
                .select(col(PERIOD_TYPE).as("_bt"), col(PERIOD_START).as("_bs"), col("perspective").as("_bp"),
                        col("cost_difference_gbp").as("_base"));
        Dataset<Row> ranges = estimates.filter(col(DIRECTION).notEqual(BASE))
                .groupBy(col(PERIOD_TYPE), col(PERIOD_START), col(PERIOD_LABEL), col(PARAMETER), col("perspective"))
                .agg(max(when(col(DIRECTION).equalTo("low"), col("cost_difference_gbp"))).as("_low"),
                        max(when(col(DIRECTION).equalTo("high"), col("cost_difference_gbp"))).as("_high"));
        return ranges.join(base, col(PERIOD_TYPE).equalTo(col("_bt")).and(col(PERIOD_START).equalTo(col("_bs")))
                        .and(col("perspective").equalTo(col("_bp"))), "left")
                .select(col(PERIOD_TYPE), col(PERIOD_START), col(PERIOD_LABEL), lit(Rollups.ALL).as("region"),
                        lit(Rollups.ALL).as("site_id"), col(PARAMETER).as("parameter"), col("perspective"),
                        lit(LOW).as("low_factor"), lit(HIGH).as("high_factor"),
                        col("_base").cast(MONEY).as("cost_difference_gbp"),
                        col("_low").cast(MONEY).as("cost_difference_low_gbp"),
                        col("_high").cast(MONEY).as("cost_difference_high_gbp"));
    }
}
