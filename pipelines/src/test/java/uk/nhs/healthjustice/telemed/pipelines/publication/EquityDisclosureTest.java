package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.equity.Equity;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The equity mart has no {@code site_id}: its national rows are those with {@code region = ALL}, left as they
 * are; region rows follow the declared classes. National share 0.6 (60 of 100), national median 20 days.
 * <pre>
 *   national 70+  patients 12, attended 16, telemedicine 9, DNA 0, GIC 0, completed 11, median 30
 *   North 70+    patients 3, attended 4, telemedicine 1, DNA 0, GIC 0, completed 2, median 30
 *   South 70+    patients 9, attended 12, telemedicine 8, DNA 0, GIC 0, completed 9, median 28
 *   North 30-39  patients 9, attended 12, telemedicine 8, DNA 3, GIC 0, completed 9, median 25
 * </pre>
 * 70+: every count 1..7 is suppressed, so both shares, the ratio and the median are null. 30-39: counts round
 * to 10, 10, 10, 5 (3 is suppressed), 10; the share is 10/10 = 1.0 (not the true 8/12), its ratio 1.0 / 0.6;
 * the DNA rate rests on a suppressed count: null; the median (9 pathways) and its ratio 25/20 are published.
 */
class EquityDisclosureTest extends SparkTestBase {

    private Dataset<Row> mart() {
        return frame(Equity.SCHEMA,
                row("ALL", "age_band", "70+", 12, 16, 9, 0, 0, 11, 30),
                row("North", "age_band", "70+", 3, 4, 1, 0, 0, 2, 30),
                row("South", "age_band", "70+", 9, 12, 8, 0, 0, 9, 28),
                row("North", "age_band", "30-39", 9, 12, 8, 3, 0, 9, 25));
    }

    private static Object[] row(String region, String dimension, String group, long patients, long attended,
                                long tele, long dna, long gic, long completed, int median) {
        return new Object[] {"quarter", date("2026-01-01"), "2025-26 Q4", region, dimension, group, patients,
                attended, tele, dna, (double) tele / attended, (double) dna / (attended + dna), gic, completed, median,
                0.6, ((double) tele / attended) / 0.6, 20, median / 20.0};
    }

    private Row published(Dataset<Row> p, String region, String group) {
        return p.filter(col("region").equalTo(region).and(col("group_value").equalTo(group))).first();
    }

    @Test
    void nationalRowsUnchangedRegionRowsControlledByClass() {
        Dataset<Row> mart = mart();
        Dataset<Row> p = DisclosureControl.apply(mart, PublishedTables.EQUITY).cache();
        Assertions.assertEquals(List.of(PublishedTables.EQUITY.names()), List.of(List.of(mart.columns())));

        Row national = published(p, "ALL", "70+");
        assertEquals(false, national.getAs("suppressed"));
        assertEquals(16L, national.<Long>getAs("attended"));
        assertEquals((9.0 / 16) / 0.6, national.<Double>getAs("telemedicine_share_vs_all"), 1e-12);
        assertEquals(30, national.<Integer>getAs("median_wait_days"));

        Row old = published(p, "North", "70+");
        assertEquals(true, old.getAs("suppressed"));
        for (String c : List.of("patients_seen", "attended", "attended_telemedicine", "completed_pathways",
                "telemedicine_share", "dna_rate", "telemedicine_share_vs_all", "median_wait_days",
                "median_wait_vs_all")) {
            assertNull(old.getAs(c), c);
        }
        assertEquals(0L, old.<Long>getAs("did_not_attend"));
        assertEquals(0.6, old.<Double>getAs("national_telemedicine_share"), 1e-12);

        Row thirties = published(p, "North", "30-39");
        assertEquals(10L, thirties.<Long>getAs("patients_seen"));
        assertEquals(10L, thirties.<Long>getAs("attended"));
        assertEquals(10L, thirties.<Long>getAs("attended_telemedicine"));
        assertNull(thirties.getAs("did_not_attend"));
        assertEquals(10L, thirties.<Long>getAs("completed_pathways"));
        assertEquals(1.0, thirties.<Double>getAs("telemedicine_share"), 1e-12);
        assertEquals(1.0 / 0.6, thirties.<Double>getAs("telemedicine_share_vs_all"), 1e-12);
        assertNull(thirties.getAs("dna_rate"));
        assertEquals(25, thirties.<Integer>getAs("median_wait_days"));
        assertEquals(1.25, thirties.<Double>getAs("median_wait_vs_all"), 1e-12);
    }

    static final List<String> COUNTS = List.of("patients_seen", "attended", "attended_telemedicine", "did_not_attend",
            "gic_attended", "completed_pathways");
    static final List<String> REGIONS = List.of("East", "North", "South");

