package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rollup rows without a shuffle: each input row is repeated once per level it counts in (site, region and
 * national; each extra dimension as itself and as {@code ALL}), so one later aggregation yields every level.
 */
public final class Rollups {

    public static final String ALL = "ALL";
    public static final String REGION = "region";
    public static final String SITE_ID = "site_id";

    private Rollups() {
    }

    /** Repeats each row for its site, its region ({@code site_id = ALL}) and the nation (both {@code ALL}). */
    public static Dataset<Row> geography(Dataset<Row> rows) {
        Column levels = array(
                struct(col(REGION).as("r"), col(SITE_ID).as("s")),
                struct(col(REGION).as("r"), lit(ALL).as("s")),
                struct(lit(ALL).as("r"), lit(ALL).as("s")));
        return rows.withColumn("_geo", explode(levels))
                .withColumn(REGION, col("_geo.r"))
                .withColumn(SITE_ID, col("_geo.s"))
                .drop("_geo");
    }

    /** Repeats each row with each named dimension as itself and as {@code ALL} (2^n copies). */
    public static Dataset<Row> withAll(Dataset<Row> rows, String... dimensions) {
        Dataset<Row> out = rows;
        for (String d : dimensions) {
            out = out.withColumn(d, explode(array(col(d).cast("string"), lit(ALL))));
        }
        return out;
    }

    /** Repeats each row for the month and the quarter containing {@code date}. */
    public static Dataset<Row> periodsOf(Dataset<Row> rows, Column date) {
        return rows.withColumn("_p", explode(Periods.monthAndQuarterOf(date)))
                .withColumn(Periods.PERIOD_TYPE, col("_p." + Periods.PERIOD_TYPE))
                .withColumn(Periods.PERIOD_START, col("_p." + Periods.PERIOD_START))
                .drop("_p");
    }

    /** period_type, period_start, region, site_id followed by the extra dimensions. */
    public static List<Column> keyColumns(String... dimensions) {
        List<Column> keys = new ArrayList<>(List.of(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START),
                col(REGION), col(SITE_ID)));
        for (String d : dimensions) {
            keys.add(col(d));
        }
        return keys;
    }
}
