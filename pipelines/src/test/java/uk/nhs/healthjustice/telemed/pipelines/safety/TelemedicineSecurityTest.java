package uk.nhs.healthjustice.telemed.pipelines.safety;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
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
import uk.nhs.healthjustice.telemed.pipelines.publication.DisclosureControl;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;
import uk.nhs.healthjustice.telemed.testing.DisclosureChecks;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * A worked example. S1 (North), S2 and S3 (South); March 2026 is in 2025-26 Q4, April in 2026-27 Q1.
 *
 * <pre>
 * consults (telemedicine sessions = video or telephone, attended or with a technical failure)
 *  c1 S1 video      attended              2 Mar   session
 *  c2 S1 telephone  did_not_attend, tech  3 Mar   session (a call was opened and failed)
 *  c3 S1 video      cancelled_security    4 Mar   no session
 *  c4 S1 onsite     attended              5 Mar   not telemedicine
 *  c5 S1 video      attended              6 Mar   session
 *  c6 S1 video      attended   31 Mar 23:30Z = 1 Apr London: an April session
 *  c7 S2 telephone  attended             10 Mar   session
 * events
 *  e1 S1  3 Mar device_misuse high; e2 S1 4 Mar device_misuse low;
 *  e3 S1 31 Mar 23:30Z = 1 Apr London, unauthorised_contact medium;
 *  e4 S2 10 Mar session_interrupted_by_regime low; e5 S3 12 Mar data_handling high (S3 ran no sessions)
 * </pre>
 *
 * S1 March: 3 sessions, 2 events = 666.67 per 1,000; device_misuse 2 (666.67), of which high 1 (333.33), low 1,
 * medium 0 (0.0); other kinds 0 events against the same 3 sessions. S1 April: 1 session, 1 unauthorised contact
 * (1000). S3 March: 1 event, no sessions: rate null. South March: 2 events (e4, e5) on 1 session (2000).
 * National March: 4 events on 4 sessions (1000).
 *
 * Connectivity: S1 none/none from 2025-01-01, poor/fixed_room from 15 Mar, adequate/tablets_4g from 10 Apr
 * (March ends poor, April adequate); S2 adequate from 1 Apr (none in force at the end of March); S3 no row.
 */
class TelemedicineSecurityTest extends SparkTestBase {

