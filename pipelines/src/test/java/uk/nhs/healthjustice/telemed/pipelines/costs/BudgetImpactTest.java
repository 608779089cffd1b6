package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.col;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostEffectivenessTest.SITES;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.CONSULTS;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.COSTS;
import static uk.nhs.healthjustice.telemed.pipelines.costs.CostsTest.assertMoney;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * {@code marts/budget_impact}, worked by hand. Unit costs: consultant GBP 60 an hour (a consult's minutes are its
 * clinician pounds), escort officer-hour 30, vehicle trip 100, platform 5 per attended remote consult, site month
 * 1000; no rate for psychologists. S1 (North) goes live on 1 February 2025, mid financial year 2024-25; S2 (South)
 * on 1 January 2025 with no consult before; S3 (South) never.
 * <pre>
 * before go-live (all specialty 100):
 *   a1 S1 offsite attended 10 Jan 2025, 60 min, 2 officers x 4 h: nhs 60, hmpps 2*4*30 + 100 = 340
 *   a2 S1 onsite attended 12 Jan, 30 min:                          nhs 30, hmpps 0
 *   a3 S1 offsite did_not_attend 14 Jan, 30 min, 2 x 2 h deployed:  nhs 30, hmpps 2*2*30 + 100 = 220
 *   g1 S3 onsite attended 15 Jan, 60 min (never live: national pool only): nhs 60, hmpps 0
 *   S1 specialty 100: n 3, nhs 120, hmpps 560.  National: n 4, nhs 180, hmpps 560.
 * S1, 2024-25 (February-March 2025):
 *   b1 video attended 20 Feb, 30 min: 30 + 5 + February's 1000 over 1 attendance = 1035, hmpps 0
 *   b2 offsite attended 10 Mar, 60 min, 2 x 4 h: nhs 60, hmpps 340
 *   b3 video 15 Mar and b4 telephone 20 Mar, 30 min each: 30 + 5 + 1000/2 = 535 each
 *   as delivered: nhs 1035 + 60 + 535 + 535 = 2165.00, hmpps 340.00, public 2505.00
 *   at the pre-go-live mix: nhs 4 x 120 / 3 = 160.00, hmpps 4 x 560 / 3 = 746.666.. = 746.67, public 906.67
 *   impact: nhs +2005.00, hmpps -406.67, public +1598.33 (per consult 1598.33 / 4 = 399.58)
 * S1, 2025-26:
 *   c1 video attended 10 Apr 2025, 60 min: 60 + 5 + April's 1000 = 1065, hmpps 0
 *   c2 onsite attended 11 Apr, psychologist: no unit cost -> left out, counted
 *   at the mix: nhs 120 / 3 = 40.00, hmpps 560 / 3 = 186.67; impact nhs 1025.00, hmpps -186.67, public 838.33
 * S2, 2024-25 (no consult before go-live: the national means):
 *   d1 telephone attended 5 Mar 2025, 30 min: 30 + 5 + 1000 = 1035, hmpps 0
 *   e1 onsite attended 6 Mar, specialty GIC: no pre-go-live GIC consult anywhere -> no baseline, left out
 *   at the mix: nhs 1 x 180 / 4 = 45.00, hmpps 560 / 4 = 140.00; impact nhs 990.00, hmpps -140.00, public 850.00
 * National 2024-25 = S1 + S2: delivered nhs 3200.00, hmpps 340.00; mix nhs 205.00, hmpps 886.67;
 *   impact nhs 2995.00, hmpps -546.67, public 2448.33 over 5 consults.
 * </pre>
 */
class BudgetImpactTest extends SparkTestBase {

    private static final StructType WITH_SPECIALTY = CONSULTS.add("specialty_code", DataTypes.StringType);

    private static Object[] consult(String id, String site, String at, String modality, String outcome, Integer minutes,
                                    String role, Integer officers, Double hours, String specialty) {
        return new Object[] {id, null, site, utc(at + "T10:00:00Z"), modality, outcome, minutes, role, officers, hours,
            specialty};
    }

    private Dataset<Row> mart() {
        Dataset<Row> consults = frame(WITH_SPECIALTY,
                consult("a1", "S1", "2025-01-10", "face_to_face_offsite", "attended", 60, "consultant", 2, 4.0, "100"),
                consult("a2", "S1", "2025-01-12", "face_to_face_onsite", "attended", 30, "consultant", null, null, "100"),
                consult("a3", "S1", "2025-01-14", "face_to_face_offsite", "did_not_attend", 30, "consultant", 2, 2.0, "100"),
                consult("g1", "S3", "2025-01-15", "face_to_face_onsite", "attended", 60, "consultant", null, null, "100"),
                consult("b1", "S1", "2025-02-20", "video", "attended", 30, "consultant", null, null, "100"),
                consult("b2", "S1", "2025-03-10", "face_to_face_offsite", "attended", 60, "consultant", 2, 4.0, "100"),
                consult("b3", "S1", "2025-03-15", "video", "attended", 30, "consultant", null, null, "100"),
                consult("b4", "S1", "2025-03-20", "telephone", "attended", 30, "consultant", null, null, "100"),
                consult("c1", "S1", "2025-04-10", "video", "attended", 60, "consultant", null, null, "100"),
                consult("c2", "S1", "2025-04-11", "face_to_face_onsite", "attended", 30, "psychologist", null, null, "100"),
                consult("d1", "S2", "2025-03-05", "telephone", "attended", 30, "consultant", null, null, "100"),
                consult("e1", "S2", "2025-03-06", "face_to_face_onsite", "attended", 30, "consultant", null, null, "GIC"));
        Dataset<Row> costs = frame(COSTS,
                new Object[] {"clinician_hour.consultant", new BigDecimal("60"), date("2024-01-01"), null},
                new Object[] {"escort_officer_hour", new BigDecimal("30"), date("2024-01-01"), null},
                new Object[] {"escort_vehicle_trip", new BigDecimal("100"), date("2024-01-01"), null},
                new Object[] {"telemedicine_per_consult", new BigDecimal("5"), date("2024-01-01"), null},
                new Object[] {"telemedicine_site_month", new BigDecimal("1000"), date("2024-01-01"), null});
        Dataset<Row> sites = frame(SITES, new Object[] {"S1", "North", date("2025-02-01")},
                new Object[] {"S2", "South", date("2025-01-01")}, new Object[] {"S3", "South", null});
        return BudgetImpact.compute(consults, costs, sites);
    }

