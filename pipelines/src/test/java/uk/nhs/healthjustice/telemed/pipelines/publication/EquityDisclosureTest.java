package uk.nhs.healthjustice.telemed.pipelines.publication;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
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
 *   North 70+    patients 3, attended 4, telemedicine 1, DNA 0, GIC 0, completed 2, median 30
 *   North 30-39  patients 9, attended 12, telemedicine 8, DNA 3, GIC 0, completed 9, median 25
 * </pre>
 * 70+: every count 1..7 is suppressed, so both shares, the ratio and the median are null. 30-39: counts round
 * to 10, 10, 10, 5 (3 is suppressed), 10; the share is 10/10 = 1.0 (not the true 8/12), its ratio 1.0 / 0.6;
 * the DNA rate rests on a suppressed count: null; the median (9 pathways) and its ratio 25/20 are published.
 */
class EquityDisclosureTest extends SparkTestBase {

    private Dataset<Row> mart() {
        return frame(Equity.SCHEMA,
                row("ALL", "age_band", "70+", 3, 4, 1, 0, 0, 2, 30),
                row("North", "age_band", "70+", 3, 4, 1, 0, 0, 2, 30),
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
        assertEquals(4L, national.<Long>getAs("attended"));
        assertEquals(0.25 / 0.6, national.<Double>getAs("telemedicine_share_vs_all"), 1e-12);
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
}