    static final StructType CONSULTS = new StructType()
            .add("consult_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("scheduled_start", DataTypes.TimestampType)
            .add("modality", DataTypes.StringType)
            .add("outcome", DataTypes.StringType)
            .add("technical_failure", DataTypes.BooleanType);

    static final StructType EVENTS = new StructType()
            .add("event_id", DataTypes.StringType)
            .add("site_id", DataTypes.StringType)
            .add("occurred_at", DataTypes.TimestampType)
            .add("consult_id", DataTypes.StringType)
            .add("kind", DataTypes.StringType)
            .add("severity", DataTypes.StringType);

    static final StructType CONNECTIVITY = new StructType()
            .add("site_id", DataTypes.StringType)
            .add("valid_from", DataTypes.DateType)
            .add("connectivity", DataTypes.StringType)
            .add("devices", DataTypes.StringType);

    private Dataset<Row> consults;
    private Dataset<Row> events;
    private Dataset<Row> sites;
    private Dataset<Row> connectivity;
    private Dataset<Row> mart;

    @BeforeEach
    void build() {
        consults = frame(CONSULTS,
                new Object[] {"c1", "S1", utc("2026-03-02T10:00:00Z"), "video", "attended", false},
                new Object[] {"c2", "S1", utc("2026-03-03T10:00:00Z"), "telephone", "did_not_attend", true},
                new Object[] {"c3", "S1", utc("2026-03-04T10:00:00Z"), "video", "cancelled_security", false},
                new Object[] {"c4", "S1", utc("2026-03-05T10:00:00Z"), "face_to_face_onsite", "attended", false},
                new Object[] {"c5", "S1", utc("2026-03-06T10:00:00Z"), "video", "attended", false},
                new Object[] {"c6", "S1", utc("2026-03-31T23:30:00Z"), "video", "attended", false},
                new Object[] {"c7", "S2", utc("2026-03-10T10:00:00Z"), "telephone", "attended", false});
        events = frame(EVENTS,
                new Object[] {"e1", "S1", utc("2026-03-03T11:00:00Z"), "c2", "device_misuse", "high"},
                new Object[] {"e2", "S1", utc("2026-03-04T11:00:00Z"), null, "device_misuse", "low"},
                new Object[] {"e3", "S1", utc("2026-03-31T23:30:00Z"), "c6", "unauthorised_contact", "medium"},
                new Object[] {"e4", "S2", utc("2026-03-10T10:20:00Z"), "c7", "session_interrupted_by_regime", "low"},
                new Object[] {"e5", "S3", utc("2026-03-12T10:00:00Z"), null, "data_handling", "high"});
        sites = frame(new StructType().add("site_id", DataTypes.StringType).add("region", DataTypes.StringType),
                new Object[] {"S1", "North"}, new Object[] {"S2", "South"}, new Object[] {"S3", "South"});
        connectivity = frame(CONNECTIVITY,
                new Object[] {"S1", date("2025-01-01"), "none", "none"},
                new Object[] {"S1", date("2026-03-15"), "poor", "fixed_room"},
                new Object[] {"S1", date("2026-04-10"), "adequate", "tablets_4g"},
                new Object[] {"S2", date("2026-04-01"), "adequate", "tablets_4g"});
        mart = TelemedicineSecurity.compute(events, consults, sites, connectivity).cache();
    }

    /** events, telemedicine_sessions, events_per_1000_sessions, connectivity, devices of one row. */
    private static Row one(Dataset<Row> mart, String type, String start, String region, String site, String kind,
                           String severity) {
        List<Row> rows = mart.filter(col("period_type").equalTo(type)
                        .and(col("period_start").equalTo(lit(java.sql.Date.valueOf(start))))
                        .and(col("region").equalTo(region)).and(col("site_id").equalTo(site))
                        .and(col("kind").equalTo(kind)).and(col("severity").equalTo(severity)))
                .select(col("events"), col("telemedicine_sessions"), col("events_per_1000_sessions"),
                        col("connectivity"), col("devices"))
                .collectAsList();
        assertEquals(1, rows.size(), String.join(" ", type, start, region, site, kind, severity));
        return rows.get(0);
    }

    private static void assertRow(Row got, long events, long sessions, Double rate, String conn, String devices) {
        assertEquals(events, got.getLong(0), "events");
        assertEquals(sessions, got.getLong(1), "telemedicine_sessions");
        if (rate == null) {
            assertNull(got.get(2), "events_per_1000_sessions");
        } else {
            assertEquals(rate, got.getDouble(2), 1e-9, "events_per_1000_sessions");
        }
        assertEquals(conn, got.get(3), "connectivity");
        assertEquals(devices, got.get(4), "devices");
    }

    @Test
    void schemaIsTheDeclaredOne() {
        assertSameTypes(mart);
    }

    @Test
    void eventsPer1000SessionsByKindAndSeverity() {
        String m = "2026-03-01";
        assertRow(one(mart, "month", m, "North", "S1", "ALL", "ALL"), 2, 3, 2000.0 / 3, "poor", "fixed_room");
        assertRow(one(mart, "month", m, "North", "S1", "device_misuse", "ALL"), 2, 3, 2000.0 / 3, "poor", "fixed_room");
        assertRow(one(mart, "month", m, "North", "S1", "device_misuse", "high"), 1, 3, 1000.0 / 3, "poor", "fixed_room");
        assertRow(one(mart, "month", m, "North", "S1", "device_misuse", "low"), 1, 3, 1000.0 / 3, "poor", "fixed_room");
        assertRow(one(mart, "month", m, "North", "S1", "device_misuse", "medium"), 0, 3, 0.0, "poor", "fixed_room");
        assertRow(one(mart, "month", m, "North", "S1", "ALL", "high"), 1, 3, 1000.0 / 3, "poor", "fixed_room");
        // a kind that did not happen reads 0 against the same sessions
        assertRow(one(mart, "month", m, "North", "S1", "data_handling", "ALL"), 0, 3, 0.0, "poor", "fixed_room");
        assertRow(one(mart, "month", "2026-04-01", "North", "S1", "unauthorised_contact", "medium"), 1, 1, 1000.0,
                "adequate", "tablets_4g");
    }

    /** c2 failed (a session), c3 was cancelled for security (none), c4 was in person (none). */
    @Test
    void sessionsAreTelemedicineConsultsAttendedOrFailed() {
        assertRow(one(mart, "month", "2026-03-01", "South", "S2", "ALL", "ALL"), 1, 1, 1000.0, null, null);
        // the quarter of S1 ends on 31 March: the same as the month
        assertRow(one(mart, "quarter", "2026-01-01", "North", "S1", "ALL", "ALL"), 2, 3, 2000.0 / 3, "poor",
                "fixed_room");
    }

    @Test
    void aSiteWithEventsAndNoSessionsHasNoRate() {
        assertRow(one(mart, "month", "2026-03-01", "South", "S3", "data_handling", "high"), 1, 0, null, null, null);
        assertRow(one(mart, "month", "2026-03-01", "South", "ALL", "ALL", "ALL"), 2, 1, 2000.0, null, null);
        assertRow(one(mart, "month", "2026-03-01", "ALL", "ALL", "ALL", "ALL"), 4, 4, 1000.0, null, null);
        assertRow(one(mart, "quarter", "2026-04-01", "ALL", "ALL", "ALL", "ALL"), 1, 1, 1000.0, null, null);
    }

    /**
     * Places and periods with sessions or events: March S1, S2, S3, North, South, ALL; April S1, North, ALL;
     * the same as quarters: 18, each with 7 kinds x 4 severities (both with ALL).
     */
    @Test
    void everyPlaceAndPeriodHasTheFullGrid() {
        assertEquals(18 * 28, mart.count());
        assertEquals(0, mart.filter(col("site_id").equalTo("ALL").and(col("connectivity").isNotNull())).count());
    }

    @Test
    void withoutEventsTheMartIsEmptyWithItsSchema() {
        Dataset<Row> empty = TelemedicineSecurity.compute(null, consults, sites, connectivity);
        assertSameTypes(empty);
        assertEquals(0, empty.count());
    }

    @Test
    void withoutConnectivityTheSiteColumnsAreNull() {
        Dataset<Row> m = TelemedicineSecurity.compute(events, consults, sites, null);
        assertSameTypes(m);
        assertRow(one(m, "month", "2026-03-01", "North", "S1", "ALL", "ALL"), 2, 3, 2000.0 / 3, null, null);
        assertEquals(0, m.filter(col("connectivity").isNotNull().or(col("devices").isNotNull())).count());
    }

    @Test
    void fromAQuarterOnTheRowsAreThoseOfTheFullComputation() {
        Dataset<Row> from = TelemedicineSecurity.compute(events, consults, sites, connectivity,
                LocalDate.parse("2026-04-01"));
        // April: S1, North, ALL, as a month and as 2026-27 Q1
        assertEquals(6 * 28, from.count());
        assertSameRows(mart.filter(col("period_start").geq(lit(java.sql.Date.valueOf("2026-04-01")))), from);
    }

    /**
     * Every column is declared in {@code PublishedTables.TELEMEDICINE_SECURITY}: national rows unchanged; S1's
     * March device misuse (2 events on 3 sessions) is suppressed, its rate with it.
     */
    @Test
    void publishedUnderTheDeclaredClasses() {
        assertEquals(PublishedTables.TELEMEDICINE_SECURITY.names(), List.of(mart.columns()));
        Dataset<Row> published = DisclosureControl.apply(mart, PublishedTables.TELEMEDICINE_SECURITY).cache();
        DisclosureChecks.assertNoDisclosiveCells(published, PublishedTables.TELEMEDICINE_SECURITY);
        assertRow(one(published, "month", "2026-03-01", "ALL", "ALL", "ALL", "ALL"), 4, 4, 1000.0, null, null);
        Row site = published.filter(col("period_type").equalTo("month").and(col("site_id").equalTo("S1"))
                .and(col("period_start").equalTo(lit(java.sql.Date.valueOf("2026-03-01"))))
                .and(col("kind").equalTo("device_misuse")).and(col("severity").equalTo("ALL"))).first();
        assertEquals(true, site.getAs(DisclosureControl.SUPPRESSED));
        assertNull(site.getAs("events"));
        assertNull(site.getAs("events_per_1000_sessions"));
        assertEquals("poor", site.getAs("connectivity"));
    }

    /** The declared columns and types, in order (nullability is not part of the contract). */
    private static void assertSameTypes(Dataset<Row> got) {
        assertEquals(java.util.Arrays.stream(TelemedicineSecurity.SCHEMA.fields()).map(f -> f.name() + " " + f.dataType()).toList(),
                java.util.Arrays.stream(got.schema().fields()).map(f -> f.name() + " " + f.dataType()).toList());
    }
}
