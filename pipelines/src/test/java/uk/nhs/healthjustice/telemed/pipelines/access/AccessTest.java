package uk.nhs.healthjustice.telemed.pipelines.access;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * S1 (North) in March 2026: c1 video attended (A, 330); c2 telephone DNA with a technical failure (B);
 * c3 offsite cancelled_no_escort (A); c4 onsite attended (A, GIC); c5 booked (not counted); c6 video
 * cancelled_technical with a technical failure. S2 (South): c7 offsite attended at 23:30 UTC on 31 March,
 * which is 1 April in London; c8 onsite attended (D, 100) on 15 March.
 * Populations: S1 400, 450, 500 in Jan-Mar; S2 1000 in March only.
 */
class AccessTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType)
            .add("patient_key", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType)
            .add("technical_failure", DataTypes.BooleanType);

    private Dataset<Row> mart;
    private Dataset<Row> consults;
    private Dataset<Row> sites;
    private Dataset<Row> population;

    @BeforeEach
    void build() {
        consults = frame(CONSULTS,
                new Object[] {"c1", "A", "S1", "330", utc("2026-03-02T10:00:00Z"), "video", "attended", false},
                new Object[] {"c2", "B", "S1", "330", utc("2026-03-03T10:00:00Z"), "telephone", "did_not_attend", true},
                new Object[] {"c3", "A", "S1", "330", utc("2026-03-04T10:00:00Z"), "face_to_face_offsite",
                        "cancelled_no_escort", false},
                new Object[] {"c4", "A", "S1", "GIC", utc("2026-03-05T10:00:00Z"), "face_to_face_onsite", "attended", false},
                new Object[] {"c5", "A", "S1", "330", utc("2026-03-06T10:00:00Z"), "face_to_face_onsite", "booked", false},
                new Object[] {"c6", "B", "S1", "330", utc("2026-03-07T10:00:00Z"), "video", "cancelled_technical", true},
                new Object[] {"c7", "C", "S2", "330", utc("2026-03-31T23:30:00Z"), "face_to_face_offsite", "attended", false},
                new Object[] {"c8", "D", "S2", "100", utc("2026-03-15T10:00:00Z"), "face_to_face_onsite", "attended", false});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"}, new Object[] {"S2", "South"});
        population = frame(new StructType().add("site_id", DataTypes.StringType)
                        .add("month", DataTypes.DateType).add("average_population", DataTypes.IntegerType),
                new Object[] {"S1", date("2026-01-01"), 400}, new Object[] {"S1", date("2026-02-01"), 450},
                new Object[] {"S1", date("2026-03-01"), 500}, new Object[] {"S2", date("2026-03-01"), 1000});
        mart = Access.compute(consults, sites, Population.byPeriod(population, sites)).cache();
    }

    private Row row(String type, String label, String region, String site, String modality) {
        List<Row> rows = mart.filter(col("period_type").equalTo(type).and(col("period_label").equalTo(label))
                .and(col("region").equalTo(region)).and(col("site_id").equalTo(site))
                .and(col("modality_group").equalTo(modality))).collectAsList();
        assertEquals(1, rows.size(), type + label + region + site + modality);
        return rows.get(0);
    }

    @Test
    void siteMonthAllModalities() {
        Row r = row("month", "2026-03", "North", "S1", "ALL");
        assertEquals(500.0, r.<Double>getAs("average_population"), 1e-9);
        assertEquals(5L, r.<Long>getAs("consults_due"));
        assertEquals(2L, r.<Long>getAs("attended"));
        assertEquals(1L, r.<Long>getAs("did_not_attend"));
        assertEquals(1L, r.<Long>getAs("cancelled_no_escort"));
        assertEquals(1L, r.<Long>getAs("cancelled_other"));
        assertEquals(4.0, r.<Double>getAs("attended_per_1000"), 1e-9);
        assertEquals(1.0 / 3, r.<Double>getAs("dna_rate"), 1e-9);
        assertEquals(0.5, r.<Double>getAs("telemedicine_share"), 1e-9);
        assertEquals(1L, r.<Long>getAs("patients_seen"));
        assertEquals(2L, r.<Long>getAs("specialties_attended"));
        assertEquals(1L, r.<Long>getAs("gic_attended"));
        assertEquals(2.0 / 3, r.<Double>getAs("technical_failure_rate"), 1e-9);
    }

    @Test
    void siteMonthByModality() {
        Row tele = row("month", "2026-03", "North", "S1", "telemedicine");
        assertEquals(500.0, tele.<Double>getAs("average_population"), 1e-9);
        assertEquals(3L, tele.<Long>getAs("consults_due"));
        assertEquals(1L, tele.<Long>getAs("attended"));
        assertEquals(2.0, tele.<Double>getAs("attended_per_1000"), 1e-9);
        assertEquals(0.5, tele.<Double>getAs("dna_rate"), 1e-9);
        assertNull(tele.getAs("telemedicine_share"));
        Row inPerson = row("month", "2026-03", "North", "S1", "in_person");
        assertEquals(2L, inPerson.<Long>getAs("consults_due"));
        assertEquals(1L, inPerson.<Long>getAs("cancelled_no_escort"));
        assertNull(inPerson.getAs("technical_failure_rate"));
    }

    @Test
    void nationalRowsSumPopulationsAndUseLondonDates() {
        Row march = row("month", "2026-03", "ALL", "ALL", "ALL");
        assertEquals(1500.0, march.<Double>getAs("average_population"), 1e-9);
        assertEquals(6L, march.<Long>getAs("consults_due"));
        assertEquals(3L, march.<Long>getAs("attended"));
        assertEquals(2.0, march.<Double>getAs("attended_per_1000"), 1e-9);
        assertEquals(2L, march.<Long>getAs("patients_seen"));
        assertEquals(3L, march.<Long>getAs("specialties_attended"));

        Row april = row("month", "2026-04", "ALL", "ALL", "ALL");
        assertEquals(1L, april.<Long>getAs("attended"));
        assertNull(april.getAs("average_population"));
        assertNull(april.getAs("attended_per_1000"));

        // quarter population is the mean of the monthly figures per site, summed over sites: 450 + 1000
        Row q4 = row("quarter", "2025-26 Q4", "ALL", "ALL", "ALL");
        assertEquals(1450.0, q4.<Double>getAs("average_population"), 1e-9);
        assertEquals(1000.0, row("quarter", "2025-26 Q4", "South", "ALL", "ALL").<Double>getAs("average_population"), 1e-9);
    }

    /**
     * Security cancellations (the establishment stopped the appointment) are their own column, not among
     * {@code cancelled_other}: add c9, an on-site consult at S2 on 20 March cancelled for security. S2's March
     * then has c8 (attended) and c9 due; S1 keeps c6 (cancelled_technical) as its one other cancellation.
     */
    @Test
    void securityCancellationsAreSplitFromTheOtherReasons() {
        Dataset<Row> withSecurity = consults.union(frame(CONSULTS, new Object[] {"c9", "E", "S2", "100",
                utc("2026-03-20T10:00:00Z"), "face_to_face_onsite", "cancelled_security", false}));
        mart = Access.compute(withSecurity, sites, Population.byPeriod(population, sites));
        Row s2 = row("month", "2026-03", "South", "S2", "ALL");
        assertEquals(2L, s2.<Long>getAs("consults_due"));
        assertEquals(1L, s2.<Long>getAs("cancelled_security"));
        assertEquals(0L, s2.<Long>getAs("cancelled_other"));
        Row s1 = row("month", "2026-03", "North", "S1", "ALL");
        assertEquals(0L, s1.<Long>getAs("cancelled_security"));
        assertEquals(1L, s1.<Long>getAs("cancelled_other"));
        Row national = row("quarter", "2025-26 Q4", "ALL", "ALL", "ALL");
        assertEquals(1L, national.<Long>getAs("cancelled_security"));
        assertEquals(1L, national.<Long>getAs("cancelled_other"));
        assertEquals(1L, national.<Long>getAs("cancelled_no_escort"));
    }

    /**
     * A window from 2026-27 Q1 holds only c7 (23:30 UTC on 31 March is 1 April in London): the same rows as the
     * full mart for April and the quarter, and nothing earlier.
     */
    @Test
    void aWindowFromAQuarterCountsByLondonDate() {
        Dataset<Row> window = Access.compute(consults, sites, Population.byPeriod(population, sites),
                java.time.LocalDate.parse("2026-04-01"));
        assertSameRows(mart.filter(col("period_start").geq(date("2026-04-01"))), window);
        assertEquals(0, window.filter(col("period_start").lt(date("2026-04-01"))).count());
        assertEquals(1L, window.filter(col("period_label").equalTo("2026-04").and(col("site_id").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL"))).first().<Long>getAs("attended"));
    }
}
