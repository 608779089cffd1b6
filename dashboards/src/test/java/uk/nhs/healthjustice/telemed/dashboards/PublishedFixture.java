package uk.nhs.healthjustice.telemed.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/**
 * A tiny published/ tree: two regions, three sites (one named like an attack), two quarters. Every table names
 * the columns it fills and takes their types from {@link PublishedTables} (money {@code DECIMAL(18,2)}, hours
 * {@code DECIMAL(12,2)}, ...), the declarations the nightly's written schemas are checked against, so a renamed
 * or retyped published column breaks these fixtures too. Below national level
 * the cost and hours totals are null (only means and the fixed cost stay), and on a suppressed row every money
 * and hours value is null.
 */
final class PublishedFixture {

    static final String EVIL = "<script>alert(1)</script>";

    /** Every marker the page templates have: untrusted site names made of them must stay plain text. */
    static final List<String> MARKERS = List.of("/*DATA*/", "/*ECHARTS*/", "{{TABLES}}", "{{QUARTER}}", "{{RANGE}}",
            "{{RUN}}");

    /** The usual sites: id, name, region, type, go-live. */
    static final List<Object[]> SITES = List.of(
            new Object[] {"AAA", "HMP Ashfield", "North", "prison", Date.valueOf("2026-01-01")},
            new Object[] {"BBB", EVIL, "North", "prison", null},
            new Object[] {"CCC", "HMP Castleton", "South", "yoi", Date.valueOf("2026-04-01")});

    /** One site named by each template marker (and one by a script element), over both regions. */
    static List<Object[]> hostileSites() {
        List<Object[]> sites = new ArrayList<>();
        List<String> names = new ArrayList<>(MARKERS);
        names.add(EVIL);
        for (int i = 0; i < names.size(); i++) {
            sites.add(new Object[] {String.format("S%02d", i + 1), names.get(i), i % 2 == 0 ? "North" : "South", "prison",
                    Date.valueOf("2026-01-01")});
        }
        return sites;
    }

    static BigDecimal gbp(String pounds) {
        return new BigDecimal(pounds);
    }

    /**
     * The schema of the named columns of {@code published/<table>}, in the order given, typed as declared.
     *
     * @throws IllegalArgumentException when the table does not declare one of them (renamed or dropped)
     */
    static StructType declared(String table, String... columns) {
        StructType published = PublishedTables.publishedSchema(table);
        StructType out = new StructType();
        for (String c : columns) {
            out = out.add(published.apply(c));
        }
        return out;
    }

    private PublishedFixture() {
    }

