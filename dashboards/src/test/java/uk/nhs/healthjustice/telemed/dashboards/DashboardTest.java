package uk.nhs.healthjustice.telemed.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardTest {

    @TempDir
    Path tmp;

    /** Where the two shared pages below are built, once for the class. */
    @TempDir
    static Path shared;
    /** The dashboard of {@link PublishedFixture#write}: the tests that take it only read it. */
    static String v1Page;
    /** The dashboard of {@link PublishedFixture#write} plus {@link PublishedFixture#writeVersion2}. */
    static String v2Page;

    /** Each page is built once: a build costs a Spark job per table it reads. */
    @BeforeAll
    static void pages() throws Exception {
        Path v1 = PublishedFixture.write(PublishedFixture.spark(), shared.resolve("v1"));
        v1Page = Files.readString(Dashboard.write(PublishedFixture.spark(), v1, shared.resolve("v1.html")));
        Path v2 = PublishedFixture.write(PublishedFixture.spark(), shared.resolve("v2"));
        PublishedFixture.writeVersion2(PublishedFixture.spark(), v2);
        v2Page = Files.readString(Dashboard.write(PublishedFixture.spark(), v2, shared.resolve("v2.html")));
    }

    @Test
    void oneOfflineFileWithEscapedDataAndInlinedCharts() throws Exception {
        String page = v1Page;
        // the attack string never appears raw, only escaped inside the JSON block
        Assertions.assertFalse(page.contains(PublishedFixture.EVIL));
        Assertions.assertTrue(page.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        // four script elements: error hook, ECharts, data, page code; nothing fetched from the network
        Assertions.assertEquals(4, page.split("<script", -1).length - 1);
        Assertions.assertFalse(page.contains("src=\"http") || page.contains("href=\"http"));
        Assertions.assertTrue(page.contains("Licensed to the Apache Software Foundation"), "ECharts licence header kept");
        Assertions.assertTrue(page.contains("\"run_date\":\"2026-09-30\""));
    }

    /** The page's data block, parsed. */
    static JsonNode data(String page) throws Exception {
        String open = "<script type=\"application/json\" id=\"data\">";
        int from = page.indexOf(open) + open.length();
        return new ObjectMapper().readTree(page.substring(from, page.indexOf("</script>", from)));
    }

    /**
     * Site names are untrusted: names made of the template markers reach the page as data, intact, and the
     * charting library and the data are each inlined once, where their markers are.
     */
    @Test
    void siteNamesMadeOfTemplateMarkersStayData() throws Exception {
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("hostile"), PublishedFixture.hostileSites());
        String page = Files.readString(Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("hostile.html")));
        Assertions.assertEquals(1, QuarterlyReportTest.count(page, "Licensed to the Apache Software Foundation"),
                "ECharts inlined once");
        Assertions.assertEquals(1, QuarterlyReportTest.count(page, "<script type=\"application/json\" id=\"data\">{"),
                "data inlined once");
        Assertions.assertEquals(1, QuarterlyReportTest.count(page, "\"access_sites\":"), "data nowhere else");
        Assertions.assertEquals(4, page.split("<script", -1).length - 1);
        for (String marker : PublishedFixture.MARKERS) {
            Assertions.assertEquals(1, QuarterlyReportTest.count(page, marker), marker + " only as a site name");
            Assertions.assertTrue(page.contains("\"site_name\":\"" + marker + "\""), marker);
        }
        List<String> names = new ArrayList<>();
        data(page).get("sites").forEach(s -> names.add(s.get("site_name").asText()));
        List<String> expected = new ArrayList<>();
        PublishedFixture.hostileSites().forEach(s -> expected.add((String) s[1]));
        Assertions.assertEquals(expected, names, "names intact in the data");
        Assertions.assertFalse(page.contains(PublishedFixture.EVIL));
    }

    /** Money arrives as decimals: national totals exact, below national only the mean per attendance. */
    @Test
    void moneyIsDecimalAndTotalsAreNationalOnly() throws Exception {
        String page = v1Page;
        JsonNode data = data(page);
        int national = 0;
        int regions = 0;
        for (JsonNode r : data.get("costs")) {
            if (!r.get("period_label").asText().equals("2026-27 Q2")) {
                continue;
            }
            if (r.get("region").asText().equals("ALL")) {
                national++;
                Assertions.assertEquals("1234567.89", r.get("total_cost_gbp").decimalValue().toPlainString());
                Assertions.assertEquals("154.32", r.get("cost_per_attendance_gbp").decimalValue().toPlainString());
                Assertions.assertEquals("98765.43", r.get("escort_cost_avoided_gbp").decimalValue().toPlainString());
            } else {
                regions++;
                Assertions.assertTrue(r.get("total_cost_gbp").isNull(), "no total below national: " + r);
                Assertions.assertFalse(r.get("cost_per_attendance_gbp").isNull(), r.toString());
            }
        }
        Assertions.assertEquals(1, national);
        Assertions.assertEquals(2, regions);
        Assertions.assertTrue(page.contains("\"total_cost_gbp\":1234567.89"), "decimal written as it is");
        boolean bbb = false;
        for (JsonNode r : data.get("costs_sites")) {
            if (r.get("site_id").asText().equals("BBB") && r.get("period_label").asText().equals("2026-27 Q2")) {
                bbb = true;
                Assertions.assertTrue(r.get("cost_per_attendance_gbp").isNull() && r.get("suppressed").asBoolean());
            }
        }
        Assertions.assertTrue(bbb, "suppressed site row present");
    }

    /**
     * Specialties carry their names from the reference table: in the fixture's Q2 national rows, 330 and GIC
     * become "330 Dermatology" and "GIC Gender identity clinic".
     */
    @Test
    void specialtiesAreNamed() throws Exception {
        JsonNode data = data(v1Page);
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        data.get("specialties").forEach(r -> labels.put(r.get("specialty_code").asText(), r.get("specialty").asText()));
        Assertions.assertEquals(java.util.Map.of("330", "330 Dermatology", "GIC", "GIC Gender identity clinic"), labels);
    }

    /**
     * The headline waiting measure and the waiting list, worked from {@link PublishedFixture#waitingList}: the
     * page carries each quarter's published row as it is (national 2026-27 Q2: 1,000 waiting, 87.0% within 18
     * weeks, over 52 weeks 40, released before treatment 60 = 0.15 of 400 ended; Q1: 900, 94.0%), quarters only,
     * one row per quarter and region (stocks are never added up, and the fixture's month rows, 880 + 890 + 950,
     * are not there to be); South's suppressed Q2 row keeps its nulls (within 18 weeks and the percentage are
     * not worked out from anything else). The page shows the percentage against the 92% standard beside the
     * median wait to first attendance, released before treatment, and the chart by weeks waited.
     */
    @Test
    void theRttStandardTheWaitingListByWeeksAndReleasedBeforeTreatment() throws Exception {
        String page = v1Page;
        JsonNode list = data(page).get("waiting_list");
        java.util.Map<String, JsonNode> byKey = new java.util.HashMap<>();
        list.forEach(r -> {
            Assertions.assertEquals("quarter", r.get("period_type").asText(), "quarters only: " + r);
            Assertions.assertNull(byKey.put(r.get("region").asText() + " " + r.get("period_label").asText(), r),
                    "one row per quarter and region: " + r);
        });
        Assertions.assertEquals(6, list.size(), "national, North, South x Q1, Q2: " + list);
        JsonNode q2 = byKey.get("ALL 2026-27 Q2");
        Assertions.assertEquals(87.0, q2.get("pct_incomplete_within_18_weeks").asDouble(), 0);
        Assertions.assertEquals(1000, q2.get("incomplete_pathways").asLong());
        Assertions.assertEquals(870, q2.get("incomplete_within_18_weeks").asLong());
        long[] over = {130, 40, 12, 5, 1};
        String[] weeks = {"18", "52", "65", "78", "104"};
        for (int i = 0; i < weeks.length; i++) {
            Assertions.assertEquals(over[i], q2.get("incomplete_over_" + weeks[i] + "_weeks").asLong(), weeks[i]);
        }
        Assertions.assertEquals(60, q2.get("removed_released").asLong());
        Assertions.assertEquals(0.15, q2.get("released_before_treatment_rate").asDouble(), 0);
        Assertions.assertEquals(94.0, byKey.get("ALL 2026-27 Q1").get("pct_incomplete_within_18_weeks").asDouble(), 0);
        Assertions.assertEquals(900, byKey.get("ALL 2026-27 Q1").get("incomplete_pathways").asLong());
        JsonNode south = byKey.get("South 2026-27 Q2");
        Assertions.assertTrue(south.get("suppressed").asBoolean());
        Assertions.assertTrue(south.get("pct_incomplete_within_18_weeks").isNull(), south.toString());
        Assertions.assertTrue(south.get("incomplete_within_18_weeks").isNull(), south.toString());
        Assertions.assertTrue(south.get("released_before_treatment_rate").isNull(), south.toString());
        Assertions.assertEquals(10, south.get("incomplete_pathways").asLong());

        Assertions.assertTrue(page.contains("'Waiting list within 18 weeks at quarter end (standard 92%)'"));
        Assertions.assertTrue(page.indexOf("'Waiting list within 18 weeks at quarter end (standard 92%)'")
                < page.indexOf("'Median wait to first attendance'"), "the RTT standard is the first tile");
        Assertions.assertTrue(page.contains("'Released before treatment (share of pathways ended in the quarter)'"));
        Assertions.assertTrue(page.contains("id=\"chart-waiting-list\""));
        Assertions.assertTrue(page.contains("'incomplete_over_104_weeks'"), "the chart reads the published bands");
    }

    @Test
    void saysClearlyWhenThereIsNothingPublished() {
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> Dashboard.write(PublishedFixture.spark(), tmp.resolve("empty"), tmp.resolve("d.html")));
        Assertions.assertTrue(e.getMessage().contains("run the nightly job first"), e.getMessage());
    }

    /**
     * Version 2 roll-out rows: every national estimate twice (control not_yet_treated and never_treated) and
     * placebo outcomes. The event study shows the headline only: for one outcome, event times -2, 1 and the
     * overall row of not_yet_treated, 3 rows, not 3 x 2 controls + placebo. The connectivity subgroup estimates
     * (subgroup other than ALL) are not the headline either.
     */
    @Test
    void theImpactChartShowsTheHeadlineControlAndNoPlacebo() throws Exception {
        org.apache.spark.sql.SparkSession spark = PublishedFixture.spark();
        Path root = PublishedFixture.write(spark, tmp.resolve("v2"));
        org.apache.spark.sql.types.StructType ri = PublishedFixture.declared("rollout_impact", "level", "region",
                "site_id", "outcome", "control", "event_time", "estimate", "ci_low", "ci_high", "method", "subgroup");
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (String control : List.of("not_yet_treated", "never_treated")) {
            for (String outcome : List.of("mean_first_attendance_wait_days", "mean_first_attendance_wait_days_placebo")) {
                for (Integer e : java.util.Arrays.asList(-2, 1, null)) {
                    for (String subgroup : List.of("ALL", "connectivity_adequate", "connectivity_poor")) {
                        if (outcome.endsWith("_placebo") && !subgroup.equals("ALL")) {
                            continue;
                        }
                        rows.add(org.apache.spark.sql.RowFactory.create("national", "ALL", "ALL", outcome, control, e,
                                control.equals("never_treated") || !subgroup.equals("ALL") ? 99.0 : -3.0, -5.0, -1.0,
                                "m", subgroup));
                    }
                }
            }
        }
        spark.createDataFrame(rows, ri).write().mode("overwrite").parquet(root.resolve("published/rollout_impact").toString());
        JsonNode impact = data(Files.readString(Dashboard.write(spark, root, tmp.resolve("v2.html")))).get("impact");
        Assertions.assertEquals(3, impact.size(), impact.toString());
        impact.forEach(r -> {
            Assertions.assertEquals("mean_first_attendance_wait_days", r.get("outcome").asText());
            Assertions.assertEquals(-3.0, r.get("estimate").asDouble(), 0);
        });
    }

    // ---- version 2: prescribing safety, telemedicine security, economics ----

    /**
     * Wilson for 3 of 40, worked by hand with z = 1.959964, z^2 = 3.841459: p = 0.075, z^2/n = 0.0960365,
     * denominator 1.0960365; centre (0.075 + 3.841459/80) / 1.0960365 = 0.1230182 / 1.0960365 = 0.112239; half
     * width 1.959964 x sqrt(0.075 x 0.925 / 40 + 3.841459 / 6400) / 1.0960365 = 1.959964 x sqrt(0.001734375 +
     * 0.000600228) / 1.0960365 = 1.959964 x 0.0483178 / 1.0960365 = 0.086403; so 0.025836 to 0.198642.
     *
     * <p>Garwood for 2 incidents in 1,000 prescriptions: chi2(0.025; 4) / 2 = 0.484419 / 2 = 0.242209 and
     * chi2(0.975; 6) / 2 = 14.449375 / 2 = 7.224688 incidents, per 1,000 prescriptions the same numbers. For 0
     * incidents in 40: low 0, high chi2(0.975; 2) / 2 = 7.377759 / 2 = 3.688879, per 1,000 = 92.222.
     */
    @Test
    void wilsonAndGarwoodIntervalsMatchHandWorkedValues() {
        Intervals.Interval wilson = Intervals.wilson(3L, 40L);
        Assertions.assertEquals(0.025836, wilson.low(), 1e-5);
        Assertions.assertEquals(0.198642, wilson.high(), 1e-5);
        Intervals.Interval garwood = Intervals.garwood(2L, 1000L, 1000);
        Assertions.assertEquals(0.242209, garwood.low(), 1e-5);
        Assertions.assertEquals(7.224688, garwood.high(), 1e-5);
        Intervals.Interval none = Intervals.garwood(0L, 40L, 1000);
        Assertions.assertEquals(0.0, none.low(), 0);
        Assertions.assertEquals(92.222, none.high(), 1e-3);
        // a suppressed count or no denominator gives no interval, never one around 0
        Assertions.assertEquals(Intervals.Interval.NONE, Intervals.wilson(null, 40L));
        Assertions.assertEquals(Intervals.Interval.NONE, Intervals.garwood(2L, null, 1000));
        Assertions.assertEquals(Intervals.Interval.NONE, Intervals.wilson(0L, 0L));
    }

    /**
     * The version 2 sections from {@link PublishedFixture#writeVersion2}: national prescribing rows by modality
     * group (no ALL) with the hand-worked intervals above (telemedicine Q2 3 of 40 high-risk, in person Q2 2
     * incidents in 1,000); security sites of the latest quarter only, BBB suppressed with nulls (not 0); national
     * security by kind at all severities; sensitivity and decision outputs of the latest quarter; budget impact
     * of the latest financial year, site totals null.
     */
    @Test
    void version2SectionsCarryIntervalsAndKeepSuppressedValuesNull() throws Exception {
        String page = v2Page;
        JsonNode data = data(page);

        JsonNode prescribing = data.get("prescribing");
        Assertions.assertEquals(6, prescribing.size(), "2 quarters x 3 modality groups: " + prescribing);
        java.util.Map<String, JsonNode> rx = new java.util.HashMap<>();
        prescribing.forEach(r -> rx.put(r.get("period_label").asText() + " " + r.get("modality_group").asText(), r));
        JsonNode tele = rx.get("2026-27 Q2 telemedicine");
        Assertions.assertEquals(0.025836, tele.get("high_risk_share_ci_low").asDouble(), 1e-5);
        Assertions.assertEquals(0.198642, tele.get("high_risk_share_ci_high").asDouble(), 1e-5);
        Assertions.assertEquals(92.222, tele.get("incidents_per_1000_ci_high").asDouble(), 1e-3);
        JsonNode inPerson = rx.get("2026-27 Q2 in_person");
        Assertions.assertEquals(2.0, inPerson.get("incidents_per_1000_prescriptions").asDouble(), 0);
        Assertions.assertEquals(0.242209, inPerson.get("incidents_per_1000_ci_low").asDouble(), 1e-5);
        Assertions.assertEquals(7.224688, inPerson.get("incidents_per_1000_ci_high").asDouble(), 1e-5);
        Assertions.assertNull(rx.get("2026-27 Q2 ALL"), "ALL is not a modality group");

        JsonNode sites = data.get("security_sites");
        Assertions.assertEquals(3, sites.size(), "latest quarter, all kinds and severities: " + sites);
        sites.forEach(r -> Assertions.assertEquals("2026-27 Q2", r.get("period_label").asText()));
        JsonNode bbb = null;
        for (JsonNode r : sites) {
            if (r.get("site_id").asText().equals("BBB")) {
                bbb = r;
            }
        }
        Assertions.assertNotNull(bbb);
        Assertions.assertTrue(bbb.get("events").isNull() && bbb.get("events_per_1000_sessions").isNull(), bbb.toString());
        Assertions.assertTrue(bbb.get("suppressed").asBoolean());
        JsonNode national = data.get("security_national");
        Assertions.assertEquals(4, national.size(), "2 quarters x kinds ALL and device_misuse: " + national);
        // 6 events in 2,000 sessions: Garwood 6 -> chi2(0.025; 12)/2 = 4.403789/2 = 2.201894, chi2(0.975; 14)/2 =
        // 26.118948/2 = 13.059474 events, per 1,000 sessions 1.101 to 6.530
        JsonNode all = national.get(0).get("kind").asText().equals("ALL") ? national.get(0) : national.get(1);
        Assertions.assertEquals(1.100947, all.get("events_per_1000_ci_low").asDouble(), 1e-4);
        Assertions.assertEquals(6.529737, all.get("events_per_1000_ci_high").asDouble(), 1e-4);

        JsonNode sensitivity = data.get("sensitivity");
        Assertions.assertEquals(4, sensitivity.size(), "latest quarter, 2 parameters x 2 perspectives: " + sensitivity);
        sensitivity.forEach(r -> Assertions.assertEquals("2026-27 Q2", r.get("period_label").asText()));
        JsonNode decision = data.get("decision");
        Assertions.assertEquals(2, decision.size(), decision.toString());
        JsonNode ps = decision.get(0).get("perspective").asText().equals("public_sector") ? decision.get(0) : decision.get(1);
        for (int i = 0; i < PublishedFixture.LAMBDAS.size(); i++) {
            Assertions.assertEquals(PublishedFixture.P_COST_EFFECTIVE[i],
                    ps.get("p_cost_effective_" + PublishedFixture.LAMBDAS.get(i)).asDouble(), 0);
        }
        Assertions.assertEquals(0.97, ps.get("p_cheaper_and_faster").asDouble(), 0);

        JsonNode budget = data.get("budget_impact");
        Assertions.assertEquals(8, budget.size(), "2026-27 only: 4 rows x 2 perspectives: " + budget);
        for (JsonNode r : budget) {
            Assertions.assertEquals("2026-27", r.get("period_label").asText());
            if (!r.get("site_id").asText().equals("ALL")) {
                Assertions.assertTrue(r.get("budget_impact_gbp").isNull(), "no site totals: " + r);
            } else {
                Assertions.assertEquals("-12345.67", r.get("budget_impact_gbp").decimalValue().toPlainString());
            }
        }
        // the page says suppressed for nulls and that bootstrap draws are not published
        Assertions.assertTrue(page.contains("'suppressed'"));
        Assertions.assertTrue(page.contains("The bootstrap replicates themselves are not published"));
        Assertions.assertTrue(page.contains("id=\"chart-tornado\"") && page.contains("id=\"chart-ceac\"")
                && page.contains("id=\"chart-plane\"") && page.contains("id=\"budget-table\""));
        Assertions.assertEquals(4, page.split("<script", -1).length - 1, "still four script elements");
    }

    /**
     * An output from before version 2 (the usual fixture: none of the four tables, cost_effectiveness without
     * decision outputs) still builds, with no data for the new sections and a "not yet published" line.
     */
    @Test
    void tablesNotYetPublishedLeaveTheirSectionsEmptyWithALine() throws Exception {
        String page = v1Page;
        JsonNode data = data(page);
        for (String key : List.of("prescribing", "security_sites", "security_national", "sensitivity", "decision",
                "budget_impact", "equity", "equity_trend", "readiness", "impact_subgroups")) {
            Assertions.assertFalse(data.has(key), key + " absent");
        }
        Assertions.assertTrue(page.contains("'Not yet published: this output was written before the table existed.'"));
        Assertions.assertTrue(page.contains("if (data.prescribing === undefined)"));
        for (String check : List.of("if (data.equity === undefined)", "if (data.readiness === undefined)",
                "if (data.impact_subgroups === undefined)")) {
            Assertions.assertTrue(page.contains(check), check);
        }
    }

    // ---- version 2, issue 19: equity, readiness, roll-out connectivity subgroups ----

    /** The rows of a data array whose fields have the given values (all of them). */
    static List<JsonNode> where(JsonNode rows, String... fieldValues) {
        List<JsonNode> out = new ArrayList<>();
        rows.forEach(r -> {
            for (int i = 0; i < fieldValues.length; i += 2) {
                if (!r.get(fieldValues[i]).asText().equals(fieldValues[i + 1])) {
                    return;
                }
            }
            out.add(r);
        });
        return out;
    }

    static JsonNode one(JsonNode rows, String... fieldValues) {
        List<JsonNode> found = where(rows, fieldValues);
        Assertions.assertEquals(1, found.size(), List.of(fieldValues) + " in " + rows);
        return found.get(0);
    }

    /**
     * {@link PublishedFixture#writeEquity}: the page has the latest quarter (2026-27 Q2) only, national and
     * regions, in order (national first, age_band before sex, ALL first and unknown last); national 70+ at 0.10
     * share, 0.25 of the national 0.40, median 80 (1.60); unknown a group of its own (0.60, 1.50); North's 70+
     * suppressed with nulls, never 0. The trend is national, both quarters (18-20: 0.50 then 0.625).
     */
    @Test
    void equityHasTheLatestQuarterWithSuppressedNullsAndUnknownAsAGroup() throws Exception {
        String page = v2Page;
        JsonNode equity = data(page).get("equity");
        Assertions.assertEquals(12, equity.size(), "Q2 only: 7 national, 3 North, 2 South: " + equity);
        equity.forEach(r -> Assertions.assertEquals("2026-27 Q2", r.get("period_label").asText()));
        List<String> order = new ArrayList<>();
        equity.forEach(r -> order.add(r.get("region").asText() + " " + r.get("dimension").asText() + " "
                + r.get("group_value").asText()));
        Assertions.assertEquals(List.of("ALL age_band ALL", "ALL age_band 18-20", "ALL age_band 70+",
                "ALL age_band unknown", "ALL sex ALL", "ALL sex female", "ALL sex male", "North age_band ALL",
                "North age_band 70+", "North age_band unknown", "South age_band ALL", "South age_band 70+"), order);
        JsonNode old = one(equity, "region", "ALL", "dimension", "age_band", "group_value", "70+");
        Assertions.assertEquals(0.10, old.get("telemedicine_share").asDouble(), 0);
        Assertions.assertEquals(0.25, old.get("telemedicine_share_vs_all").asDouble(), 0);
        Assertions.assertEquals(0.40, old.get("national_telemedicine_share").asDouble(), 0);
        Assertions.assertEquals(80, old.get("median_wait_days").asInt());
        Assertions.assertEquals(1.6, old.get("median_wait_vs_all").asDouble(), 0);
        Assertions.assertEquals(50, old.get("national_median_wait_days").asInt());
        JsonNode unknown = one(equity, "region", "ALL", "dimension", "age_band", "group_value", "unknown");
        Assertions.assertEquals(1.5, unknown.get("telemedicine_share_vs_all").asDouble(), 0);
        Assertions.assertEquals(45, unknown.get("median_wait_days").asInt());
        JsonNode north = one(equity, "region", "North", "group_value", "70+");
        Assertions.assertTrue(north.get("suppressed").asBoolean(), north.toString());
        for (String c : List.of("attended", "telemedicine_share", "telemedicine_share_vs_all", "median_wait_days",
                "median_wait_vs_all")) {
            Assertions.assertTrue(north.get(c).isNull(), c + " null, never 0: " + north);
        }
        JsonNode trend = data(page).get("equity_trend");
        trend.forEach(r -> Assertions.assertFalse(r.has("region"), "national rows only, no region field: " + r));
        Assertions.assertEquals(0.5, one(trend, "period_label", "2026-27 Q1", "group_value", "18-20")
                .get("telemedicine_share_vs_all").asDouble(), 0);
        Assertions.assertEquals(0.625, one(trend, "period_label", "2026-27 Q2", "group_value", "18-20")
                .get("telemedicine_share_vs_all").asDouble(), 0);
        Assertions.assertEquals(11, trend.size(), "7 national rows in Q2, 4 in Q1: " + trend);
        // the page shows a null on a flagged row as "suppressed", and the group as it is published
        Assertions.assertTrue(page.contains("(r.suppressed ? 'suppressed' : '\\u2013')"));
    }

    /**
     * {@link PublishedFixture#writeReadiness}: Q2 site rows only, by region and site: AAA adequate, tablets_4g,
     * share 0.50, technical failures 0.05; BBB suppressed with a null share and rate (its connectivity kept);
     * CCC with no connectivity row yet (null) and a true 0 failure rate.
     */
    @Test
    void readinessIsTheLatestQuarterPerSite() throws Exception {
        JsonNode readiness = data(v2Page).get("readiness");
        Assertions.assertEquals(3, readiness.size(), readiness.toString());
        List<String> sites = new ArrayList<>();
        readiness.forEach(r -> sites.add(r.get("site_id").asText() + " " + r.get("period_label").asText()));
        Assertions.assertEquals(List.of("AAA 2026-27 Q2", "BBB 2026-27 Q2", "CCC 2026-27 Q2"), sites);
        JsonNode aaa = readiness.get(0);
        Assertions.assertEquals("adequate", aaa.get("connectivity").asText());
        Assertions.assertEquals("tablets_4g", aaa.get("devices").asText());
        Assertions.assertEquals(0.5, aaa.get("telemedicine_share").asDouble(), 0);
        Assertions.assertEquals(0.05, aaa.get("technical_failure_rate").asDouble(), 0);
        JsonNode bbb = readiness.get(1);
        Assertions.assertTrue(bbb.get("suppressed").asBoolean() && bbb.get("telemedicine_share").isNull()
                && bbb.get("technical_failure_rate").isNull(), bbb.toString());
        Assertions.assertEquals("poor", bbb.get("connectivity").asText());
        JsonNode ccc = readiness.get(2);
        Assertions.assertTrue(ccc.get("connectivity").isNull() && ccc.get("devices").isNull(), ccc.toString());
        Assertions.assertEquals(0.0, ccc.get("technical_failure_rate").asDouble(), 0);
        Assertions.assertFalse(ccc.get("technical_failure_rate").isNull(), "a true zero stays 0");
    }

    /**
     * {@link PublishedFixture#writeRolloutImpactV2}: the headline overall effect per outcome and subgroup, in the
     * order ALL, adequate, poor: mean wait -7.5 (-11.0 to -4.0), -9.25 (-14.5 to -4.0), -2.75 (-12.0 to 6.5);
     * dna_rate ALL and adequate only. No never-treated (55.0), no placebo, no event times.
     */
    @Test
    void subgroupEffectsSideBySideWithTheHeadlineControl() throws Exception {
        String page = v2Page;
        JsonNode s = data(page).get("impact_subgroups");
        List<String> rows = new ArrayList<>();
        s.forEach(r -> rows.add(r.get("outcome").asText() + " " + r.get("subgroup").asText() + " "
                + r.get("estimate").asDouble() + " " + r.get("ci_low").asDouble() + " " + r.get("ci_high").asDouble()
                + " " + r.get("sites_treated").asInt()));
        Assertions.assertEquals(List.of("dna_rate ALL -0.012 -0.02 -0.004 2",
                "dna_rate connectivity_adequate -0.018 -0.03 -0.006 1",
                "mean_first_attendance_wait_days ALL -7.5 -11.0 -4.0 2",
                "mean_first_attendance_wait_days connectivity_adequate -9.25 -14.5 -4.0 1",
                "mean_first_attendance_wait_days connectivity_poor -2.75 -12.0 6.5 1"), rows);
    }

    /** Without reference/site_connectivity.csv there are ALL rows only: the page says why there are no subgroups. */
    @Test
    void withoutConnectivityTheSubgroupsAreSaidToBeAbsent() throws Exception {
        org.apache.spark.sql.SparkSession spark = PublishedFixture.spark();
        Path root = PublishedFixture.write(spark, tmp.resolve("nosubgroups"));
        PublishedFixture.writeRolloutImpactV2(spark, root, false);
        String page = Files.readString(Dashboard.write(spark, root, tmp.resolve("n.html")));
        JsonNode data = data(page);
        Assertions.assertEquals(2, data.get("impact_subgroups").size(), "ALL of each outcome");
        data.get("impact_subgroups").forEach(r -> Assertions.assertEquals("ALL", r.get("subgroup").asText()));
        Assertions.assertEquals("No connectivity subgroups: reference/site_connectivity.csv was not delivered.",
                data.get("equity_notes").get("no_subgroups").asText());
        Assertions.assertTrue(page.contains("if (!sg.some(function (r) { return r.subgroup !== 'ALL'; }))"));
    }

    /**
     * Filters run in Spark: 60,000 site rows of prescribing safety and 60,000 older-quarter site rows of security
     * (each over the {@link PublishedTables#MAX_ROWS} cap on their own) never reach the driver; the page gets the
     * national and latest-quarter rows only.
     */
    @Test
    void largeTablesAreFilteredBeforeTheRowCap() throws Exception {
        org.apache.spark.sql.SparkSession spark = PublishedFixture.spark();
        Path root = PublishedFixture.write(spark, tmp.resolve("big"));
        PublishedFixture.writeVersion2(spark, root);
        int many = PublishedTables.MAX_ROWS + 10_000;
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> ids = spark.range(many).toDF("i");
        spark.read().parquet(root.resolve("published/prescribing_safety").toString()).limit(1)
                .drop("site_id").crossJoin(ids.selectExpr("concat('S', i) as site_id"))
                .write().mode("append").parquet(root.resolve("published/prescribing_safety").toString());
        spark.read().parquet(root.resolve("published/telemedicine_security").toString())
                .filter("site_id = 'AAA' and period_label = '2026-27 Q1'")
                .drop("site_id").crossJoin(ids.selectExpr("concat('S', i) as site_id"))
                .write().mode("append").parquet(root.resolve("published/telemedicine_security").toString());
        JsonNode data = data(Files.readString(Dashboard.write(spark, root, tmp.resolve("big.html"))));
        Assertions.assertEquals(6, data.get("prescribing").size());
        Assertions.assertEquals(3, data.get("security_sites").size());
    }
}
