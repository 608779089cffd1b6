package uk.nhs.healthjustice.telemed.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardTest {

    @TempDir
    Path tmp;

    @Test
    void oneOfflineFileWithEscapedDataAndInlinedCharts() throws Exception {
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        Path html = Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("dashboard.html"));
        String page = Files.readString(html);
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
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        String page = Files.readString(Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("dashboard.html")));
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
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        JsonNode data = data(Files.readString(Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("d.html"))));
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
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        String page = Files.readString(Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("d.html")));
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
}
