package uk.nhs.healthjustice.telemed.pipelines.access;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * Average population per period and geography: a site's figure for a period is the mean of its monthly
 * figures in the period; a region's or the nation's is the sum of its sites' figures.
 */
public final class Population {

    public static final String AVERAGE_POPULATION = "average_population";

    private Population() {
    }

    /**
     * @param population reference rows: site_id, month (first day of the month, a date), average_population
     * @param sites      site register with site_id and region
     * @return period_type, period_start, region, site_id, average_population (double)
     */
    public static Dataset<Row> byPeriod(Dataset<Row> population, Dataset<Row> sites) {
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col("region"));
        Dataset<Row> monthly = population.join(broadcast(regions), population.col("site_id").equalTo(regions.col("_sid")))
                .drop("_sid");
        Dataset<Row> perSite = Rollups.periodsOf(monthly, col("month"))
                .groupBy(col(PERIOD_TYPE), col(PERIOD_START), col("region"), col("site_id"))
                .agg(avg(col(AVERAGE_POPULATION)).as(AVERAGE_POPULATION));
        return Rollups.geography(perSite)
                .groupBy(col(PERIOD_TYPE), col(PERIOD_START), col("region"), col("site_id"))
                .agg(sum(col(AVERAGE_POPULATION)).as(AVERAGE_POPULATION));
    }
}
