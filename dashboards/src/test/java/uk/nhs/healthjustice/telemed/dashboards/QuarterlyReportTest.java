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

    @BeforeAll
    static void published() throws Exception {
        root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
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
        Path dir = tmp.resolve("report");
        Path html = QuarterlyReport.write(PublishedFixture.spark(), root, "2026-27 Q2", dir);
        String page = Files.readString(html);
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
        // specialties in Q2 nationally: ALL, 330 and GIC with its 900-day median
        List<String> specialties = Files.readAllLines(dir.resolve("waits_by_specialty.csv"), StandardCharsets.UTF_8);
        Assertions.assertTrue(specialties.contains("GIC,40,900,120,80.0"), specialties.toString());
        for (String csv : List.of("waits_by_region", "waits_by_modality", "access_by_region", "access_by_modality",
                "data_quality")) {
            Assertions.assertTrue(Files.exists(dir.resolve(csv + ".csv")), csv);
            Assertions.assertTrue(page.contains("href=\"" + csv + ".csv\"") || csv.equals("data_quality"), csv);
        }
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
}