    /**
     * Secondary suppression, worked by hand. Three regions; counts (patients, attended, telemedicine, DNA, GIC,
     * completed) per region, blank where the group has nobody there (a zero once the grid is completed):
     * <pre>
     *   dimension  group   North              South               East                 national
     *   age_band   70+     3, 4, 1, 0, 0, 2                                            3, 4, 1, 0, 0, 2
     *   age_band   30-39   9, 12, 8, 3, 0, 9  20, 30, 20, 0, 0, 20                     29, 42, 28, 3, 0, 29
     *   age_band   50-59                                          10, 12, 6, 0, 0, 10  10, 12, 6, 0, 0, 10
     *   age_band   ALL     12, 16, 9, 3, 0, 11 20, 30, 20, 0, 0, 20 10, 12, 6, 0, 0, 10 42, 58, 35, 3, 0, 41
     *   sex        female  3, 4, 1, 0, 0, 2                                            3, 4, 1, 0, 0, 2
     *   sex        male    9, 12, 8, 3, 0, 9  20, 30, 20, 0, 0, 20 10, 12, 6, 0, 0, 10 39, 54, 34, 3, 0, 39
     *   sex        ALL     as age_band ALL
     * </pre>
     * Without secondary suppression, 70+ (and female) has people in North only: North's 3, 4, 1 and 2 are
     * suppressed but equal the national row, the others being 0. Complement = the smallest unsuppressed cell of
     * the line, ties by region name (East before South):
     * <ul>
     *   <li>70+ / female: East's patients, attended, telemedicine and completed (zeros) beside North's.</li>
     *   <li>30-39: North's DNA 3, complement East's DNA 0.</li>
     *   <li>50-59: East's telemedicine 6, complement North's 0; North has no attendance, so its patients and
     *   attended (0, which would say its telemedicine is 0) go too; those lines then have North alone, so
     *   South's patients and attended (0) are complements, and South has no attendance either (already both).</li>
     *   <li>ALL (both dimensions alike) and male: North's DNA 3 with East's DNA 0; East's telemedicine 6 with
     *   North's telemedicine 9 (8 in male), smaller than South's 20.</li>
     * </ul>
     * Then every table's rule ({@link SmallNationalTotals}): a count whose national total is 1 to 7 is hidden in
     * every region, zeros included, so South's cells of those lines go too: 70+ and female patients, attended,
     * telemedicine and completed (national 3, 4, 1, 2); DNA in 30-39, ALL and male (national 3); telemedicine in
     * 50-59 (national 6).
     */
    private Dataset<Row> smallGroups() {
        List<Object[]> rows = new ArrayList<>();
        Object[][] cells = {
            {"age_band", "70+", "North", 3, 4, 1, 0, 0, 2, 30}, {"age_band", "70+", "ALL", 3, 4, 1, 0, 0, 2, 30},
            {"age_band", "30-39", "North", 9, 12, 8, 3, 0, 9, 25}, {"age_band", "30-39", "South", 20, 30, 20, 0, 0, 20, 22},
            {"age_band", "30-39", "ALL", 29, 42, 28, 3, 0, 29, 23},
            {"age_band", "50-59", "East", 10, 12, 6, 0, 0, 10, 35}, {"age_band", "50-59", "ALL", 10, 12, 6, 0, 0, 10, 35},
            {"sex", "female", "North", 3, 4, 1, 0, 0, 2, 30}, {"sex", "female", "ALL", 3, 4, 1, 0, 0, 2, 30},
            {"sex", "male", "North", 9, 12, 8, 3, 0, 9, 25}, {"sex", "male", "South", 20, 30, 20, 0, 0, 20, 22},
            {"sex", "male", "East", 10, 12, 6, 0, 0, 10, 35}, {"sex", "male", "ALL", 39, 54, 34, 3, 0, 39, 24}};
        for (Object[] c : cells) {
            rows.add(row((String) c[2], (String) c[0], (String) c[1], (Integer) c[3], (Integer) c[4], (Integer) c[5],
                    (Integer) c[6], (Integer) c[7], (Integer) c[8], (Integer) c[9]));
        }
        for (String dimension : List.of("age_band", "sex")) {
            rows.add(row("North", dimension, "ALL", 12, 16, 9, 3, 0, 11, 26));
            rows.add(row("South", dimension, "ALL", 20, 30, 20, 0, 0, 20, 22));
            rows.add(row("East", dimension, "ALL", 10, 12, 6, 0, 0, 10, 35));
            rows.add(row("ALL", dimension, "ALL", 42, 58, 35, 3, 0, 41, 24));
        }
        return frame(Equity.SCHEMA, rows.toArray(Object[][]::new));
    }