    private static Row row(List<Row> mart, String label, String region, String site, String perspective) {
        List<Row> rows = mart.stream().filter(r -> r.getAs("period_label").equals(label)
                && r.getAs("region").equals(region) && r.getAs("site_id").equals(site)
                && r.getAs("perspective").equals(perspective)).toList();
        Assertions.assertEquals(1, rows.size(), label + region + site + perspective);
        return rows.get(0);
    }

    private static void assertRow(Row r, long consults, String delivered, String mix, String impact) {
        Assertions.assertEquals(consults, r.<Long>getAs("consults"));
        assertMoney(delivered, r, "cost_as_delivered_gbp");
        assertMoney(mix, r, "cost_at_pre_go_live_mix_gbp");
        assertMoney(impact, r, "budget_impact_gbp");
    }

    @Test
    void deliveredAgainstThePreGoLiveMixPerSiteFinancialYearAndPerspective() {
        Dataset<Row> ds = mart();
        List<Row> mart = ds.collectAsList();
        // S1 2024-25, 2025-26; S2 2024-25; North 2024-25, 2025-26; South 2024-25; national 2024-25, 2025-26:
        // 8 x 3 perspectives. S3, never live, has none.
        Assertions.assertEquals(24, mart.size());
        Assertions.assertTrue(mart.stream().noneMatch(r -> r.getAs("site_id").equals("S3")));

        Row s1 = row(mart, "2024-25", "North", "S1", "public_sector");
        Assertions.assertEquals("financial_year", s1.getAs("period_type"));
        Assertions.assertEquals(date("2024-04-01"), s1.getAs("period_start"));
        assertRow(s1, 4, "2505.00", "906.67", "1598.33");
        assertMoney("399.58", s1, "budget_impact_per_consult_gbp");
        Assertions.assertEquals(0L, s1.<Long>getAs("consults_at_national_mix"));
        assertRow(row(mart, "2024-25", "North", "S1", "nhs"), 4, "2165.00", "160.00", "2005.00");
        assertRow(row(mart, "2024-25", "North", "S1", "hmpps"), 4, "340.00", "746.67", "-406.67");

        Row s1Next = row(mart, "2025-26", "North", "S1", "public_sector");
        assertRow(s1Next, 1, "1065.00", "226.67", "838.33");
        Assertions.assertEquals(1L, s1Next.<Long>getAs("consults_without_unit_cost"));
        assertRow(row(mart, "2025-26", "North", "S1", "nhs"), 1, "1065.00", "40.00", "1025.00");
        assertRow(row(mart, "2025-26", "North", "S1", "hmpps"), 1, "0.00", "186.67", "-186.67");

        Row s2 = row(mart, "2024-25", "South", "S2", "public_sector");
        assertRow(s2, 1, "1035.00", "185.00", "850.00");
        Assertions.assertEquals(1L, s2.<Long>getAs("consults_at_national_mix"));
        Assertions.assertEquals(1L, s2.<Long>getAs("consults_without_baseline"));
        assertRow(row(mart, "2024-25", "South", "S2", "hmpps"), 1, "0.00", "140.00", "-140.00");
        assertRow(row(mart, "2024-25", "South", "ALL", "nhs"), 1, "1035.00", "45.00", "990.00");

        assertRow(row(mart, "2024-25", "ALL", "ALL", "nhs"), 5, "3200.00", "205.00", "2995.00");
        assertRow(row(mart, "2024-25", "ALL", "ALL", "hmpps"), 5, "340.00", "886.67", "-546.67");
        assertRow(row(mart, "2024-25", "ALL", "ALL", "public_sector"), 5, "3540.00", "1091.67", "2448.33");

        // the declared schema, and reruns give the same rows
        StructType declared = PublishedTables.BUDGET_IMPACT.schema();
        Assertions.assertEquals(List.of(declared.fieldNames()), List.of(ds.schema().fieldNames()));
        Assertions.assertEquals(List.of(BudgetImpact.SCHEMA.fieldNames()), List.of(ds.schema().fieldNames()));
        for (StructField field : declared.fields()) {
            Assertions.assertEquals(field.dataType(), ds.schema().apply(field.name()).dataType(), field.name());
        }
        assertSameRows(ds, mart());
    }
}
