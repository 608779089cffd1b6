package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * May 2026, worked by hand. Prison attended consults on referral pathways: specialty 100 one video and one on
 * site (share 1/2); specialty 330 one telephone and three off site (1/4). A missed video consult is not an
 * attendance, and a primary-care video consult (no referral, specialty 100) is never counted: counted, it would
 * make 100's share 2/3. Prison median waits (from waiting_times, national): 100: 40 days over 10 pathways, 330:
 * 60 over 30; the pooled national median (ALL) is 52 and must not be used. Community: May 100 wait 50, share
 * 0.25; May 330 wait 40, share 0.5; June 100 wait 30, share 0.35.
 * <pre>
 * May 100: share ratio 0.5 / 0.25 = 2.0;  wait ratio 40 / 50 = 0.8
 * May 330: share ratio 0.25 / 0.5 = 0.5;  wait ratio 60 / 40 = 1.5
 * May ALL, both sides on the prison mix (weights: attendances 2 and 4; completed pathways 10 and 30):
 *   prison share    (0.5 x 2 + 0.25 x 4) / 6 = 2/6 = 1/3   (= 2 telemedicine of 6 attended)
 *   community share (0.25 x 2 + 0.5 x 4) / 6 = 2.5/6 = 5/12;  ratio (1/3) / (5/12) = 0.8
 *   prison wait     (40 x 10 + 60 x 30) / 40 = 2200 / 40 = 55   (not the pooled median 52)
 *   community wait  (50 x 10 + 40 x 30) / 40 = 1700 / 40 = 42.5;  ratio 55 / 42.5
 * June ALL: 100 has a community value but no prison attendance, 330 a prison attendance but no community value:
 *   no specialty has both, so both sides are null.
 * 2026-27 Q1, 100: community share (0.25 + 0.35) / 2 = 0.30 over 2 months, ratio 0.5 / 0.3; wait (50 + 30) / 2 = 40
 * 2026-27 Q1 ALL (100: 2 attended, 1 remote, community 0.30; 330: 5 attended, 1 remote, community 0.5):
 *   prison share    (0.5 x 2 + 0.2 x 5) / 7 = 2/7;  community (0.30 x 2 + 0.5 x 5) / 7 = 3.1/7;  ratio 2/3.1
 *   prison wait     (40 x 10 + 60 x 30) / 40 = 55;  community (40 x 10 + 40 x 30) / 40 = 40;  ratio 1.375
 *   community_months = max(2, 1) = 2
 * </pre>
 */
class DigitalEquivalenceTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("referral_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType).add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType).add("scheduled_start", DataTypes.TimestampType);
    static final StructType WAITS = new StructType()
            .add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("specialty_code", DataTypes.StringType).add("priority", DataTypes.StringType)
            .add("modality_group", DataTypes.StringType).add("measure", DataTypes.StringType)
            .add("completed_pathways", DataTypes.LongType).add("median_wait_days", DataTypes.IntegerType);
    static final StructType BENCH = new StructType()
            .add("month", DataTypes.DateType).add("specialty_code", DataTypes.StringType)
            .add("median_wait_days", DataTypes.IntegerType).add("telemedicine_share", DataTypes.DoubleType);

    private Dataset<Row> consults;
    private Dataset<Row> waits;

    @BeforeEach
    void data() {
        consults = frame(CONSULTS,
                new Object[] {"R10", "100", "video", "attended", instant("2026-05-10T10:00:00+01:00")},
                new Object[] {"R11", "100", "face_to_face_onsite", "attended", instant("2026-05-11T10:00:00+01:00")},
                new Object[] {"R2", "100", "video", "did_not_attend", instant("2026-05-12T10:00:00+01:00")},
                // primary care: no referral pathway, never counted
                new Object[] {null, "100", "video", "attended", instant("2026-05-12T11:00:00+01:00")},
                new Object[] {"R12", "330", "telephone", "attended", instant("2026-05-13T10:00:00+01:00")},
                new Object[] {"R20", "330", "face_to_face_offsite", "attended", instant("2026-05-14T10:00:00+01:00")},
                new Object[] {"R20", "330", "face_to_face_offsite", "attended", instant("2026-05-15T10:00:00+01:00")},
                new Object[] {"R20", "330", "face_to_face_offsite", "attended", instant("2026-05-16T10:00:00+01:00")},
                // 00:30 on 1 June in London is still 31 May in UTC: it belongs to June
                new Object[] {"R20", "330", "face_to_face_offsite", "attended", instant("2026-06-01T00:30:00+01:00")});
        Object[][] rows = new Object[12][];
        int i = 0;
        for (String type : new String[] {"month", "quarter"}) {
            java.sql.Date start = date(type.equals("month") ? "2026-05-01" : "2026-04-01");
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "100", "ALL", "ALL", "first_attendance", 10L, 40};
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "330", "ALL", "ALL", "first_attendance", 30L, 60};
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "ALL", "ALL", "ALL", "first_attendance", 40L, 52};
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "100", "ALL", "ALL", "rtt", 10L, 999};
            rows[i++] = new Object[] {type, start, "London", "ALL", "100", "ALL", "ALL", "first_attendance", 10L, 999};
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "100", "ALL", "in_person", "first_attendance", 10L, 999};
        }
        waits = frame(WAITS, rows);
    }

    private Dataset<Row> bench() {
        return frame(BENCH, new Object[] {date("2026-05-01"), "100", 50, 0.25},
                new Object[] {date("2026-05-01"), "330", 40, 0.5},
                new Object[] {date("2026-06-01"), "100", 30, 0.35});
    }

    private static Row row(Dataset<Row> mart, String label, String specialty) {
        List<Row> r = mart.filter(col("period_label").equalTo(label).and(col("specialty_code").equalTo(specialty)))
                .collectAsList();
        Assertions.assertEquals(1, r.size(), label + " " + specialty);
        return r.get(0);
    }

    @Test
    void monthBySpecialtyAndAll() {
        Dataset<Row> mart = DigitalEquivalence.compute(consults, waits, bench()).cache();
        Row m100 = row(mart, "2026-05", "100");
        Assertions.assertEquals(0.5, m100.<Double>getAs("prison_telemedicine_share"), 1e-12);
        Assertions.assertEquals(2.0, m100.<Double>getAs("telemedicine_share_ratio"), 1e-12);
        Assertions.assertEquals(0.8, m100.<Double>getAs("wait_ratio"), 1e-12);
        Assertions.assertEquals("ALL", m100.getAs("region"));
        Assertions.assertEquals("ALL", m100.getAs("site_id"));
        Row m330 = row(mart, "2026-05", "330");
        Assertions.assertEquals(0.25, m330.<Double>getAs("prison_telemedicine_share"), 1e-12);
        Assertions.assertEquals(0.5, m330.<Double>getAs("telemedicine_share_ratio"), 1e-12);
        Assertions.assertEquals(1.5, m330.<Double>getAs("wait_ratio"), 1e-12);
        Row all = row(mart, "2026-05", "ALL");
        Assertions.assertEquals(6L, (long) all.<Long>getAs("prison_attended"));
        Assertions.assertEquals(1.0 / 3, all.<Double>getAs("prison_telemedicine_share"), 1e-12);
        Assertions.assertEquals(5.0 / 12, all.<Double>getAs("community_telemedicine_share"), 1e-12);
        Assertions.assertEquals(0.8, all.<Double>getAs("telemedicine_share_ratio"), 1e-12);
        Assertions.assertEquals(42.5, all.<Double>getAs("community_median_wait_days"), 1e-12);
        Assertions.assertEquals(55 / 42.5, all.<Double>getAs("wait_ratio"), 1e-12);
        Assertions.assertEquals(55.0, all.<Double>getAs("prison_median_wait_days"), 1e-12);
        Assertions.assertEquals(40L, (long) all.<Long>getAs("prison_completed_pathways"));
        Assertions.assertEquals(2L, (long) all.<Long>getAs("prison_attended_telemedicine"));
        Assertions.assertEquals(DigitalEquivalence.STANDARDISED, all.getAs("all_method"));
        Assertions.assertNull(m100.getAs("all_method"), "nothing is standardised on a specialty row");
        Assertions.assertEquals(2L, (long) m100.<Long>getAs("prison_attended"), "primary care is not counted");
        Row juneAll = row(mart, "2026-06", "ALL");
        Assertions.assertNull(juneAll.getAs("prison_telemedicine_share"));
        Assertions.assertNull(juneAll.getAs("community_telemedicine_share"));
        Assertions.assertEquals(DigitalEquivalence.STANDARDISED, juneAll.getAs("all_method"));
        Row june = row(mart, "2026-06", "100");
        Assertions.assertNull(june.getAs("prison_telemedicine_share"), "no prison consult in June for 100");
        Assertions.assertNull(june.getAs("telemedicine_share_ratio"));
        Assertions.assertEquals(0.35, june.<Double>getAs("community_telemedicine_share"), 1e-12);
        Assertions.assertEquals(1L, (long) row(mart, "2026-06", "330").<Long>getAs("prison_attended"));
    }

    @Test
    void quarterTakesTheMeanOfItsMonths() {
        Dataset<Row> mart = DigitalEquivalence.compute(consults, waits, bench());
        Row q = row(mart, "2026-27 Q1", "100");
        Assertions.assertEquals(0.30, q.<Double>getAs("community_telemedicine_share"), 1e-12);
        Assertions.assertEquals(2, (int) q.<Integer>getAs("community_months"));
        Assertions.assertEquals(0.5 / 0.3, q.<Double>getAs("telemedicine_share_ratio"), 1e-12);
        Assertions.assertEquals(40.0, q.<Double>getAs("community_median_wait_days"), 1e-12);
        Assertions.assertEquals(1.0, q.<Double>getAs("wait_ratio"), 1e-12);
    }

    @Test
    void quarterAllRowStandardisesBothSidesToThePrisonMix() {
        Dataset<Row> mart = DigitalEquivalence.compute(consults, waits, bench());
        Row q = row(mart, "2026-27 Q1", "ALL");
        Assertions.assertEquals(DigitalEquivalence.STANDARDISED, q.getAs("all_method"));
        Assertions.assertEquals(7L, (long) q.<Long>getAs("prison_attended"));
        Assertions.assertEquals(2.0 / 7, q.<Double>getAs("prison_telemedicine_share"), 1e-12);
        Assertions.assertEquals(3.1 / 7, q.<Double>getAs("community_telemedicine_share"), 1e-12);
        Assertions.assertEquals(2 / 3.1, q.<Double>getAs("telemedicine_share_ratio"), 1e-12);
        Assertions.assertEquals(55.0, q.<Double>getAs("prison_median_wait_days"), 1e-12);
        Assertions.assertEquals(40.0, q.<Double>getAs("community_median_wait_days"), 1e-12);
        Assertions.assertEquals(1.375, q.<Double>getAs("wait_ratio"), 1e-12);
        Assertions.assertEquals(2, (int) q.<Integer>getAs("community_months"));
    }

    @Test
    void emptyWithItsSchemaWithoutABenchmarkFile() {
        Dataset<Row> mart = DigitalEquivalence.compute(consults, waits, null);
        Assertions.assertEquals(0, mart.count());
        Assertions.assertEquals(DigitalEquivalence.SCHEMA, mart.schema());
    }
}