    @Test
    void secondarySuppressionWorkedByHand() {
        Dataset<Row> mart = smallGroups();
        Dataset<Row> p = DisclosureControl.apply(mart, PublishedTables.EQUITY).cache();
        List<String> columns = new ArrayList<>(List.of(mart.columns()));
        columns.add("suppressed");
        Assertions.assertEquals(columns, List.of(p.columns()));
        Assertions.assertEquals(7 + 7 * 3, p.count(), "7 national rows and a full grid of 3 regions");

        Set<String> expected = new TreeSet<>();
        for (String g : List.of("age_band/70+", "sex/female")) {
            for (String r : REGIONS) {
                for (String c : List.of("patients_seen", "attended", "attended_telemedicine", "completed_pathways")) {
                    expected.add(g + "/" + r + "/" + c);
                }
            }
        }
        expected.addAll(List.of("age_band/30-39/North/did_not_attend", "age_band/30-39/East/did_not_attend",
                "age_band/50-59/East/attended_telemedicine", "age_band/50-59/North/attended_telemedicine",
                "age_band/50-59/North/patients_seen", "age_band/50-59/North/attended",
                "age_band/50-59/South/patients_seen", "age_band/50-59/South/attended",
                "age_band/30-39/South/did_not_attend", "age_band/50-59/South/attended_telemedicine"));
        for (String g : List.of("age_band/ALL", "sex/ALL", "sex/male")) {
            for (String r : List.of("North", "East")) {
                expected.add(g + "/" + r + "/did_not_attend");
                expected.add(g + "/" + r + "/attended_telemedicine");
            }
            expected.add(g + "/South/did_not_attend");
        }
        Set<String> actual = new TreeSet<>();
        for (Row r : p.filter(col("region").notEqual("ALL")).collectAsList()) {
            boolean any = false;
            for (String c : COUNTS) {
                if (r.isNullAt(r.fieldIndex(c))) {
                    actual.add(r.getAs("dimension") + "/" + r.getAs("group_value") + "/" + r.getAs("region") + "/" + c);
                    any = true;
                }
            }
            assertEquals(any, r.<Boolean>getAs("suppressed"), r.toString());
        }
        assertEquals(expected, actual);

        // a complemented count takes what rests on it: North's telemedicine share in ALL, not its median
        Row north = published(p.filter(col("dimension").equalTo("age_band")), "North", "ALL");
        assertNull(north.getAs("telemedicine_share"));
        assertNull(north.getAs("telemedicine_share_vs_all"));
        assertNull(north.getAs("dna_rate"));
        assertEquals(10L, north.<Long>getAs("patients_seen"));
        assertEquals(26, north.<Integer>getAs("median_wait_days"));
        // the zero rows added for the grid: zero counts, nothing else below national, the national figures
        Row south = published(p.filter(col("dimension").equalTo("age_band")), "South", "50-59");
        assertEquals(true, south.getAs("suppressed"));
        assertNull(south.getAs("attended"));
        assertEquals(0L, south.<Long>getAs("completed_pathways"));
        assertNull(south.getAs("median_wait_days"));
        assertEquals(0.6, south.<Double>getAs("national_telemedicine_share"), 1e-12);
        // national rows are not changed
        Assertions.assertEquals(0, mart.filter(col("region").equalTo("ALL"))
                .exceptAll(p.filter(col("region").equalTo("ALL")).drop("suppressed")).count());
        assertAttackFails(p);
    }

    /**
     * The attacker: for every suppressed region count, national minus the other regions of its line (a region
     * with no row counting as a published 0). A published 0 is exact; a rounded r is between max(8, r - 2) and
     * r + 2. The attack succeeds when the other regions are all published and pin the cell to one value.
     */
    private static List<String> attack(Dataset<Row> published) {
        Map<String, Row> national = new HashMap<>();
        Map<String, Map<String, Row>> regions = new TreeMap<>();
        for (Row r : published.collectAsList()) {
            String line = r.getAs("period_start") + "/" + r.getAs("dimension") + "/" + r.getAs("group_value");
            if ("ALL".equals(r.getAs("region"))) {
                national.put(line, r);
            } else {
                regions.computeIfAbsent(line, k -> new TreeMap<>()).put(r.getAs("region"), r);
            }
        }
        List<String> recovered = new ArrayList<>();
        for (Map.Entry<String, Row> n : national.entrySet()) {
            Map<String, Row> cells = regions.getOrDefault(n.getKey(), Map.of());
            for (String c : COUNTS) {
                for (String target : REGIONS) {
                    Row t = cells.get(target);
                    if (t == null || !t.isNullAt(t.fieldIndex(c))) {
                        continue;
                    }
                    long low = n.getValue().<Long>getAs(c);
                    long high = low;
                    boolean known = true;
                    for (String other : REGIONS) {
                        Row o = cells.get(other);
                        if (other.equals(target) || o == null) {
                            continue;
                        }
                        if (o.isNullAt(o.fieldIndex(c))) {
                            known = false;
                            break;
                        }
                        long v = o.<Long>getAs(c);
                        low -= v == 0 ? 0 : v + 2;
                        high -= v == 0 ? 0 : Math.max(8, v - 2);
                    }
                    if (known && Math.max(low, 0) == high) {
                        recovered.add(n.getKey() + "/" + target + "/" + c + " = " + high);
                    }
                }
            }
        }
        return recovered;
    }

