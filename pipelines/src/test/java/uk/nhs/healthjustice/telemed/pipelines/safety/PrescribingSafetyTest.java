package uk.nhs.healthjustice.telemed.pipelines.safety;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.publication.DisclosureControl;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.DisclosureChecks;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * A worked example. S1 (North) and S2 (South); March 2026 is in 2025-26 Q4, April in 2026-27 Q1.
 *
 * <pre>
 * consults                                              prescriptions (issued)
 *  c1 S1 video     attended  says issued   2 Mar         p1 c1   2 Mar  high-risk  in_possession
 *  c2 S1 telephone attended  says issued   3 Mar  none   p7 c1   2 Mar             in_possession
 *  c3 S1 onsite    attended  says none     4 Mar         p3 c3   5 Mar  controlled supervised   (c3 said none)
 *  c4 S1 offsite   attended  says issued   5 Mar         p4 c4   6 Mar  high-risk  supervised
 *  c5 S1 video     did_not_attend          6 Mar         p5 -   10 Mar             in_possession (no consult)
 *  c6 S2 video     attended  says none  31 Mar 23:30Z    p6 c999 31 Mar 23:30Z = 1 Apr London, high-risk,
 *     = 1 April in London                                   not_supplied (unknown consult: no_consult)
 *
 * incidents
 *  i1 on p1, occurred 15 April, moderate  -> March (p1's period), telemedicine, high-risk
 *  i2 on p4, 20 Mar, no_harm              -> March, in_person, high-risk
 *  i5 on p5, 12 Mar, low                  -> March, no_consult
 *  i3 no prescription, S1, 25 Mar, severe -> unlinked, S1 March, ALL row only
 *  i4 on p404 (unknown), S2, 31 Mar 23:30Z = 1 Apr London -> unlinked, S2 April
 * </pre>
 *
 * S1 March: telemedicine 2 attended (c1, c2), 2 prescriptions (p1, p7), 1 high-risk (share 0.5), 2 in
 * possession (1.0), 1 incident (i1: 500 per 1,000; moderate; on high-risk: 1 per 1 high-risk = 1000), mismatch 1
 * (c2 promised a prescription none names). In person: 2 attended (c3, c4), 2 prescriptions (p3, p4), 1
 * controlled, 1 high-risk (0.5), none in possession (0.0), 1 incident (i2: 500; on high-risk: 1000), mismatch 1
 * (p3, whose consult said none). No consult: attended null, 1 prescription (p5), no high-risk (0.0), 1 in
 * possession (1.0), 1 incident (i5: 1000 per 1,000; per high-risk null: 0 high-risk). ALL: 4 attended (c5 did
 * not attend), 5 prescriptions (125 per 100 attended), 1 controlled, 2 high-risk (0.4), 3 in possession (0.6), 3
 * incidents (600), 1 moderate or worse, 2 on high-risk (1000), 1 unlinked (i3), 2 mismatches.
 */
class PrescribingSafetyTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType)
            .add("patient_key", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType)
            .add("prescription_issued", DataTypes.BooleanType);

    static final StructType PRESCRIPTIONS = new StructType()
            .add("prescription_id", DataTypes.StringType)
            .add("consult_id", DataTypes.StringType)
            .add("patient_key", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("issued_at", DataTypes.TimestampType)
            .add("bnf_chapter", DataTypes.StringType)
            .add("controlled_drug", DataTypes.BooleanType)
            .add("high_risk", DataTypes.BooleanType)
            .add("supply", DataTypes.StringType);

    static final StructType INCIDENTS = new StructType()
            .add("incident_id", DataTypes.StringType)
            .add("prescription_id", DataTypes.StringType)
            .add("patient_key", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("occurred_at", DataTypes.TimestampType)
            .add("category", DataTypes.StringType)
            .add("harm", DataTypes.StringType);

    private Dataset<Row> consults;
    private Dataset<Row> prescriptions;
    private Dataset<Row> incidents;
    private Dataset<Row> sites;
    private Dataset<Row> mart;

    @BeforeEach
    void build() {
        consults = frame(CONSULTS,
                new Object[] {"c1", "A", "S1", utc("2026-03-02T10:00:00Z"), "video", "attended", true},
                new Object[] {"c2", "B", "S1", utc("2026-03-03T10:00:00Z"), "telephone", "attended", true},
                new Object[] {"c3", "A", "S1", utc("2026-03-04T10:00:00Z"), "face_to_face_onsite", "attended", false},
                new Object[] {"c4", "C", "S1", utc("2026-03-05T10:00:00Z"), "face_to_face_offsite", "attended", true},
                new Object[] {"c5", "D", "S1", utc("2026-03-06T10:00:00Z"), "video", "did_not_attend", false},
                new Object[] {"c6", "E", "S2", utc("2026-03-31T23:30:00Z"), "video", "attended", false});
        prescriptions = frame(PRESCRIPTIONS,
                new Object[] {"p1", "c1", "A", "S1", utc("2026-03-02T10:30:00Z"), "02", false, true, "in_possession"},
                new Object[] {"p7", "c1", "A", "S1", utc("2026-03-02T10:31:00Z"), "04", false, false, "in_possession"},
                new Object[] {"p3", "c3", "A", "S1", utc("2026-03-05T09:00:00Z"), "04", true, false, "supervised"},
                new Object[] {"p4", "c4", "C", "S1", utc("2026-03-06T09:00:00Z"), "06", false, true, "supervised"},
                new Object[] {"p5", null, "D", "S1", utc("2026-03-10T09:00:00Z"), "01", false, false, "in_possession"},
                new Object[] {"p6", "c999", "E", "S2", utc("2026-03-31T23:30:00Z"), "06", false, true, "not_supplied"});
        incidents = frame(INCIDENTS,
                new Object[] {"i1", "p1", "A", "S1", utc("2026-04-15T12:00:00Z"), "monitoring_missed", "moderate"},
                new Object[] {"i2", "p4", "C", "S1", utc("2026-03-20T12:00:00Z"), "wrong_dose", "no_harm"},
                new Object[] {"i5", "p5", "D", "S1", utc("2026-03-12T12:00:00Z"), "omitted_or_delayed", "low"},
                new Object[] {"i3", null, "F", "S1", utc("2026-03-25T12:00:00Z"), "wrong_drug", "severe"},
                new Object[] {"i4", "p404", "E", "S2", utc("2026-03-31T23:30:00Z"), "diversion", "no_harm"});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"}, new Object[] {"S2", "South"});
        mart = PrescribingSafety.compute(prescriptions, incidents, consults, sites).cache();
    }

    /** The columns of a row after the keys, in the mart's order. */
    private static final List<String> VALUES = List.of("consults_attended", "prescriptions",
            "prescriptions_per_100_attended", "controlled_drug_prescriptions", "high_risk_prescriptions",
            "high_risk_share", "in_possession_prescriptions", "in_possession_share", "incidents",
            "incidents_per_1000_prescriptions", "incidents_moderate_or_worse", "incidents_high_risk",
            "incidents_per_1000_high_risk", "unlinked_incidents", "prescription_issued_mismatch");

    private static Row one(Dataset<Row> mart, String type, String start, String region, String site, String group) {
        List<Row> rows = mart.filter(col("period_type").equalTo(type)
                        .and(col("period_start").equalTo(lit(java.sql.Date.valueOf(start))))
                        .and(col("region").equalTo(region)).and(col("site_id").equalTo(site))
                        .and(col("modality_group").equalTo(group)))
                .select(VALUES.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList();
        assertEquals(1, rows.size(), type + " " + start + " " + region + " " + site + " " + group);
        return rows.get(0);
    }

    private static void assertValues(Row got, Object... expected) {
        assertEquals(VALUES.size(), expected.length);
        for (int i = 0; i < expected.length; i++) {
            Object e = expected[i];
            Object g = got.get(i);
            if (e instanceof Double d) {
                assertEquals(d, (Double) g, 1e-9, VALUES.get(i));
            } else if (e instanceof Integer n) {
                assertEquals(Long.valueOf(n), g, VALUES.get(i));
            } else {
                assertEquals(e, g, VALUES.get(i));
            }
        }
    }

    @Test
    void schemaIsTheDeclaredOne() {
        assertSameTypes(mart);
    }

    @Test
    void siteRowsOfMarchByModality() {
        //          attended rx per100 ctrl hr  share inPos share inc per1000 mow incHr perHr unlinked mismatch
        assertValues(one(mart, "month", "2026-03-01", "North", "S1", "telemedicine"),
                2, 2, 100.0, 0, 1, 0.5, 2, 1.0, 1, 500.0, 1, 1, 1000.0, null, 1);
        assertValues(one(mart, "month", "2026-03-01", "North", "S1", "in_person"),
                2, 2, 100.0, 1, 1, 0.5, 0, 0.0, 1, 500.0, 0, 1, 1000.0, null, 1);
        assertValues(one(mart, "month", "2026-03-01", "North", "S1", "no_consult"),
                null, 1, null, 0, 0, 0.0, 1, 1.0, 1, 1000.0, 0, 0, null, null, 0);
        assertValues(one(mart, "month", "2026-03-01", "North", "S1", "ALL"),
                4, 5, 125.0, 1, 2, 0.4, 3, 0.6, 3, 600.0, 1, 2, 1000.0, 1, 2);
    }

    /** The consult that said a prescription was issued (c2) and has none is the telemedicine mismatch. */
    @Test
    void aConsultThatPromisesAPrescriptionNoneNamesIsAMismatch() {
        Dataset<Row> onlyC2 = consults.filter(col("consult_id").equalTo("c2"));
        Dataset<Row> none = prescriptions.filter(lit(false));
        Dataset<Row> m = PrescribingSafety.compute(none, incidents.filter(lit(false)), onlyC2, sites);
        // 1 attended, no prescription: 0 per 100, shares null (no prescriptions), one mismatch
        assertValues(one(m, "month", "2026-03-01", "North", "S1", "telemedicine"),
                1, 0, 0.0, 0, 0, null, 0, null, 0, null, 0, 0, null, null, 1);
        // once p8 names c2, the mismatch is gone
        Dataset<Row> p8 = frame(PRESCRIPTIONS,
                new Object[] {"p8", "c2", "B", "S1", utc("2026-03-03T10:20:00Z"), "04", false, false, "supervised"});
        Dataset<Row> fixed = PrescribingSafety.compute(p8, incidents.filter(lit(false)), onlyC2, sites);
        assertEquals(0L, one(fixed, "month", "2026-03-01", "North", "S1", "telemedicine").getLong(14));
    }

    /** i1 occurred on 15 April but p1 was issued in March: the incident is March's; April has none of S1's. */
    @Test
    void anIncidentBelongsToItsPrescriptionsPeriod() {
        assertEquals(0, mart.filter(col("period_start").equalTo(lit(java.sql.Date.valueOf("2026-04-01")))
                .and(col("site_id").equalTo("S1"))).count());
        assertValues(one(mart, "quarter", "2026-01-01", "North", "S1", "telemedicine"),
                2, 2, 100.0, 0, 1, 0.5, 2, 1.0, 1, 500.0, 1, 1, 1000.0, null, 1);
    }

    /**
     * p6 names a consult (c999) that is not curated, and p5 names none: both are {@code no_consult}. S2 April
     * (London): c6 attended by video with no prescription; p6 high-risk not supplied, no incident; i4 unlinked.
     */
    @Test
    void aPrescriptionOutsideAnyConsultIsNoConsult() {
        assertValues(one(mart, "month", "2026-04-01", "South", "S2", "no_consult"),
                null, 1, null, 0, 1, 1.0, 0, 0.0, 0, 0.0, 0, 0, 0.0, null, 0);
        assertValues(one(mart, "month", "2026-04-01", "South", "S2", "telemedicine"),
                1, 0, 0.0, 0, 0, null, 0, null, 0, null, 0, 0, null, null, 0);
        assertValues(one(mart, "month", "2026-04-01", "South", "S2", "ALL"),
                1, 1, 100.0, 0, 1, 1.0, 0, 0.0, 0, 0.0, 0, 0, 0.0, 1, 0);
        assertEquals(0, mart.filter(col("modality_group").equalTo("in_person")
                .and(col("site_id").equalTo("S2"))).count());
    }

    /** Region and nation add their sites; in March only S1 has any activity, in April only S2. */
    @Test
    void rollupsAddTheSites() {
        Row site = one(mart, "month", "2026-03-01", "North", "S1", "ALL");
        assertEquals(site, one(mart, "month", "2026-03-01", "North", "ALL", "ALL"));
        assertEquals(site, one(mart, "month", "2026-03-01", "ALL", "ALL", "ALL"));
        assertEquals(site, one(mart, "quarter", "2026-01-01", "ALL", "ALL", "ALL"));
        assertEquals(one(mart, "month", "2026-04-01", "South", "S2", "no_consult"),
                one(mart, "quarter", "2026-04-01", "ALL", "ALL", "no_consult"));
        // keys: (month, quarter) x March {S1, North, ALL} x 4 groups + April {S2, South, ALL} x 3 groups
        assertEquals(2 * (3 * 4 + 3 * 3), mart.count());
        assertEquals(0, mart.filter(col("unlinked_incidents").isNotNull()
                .and(col("modality_group").notEqual("ALL"))).count());
    }

    @Test
    void withoutPrescriptionsTheMartIsEmptyWithItsSchema() {
        Dataset<Row> empty = PrescribingSafety.compute(null, incidents, consults, sites);
        assertSameTypes(empty);
        assertEquals(0, empty.count());
    }

    /** No incidents log: incident columns are unknown (null), not zero; the rest is unchanged. */
    @Test
    void withoutIncidentsTheIncidentColumnsAreNull() {
        Dataset<Row> m = PrescribingSafety.compute(prescriptions, null, consults, sites);
        assertSameTypes(m);
        assertValues(one(m, "month", "2026-03-01", "North", "S1", "ALL"),
                4, 5, 125.0, 1, 2, 0.4, 3, 0.6, null, null, null, null, null, null, 2);
    }

    /** From 2026-27 Q1 on: only April's rows, the same as in the full computation; i1 stays with March. */
    @Test
    void fromAQuarterOnTheRowsAreThoseOfTheFullComputation() {
        Dataset<Row> from = PrescribingSafety.compute(prescriptions, incidents, consults, sites,
                LocalDate.parse("2026-04-01"));
        Dataset<Row> expected = mart.filter(col("period_start").geq(lit(java.sql.Date.valueOf("2026-04-01"))));
        // April: 3 groups x 3 levels, as a month and as 2026-27 Q1
        assertEquals(18, from.count());
        assertSameRows(expected, from);
    }

    /**
     * Every column is declared in {@code PublishedTables.PRESCRIBING_SAFETY}, so the mart can be published:
     * national rows unchanged. S1's March telemedicine row (2 attended, 2 prescriptions, 1 incident) would lose
     * every count and so every rate; but its line's national totals are 1 to 7 and every row of the line below
     * national is in S1's region, so those rows would say where the national counts are: the line is published
     * nationally only ({@code SmallNationalTotals}).
     */
    @Test
    void publishedUnderTheDeclaredClasses() {
        assertEquals(PublishedTables.PRESCRIBING_SAFETY.names(), List.of(mart.columns()));
        Dataset<Row> published = DisclosureControl.apply(mart, PublishedTables.PRESCRIBING_SAFETY).cache();
        DisclosureChecks.assertNoDisclosiveCells(published, PublishedTables.PRESCRIBING_SAFETY);
        Row national = published.filter(col("period_type").equalTo("month").and(col("region").equalTo("ALL"))
                .and(col("period_start").equalTo(lit(java.sql.Date.valueOf("2026-03-01"))))
                .and(col("modality_group").equalTo("ALL"))).first();
        assertEquals(5L, national.<Long>getAs("prescriptions"));
        assertEquals(600.0, national.<Double>getAs("incidents_per_1000_prescriptions"), 1e-9);
        Column marchTelemedicine = col("period_type").equalTo("month")
                .and(col("period_start").equalTo(lit(java.sql.Date.valueOf("2026-03-01"))))
                .and(col("modality_group").equalTo("telemedicine"));
        assertEquals(1, mart.filter(marchTelemedicine.and(col("site_id").equalTo("S1"))).count());
        assertEquals(List.of("ALL/ALL"), published.filter(marchTelemedicine)
                .select(org.apache.spark.sql.functions.concat_ws("/", col("region"), col("site_id")))
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    /** The declared columns and types, in order (nullability is not part of the contract). */
    private static void assertSameTypes(Dataset<Row> got) {
        assertEquals(java.util.Arrays.stream(PrescribingSafety.SCHEMA.fields()).map(f -> f.name() + " " + f.dataType()).toList(),
                java.util.Arrays.stream(got.schema().fields()).map(f -> f.name() + " " + f.dataType()).toList());
    }
}
