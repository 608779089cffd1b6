package uk.nhs.healthjustice.telemed.pipelines.equity;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
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
 * Sites S1 and S2 in North, S3 in South. Patients (curated records):
 * <pre>
 *   A  70+    male    gid false  white  disability true
 *   B  30-39  male    gid null   black  disability false
 *   C  30-39  female  gid true   null   disability null
 *   D  no record: unknown in every dimension
 *   E  a record, never seen: no rows
 * </pre>
 * Consults (patient, site, specialty, start, modality, outcome, referral):
 * <pre>
 *   c1  A S1 330 2026-01-10 video     attended     R1
 *   c2  A S3 330 2026-02-10 onsite    attended     -     (A is seen in both regions)
 *   c3  B S1 GIC 2026-02-11 video     attended     R2
 *   c4  B S1 330 2026-02-12 telephone DNA          R2
 *   c5  C S2 GIC 2026-03-01 offsite   attended     R3
 *   c6  D S3 100 2026-03-02 telephone attended     R4
 *   c7  D S3 100 2026-03-03 video     booked       -     (not counted)
 *   c8  C S2 330 2026-03-04 video     cancelled_no_escort R3 (not counted)
 *   c9  A S1 330 2026-03-31T23:30Z video attended  R5    (1 April in London: 2026-27 Q1)
 *   c10 D S3 100 2026-03-20 onsite    DNA          -
 *   c11 B S1 330 2026-02-20 video     attended     R6    (R6 cancelled: a consult, no pathway)
 * </pre>
 * Pathways (referral date, first attendance, wait): R1 A North 2025-12-01 -> 01-10 = 40 days; R2 B North
 * 2026-01-01 -> 02-11 = 41; R3 C North 2026-02-01 -> 03-01 = 28; R4 D South 2026-02-20 -> 03-02 = 10 (2026
 * is no leap year); R5 A North 2026-03-01 -> 04-01 = 31 (2026-27 Q1); R6 cancelled, no pathway.
 *
 * <p>2025-26 Q4 nationally, everyone: attended c1 c2 c3 c5 c6 c11 = 6, telemedicine c1 c3 c6 c11 = 4 (share
 * 2/3), DNA c4 c10 = 2 (dna_rate 2/8), GIC c3 c5 = 2, patients A B C D = 4; waits 10 28 40 41: median is rank
 * ceil(4/2) = 2, 28 days. These are the national values every ratio of the quarter divides by.
 */
class EquityTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType)
            .add("referral_id", DataTypes.StringType)
            .add("patient_key", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType);

    static final StructType REFERRALS = new StructType()
            .add("referral_id", DataTypes.StringType)
            .add("patient_key", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("referral_date", DataTypes.DateType)
            .add("status", DataTypes.StringType);

    static final StructType PATIENTS = new StructType()
            .add("patient_key", DataTypes.StringType)
            .add("age_band", DataTypes.StringType)
            .add("sex", DataTypes.StringType)
            .add("gender_identity_differs", DataTypes.BooleanType)
            .add("ethnic_group", DataTypes.StringType)
            .add("disability", DataTypes.BooleanType)
            .add("record_updated_at", DataTypes.TimestampType);

    private static final double NATIONAL_SHARE = 4.0 / 6;
    private static final double NATIONAL_MEDIAN = 28;

    private Dataset<Row> consults;
    private Dataset<Row> pathways;
    private Dataset<Row> sites;
    private Dataset<Row> mart;

    @BeforeEach
    void build() {
        consults = frame(CONSULTS,
                new Object[] {"c1", "R1", "A", "S1", "330", utc("2026-01-10T10:00:00Z"), "video", "attended"},
                new Object[] {"c2", null, "A", "S3", "330", utc("2026-02-10T10:00:00Z"), "face_to_face_onsite", "attended"},
                new Object[] {"c3", "R2", "B", "S1", "GIC", utc("2026-02-11T10:00:00Z"), "video", "attended"},
                new Object[] {"c4", "R2", "B", "S1", "330", utc("2026-02-12T10:00:00Z"), "telephone", "did_not_attend"},
                new Object[] {"c5", "R3", "C", "S2", "GIC", utc("2026-03-01T10:00:00Z"), "face_to_face_offsite", "attended"},
                new Object[] {"c6", "R4", "D", "S3", "100", utc("2026-03-02T10:00:00Z"), "telephone", "attended"},
                new Object[] {"c7", null, "D", "S3", "100", utc("2026-03-03T10:00:00Z"), "video", "booked"},
                new Object[] {"c8", "R3", "C", "S2", "330", utc("2026-03-04T10:00:00Z"), "video", "cancelled_no_escort"},
                new Object[] {"c9", "R5", "A", "S1", "330", utc("2026-03-31T23:30:00Z"), "video", "attended"},
                new Object[] {"c10", null, "D", "S3", "100", utc("2026-03-20T10:00:00Z"), "face_to_face_onsite", "did_not_attend"},
                new Object[] {"c11", "R6", "B", "S1", "330", utc("2026-02-20T10:00:00Z"), "video", "attended"});
        Dataset<Row> referrals = frame(REFERRALS,
                new Object[] {"R1", "A", "S1", date("2025-12-01"), "open"},
                new Object[] {"R2", "B", "S1", date("2026-01-01"), "open"},
                new Object[] {"R3", "C", "S2", date("2026-02-01"), "closed"},
                new Object[] {"R4", "D", "S3", date("2026-02-20"), "open"},
                new Object[] {"R5", "A", "S1", date("2026-03-01"), "open"},
                new Object[] {"R6", "B", "S1", date("2026-01-05"), "cancelled"});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"}, new Object[] {"S2", "North"}, new Object[] {"S3", "South"});
        pathways = Pathways.build(referrals, consults, sites);
        Dataset<Row> patients = frame(PATIENTS,
                new Object[] {"A", "70+", "male", false, "white", true, utc("2026-01-01T00:00:00Z")},
                new Object[] {"B", "30-39", "male", null, "black", false, utc("2026-01-01T00:00:00Z")},
                new Object[] {"C", "30-39", "female", true, null, null, utc("2026-01-01T00:00:00Z")},
                new Object[] {"E", "21-24", "female", false, "asian", false, utc("2026-01-01T00:00:00Z")});
        mart = Equity.compute(consults, pathways, patients, sites).cache();
    }

    /** The one row of 2025-26 Q4 (or the quarter given) for region x dimension x group. */
    private Row row(String label, String region, String dimension, String group) {
        List<Row> rows = mart.filter(col("period_label").equalTo(label).and(col("region").equalTo(region))
                .and(col("dimension").equalTo(dimension)).and(col("group_value").equalTo(group))).collectAsList();
        assertEquals(1, rows.size(), label + " " + region + " " + dimension + " " + group);
        Assertions.assertEquals("quarter", rows.get(0).getAs("period_type"));
        return rows.get(0);
    }

    private Row q4(String region, String dimension, String group) {
        return row("2025-26 Q4", region, dimension, group);
    }

    /** patients_seen, attended, attended_telemedicine, did_not_attend, gic_attended, completed_pathways. */
    private static void counts(Row r, long... expected) {
        assertEquals(Arrays.toString(expected), Arrays.toString(new long[] {r.<Long>getAs("patients_seen"),
                r.<Long>getAs("attended"), r.<Long>getAs("attended_telemedicine"), r.<Long>getAs("did_not_attend"),
                r.<Long>getAs("gic_attended"), r.<Long>getAs("completed_pathways")}), r.toString());
    }

    private static double d(Row r, String column) {
        return r.<Double>getAs(column);
    }

    @Test
    void theNationalRowForEveryoneIsTheSameInEveryDimensionAndTheRatiosAreOne() {
        for (String dimension : Equity.DIMENSIONS) {
            Row r = q4("ALL", dimension, "ALL");
            // c7 booked and c8 cancelled are not counted; c9 is 1 April in London, next quarter
            counts(r, 4, 6, 4, 2, 2, 4);
            assertEquals(NATIONAL_SHARE, d(r, "telemedicine_share"), 1e-12);
            assertEquals(0.25, d(r, "dna_rate"), 1e-12);
            assertEquals(28, r.<Integer>getAs("median_wait_days"));
            assertEquals(1.0, d(r, "telemedicine_share_vs_all"), 1e-12);
            assertEquals(1.0, d(r, "median_wait_vs_all"), 1e-12);
            assertEquals(NATIONAL_SHARE, d(r, "national_telemedicine_share"), 1e-12);
            assertEquals(28, r.<Integer>getAs("national_median_wait_days"));
        }
    }

    @Test
    void aPatientWithNoRecordIsUnknownInEveryDimension() {
        // D only (c6 telephone attended, c10 DNA; R4 waited 10 days) in age_band, sex and ethnic... : in every
        // dimension D is unknown; where another patient's field is null too, they share the group
        Row age = q4("ALL", "age_band", "unknown");
        counts(age, 1, 1, 1, 1, 0, 1);
        assertEquals(1.0, d(age, "telemedicine_share"), 1e-12);
        assertEquals(1.0 / NATIONAL_SHARE, d(age, "telemedicine_share_vs_all"), 1e-12); // 1 / (2/3) = 1.5
        assertEquals(0.5, d(age, "dna_rate"), 1e-12);
        assertEquals(10, age.<Integer>getAs("median_wait_days"));
        assertEquals(10 / NATIONAL_MEDIAN, d(age, "median_wait_vs_all"), 1e-12);
        counts(q4("ALL", "sex", "unknown"), 1, 1, 1, 1, 0, 1);
        // gender_identity_differs: B (null) and D (no record). Attended c3 c11 (B, video) and c6 (D): 3, all
        // telemedicine (share 1, 1.5 x national); DNA c4 c10; GIC c3; waits R2 41 and R4 10: median rank 1 = 10
        Row gid = q4("ALL", "gender_identity_differs", "unknown");
        counts(gid, 2, 3, 3, 2, 1, 2);
        assertEquals(1.5, d(gid, "telemedicine_share_vs_all"), 1e-12);
        assertEquals(2.0 / 5, d(gid, "dna_rate"), 1e-12);
        assertEquals(10, gid.<Integer>getAs("median_wait_days"));
        // ethnic_group and disability: C (null) and D. Attended c5 (offsite, GIC) and c6 (telephone); DNA c10;
        // waits R3 28 and R4 10: median 10
        for (String dimension : List.of("ethnic_group", "disability")) {
            Row r = q4("ALL", dimension, "unknown");
            counts(r, 2, 2, 1, 1, 1, 2);
            assertEquals(0.5, d(r, "telemedicine_share"), 1e-12);
            assertEquals(0.75, d(r, "telemedicine_share_vs_all"), 1e-12); // 0.5 / (2/3)
            assertEquals(10, r.<Integer>getAs("median_wait_days"));
        }
    }

    @Test
    void groupsTakeThePatientsRecordWithBooleansAsTrueAndFalse() {
        // 70+ is A: c1 (video) and c2 (onsite) attended, share 1/2 = 0.75 x national; R1 40 days = 40/28
        Row old = q4("ALL", "age_band", "70+");
        counts(old, 1, 2, 1, 0, 0, 1);
        assertEquals(0.75, d(old, "telemedicine_share_vs_all"), 1e-12);
        assertEquals(40, old.<Integer>getAs("median_wait_days"));
        assertEquals(40 / NATIONAL_MEDIAN, d(old, "median_wait_vs_all"), 1e-12);
        // 30-39 is B and C: attended c3 c11 c5 (2 telemedicine), DNA c4, GIC c3 c5; waits 41 and 28: median 28
        Row thirties = q4("ALL", "age_band", "30-39");
        counts(thirties, 2, 3, 2, 1, 2, 2);
        assertEquals(1.0, d(thirties, "telemedicine_share_vs_all"), 1e-12);
        assertEquals(0.25, d(thirties, "dna_rate"), 1e-12);
        assertEquals(28, thirties.<Integer>getAs("median_wait_days"));
        // male is A and B: attended c1 c2 c3 c11 (3 telemedicine: 0.75, 1.125 x national); waits 40, 41: 40
        Row male = q4("ALL", "sex", "male");
        counts(male, 2, 4, 3, 1, 1, 2);
        assertEquals(0.75 / NATIONAL_SHARE, d(male, "telemedicine_share_vs_all"), 1e-12);
        assertEquals(40, male.<Integer>getAs("median_wait_days"));
        // female is C: one offsite attendance, share 0 (a ratio of 0, not null)
        Row female = q4("ALL", "sex", "female");
        counts(female, 1, 1, 0, 0, 1, 1);
        assertEquals(0.0, d(female, "telemedicine_share_vs_all"), 1e-12);
        counts(q4("ALL", "gender_identity_differs", "true"), 1, 1, 0, 0, 1, 1);
        counts(q4("ALL", "gender_identity_differs", "false"), 1, 2, 1, 0, 0, 1);
        counts(q4("ALL", "disability", "true"), 1, 2, 1, 0, 0, 1);
        counts(q4("ALL", "disability", "false"), 1, 2, 2, 1, 1, 1);
        counts(q4("ALL", "ethnic_group", "black"), 1, 2, 2, 1, 1, 1);
        // E was never seen and no one is under 18: no rows, and no site_id column at all
        assertEquals(0, mart.filter(col("group_value").isin("21-24", "asian", "under_18")).count());
        Assertions.assertFalse(List.of(mart.columns()).contains("site_id"));
    }

    @Test
    void regionRowsCountTheirOwnConsultsAndPathwaysAgainstTheNationalValue() {
        // A is seen in North (c1, video) and South (c2, onsite): one patient in each region and once nationally
        Row north = q4("North", "age_band", "70+");
        counts(north, 1, 1, 1, 0, 0, 1);
        assertEquals(1.5, d(north, "telemedicine_share_vs_all"), 1e-12); // 1 / (2/3)
        assertEquals(40 / NATIONAL_MEDIAN, d(north, "median_wait_vs_all"), 1e-12);
        Row south = q4("South", "age_band", "70+");
        counts(south, 1, 1, 0, 0, 0, 0);
        assertEquals(0.0, d(south, "telemedicine_share_vs_all"), 1e-12);
        assertNull(south.getAs("median_wait_days"));
        assertNull(south.getAs("median_wait_vs_all"));
        // region totals: North attended c1 c3 c5 c11 (3 telemedicine), DNA c4, patients A B C; waits 40 41 28
        Row northAll = q4("North", "sex", "ALL");
        counts(northAll, 3, 4, 3, 1, 2, 3);
        assertEquals(40, northAll.<Integer>getAs("median_wait_days"));
        assertEquals(0.75 / NATIONAL_SHARE, d(northAll, "telemedicine_share_vs_all"), 1e-12);
        counts(q4("South", "sex", "ALL"), 2, 2, 1, 1, 0, 1);
    }

    @Test
    void anAttendanceLateOnTheLastDayOfMarchInUtcIsInTheNextQuarter() {
        // c9 at 23:30 UTC on 31 March is 00:30 on 1 April in London: 2026-27 Q1, where it is everyone
        Row r = row("2026-27 Q1", "ALL", "age_band", "70+");
        counts(r, 1, 1, 1, 0, 0, 1);
        assertEquals(1.0, d(r, "telemedicine_share_vs_all"), 1e-12);
        assertEquals(31, r.<Integer>getAs("median_wait_days"));
        assertEquals(1.0, d(r, "median_wait_vs_all"), 1e-12);
        Assertions.assertEquals(date("2026-04-01"), r.getAs("period_start"));
    }

    @Test
    void withoutAPatientsLogTheMartIsEmptyWithItsSchema() {
        Dataset<Row> empty = Equity.compute(consults, pathways, null, sites);
        assertEquals(0, empty.count());
        assertEquals(Equity.SCHEMA, empty.schema());
        assertEquals(List.of(Equity.SCHEMA.fieldNames()), List.of(mart.columns()));
        for (var f : Equity.SCHEMA.fields()) {
            assertEquals(f.dataType(), mart.schema().apply(f.name()).dataType(), f.name());
        }
    }
}
