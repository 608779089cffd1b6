package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Quarter 2025-26 Q3 (October-December 2025). Escort officer-hour is 30 until 31 October and 36 from
 * 1 November: the quarter must use both. Consultant 60/h, GP 120/h, vehicle trip 100, platform 5 per remote
 * consult, site month 1000. S1 goes live on 15 November 2025; S2 never.
 * <pre>
 * k1 S2 offsite 20 Oct, consultant 60 min, 2 officers x 4 h: clinician 60 + escort 2*4*30+100 = 340 -> 400
 * k2 S2 offsite 20 Nov, consultant null (30 min), 3 x 5 h:     clinician 30 + escort 3*5*36+100 = 640 -> 670
 * k3 S1 video 20 Nov, consultant 30 min, on referral R3:      clinician 30 + platform 5 -> 35 (1 escort avoided:
 *    S1 had no specialty-100 attendance before go-live; the national pre-go-live offsite share is 2 of 2)
 * k4 S1 telephone 1 Dec, GP 15 min, primary care:             clinician 30 + platform 5 -> 35
 * k5 S1 onsite did not attend: not costed
 * Site fixed cost: S1 live in November and December: 2 x 1000.
 * </pre>
 */
class CostsTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType).add("referral_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType).add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType).add("outcome", DataTypes.StringType)
            .add("duration_minutes", DataTypes.IntegerType).add("clinician_role", DataTypes.StringType)
            .add("escort_officers", DataTypes.IntegerType).add("escort_hours", DataTypes.DoubleType);
    static final StructType COSTS = new StructType()
            .add("name", DataTypes.StringType).add("value_gbp", DataTypes.createDecimalType(18, 4))
            .add("valid_from", DataTypes.DateType).add("valid_to", DataTypes.DateType);

    Dataset<Row> consults;
    Dataset<Row> costs;
    Dataset<Row> sites;
    Dataset<Row> mart;

    @BeforeEach
    void build() {
        consults = frame(CONSULTS,
                new Object[] {"k1", "R1", "S2", utc("2025-10-20T10:00:00Z"), "face_to_face_offsite", "attended", 60, "consultant", 2, 4.0},
                new Object[] {"k2", "R2", "S2", utc("2025-11-20T10:00:00Z"), "face_to_face_offsite", "attended", null, "consultant", 3, 5.0},
                new Object[] {"k3", "R3", "S1", utc("2025-11-20T11:00:00Z"), "video", "attended", 30, "consultant", null, null},
                new Object[] {"k4", null, "S1", utc("2025-12-01T11:00:00Z"), "telephone", "attended", 15, "gp", null, null},
                new Object[] {"k5", "R3", "S1", utc("2025-11-01T11:00:00Z"), "face_to_face_onsite", "did_not_attend", null, "consultant", null, null})
                .withColumn("specialty_code", org.apache.spark.sql.functions.lit("100"));
        costs = frame(COSTS,
                new Object[] {"clinician_hour.consultant", new BigDecimal("60.0"), date("2024-01-01"), null},
                new Object[] {"clinician_hour.gp", new BigDecimal("120.0"), date("2024-01-01"), null},
                new Object[] {"escort_officer_hour", new BigDecimal("30.0"), date("2024-01-01"), date("2025-10-31")},
                new Object[] {"escort_officer_hour", new BigDecimal("36.0"), date("2025-11-01"), null},
                new Object[] {"escort_vehicle_trip", new BigDecimal("100.0"), date("2024-01-01"), null},
                new Object[] {"telemedicine_per_consult", new BigDecimal("5.0"), date("2024-01-01"), null},
                new Object[] {"telemedicine_site_month", new BigDecimal("1000.0"), date("2024-01-01"), null});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType)
                        .add("telemedicine_go_live", DataTypes.DateType),
                new Object[] {"S1", "North", date("2025-11-15")}, new Object[] {"S2", "North", null});
        mart = Costs.compute(consults, sites, costs, LocalDate.parse("2025-12-31")).cache();
    }

    /** Money is exact: DECIMAL(18,2), compared to the penny with no tolerance. */
    static void assertMoney(String expected, Row row, String column) {
        Assertions.assertEquals(new BigDecimal(expected), row.<BigDecimal>getAs(column), column);
    }

    private Row row(String label, String site, String modality) {
        List<Row> rows = mart.filter(col("period_label").equalTo(label).and(col("site_id").equalTo(site))
                .and(col("region").equalTo(site.equals("ALL") ? "ALL" : "North"))
                .and(col("modality_group").equalTo(modality))).collectAsList();
        Assertions.assertEquals(1, rows.size(), label + site + modality);
        return rows.get(0);
    }

    @Test
    void aQuarterWithACostChangeInsideIt() {
        Row q = row("2025-26 Q3", "ALL", "ALL");
        Assertions.assertEquals(4L, q.<Long>getAs("attended"));
        assertMoney("150.00", q, "clinician_cost_gbp");
        assertMoney("980.00", q, "escort_cost_gbp");
        assertMoney("2010.00", q, "telemedicine_cost_gbp");
        assertMoney("3140.00", q, "total_cost_gbp");
        assertMoney("785.00", q, "cost_per_attendance_gbp");
        Assertions.assertEquals(2L, q.<Long>getAs("escorts"));
        assertMoney("23.00", q, "escort_officer_hours");
        // S1 had no attendance of specialty 100 before its go-live: the national pre-go-live offsite share of 100
        // is S2's (never live), 2 of 2 attendances offsite, so k3 avoids 1 x 1 = 1 expected escort
        Assertions.assertEquals(0, BigDecimal.ONE.compareTo(q.getAs("escorts_avoided")));
        // one escort avoided x the national mean escort cost per offsite attendance (980 / 2)
        assertMoney("490.00", q, "escort_cost_avoided_gbp");
    }

    @Test
    void siteRowsAndFixedCosts() {
        Row tele = row("2025-26 Q3", "S1", "telemedicine");
        Assertions.assertEquals(2L, tele.<Long>getAs("attended"));
        assertMoney("2010.00", tele, "telemedicine_cost_gbp");
        assertMoney("2070.00", tele, "total_cost_gbp");
        assertMoney("490.00", tele, "escort_cost_avoided_gbp");
        Row s2 = row("2025-26 Q3", "S2", "in_person");
        assertMoney("1070.00", s2, "total_cost_gbp");
        assertMoney("0.00", s2, "telemedicine_cost_gbp");
        // October: S1 not yet live, no fixed cost anywhere
        assertMoney("0.00", row("2025-10", "ALL", "ALL"), "telemedicine_cost_gbp");
        // November: the month of go-live is charged in full
        Row nov = row("2025-11", "ALL", "ALL");
        assertMoney("1005.00", nov, "telemedicine_cost_gbp");
        assertMoney("640.00", nov, "escort_cost_avoided_gbp");
        // December: a month with only a fixed cost on the telemedicine row of S1 still has a row
        Row dec = row("2025-12", "S1", "telemedicine");
        assertMoney("1005.00", dec, "telemedicine_cost_gbp");
        assertMoney("1035.00", dec, "total_cost_gbp");
    }

    /**
     * Run on 28 February 2026, recomputing from 2025-26 Q4: no consult falls in the window, yet S1 is live, so
     * January and February each carry its 1000 site cost (the months start from the first attended consult of
     * all history, October 2025, not of the window). The window's rows are those of the full mart.
     */
    @Test
    void aWindowKeepsTheSiteCostsOfMonthsWithoutConsults() {
        LocalDate runDate = LocalDate.parse("2026-02-28");
        Dataset<Row> full = Costs.compute(consults, sites, costs, runDate);
        Dataset<Row> window = Costs.compute(consults, sites, costs, runDate, LocalDate.parse("2026-01-01"));
        assertSameRows(full.filter(col("period_start").geq(date("2026-01-01"))), window);
        Row january = window.filter(col("period_label").equalTo("2026-01").and(col("site_id").equalTo("S1"))
                .and(col("modality_group").equalTo("telemedicine"))).first();
        assertMoney("1000.00", january, "site_fixed_cost_gbp");
        Assertions.assertEquals(0L, january.<Long>getAs("attended"));
        Assertions.assertEquals(3, window.filter(col("site_id").equalTo("S1")
                .and(col("modality_group").equalTo("telemedicine"))).count(), "January, February and 2025-26 Q4");
    }

    /**
     * A night before a site's planned go-live (run date 31 October 2025; S1 goes live on 15 November): S1 has
     * no live month yet, so no site fixed cost; the October row of S2 is k1 alone (400).
     */
    @Test
    void aSiteGoingLiveAfterTheRunDateHasNoFixedCostYet() {
        Dataset<Row> october = Costs.compute(consults.filter(col("consult_id").equalTo("k1")), sites, costs,
                LocalDate.parse("2025-10-31"));
        Row all = october.filter(col("period_label").equalTo("2025-10").and(col("site_id").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL"))).first();
        assertMoney("400.00", all, "total_cost_gbp");
        assertMoney("0.00", all, "telemedicine_cost_gbp");
        Assertions.assertEquals(0L, october.filter(col("site_id").equalTo("S1")).count());
    }

    /**
     * Windowed from 2025-26 Q4: R4 (S1, referred 1 December 2025, seen by video on 10 January 2026, cost
     * 30 + 5 + S1's January fixed cost 1000 spread over its one telemedicine attendance = 1035 to the NHS, wait
     * 40 days) is that quarter's only pathway, so its rows have one telemedicine pathway and none in person (no
     * stratum with both arms: no comparison); they equal the full mart's Q4 rows (seeds from the row's labels),
     * and Q3 is left out.
     */
    @Test
    void costEffectivenessWindowGivesTheFullMartsLaterQuarters() {
        StructType refs = new StructType().add("referral_id", DataTypes.StringType).add("site_id", DataTypes.StringType)
                .add("specialty_code", DataTypes.StringType).add("priority", DataTypes.StringType)
                .add("referral_date", DataTypes.DateType).add("clock_stop_date", DataTypes.DateType)
                .add("status", DataTypes.StringType);
        Dataset<Row> referrals = frame(refs,
                new Object[] {"R1", "S2", "100", "routine", date("2025-09-20"), null, "closed"},
                new Object[] {"R2", "S2", "100", "routine", date("2025-10-01"), null, "closed"},
                new Object[] {"R3", "S1", "100", "routine", date("2025-10-01"), null, "closed"},
                new Object[] {"R4", "S1", "100", "routine", date("2025-12-01"), null, "closed"});
        Dataset<Row> more = consults.unionByName(frame(CONSULTS,
                new Object[] {"k6", "R4", "S1", utc("2026-01-10T10:00:00Z"), "video", "attended", 30, "consultant", null, null})
                .withColumn("specialty_code", org.apache.spark.sql.functions.lit("100")));
        Dataset<Row> costed = ConsultCosts.slotCosted(more, costs, sites);
        LocalDate from = LocalDate.parse("2026-01-01");
        Dataset<Row> full = CostEffectiveness.compute(Pathways.build(referrals, more, sites), costed, 7, 200);
        Dataset<Row> window = CostEffectiveness.compute(Pathways.build(referrals, more, sites, from), costed, 7, 200, from);
        Assertions.assertTrue(full.filter(col("period_start").lt(date("2026-01-01"))).count() > 0);
        assertSameRows(full.filter(col("period_start").geq(date("2026-01-01"))), window);
        Row q4 = window.filter(col("region").equalTo("ALL").and(col("perspective").equalTo("nhs"))).first();
        Assertions.assertEquals("2025-26 Q4", q4.getAs("period_label"));
        Assertions.assertEquals(1L, q4.<Long>getAs("telemedicine_pathways"));
        Assertions.assertEquals(0L, q4.<Long>getAs("in_person_pathways"));
        assertMoney("1035.00", q4, "mean_cost_telemedicine_gbp");
        Assertions.assertNull(q4.getAs("cost_difference_gbp"));
        Assertions.assertEquals(1L, q4.<Long>getAs("strata_dropped"));
        Assertions.assertEquals(40.0, q4.<Double>getAs("mean_wait_telemedicine_days"), 1e-9);
    }

    /**
     * Escorts avoided as an expected count (METRICS.md costs, version 2). S3 goes live on 1 November 2025, S4
     * never. Attended before go-live: S3 specialty 100: e1 offsite (2 officers x 4 h at 30 + trip 100 = 340),
     * e2-e4 onsite (e5, an offsite did-not-attend, is no attendance): S3's offsite share of 100 is 1/4. S4
     * (all of its attendances are before a go-live it never had) specialty 330: g1 offsite (340), g2 onsite:
     * national share of 330 is 1/2; S3 has no 330 of its own. In November S3 has, on referrals, v1 video 100
     * (x 1/4), v3 video 330 (x national 1/2), v6 video 710 (no share anywhere: 0), and a primary-care video
     * v4 (no referral: not counted): 0.25 + 0.5 = 0.75 expected escorts avoided, left fractional. The
     * quarter's national mean escort cost is (340 + 340) / 2 = 340, so 0.75 x 340 = 255.00 avoided.
     */
    @Test
    void escortsAvoidedUseTheSitesPreGoLiveOffsiteShare() {
        Dataset<Row> s = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType)
                        .add("telemedicine_go_live", DataTypes.DateType),
                new Object[] {"S3", "North", date("2025-11-01")}, new Object[] {"S4", "North", null});
        StructType withSpecialty = CONSULTS.add("specialty_code", DataTypes.StringType);
        Dataset<Row> c = frame(withSpecialty,
                new Object[] {"e1", "Q1", "S3", utc("2025-10-06T10:00:00Z"), "face_to_face_offsite", "attended", 30, "consultant", 2, 4.0, "100"},
                new Object[] {"e2", "Q2", "S3", utc("2025-10-07T10:00:00Z"), "face_to_face_onsite", "attended", 30, "consultant", null, null, "100"},
                new Object[] {"e3", "Q3", "S3", utc("2025-10-08T10:00:00Z"), "face_to_face_onsite", "attended", 30, "consultant", null, null, "100"},
                new Object[] {"e4", "Q4", "S3", utc("2025-10-09T10:00:00Z"), "face_to_face_onsite", "attended", 30, "consultant", null, null, "100"},
                new Object[] {"e5", "Q5", "S3", utc("2025-10-10T10:00:00Z"), "face_to_face_offsite", "did_not_attend", 30, "consultant", null, null, "100"},
                new Object[] {"g1", "Q6", "S4", utc("2025-10-06T10:00:00Z"), "face_to_face_offsite", "attended", 30, "consultant", 2, 4.0, "330"},
                new Object[] {"g2", "Q7", "S4", utc("2025-10-07T10:00:00Z"), "face_to_face_onsite", "attended", 30, "consultant", null, null, "330"},
                new Object[] {"v1", "Q8", "S3", utc("2025-11-10T10:00:00Z"), "video", "attended", 30, "consultant", null, null, "100"},
                new Object[] {"v3", "Q9", "S3", utc("2025-11-11T10:00:00Z"), "video", "attended", 30, "consultant", null, null, "330"},
                new Object[] {"v4", null, "S3", utc("2025-11-12T10:00:00Z"), "video", "attended", 30, "consultant", null, null, "330"},
                new Object[] {"v6", "Q10", "S3", utc("2025-11-13T10:00:00Z"), "video", "attended", 30, "consultant", null, null, "710"});
        Dataset<Row> m = Costs.compute(c, s, costs, LocalDate.parse("2025-12-31"));
        Row tele = m.filter(col("period_label").equalTo("2025-26 Q3").and(col("site_id").equalTo("S3"))
                .and(col("modality_group").equalTo("telemedicine"))).first();
        Assertions.assertEquals(0, new BigDecimal("0.75").compareTo(tele.getAs("escorts_avoided")), tele.toString());
        assertMoney("340.00", tele, "national_mean_escort_cost_gbp");
        assertMoney("255.00", tele, "escort_cost_avoided_gbp");
        Row nov = m.filter(col("period_label").equalTo("2025-11").and(col("site_id").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL"))).first();
        Assertions.assertEquals(0, new BigDecimal("0.75").compareTo(nov.getAs("escorts_avoided")));
        // no offsite attendance in November: no national mean escort cost, so no money figure
        Assertions.assertNull(nov.getAs("escort_cost_avoided_gbp"));
    }

    /**
     * Money is rounded half up to the penny once per consult part, then summed exactly: three 25-minute
     * consultant consults at GBP 143 an hour cost 25 x 143 / 60 = 59.58333... each, so 59.58 each and
     * 178.74 together (not 178.75, the exact sum rounded); an escort of 2 officers x 3.5 h at GBP 32.10 plus a
     * GBP 120.05 trip is 224.70 + 120.05 = 344.75.
     */
    @Test
    void moneyIsRoundedToThePennyPerConsultAndSummedExactly() {
        Dataset<Row> unit = frame(COSTS,
                new Object[] {"clinician_hour.consultant", new BigDecimal("143"), date("2024-01-01"), null},
                new Object[] {"escort_officer_hour", new BigDecimal("32.10"), date("2024-01-01"), null},
                new Object[] {"escort_vehicle_trip", new BigDecimal("120.05"), date("2024-01-01"), null},
                new Object[] {"telemedicine_per_consult", new BigDecimal("5"), date("2024-01-01"), null});
        Dataset<Row> three = frame(CONSULTS,
                new Object[] {"a", null, "S1", utc("2025-10-01T10:00:00Z"), "video", "attended", 25, "consultant", null, null},
                new Object[] {"b", null, "S1", utc("2025-10-02T10:00:00Z"), "video", "attended", 25, "consultant", null, null},
                new Object[] {"c", null, "S1", utc("2025-10-03T10:00:00Z"), "face_to_face_offsite", "attended", 25,
                    "consultant", 2, 3.5});
        List<Row> costed = ConsultCosts.costed(three, unit).orderBy("consult_id").collectAsList();
        assertMoney("59.58", costed.get(0), "clinician_cost_gbp");
        assertMoney("64.58", costed.get(0), "consult_cost_gbp");
        assertMoney("344.75", costed.get(2), "escort_cost_gbp");
        Assertions.assertEquals(0, new BigDecimal("7").compareTo(costed.get(2).getAs("escort_officer_hours")));
        Row total = ConsultCosts.costed(three, unit).agg(org.apache.spark.sql.functions.sum("clinician_cost_gbp")).first();
        Assertions.assertEquals(0, new BigDecimal("178.74").compareTo(total.getDecimal(0)), total.toString());
        // hours are not rounded before they are costed: 2 officers x 7.333333 h = 14.666666 officer-hours x GBP
        // 32.10 = 470.7999786, plus the trip 120.05 = 590.85 (hours rounded to 14.66 first gave 590.64)
        Dataset<Row> thirds = frame(CONSULTS, new Object[] {"d", null, "S1", utc("2025-10-04T10:00:00Z"),
                "face_to_face_offsite", "attended", 25, "consultant", 2, 7.333333});
        Row d = ConsultCosts.costed(thirds, unit).first();
        assertMoney("590.85", d, "escort_cost_gbp");
        Assertions.assertEquals(0, new BigDecimal("14.666666").compareTo(d.getAs("escort_officer_hours")));
    }
}