    static SparkSession spark() {
        return SparkSession.builder().master("local[2]").appName("dashboards-test")
                .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    static Path write(SparkSession spark, Path root) throws Exception {
        return write(spark, root, SITES);
    }

    /**
     * The tables of {@link #SITES} are the same bytes every time, and the two test classes ask for them a dozen
     * times: they are written by Spark once per test JVM and copied after that. Other site lists are written.
     */
    static Path write(SparkSession spark, Path root, List<Object[]> siteList) throws Exception {
        if (siteList != SITES) {
            return writeTables(spark, root, siteList);
        }
        copyTree(template("version1", dir -> writeTables(spark, dir, SITES)), root);
        return root;
    }

    private static final Map<String, Path> TEMPLATES = new HashMap<>(); // guarded by template()'s lock

    interface TemplateWriter {
        void writeInto(Path dir) throws Exception;
    }

    /** The folder that holds {@code kind}'s tables, written on first use and deleted when the JVM exits. */
    private static synchronized Path template(String kind, TemplateWriter writer) throws Exception {
        Path dir = TEMPLATES.get(kind);
        if (dir == null) {
            dir = Files.createTempDirectory("published-fixture-" + kind);
            Path written = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(written)));
            writer.writeInto(dir);
            TEMPLATES.put(kind, dir);
        }
        return dir;
    }

    /** Copies every file of {@code from} under {@code to}; a table folder already in {@code to} is replaced, as Spark's overwrite would. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> tables = Files.list(from.resolve("published"))) {
            for (Path table : tables.toList()) {
                deleteTree(to.resolve("published").resolve(table.getFileName().toString()));
            }
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeTables(SparkSession spark, Path root, List<Object[]> siteList) throws Exception {
        StructType sites = declared("sites", "site_id", "site_name", "region", "site_type", "telemedicine_go_live");
        spark.createDataFrame(siteList.stream().map(RowFactory::create).toList(), sites)
                .write().parquet(root.resolve("published/sites").toString());

        StructType access = declared("access", "period_type", "period_start", "period_label", "region", "site_id",
                "modality_group", "consults_due", "attended", "did_not_attend", "cancelled_no_escort",
                "cancelled_security", "dna_rate", "telemedicine_share", "attended_per_1000", "technical_failure_rate",
                "gic_attended", "suppressed");
        List<String> waitColumns = new ArrayList<>(List.of("period_type", "period_start", "period_label", "region",
                "site_id", "specialty_code", "priority", "modality_group", "measure", "completed_pathways",
                "median_wait_days", "p92_wait_days", "pct_within_18_weeks", "suppressed"));
        waitColumns.addAll(WAITING_LIST_COLUMNS);
        StructType waits = declared("waiting_times", waitColumns.toArray(String[]::new));
        List<Row> a = new ArrayList<>();
        List<Row> w = new ArrayList<>();
        String[][] periods = {{"quarter", "2026-04-01", "2026-27 Q1"}, {"quarter", "2026-07-01", "2026-27 Q2"},
                {"month", "2026-04-01", "2026-04"}, {"month", "2026-05-01", "2026-05"}, {"month", "2026-07-01", "2026-07"}};
        List<String[]> geoList = new ArrayList<>(List.of(new String[] {"ALL", "ALL"}, new String[] {"North", "ALL"},
                new String[] {"South", "ALL"}));
        siteList.forEach(site -> geoList.add(new String[] {(String) site[2], (String) site[0]}));
        String[][] geos = geoList.toArray(String[][]::new);
        int k = 0;
        for (String[] p : periods) {
            for (String[] g : geos) {
                for (String m : new String[] {"ALL", "telemedicine", "in_person"}) {
                    k++;
                    a.add(RowFactory.create(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], m, 100L + k, 80L, 10L, 5L, 2L,
                            10.0 / 90, m.equals("ALL") ? 0.25 + k % 5 / 100.0 : null, 12.5, 0.04, 1L, false));
                    for (String spec : new String[] {"ALL", "330", "GIC"}) {
                        w.add(waitRow(p, g, spec, m, "first_attendance", 40L, spec.equals("GIC") ? 900 : 40 + k % 17,
                                120, 80.0, false, new Object[WAITING_LIST_COLUMNS.size()]));
                    }
                }
                Object[] list = waitingList(p[2], g);
                if (list != null) {
                    w.add(waitRow(p, g, "ALL", "ALL", "rtt", 320L, 70, 200, 62.5, list[list.length - 1], list));
                }
            }
        }
        spark.createDataFrame(a, access).write().parquet(root.resolve("published/access").toString());
        spark.createDataFrame(w, waits).write().parquet(root.resolve("published/waiting_times").toString());
        writeCosts(spark, root, periods, geos);
        writeCostEffectiveness(spark, root);
        writeRolloutImpact(spark, root, siteList);
        Files.createDirectories(root.resolve("runs"));
        Files.writeString(root.resolve("runs/nightly-2026-09-30.json"),
                "{\"run_id\":\"nightly-2026-09-30\",\"run_date\":\"2026-09-30\",\"status\":\"succeeded\","
                        + "\"generation\":\"g1\",\"finished_at\":\"2026-10-01T02:40:00Z\"}");
        return root;
    }

    /** The waiting-list (measure rtt) columns of published/waiting_times, null on first_attendance rows. */
    static final List<String> WAITING_LIST_COLUMNS = List.of("incomplete_pathways", "incomplete_within_18_weeks",
            "pct_incomplete_within_18_weeks", "incomplete_median_wait_days", "incomplete_p92_wait_days",
            "incomplete_over_18_weeks", "incomplete_over_52_weeks", "incomplete_over_65_weeks",
            "incomplete_over_78_weeks", "incomplete_over_104_weeks", "removed_released", "removed_transferred_out",
            "removed_died", "released_before_treatment_rate");

    private static Row waitRow(String[] p, String[] g, String spec, String modality, String measure, Long completed,
            Integer median, Integer p92, Double pct, Object suppressed, Object[] list) {
        List<Object> v = new ArrayList<>(java.util.Arrays.asList(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], spec, "ALL",
                modality, measure, completed, median, p92, pct, suppressed));
        v.addAll(java.util.Arrays.asList(list).subList(0, WAITING_LIST_COLUMNS.size()));
        return RowFactory.create(v.toArray());
    }

    /**
     * The waiting list at period end (measure rtt, all specialties, priorities and modalities), national and
     * regions only, in {@link #WAITING_LIST_COLUMNS} order then the suppressed flag; null for site rows.
     * National 2026-27 Q2: 1,000 waiting, 870 within 18 weeks = 87.0% (below the 92% standard), median 60, p92
     * 150, over 18/52/65/78/104 weeks 130/40/12/5/1; in the quarter 320 completed, 60 released, 15 transferred
     * out, 5 died: released before treatment 60 / 400 = 0.15. Q1: 900 waiting, 846 within = 94.0%. The months
     * hold other stocks (880, 890, 950): a page that added up periods would show neither 1,000 nor 87.0%.
     * North Q2: 600, 520 within = 86.7%. South Q2 is suppressed: 10 waiting, within 18 weeks and its percentage
     * null, released null (counts of 1 to 7), so nothing can be worked out.
     */
    static Object[] waitingList(String period, String[] g) {
        if (!g[1].equals("ALL")) {
            return null;
        }
        boolean q2 = period.equals("2026-27 Q2");
        if (g[0].equals("South") && q2) {
            return new Object[] {10L, null, null, 40, 90, null, 0L, 0L, 0L, 0L, null, 0L, 0L, null, true};
        }
        if (g[0].equals("North") && q2) {
            return new Object[] {600L, 520L, 86.7, 62, 160, 80L, 25L, 10L, 5L, 0L, 35L, 10L, 0L, 0.15, false};
        }
        return switch (g[0].equals("ALL") ? period : "region") {
            case "2026-27 Q2" -> new Object[] {1000L, 870L, 87.0, 60, 150, 130L, 40L, 12L, 5L, 1L, 60L, 15L, 5L, 0.15, false};
            case "2026-27 Q1" -> new Object[] {900L, 846L, 94.0, 50, 120, 54L, 20L, 6L, 2L, 0L, 50L, 10L, 5L, 0.125, false};
            case "2026-04" -> new Object[] {880L, 836L, 95.0, 48, 115, 44L, 15L, 5L, 1L, 0L, 15L, 5L, 0L, 0.1, false};
            case "2026-05" -> new Object[] {890L, 837L, 94.0, 49, 118, 53L, 18L, 6L, 2L, 0L, 20L, 5L, 5L, 0.2, false};
            case "2026-07" -> new Object[] {950L, 855L, 90.0, 55, 140, 95L, 30L, 10L, 4L, 1L, 25L, 5L, 0L, 0.2, false};
            default -> new Object[] {450L, 405L, 90.0, 55, 140, 45L, 15L, 5L, 0L, 0L, 25L, 5L, 0L, 0.1, false};
        };
    }

    /**
     * published/costs. National rows (all values): Q2 ALL total 1,234,567.89 over 8,000 attended (154.32 each),
     * escort cost avoided 98,765.43 in Q2 and 50,000.50 in Q1. Region and site rows carry only the mean per
     * attendance (Q2 ALL: North 160.25, South 149.75, site AAA 171.05, CCC 140.40), the site fixed cost and the
     * escort cost avoided; site BBB's Q2 ALL row is suppressed, so all its money is null.
     */
    private static void writeCosts(SparkSession spark, Path root, String[][] periods, String[][] geos) {
        StructType costs = declared("costs", "period_type", "period_start", "period_label", "region", "site_id",
                "modality_group", "attended", "clinician_cost_gbp", "escort_cost_gbp", "telemedicine_cost_gbp",
                "site_fixed_cost_gbp", "total_cost_gbp", "cost_per_attendance_gbp", "escorts", "escort_officer_hours",
                "escorts_avoided", "escort_cost_avoided_gbp", "suppressed");
        List<Row> c = new ArrayList<>();
        for (String[] p : periods) {
            boolean q2 = p[2].equals("2026-27 Q2");
            for (String[] g : geos) {
                boolean national = g[0].equals("ALL") && g[1].equals("ALL");
                for (String m : new String[] {"ALL", "telemedicine", "in_person"}) {
                    boolean all = m.equals("ALL");
                    if (national) {
                        BigDecimal avoided = all ? gbp(q2 ? "98765.43" : "50000.50") : m.equals("telemedicine")
                                ? gbp(q2 ? "98765.43" : "50000.50") : gbp("0.00");
                        c.add(RowFactory.create(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], m, all ? 8000L : 4000L,
                                gbp("900000.00"), gbp("300000.00"), gbp("24567.89"), gbp("10000.00"),
                                all ? gbp("1234567.89") : gbp("617283.95"), gbp("154.32"), 600L, gbp("2400.50"),
                                escortsAvoided(all || m.equals("telemedicine") ? 640 : 0), avoided, false));
                    } else if (g[1].equals("BBB") && all && q2) {
                        c.add(RowFactory.create(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], m, null, null, null, null,
                                null, null, null, null, null, null, null, true));
                    } else {
                        BigDecimal mean = switch (g[1]) {
                            case "ALL" -> gbp(g[0].equals("North") ? "160.25" : "149.75");
                            case "AAA" -> gbp("171.05");
                            case "CCC" -> gbp("140.40");
                            default -> gbp("155.55");
                        };
                        c.add(RowFactory.create(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], m, 2000L, null, null, null,
                                m.equals("in_person") ? gbp("0.00") : gbp("1500.00"), null, mean, 150L, null,
                                escortsAvoided(all || m.equals("telemedicine") ? 160 : 0), all || m.equals("telemedicine")
                                        ? gbp("24691.36") : gbp("0.00"), false));
                    }
                }
            }
        }
        spark.createDataFrame(c, costs).write().parquet(root.resolve("published/costs").toString());
    }

    /** An expected number of escorts avoided, a decimal as the costs mart declares it: whole in this fixture. */
    private static BigDecimal escortsAvoided(long escorts) {
        return BigDecimal.valueOf(escorts);
    }

    /** published/cost_effectiveness for Q2: national and North with decimal money and intervals, South suppressed. */
    private static void writeCostEffectiveness(SparkSession spark, Path root) {
        StructType ce = declared("cost_effectiveness", "period_type", "period_start", "period_label", "region",
                "site_id", "telemedicine_pathways", "in_person_pathways", "mean_cost_telemedicine_gbp",
                "mean_cost_in_person_gbp", "cost_difference_gbp", "cost_difference_ci_low", "cost_difference_ci_high",
                "mean_wait_telemedicine_days", "mean_wait_in_person_days", "wait_difference_days",
                "wait_difference_ci_low", "wait_difference_ci_high", "incremental_cost_per_wait_day_avoided_gbp",
                "incremental_cost_per_wait_day_avoided_ci_low", "incremental_cost_per_wait_day_avoided_ci_high",
                "dominant", "suppressed");
        Date q2 = Date.valueOf("2026-07-01");
        List<Row> rows = List.of(
                RowFactory.create("quarter", q2, "2026-27 Q2", "ALL", "ALL", 1200L, 800L, gbp("210.40"), gbp("455.90"),
                        gbp("-245.50"), gbp("-1301.25"), gbp("-190.75"), 30.5, 42.0, -11.5, -13.0, -10.0,
                        gbp("-21.35"), gbp("-1234.56"), gbp("-14.10"), true, false),
                RowFactory.create("quarter", q2, "2026-27 Q2", "North", "ALL", 600L, 400L, gbp("205.00"), gbp("460.00"),
                        gbp("-255.00"), gbp("-300.00"), gbp("-200.00"), 31.0, 43.0, -12.0, -15.0, -9.0,
                        gbp("-21.25"), gbp("-30.00"), gbp("-15.00"), true, false),
                RowFactory.create("quarter", q2, "2026-27 Q2", "South", "ALL", null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, null, null, true));
        spark.createDataFrame(rows, ce).write().parquet(root.resolve("published/cost_effectiveness").toString());
    }

    /**
     * published/rollout_impact: national event study (-4..4, -1 the base) and overall row for the mean wait;
     * site rows with their count n (numerator is for rates only: null on a wait), the first site's value
     * suppressed (null).
     */
    private static void writeRolloutImpact(SparkSession spark, Path root, List<Object[]> siteList) {
        StructType ri = declared("rollout_impact", "level", "region", "site_id", "outcome", "event_time", "value", "n",
                "numerator", "estimate", "ci_low", "ci_high", "sites_treated", "sites_never_live", "n_bootstrap",
                "method");
        String outcome = "mean_first_attendance_wait_days";
        String method = "callaway_santanna_not_yet_treated";
        List<Row> rows = new ArrayList<>();
        for (int e = -4; e <= 4; e++) {
            double est = e < 0 ? (e == -1 ? 0.0 : 0.3 * (e + 2)) : -3.0 * e;
            rows.add(RowFactory.create("national", "ALL", "ALL", outcome, e, null, null, null, est, est - 2.5, est + 2.5,
                    2, 1, 999, method));
        }
        rows.add(RowFactory.create("national", "ALL", "ALL", outcome, null, null, null, null, -7.5, -11.0, -4.0, 2, 1, 999,
                method));
        for (int i = 0; i < siteList.size(); i++) {
            Object[] site = siteList.get(i);
            for (int e = -1; e <= 1; e += 2) {
                boolean suppressed = i == 0;
                rows.add(RowFactory.create("site", site[2], site[0], outcome, e, suppressed ? null : 40.0 - 5 * e,
                        suppressed ? null : 400L, null, null, null, null, null, null, null, method));
            }
        }
        spark.createDataFrame(rows, ri).write().parquet(root.resolve("published/rollout_impact").toString());
    }

    // ---- version 2 tables (issues 17 and 18): not in every output, so written only where a test asks ----

    /**
     * The schema of the named columns of a version 2 published table, built from its declaration plus the
     * trailing {@code suppressed} flag: these tables are being added to {@code PublishedTables.ALL} separately,
     * so {@link #declared} (which looks the name up there) is not relied on for them.
     */
    static StructType declaredV2(PublishedTable table, String... columns) {
        StructType published = table.schema().add(PublishedTables.SUPPRESSED, DataTypes.BooleanType, true);
        StructType out = new StructType();
        for (String c : columns) {
            out = out.add(published.apply(c));
        }
        return out;
    }

    private static final Date Q1 = Date.valueOf("2026-04-01");
    private static final Date Q2 = Date.valueOf("2026-07-01");

    /**
     * Writes the four version 2 tables and replaces cost_effectiveness with its version 2 shape (a row per
     * perspective, decision outputs). The numbers, all 2026-27 Q2 unless said:
     * <ul>
     * <li>prescribing_safety, national: telemedicine 40 prescriptions, 3 high-risk (share 0.075), 0 incidents;
     * in person 1,000 prescriptions, 100 high-risk, 2 incidents (2.0 per 1,000); no consult 200, 10 high-risk, 1
     * incident; Q1 the same but in person has 4 incidents. South's region row is suppressed (counts null).</li>
     * <li>telemedicine_security: national ALL 6 events in 2,000 sessions (3.0 per 1,000), device_misuse 4; sites
     * AAA 2 in 400 (5.0), CCC 5 in 1,000, BBB suppressed (events and rate null).</li>
     * <li>cost_sensitivity, public_sector: base -245.50; escort_officer_hour low -150.25, high -436.00 (swing
     * 285.75); platform_charge low -250.50, high -235.50 (swing 15.00).</li>
     * <li>cost_effectiveness: public_sector as the version 1 national row, with p_cost_effective 0.10 at lambda
     * 0 rising to 0.99 at 200; nhs with other values.</li>
     * <li>budget_impact, financial year 2026-27: national public_sector 1,000 consults, 150,000.00 delivered,
     * 162,345.67 at the pre-go-live mix, impact -12,345.67 (-12.35 a consult); site AAA -20.10 a consult (totals
     * null), BBB suppressed (all null), CCC 4.25 a consult; 2025-26 national only.</li>
     * <li>equity, readiness and rollout_impact with connectivity subgroups: see {@link #writeEquity},
     * {@link #writeReadiness} and {@link #writeRolloutImpactV2}.</li>
     * </ul>
     */
    static void writeVersion2(SparkSession spark, Path root) throws Exception {
        copyTree(template("version2", dir -> writeVersion2Tables(spark, dir)), root);
    }

    private static void writeVersion2Tables(SparkSession spark, Path root) {
        writePrescribingSafety(spark, root);
        writeTelemedicineSecurity(spark, root);
        writeCostSensitivity(spark, root);
        writeCostEffectivenessV2(spark, root);
        writeBudgetImpact(spark, root);
        writeEquity(spark, root);
        writeReadiness(spark, root);
        writeRolloutImpactV2(spark, root, true);
    }

    static void writePrescribingSafety(SparkSession spark, Path root) {
        StructType schema = declaredV2(PublishedTables.PRESCRIBING_SAFETY, "period_type", "period_start",
                "period_label", "region", "site_id", "modality_group", "prescriptions", "high_risk_prescriptions",
                "high_risk_share", "incidents", "incidents_per_1000_prescriptions", "suppressed");
        List<Row> rows = new ArrayList<>();
        for (Date start : List.of(Q1, Q2)) {
            String label = start == Q1 ? "2026-27 Q1" : "2026-27 Q2";
            long inPersonIncidents = start == Q1 ? 4L : 2L;
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "telemedicine", 40L, 3L, 0.075, 0L, 0.0,
                    false));
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "in_person", 1000L, 100L, 0.1,
                    inPersonIncidents, inPersonIncidents * 1.0, false));
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "no_consult", 200L, 10L, 0.05, 1L, 5.0,
                    false));
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "ALL", 1240L, 113L, 113 / 1240.0,
                    inPersonIncidents + 1, (inPersonIncidents + 1) * 1000 / 1240.0, false));
            rows.add(RowFactory.create("quarter", start, label, "North", "ALL", "ALL", 1235L, 110L, 110 / 1235.0, 5L,
                    5000 / 1235.0, false));
            rows.add(RowFactory.create("quarter", start, label, "South", "ALL", "ALL", 5L, null, null, null, null,
                    true));
        }
        spark.createDataFrame(rows, schema).write().mode("overwrite")
                .parquet(root.resolve("published/prescribing_safety").toString());
    }

    static void writeTelemedicineSecurity(SparkSession spark, Path root) {
        StructType schema = declaredV2(PublishedTables.TELEMEDICINE_SECURITY, "period_type", "period_start",
                "period_label", "region", "site_id", "kind", "severity", "events", "telemedicine_sessions",
                "events_per_1000_sessions", "connectivity", "suppressed");
        List<Row> rows = new ArrayList<>();
        for (Date start : List.of(Q1, Q2)) {
            String label = start == Q1 ? "2026-27 Q1" : "2026-27 Q2";
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "ALL", "ALL", 6L, 2000L, 3.0, null, false));
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "device_misuse", "ALL", 4L, 2000L, 2.0,
                    null, false));
            // a severity row: not the all-severities figure, so never on the page
            rows.add(RowFactory.create("quarter", start, label, "ALL", "ALL", "ALL", "high", 1L, 2000L, 0.5, null,
                    false));
            rows.add(RowFactory.create("quarter", start, label, "North", "AAA", "ALL", "ALL", 2L, 400L, 5.0, "adequate",
                    false));
            rows.add(RowFactory.create("quarter", start, label, "North", "BBB", "ALL", "ALL", null, 600L, null, "poor",
                    true));
            rows.add(RowFactory.create("quarter", start, label, "South", "CCC", "ALL", "ALL", 5L, 1000L, 5.0, null,
                    false));
            rows.add(RowFactory.create("quarter", start, label, "South", "CCC", "device_misuse", "ALL", 5L, 1000L, 5.0,
                    null, false));
        }
        spark.createDataFrame(rows, schema).write().mode("overwrite")
                .parquet(root.resolve("published/telemedicine_security").toString());
    }

    static void writeCostSensitivity(SparkSession spark, Path root) {
        StructType schema = declaredV2(PublishedTables.COST_SENSITIVITY, "period_type", "period_start", "period_label",
                "region", "site_id", "parameter", "perspective", "low_factor", "high_factor", "cost_difference_gbp",
                "cost_difference_low_gbp", "cost_difference_high_gbp", "suppressed");
        List<Row> rows = new ArrayList<>();
        for (String perspective : List.of("nhs", "public_sector")) {
            boolean ps = perspective.equals("public_sector");
            rows.add(RowFactory.create("quarter", Q2, "2026-27 Q2", "ALL", "ALL", "escort_officer_hour", perspective,
                    0.5, 2.0, gbp(ps ? "-245.50" : "-20.00"), gbp(ps ? "-150.25" : "-20.00"),
                    gbp(ps ? "-436.00" : "-20.00"), false));
            rows.add(RowFactory.create("quarter", Q2, "2026-27 Q2", "ALL", "ALL", "platform_charge", perspective, 0.5,
                    2.0, gbp(ps ? "-245.50" : "-20.00"), gbp(ps ? "-250.50" : "-25.00"), gbp(ps ? "-235.50" : "-10.00"),
                    false));
            // an older quarter: the page shows the latest only
            rows.add(RowFactory.create("quarter", Q1, "2026-27 Q1", "ALL", "ALL", "platform_charge", perspective, 0.5,
                    2.0, gbp("-1.00"), gbp("-2.00"), gbp("1.00"), false));
        }
        spark.createDataFrame(rows, schema).write().mode("overwrite")
                .parquet(root.resolve("published/cost_sensitivity").toString());
    }

    static final List<Integer> LAMBDAS = List.of(0, 5, 10, 20, 50, 100, 200);
    static final double[] P_COST_EFFECTIVE = {0.10, 0.20, 0.35, 0.55, 0.80, 0.95, 0.99};

    static void writeCostEffectivenessV2(SparkSession spark, Path root) {
        List<String> columns = new ArrayList<>(List.of("period_type", "period_start", "period_label", "region",
                "site_id", "perspective", "telemedicine_pathways", "in_person_pathways", "cost_difference_gbp",
                "cost_difference_ci_low", "cost_difference_ci_high", "wait_difference_days", "wait_difference_ci_low",
                "wait_difference_ci_high", "p_cheaper_and_faster", "p_dearer_and_faster", "p_cheaper_and_slower",
                "p_dearer_and_slower"));
        LAMBDAS.forEach(l -> columns.add("p_cost_effective_" + l));
        columns.add("suppressed");
        StructType schema = declaredV2(PublishedTables.COST_EFFECTIVENESS, columns.toArray(String[]::new));
        List<Row> rows = new ArrayList<>();
        for (String perspective : List.of("nhs", "public_sector")) {
            boolean ps = perspective.equals("public_sector");
            List<Object> v = new ArrayList<>(java.util.Arrays.asList("quarter", Q2, "2026-27 Q2", "ALL", "ALL",
                    perspective, 1200L, 800L, gbp(ps ? "-245.50" : "30.00"), gbp(ps ? "-1301.25" : "-10.00"),
                    gbp(ps ? "-190.75" : "70.00"), -11.5, -13.0, -10.0, ps ? 0.97 : 0.30, ps ? 0.03 : 0.70, 0.0, 0.0));
            for (double p : P_COST_EFFECTIVE) {
                v.add(ps ? p : p / 2);
            }
            v.add(false);
            rows.add(RowFactory.create(v.toArray()));
        }
        spark.createDataFrame(rows, schema).write().mode("overwrite")
                .parquet(root.resolve("published/cost_effectiveness").toString());
    }

    static void writeBudgetImpact(SparkSession spark, Path root) {
        StructType schema = declaredV2(PublishedTables.BUDGET_IMPACT, "period_type", "period_start", "period_label",
                "region", "site_id", "perspective", "consults", "cost_as_delivered_gbp", "cost_at_pre_go_live_mix_gbp",
                "budget_impact_gbp", "budget_impact_per_consult_gbp", "suppressed");
        Date fy = Date.valueOf("2026-04-01");
        List<Row> rows = new ArrayList<>();
        for (String perspective : List.of("nhs", "public_sector")) {
            rows.add(RowFactory.create("financial_year", fy, "2026-27", "ALL", "ALL", perspective, 1000L,
                    gbp("150000.00"), gbp("162345.67"), gbp("-12345.67"), gbp("-12.35"), false));
            rows.add(RowFactory.create("financial_year", fy, "2026-27", "North", "AAA", perspective, 600L, null, null,
                    null, gbp("-20.10"), false));
            rows.add(RowFactory.create("financial_year", fy, "2026-27", "North", "BBB", perspective, null, null, null,
                    null, null, true));
            rows.add(RowFactory.create("financial_year", fy, "2026-27", "South", "CCC", perspective, 395L, null, null,
                    null, gbp("4.25"), false));
            rows.add(RowFactory.create("financial_year", Date.valueOf("2025-04-01"), "2025-26", "ALL", "ALL",
                    perspective, 100L, gbp("1000.00"), gbp("900.00"), gbp("100.00"), gbp("1.00"), false));
        }
        spark.createDataFrame(rows, schema).write().mode("overwrite")
                .parquet(root.resolve("published/budget_impact").toString());
    }

    // ---- version 2 tables of issue 19: equity, readiness, roll-out connectivity subgroups ----

    /** One equity row; national figures of the quarter on every row, as published. */
    private static Row equityRow(Date start, String region, String dimension, String group, Long seen, Long attended,
            Long telemedicine, Long dna, Double share, Double shareVsAll, Double dnaRate, Long completed, Integer median,
            Double medianVsAll, double nationalShare, int nationalMedian, boolean suppressed) {
        return RowFactory.create("quarter", start, start == Q1 ? "2026-27 Q1" : "2026-27 Q2", region, dimension, group,
                seen, attended, telemedicine, dna, share, dnaRate, 0L, completed, median, nationalShare, shareVsAll,
                nationalMedian, medianVsAll, suppressed);
    }

    /**
     * published/equity (national and region rows, no site_id), numbers hand-chosen. 2026-27 Q2, national share
     * 0.40 and median wait 50 days:
     * <ul>
     * <li>national age_band: ALL 1,000 attended, 400 by telemedicine (0.40, ratio 1.00), 300 pathways, median
     * 50; 18-20 100 attended, 25 remote (0.25, 0.625), median 65 (1.30); 70+ 40 attended, 4 remote (0.10, 0.25),
     * median 80 (1.60); unknown (no record) 50 attended, 30 remote (0.60, 1.50), median 45 (0.90);</li>
     * <li>national sex: ALL as above, female 300 attended 120 remote (0.40), male 700 attended 280 remote;</li>
     * <li>North age_band: ALL 600 / 240 (0.40), 70+ suppressed (every count and statistic null), unknown 30 / 15
     * (0.50, 1.25), median 40 (0.80); South age_band: ALL 400 / 160, 70+ suppressed (the second cell).</li>
     * </ul>
     * 2026-27 Q1 (older: trend only), national share 0.30, median 55: age_band ALL 0.30, 18-20 0.15 (0.50), 70+
     * 0.06 (0.20), unknown 0.36 (1.20).
     */
    static void writeEquity(SparkSession spark, Path root) {
        StructType schema = declared("equity", "period_type", "period_start", "period_label", "region", "dimension",
                "group_value", "patients_seen", "attended", "attended_telemedicine", "did_not_attend",
                "telemedicine_share", "dna_rate", "gic_attended", "completed_pathways", "median_wait_days",
                "national_telemedicine_share", "telemedicine_share_vs_all", "national_median_wait_days",
                "median_wait_vs_all", "suppressed");
        List<Row> rows = new ArrayList<>();
        for (String dimension : List.of("age_band", "sex")) {
            rows.add(equityRow(Q2, "ALL", dimension, "ALL", 500L, 1000L, 400L, 100L, 0.40, 1.0, 100 / 1100.0, 300L, 50,
                    1.0, 0.40, 50, false));
        }
        rows.add(equityRow(Q2, "ALL", "age_band", "18-20", 60L, 100L, 25L, 10L, 0.25, 0.625, 10 / 110.0, 30L, 65, 1.3,
                0.40, 50, false));
        rows.add(equityRow(Q2, "ALL", "age_band", "70+", 20L, 40L, 4L, 2L, 0.10, 0.25, 2 / 42.0, 10L, 80, 1.6, 0.40,
                50, false));
        rows.add(equityRow(Q2, "ALL", "age_band", "unknown", 30L, 50L, 30L, 5L, 0.60, 1.5, 5 / 55.0, 20L, 45, 0.9,
                0.40, 50, false));
        rows.add(equityRow(Q2, "ALL", "sex", "female", 150L, 300L, 120L, 30L, 0.40, 1.0, 30 / 330.0, 90L, 50, 1.0, 0.40,
                50, false));
        rows.add(equityRow(Q2, "ALL", "sex", "male", 350L, 700L, 280L, 70L, 0.40, 1.0, 70 / 770.0, 210L, 50, 1.0, 0.40,
                50, false));
        rows.add(equityRow(Q2, "North", "age_band", "ALL", 300L, 600L, 240L, 60L, 0.40, 1.0, 60 / 660.0, 180L, 50, 1.0,
                0.40, 50, false));
        rows.add(equityRow(Q2, "North", "age_band", "70+", null, null, null, null, null, null, null, null, null, null,
                0.40, 50, true));
        rows.add(equityRow(Q2, "North", "age_band", "unknown", 15L, 30L, 15L, 5L, 0.50, 1.25, 5 / 35.0, 10L, 40, 0.8,
                0.40, 50, false));
        rows.add(equityRow(Q2, "South", "age_band", "ALL", 200L, 400L, 160L, 40L, 0.40, 1.0, 40 / 440.0, 120L, 50, 1.0,
                0.40, 50, false));
        rows.add(equityRow(Q2, "South", "age_band", "70+", null, null, null, null, null, null, null, null, null, null,
                0.40, 50, true));
        rows.add(equityRow(Q1, "ALL", "age_band", "ALL", 450L, 900L, 270L, 90L, 0.30, 1.0, 90 / 990.0, 280L, 55, 1.0,
                0.30, 55, false));
        rows.add(equityRow(Q1, "ALL", "age_band", "18-20", 50L, 100L, 15L, 10L, 0.15, 0.5, 10 / 110.0, 25L, 60, 60 / 55.0,
                0.30, 55, false));
        rows.add(equityRow(Q1, "ALL", "age_band", "70+", 25L, 50L, 3L, 5L, 0.06, 0.2, 5 / 55.0, 10L, 90, 90 / 55.0,
                0.30, 55, false));
        rows.add(equityRow(Q1, "ALL", "age_band", "unknown", 25L, 50L, 18L, 5L, 0.36, 1.2, 5 / 55.0, 15L, 50, 50 / 55.0,
                0.30, 55, false));
        spark.createDataFrame(rows, schema).write().mode("overwrite").parquet(root.resolve("published/equity").toString());
    }

    /**
     * published/readiness, site rows. 2026-27 Q2: AAA (North) adequate, tablets_4g, 400 attended, 200 remote
     * (0.50), 220 telemedicine consults due, 11 technical failures (0.05); BBB (North) poor, fixed_room,
     * suppressed (attended, remote, failures and both rates null); CCC (South) with no connectivity row yet
     * (connectivity and devices null), 300 attended, 30 remote (0.10), 35 due, 0 failures (a true 0.0).
     * 2026-27 Q1 (older, not shown): AAA 0.35 and 0.20.
     */
    static void writeReadiness(SparkSession spark, Path root) {
        StructType schema = declared("readiness", "period_type", "period_start", "period_label", "region", "site_id",
                "connectivity", "devices", "connectivity_valid_from", "attended", "attended_telemedicine",
                "telemedicine_share", "telemedicine_due", "technical_failures", "technical_failure_rate", "suppressed");
        Date from = Date.valueOf("2025-10-01");
        List<Row> rows = List.of(
                RowFactory.create("quarter", Q2, "2026-27 Q2", "North", "AAA", "adequate", "tablets_4g", from, 400L,
                        200L, 0.5, 220L, 11L, 0.05, false),
                RowFactory.create("quarter", Q2, "2026-27 Q2", "North", "BBB", "poor", "fixed_room", from, null, null,
                        null, 40L, null, null, true),
                RowFactory.create("quarter", Q2, "2026-27 Q2", "South", "CCC", null, null, null, 300L, 30L, 0.1, 35L,
                        0L, 0.0, false),
                RowFactory.create("quarter", Q1, "2026-27 Q1", "North", "AAA", "adequate", "tablets_4g", from, 400L,
                        140L, 0.35, 150L, 30L, 0.2, false));
        spark.createDataFrame(rows, schema).write().mode("overwrite")
                .parquet(root.resolve("published/readiness").toString());
    }

    /**
     * published/rollout_impact as version 2 writes it: the v1 national event study of the mean wait (control
     * not_yet_treated, subgroup ALL), and overall rows (event_time null). Headline (not_yet_treated) overall
     * effects: mean_first_attendance_wait_days ALL -7.5 (-11.0 to -4.0, 2 sites), connectivity_adequate -9.25
     * (-14.5 to -4.0, 1 site), connectivity_poor -2.75 (-12.0 to 6.5, 1 site); dna_rate ALL -0.012 (-0.02 to
     * -0.004), adequate -0.018 (-0.03 to -0.006), poor not estimated (no row). Never-treated rows (55.0 in the
     * subgroups) and a placebo outcome (0.4) are there too, and are not the subgroup comparison.
     *
     * @param subgroups false for an output run without reference/site_connectivity.csv: subgroup ALL only
     */
    static void writeRolloutImpactV2(SparkSession spark, Path root, boolean subgroups) {
        StructType ri = declared("rollout_impact", "level", "region", "site_id", "outcome", "control", "event_time",
                "estimate", "ci_low", "ci_high", "pretrend_p_value", "sites_treated", "sites_never_live", "n_bootstrap",
                "method", "subgroup");
        String wait = "mean_first_attendance_wait_days";
        List<Row> rows = new ArrayList<>();
        for (int e = -4; e <= 4; e++) {
            if (e != -1) {
                double est = e < 0 ? 0.3 * (e + 2) : -3.0 * e;
                rows.add(RowFactory.create("national", "ALL", "ALL", wait, "not_yet_treated", e, est, est - 2.5,
                        est + 2.5, null, 2, 1, 999, "m", "ALL"));
            }
        }
        List<Object[]> overall = new ArrayList<>(List.of(
                new Object[] {wait, "not_yet_treated", -7.5, -11.0, -4.0, 2, "ALL"},
                new Object[] {wait, "never_treated", -6.0, -10.0, -2.0, 2, "ALL"},
                new Object[] {wait + "_placebo", "not_yet_treated", 0.4, -2.0, 2.8, 2, "ALL"},
                new Object[] {"dna_rate", "not_yet_treated", -0.012, -0.02, -0.004, 2, "ALL"}));
        if (subgroups) {
            overall.addAll(List.of(
                    new Object[] {wait, "not_yet_treated", -9.25, -14.5, -4.0, 1, "connectivity_adequate"},
                    new Object[] {wait, "not_yet_treated", -2.75, -12.0, 6.5, 1, "connectivity_poor"},
                    new Object[] {wait, "never_treated", 55.0, 50.0, 60.0, 1, "connectivity_adequate"},
                    new Object[] {wait, "never_treated", 55.0, 50.0, 60.0, 1, "connectivity_poor"},
                    new Object[] {"dna_rate", "not_yet_treated", -0.018, -0.03, -0.006, 1, "connectivity_adequate"}));
        }
        for (Object[] o : overall) {
            rows.add(RowFactory.create("national", "ALL", "ALL", o[0], o[1], null, o[2], o[3], o[4], 0.5, o[5], 1, 999,
                    "m", o[6]));
        }
        spark.createDataFrame(rows, ri).write().mode("overwrite")
                .parquet(root.resolve("published/rollout_impact").toString());
    }
}
