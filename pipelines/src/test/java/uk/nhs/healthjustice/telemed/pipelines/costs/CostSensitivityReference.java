package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * The first {@code CostSensitivity}, kept as the reference the one-pass form must equal: it recosts every consult
 * from a varied copy of the unit costs, one Spark plan branch per assumption and level (two per assumption), and
 * computes every geography of {@link CostEffectiveness} to keep the national row. Slow (the reason for the
 * rewrite), exact.
 */
final class CostSensitivityReference {

    public static final double LOW = 0.5;
    public static final double HIGH = 2.0;

    private CostSensitivityReference() {
    }

    /** The names of unit costs whose source marks them as an assumption, sorted. */
    public static List<String> assumptions(Dataset<Row> unitCosts) {
        return unitCosts.filter(lower(trim(coalesce(col("source"), lit("")))).startsWith("assumption"))
                .select("name").distinct().orderBy("name").collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    /** The unit costs with {@code name} scaled by {@code factor}, to the penny, in the column's own type. */
    static Dataset<Row> scaled(Dataset<Row> unitCosts, String name, double factor) {
        org.apache.spark.sql.types.DataType type = unitCosts.schema().apply("value_gbp").dataType();
        Column value = when(col("name").equalTo(name),
                round(col("value_gbp").multiply(lit(java.math.BigDecimal.valueOf(factor))), 2)).otherwise(col("value_gbp"));
        return unitCosts.withColumn("value_gbp", value.cast(type));
    }

    /**
     * @param pathways  from {@code Pathways.build} (all pathways: the mart covers every quarter)
     * @param consults  curated consults
     * @param unitCosts unit costs with {@code source}
     * @param sites     site register with {@code telemedicine_go_live}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> consults, Dataset<Row> unitCosts,
                                       Dataset<Row> sites) {
        Dataset<Row> base = national(pathways, consults, unitCosts, sites, "_base");
        Dataset<Row> out = null;
        for (String name : assumptions(unitCosts)) {
            Dataset<Row> low = national(pathways, consults, scaled(unitCosts, name, LOW), sites, "_low");
            Dataset<Row> high = national(pathways, consults, scaled(unitCosts, name, HIGH), sites, "_high");
            List<String> keys = List.of(PERIOD_TYPE, PERIOD_START, PERIOD_LABEL, "perspective");
            Dataset<Row> rows = base.join(low, Costs.toSeq(keys), "full_outer").join(high, Costs.toSeq(keys), "full_outer")
                    .select(col(PERIOD_TYPE), col(PERIOD_START), col(PERIOD_LABEL), lit(Rollups.ALL).as("region"),
                            lit(Rollups.ALL).as("site_id"), lit(name).as("parameter"), col("perspective"),
                            lit(LOW).as("low_factor"), lit(HIGH).as("high_factor"),
                            col("_base").as("cost_difference_gbp"), col("_low").as("cost_difference_low_gbp"),
                            col("_high").as("cost_difference_high_gbp"));
            out = out == null ? rows : out.unionByName(rows);
        }
        if (out == null) {
            // no assumption in costs.json: an empty table with the mart's columns
            out = base.limit(0).select(col(PERIOD_TYPE), col(PERIOD_START), col(PERIOD_LABEL),
                    lit(Rollups.ALL).as("region"), lit(Rollups.ALL).as("site_id"), lit("").as("parameter"),
                    col("perspective"), lit(LOW).as("low_factor"), lit(HIGH).as("high_factor"),
                    col("_base").as("cost_difference_gbp"), col("_base").as("cost_difference_low_gbp"),
                    col("_base").as("cost_difference_high_gbp"));
        }
        return out;
    }

    /** The national adjusted cost difference per quarter and perspective, point estimate only. */
    private static Dataset<Row> national(Dataset<Row> pathways, Dataset<Row> consults, Dataset<Row> unitCosts,
                                         Dataset<Row> sites, String as) {
        return CostEffectiveness.compute(pathways, ConsultCosts.slotCosted(consults, unitCosts, sites), 0, 0)
                .filter(col("region").equalTo(Rollups.ALL).and(col("site_id").equalTo(Rollups.ALL)))
                .select(col(PERIOD_TYPE), col(PERIOD_START), col(PERIOD_LABEL), col("perspective"),
                        col("cost_difference_gbp").as(as));
    }
}
