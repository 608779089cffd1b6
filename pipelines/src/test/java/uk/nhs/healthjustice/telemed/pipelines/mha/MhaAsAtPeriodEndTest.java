package uk.nhs.healthjustice.telemed.pipelines.mha;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * {@code mha_transfers} version 2 worked by hand: status as at period end (or the run date), the
 * {@code open_over_28_days} stock and the Kaplan-Meier median. Site S1 (North), run date 2026-05-20 (a
 * Wednesday; May is the current month, so May rows are as at 20 May).
 * <pre>
 * K0  ref 01-15, never assessed, open
 * K1  ref 03-01, first 03-05 video,     transferred 04-10 (after March end)  KM 40 event
 * K2  ref 03-01, first 03-08 in person, transferred 03-21                    KM 20 event
 * K3  ref 03-02, first 03-10 in person, not_detainable, closed_date null, record_updated_at 2026-03-30T23:30Z
 *     = 00:30 on 31 March in London (BST): closes 31 March                   KM 29 censored
 * K4  ref 03-05, first 04-02 video (after March end), open                   KM 76 censored (run date)
 * K5  ref 03-10, first 03-12 video,     transferred 04-15                    KM 36 event
 * K6  ref 03-20, never assessed, withdrawn, closed_date 04-05 (record_updated_at 05-10) KM 16 censored
 * K7  ref 04-01, first 04-03 video,     transferred 04-11                    KM 10 event
 * K8  ref 04-02, never assessed, open                                        KM 48 censored
 * K9  ref 04-03, first 04-06 in person, released, closed_date 04-13           KM 10 censored
 * K10 ref 04-04, never assessed, open                                        KM 46 censored
 * K12 ref 04-25, never assessed, open                                        KM 25 censored
 * </pre>
 * (K0's KM time: 16 + 28 + 31 + 30 + 20 = 125 censored.)
 */
class MhaAsAtPeriodEndTest extends SparkTestBase {

    static final StructType CASES = new StructType()
            .add("case_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("referral_date", DataTypes.DateType)
            .add("first_assessment_date", DataTypes.DateType)
            .add("first_assessment_modality", DataTypes.StringType)
            .add("transfer_date", DataTypes.DateType)
            .add("outcome", DataTypes.StringType)
            .add("closed_date", DataTypes.DateType)
            .add("record_updated_at", DataTypes.TimestampType);
    static final LocalDate RUN_DATE = LocalDate.parse("2026-05-20");

    private Dataset<Row> cases;
    private Dataset<Row> sites;
    private Dataset<Row> mart;

    @BeforeEach
    void build() {
        cases = frame(CASES,
                new Object[] {"K0", "S1", date("2026-01-15"), null, null, null, "open", null, utc("2026-01-15T17:00:00Z")},
                new Object[] {"K1", "S1", date("2026-03-01"), date("2026-03-05"), "video", date("2026-04-10"), "transferred", null, utc("2026-04-10T17:00:00Z")},
                new Object[] {"K2", "S1", date("2026-03-01"), date("2026-03-08"), "in_person", date("2026-03-21"), "transferred", null, utc("2026-03-21T17:00:00Z")},
                new Object[] {"K3", "S1", date("2026-03-02"), date("2026-03-10"), "in_person", null, "not_detainable", null, utc("2026-03-30T23:30:00Z")},
                new Object[] {"K4", "S1", date("2026-03-05"), date("2026-04-02"), "video", null, "open", null, utc("2026-04-02T17:00:00Z")},
                new Object[] {"K5", "S1", date("2026-03-10"), date("2026-03-12"), "video", date("2026-04-15"), "transferred", null, utc("2026-04-15T17:00:00Z")},
                new Object[] {"K6", "S1", date("2026-03-20"), null, null, null, "withdrawn", date("2026-04-05"), utc("2026-05-10T12:00:00Z")},
                new Object[] {"K7", "S1", date("2026-04-01"), date("2026-04-03"), "video", date("2026-04-11"), "transferred", null, utc("2026-04-11T17:00:00Z")},
                new Object[] {"K8", "S1", date("2026-04-02"), null, null, null, "open", null, utc("2026-04-02T17:00:00Z")},
                new Object[] {"K9", "S1", date("2026-04-03"), date("2026-04-06"), "in_person", null, "released", date("2026-04-13"), utc("2026-04-13T17:00:00Z")},
                new Object[] {"K10", "S1", date("2026-04-04"), null, null, null, "open", null, utc("2026-04-04T17:00:00Z")},
                new Object[] {"K12", "S1", date("2026-04-25"), null, null, null, "open", null, utc("2026-04-25T17:00:00Z")});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"});
        mart = MhaTransfers.compute(cases, sites, RUN_DATE).cache();
    }

    private static Row row(Dataset<Row> mart, String label, String site, String modality) {
        List<Row> rows = mart.filter(col("period_label").equalTo(label).and(col("site_id").equalTo(site))
                .and(col("region").equalTo(site.equals("ALL") ? "ALL" : "North"))
                .and(col("first_assessment_modality").equalTo(modality))).collectAsList();
        assertEquals(1, rows.size(), label + " " + site + " " + modality);
        return rows.get(0);
    }

    private Row row(String label, String site, String modality) {
        return row(mart, label, site, modality);
    }

    /**
     * March cohort (K1..K6) as at 31 March. Assessed by then: K1 (4 days), K2 (7), K3 (8), K5 (2) = 4 (K4 was
     * assessed on 2 April); sorted [2, 4, 7, 8]: median rank 2 -> 4, p92 rank ceil(3.68) = 4 -> 8, all 4
     * within 14 days. Transferred by then: K2 only (20 days; 13 after assessment), although K1 and K5 are
     * {@code transferred} today. Open at 31 March: K1, K4, K5 and K6 (closes 5 April) = 4; K3 closed on
     * 31 March (London date of its record_updated_at), K2 was transferred. Video row: K1 and K5 (K4 was not
     * assessed by 31 March, so it is on ALL rows only); in person: K2, K3.
     */
    @Test
    void aCaseTransferredAfterPeriodEndIsOpenAtPeriodEnd() {
        Row march = row("2026-03", "S1", "ALL");
        assertEquals(6L, march.<Long>getAs("cases_referred"));
        assertEquals(4L, march.<Long>getAs("cases_assessed"));
        assertEquals(4, march.<Integer>getAs("median_days_to_first_assessment"));
        assertEquals(8, march.<Integer>getAs("p92_days_to_first_assessment"));
        assertEquals(4L, march.<Long>getAs("first_assessment_within_14_days"));
        assertEquals(1L, march.<Long>getAs("cases_transferred"));
        assertEquals(20, march.<Integer>getAs("median_days_to_transfer"));
        assertEquals(13, march.<Integer>getAs("median_days_assessment_to_transfer"));
        assertEquals(1L, march.<Long>getAs("transferred_within_28_days"));
        assertEquals(100.0, march.<Double>getAs("pct_transferred_within_28_days"), 1e-9);
        assertEquals(4L, march.<Long>getAs("cases_open"));
        assertEquals(2L, row("2026-03", "S1", "video").<Long>getAs("cases_referred"));
        assertEquals(0L, row("2026-03", "S1", "video").<Long>getAs("cases_transferred"));
        assertEquals(2L, row("2026-03", "S1", "in_person").<Long>getAs("cases_referred"));

        // April cohort (K7..K12) as at 30 April: K7 transferred (10 days), K9 closed 13 April; open K8, K10, K12
        Row april = row("2026-04", "S1", "ALL");
        assertEquals(5L, april.<Long>getAs("cases_referred"));
        assertEquals(1L, april.<Long>getAs("cases_transferred"));
        assertEquals(3L, april.<Long>getAs("cases_open"));
    }

    /**
     * {@code open_over_28_days} is the stock of open cases more than 28 days after referral at the as-at day,
     * whatever their referral period.
     * <pre>
     * 31 Jan: K0 16 days                                                           -> 0
     * 28 Feb: K0 44                                                                -> 1
     * 31 Mar: K0 75, K1 30 (transferred only on 10 April); K4 26, K5 21, K6 11 no  -> 2
     * 30 Apr: K0 105, K4 56; K1, K5 transferred, K6 closed 5 April, K8 28 (not > 28), K10 26, K12 5 -> 2
     * 20 May (run date, not 31 May): K0 125, K4 76, K8 48, K10 46; K12 25 (it would be 36 at 31 May) -> 4
     * quarter 2025-26 Q4 as at 31 March: 2; 2026-27 Q1 as at 20 May: 4
     * </pre>
     * February and May have no referrals: their rows carry the stock only (cases_referred 0). No row after
     * the run date's period.
     */
    @Test
    void openOverTwentyEightDaysIsAStockAtPeriodEnd() {
        assertEquals(0L, row("2026-01", "S1", "ALL").<Long>getAs("open_over_28_days"));
        Row feb = row("2026-02", "S1", "ALL");
        assertEquals(1L, feb.<Long>getAs("open_over_28_days"));
        assertEquals(0L, feb.<Long>getAs("cases_referred"));
        assertEquals(2L, row("2026-03", "S1", "ALL").<Long>getAs("open_over_28_days"));
        assertEquals(2L, row("2026-04", "S1", "ALL").<Long>getAs("open_over_28_days"));
        Row may = row("2026-05", "ALL", "ALL");
        assertEquals(4L, may.<Long>getAs("open_over_28_days"));
        assertEquals(0L, may.<Long>getAs("cases_referred"));
        assertEquals(2L, row("2025-26 Q4", "ALL", "ALL").<Long>getAs("open_over_28_days"));
        assertEquals(4L, row("2026-27 Q1", "ALL", "ALL").<Long>getAs("open_over_28_days"));
        // by modality as at 30 April: K4 assessed by video on 2 April; K0 never assessed (ALL only)
        assertEquals(1L, row("2026-04", "S1", "video").<Long>getAs("open_over_28_days"));
        assertEquals(0, mart.filter(col("period_start").gt(date("2026-05-20"))).count());
    }

    /**
     * Kaplan-Meier medians (days from referral; e = transfer up to the run date, c = censored):
     * <pre>
     * March, ALL: 16c(K6) 20e(K2) 29c(K3) 36e(K5) 40e(K1) 76c(K4)
     *   day 20: at risk 5, S = 4/5; day 36: at risk 3, S = 4/5 x 2/3 = 8/15; day 40: at risk 2,
     *   S = 8/15 x 1/2 = 4/15 <= 1/2 -> 40 (the naive median of transfers by 31 March is 20)
     * March, video (K1, K5): 36e 40e: day 36 at risk 2, S = 1/2 -> 36
     * March, in person (K2, K3): 20e 29c: day 20 at risk 2, S = 1/2 -> 20
     * quarter 2025-26 Q4, ALL (March plus K0 125c): day 20 at risk 6, S = 5/6; day 36 at risk 4,
     *   S = 5/6 x 3/4 = 5/8; day 40 at risk 3, S = 5/8 x 2/3 = 5/12 <= 1/2 -> 40
     * April, ALL: 10e(K7) 10c(K9) 25c(K12) 46c(K10) 48c(K8): day 10 at risk 5 (K9, censored on 10, still at
     *   risk), S = 4/5, no later event -> null (while the naive median of transfers is 10)
     * January, ALL: K0 125c only -> null
     * </pre>
     */
    @Test
    void kaplanMeierMedianWithCensoring() {
        Row march = row("2026-03", "S1", "ALL");
        assertEquals(40, march.<Integer>getAs("km_median_days_to_transfer"));
        assertEquals(36, row("2026-03", "S1", "video").<Integer>getAs("km_median_days_to_transfer"));
        assertEquals(20, row("2026-03", "S1", "in_person").<Integer>getAs("km_median_days_to_transfer"));
        assertEquals(40, row("2025-26 Q4", "ALL", "ALL").<Integer>getAs("km_median_days_to_transfer"));
        Row april = row("2026-04", "S1", "ALL");
        assertNull(april.getAs("km_median_days_to_transfer"));
        assertEquals(10, april.<Integer>getAs("median_days_to_transfer"));
        assertNull(row("2026-01", "S1", "ALL").getAs("km_median_days_to_transfer"));
        assertNull(row("2026-05", "S1", "ALL").getAs("km_median_days_to_transfer"));
    }

    /**
     * Without a closed_date column every closing falls back to the London date of record_updated_at: K6 then
     * closes on 10 May, so at 30 April it is open and 41 days after referral: April's stock is 3 (K0, K4, K6).
     * March's KM: K6 censored on day 51 instead of 16; day 20 at risk 6, S = 5/6; day 36 at risk 4 (36, 40,
     * 51, 76), S = 5/8; day 40 at risk 3, S = 5/12 -> still 40. With the column, K6 closed on 5 April (above: 2).
     */
    @Test
    void closedDateFallsBackToTheLondonDateOfTheRecordUpdate() {
        Dataset<Row> without = MhaTransfers.compute(cases.drop("closed_date"), sites, RUN_DATE);
        assertEquals(3L, row(without, "2026-04", "S1", "ALL").<Long>getAs("open_over_28_days"));
        assertEquals(40, row(without, "2026-03", "S1", "ALL").<Integer>getAs("km_median_days_to_transfer"));
        // K3 (closed_date null) closes on 31 March either way: open at 31 March are K1, K4, K5, K6
        assertEquals(4L, row(without, "2026-03", "S1", "ALL").<Long>getAs("cases_open"));
    }
}
