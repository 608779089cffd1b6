package uk.nhs.healthjustice.telemed.pipelines.equity;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Sites S1 (North), S2 and S3 (South). Connectivity rows: S1 poor/fixed_room from 2025-01-01 and
 * adequate/tablets_4g from 2026-03-31 (the last day of 2025-26 Q4 itself); S2 adequate/fixed_room from
 * 2026-04-01 (after Q4 ends); S3 none at all.
 * <pre>
 *   k1  S1 2025-11-05 video      attended                      2025-26 Q3
 *   k2  S1 2025-11-06 telephone  cancelled_technical, failure  2025-26 Q3
 *   k3  S1 2025-11-07 onsite     attended                      2025-26 Q3
 *   k4  S1 2026-02-01 video      attended                      2025-26 Q4
 *   k5  S1 2026-03-31T23:30Z video attended   (1 April in London) 2026-27 Q1
 *   k6  S1 2026-03-10 video      booked (not counted)
 *   k7  S2 2026-03-15 offsite    attended                      2025-26 Q4
 *   k8  S2 2026-03-16 video      did_not_attend, failure       2025-26 Q4
 *   k9  S2 2026-04-01T00:30+01:00 telephone attended            2026-27 Q1
 *   k10 S3 2025-12-01 video      did_not_attend                2025-26 Q3: no attendance, no row
 *   k11 S3 2026-01-15 onsite     attended                      2025-26 Q4
 * </pre>
 */
class ReadinessTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType)
            .add("technical_failure", DataTypes.BooleanType);

    static final StructType CONNECTIVITY = new StructType()
            .add("site_id", DataTypes.StringType)
            .add("valid_from", DataTypes.DateType)
            .add("connectivity", DataTypes.StringType)
            .add("devices", DataTypes.StringType);

    private Dataset<Row> consults;
    private Dataset<Row> sites;
    private Map<String, Row> rows;

    @BeforeEach
    void build() {
        consults = frame(CONSULTS,
                new Object[] {"k1", "S1", utc("2025-11-05T10:00:00Z"), "video", "attended", false},
                new Object[] {"k2", "S1", utc("2025-11-06T10:00:00Z"), "telephone", "cancelled_technical", true},
                new Object[] {"k3", "S1", utc("2025-11-07T10:00:00Z"), "face_to_face_onsite", "attended", false},
                new Object[] {"k4", "S1", utc("2026-02-01T10:00:00Z"), "video", "attended", false},
                new Object[] {"k5", "S1", utc("2026-03-31T23:30:00Z"), "video", "attended", false},
                new Object[] {"k6", "S1", utc("2026-03-10T10:00:00Z"), "video", "booked", true},
                new Object[] {"k7", "S2", utc("2026-03-15T10:00:00Z"), "face_to_face_offsite", "attended", false},
                new Object[] {"k8", "S2", utc("2026-03-16T10:00:00Z"), "video", "did_not_attend", true},
                new Object[] {"k9", "S2", instant("2026-04-01T00:30:00+01:00"), "telephone", "attended", false},
                new Object[] {"k10", "S3", utc("2025-12-01T10:00:00Z"), "video", "did_not_attend", false},
                new Object[] {"k11", "S3", utc("2026-01-15T10:00:00Z"), "face_to_face_onsite", "attended", false});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"}, new Object[] {"S2", "South"}, new Object[] {"S3", "South"});
        Dataset<Row> connectivity = frame(CONNECTIVITY,
                new Object[] {"S1", date("2025-01-01"), "poor", "fixed_room"},
                new Object[] {"S1", date("2026-03-31"), "adequate", "tablets_4g"},
                new Object[] {"S2", date("2026-04-01"), "adequate", "fixed_room"});
        rows = new TreeMap<>();
        for (Row r : Readiness.compute(consults, sites, connectivity).collectAsList()) {
            rows.put(r.getAs("site_id") + " " + r.getAs("period_label"), r);
        }
    }

    /** region, connectivity, devices, valid_from, attended, attended_telemedicine, due, failures, share, rate. */
    private void check(String key, Object... expected) {
        Row r = rows.get(key);
        assertEquals("quarter", r.getAs("period_type"), key);
        assertEquals(Arrays.asList(expected), Arrays.asList(r.getAs("region"), r.getAs("connectivity"),
                r.getAs("devices"), r.getAs("connectivity_valid_from"), r.getAs("attended"),
                r.getAs("attended_telemedicine"), r.getAs("telemedicine_due"), r.getAs("technical_failures"),
                r.getAs("telemedicine_share"), r.getAs("technical_failure_rate")), key);
    }

    @Test
    void sitesAndQuartersWithAttendancesOnly() {
        // S3 2025-26 Q3 had a DNA only; no region or national rows
        assertEquals(List.of("S1 2025-26 Q3", "S1 2025-26 Q4", "S1 2026-27 Q1", "S2 2025-26 Q4", "S2 2026-27 Q1",
                "S3 2025-26 Q4"), List.copyOf(rows.keySet()));
    }

    @Test
    void theRowInForceOnTheQuartersLastDay() {
        // Q3 ends 2025-12-31: S1's 2025-01-01 row. Attended k1 k3 (k1 video): share 1/2; telemedicine due k1 k2,
        // k2 failed: rate 1/2
        check("S1 2025-26 Q3", "North", "poor", "fixed_room", date("2025-01-01"), 2L, 1L, 2L, 1L, 0.5, 0.5);
        // Q4 ends 2026-03-31, the day S1's tablets arrive: that row is in force. k6 booked is not counted
        check("S1 2025-26 Q4", "North", "adequate", "tablets_4g", date("2026-03-31"), 1L, 1L, 1L, 0L, 1.0, 0.0);
        // k5 at 23:30 UTC on 31 March is in 2026-27 Q1 (London); the tablets row still holds on 30 June
        check("S1 2026-27 Q1", "North", "adequate", "tablets_4g", date("2026-03-31"), 1L, 1L, 1L, 0L, 1.0, 0.0);
    }

    @Test
    void beforeASitesFirstRowConnectivityIsNull() {
        // S2's first row is from 2026-04-01, after Q4 ends: null in Q4. k7 offsite attended (share 0); k8 video
        // DNA with a failure: due 1, failures 1, rate 1
        check("S2 2025-26 Q4", "South", null, null, null, 1L, 0L, 1L, 1L, 0.0, 1.0);
        // from its first day on: k9 (00:30 on 1 April, London) is in Q1 and the row holds on 30 June
        check("S2 2026-27 Q1", "South", "adequate", "fixed_room", date("2026-04-01"), 1L, 1L, 1L, 0L, 1.0, 0.0);
        // S3 has no connectivity rows at all; no telemedicine due: no failure rate
        check("S3 2025-26 Q4", "South", null, null, null, 1L, 0L, 0L, 0L, 0.0, null);
    }

    @Test
    void withoutAConnectivityFileTheMartIsEmptyWithItsSchema() {
        Dataset<Row> empty = Readiness.compute(consults, sites, null);
        assertEquals(0, empty.count());
        assertEquals(Readiness.SCHEMA, empty.schema());
        Dataset<Row> full = Readiness.compute(consults, sites, frame(CONNECTIVITY,
                new Object[] {"S1", date("2025-01-01"), "poor", "none"}));
        for (var f : Readiness.SCHEMA.fields()) {
            assertEquals(f.dataType(), full.schema().apply(f.name()).dataType(), f.name());
        }
        assertEquals(0, full.filter(col("site_id").equalTo("ALL").or(col("region").equalTo("ALL"))).count());
    }
}