    private static void assertAttackFails(Dataset<Row> published) {
        Assertions.assertEquals(List.of(), attack(published), "suppressed counts recovered from the national row");
    }

    /**
     * The attack works on primary suppression alone (region counts of 1 to 7 blanked, nothing else): 70+ lies in
     * North only, and East's 6 telemedicine attendances in 50-59 are the national 6. The generic control of every
     * table (the same declaration under another name, so no complements) stops it too: small national totals are
     * hidden in every region, and a small line in one region is published nationally only.
     */
    @Test
    void theAttackWorksOnPrimarySuppressionAloneAndNotOnTheGenericControl() {
        Dataset<Row> primaryOnly = smallGroups();
        for (String c : COUNTS) {
            primaryOnly = primaryOnly.withColumn(c, org.apache.spark.sql.functions.when(col("region").equalTo("ALL")
                    .or(org.apache.spark.sql.functions.not(col(c).between(1, 7))), col(c)));
        }
        List<String> recovered = attack(primaryOnly);
        Assertions.assertTrue(recovered.contains("2026-01-01/age_band/70+/North/attended = 4"), recovered.toString());
        Assertions.assertTrue(recovered.contains("2026-01-01/age_band/50-59/East/attended_telemedicine = 6"),
                recovered.toString());

        Dataset<Row> generic = DisclosureControl.apply(smallGroups(),
                new uk.nhs.healthjustice.telemed.schemas.published.PublishedTable("equity_generic",
                        PublishedTables.EQUITY.columns())).cache();
        assertAttackFails(generic);
        Assertions.assertEquals(0, generic.filter(col("group_value").equalTo("70+")
                .and(col("region").notEqual("ALL"))).count(), "70+ lies in one region: national only");
    }

    /**
     * A complement that is not a zero: Mixed completed pathways North 3 (primary), South 9, East 12. South's 9
     * is the smallest, so it is suppressed, and its median (which would say it rests on 8 or more) with it;
     * East's is published.
     */
    @Test
    void aComplementedBaseTakesItsMedian() {
        Dataset<Row> mart = frame(Equity.SCHEMA,
                row("North", "ethnic_group", "Mixed", 10, 10, 10, 0, 0, 3, 40),
                row("South", "ethnic_group", "Mixed", 12, 15, 10, 0, 0, 9, 28),
                row("East", "ethnic_group", "Mixed", 9, 10, 10, 0, 0, 12, 50),
                row("ALL", "ethnic_group", "Mixed", 31, 35, 30, 0, 0, 24, 33));
        Dataset<Row> p = DisclosureControl.apply(mart, PublishedTables.EQUITY).cache();
        Row south = published(p, "South", "Mixed");
        assertEquals(true, south.getAs("suppressed"));
        assertNull(south.getAs("completed_pathways"));
        assertNull(south.getAs("median_wait_days"));
        assertNull(south.getAs("median_wait_vs_all"));
        assertEquals(15L, south.<Long>getAs("attended"));
        Row east = published(p, "East", "Mixed");
        assertEquals(false, east.getAs("suppressed"));
        assertEquals(10L, east.<Long>getAs("completed_pathways"));
        assertEquals(50, east.<Integer>getAs("median_wait_days"));
        assertNull(published(p, "North", "Mixed").getAs("median_wait_days"));
        assertAttackFails(p);
    }

    /** No patients log: the mart is empty, and so is its published form (no grid rows from nothing). */
    @Test
    void anEmptyMartStaysEmpty() {
        Dataset<Row> p = DisclosureControl.apply(frame(Equity.SCHEMA), PublishedTables.EQUITY);
        assertEquals(0L, p.count());
        assertEquals("suppressed", p.columns()[p.columns().length - 1]);
    }
}
