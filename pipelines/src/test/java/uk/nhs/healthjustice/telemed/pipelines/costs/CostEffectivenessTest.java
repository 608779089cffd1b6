package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.col;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.CONSULTS;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.COSTS;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.assertMoney;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * {@code marts/cost_effectiveness} version 2 (METRICS.md), worked by hand: full pathway costs (slots of
 * non-attendances, spread site fixed costs), perspectives, case-mix adjustment, the site-cluster bootstrap and
 * the decision outputs. Unit costs: consultant GBP 60 an hour (so a consult's minutes are its clinician pounds),
 * escort officer-hour 30, vehicle trip 100, platform 5 per attended remote consult, site month 1000.
 */
class CostEffectivenessTest extends SparkTestBase {

    static final StructType REFERRALS = new StructType().add("referral_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType).add("specialty_code", DataTypes.StringType)
            .add("priority", DataTypes.StringType).add("referral_date", DataTypes.DateType)
            .add("status", DataTypes.StringType);
    static final StructType SITES = new StructType().add("site_id", DataTypes.StringType)
            .add("region", DataTypes.StringType).add("telemedicine_go_live", DataTypes.DateType);

    private Dataset<Row> unitCosts(String platform) {
        return frame(COSTS,
                new Object[] {"clinician_hour.consultant", new BigDecimal("60"), date("2024-01-01"), null},
                new Object[] {"escort_officer_hour", new BigDecimal("30"), date("2024-01-01"), null},
                new Object[] {"escort_vehicle_trip", new BigDecimal("100"), date("2024-01-01"), null},
                new Object[] {"telemedicine_per_consult", new BigDecimal(platform), date("2024-01-01"), null},
                new Object[] {"telemedicine_site_month", new BigDecimal("1000"), date("2024-01-01"), null});
    }

    private static Row only(Dataset<Row> mart, String region, String site, String perspective) {
        List<Row> rows = mart.filter(col("region").equalTo(region).and(col("site_id").equalTo(site))
                .and(col("perspective").equalTo(perspective))).collectAsList();
        Assertions.assertEquals(1, rows.size(), region + site + perspective);
        return rows.get(0);
    }

    /**
     * S1 is live from January 2025. R1 (in person, referred 1 October 2025) and R2 (telemedicine, referred
     * 11 October 2025), both specialty 100 routine at S1:
     * <pre>
     * d1 R1 offsite did_not_attend 1 Nov, 60 min, 2 officers x 4 h deployed: nhs 60, hmpps 2*4*30+100 = 340
     * d2 R1 offsite cancelled_by_patient 10 Nov, minutes unknown (30), no officers: nhs 30, hmpps 0
     * d3 R1 offsite attended 20 Nov, 60 min, 2 x 4 h: nhs 60, hmpps 340          (first attendance, wait 50)
     * f1 R1 onsite attended 1 Dec: after the first attendance, not in the pathway
     * t1 R2 video cancelled_technical 5 Nov, 30 min: the slot, nhs 30 (no platform charge: not attended)
     * b1 R2 video booked 15 Nov: not yet happened, not costed
     * t2 R2 video attended 20 Nov, 30 min, technical_failure: nhs 30 + 5 + site share (first attendance, wait 40)
     * p1, p2 primary-care telephone attendances at S1 on 21 and 25 Nov, 10 min each
     * Site share: S1's November fixed cost 1000 over its 3 telemedicine attendances (t2, p1, p2) = 333.33 each.
     * R1: nhs 60 + 30 + 60 = 150, hmpps 340 + 0 + 340 = 680, public 830.
     * R2: nhs 30 + 30 + 5 + 333.33 = 398.33, hmpps 0, public 398.33.
     * Differences (telemedicine - in person), one stratum, so adjusted = unadjusted: nhs +248.33,
     * hmpps -680.00, public -431.67; wait 40 - 50 = -10.
     * </pre>
     */
    @Test
    void slotCostsOfNonAttendancesAndSpreadSiteCostsMakeThePathwayCost() {
        Dataset<Row> consults = frame(CONSULTS,
                new Object[] {"d1", "R1", "S1", utc("2025-11-01T10:00:00Z"), "face_to_face_offsite", "did_not_attend", 60, "consultant", 2, 4.0},
                new Object[] {"d2", "R1", "S1", utc("2025-11-10T10:00:00Z"), "face_to_face_offsite", "cancelled_by_patient", null, "consultant", null, null},
                new Object[] {"d3", "R1", "S1", utc("2025-11-20T10:00:00Z"), "face_to_face_offsite", "attended", 60, "consultant", 2, 4.0},
                new Object[] {"f1", "R1", "S1", utc("2025-12-01T10:00:00Z"), "face_to_face_onsite", "attended", 60, "consultant", null, null},
                new Object[] {"t1", "R2", "S1", utc("2025-11-05T10:00:00Z"), "video", "cancelled_technical", 30, "consultant", null, null},
                new Object[] {"b1", "R2", "S1", utc("2025-11-15T10:00:00Z"), "video", "booked", 30, "consultant", null, null},
                new Object[] {"t2", "R2", "S1", utc("2025-11-20T11:00:00Z"), "video", "attended", 30, "consultant", null, null},
                new Object[] {"p1", null, "S1", utc("2025-11-21T11:00:00Z"), "telephone", "attended", 10, "consultant", null, null},
                new Object[] {"p2", null, "S1", utc("2025-11-25T11:00:00Z"), "telephone", "attended", 10, "consultant", null, null});
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "North", date("2025-01-01")});
        Dataset<Row> slots = ConsultCosts.slotCosted(consults, unitCosts("5"), sites).cache();
        Map<String, Row> byId = slots.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("consult_id"), r -> r));
        Assertions.assertFalse(byId.containsKey("b1"), "a booked consult has not happened");
        // a did-not-attend offsite slot: the clinician time booked and the deployed escort
        assertMoney("60.00", byId.get("d1"), "nhs_cost_gbp");
        assertMoney("340.00", byId.get("d1"), "hmpps_cost_gbp");
        // a cancellation: 30 minutes of clinician time, no escort (none deployed)
        assertMoney("30.00", byId.get("d2"), "nhs_cost_gbp");
        assertMoney("0.00", byId.get("d2"), "hmpps_cost_gbp");
        assertMoney("30.00", byId.get("t1"), "nhs_cost_gbp");
        assertMoney("0.00", byId.get("t1"), "telemedicine_cost_gbp");
        // 1000 / 3 telemedicine attendances of S1 in November
        assertMoney("333.33", byId.get("t2"), "site_share_gbp");
        assertMoney("333.33", byId.get("p1"), "site_share_gbp");
        assertMoney("368.33", byId.get("t2"), "nhs_cost_gbp");
        assertMoney("0.00", byId.get("d3"), "site_share_gbp");

        Dataset<Row> referrals = frame(REFERRALS,
                new Object[] {"R1", "S1", "100", "routine", date("2025-10-01"), "closed"},
                new Object[] {"R2", "S1", "100", "routine", date("2025-10-11"), "closed"});
        Dataset<Row> mart = CostEffectiveness.compute(Pathways.build(referrals, consults, sites), slots, 7, 50).cache();
        Assertions.assertEquals(9, mart.count(), "national, region and site rows x 3 perspectives");
        Row nhs = only(mart, "ALL", "ALL", "nhs");
        assertMoney("398.33", nhs, "mean_cost_telemedicine_gbp");
        assertMoney("150.00", nhs, "mean_cost_in_person_gbp");
        assertMoney("248.33", nhs, "cost_difference_gbp");
        Assertions.assertEquals(-10.0, nhs.<Double>getAs("wait_difference_days"), 1e-12);
        // dearer and faster: 248.33 / 10 per wait-day avoided
        assertMoney("24.83", nhs, "incremental_cost_per_wait_day_avoided_gbp");
        Row hmpps = only(mart, "ALL", "ALL", "hmpps");
        assertMoney("0.00", hmpps, "mean_cost_telemedicine_gbp");
        assertMoney("680.00", hmpps, "mean_cost_in_person_gbp");
        assertMoney("-680.00", hmpps, "cost_difference_gbp");
        Row pub = only(mart, "North", "S1", "public_sector");
        assertMoney("-431.67", pub, "cost_difference_gbp");
        assertMoney("-431.67", pub, "cost_difference_unadjusted_gbp");
        Assertions.assertEquals(true, pub.<Boolean>getAs("dominant"));
        // one pathway per arm: every replicate is the point, so neither interval includes zero
        assertMoney("-431.67", pub, "cost_difference_ci_low");
        assertMoney("-43.17", pub, "incremental_cost_per_wait_day_avoided_ci_high");
        Assertions.assertNull(pub.getAs("ratio_note"));
        Assertions.assertEquals("pathway", pub.getAs("bootstrap_unit"));
    }

    /**
     * A pathway of one referral, first attended on 15 December 2025 (2025-26 Q3) by one consult whose minutes are
     * its clinician pounds, referred {@code waitDays} before.
     */
    private static void pathway(List<Object[]> refs, List<Object[]> consults, String id, String site, String specialty,
                                String priority, String modality, int minutes, int waitDays) {
        String referred = java.time.LocalDate.parse("2025-12-15").minusDays(waitDays).toString();
        refs.add(new Object[] {id, site, specialty, priority, date(referred), "closed"});
        consults.add(new Object[] {"c" + id, id, site, utc("2025-12-15T10:00:00Z"), modality, "attended", minutes,
            "consultant", null, null});
    }

    /**
     * Simpson's paradox, one site (S1, never live: no site costs), platform charge 5:
     * <pre>
     * stratum 100 routine: telemedicine 1 pathway  cost 85+5 = 90,  wait 10; in person 4 x cost 100, wait 20
     * stratum 330 urgent:  telemedicine 4 pathways cost 485+5 = 490, wait 100; in person 1 x cost 500, wait 110
     * stratum GIC routine: in person only, 2 x cost 100, wait 20 -> dropped (1 stratum, 2 pathways)
     * unadjusted: telemedicine (90 + 4*490) / 5 = 410.00, in person (400 + 500 + 200) / 7 = 157.14 -> +252.86
     *             wait 410/5 = 82 against 230/7 = 32.857..., difference +49.142857...: dearer and slower
     * adjusted: within each compared stratum telemedicine is 10 cheaper and 10 days faster; weights 1 and 4:
     *           (1 x -10 + 4 x -10) / 5 = -10.00 and -10 days: cheaper and faster, the right sign
     * </pre>
     */
    @Test
    void caseMixAdjustmentTurnsAWrongSignRight() {
        List<Object[]> refs = new ArrayList<>();
        List<Object[]> consults = new ArrayList<>();
        pathway(refs, consults, "A1", "S1", "100", "routine", "video", 85, 10);
        for (int i = 0; i < 4; i++) {
            pathway(refs, consults, "A" + (i + 2), "S1", "100", "routine", "face_to_face_onsite", 100, 20);
            pathway(refs, consults, "B" + (i + 1), "S1", "330", "urgent", "telephone", 485, 100);
        }
        pathway(refs, consults, "B5", "S1", "330", "urgent", "face_to_face_onsite", 500, 110);
        pathway(refs, consults, "G1", "S1", "GIC", "routine", "face_to_face_onsite", 100, 20);
        pathway(refs, consults, "G2", "S1", "GIC", "routine", "face_to_face_onsite", 100, 20);
        Dataset<Row> c = frame(CONSULTS, consults.toArray(Object[][]::new));
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "North", null});
        Dataset<Row> mart = CostEffectiveness.compute(Pathways.build(frame(REFERRALS, refs.toArray(Object[][]::new)), c, sites),
                ConsultCosts.slotCosted(c, unitCosts("5"), sites), 11, 100);
        Row r = only(mart, "ALL", "ALL", "public_sector");
        Assertions.assertEquals(5L, r.<Long>getAs("telemedicine_pathways"));
        Assertions.assertEquals(7L, r.<Long>getAs("in_person_pathways"));
        Assertions.assertEquals(5L, r.<Long>getAs("telemedicine_pathways_compared"));
        Assertions.assertEquals(5L, r.<Long>getAs("in_person_pathways_compared"));
        Assertions.assertEquals(2L, r.<Long>getAs("strata_compared"));
        Assertions.assertEquals(1L, r.<Long>getAs("strata_dropped"));
        Assertions.assertEquals(2L, r.<Long>getAs("pathways_dropped"));
        assertMoney("410.00", r, "mean_cost_telemedicine_gbp");
        assertMoney("157.14", r, "mean_cost_in_person_gbp");
        assertMoney("252.86", r, "cost_difference_unadjusted_gbp");
        Assertions.assertEquals(82.0 - 230.0 / 7, r.<Double>getAs("wait_difference_unadjusted_days"), 1e-9);
        assertMoney("-10.00", r, "cost_difference_gbp");
        Assertions.assertEquals(-10.0, r.<Double>getAs("wait_difference_days"), 1e-9);
        Assertions.assertEquals("dominant", r.getAs("verdict"));
        // within each arm of a stratum every pathway is alike, so every replicate is the point
        assertMoney("-10.00", r, "cost_difference_ci_low");
        assertMoney("-10.00", r, "cost_difference_ci_high");
        Assertions.assertEquals(1.0, r.<Double>getAs("p_cheaper_and_faster"));
        // the escorts are nobody's here: the hmpps perspective differs by nothing
        assertMoney("0.00", only(mart, "ALL", "ALL", "hmpps"), "cost_difference_gbp");
    }

    /**
     * Two sites, each with one telemedicine and one in-person pathway in one stratum (no platform charge):
     * <pre>
     * S1: telemedicine cost 90, wait 8;  in person cost 100, wait 10 -> D = -10, -2 days (W = 1)
     * S2: telemedicine cost 130, wait 9; in person cost 100, wait 10 -> D = +30, -1 day  (W = 1)
     * point: (-10 + 30) / 2 = +10.00, (-2 - 1) / 2 = -1.5 days: dearer and faster, ratio 10 / 1.5 = 6.67
     * A replicate draws two sites with replacement: S1 S1 -> (-10, -2); S2 S2 -> (+30, -1); mixed -> (+10, -1.5).
     * NMB(λ) = λ x days avoided - cost:
     *   λ = 0:  S1S1 +10, S2S2 -30, mixed -10: positive only for S1S1
     *   λ = 10: S1S1 +30, S2S2 -20, mixed +5:  positive unless S2S2; point 15 - 10 = 5.00
     *   λ = 50: S1S1 +110, S2S2 +20, mixed +65: always positive; point 75 - 10 = 65.00
     * </pre>
     * The shares of S1S1 and S2S2 are counted by replaying the row's generator (seeded from the run seed and the
     * row's labels) over the two sites in site order, two draws a replicate.
     */
    @Test
    void siteClusterBootstrapGivesNetBenefitAndAcceptability() {
        List<Object[]> refs = new ArrayList<>();
        List<Object[]> consults = new ArrayList<>();
        pathway(refs, consults, "T1", "S1", "100", "routine", "video", 90, 8);
        pathway(refs, consults, "I1", "S1", "100", "routine", "face_to_face_onsite", 100, 10);
        pathway(refs, consults, "T2", "S2", "100", "routine", "video", 130, 9);
        pathway(refs, consults, "I2", "S2", "100", "routine", "face_to_face_onsite", 100, 10);
        Dataset<Row> c = frame(CONSULTS, consults.toArray(Object[][]::new));
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "North", null}, new Object[] {"S2", "North", null});
        Dataset<Row> pathways = Pathways.build(frame(REFERRALS, refs.toArray(Object[][]::new)), c, sites);
        Dataset<Row> slots = ConsultCosts.slotCosted(c, unitCosts("0"), sites);
        int resamples = 40;
        long seed = 3;
        Row r = only(CostEffectiveness.compute(pathways, slots, seed, resamples), "ALL", "ALL", "nhs");
        assertMoney("10.00", r, "cost_difference_gbp");
        Assertions.assertEquals(-1.5, r.<Double>getAs("wait_difference_days"), 1e-12);
        assertMoney("6.67", r, "incremental_cost_per_wait_day_avoided_gbp");
        Assertions.assertEquals("site", r.getAs("bootstrap_unit"));
        Assertions.assertEquals(2L, r.<Long>getAs("bootstrap_sites"));

        long rowSeed = seed * 31 + ("2025-26 Q3|ALL|ALL").hashCode();
        Assertions.assertEquals(rowSeed, r.<Long>getAs("bootstrap_seed"));
        RandomGenerator random = new Well19937c(rowSeed);
        int s1s1 = 0;
        int s2s2 = 0;
        for (int b = 0; b < resamples; b++) {
            int first = random.nextInt(2);
            int second = random.nextInt(2);
            s1s1 += first == 0 && second == 0 ? 1 : 0;
            s2s2 += first == 1 && second == 1 ? 1 : 0;
        }
        Assertions.assertTrue(s1s1 > 0 && s2s2 > 0, "the seed draws both pure replicates: " + s1s1 + ", " + s2s2);
        assertMoney("-10.00", r, "nmb_0");
        assertMoney("5.00", r, "nmb_10");
        assertMoney("65.00", r, "nmb_50");
        Assertions.assertEquals((double) s1s1 / resamples, r.<Double>getAs("p_cost_effective_0"), 1e-12);
        Assertions.assertEquals(1 - (double) s2s2 / resamples, r.<Double>getAs("p_cost_effective_10"), 1e-12);
        Assertions.assertEquals(1.0, r.<Double>getAs("p_cost_effective_50"), 1e-12);
        // every replicate is faster; only S1S1 is cheaper
        Assertions.assertEquals((double) s1s1 / resamples, r.<Double>getAs("p_cheaper_and_faster"), 1e-12);
        Assertions.assertEquals(1 - (double) s1s1 / resamples, r.<Double>getAs("p_dearer_and_faster"), 1e-12);
        Assertions.assertEquals(0.0, r.<Double>getAs("p_cheaper_and_slower"));
        Assertions.assertEquals(0.0, r.<Double>getAs("p_dearer_and_slower"));
        // the cost interval runs from -10 (S1S1) to +30 (S2S2): it includes zero, so no ratio interval
        assertMoney("-10.00", r, "cost_difference_ci_low");
        assertMoney("30.00", r, "cost_difference_ci_high");
        Assertions.assertNull(r.getAs("incremental_cost_per_wait_day_avoided_ci_low"));
        Assertions.assertEquals("cost difference interval includes zero: no ratio interval; see the quadrant shares"
                + " and net monetary benefit", r.getAs("ratio_note"));
        // reruns are identical
        Assertions.assertEquals(r, only(CostEffectiveness.compute(pathways, slots, seed, resamples), "ALL", "ALL", "nhs"));
    }

    /**
     * One-way sensitivity. One stratum at S1 (never live): telemedicine T1 = 30 min (30) + platform 5 = 35; in
     * person I1 offsite = 60 min (60) + escort 2 officers x 4 h x 30 + trip 100 = 340, so 400. Base public-sector
     * difference 35 - 400 = -365.00. Assumptions (source "Assumption..." in any case): escort_officer_hour and
     * telemedicine_per_consult; the clinician rate and the trip cite a published source and are not varied.
     * <pre>
     * escort_officer_hour x 0.5 = 15: escort 2*4*15 + 100 = 220, in person 280: -245.00; x 2 = 60: 580, 640: -605.00
     *   (nhs: -25.00 at every value: the escort is HMPPS's)
     * telemedicine_per_consult x 0.5 = 2.50: 32.50 - 400 = -367.50; x 2 = 10: 40 - 400 = -360.00
     * </pre>
     */
    @Test
    void oneWaySensitivityVariesEachAssumptionByMinusHalfAndDouble() {
        StructType withSource = COSTS.add("source", DataTypes.StringType);
        Dataset<Row> unit = frame(withSource,
                new Object[] {"clinician_hour.consultant", new BigDecimal("60"), date("2024-01-01"), null, "PSSRU 2024"},
                new Object[] {"escort_officer_hour", new BigDecimal("30"), date("2024-01-01"), null, "Assumption: band 3"},
                new Object[] {"escort_vehicle_trip", new BigDecimal("100"), date("2024-01-01"), null, "HSSIB 2024"},
                new Object[] {"telemedicine_per_consult", new BigDecimal("5"), date("2024-01-01"), null, "assumption"},
                new Object[] {"telemedicine_site_month", new BigDecimal("1000"), date("2024-01-01"), null, null});
        Assertions.assertEquals(List.of("escort_officer_hour", "telemedicine_per_consult"),
                CostSensitivity.assumptions(unit));
        List<Object[]> refs = new ArrayList<>();
        List<Object[]> consults = new ArrayList<>();
        pathway(refs, consults, "T1", "S1", "100", "routine", "video", 30, 10);
        refs.add(new Object[] {"I1", "S1", "100", "routine", date("2025-12-01"), "closed"});
        consults.add(new Object[] {"cI1", "I1", "S1", utc("2025-12-15T10:00:00Z"), "face_to_face_offsite", "attended", 60,
            "consultant", 2, 4.0});
        Dataset<Row> c = frame(CONSULTS, consults.toArray(Object[][]::new));
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "North", null});
        Dataset<Row> mart = CostSensitivity.compute(Pathways.build(frame(REFERRALS, refs.toArray(Object[][]::new)), c, sites),
                c, unit, sites).cache();
        Assertions.assertEquals(6, mart.count(), "2 parameters x 3 perspectives, one quarter");
        Row escort = mart.filter(col("parameter").equalTo("escort_officer_hour")
                .and(col("perspective").equalTo("public_sector"))).first();
        assertMoney("-365.00", escort, "cost_difference_gbp");
        assertMoney("-245.00", escort, "cost_difference_low_gbp");
        assertMoney("-605.00", escort, "cost_difference_high_gbp");
        Row escortNhs = mart.filter(col("parameter").equalTo("escort_officer_hour")
                .and(col("perspective").equalTo("nhs"))).first();
        assertMoney("-25.00", escortNhs, "cost_difference_low_gbp");
        assertMoney("-25.00", escortNhs, "cost_difference_high_gbp");
        Row platform = mart.filter(col("parameter").equalTo("telemedicine_per_consult")
                .and(col("perspective").equalTo("public_sector"))).first();
        assertMoney("-367.50", platform, "cost_difference_low_gbp");
        assertMoney("-360.00", platform, "cost_difference_high_gbp");
        Assertions.assertEquals("ALL", platform.getAs("site_id"));
    }
}
