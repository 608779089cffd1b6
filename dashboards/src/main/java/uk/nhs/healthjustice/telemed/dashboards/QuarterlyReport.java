package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The evaluators' quarterly report: one HTML document (prints cleanly to PDF: tables break across pages,
 * charts are SVG) and every table beside it as CSV. Statistics come from {@code published/} (disclosure
 * controlled, so the report can be shared as it is); the data-quality notes come from
 * {@code marts/data_quality}, which counts rows and rules, not people.
 */
public final class QuarterlyReport {

    private static final Pattern QUARTER = Pattern.compile("(\\d{4})-(\\d{2}) Q([1-4])");

    private final PublishedTables t;
    private final String quarter;
    private final LocalDate start;

    private QuarterlyReport(PublishedTables t, String quarter, LocalDate start) {
        this.t = t;
        this.quarter = quarter;
        this.start = start;
    }

    /** First day of an NHS financial quarter given as {@code 2026-27 Q2}. */
    public static LocalDate quarterStart(String label) {
        Matcher m = QUARTER.matcher(label == null ? "" : label.trim());
        if (!m.matches() || (Integer.parseInt(m.group(1)) + 1) % 100 != Integer.parseInt(m.group(2))) {
            throw new IllegalArgumentException("Invalid quarter: '" + label
                    + "' (expected an NHS financial quarter such as '2026-27 Q2': July to September 2026)");
        }
        return LocalDate.of(Integer.parseInt(m.group(1)), 4, 1).plusMonths(3L * (Integer.parseInt(m.group(3)) - 1));
    }

    /** Writes {@code report.html} and one CSV per table into {@code dir}; returns the HTML file. */
    public static Path write(SparkSession spark, Path outputRoot, String quarter, Path dir) throws IOException {
        LocalDate start = quarterStart(quarter);
        PublishedTables t = new PublishedTables(spark, outputRoot);
        for (String needed : List.of("waiting_times", "access")) {
            if (!t.has("published", needed)) {
                throw new IllegalArgumentException("Cannot build the report: " + outputRoot.resolve("published")
                        .resolve(needed) + " does not exist (run the nightly job first)");
            }
        }
        String label = quarter.trim();
        if (t.table("published", "access").filter(col("period_type").equalTo("quarter")
                .and(col("period_label").equalTo(label))).isEmpty()) {
            throw new IllegalArgumentException("Cannot build the report: no data for " + label + " in "
                    + outputRoot.resolve("published") + " (quarters start " + start + ")");
        }
        return new QuarterlyReport(t, label, start).render(dir);
    }

