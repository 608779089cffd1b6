package uk.nhs.healthjustice.telemed.dashboards;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quarterly report on the published fixture (see {@link PublishedFixture} for the numbers). */
class QuarterlyReportTest {

    @TempDir
    static Path tmp;
    static Path root;

    /** The report of {@link #root} for 2026-27 Q2, built once: the tests that take it only read its files. */
    static Path v1Report;
    static String v1Page;
    /** The same with {@link PublishedFixture#writeVersion2}'s tables, built once. */
    static Path v2Report;
    static String v2Page;

    @BeforeAll
    static void published() throws Exception {
        root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        v1Report = tmp.resolve("report");
        v1Page = Files.readString(QuarterlyReport.write(PublishedFixture.spark(), root, "2026-27 Q2", v1Report));
        Path v2 = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("v2"));
        PublishedFixture.writeVersion2(PublishedFixture.spark(), v2);
        v2Report = tmp.resolve("v2-report");
        v2Page = Files.readString(QuarterlyReport.write(PublishedFixture.spark(), v2, "2026-27 Q2", v2Report));
    }

    @Test
    void quarterLabelsAreNhsFinancialQuarters() {
        Assertions.assertEquals(LocalDate.of(2026, 7, 1), QuarterlyReport.quarterStart("2026-27 Q2"));
        Assertions.assertEquals(LocalDate.of(2027, 1, 1), QuarterlyReport.quarterStart("2026-27 Q4"));
        Assertions.assertEquals(LocalDate.of(2026, 4, 1), QuarterlyReport.quarterStart(" 2026-27 Q1 "));
        for (String bad : new String[] {"2026-28 Q1", "2026 Q2", "2026-27 Q5", "Q2 2026-27", ""}) {
            IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                    () -> QuarterlyReport.quarterStart(bad));
            Assertions.assertTrue(e.getMessage().contains("2026-27 Q2"), e.getMessage());
        }
    }

    @Test
    void htmlAndCsvForTheQuarter() throws Exception {
        Path dir = v1Report;
        String page = v1Page;
        Assertions.assertTrue(page.contains("Quarterly report for <strong>2026-27 Q2</strong> (2026-07-01 to 2026-09-30)"));
        Assertions.assertTrue(page.contains("data to 2026-09-30"), "data freshness from the run manifest");
        Assertions.assertFalse(page.contains(PublishedFixture.EVIL), "untrusted site name escaped");
        Assertions.assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        Assertions.assertFalse(page.contains("src=\"http"), "offline: nothing fetched");

        // headline: national ALL rows, Q2 (fixture k = 19) against Q1 (k = 1): share 0.25 + k%5/100, median 40 + k%17
        List<String> headline = Files.readAllLines(dir.resolve("headline.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals("measure,2026-27 Q2,2026-27 Q1", headline.get(0));
        Assertions.assertTrue(headline.contains("Median wait to first attendance (days),42,41"), headline.toString());
        Assertions.assertTrue(headline.contains("Telemedicine share of attendances,0.290,0.260"), headline.toString());

        List<String> sites = Files.readAllLines(dir.resolve("sites.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(4, sites.size(), "header and three sites: " + sites);
        Assertions.assertTrue(sites.get(0).startsWith("region,site_id,site_name,attended"));
        Assertions.assertTrue(sites.stream().anyMatch(l -> l.startsWith("North,BBB,<script>alert(1)</script>,80,")),
                sites.toString());
        // specialties in Q2 nationally: ALL, 330 and GIC with its 900-day median, named
        List<String> specialties = Files.readAllLines(dir.resolve("waits_by_specialty.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals("specialty,completed_pathways,median_wait_days,p92_wait_days,pct_within_18_weeks",
                specialties.get(0));
        Assertions.assertTrue(specialties.contains("GIC Gender identity clinic,40,900,120,80.0"), specialties.toString());
        Assertions.assertTrue(specialties.stream().anyMatch(l -> l.startsWith("330 Dermatology,40,")), specialties.toString());
        Assertions.assertTrue(specialties.stream().anyMatch(l -> l.startsWith("All specialties,40,")), specialties.toString());
        Assertions.assertTrue(page.contains("<td>330 Dermatology</td>") && page.contains("<td>GIC Gender identity clinic</td>"));
        // security cancellations (issue 18) have their own column beside the escort cancellations: 5 and 2 a row
        List<String> byModality = Files.readAllLines(dir.resolve("access_by_modality.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals("modality_group,consults_due,attended,did_not_attend,dna_rate,cancelled_no_escort,"
                + "cancelled_security", byModality.get(0));
        Assertions.assertEquals(3, byModality.size(), byModality.toString());
        Assertions.assertTrue(byModality.subList(1, 3).stream().allMatch(l -> l.endsWith(",5,2")), byModality.toString());
        for (String csv : List.of("waits_by_region", "waits_by_modality", "access_by_region", "access_by_modality",
                "data_quality")) {
            Assertions.assertTrue(Files.exists(dir.resolve(csv + ".csv")), csv);
            Assertions.assertTrue(page.contains("href=\"" + csv + ".csv\"") || csv.equals("data_quality"), csv);
        }
    }

    /**
     * The headline waiting measure and the waiting list, from {@link PublishedFixture#waitingList}. Headline:
     * the RTT standard first (national Q2 87.0% against Q1 94.0%), then the first-attendance median; the waiting
     * list is each quarter's own stock (1,000 and 900; a sum of quarters would be 1,900, of Q2's months 950);
     * released before treatment 60 / 400 = 0.150 against 50 / 400 = 0.125. By region: North's row as published,
     * South's suppressed cells empty (not worked out from the 10 waiting). The chart has the national quarters
     * to this one in order, each as published.
     */
    @Test
    void theRttStandardHeadsTheReportAndTheWaitingListIsAStock() throws Exception {
        Path dir = v1Report;
        String page = v1Page;
        List<String> headline = Files.readAllLines(dir.resolve("headline.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals("Waiting list within 18 weeks at quarter end (%; standard 92%),87.0,94.0", headline.get(1));
        Assertions.assertEquals("Median wait to first attendance (days),42,41", headline.get(2));
        Assertions.assertTrue(headline.contains("Waiting list at quarter end (pathways),1000,900"), headline.toString());
        Assertions.assertTrue(headline.contains("Waiting more than 52 weeks at quarter end,40,20"), headline.toString());
        Assertions.assertTrue(headline.contains("Released before treatment (share of pathways ended),0.150,0.125"),
                headline.toString());
        Assertions.assertTrue(page.contains("<td>Waiting list within 18 weeks at quarter end (%; standard 92%)</td>"
                + "<td class=\"n\">87.0</td><td class=\"n\">94.0</td>"), "headline on the page");

        List<String> list = Files.readAllLines(dir.resolve("waiting_list.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(List.of("region,incomplete_pathways,incomplete_within_18_weeks,"
                        + "pct_incomplete_within_18_weeks,incomplete_median_wait_days,incomplete_p92_wait_days,"
                        + "incomplete_over_18_weeks,incomplete_over_52_weeks,incomplete_over_65_weeks,"
                        + "incomplete_over_78_weeks,incomplete_over_104_weeks,suppressed",
                "North,600,520,86.7,62,160,80,25,10,5,0,false",
                "South,10,,,40,90,,0,0,0,0,true",
                "ALL,1000,870,87.0,60,150,130,40,12,5,1,false"), list);

        List<String> released = Files.readAllLines(dir.resolve("released_before_treatment.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(List.of("region,completed_pathways,removed_released,removed_transferred_out,removed_died,"
                        + "released_before_treatment_rate,suppressed",
                "North,320,35,10,0,0.15,false",
                "South,320,,0,0,,true",
                "ALL,320,60,15,5,0.15,false"), released);

        String open = "var DATA = ";
        int from = page.indexOf(open) + open.length();
        com.fasterxml.jackson.databind.JsonNode chart = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(page.substring(from, page.indexOf(";\n", from))).get("waiting_list");
        Assertions.assertEquals(2, chart.size(), chart.toString());
        Assertions.assertEquals("2026-27 Q1", chart.get(0).get("period_label").asText());
        Assertions.assertEquals(900, chart.get(0).get("incomplete_pathways").asLong());
        Assertions.assertEquals("2026-27 Q2", chart.get(1).get("period_label").asText());
        Assertions.assertEquals(1000, chart.get(1).get("incomplete_pathways").asLong());
        Assertions.assertEquals(87.0, chart.get(1).get("pct_incomplete_within_18_weeks").asDouble(), 0);
        Assertions.assertEquals(1, chart.get(1).get("incomplete_over_104_weeks").asLong());
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /**
     * Site names are untrusted: a site named after a template marker is a table cell like any other, and the
     * charting library and the chart data are each inlined once, where their markers are.
     */
    @Test
    void siteNamesMadeOfTemplateMarkersStayText() throws Exception {
        Path hostile = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("hostile"),
                PublishedFixture.hostileSites());
        Path dir = tmp.resolve("hostile-report");
        String page = Files.readString(QuarterlyReport.write(PublishedFixture.spark(), hostile, "2026-27 Q2", dir));
        for (String marker : PublishedFixture.MARKERS) {
            Assertions.assertEquals(1, count(page, "<td>" + marker + "</td>"), marker + " shown once in the site table");
            Assertions.assertEquals(1, count(page, marker), marker + " appears only as the site name");
        }
        Assertions.assertEquals(1, count(page, "Licensed to the Apache Software Foundation"), "ECharts inlined once");
        Assertions.assertEquals(1, count(page, "var DATA = {\""), "chart data inlined once, where its marker is");
        Assertions.assertEquals(1, count(page, "\"trend\":"), "chart data nowhere else");
        Assertions.assertEquals(2, count(page, "quarterly report 2026-27 Q2") + count(page, "<strong>2026-27 Q2</strong>"));
        Assertions.assertFalse(page.contains(PublishedFixture.EVIL));
        List<String> sites = Files.readAllLines(dir.resolve("sites.csv"), StandardCharsets.UTF_8);
        for (String marker : PublishedFixture.MARKERS) {
            Assertions.assertTrue(sites.stream().anyMatch(l -> l.contains("," + marker + ",")), marker + " in " + sites);
        }
    }

    /** Money is decimal: whole pounds with separators in the page, plain decimals in the CSV, dashes for null. */
    @Test
    void moneyIsRoundedForReadingExactInCsvAndTotalsOnlyNationally() throws Exception {
        Path dir = v1Report;
        String page = v1Page;

        List<String> headline = Files.readAllLines(dir.resolve("headline.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(headline.contains("Escort cost avoided (GBP),98765.43,50000.50"), headline.toString());
        Assertions.assertTrue(page.contains("<td>Escort cost avoided (GBP)</td><td class=\"n\">98,765</td>"
                + "<td class=\"n\">50,001</td>"), "headline money in whole pounds");

        // national costs by modality keep every total
        List<String> costs = Files.readAllLines(dir.resolve("costs.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals("modality_group,attended,clinician_cost_gbp,escort_cost_gbp,telemedicine_cost_gbp,"
                + "total_cost_gbp,cost_per_attendance_gbp,escorts,escort_officer_hours,escorts_avoided,"
                + "escort_cost_avoided_gbp", costs.get(0));
        // escorts_avoided is an expected count, DECIMAL(24,10) as the costs mart declares it, written out in full
        Assertions.assertTrue(costs.contains("ALL,8000,900000.00,300000.00,24567.89,1234567.89,154.32,600,2400.50,"
                + "640.0000000000,"
                + "98765.43"), costs.toString());
        Assertions.assertTrue(page.contains("<td class=\"n\">1,234,568</td><td class=\"n\">154</td>"), "totals rounded");
        Assertions.assertTrue(page.contains("<td class=\"n\">2,400.5</td>"), "hours to one place");

        // regions: means per attendance, never totals
        List<String> regions = Files.readAllLines(dir.resolve("costs_by_region.csv"), StandardCharsets.UTF_8);
        Assertions.assertFalse(regions.get(0).contains("total_cost_gbp"), regions.get(0));
        Assertions.assertTrue(regions.get(0).startsWith("region,attended,cost_per_attendance_gbp,"), regions.get(0));
        Assertions.assertTrue(regions.stream().anyMatch(l -> l.startsWith("North,2000,160.25,")), regions.toString());
        Assertions.assertTrue(regions.stream().anyMatch(l -> l.startsWith("South,2000,149.75,")), regions.toString());
        Assertions.assertTrue(regions.stream().anyMatch(l -> l.startsWith("ALL,8000,154.32,")), regions.toString());

        // sites: the mean per attendance beside access and waits; the suppressed row has a dash, not a number
        List<String> sites = Files.readAllLines(dir.resolve("sites.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(sites.get(0).contains(",cost_per_attendance_gbp,"), sites.get(0));
        int col = List.of(sites.get(0).split(",")).indexOf("cost_per_attendance_gbp");
        Assertions.assertEquals("171.05", sites.stream().filter(l -> l.startsWith("North,AAA,")).findFirst()
                .orElseThrow().split(",", -1)[col]);
        String bbb = sites.stream().filter(l -> l.startsWith("North,BBB,")).findFirst().orElseThrow();
        Assertions.assertEquals("", bbb.split(",", -1)[col], bbb);
        Assertions.assertTrue(bbb.endsWith(",true"), "BBB's row is marked suppressed: " + bbb);
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("<tr><td>North</td><td>BBB</td>(.*?)</tr>")
                .matcher(page);
        Assertions.assertTrue(row.find() && row.group(1).contains("<td class=\"na\">\u2013</td>"), "dash for null");

        // cost-effectiveness: decimal intervals, plain in CSV, whole pounds in the page; South suppressed
        List<String> ce = Files.readAllLines(dir.resolve("cost_effectiveness.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(ce.stream().anyMatch(l -> l.startsWith("ALL,1200,800,210.40,455.90,30.5,42.0,-245.50,"
                + "-1301.25,-190.75,")), ce.toString());
        Assertions.assertTrue(ce.stream().anyMatch(l -> l.contains(",-21.35,") && l.contains(",-1234.56,-14.10,")),
                ce.toString());
        Assertions.assertTrue(page.contains("<td class=\"n\">-1,301</td>"), "interval in whole pounds");
        Assertions.assertTrue(page.contains("<td class=\"n\">-1,235</td>"), "ICER interval in whole pounds");
        Assertions.assertFalse(page.contains("1234567.89") || page.contains("-1301.25"), "no raw money in the page");
    }

    @Test
    void aQuarterWithoutDataIsAClearError() {
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> QuarterlyReport.write(PublishedFixture.spark(), root, "2020-21 Q3", tmp.resolve("none")));
        Assertions.assertTrue(e.getMessage().contains("no data for 2020-21 Q3"), e.getMessage());
        Assertions.assertFalse(Files.exists(tmp.resolve("none")), "nothing written");
    }

    @Test
    void csvCellsAreQuotedAndNeverFormulas() {
        Assertions.assertEquals("\"a,b\"", ReportTable.csvCell("a,b"));
        Assertions.assertEquals("\"say \"\"hi\"\"\"", ReportTable.csvCell("say \"hi\""));
        Assertions.assertEquals("'=HYPERLINK(1)", ReportTable.csvCell("=HYPERLINK(1)"));
        Assertions.assertEquals("-12.5", ReportTable.csvCell("-12.5"), "negative numbers stay numbers");
        ReportTable t = new ReportTable("x", "X", "", List.of("a", "b_gbp"), List.of(java.util.Arrays.asList(null, 1234.5)));
        Assertions.assertEquals("a,b_gbp\r\n,1234.5\r\n", t.csv());
        Assertions.assertTrue(t.html().contains("<td class=\"n\">1,234</td>") || t.html().contains("<td class=\"n\">1,235</td>"));
    }

    @Test
    void decimalMoneyIsExactInCsvAndWholePoundsOnThePage() {
        Assertions.assertEquals("1,234,568", ReportTable.format("total_cost_gbp", new java.math.BigDecimal("1234567.50")));
        Assertions.assertEquals("-1,302", ReportTable.format("cost_difference_ci_low", new java.math.BigDecimal("-1301.50")));
        Assertions.assertEquals("-14", ReportTable.format("incremental_cost_per_wait_day_avoided_ci_high",
                new java.math.BigDecimal("-14.10")));
        Assertions.assertEquals("2,400.5", ReportTable.format("escort_officer_hours", new java.math.BigDecimal("2400.50")));
        ReportTable t = new ReportTable("x", "X", "", List.of("a", "b_gbp"), List.of(
                java.util.Arrays.asList("n", new java.math.BigDecimal("1E+3")),
                java.util.Arrays.asList("m", new java.math.BigDecimal("-0.10")),
                java.util.Arrays.asList("s", null)));
        Assertions.assertEquals("a,b_gbp\r\nn,1000\r\nm,-0.10\r\ns,\r\n", t.csv(), "plain decimals, never 1E+3");
        Assertions.assertTrue(t.html().contains("<td>n</td><td class=\"n\">1,000</td>"), t.html());
        Assertions.assertTrue(t.html().contains("<td>m</td><td class=\"n\">0</td>"), "no minus zero: " + t.html());
        Assertions.assertTrue(t.html().contains("<td>s</td><td class=\"na\">\u2013</td>"), t.html());
    }

    /**
     * Connectivity subgroups (issue 19): the overall roll-out table lists each outcome and control once, for all
     * sites (subgroup ALL, estimate -3); the subgroup estimates (99) are not repeated in it or in the event study.
     */
    @Test
    void connectivitySubgroupsAreNotDuplicatedInTheImpactTables() throws Exception {
        org.apache.spark.sql.SparkSession spark = PublishedFixture.spark();
        Path subgroups = PublishedFixture.write(spark, tmp.resolve("subgroups"));
        org.apache.spark.sql.types.StructType ri = PublishedFixture.declared("rollout_impact", "level", "region",
                "site_id", "outcome", "control", "event_time", "estimate", "ci_low", "ci_high", "pretrend_p_value",
                "sites_treated", "sites_never_live", "n_bootstrap", "method", "subgroup");
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (String control : List.of("not_yet_treated", "never_treated")) {
            for (Integer e : java.util.Arrays.asList(1, null)) {
                for (String subgroup : List.of("ALL", "connectivity_adequate", "connectivity_poor")) {
                    double estimate = subgroup.equals("ALL") ? -3.0 : 99.0;
                    rows.add(org.apache.spark.sql.RowFactory.create("national", "ALL", "ALL",
                            "mean_first_attendance_wait_days", control, e, estimate, estimate - 1, estimate + 1,
                            e == null ? 0.5 : null, 4, 2, 200, "m", subgroup));
                }
            }
        }
        spark.createDataFrame(rows, ri).write().mode("overwrite")
                .parquet(subgroups.resolve("published/rollout_impact").toString());
        Path dir = tmp.resolve("subgroup-report");
        QuarterlyReport.write(spark, subgroups, "2026-27 Q2", dir);
        List<String> overall = Files.readAllLines(dir.resolve("rollout_impact.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(3, overall.size(), "header and one row per control: " + overall);
        Assertions.assertTrue(overall.stream().noneMatch(l -> l.contains("99")), overall.toString());
        List<String> events = Files.readAllLines(dir.resolve("rollout_event_study.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(2, events.size(), "header and event time 1 of the headline: " + events);
    }

    // ---- version 2: prescribing safety, telemedicine security, economics, method notes ----

    /** The CSV row starting with the given cells. */
    static String[] csvRow(List<String> csv, String start) {
        return csv.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + start + " in " + csv)).split(",", -1);
    }

    /**
     * The version 2 tables of {@link PublishedFixture#writeVersion2} for 2026-27 Q2. Prescribing, national: the
     * telemedicine high-risk share 3 / 40 = 0.075 with its Wilson interval 0.025836 to 0.198642 (worked in
     * {@code DashboardTest}), shown 0.026 to 0.199; in person 2 incidents per 1,000 prescriptions with Garwood
     * 0.242 to 7.225, shown 0.24 to 7.22. South's suppressed region row and BBB's security row say "suppressed"
     * on the page and are empty in the CSV. Sensitivity is the quarter's (4 rows, not Q1's); acceptability has
     * the public sector's 0.10 to 0.99; budget impact has both financial years to the quarter's, site totals a
     * dash, the suppressed site's mean per consult "suppressed".
     */
    @Test
    void version2TablesWithIntervalsAndSuppressedCells() throws Exception {
        Path dir = v2Report;
        String page = v2Page;

        List<String> rx = Files.readAllLines(dir.resolve("prescribing_safety.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals("modality_group,prescriptions,high_risk_prescriptions,high_risk_share,"
                + "high_risk_share_ci_low,high_risk_share_ci_high,incidents,incidents_per_1000_prescriptions,"
                + "incidents_per_1000_ci_low,incidents_per_1000_ci_high,suppressed", rx.get(0));
        Assertions.assertEquals(4, rx.size(), "three modality groups, Q2 only: " + rx);
        String[] tele = csvRow(rx, "telemedicine,");
        Assertions.assertEquals(0.025836, Double.parseDouble(tele[4]), 1e-5);
        Assertions.assertEquals(0.198642, Double.parseDouble(tele[5]), 1e-5);
        String[] inPerson = csvRow(rx, "in_person,");
        Assertions.assertEquals(0.242209, Double.parseDouble(inPerson[8]), 1e-5);
        Assertions.assertEquals(7.224688, Double.parseDouble(inPerson[9]), 1e-5);
        Assertions.assertTrue(page.contains("<td class=\"n\">0.075</td><td class=\"n\">0.026</td>"
                + "<td class=\"n\">0.199</td>"), "Wilson interval on the page");
        Assertions.assertTrue(page.contains("<td class=\"n\">2.00</td><td class=\"n\">0.24</td>"
                + "<td class=\"n\">7.22</td>"), "Garwood interval on the page");

        List<String> regions = Files.readAllLines(dir.resolve("prescribing_safety_by_region.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(regions.contains("South,5,,,,,true"), "suppressed cells empty, never 0: " + regions);
        Assertions.assertTrue(row(page, "prescribing_safety_by_region", "South")
                .contains("<td class=\"na\">suppressed</td>"), row(page, "prescribing_safety_by_region", "South"));

        List<String> sites = Files.readAllLines(dir.resolve("telemedicine_security_by_site.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(4, sites.size(), "three sites, Q2: " + sites);
        Assertions.assertTrue(csvRow(sites, "North,BBB,")[3].isEmpty(), sites.toString());
        Assertions.assertTrue(row(page, "telemedicine_security_by_site", "North</td><td>BBB").contains("<td class=\"na\">suppressed</td>"));
        List<String> kinds = Files.readAllLines(dir.resolve("telemedicine_security.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(3, kinds.size(), "ALL and device_misuse, all severities: " + kinds);

        List<String> sensitivity = Files.readAllLines(dir.resolve("cost_sensitivity.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(5, sensitivity.size(), "2 perspectives x 2 parameters of Q2: " + sensitivity);
        Assertions.assertTrue(sensitivity.contains("2026-27 Q2,public_sector,escort_officer_hour,0.5,2.0,-245.50,"
                + "-150.25,-436.00"), sensitivity.toString());

        List<String> ceac = Files.readAllLines(dir.resolve("cost_effectiveness_acceptability.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(ceac.get(0).endsWith("p_cost_effective_0,p_cost_effective_5,p_cost_effective_10,"
                + "p_cost_effective_20,p_cost_effective_50,p_cost_effective_100,p_cost_effective_200"), ceac.get(0));
        Assertions.assertTrue(csvRow(ceac, "public_sector,")[ceac.get(0).split(",").length - 1].equals("0.99"),
                ceac.toString());

        List<String> budget = Files.readAllLines(dir.resolve("budget_impact.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(11, budget.size(), "2026-27 4 rows and 2025-26 1, x 2 perspectives: " + budget);
        Assertions.assertTrue(budget.get(1).startsWith("2025-26,"), "years in order: " + budget);
        Assertions.assertTrue(budget.contains("2026-27,public_sector,ALL,ALL,,1000,150000.00,162345.67,-12345.67,"
                + "-12.35,false"), budget.toString());
        Assertions.assertTrue(budget.contains("2026-27,public_sector,North,AAA,HMP Ashfield,600,,,,-20.10,false"),
                budget.toString());
        String bbb = row(page, "budget_impact", "2026-27</td><td>public_sector</td><td>North</td><td>BBB");
        Assertions.assertTrue(bbb.contains("<td class=\"na\">\u2013</td>") && bbb.contains("<td class=\"na\">suppressed</td>"),
                "totals not published (a dash), the mean suppressed: " + bbb);
        Assertions.assertFalse(page.contains("Not yet published"), "every table is there");
    }

    /** The first row of the section's table that starts with the given cells. */
    static String row(String page, String section, String cells) {
        int from = page.indexOf("<section class=\"table\" id=\"" + section + "\">");
        Assertions.assertTrue(from >= 0, "no section " + section);
        String table = page.substring(from, page.indexOf("</section>", from));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<tr><td>" + java.util.regex.Pattern.quote(cells)
                + "</td>(.*?)</tr>").matcher(table);
        Assertions.assertTrue(m.find(), "no row " + cells);
        return m.group(1);
    }

    /**
     * An output from before version 2: each new section is a title and a "not yet published" line, with no CSV,
     * and the rest of the report is unchanged; the method notes are there either way.
     */
    @Test
    void tablesNotYetPublishedAreALineAndMethodNotesAreQuotable() throws Exception {
        Path dir = v1Report;
        String page = v1Page;
        for (String id : List.of("prescribing_safety", "telemedicine_security", "cost_sensitivity",
                "cost_effectiveness_acceptability", "budget_impact", "equity", "readiness_by_site",
                "rollout_subgroups")) {
            Assertions.assertTrue(page.contains("<section class=\"table\" id=\"" + id + "\">"), id);
            Assertions.assertFalse(Files.exists(dir.resolve(id + ".csv")), id + " has no CSV");
            Assertions.assertTrue(section(page, id).contains("Not yet published"), id);
        }
        Assertions.assertFalse(page.contains("id=\"equity_by_region\""), "one line for the equity table");
        Assertions.assertEquals(8, count(page, "Not yet published: this output was written before the table existed."));
        Assertions.assertTrue(Files.exists(dir.resolve("cost_effectiveness.csv")), "version 1 table as before");
        for (String quotable : List.of("95% Wilson score intervals", "exact Poisson (Garwood) 95% intervals",
                "the arms remain observational even after adjustment", "No QALYs", "wait-days avoided",
                "Sensitivity is one-way and deterministic", "-50% and +100%",
                "Demographic rows are national and region only: site-level cells would identify people",
                "Each person takes their current patients record", "Unknown is a group, not an error",
                "the connectivity in force at its go-live", "Subgroup estimates are observational and rest on fewer"
                        + " sites, so their intervals are wider")) {
            Assertions.assertTrue(page.contains(quotable), quotable);
        }
    }

    /** The HTML of one table section. */
    static String section(String page, String id) {
        int from = page.indexOf("<section class=\"table\" id=\"" + id + "\">");
        Assertions.assertTrue(from >= 0, "no section " + id);
        return page.substring(from, page.indexOf("</section>", from));
    }

    // ---- version 2, issue 19: equity, readiness, roll-out connectivity subgroups ----

    /**
     * {@link PublishedFixture#writeEquity}, {@link PublishedFixture#writeReadiness} and
     * {@link PublishedFixture#writeRolloutImpactV2} for 2026-27 Q2 (Q1's rows are not in it). Equity, national:
     * 70+ share 0.100 against 0.40 nationally = 0.250, median 80 days (1.600); unknown is a row of its own (0.600,
     * 1.500). By region: North's 70+ row says "suppressed" in every withheld cell (empty in the CSV), never 0.
     * Readiness: AAA adequate / tablets_4g, 0.500 share, 0.050 failures; BBB suppressed; CCC with no connectivity
     * row (a dash) and a true 0.000. Subgroups: one row per outcome, ALL, adequate and poor side by side.
     */
    @Test
    void equityReadinessAndSubgroupEffectsForTheQuarter() throws Exception {
        Path dir = v2Report;
        String page = v2Page;

        List<String> equity = Files.readAllLines(dir.resolve("equity.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(List.of("dimension,group_value,patients_seen,attended,telemedicine_share,"
                        + "telemedicine_share_vs_all,completed_pathways,median_wait_days,median_wait_vs_all,dna_rate,"
                        + "gic_attended,suppressed",
                "age_band,ALL,500,1000,0.4,1.0,300,50,1.0," + 100 / 1100.0 + ",0,false",
                "age_band,18-20,60,100,0.25,0.625,30,65,1.3," + 10 / 110.0 + ",0,false",
                "age_band,70+,20,40,0.1,0.25,10,80,1.6," + 2 / 42.0 + ",0,false",
                "age_band,unknown,30,50,0.6,1.5,20,45,0.9," + 5 / 55.0 + ",0,false",
                "sex,ALL,500,1000,0.4,1.0,300,50,1.0," + 100 / 1100.0 + ",0,false",
                "sex,female,150,300,0.4,1.0,90,50,1.0," + 30 / 330.0 + ",0,false",
                "sex,male,350,700,0.4,1.0,210,50,1.0," + 70 / 770.0 + ",0,false"), equity);
        Assertions.assertTrue(row(page, "equity", "age_band</td><td>70+").startsWith("<td class=\"n\">20</td>"
                + "<td class=\"n\">40</td><td class=\"n\">0.100</td><td class=\"n\">0.250</td><td class=\"n\">10</td>"
                + "<td class=\"n\">80</td><td class=\"n\">1.600</td>"), row(page, "equity", "age_band</td><td>70+"));
        Assertions.assertTrue(row(page, "equity", "age_band</td><td>unknown").contains("<td class=\"n\">0.600</td>"
                + "<td class=\"n\">1.500</td>"), "unknown shown as a group");

        List<String> byRegion = Files.readAllLines(dir.resolve("equity_by_region.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(6, byRegion.size(), "header, North 3 rows, South 2: " + byRegion);
        Assertions.assertTrue(byRegion.contains("North,age_band,70+,,,,,,,true"), "suppressed cells empty: " + byRegion);
        String north = row(page, "equity_by_region", "North</td><td>age_band</td><td>70+");
        Assertions.assertEquals(6, count(north, "<td class=\"na\">suppressed</td>"), "every withheld cell: " + north);
        Assertions.assertFalse(north.contains(">0<") || north.contains(">0.000<"), "never 0: " + north);
        Assertions.assertTrue(row(page, "equity_by_region", "North</td><td>age_band</td><td>unknown")
                .contains("<td class=\"n\">0.500</td><td class=\"n\">1.250</td>"));

        List<String> readiness = Files.readAllLines(dir.resolve("readiness_by_site.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(List.of("region,site_id,site_name,connectivity,devices,attended,telemedicine_share,"
                        + "telemedicine_due,technical_failures,technical_failure_rate,suppressed",
                "North,AAA,HMP Ashfield,adequate,tablets_4g,400,0.5,220,11,0.05,false",
                "North,BBB,<script>alert(1)</script>,poor,fixed_room,,,40,,,true",
                "South,CCC,HMP Castleton,,,300,0.1,35,0,0.0,false"), readiness);
        String bbb = row(page, "readiness_by_site", "North</td><td>BBB");
        Assertions.assertEquals(4, count(bbb, "<td class=\"na\">suppressed</td>"), bbb);
        Assertions.assertTrue(bbb.contains("<td>poor</td><td>fixed_room</td>"), bbb);
        String ccc = row(page, "readiness_by_site", "South</td><td>CCC");
        Assertions.assertTrue(ccc.startsWith("<td>HMP Castleton</td><td class=\"na\">\u2013</td>"
                + "<td class=\"na\">\u2013</td>"), "no connectivity row yet is a dash: " + ccc);
        Assertions.assertTrue(ccc.endsWith("<td class=\"n\">0.000</td><td>false</td>"), ccc);

        List<String> subgroups = Files.readAllLines(dir.resolve("rollout_subgroups.csv"), StandardCharsets.UTF_8);
        Assertions.assertEquals(List.of("outcome,all_sites_estimate,all_sites_ci_low,all_sites_ci_high,"
                        + "connectivity_adequate_estimate,connectivity_adequate_ci_low,connectivity_adequate_ci_high,"
                        + "connectivity_poor_estimate,connectivity_poor_ci_low,connectivity_poor_ci_high,sites_treated",
                "dna_rate,-0.012,-0.02,-0.004,-0.018,-0.03,-0.006,,,,2 / 1 / \u2013",
                "mean_first_attendance_wait_days,-7.5,-11.0,-4.0,-9.25,-14.5,-4.0,-2.75,-12.0,6.5,2 / 1 / 1"),
                subgroups);
        Assertions.assertTrue(row(page, "rollout_subgroups", "mean_first_attendance_wait_days").equals(
                "<td class=\"n\">-7.500</td><td class=\"n\">-11.000</td><td class=\"n\">-4.000</td>"
                + "<td class=\"n\">-9.250</td><td class=\"n\">-14.500</td><td class=\"n\">-4.000</td>"
                + "<td class=\"n\">-2.750</td><td class=\"n\">-12.000</td><td class=\"n\">6.500</td>"
                + "<td>2 / 1 / 1</td>"), row(page, "rollout_subgroups", "mean_first_attendance_wait_days"));
        Assertions.assertTrue(page.contains("Subgroups rest on fewer sites: observational, wider intervals."));
        // the overall table keeps each outcome and control once, for all sites: the subgroups are not in it
        List<String> overall = Files.readAllLines(dir.resolve("rollout_impact.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(overall.stream().noneMatch(l -> l.contains("-9.25") || l.contains("55.0")), overall.toString());
    }

    /** An output run without reference/site_connectivity.csv: the subgroup section says so, and has no CSV. */
    @Test
    void withoutConnectivityTheSubgroupSectionSaysWhy() throws Exception {
        org.apache.spark.sql.SparkSession spark = PublishedFixture.spark();
        Path out = PublishedFixture.write(spark, tmp.resolve("no-subgroups"));
        PublishedFixture.writeRolloutImpactV2(spark, out, false);
        Path dir = tmp.resolve("no-subgroups-report");
        String page = Files.readString(QuarterlyReport.write(spark, out, "2026-27 Q2", dir));
        Assertions.assertTrue(section(page, "rollout_subgroups").contains(
                "No connectivity subgroups: reference/site_connectivity.csv was not delivered."), section(page, "rollout_subgroups"));
        Assertions.assertFalse(section(page, "rollout_subgroups").contains("Not yet published"));
        Assertions.assertFalse(Files.exists(dir.resolve("rollout_subgroups.csv")));
        Assertions.assertTrue(Files.exists(dir.resolve("rollout_impact.csv")), "the all-sites estimates as before");
    }
}
