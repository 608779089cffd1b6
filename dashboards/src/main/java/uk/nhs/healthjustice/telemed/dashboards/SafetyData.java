package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Remote prescribing safety and telemedicine security (issue 18, version 2) as the pages read them: filtered in
 * Spark to what a page shows, with 95% intervals added from the published counts. Either table may be absent
 * (an output written before version 2): callers check {@link #hasPrescribing} and {@link #hasSecurity} and
 * show a "not yet published" line instead.
 */
final class SafetyData {

    static final String PRESCRIBING = "prescribing_safety";
    static final String SECURITY = "telemedicine_security";

    /** The modality groups compared; {@code ALL} is their total and not a group of its own. */
    static final List<String> MODALITY_GROUPS = List.of("telemedicine", "in_person", "no_consult");

    private static final Column NATIONAL = col("region").equalTo("ALL").and(col("site_id").equalTo("ALL"));
    private static final Column QUARTERS = col("period_type").equalTo("quarter");

    private final PublishedTables t;

    SafetyData(PublishedTables t) {
        this.t = t;
    }

    boolean hasPrescribing() {
        return t.has("published", PRESCRIBING);
    }

    boolean hasSecurity() {
        return t.has("published", SECURITY);
    }

    /**
     * National quarterly rows by modality group, with a Wilson interval on the high-risk share and a Garwood
     * interval on incidents per 1,000 prescriptions. National rows are exact (disclosure control does not change
     * them), so intervals from their counts are the real ones; below national the counts are rounded and no
     * interval is computed.
     *
     * @param periods which quarters (all, or the report's)
     */
    List<Map<String, Object>> prescribingNational(Column periods) {
        Dataset<Row> ds = t.table("published", PRESCRIBING).filter(NATIONAL.and(QUARTERS).and(periods)
                .and(col("modality_group").isin(MODALITY_GROUPS.toArray())))
                .orderBy("period_start", "modality_group");
        List<Map<String, Object>> rows = t.rows(ds, "period_label", "period_start", "modality_group", "prescriptions",
                "high_risk_prescriptions", "high_risk_share", "incidents", "incidents_per_1000_prescriptions",
                "suppressed");
        for (Map<String, Object> r : rows) {
            Long prescriptions = (Long) r.get("prescriptions");
            Intervals.Interval share = Intervals.wilson((Long) r.get("high_risk_prescriptions"), prescriptions);
            r.put("high_risk_share_ci_low", share.low());
            r.put("high_risk_share_ci_high", share.high());
            Intervals.Interval incidents = Intervals.garwood((Long) r.get("incidents"), prescriptions, 1000);
            r.put("incidents_per_1000_ci_low", incidents.low());
            r.put("incidents_per_1000_ci_high", incidents.high());
        }
        return rows;
    }

    /** Region rows of one quarter, all modalities together: rounded counts, so no intervals. */
    Dataset<Row> prescribingByRegion(Column periods) {
        return t.table("published", PRESCRIBING).filter(QUARTERS.and(periods).and(col("site_id").equalTo("ALL"))
                .and(col("modality_group").equalTo("ALL"))).orderBy(col("region").equalTo("ALL"), col("region"));
    }

    /**
     * Every site's events per 1,000 telemedicine sessions (all kinds and severities) in the latest quarter the
     * table has, or in the given one. A suppressed site keeps its row, with nulls.
     *
     * @param quarterLabel the quarter, or null for the latest
     */
    Dataset<Row> securityBySite(String quarterLabel) {
        Dataset<Row> sites = t.table("published", SECURITY).filter(QUARTERS.and(col("site_id").notEqual("ALL"))
                .and(col("kind").equalTo("ALL")).and(col("severity").equalTo("ALL")));
        return PublishedTables.inQuarter(sites, quarterLabel).orderBy("region", "site_id");
    }

    static final String[] SECURITY_SITE_COLUMNS = {"period_label", "region", "site_id", "events",
        "telemedicine_sessions", "events_per_1000_sessions", "connectivity", "devices", "suppressed"};

    /**
     * National events per 1,000 telemedicine sessions by kind (and {@code ALL}), all severities, per quarter,
     * with a Garwood interval: national counts are exact.
     */
    List<Map<String, Object>> securityNationalByKind(Column periods) {
        Dataset<Row> ds = t.table("published", SECURITY).filter(NATIONAL.and(QUARTERS).and(periods)
                .and(col("severity").equalTo("ALL"))).orderBy("period_start", "kind");
        List<Map<String, Object>> rows = t.rows(ds, "period_label", "period_start", "kind", "events",
                "telemedicine_sessions", "events_per_1000_sessions", "suppressed");
        for (Map<String, Object> r : rows) {
            Intervals.Interval rate = Intervals.garwood((Long) r.get("events"), (Long) r.get("telemedicine_sessions"),
                    1000);
            r.put("events_per_1000_ci_low", rate.low());
            r.put("events_per_1000_ci_high", rate.high());
        }
        return rows;
    }
}
