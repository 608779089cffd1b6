package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The economic evaluation's decision outputs (issue 17, cost_effectiveness version 2) as the pages read them:
 * one-way sensitivity (a tornado), acceptability and the cost-effectiveness plane, and budget impact. Each
 * table may be absent or older than version 2; callers show a "not yet published" line then.
 */
final class EconomicsData {

    static final String SENSITIVITY = "cost_sensitivity";
    static final String COST_EFFECTIVENESS = "cost_effectiveness";
    static final String BUDGET_IMPACT = "budget_impact";

    /** Willingness to pay per wait-day avoided, GBP (METRICS.md): the acceptability curve's x values. */
    static final List<Integer> LAMBDAS = List.of(0, 5, 10, 20, 50, 100, 200);

    private static final Column NATIONAL = col("region").equalTo("ALL").and(col("site_id").equalTo("ALL"));
    private static final Column QUARTERS = col("period_type").equalTo("quarter");

    private final PublishedTables t;

    EconomicsData(PublishedTables t) {
        this.t = t;
    }

    boolean hasSensitivity() {
        return t.has("published", SENSITIVITY);
    }

    boolean hasBudgetImpact() {
        return t.has("published", BUDGET_IMPACT);
    }

    /** Version 2 cost_effectiveness: the acceptability columns are there (older outputs have none). */
    boolean hasDecisionOutputs() {
        return t.has("published", COST_EFFECTIVENESS) && Arrays.asList(t.table("published", COST_EFFECTIVENESS)
                .columns()).contains("p_cost_effective_" + LAMBDAS.get(0));
    }

    /**
     * National one-way sensitivity rows of one quarter (the given one, or the latest the table has): per
     * parameter and perspective, the incremental cost at the base, low and high value of that unit cost.
     */
    Dataset<Row> sensitivity(String quarterLabel) {
        return PublishedTables.inQuarter(t.table("published", SENSITIVITY).filter(NATIONAL.and(QUARTERS)), quarterLabel)
                .orderBy("perspective", "parameter");
    }

    static final String[] SENSITIVITY_COLUMNS = {"period_label", "perspective", "parameter", "low_factor",
        "high_factor", "cost_difference_gbp", "cost_difference_low_gbp", "cost_difference_high_gbp"};

    /** National cost_effectiveness rows of one quarter (the given one, or the latest), one per perspective. */
    Dataset<Row> nationalDecision(String quarterLabel) {
        Dataset<Row> ce = PublishedTables.inQuarter(t.table("published", COST_EFFECTIVENESS).filter(NATIONAL.and(QUARTERS)),
                quarterLabel);
        return Arrays.asList(ce.columns()).contains("perspective") ? ce.orderBy("perspective") : ce;
    }

    /**
     * The columns of the acceptability curve and the plane, as far as the table has them. Bootstrap replicates
     * are not published (only their quadrant shares), so the plane shows the point estimate and its intervals.
     */
    static String[] decisionColumns(Dataset<Row> ce) {
        List<String> wanted = new ArrayList<>(List.of("period_label", "perspective", "cost_difference_gbp",
                "cost_difference_ci_low", "cost_difference_ci_high", "wait_difference_days", "wait_difference_ci_low",
                "wait_difference_ci_high", "p_cheaper_and_faster", "p_dearer_and_faster", "p_cheaper_and_slower",
                "p_dearer_and_slower"));
        LAMBDAS.forEach(l -> wanted.add("nmb_" + l));
        LAMBDAS.forEach(l -> wanted.add("p_cost_effective_" + l));
        wanted.add("suppressed");
        return PublishedTables.present(ce, wanted.toArray(String[]::new));
    }

    /**
     * Budget impact rows per financial year: national first, then regions and sites. Below national only the
     * mean per consult is published (totals divide back into consults).
     *
     * @param latestYearOnly the dashboard shows the latest financial year; the report every year to its quarter
     * @param upToYearStart  with the report, the start of the quarter's financial year; else null
     */
    Dataset<Row> budgetImpact(boolean latestYearOnly, java.time.LocalDate upToYearStart) {
        Dataset<Row> bi = t.table("published", BUDGET_IMPACT).filter(col("period_type").equalTo("financial_year"));
        if (upToYearStart != null) {
            bi = bi.filter(col("period_start").leq(org.apache.spark.sql.functions.lit(upToYearStart)));
        }
        if (latestYearOnly) {
            Row latest = bi.agg(max("period_start")).first();
            bi = latest.isNullAt(0) ? bi.limit(0) : bi.filter(col("period_start").equalTo(latest.get(0)));
        }
        return bi.orderBy(col("period_start"), col("perspective"), col("region").notEqual("ALL"), col("region"),
                col("site_id").notEqual("ALL"), col("site_id"));
    }

    static final String[] BUDGET_COLUMNS = {"period_label", "perspective", "region", "site_id", "consults",
        "cost_as_delivered_gbp", "cost_at_pre_go_live_mix_gbp", "budget_impact_gbp", "budget_impact_per_consult_gbp",
        "suppressed"};
}