    private Path render(Path dir) throws IOException {
        List<ReportTable> tables = new ArrayList<>();
        tables.add(headline());
        Column quarterRows = col("period_type").equalTo("quarter").and(col("period_label").equalTo(quarter));
        Column regions = col("site_id").equalTo("ALL");
        Column national = regions.and(col("region").equalTo("ALL"));

        Dataset<Row> waits = t.table("published", "waiting_times").filter(quarterRows.and(col("priority").equalTo("ALL")));
        Dataset<Row> first = waits.filter(col("measure").equalTo("first_attendance"));
        tables.add(table("waits_by_region", "Wait from referral to first attendance, by region",
                "Pathways whose first attendance fell in the quarter; all specialties and priorities.",
                first.filter(regions.and(col("specialty_code").equalTo("ALL")).and(col("modality_group").equalTo("ALL")))
                        .orderBy(col("region").equalTo("ALL"), col("region")),
                "region", "completed_pathways", "median_wait_days", "p92_wait_days", "mean_wait_days",
                "pct_within_18_weeks", "suppressed"));
        tables.add(table("waits_by_modality", "Telemedicine against in person: wait to first attendance (national)",
                "A pathway is telemedicine or in person by the modality of its first attended consult.",
                first.filter(national.and(col("specialty_code").equalTo("ALL"))).orderBy("modality_group"),
                "modality_group", "completed_pathways", "median_wait_days", "p92_wait_days", "mean_wait_days",
                "pct_within_18_weeks"));
        tables.add(table("waits_by_specialty", "Wait to first attendance by specialty (national)",
                "NHS treatment function codes with their NHS Data Dictionary names; GIC marks gender identity clinics,"
                        + " which have no treatment function code.",
                first.filter(national.and(col("modality_group").equalTo("ALL")))
                        .withColumn("specialty", Specialties.label(col("specialty_code"))).orderBy("specialty_code"),
                "specialty", "completed_pathways", "median_wait_days", "p92_wait_days", "pct_within_18_weeks"));
        Dataset<Row> list = waits.filter(col("measure").equalTo("rtt").and(regions)
                        .and(col("specialty_code").equalTo("ALL")).and(col("modality_group").equalTo("ALL")))
                .orderBy(col("region").equalTo("ALL"), col("region"));
        tables.add(table("waiting_list", "Waiting list at the end of the quarter (referral to treatment), by region",
                "Pathways still waiting on the last day of the quarter (no treatment, decision not to treat or removal"
                        + " by then), by weeks waited; the NHS standard is 92% within 18 weeks. A stock at quarter end:"
                        + " quarters are never added up.",
                list, present(list, "region", "incomplete_pathways", "incomplete_within_18_weeks",
                        "pct_incomplete_within_18_weeks", "incomplete_median_wait_days", "incomplete_p92_wait_days",
                        "incomplete_over_18_weeks", "incomplete_over_52_weeks", "incomplete_over_65_weeks",
                        "incomplete_over_78_weeks", "incomplete_over_104_weeks", "suppressed")));
        tables.add(table("released_before_treatment", "Pathways ended in the quarter, and released before treatment, "
                        + "by region",
                "Completed by treatment or a decision not to treat, or removed: released from prison, transferred out,"
                        + " died. Released before treatment = released / all pathways ended.",
                list, present(list, "region", "new_clock_starts", "completed_pathways", "removed_released",
                        "removed_transferred_out", "removed_died", "released_before_treatment_rate", "suppressed")));

        Dataset<Row> access = t.table("published", "access").filter(quarterRows);
        tables.add(table("access_by_region", "Access to appointments, by region",
                "Consults by the London date of their start; booked consults not counted.",
                access.filter(regions.and(col("modality_group").equalTo("ALL")))
                        .orderBy(col("region").equalTo("ALL"), col("region")),
                "region", "average_population", "consults_due", "attended", "attended_per_1000", "dna_rate",
                "telemedicine_share", "cancelled_no_escort", "cancelled_security", "gic_attended", "technical_failure_rate", "suppressed"));
        tables.add(table("access_by_modality", "Access by modality (national)", "",
                access.filter(national.and(col("modality_group").notEqual("ALL"))).orderBy("modality_group"),
                "modality_group", "consults_due", "attended", "did_not_attend", "dna_rate", "cancelled_no_escort",
                "cancelled_security"));
        tables.add(sites(access, first));

        if (t.has("published", "mha_transfers")) {
            tables.add(table("mha_transfers", "Mental Health Act transfers to hospital, by region",
                    "Cases referred in the quarter (day 0 of the 28-day transfer period).",
                    t.table("published", "mha_transfers").filter(quarterRows.and(regions)
                                    .and(col("first_assessment_modality").equalTo("ALL")))
                            .orderBy(col("region").equalTo("ALL"), col("region")),
                    "region", "cases_referred", "cases_assessed", "median_days_to_first_assessment",
                    "first_assessment_within_14_days", "cases_transferred", "median_days_to_transfer",
                    "transferred_within_28_days", "pct_transferred_within_28_days", "open_over_28_days", "suppressed"));
        }
        tables.addAll(safety(quarterRows));
        if (t.has("published", "costs")) {
            Dataset<Row> costs = t.table("published", "costs").filter(quarterRows);
            tables.add(table("costs", "Costs of attended consults and escorts avoided (national, by modality)",
                    "Unit costs from reference/costs.json as valid on each consult's date; pounds rounded to whole "
                            + "pounds here, exact to the penny in the CSV.",
                    costs.filter(national).orderBy("modality_group"),
                    "modality_group", "attended", "clinician_cost_gbp", "escort_cost_gbp", "telemedicine_cost_gbp",
                    "total_cost_gbp", "cost_per_attendance_gbp", "escorts", "escort_officer_hours", "escorts_avoided",
                    "escort_cost_avoided_gbp"));
            tables.add(table("costs_by_region", "Cost per attendance, by region",
                    "Below national level totals are not published (a total divided by a unit cost would give back "
                            + "a count): the mean cost per attendance is shown instead, where it rests on 8 or more "
                            + "attendances; a dash is a value suppressed or not published.",
                    costs.filter(regions.and(col("modality_group").equalTo("ALL")))
                            .orderBy(col("region").equalTo("ALL"), col("region")),
                    "region", "attended", "cost_per_attendance_gbp", "site_fixed_cost_gbp", "escorts",
                    "escorts_avoided", "escort_cost_avoided_gbp", "suppressed"));
        }
        if (t.has("published", "cost_effectiveness")) {
            Dataset<Row> ce = t.table("published", "cost_effectiveness").filter(quarterRows.and(regions));
            // version 2 has a row per perspective: the report shows the public sector's (NHS and HMPPS together)
            boolean ceV2 = java.util.Arrays.asList(ce.columns()).contains("perspective");
            if (ceV2) {
                ce = ce.filter(col("perspective").equalTo("public_sector"));
            }
            ce = ce.orderBy(col("region").equalTo("ALL"), col("region"));
            tables.add(table("cost_effectiveness", "Cost-effectiveness: telemedicine against in-person pathways",
                    ceV2 ? "Public-sector costs (NHS and HMPPS) per pathway first attended in the quarter, every consult"
                            + " up to the first attendance included. Differences are adjusted for case mix (within"
                            + " specialty x priority x site); 95% bootstrap intervals resample whole sites. Where an"
                            + " interval includes zero no ratio interval is given: read the net monetary benefit and"
                            + " the probability of being cost-effective at a willingness to pay per wait-day avoided."
                            : "Means per pathway completed in the quarter; 95% bootstrap intervals resampling pathways.",
                    ce,
                    present(ce, "region", "telemedicine_pathways", "in_person_pathways", "mean_cost_telemedicine_gbp",
                            "mean_cost_in_person_gbp", "mean_wait_telemedicine_days", "mean_wait_in_person_days",
                            "cost_difference_unadjusted_gbp", "cost_difference_gbp", "cost_difference_ci_low",
                            "cost_difference_ci_high", "wait_difference_days", "wait_difference_ci_low",
                            "wait_difference_ci_high", "incremental_cost_per_wait_day_avoided_gbp",
                            "incremental_cost_per_wait_day_avoided_ci_low", "incremental_cost_per_wait_day_avoided_ci_high",
                            "ratio_note", "nmb_20", "p_cost_effective_20", "dominant", "suppressed")));
        }
        tables.addAll(economics());
        boolean impact = t.has("published", "rollout_impact");
        if (impact) {
            Dataset<Row> national2 = t.headlineImpact();
            Dataset<Row> overall = t.allSitesImpact()
                    .filter(col("level").equalTo("national").and(col("event_time").isNull()));
            boolean v2 = java.util.Arrays.asList(overall.columns()).contains("control");
            tables.add(table("rollout_impact", "Roll-out impact: effect of telemedicine go-live (national)",
                    "Mean over the four full quarters after go-live, from all history to date (not only this quarter)."
                            + (v2 ? " Control not_yet_treated is the headline; never_treated and the placebo"
                            + " (go-live moved four quarters earlier, outcome ending _placebo: should be near 0) check it;"
                            + " pretrend_p_value below 0.05 is evidence against parallel trends." : ""),
                    v2 ? overall.orderBy("outcome", "control") : overall.orderBy("outcome"),
                    v2 ? new String[] {"outcome", "control", "estimate", "ci_low", "ci_high", "pretrend_p_value",
                        "sites_treated", "sites_never_live", "n_bootstrap"}
                        : new String[] {"outcome", "estimate", "ci_low", "ci_high", "sites_treated", "sites_never_live",
                            "n_bootstrap"}));
            tables.add(table("rollout_event_study", "Roll-out impact by quarters since go-live (national)",
                    "Quarter -1, the one before go-live, is the base; quarter 0 is the go-live quarter.",
                    national2.filter(col("event_time").isNotNull()).orderBy("outcome", "event_time"),
                    "outcome", "event_time", "estimate", "ci_low", "ci_high"));
        }
        tables.addAll(equity());
        if (t.has("published", "digital_equivalence")) {
            tables.add(table("digital_equivalence", "Digital equivalence: prisons against the community (national)",
                    "Ratios are prison / community; the community value on ALL is standardised to the prison specialty mix.",
                    t.table("published", "digital_equivalence").filter(quarterRows)
                            .withColumn("specialty", Specialties.label(col("specialty_code"))).orderBy("specialty_code"),
                    "specialty", "prison_telemedicine_share", "community_telemedicine_share",
                    "telemedicine_share_ratio", "prison_median_wait_days", "community_median_wait_days", "wait_ratio",
                    "community_months"));
        }
        tables.add(dataQuality());

        Files.createDirectories(dir);
        for (ReportTable table : tables) {
            if (table.hasCsv()) {
                Files.writeString(dir.resolve(table.id() + ".csv"), table.csv(), StandardCharsets.UTF_8);
            }
        }
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put("trend", trend());
        charts.put("waiting_list", waitingListTrend());
        if (impact) {
            charts.put("impact", t.rows(t.headlineImpact().filter(col("outcome").equalTo("mean_first_attendance_wait_days")
                            .and(col("event_time").isNotNull()))
                    .orderBy("event_time"), "event_time", "estimate", "ci_low", "ci_high"));
        }
        StringBuilder body = new StringBuilder();
        for (ReportTable table : tables) {
            body.append(table.html());
        }
        body.append(METHOD_NOTES);
        Map<String, Object> run = t.latestRun();
        LocalDate end = start.plusMonths(3).minusDays(1);
        // one pass: the tables hold untrusted site names, which must never be taken for a marker
        String html = Template.fill(Assets.template("report.html"), Map.of(
                "{{QUARTER}}", ReportTable.escape(quarter),
                "{{RANGE}}", ReportTable.escape(start + " to " + end),
                "{{RUN}}", ReportTable.escape(run.isEmpty() ? "no run manifest found"
                        : "data to " + run.get("run_date") + ", generation " + run.get("generation")),
                "{{TABLES}}", body.toString(),
                "/*ECHARTS*/", Assets.echarts(),
                "/*DATA*/", SafeJson.of(charts)));
        Path file = dir.resolve("report.html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Method notes an evaluator can quote, after the tables: fixed text (escaped as written, no data in it).
     */
    static final String METHOD_NOTES = "<section class=\"table\" id=\"methods\">\n<h3>Method notes</h3>\n<ul>\n"
            + "<li><strong>Intervals.</strong> Shares (the high-risk share of prescriptions) carry 95% Wilson score"
            + " intervals; rates per 1,000 (medication incidents per 1,000 prescriptions, security events per 1,000"
            + " telemedicine sessions) carry exact Poisson (Garwood) 95% intervals. Both are computed from the"
            + " published national counts, which disclosure control leaves exact; region and site figures are"
            + " rounded or suppressed and carry no interval.</li>\n"
            + "<li><strong>Observational arms.</strong> Telemedicine, in-person and no-consult patients are not"
            + " randomised: who is seen remotely is a clinical and operational choice. The cost-effectiveness"
            + " comparison is adjusted for case mix (specialty, priority and site), but the arms remain"
            + " observational even after adjustment: differences are associations, not proven effects of the"
            + " modality. The prescribing and security comparisons are not adjusted.</li>\n"
            + "<li><strong>Outcome.</strong> The effectiveness outcome is wait-days avoided (mean wait in person minus"
            + " mean wait by telemedicine). No QALYs or other health utilities are measured: results are costs per"
            + " wait-day avoided and net monetary benefit at a stated willingness to pay per wait-day (GBP 0 to 200),"
            + " not costs per QALY.</li>\n"
            + "<li><strong>Uncertainty and sensitivity.</strong> Cost and wait intervals come from a bootstrap that"
            + " resamples whole sites; the acceptability curve is the share of those replicates with a positive net"
            + " monetary benefit. Sensitivity is one-way and deterministic: each unit cost marked as an assumption"
            + " is set alone to -50% and +100% of its value, the others held at base; joint variation of unit costs"
            + " is not explored.</li>\n"
            + "<li><strong>Budget impact.</strong> Each site's cost since go-live as delivered against the same"
            + " activity at its pre-go-live mix of modalities and unit costs; totals are published nationally only,"
            + " sites show the impact per consult (8 or more consults).</li>\n"
            + "<li><strong>Equity and connectivity.</strong> "
            + ReportTable.escape(String.join(" ", EquityData.METHOD_NOTE)) + "</li>\n"
            + "</ul>\n</section>\n";

    /**
     * Prescribing safety and telemedicine security for the quarter (issue 18): national by modality group with
     * intervals, by region, by site; a "not yet published" line for a table the output does not have.
     */
    private List<ReportTable> safety(Column quarterRows) {
        SafetyData safety = new SafetyData(t);
        List<ReportTable> out = new ArrayList<>();
        if (!safety.hasPrescribing()) {
            out.add(ReportTable.notYetPublished("prescribing_safety", "Prescribing safety by modality (national)"));
        } else {
            List<List<Object>> rows = new ArrayList<>();
            for (Map<String, Object> r : safety.prescribingNational(quarterRows)) {
                rows.add(Arrays.asList(r.get("modality_group"), r.get("prescriptions"), r.get("high_risk_prescriptions"),
                        places(r.get("high_risk_share"), 3), places(r.get("high_risk_share_ci_low"), 3),
                        places(r.get("high_risk_share_ci_high"), 3), r.get("incidents"),
                        places(r.get("incidents_per_1000_prescriptions"), 2), places(r.get("incidents_per_1000_ci_low"), 2),
                        places(r.get("incidents_per_1000_ci_high"), 2), r.get("suppressed")));
            }
            out.add(markingSuppressed(new ReportTable("prescribing_safety", "Prescribing safety by modality (national)",
                    "Prescriptions issued in the quarter by how the prescriber saw the patient; incidents linked to"
                            + " them. 95% intervals: Wilson for the high-risk share, exact Poisson (Garwood) for"
                            + " incidents per 1,000 prescriptions, from the exact national counts.",
                    List.of("modality_group", "prescriptions", "high_risk_prescriptions", "high_risk_share",
                            "high_risk_share_ci_low", "high_risk_share_ci_high", "incidents",
                            "incidents_per_1000_prescriptions", "incidents_per_1000_ci_low", "incidents_per_1000_ci_high",
                            "suppressed"),
                    rows), Set.of()));
            Dataset<Row> regions = safety.prescribingByRegion(quarterRows);
            out.add(markingSuppressed(table("prescribing_safety_by_region", "Prescribing safety, by region",
                    "All modalities; counts rounded below national, so no intervals. Suppressed values are shown as"
                            + " such, never as 0.",
                    regions, "region", "prescriptions", "high_risk_prescriptions", "high_risk_share", "incidents",
                    "incidents_per_1000_prescriptions", "suppressed"), Set.of()));
        }
        if (!safety.hasSecurity()) {
            out.add(ReportTable.notYetPublished("telemedicine_security", "Telemedicine security events"));
            return out;
        }
        List<List<Object>> kinds = new ArrayList<>();
        for (Map<String, Object> r : safety.securityNationalByKind(quarterRows)) {
            kinds.add(Arrays.asList(r.get("kind"), r.get("events"), r.get("telemedicine_sessions"),
                    places(r.get("events_per_1000_sessions"), 2), places(r.get("events_per_1000_ci_low"), 2),
                    places(r.get("events_per_1000_ci_high"), 2), r.get("suppressed")));
        }
        out.add(markingSuppressed(new ReportTable("telemedicine_security", "Telemedicine security events by kind (national)",
                "Events per 1,000 telemedicine sessions, all severities, with exact Poisson (Garwood) 95% intervals.",
                List.of("kind", "events", "telemedicine_sessions", "events_per_1000_sessions", "events_per_1000_ci_low",
                        "events_per_1000_ci_high", "suppressed"), kinds), Set.of()));
        Dataset<Row> sites = withSiteNames(safety.securityBySite(quarter), col("region"), col("site_id"));
        out.add(markingSuppressed(table("telemedicine_security_by_site", "Telemedicine security events, by site",
                "All kinds and severities; connectivity and devices as in force at quarter end.",
                sites, "region", "site_id", "site_name", "events", "telemedicine_sessions", "events_per_1000_sessions",
                "connectivity", "devices", "suppressed"), Set.of("connectivity", "devices", "site_name")));
        return out;
    }

    /**
     * Equity by demographic group and digital readiness by site for the quarter, and the roll-out effect by
     * connectivity at go-live side by side (issue 19); a "not yet published" line for a table the output does
     * not have, and a line saying so when the output has no connectivity subgroups.
     */
    private List<ReportTable> equity() {
        EquityData equity = new EquityData(t);
        List<ReportTable> out = new ArrayList<>();
        String equityTitle = "Equity: telemedicine share and wait by demographic group (national)";
        if (!equity.hasEquity()) {
            out.add(ReportTable.notYetPublished("equity", equityTitle));
        } else {
            Dataset<Row> rows = equity.equity(quarter);
            out.add(markingSuppressed(table("equity", equityTitle,
                    "Each group's telemedicine share of attendances and median wait to first attendance (days), and"
                            + " their ratio to the national value for everyone (group ALL): above 1, more"
                            + " telemedicine or a longer wait than nationally. unknown is the group of patients with"
                            + " no record or a blank field. National figures are exact; see the method notes.",
                    rows.filter(col("region").equalTo("ALL")), "dimension", "group_value", "patients_seen", "attended",
                    "telemedicine_share", "telemedicine_share_vs_all", "completed_pathways", "median_wait_days",
                    "median_wait_vs_all", "dna_rate", "gic_attended", "suppressed"), Set.of()));
            out.add(markingSuppressed(table("equity_by_region", "Equity by region",
                    "Ratios are to the national value for everyone. Counts are rounded or suppressed below national,"
                            + " with a second cell suppressed where one alone could be worked back from the national"
                            + " row; a suppressed value is shown as such, never as 0.",
                    rows.filter(col("region").notEqual("ALL")), "region", "dimension", "group_value", "attended",
                    "telemedicine_share", "telemedicine_share_vs_all", "completed_pathways", "median_wait_days",
                    "median_wait_vs_all", "suppressed"), Set.of()));
        }
        String readinessTitle = "Digital readiness by site";
        if (!equity.hasReadiness()) {
            out.add(ReportTable.notYetPublished("readiness_by_site", readinessTitle));
        } else {
            out.add(markingSuppressed(table("readiness_by_site", readinessTitle,
                    "Connectivity and devices in force on the quarter's last day (reference/site_connectivity.csv;"
                            + " a dash where the site had no row yet) beside the telemedicine share of attendances"
                            + " and technical failures per telemedicine consult due. No rows when the file was not"
                            + " delivered.",
                    withSiteNames(equity.readiness(quarter), col("region"), col("site_id")), "region", "site_id",
                    "site_name", "connectivity", "devices", "attended", "telemedicine_share", "telemedicine_due",
                    "technical_failures", "technical_failure_rate", "suppressed"),
                    Set.of("site_name", "connectivity", "devices")));
        }
        out.add(subgroupEffects(equity));
        return out;
    }

    /**
     * The national overall roll-out effect per outcome for all sites and for each connectivity subgroup, side by
     * side: one row per outcome, estimate and 95% interval per subgroup (a dash where a subgroup has none).
     */
    private ReportTable subgroupEffects(EquityData equity) {
        String id = "rollout_subgroups";
        String title = "Roll-out impact by connectivity at go-live (national)";
        if (!equity.hasSubgroups()) {
            return ReportTable.notYetPublished(id, title);
        }
        Dataset<Row> effects = equity.subgroupEffects();
        if (!EquityData.anySubgroup(effects)) {
            return new ReportTable(id, title, EquityData.NO_SUBGROUPS, List.of(), List.of());
        }
        Map<String, Map<String, Map<String, Object>>> byOutcome = new LinkedHashMap<>();
        for (Map<String, Object> r : t.rows(effects, present(effects, EquityData.SUBGROUP_COLUMNS))) {
            byOutcome.computeIfAbsent((String) r.get("outcome"), k -> new LinkedHashMap<>())
                    .put((String) r.get("subgroup"), r);
        }
        List<String> columns = new ArrayList<>(List.of("outcome"));
        for (String g : EquityData.SUBGROUPS) {
            String prefix = g.equals("ALL") ? "all_sites" : g;
            columns.addAll(List.of(prefix + "_estimate", prefix + "_ci_low", prefix + "_ci_high"));
        }
        columns.add("sites_treated");
        List<List<Object>> rows = new ArrayList<>();
        byOutcome.forEach((outcome, bySubgroup) -> {
            List<Object> row = new ArrayList<>(List.of(outcome));
            List<String> sites = new ArrayList<>();
            for (String g : EquityData.SUBGROUPS) {
                Map<String, Object> r = bySubgroup.getOrDefault(g, Map.of());
                row.add(places(r.get("estimate"), 3));
                row.add(places(r.get("ci_low"), 3));
                row.add(places(r.get("ci_high"), 3));
                sites.add(r.get("sites_treated") == null ? ReportTable.DASH : String.valueOf(r.get("sites_treated")));
            }
            row.add(String.join(" / ", sites));
            rows.add(row);
        });
        return new ReportTable(id, title, "Mean effect over the four full quarters after go-live (control"
                + " not_yet_treated), for all sites and for the sites whose connectivity in force at go-live was"
                + " adequate or poor (poor or none), side by side with 95% site-bootstrap intervals; sites treated"
                + " in that order. Subgroups rest on fewer sites: observational, wider intervals.", columns, rows);
    }

    /**
     * The economic evaluation's decision outputs (issue 17): one-way sensitivity and acceptability for the quarter
     * (national), budget impact per site for every financial year to the quarter's.
     */
    private List<ReportTable> economics() {
        EconomicsData economics = new EconomicsData(t);
        List<ReportTable> out = new ArrayList<>();
        if (!economics.hasSensitivity()) {
            out.add(ReportTable.notYetPublished("cost_sensitivity", "One-way sensitivity of the incremental cost"));
        } else {
            out.add(table("cost_sensitivity", "One-way sensitivity of the incremental cost (national)",
                    "Each assumed unit cost set alone to its low and high factor (-50%, +100%): the case-mix adjusted"
                            + " incremental cost per pathway (telemedicine minus in person) at the base, low and high"
                            + " value.",
                    economics.sensitivity(quarter), EconomicsData.SENSITIVITY_COLUMNS));
        }
        if (!economics.hasDecisionOutputs()) {
            out.add(ReportTable.notYetPublished("cost_effectiveness_acceptability",
                    "Cost-effectiveness acceptability (national)"));
        } else {
            Dataset<Row> ce = economics.nationalDecision(quarter);
            String[] columns = EconomicsData.decisionColumns(ce);
            List<String> shown = new ArrayList<>();
            for (String c : columns) {
                if (c.equals("perspective") || c.startsWith("p_")) {
                    shown.add(c);
                }
            }
            List<List<Object>> rows = new ArrayList<>();
            for (Map<String, Object> r : t.rows(ce, shown.toArray(String[]::new))) {
                List<Object> row = new ArrayList<>();
                shown.forEach(c -> row.add(c.startsWith("p_") ? places(r.get(c), 2) : r.get(c)));
                rows.add(row);
            }
            out.add(new ReportTable("cost_effectiveness_acceptability", "Cost-effectiveness acceptability (national)",
                    "Share of site-bootstrap replicates in each quadrant of the cost-effectiveness plane, and with a"
                            + " positive net monetary benefit at a willingness to pay of 0 to 200 GBP per wait-day"
                            + " avoided (p_cost_effective_<GBP>). Replicates themselves are not published.",
                    shown, rows));
        }
        if (!economics.hasBudgetImpact()) {
            out.add(ReportTable.notYetPublished("budget_impact", "Budget impact by site"));
        } else {
            int fy = start.getMonthValue() < 4 ? start.getYear() - 1 : start.getYear();
            Dataset<Row> bi = withSiteNames(economics.budgetImpact(false, LocalDate.of(fy, 4, 1)),
                    col("period_start"), col("perspective"), col("region").notEqual("ALL"), col("region"),
                    col("site_id").notEqual("ALL"), col("site_id"));
            List<String> columns = new ArrayList<>(List.of(EconomicsData.BUDGET_COLUMNS));
            columns.add(columns.indexOf("site_id") + 1, "site_name");
            out.add(markingSuppressed(table("budget_impact", "Budget impact by site, per financial year and perspective",
                    "Cost of care since go-live as delivered against the same activity at the site's pre-go-live mix"
                            + " (positive: telemedicine costs more). Totals are published nationally only (a dash"
                            + " below national); sites show the impact per consult.",
                    bi, columns.toArray(String[]::new)),
                    Set.of("site_name", "cost_as_delivered_gbp", "cost_at_pre_go_live_mix_gbp", "budget_impact_gbp")));
        }
        return out;
    }

    /**
     * Site names from the public register beside {@code site_id} (null where the register is absent), in the
     * given order: a join does not keep the order of its input.
     */
    private Dataset<Row> withSiteNames(Dataset<Row> ds, Column... order) {
        Dataset<Row> named = !t.has("published", "sites") ? ds.withColumn("site_name", lit(null).cast("string"))
                : ds.join(t.table("published", "sites").select("site_id", "site_name"), new String[] {"site_id"}, "left");
        return named.orderBy(order);
    }

    /**
     * The table with every null on a suppressed row shown as "suppressed" (the CSV cell stays empty), except in
     * the given columns, which are null for another reason (not published below national, not applicable).
     */
    private static ReportTable markingSuppressed(ReportTable table, Set<String> nullForOtherReasons) {
        int flag = table.columns().indexOf("suppressed");
        if (flag < 0) {
            return table;
        }
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> r : table.rows()) {
            boolean suppressed = Boolean.TRUE.equals(r.get(flag));
            List<Object> row = new ArrayList<>(r);
            for (int i = 0; suppressed && i < row.size(); i++) {
                if (row.get(i) == null && !nullForOtherReasons.contains(table.columns().get(i))) {
                    row.set(i, ReportTable.SUPPRESSED);
                }
            }
            rows.add(row);
        }
        return new ReportTable(table.id(), table.title(), table.note(), table.columns(), rows);
    }

    /** A computed double shown to the given places (exact in the CSV); null stays null. */
    private static Object places(Object v, int places) {
        if (v == null) {
            return null;
        }
        double d = ((Number) v).doubleValue();
        return new ReportTable.Shown(d, String.format(java.util.Locale.UK, "%." + places + "f", d));
    }

    /** The quarter against the one before, nationally. */
    private ReportTable headline() {
        String previous = label(start.minusMonths(3));
        List<List<Object>> rows = new ArrayList<>();
        Column both = col("period_type").equalTo("quarter").and(col("period_label").isin(quarter, previous))
                .and(col("region").equalTo("ALL")).and(col("site_id").equalTo("ALL"));
        Dataset<Row> allWaits = t.table("published", "waiting_times").filter(both.and(col("specialty_code").equalTo("ALL"))
                .and(col("priority").equalTo("ALL")).and(col("modality_group").equalTo("ALL")));
        Dataset<Row> waits = allWaits.filter(col("measure").equalTo("first_attendance"));
        // the headline waiting measure: the RTT standard on the waiting list at quarter end (a stock: this
        // quarter's row, never a sum of periods), beside the median wait to first attendance
        Dataset<Row> list = allWaits.filter(col("measure").equalTo("rtt"));
        addHeadline(rows, list, previous, "pct_incomplete_within_18_weeks",
                "Waiting list within 18 weeks at quarter end (%; standard 92%)");
        addHeadline(rows, waits, previous, "median_wait_days", "Median wait to first attendance (days)");
        addHeadline(rows, waits, previous, "pct_within_18_weeks", "First attendance within 18 weeks (%)");
        addHeadline(rows, list, previous, "incomplete_pathways", "Waiting list at quarter end (pathways)");
        addHeadline(rows, list, previous, "incomplete_over_52_weeks", "Waiting more than 52 weeks at quarter end");
        addHeadline(rows, list, previous, "released_before_treatment_rate",
                "Released before treatment (share of pathways ended)");
        Dataset<Row> access = t.table("published", "access").filter(both.and(col("modality_group").equalTo("ALL")));
        addHeadline(rows, access, previous, "telemedicine_share", "Telemedicine share of attendances");
        addHeadline(rows, access, previous, "attended_per_1000", "Attendances per 1,000 population");
        addHeadline(rows, access, previous, "dna_rate", "Did-not-attend rate");
        addHeadline(rows, access, previous, "cancelled_no_escort", "Cancelled for want of an escort");
        if (t.has("published", "costs")) {
            Dataset<Row> costs = t.table("published", "costs").filter(both.and(col("modality_group").equalTo("ALL")));
            addHeadline(rows, costs, previous, "escorts_avoided", "Escorts avoided");
            addHeadline(rows, costs, previous, "escort_cost_avoided_gbp", "Escort cost avoided (GBP)");
        }
        if (t.has("published", "mha_transfers")) {
            Dataset<Row> mha = t.table("published", "mha_transfers").filter(both
                    .and(col("first_assessment_modality").equalTo("ALL")));
            addHeadline(rows, mha, previous, "pct_transferred_within_28_days", "MHA transfers within 28 days (%)");
        }
        return new ReportTable("headline", "Headline figures (national)", "This quarter against " + previous + ".",
                List.of("measure", quarter, previous), rows);
    }

    private void addHeadline(List<List<Object>> rows, Dataset<Row> ds, String previous, String column, String name) {
        if (!Arrays.asList(ds.columns()).contains(column)) {
            return; // an output from before the column was published
        }
        Object now = null;
        Object before = null;
        for (Row r : ds.select("period_label", column).collectAsList()) {
            Object v = r.get(1);
            if (v instanceof Double d) {
                v = ReportTable.format(column, d);
            } else if (v instanceof java.math.BigDecimal d) {
                v = new ReportTable.Shown(d, ReportTable.format(column, d)); // exact in the CSV, pounds on the page
            }
            if (quarter.equals(r.getString(0))) {
                now = v;
            } else if (previous.equals(r.getString(0))) {
                before = v;
            }
        }
        rows.add(Arrays.asList(name, now, before));
    }

    /** Site league table: names from the public register beside each site's access and waits. */
    private ReportTable sites(Dataset<Row> access, Dataset<Row> first) {
        Dataset<Row> siteAccess = access.filter(col("site_id").notEqual("ALL").and(col("modality_group").equalTo("ALL")))
                .select(col("region"), col("site_id"), col("attended"), col("attended_per_1000"), col("dna_rate"),
                        col("telemedicine_share"), col("suppressed").as("_s1"));
        Dataset<Row> siteWaits = first.filter(col("site_id").notEqual("ALL").and(col("specialty_code").equalTo("ALL"))
                        .and(col("modality_group").equalTo("ALL")))
                .select(col("site_id"), col("completed_pathways"), col("median_wait_days"), col("suppressed").as("_s2"));
        Dataset<Row> joined = siteAccess.join(siteWaits, new String[] {"site_id"}, "left");
        List<String> costColumns = new ArrayList<>();
        if (t.has("published", "costs")) {
            // a site's mean cost per attendance: its cost totals are not published below national level
            Dataset<Row> siteCosts = t.table("published", "costs").filter(col("period_type").equalTo("quarter")
                            .and(col("period_label").equalTo(quarter)).and(col("site_id").notEqual("ALL"))
                            .and(col("modality_group").equalTo("ALL")))
                    .select(col("site_id"), col("cost_per_attendance_gbp"), col("suppressed").as("_s3"));
            joined = joined.join(siteCosts, new String[] {"site_id"}, "left");
            costColumns.add("cost_per_attendance_gbp");
        } else {
            joined = joined.withColumn("_s3", lit(false));
        }
        if (t.has("published", "sites")) {
            joined = joined.join(t.table("published", "sites").select("site_id", "site_name"), new String[] {"site_id"},
                    "left");
        } else {
            joined = joined.withColumn("site_name", lit(null).cast("string"));
        }
        joined = joined.withColumn("suppressed", coalesce(col("_s1"), lit(false)).or(coalesce(col("_s2"), lit(false)))
                        .or(coalesce(col("_s3"), lit(false))))
                .orderBy("region", "site_id");
        List<String> columns = new ArrayList<>(List.of("region", "site_id", "site_name", "attended", "attended_per_1000",
                "dna_rate", "telemedicine_share", "completed_pathways", "median_wait_days"));
        columns.addAll(costColumns);
        columns.add("suppressed");
        return table("sites", "Sites", "Site figures after disclosure control: counts of 1 to 7 are suppressed, others "
                        + "rounded to 5; cost is the mean per attendance (site totals are not published); a dash is "
                        + "a value suppressed or not published.",
                joined, columns.toArray(String[]::new));
    }

    /** Rows read, curated, quarantined and superseded for the quarter's load dates, and the rules most broken. */
    private ReportTable dataQuality() {
        List<String> columns = List.of("log", "rows_read", "rows_curated", "rows_quarantined", "versions_superseded",
                "rules_broken");
        if (!t.has("marts", "data_quality")) {
            return new ReportTable("data_quality", "Data quality", "No data-quality mart found.", columns, List.of());
        }
        Dataset<Row> dq = t.table("marts", "data_quality").filter(col("load_date").between(lit(start),
                lit(start.plusMonths(3).minusDays(1))));
        List<String> fixed = List.of("run_id", "log", "load_date", "rows_read", "rows_curated", "rows_quarantined",
                "versions_superseded");
        List<String> rules = Arrays.stream(dq.columns()).filter(c -> !fixed.contains(c)).toList();
        List<Column> aggs = new ArrayList<>(List.of(sum("rows_read").as("rows_read"), sum("rows_curated").as("rows_curated"),
                sum("rows_quarantined").as("rows_quarantined"), sum("versions_superseded").as("versions_superseded")));
        rules.forEach(r -> aggs.add(sum(col(r)).as(r)));
        List<List<Object>> rows = new ArrayList<>();
        for (Row r : dq.groupBy("log").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .orderBy("log").collectAsList()) {
            StringBuilder broken = new StringBuilder();
            for (String rule : rules) {
                Object v = r.getAs(rule);
                if (v instanceof Number n && n.longValue() > 0) {
                    broken.append(broken.length() == 0 ? "" : "; ").append(rule).append(' ').append(n.longValue());
                }
            }
            rows.add(Arrays.asList(r.getAs("log"), r.getAs("rows_read"), r.getAs("rows_curated"),
                    r.getAs("rows_quarantined"), r.getAs("versions_superseded"), broken.toString()));
        }
        return new ReportTable("data_quality", "Data quality of the quarter's deliveries",
                "Every row read is curated, quarantined with the rules it broke, or superseded by a newer version.",
                columns, rows);
    }

    /** National monthly median wait and telemedicine share over the twelve months to the quarter's end. */
    private List<Map<String, Object>> trend() {
        LocalDate from = start.plusMonths(3).minusMonths(12);
        Column months = col("period_type").equalTo("month").and(col("period_start").geq(lit(from)))
                .and(col("period_start").lt(lit(start.plusMonths(3)))).and(col("region").equalTo("ALL"))
                .and(col("site_id").equalTo("ALL"));
        Dataset<Row> w = t.table("published", "waiting_times").filter(months.and(col("measure").equalTo("first_attendance"))
                        .and(col("specialty_code").equalTo("ALL")).and(col("priority").equalTo("ALL"))
                        .and(col("modality_group").equalTo("ALL")))
                .select(col("period_label"), col("median_wait_days"));
        Dataset<Row> a = t.table("published", "access").filter(months.and(col("modality_group").equalTo("ALL")))
                .select(col("period_label"), col("telemedicine_share"));
        return t.rows(a.join(w, new String[] {"period_label"}, "full_outer").orderBy("period_label"), "period_label",
                "median_wait_days", "telemedicine_share");
    }

    /**
     * The national waiting list at each quarter's end, for the four quarters to this one: the published counts by
     * weeks waited and the share within 18 weeks, each quarter as it stood then (stocks are never summed).
     */
    private List<Map<String, Object>> waitingListTrend() {
        Dataset<Row> list = t.table("published", "waiting_times").filter(col("period_type").equalTo("quarter")
                .and(col("period_start").gt(lit(start.minusMonths(12)))).and(col("period_start").leq(lit(start)))
                .and(col("measure").equalTo("rtt")).and(col("region").equalTo("ALL")).and(col("site_id").equalTo("ALL"))
                .and(col("specialty_code").equalTo("ALL")).and(col("priority").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL")));
        return t.rows(list.orderBy("period_start"), present(list, "period_label", "incomplete_pathways",
                "incomplete_within_18_weeks", "pct_incomplete_within_18_weeks", "incomplete_over_18_weeks",
                "incomplete_over_52_weeks", "incomplete_over_65_weeks", "incomplete_over_78_weeks",
                "incomplete_over_104_weeks"));
    }

    private ReportTable table(String id, String title, String note, Dataset<Row> ds, String... columns) {
        List<String> cols = present(ds, columns).length == columns.length ? List.of(columns) : List.of(present(ds, columns));
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> m : t.rows(ds, cols.toArray(String[]::new))) {
            rows.add(new ArrayList<>(m.values()));
        }
        return new ReportTable(id, title, note, cols, rows);
    }

    private static String[] present(Dataset<Row> ds, String... columns) {
        return PublishedTables.present(ds, columns);
    }

    private static String label(LocalDate quarterStart) {
        int fy = quarterStart.getMonthValue() < 4 ? quarterStart.getYear() - 1 : quarterStart.getYear();
        int q = (int) (java.time.temporal.ChronoUnit.MONTHS.between(LocalDate.of(fy, 4, 1), quarterStart) / 3) + 1;
        return String.format("%d-%02d Q%d", fy, (fy + 1) % 100, q);
    }
}
