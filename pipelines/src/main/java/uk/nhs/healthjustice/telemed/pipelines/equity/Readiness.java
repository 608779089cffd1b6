package uk.nhs.healthjustice.telemed.pipelines.equity;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/readiness} (METRICS.md version 2): each site's connectivity and devices beside its use of
 * telemedicine, quarter by quarter, so evaluators can see where connectivity held the roll-out back (about 50
 * of 117 prisons could not run video when it was first needed; 4G tablets came later).
 *
 * <p>Per site and quarter with attended consults ({@code period_type = quarter}): {@code connectivity} and
 * {@code devices} from the {@code site_connectivity.csv} row in force on the quarter's last day (the site's
 * latest row with {@code valid_from} on or before it; null before the site's first row, with
 * {@code connectivity_valid_from} saying which row was used); and, counted as in {@code access} (the quarter
 * of the London date of {@code scheduled_start}, {@code booked} left out), {@code attended},
 * {@code attended_telemedicine}, {@code telemedicine_share}, {@code telemedicine_due},
 * {@code technical_failures} and {@code technical_failure_rate}. Site rows only: connectivity is a property
 * of a site.
 */
public final class Readiness {

    /** The mart's columns, in order (also the schema of the empty mart). */
    public static final StructType SCHEMA = new StructType()
            .add(PERIOD_TYPE, DataTypes.StringType)
            .add(PERIOD_START, DataTypes.DateType)
            .add(PERIOD_LABEL, DataTypes.StringType)
            .add(Rollups.REGION, DataTypes.StringType)
            .add(Rollups.SITE_ID, DataTypes.StringType)
            .add("connectivity", DataTypes.StringType)
            .add("devices", DataTypes.StringType)
            .add("connectivity_valid_from", DataTypes.DateType)
            .add("attended", DataTypes.LongType)
            .add("attended_telemedicine", DataTypes.LongType)
            .add("telemedicine_share", DataTypes.DoubleType)
            .add("telemedicine_due", DataTypes.LongType)
            .add("technical_failures", DataTypes.LongType)
            .add("technical_failure_rate", DataTypes.DoubleType);

    private Readiness() {
    }

    /**
     * @param consults     curated consults ({@code site_id}, {@code scheduled_start}, {@code modality},
     *                     {@code outcome}, {@code technical_failure})
     * @param sites        site register ({@code site_id}, {@code region})
     * @param connectivity the rows of {@code site_connectivity.csv} ({@code site_id}, {@code valid_from},
     *                     {@code connectivity}, {@code devices}), or null when no file was supplied: the mart is
     *                     then empty, with its schema
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> sites, Dataset<Row> connectivity) {
        if (connectivity == null) {
            return consults.sparkSession().createDataFrame(List.of(), SCHEMA);
        }
        Column outcome = col("outcome");
        Column attended = outcome.equalTo("attended");
        Column tele = Modality.isTelemedicine(col("modality"));
        Dataset<Row> counts = consults.filter(outcome.notEqual("booked"))
                .groupBy(col("site_id"), quarterStart(LondonTime.londonDate(col("scheduled_start"))).as(PERIOD_START))
                .agg(count(when(attended, lit(1))).as("attended"),
                        count(when(attended.and(tele), lit(1))).as("attended_telemedicine"),
                        count(when(tele, lit(1))).as("telemedicine_due"),
                        count(when(tele.and(col("technical_failure")), lit(1))).as("technical_failures"))
                .filter(col("attended").gt(0));

        // The row in force on the quarter's last day: the latest valid_from on or before it. Site-quarters and
        // connectivity rows are both small (sites x quarters, a few rows per site).
        Dataset<Row> rows = connectivity.select(col("site_id").as("_csite"), col("valid_from").as("_from"),
                col("connectivity").as("_conn"), col("devices").as("_dev"));
        Dataset<Row> inForce = counts.select(col("site_id").as("_qsite"), col(PERIOD_START).as("_qstart"))
                .join(broadcast(rows), col("_qsite").equalTo(col("_csite"))
                        .and(col("_from").leq(periodEnd(lit(QUARTER), col("_qstart")))), "inner")
                .groupBy(col("_qsite"), col("_qstart"))
                .agg(max(struct(col("_from"), col("_conn"), col("_dev"))).as("_row"));

        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col(Rollups.REGION));
        Dataset<Row> out = counts
                .join(inForce, col("site_id").equalTo(col("_qsite")).and(col(PERIOD_START).equalTo(col("_qstart"))),
                        "left")
                .join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .withColumn(PERIOD_TYPE, lit(QUARTER))
                .withColumn(PERIOD_LABEL, quarterLabel(col(PERIOD_START)))
                .withColumn("connectivity", col("_row._conn"))
                .withColumn("devices", col("_row._dev"))
                .withColumn("connectivity_valid_from", col("_row._from"))
                .withColumn("telemedicine_share", ratio(col("attended_telemedicine"), col("attended")))
                .withColumn("technical_failure_rate", ratio(col("technical_failures"), col("telemedicine_due")));
        return out.select(java.util.Arrays.stream(SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
    }

    private static Column ratio(Column numerator, Column denominator) {
        return when(denominator.notEqual(0), numerator.cast("double").divide(denominator));
    }
}
