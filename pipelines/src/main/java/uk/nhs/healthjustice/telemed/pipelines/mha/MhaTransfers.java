package uk.nhs.healthjustice.telemed.pipelines.mha;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Percentiles;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/mha_transfers}: Mental Health Act transfers from prison to hospital (s47/s48), as cohorts by
 * the period of the referral date (day 0 of the 28-day transfer period, split by NHS England's 2021 guidance
 * into referral to first assessment and first assessment to transfer, 14 days each).
 *
 * <p>Days are calendar-day differences: a transfer on day 28 (referral date + 28) is within 28 days, day 29
 * is not. Cases not yet assessed have no first-assessment modality and appear only on {@code ALL} rows.
 * {@code open_over_28_days} counts cases with outcome {@code open} and no transfer whose referral was more
 * than 28 days before the last day of the cohort period.
 */
public final class MhaTransfers {

    public static final String MODALITY = "first_assessment_modality";

    private MhaTransfers() {
    }

    public static Dataset<Row> compute(Dataset<Row> cases, Dataset<Row> sites) {
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col("region"));
        Column referral = col("referral_date");
        Dataset<Row> facts = cases.join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .select(col("region"), col("site_id"), col(MODALITY).as("_modality"), col("outcome"),
                        referral,
                        datediff(col("first_assessment_date"), referral).as("_to_first"),
                        datediff(col("transfer_date"), col("first_assessment_date")).as("_first_to_transfer"),
                        datediff(col("transfer_date"), referral).as("_to_transfer"),
                        col("transfer_date").isNotNull().as("_transferred"));
        facts = Rollups.periodsOf(facts, referral);
        facts = Rollups.geography(facts);
        // an unassessed case has no modality: it counts on ALL rows only
        facts = facts.withColumn(MODALITY, explode(array(col("_modality"), lit(Rollups.ALL))))
                .filter(col(MODALITY).isNotNull());

        Column periodEnd = periodEnd(col(PERIOD_TYPE), col(PERIOD_START));
        Column open = col("outcome").equalTo("open").and(not(col("_transferred")))
                .and(datediff(periodEnd, referral).gt(28));
        Column toFirst = col("_to_first");
        Column toTransfer = col("_to_transfer");
        List<Column> keys = Rollups.keyColumns(MODALITY);
        Dataset<Row> agg = facts.groupBy(keys.toArray(Column[]::new)).agg(
                count(lit(1)).as("cases_referred"),
                count(toFirst).as("cases_assessed"),
                Percentiles.sortedValues(toFirst).as("_first"),
                count(when(toFirst.leq(14), 1)).as("first_assessment_within_14_days"),
                count(when(col("_transferred"), 1)).as("cases_transferred"),
                Percentiles.sortedValues(when(col("_transferred"), col("_first_to_transfer"))).as("_stage2"),
                Percentiles.sortedValues(when(col("_transferred"), toTransfer)).as("_whole"),
                count(when(col("_transferred").and(toTransfer.leq(28)), 1)).as("transferred_within_28_days"),
                count(when(open, 1)).as("open_over_28_days"),
                count(when(col("outcome").equalTo("open").and(not(col("_transferred"))), 1)).as("cases_open"));
        return agg.select(col(PERIOD_TYPE), col(PERIOD_START), labelColumn(), col("region"), col("site_id"),
                col(MODALITY), col("cases_referred"), col("cases_assessed"),
                Percentiles.nearestRank(col("_first"), 50).as("median_days_to_first_assessment"),
                Percentiles.nearestRank(col("_first"), 92).as("p92_days_to_first_assessment"),
                col("first_assessment_within_14_days"), col("cases_transferred"),
                Percentiles.nearestRank(col("_stage2"), 50).as("median_days_assessment_to_transfer"),
                Percentiles.nearestRank(col("_whole"), 50).as("median_days_to_transfer"),
                col("transferred_within_28_days"),
                when(col("cases_transferred").gt(0), col("transferred_within_28_days").multiply(100.0)
                        .divide(col("cases_transferred"))).as("pct_transferred_within_28_days"),
                col("open_over_28_days"), col("cases_open"));
    }
}
