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

    @Test
    void saysClearlyWhenThereIsNothingPublished() {
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> Dashboard.write(PublishedFixture.spark(), tmp.resolve("empty"), tmp.resolve("d.html")));
        Assertions.assertTrue(e.getMessage().contains("run the nightly job first"), e.getMessage());
    }
}
