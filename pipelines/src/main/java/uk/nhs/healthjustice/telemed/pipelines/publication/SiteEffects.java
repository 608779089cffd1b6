package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.pipelines.evaluation.RolloutImpact;

/**
 * The site rows of {@code published/rollout_impact}, made from rounded counts only (METRICS.md, published/,
 * version 2: a site's before/after values times their counts must not give back a small count).
 *
 * <ul>
 *   <li>A quarter's rate ({@code dna_rate}, {@code cancelled_no_escort_per_1000_due}) is recomputed from the
 *   rounded numerator and the rounded count; attendances per 1,000 from the rounded attendances and the public
 *   population ({@code value x rounded n / n}). Statistics (waits) stay as they are where their count is at
 *   least 8 ({@link DisclosureControl} has already nulled the rest).</li>
 *   <li>A site's {@code value_before} and {@code value_after} are the means of its published quarters weighted
 *   by their published counts, and {@code change} their difference; null when any quarter of the window is
 *   not published. So they add nothing to what the quarter rows already show.</li>
 * </ul>
 * {@link DisclosureControl#publish} runs it in two steps around the generic control: quarter values before
 * (they need the unrounded counts), summaries after (they read the published quarters). National rows are not
 * touched.
 */
final class SiteEffects {

    private SiteEffects() {
    }

    /**
     * Before control: each site quarter's rate from the counts as they will be published (rounded), so the
     * value can only give back the rounded counts. {@link DisclosureControl} then nulls the values resting on
     * fewer than 8 and rounds the counts.
     */
    static Dataset<Row> quartersFromRoundedCounts(Dataset<Row> mart) {
        Column quarterRow = col("level").equalTo("site").and(col("event_time").isNotNull());
        Column outcome = col("outcome");
        Column n = DisclosureControl.controlledCount(col("n"));
        Column numerator = DisclosureControl.controlledCount(col("numerator"));
        Column value = col("value");
        for (var r : RolloutImpact.RATE_OUTCOMES.entrySet()) {
            value = when(quarterRow.and(outcome.equalTo(r.getKey())), when(numerator.isNotNull().and(n.gt(0)),
                    numerator.cast("double").multiply(r.getValue()).divide(n))).otherwise(value);
        }
        // per 1,000 population: the rounded attendances over the same public population
        value = when(quarterRow.and(outcome.equalTo(RolloutImpact.PER_POPULATION_OUTCOME)),
                when(n.isNotNull().and(col("n").gt(0)), col("value").multiply(n).divide(col("n")))).otherwise(value);
        return mart.withColumn("value", value);
    }

    /**
     * After control: each site's before/after means from its published quarter rows, weighted by their
     * published counts; null when any quarter of the window is not published.
     */
    static Dataset<Row> summariesFromPublishedQuarters(Dataset<Row> controlled) {
        String[] columns = controlled.columns();
        Column site = col("level").equalTo("site");
        Column quarterRow = site.and(col("event_time").isNotNull());
        Dataset<Row> windows = controlled.filter(quarterRow)
                .groupBy(col(Rollups.SITE_ID).as("_site"), col("outcome").as("_outcome"))
                .agg(sum(when(col("event_time").lt(0), col("value").multiply(col("n")))).as("_sum_before"),
                        sum(when(col("event_time").lt(0), col("n"))).as("_n_before"),
                        count(when(col("event_time").lt(0).and(missing()), 1)).as("_missing_before"),
                        sum(when(col("event_time").gt(0), col("value").multiply(col("n")))).as("_sum_after"),
                        sum(when(col("event_time").gt(0), col("n"))).as("_n_after"),
                        count(when(col("event_time").gt(0).and(missing()), 1)).as("_missing_after"))
                .select(col("_site"), col("_outcome"), mean("before"), mean("after"));
        Column summary = site.and(col("event_time").isNull());
        Dataset<Row> joined = controlled.join(windows, col(Rollups.SITE_ID).equalTo(col("_site"))
                .and(col("outcome").equalTo(col("_outcome"))).and(summary), "left");
        List<Column> out = new ArrayList<>();
        for (String c : columns) {
            Column v = switch (c) {
                case "value_before" -> when(summary, col("_mean_before")).otherwise(col(c));
                case "value_after" -> when(summary, col("_mean_after")).otherwise(col(c));
                case "change" -> when(summary, col("_mean_after").minus(col("_mean_before"))).otherwise(col(c));
                default -> col(c);
            };
            out.add(v.as(c));
        }
        return joined.select(out.toArray(Column[]::new));
    }

    private static Column missing() {
        return col("value").isNull().or(col("n").isNull());
    }

    private static Column mean(String name) {
        return when(col("_missing_" + name).equalTo(0).and(col("_n_" + name).gt(0)),
                col("_sum_" + name).divide(col("_n_" + name))).as("_mean_" + name);
    }
}
