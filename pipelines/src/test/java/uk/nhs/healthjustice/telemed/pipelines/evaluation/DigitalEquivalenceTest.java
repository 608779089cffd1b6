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
 * May 2026, worked by hand. Prison attended consults: specialty 100 one video and one on site (share 1/2);
 * specialty 330 one telephone and three off site (1/4); all 2 of 6 (1/3). A missed video consult is not an
 * attendance. Prison median waits (from waiting_times, national): 100: 40 days over 10 pathways, 330: 60 over
 * 30, ALL: 55. Community: May 100 wait 50, share 0.25; May 330 wait 40, share 0.5; June 100 wait 30, share 0.35.
 * <pre>
 * May 100: share ratio 0.5 / 0.25 = 2.0;  wait ratio 40 / 50 = 0.8
 * May 330: share ratio 0.25 / 0.5 = 0.5;  wait ratio 60 / 40 = 1.5
 * May ALL: community share on the prison mix (0.25 x 2 + 0.5 x 4) / 6 = 5/12, ratio (1/3) / (5/12) = 0.8;
 *          community wait on the prison mix (50 x 10 + 40 x 30) / 40 = 42.5, ratio 55 / 42.5
 * 2026-27 Q1, 100: community share (0.25 + 0.35) / 2 = 0.30 over 2 months, ratio 0.5 / 0.3; wait (50 + 30) / 2 = 40
 * </pre>
 */
class DigitalEquivalenceTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
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
                new Object[] {"100", "video", "attended", instant("2026-05-10T10:00:00+01:00")},
                new Object[] {"100", "face_to_face_onsite", "attended", instant("2026-05-11T10:00:00+01:00")},
                new Object[] {"100", "video", "did_not_attend", instant("2026-05-12T10:00:00+01:00")},
                new Object[] {"330", "telephone", "attended", instant("2026-05-13T10:00:00+01:00")},
                new Object[] {"330", "face_to_face_offsite", "attended", instant("2026-05-14T10:00:00+01:00")},
                new Object[] {"330", "face_to_face_offsite", "attended", instant("2026-05-15T10:00:00+01:00")},
                new Object[] {"330", "face_to_face_offsite", "attended", instant("2026-05-16T10:00:00+01:00")},
                // 00:30 on 1 June in London is still 31 May in UTC: it belongs to June
                new Object[] {"330", "face_to_face_offsite", "attended", instant("2026-06-01T00:30:00+01:00")});
        Object[][] rows = new Object[12][];
        int i = 0;
        for (String type : new String[] {"month", "quarter"}) {
            java.sql.Date start = date(type.equals("month") ? "2026-05-01" : "2026-04-01");
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "100", "ALL", "ALL", "first_attendance", 10L, 40};
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "330", "ALL", "ALL", "first_attendance", 30L, 60};
            rows[i++] = new Object[] {type, start, "ALL", "ALL", "ALL", "ALL", "ALL", "first_attendance", 40L, 55};
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
    void emptyWithItsSchemaWithoutABenchmarkFile() {
        Dataset<Row> mart = DigitalEquivalence.compute(consults, waits, null);
        Assertions.assertEquals(0, mart.count());
        Assertions.assertEquals(DigitalEquivalence.SCHEMA, mart.schema());
    }
}
