package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The commissioners' dashboard: one self-contained HTML file (ECharts and the data inlined, no network) built
 * from {@code published/} only, so everything on it has been through disclosure control.
 */
public final class Dashboard {

    private Dashboard() {
    }

    /** Builds the page and returns the file written. */
    public static Path write(SparkSession spark, Path outputRoot, Path htmlFile) throws IOException {
        PublishedTables t = new PublishedTables(spark, outputRoot);
        if (!t.has("published", "access")) {
            throw new IllegalArgumentException("Cannot build the dashboard: " + outputRoot.resolve("published/access")
                    + " does not exist (run the nightly job first)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run", t.latestRun());
        Column geoSummary = col("site_id").equalTo("ALL");
        if (t.has("published", "sites")) {
            data.put("sites", t.rows(t.table("published", "sites").orderBy("site_id"), "site_id", "site_name", "region",
                    "site_type", "telemedicine_go_live"));
        }
        Dataset<Row> access = t.table("published", "access");
        data.put("access", t.rows(access.filter(geoSummary), "period_type", "period_start", "period_label", "region",
                "modality_group", "consults_due", "attended", "did_not_attend", "cancelled_no_escort", "dna_rate",
                "telemedicine_share", "attended_per_1000", "technical_failure_rate", "gic_attended", "suppressed"));
        data.put("access_sites", t.rows(access.filter(col("site_id").notEqual("ALL")
                        .and(col("modality_group").equalTo("ALL")).and(col("period_type").equalTo("quarter"))),
                "period_label", "period_start", "region", "site_id", "attended", "dna_rate", "telemedicine_share",
                "attended_per_1000", "cancelled_no_escort", "suppressed"));
        if (t.has("published", "waiting_times")) {
            Dataset<Row> w = t.table("published", "waiting_times").filter(col("measure").equalTo("first_attendance")
                    .and(col("priority").equalTo("ALL")));
            data.put("waits", t.rows(w.filter(geoSummary.and(col("specialty_code").equalTo("ALL"))), "period_type",
                    "period_start", "period_label", "region", "modality_group", "completed_pathways", "median_wait_days",
                    "p92_wait_days", "pct_within_18_weeks", "suppressed"));
            data.put("waits_sites", t.rows(w.filter(col("site_id").notEqual("ALL").and(col("specialty_code").equalTo("ALL"))
                            .and(col("modality_group").equalTo("ALL")).and(col("period_type").equalTo("quarter"))),
                    "period_label", "site_id", "completed_pathways", "median_wait_days", "suppressed"));
            data.put("specialties", t.rows(w.filter(geoSummary.and(col("specialty_code").notEqual("ALL"))
                            .and(col("modality_group").equalTo("ALL")).and(col("period_type").equalTo("quarter")))
                            .withColumn("specialty", Specialties.label(col("specialty_code"))),
                    "period_type", "period_label", "region", "specialty_code", "specialty", "completed_pathways",
                    "median_wait_days", "suppressed"));
            // The waiting list (measure rtt) at each quarter's end: the RTT standard (92% within 18 weeks), the
            // list by weeks waited and the flows out of it, released before treatment among them. The list and
            // its counts are stocks on the quarter's last day: each quarter is shown as published, never summed
            // over quarters or months.
            Dataset<Row> rtt = t.table("published", "waiting_times").filter(col("measure").equalTo("rtt")
                    .and(col("priority").equalTo("ALL")).and(col("specialty_code").equalTo("ALL"))
                    .and(col("modality_group").equalTo("ALL")).and(geoSummary)
                    .and(col("period_type").equalTo("quarter")));
            data.put("waiting_list", t.rows(rtt, PublishedTables.present(rtt, "period_type", "period_start",
                    "period_label", "region", "incomplete_pathways", "incomplete_within_18_weeks",
                    "pct_incomplete_within_18_weeks", "incomplete_median_wait_days", "incomplete_p92_wait_days",
                    "incomplete_over_18_weeks", "incomplete_over_52_weeks", "incomplete_over_65_weeks",
                    "incomplete_over_78_weeks", "incomplete_over_104_weeks", "completed_pathways", "removed_released",
                    "removed_transferred_out", "removed_died", "released_before_treatment_rate", "suppressed")));
        }
        if (t.has("published", "costs")) {
            // money is DECIMAL(18,2), written as JSON numbers; below national level the totals are null (not
            // published) and the page shows the mean per attendance instead
            Dataset<Row> costs = t.table("published", "costs").filter(col("modality_group").equalTo("ALL"));
            data.put("costs", t.rows(costs.filter(geoSummary), "period_type", "period_label", "period_start", "region",
                    "attended", "total_cost_gbp", "cost_per_attendance_gbp", "escorts", "escorts_avoided",
                    "escort_cost_avoided_gbp", "suppressed"));
            data.put("costs_sites", t.rows(costs.filter(col("site_id").notEqual("ALL")
                            .and(col("period_type").equalTo("quarter"))),
                    "period_label", "site_id", "cost_per_attendance_gbp", "suppressed"));
        }
        if (t.has("published", "mha_transfers")) {
            data.put("mha", t.rows(t.table("published", "mha_transfers").filter(geoSummary
                            .and(col("first_assessment_modality").equalTo("ALL"))),
                    "period_type", "period_label", "period_start", "region", "cases_referred", "cases_transferred",
                    "transferred_within_28_days", "pct_transferred_within_28_days", "median_days_to_first_assessment",
                    "suppressed"));
        }
        if (t.has("published", "rollout_impact")) {
            Dataset<Row> r = t.table("published", "rollout_impact");
            if (java.util.Arrays.asList(r.columns()).contains("event_time")) {
                data.put("impact", t.rows(t.headlineImpact(), "outcome", "event_time",
                        "estimate", "ci_low", "ci_high", "method"));
            }
        }
        addSafety(t, data);
        addEconomics(t, data);
        addEquity(t, data);
        // one pass: the data holds untrusted site names, which must never be taken for a marker
        String html = Template.fill(Assets.template("dashboard.html"),
                Map.of("/*ECHARTS*/", Assets.echarts(), "/*DATA*/", SafeJson.of(data)));
        Files.createDirectories(htmlFile.toAbsolutePath().getParent());
        Files.writeString(htmlFile, html, StandardCharsets.UTF_8);
        return htmlFile;
    }

    /**
     * Prescribing safety and telemedicine security (issue 18). A table not yet published leaves its key out of
     * the data, and the page says "not yet published" where its charts would be.
     */
    private static void addSafety(PublishedTables t, Map<String, Object> data) {
        SafetyData safety = new SafetyData(t);
        if (safety.hasPrescribing()) {
            data.put("prescribing", safety.prescribingNational(lit(true)));
        }
        if (safety.hasSecurity()) {
            Dataset<Row> sites = safety.securityBySite(null);
            data.put("security_sites", t.rows(sites, PublishedTables.present(sites, SafetyData.SECURITY_SITE_COLUMNS)));
            data.put("security_national", safety.securityNationalByKind(lit(true)));
        }
    }

    /**
     * The economic evaluation's decision outputs (issue 17): tornado, acceptability curve and cost-effectiveness
     * plane for the latest quarter, budget impact for the latest financial year.
     */
    private static void addEconomics(PublishedTables t, Map<String, Object> data) {
        EconomicsData economics = new EconomicsData(t);
        if (economics.hasSensitivity()) {
            Dataset<Row> s = economics.sensitivity(null);
            data.put("sensitivity", t.rows(s, PublishedTables.present(s, EconomicsData.SENSITIVITY_COLUMNS)));
        }
        if (economics.hasDecisionOutputs()) {
            Dataset<Row> ce = economics.nationalDecision(null);
            data.put("decision", t.rows(ce, EconomicsData.decisionColumns(ce)));
        }
        if (economics.hasBudgetImpact()) {
            Dataset<Row> bi = economics.budgetImpact(true, null);
            data.put("budget_impact", t.rows(bi, PublishedTables.present(bi, EconomicsData.BUDGET_COLUMNS)));
        }
    }

    /**
     * Equity by demographic group, digital readiness by site and the roll-out effect by connectivity at go-live
     * (issue 19). As with safety and economics, a table not yet published leaves its key out of the data.
     */
    private static void addEquity(PublishedTables t, Map<String, Object> data) {
        EquityData equity = new EquityData(t);
        data.put("equity_notes", Map.of("method", EquityData.METHOD_NOTE, "no_subgroups", EquityData.NO_SUBGROUPS));
        if (equity.hasEquity()) {
            Dataset<Row> latest = equity.equity(null);
            data.put("equity", t.rows(latest, PublishedTables.present(latest, EquityData.EQUITY_COLUMNS)));
            Dataset<Row> trend = equity.equityNationalTrend();
            data.put("equity_trend", t.rows(trend, PublishedTables.present(trend, "period_label", "period_start",
                    "dimension", "group_value", "telemedicine_share_vs_all", "median_wait_vs_all", "suppressed")));
        }
        if (equity.hasReadiness()) {
            Dataset<Row> r = equity.readiness(null);
            data.put("readiness", t.rows(r, PublishedTables.present(r, EquityData.READINESS_COLUMNS)));
        }
        if (equity.hasSubgroups()) {
            Dataset<Row> s = equity.subgroupEffects();
            data.put("impact_subgroups", t.rows(s, PublishedTables.present(s, EquityData.SUBGROUP_COLUMNS)));
        }
    }
}
