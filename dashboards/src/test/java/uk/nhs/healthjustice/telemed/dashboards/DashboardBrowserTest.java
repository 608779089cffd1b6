package uk.nhs.healthjustice.telemed.dashboards;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium (Debian's package): charts render, no script errors, the region
 * filter changes what is shown, and an untrusted site name is shown as text. In CI a missing browser fails.
 */
@Tag("browser")
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path tmp;
    static Path html;

    @BeforeAll
    static void build() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            Assertions.assertNull(System.getenv("CI"), "CI must install Debian's chromium (.ci/run does)");
            Assumptions.abort("no /usr/bin/chromium on this machine");
        }
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        html = Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("dashboard.html"));
    }

    static String chromium(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(tmp, "profile"),
                "--virtual-time-budget=5000", "--window-size=1400,1800"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assertions.assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium timed out");
        return out;
    }

    static String dom(String hash) throws Exception {
        return chromium("--dump-dom", html.toUri() + hash);
    }

    static String league(String dom) {
        Matcher m = Pattern.compile("<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(m.find(), "league table present");
        return m.group(1);
    }

    static int leagueRows(String dom) {
        return league(dom).split("<tr>", -1).length - 1;
    }

    @Test
    void chartsRenderWithoutErrorsAndTheNameIsText() throws Exception {
        String dom = dom("");
        Assertions.assertTrue(dom.contains("data-rendered=\"true\""), "page script ran");
        Assertions.assertTrue(dom.contains("<div id=\"errors\"></div>"), "script errors: " + dom.replaceAll("(?s).*<div id=\"errors\">(.*?)</div>.*", "$1"));
        for (String id : List.of("chart-waiting-list", "chart-waits", "chart-access", "chart-modality", "chart-specialty",
                "chart-impact")) {
            Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
            Assertions.assertTrue(m.find() && m.group(1).contains("<svg") && m.group(1).contains("<path"), id + " rendered");
        }
        // the specialty chart draws one bar per specialty in the fixture (330 and GIC): two filled rectangles
        Matcher spec = Pattern.compile("id=\"chart-specialty\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(spec.find());
        Assertions.assertTrue(spec.group(1).contains("fill=\"#d5281b\""), "the GIC bar is drawn");
        Assertions.assertTrue(league(dom).contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"), "malicious name shown as text");
        Assertions.assertFalse(dom.contains("<script>alert(1)</script>"));
        Assertions.assertEquals(3, leagueRows(dom));
    }

    static String tile(String dom, String label) {
        Matcher m = Pattern.compile("<div class=\"value\">([^<]*)</div><div class=\"label\">" + Pattern.quote(label)
                + "</div>").matcher(dom);
        Assertions.assertTrue(m.find(), "tile " + label);
        return m.group(1);
    }

    static String leagueRow(String dom, String text) {
        for (String row : league(dom).split("<tr>", -1)) {
            if (row.contains(text)) {
                return row;
            }
        }
        return Assertions.fail("no league row with " + text);
    }

    @Test
    void moneyInWholePoundsTotalsNationallyAndMeansBelow() throws Exception {
        String england = dom("");
        Assertions.assertEquals("\u00a31,234,568", tile(england, "Total cost of attended consults"));
        Assertions.assertEquals("\u00a3154", tile(england, "Cost per attendance"));
        Assertions.assertEquals("\u00a398,765", tile(england, "Escort cost avoided"));
        Assertions.assertTrue(leagueRow(england, "HMP Ashfield").endsWith("<td class=\"num\">\u00a3171</td></tr>"),
                leagueRow(england, "HMP Ashfield"));
        Assertions.assertTrue(leagueRow(england, "HMP Castleton").endsWith("<td class=\"num\">\u00a3140</td></tr>"));
        Assertions.assertTrue(leagueRow(england, "alert(1)").endsWith("<td class=\"num\">*</td></tr>"),
                "suppressed cost: " + leagueRow(england, "alert(1)"));
        String north = dom("#region=North");
        Assertions.assertEquals("\u2013", tile(north, "Total cost of attended consults (published nationally only)"));
        Assertions.assertEquals("\u00a3160", tile(north, "Cost per attendance"));
        Assertions.assertEquals("\u00a324,691", tile(north, "Escort cost avoided"));
    }

    /** Sites named after each template marker: both pages still render and show the names as text. */
    @Test
    void pagesRenderWithSiteNamesMadeOfTemplateMarkers() throws Exception {
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("hostile"), PublishedFixture.hostileSites());
        Path page = Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("hostile.html"));
        String dom = chromium("--dump-dom", page.toUri().toString());
        Assertions.assertTrue(dom.contains("data-rendered=\"true\""), "page script ran");
        Assertions.assertTrue(dom.contains("<div id=\"errors\"></div>"), "script errors: " + dom);
        Assertions.assertEquals(PublishedFixture.hostileSites().size(), leagueRows(dom));
        for (String marker : PublishedFixture.MARKERS) {
            Assertions.assertTrue(league(dom).contains("<td>" + marker + "</td>"), marker + " shown as text");
        }
        Assertions.assertTrue(league(dom).contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
        Matcher waits = Pattern.compile("id=\"chart-waits\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(waits.find() && waits.group(1).contains("<path"), "chart drawn");

        Path report = QuarterlyReport.write(PublishedFixture.spark(), root, "2026-27 Q2", tmp.resolve("hostile-report"));
        String rdom = chromium("--dump-dom", report.toUri().toString());
        Assertions.assertTrue(rdom.contains("data-rendered=\"true\""), "report script ran");
        Matcher errors = Pattern.compile("<div id=\"errors\" class=\"errors\">(.*?)</div>", Pattern.DOTALL).matcher(rdom);
        Assertions.assertTrue(errors.find() && errors.group(1).isEmpty(), "script errors: " + rdom);
        for (String marker : PublishedFixture.MARKERS) {
            Assertions.assertTrue(rdom.contains("<td>" + marker + "</td>"), marker + " shown as text in the report");
        }
        Matcher trend = Pattern.compile("id=\"chart-trend\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(rdom);
        Assertions.assertTrue(trend.find() && trend.group(1).contains("<path"), "trend chart drawn");
        Matcher impact = Pattern.compile("id=\"chart-impact\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(rdom);
        Assertions.assertTrue(impact.find() && impact.group(1).contains("<path"), "impact chart drawn");
    }

    /**
     * The headline tiles from the fixture's waiting list (PublishedFixture.waitingList): England Q2 87.0% within
     * 18 weeks (below the 92% standard, so the tile is marked), released before treatment 15.0% (60); South's
     * suppressed row shows '*'. Specialties are drawn with their names.
     */
    @Test
    void theRttStandardReleasedBeforeTreatmentAndSpecialtyNames() throws Exception {
        String england = dom("");
        Assertions.assertEquals("87.0%", tile(england, "Waiting list within 18 weeks at quarter end (standard 92%)"));
        Assertions.assertTrue(england.contains("<div class=\"tile below\"><div class=\"value\">87.0%</div>"),
                "below the standard is marked");
        Assertions.assertEquals("15.0%", tile(england, "Released before treatment (share of pathways ended in the quarter)"));
        Assertions.assertEquals("60", tile(england, "Patients released before treatment in the quarter"));
        String south = dom("#region=South");
        Assertions.assertEquals("*", tile(south, "Waiting list within 18 weeks at quarter end (standard 92%)"));
        Assertions.assertEquals("*", tile(south, "Released before treatment (share of pathways ended in the quarter)"));
        Matcher spec = Pattern.compile("id=\"chart-specialty\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(england);
        Assertions.assertTrue(spec.find());
        Assertions.assertTrue(spec.group(1).contains("330 Dermatology") && spec.group(1).contains("GIC Gender identity clinic"),
                "specialty names on the axis");
        Matcher list = Pattern.compile("id=\"chart-waiting-list\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(england);
        Assertions.assertTrue(list.find() && list.group(1).contains("92% standard") && list.group(1).contains("over 104 weeks"),
                "the waiting-list chart with the standard and the weeks");
    }

    @Test
    void theRegionFilterChangesWhatIsShown() throws Exception {
        String north = dom("#region=North");
        String south = dom("#region=South");
        Assertions.assertEquals(2, leagueRows(north));
        Assertions.assertEquals(1, leagueRows(south));
        Assertions.assertTrue(league(south).contains("HMP Castleton") && !league(south).contains("HMP Ashfield"));
        Assertions.assertTrue(league(north).contains("HMP Ashfield") && !league(north).contains("HMP Castleton"));
    }

    @Test
    void aScreenshotCanBeTaken() throws Exception {
        Path png = tmp.resolve("dashboard.png");
        chromium("--screenshot=" + png, html.toUri().toString());
        Assertions.assertTrue(Files.size(png) > 10_000, "screenshot written");
    }

    @Test
    void theQuarterlyReportRendersAndPrintsToPdf() throws Exception {
        Path report = QuarterlyReport.write(PublishedFixture.spark(), tmp.resolve("out"), "2026-27 Q2",
                tmp.resolve("report"));
        String dom = chromium("--dump-dom", report.toUri().toString());
        Assertions.assertTrue(dom.contains("data-rendered=\"true\""), "page script ran");
        Matcher errors = Pattern.compile("<div id=\"errors\" class=\"errors\">(.*?)</div>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(errors.find() && errors.group(1).isEmpty(), "script errors: " + dom);
        Matcher trend = Pattern.compile("id=\"chart-trend\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(trend.find() && trend.group(1).contains("<svg") && trend.group(1).contains("<path"),
                "trend chart rendered");
        Matcher list = Pattern.compile("id=\"chart-waiting-list\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(list.find() && list.group(1).contains("<path") && list.group(1).contains("92% standard"),
                "waiting-list chart rendered");
        Assertions.assertFalse(dom.contains(PublishedFixture.EVIL));
        Path pdf = tmp.resolve("report.pdf");
        chromium("--print-to-pdf=" + pdf, "--no-pdf-header-footer", report.toUri().toString());
        Assertions.assertTrue(Files.exists(pdf) && Files.size(pdf) > 10_000, "PDF printed");
        Assertions.assertEquals("%PDF", new String(Files.readAllBytes(pdf), 0, 4, StandardCharsets.US_ASCII));
    }

    /**
     * The version 2 sections with their tables published ({@link PublishedFixture#writeVersion2}): every chart
     * draws, no script errors, the suppressed site is labelled so, and the budget table has the national row.
     */
    @Test
    void version2ChartsRenderWithoutErrors() throws Exception {
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("v2"));
        PublishedFixture.writeVersion2(PublishedFixture.spark(), root);
        Path v2 = Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("v2.html"));
        String dom = chromium("--dump-dom", v2.toUri().toString());
        Assertions.assertTrue(dom.contains("data-rendered=\"true\""), "page script ran");
        Assertions.assertTrue(dom.contains("<div id=\"errors\"></div>"), "script errors: " + dom.replaceAll("(?s).*<div id=\"errors\">(.*?)</div>.*", "$1"));
        for (String id : List.of("chart-incidents", "chart-high-risk", "chart-security-sites", "chart-security-kinds",
                "chart-tornado", "chart-ceac", "chart-plane")) {
            Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
            Assertions.assertTrue(m.find() && m.group(1).contains("<svg") && m.group(1).contains("<path"), id + " rendered");
        }
        // the page script holds the words too: look at the notes themselves
        for (String note : List.of("safety-note", "security-note", "tornado-note", "ceac-note", "plane-note",
                "budget-note")) {
            Assertions.assertFalse(dom.contains("id=\"" + note + "\">Not yet published"), note);
        }
        Assertions.assertTrue(dom.contains("(suppressed)"), "the suppressed site is labelled");
        Assertions.assertFalse(dom.contains("<script>alert(1)</script>"));
    }

    /** The body of the table with the given id, as rendered. */
    static String tableBody(String dom, String id) {
        Matcher m = Pattern.compile("<table id=\"" + id + "\"[^>]*>.*?<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(dom);
        Assertions.assertTrue(m.find(), "table " + id);
        return m.group(1);
    }

    /** The rendered text of the element with the given id (no nested elements). */
    static String text(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
        Assertions.assertTrue(m.find(), id);
        return m.group(1);
    }

    /**
     * Issue 19 with its tables published (PublishedFixture.writeEquity, writeReadiness, writeRolloutImpactV2):
     * the equity, trend and subgroup charts draw; England's age bands show 70+ at 10.0% (0.25 of national) and
     * unknown as a group (60.0%, 1.50); North's 70+ says "suppressed"; readiness lists the three sites (North
     * two), BBB suppressed and CCC's connectivity a dash; the subgroup table puts ALL, adequate and poor side by
     * side; the method note is there.
     */
    @Test
    void equityReadinessAndSubgroupsRender() throws Exception {
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("equity"));
        PublishedFixture.writeVersion2(PublishedFixture.spark(), root);
        Path page = Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("equity.html"));
        String england = chromium("--dump-dom", page.toUri().toString());
        Assertions.assertTrue(england.contains("data-rendered=\"true\""), "page script ran");
        Assertions.assertTrue(england.contains("<div id=\"errors\"></div>"), "script errors: "
                + england.replaceAll("(?s).*<div id=\"errors\">(.*?)</div>.*", "$1"));
        for (String id : List.of("chart-equity-share", "chart-equity-wait", "chart-equity-trend", "chart-subgroups")) {
            Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(england);
            Assertions.assertTrue(m.find() && m.group(1).contains("<svg") && m.group(1).contains("<path"), id + " rendered");
        }
        String equity = tableBody(england, "equity-table");
        Assertions.assertTrue(equity.contains("<tr><td>everyone</td><td class=\"num\">500</td><td class=\"num\">40.0%</td>"
                + "<td class=\"num\">1.00</td><td class=\"num\">50</td><td class=\"num\">1.00</td></tr>"), equity);
        Assertions.assertTrue(equity.contains("<tr><td>70+</td><td class=\"num\">20</td><td class=\"num\">10.0%</td>"
                + "<td class=\"num\">0.25</td><td class=\"num\">80</td><td class=\"num\">1.60</td></tr>"), equity);
        Assertions.assertTrue(equity.contains("<tr><td>unknown</td><td class=\"num\">30</td><td class=\"num\">60.0%</td>"
                + "<td class=\"num\">1.50</td><td class=\"num\">45</td><td class=\"num\">0.90</td></tr>"), equity);
        Assertions.assertEquals(4, equity.split("<tr>", -1).length - 1, "age bands by default: " + equity);
        Matcher share = Pattern.compile("id=\"chart-equity-share\"[^>]*>(.*?)</div></div>", Pattern.DOTALL).matcher(england);
        Assertions.assertTrue(share.find() && share.group(1).contains("national"), "the national reference line");

        String subgroups = tableBody(england, "subgroup-table");
        Assertions.assertTrue(subgroups.contains("<td>mean first attendance wait days</td>"
                + "<td class=\"num\">-7.50 (-11.00 to -4.00), 2 sites</td>"
                + "<td class=\"num\">-9.25 (-14.50 to -4.00), 1 sites</td>"
                + "<td class=\"num\">-2.75 (-12.00 to 6.50), 1 sites</td>"), subgroups);
        Assertions.assertTrue(subgroups.contains("<td>dna rate</td><td class=\"num\">-0.012 (-0.020 to -0.004), 2 sites</td>"
                + "<td class=\"num\">-0.018 (-0.030 to -0.006), 1 sites</td><td class=\"num\">not estimated</td>"), subgroups);
        Assertions.assertTrue(england.contains("<li>Unknown is a group, not an error"), "method note");

        String readiness = tableBody(england, "readiness-table");
        Assertions.assertEquals(3, readiness.split("<tr>", -1).length - 1, readiness);
        Assertions.assertTrue(readiness.contains("<td>HMP Ashfield (2026-27 Q2)</td><td>North</td><td>adequate</td>"
                + "<td>tablets 4g</td><td class=\"num\">50.0%</td><td class=\"num\">5.0%</td>"), readiness);
        Assertions.assertTrue(readiness.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt; (2026-27 Q2)</td><td>North</td>"
                + "<td>poor</td><td>fixed room</td><td class=\"num\">suppressed</td><td class=\"num\">suppressed</td>"),
                readiness);
        Assertions.assertTrue(readiness.contains("<td>HMP Castleton (2026-27 Q2)</td><td>South</td><td>\u2013</td>"
                + "<td>\u2013</td><td class=\"num\">10.0%</td><td class=\"num\">0.0%</td>"), readiness);

        String north = chromium("--dump-dom", page.toUri() + "#region=North");
        String northEquity = tableBody(north, "equity-table");
        Assertions.assertTrue(northEquity.contains("<tr><td>70+</td><td class=\"num\">suppressed</td>"
                + "<td class=\"num\">suppressed</td><td class=\"num\">suppressed</td><td class=\"num\">suppressed</td>"
                + "<td class=\"num\">suppressed</td></tr>"), northEquity);
        Assertions.assertTrue(northEquity.contains("<tr><td>unknown</td><td class=\"num\">15</td><td class=\"num\">50.0%</td>"
                + "<td class=\"num\">1.25</td>"), northEquity);
        Assertions.assertEquals(2, tableBody(north, "readiness-table").split("<tr>", -1).length - 1, "North's sites");
    }

    /**
     * An output from before issue 19 (the usual fixture) says "not yet published" for equity, readiness and the
     * subgroups; one with subgroup ALL only says why there are none.
     */
    @Test
    void equitySectionsSayNotYetPublishedOrNoSubgroups() throws Exception {
        String dom = dom("");
        Assertions.assertTrue(dom.contains("<div id=\"errors\"></div>"), "script errors");
        for (String note : List.of("equity-note", "readiness-note", "subgroup-note")) {
            Assertions.assertEquals("Not yet published: this output was written before the table existed.",
                    text(dom, note), note);
        }
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("nosubgroups"));
        PublishedFixture.writeRolloutImpactV2(PublishedFixture.spark(), root, false);
        String none = chromium("--dump-dom", Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("n.html"))
                .toUri().toString());
        Assertions.assertTrue(none.contains("<div id=\"errors\"></div>"), "script errors");
        Assertions.assertEquals("No connectivity subgroups: reference/site_connectivity.csv was not delivered.",
                text(none, "subgroup-note"));
    }
}
