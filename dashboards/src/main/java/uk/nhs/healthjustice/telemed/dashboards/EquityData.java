package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Equity, digital readiness and the connectivity subgroups of the roll-out (issue 19, version 2) as the pages
 * read them: {@code published/equity} (national and region rows only, no site), {@code published/readiness}
 * (site rows) and the {@code subgroup} rows of {@code published/rollout_impact}. Each may be absent (an output
 * written before version 2): callers check {@link #hasEquity}, {@link #hasReadiness} and {@link #hasSubgroups}
 * and show a "not yet published" line instead.
 */
final class EquityData {

    static final String EQUITY = "equity";
    static final String READINESS = "readiness";
    static final String ROLLOUT_IMPACT = "rollout_impact";

    /** The demographic dimensions, in the patients contract's order (pages show them in this order). */
    static final List<String> DIMENSIONS = List.of("age_band", "sex", "gender_identity_differs", "ethnic_group",
            "disability");
    /** A patient with no record, or a blank field: a group of its own, not an error. */
    static final String UNKNOWN = "unknown";

    /** The roll-out subgroups side by side: all sites, then by connectivity in force at go-live. */
    static final List<String> SUBGROUPS = List.of("ALL", "connectivity_adequate", "connectivity_poor");

    /** Said where the subgroup rows would be when the output has only {@code subgroup = ALL}. */
    static final String NO_SUBGROUPS = "No connectivity subgroups: reference/site_connectivity.csv was not delivered.";

    private static final Column QUARTERS = col("period_type").equalTo("quarter");

    private final PublishedTables t;

    EquityData(PublishedTables t) {
        this.t = t;
    }

    boolean hasEquity() {
        return t.has("published", EQUITY);
    }

    boolean hasReadiness() {
        return t.has("published", READINESS);
    }

    /** {@code rollout_impact} of version 2, with its {@code subgroup} column (rows or not). */
    boolean hasSubgroups() {
        return t.has("published", ROLLOUT_IMPACT) && PublishedTables.hasColumn(t.table("published", ROLLOUT_IMPACT),
                "subgroup");
    }

    static final String[] EQUITY_COLUMNS = {"period_label", "region", "dimension", "group_value", "patients_seen",
        "attended", "telemedicine_share", "national_telemedicine_share", "telemedicine_share_vs_all", "dna_rate",
        "completed_pathways", "median_wait_days", "national_median_wait_days", "median_wait_vs_all", "gic_attended",
        "suppressed"};

    /**
     * Every row (national and regions) of one quarter, the given one or the latest: national first, then regions
     * by name; within each, dimensions in {@link #DIMENSIONS} order, the group {@code ALL} (everyone) first and
     * {@code unknown} last.
     */
    Dataset<Row> equity(String quarterLabel) {
        return ordered(PublishedTables.inQuarter(t.table("published", EQUITY).filter(QUARTERS), quarterLabel),
                col("region").notEqual("ALL"), col("region"));
    }

    /** National rows of every quarter, oldest first: each group against the national value over time. */
    Dataset<Row> equityNationalTrend() {
        return ordered(t.table("published", EQUITY).filter(QUARTERS.and(col("region").equalTo("ALL"))),
                col("period_start"));
    }

    private static Dataset<Row> ordered(Dataset<Row> ds, Column... first) {
        Column dimension = lit(DIMENSIONS.size());
        for (int i = DIMENSIONS.size() - 1; i >= 0; i--) {
            dimension = when(col("dimension").equalTo(DIMENSIONS.get(i)), lit(i)).otherwise(dimension);
        }
        Column[] order = new Column[first.length + 5];
        System.arraycopy(first, 0, order, 0, first.length);
        order[first.length] = dimension;
        order[first.length + 1] = col("dimension");
        order[first.length + 2] = col("group_value").notEqual("ALL");
        order[first.length + 3] = col("group_value").equalTo(UNKNOWN);
        order[first.length + 4] = col("group_value");
        return ds.orderBy(order);
    }

    static final String[] READINESS_COLUMNS = {"period_label", "region", "site_id", "connectivity", "devices",
        "connectivity_valid_from", "attended", "attended_telemedicine", "telemedicine_share", "telemedicine_due",
        "technical_failures", "technical_failure_rate", "suppressed"};

    /**
     * Site rows of one quarter (the given one, or the latest the table has), by region and site. The table is
     * empty when {@code reference/site_connectivity.csv} was never delivered.
     */
    Dataset<Row> readiness(String quarterLabel) {
        return PublishedTables.inQuarter(t.table("published", READINESS).filter(QUARTERS
                        .and(col("site_id").notEqual("ALL"))), quarterLabel).orderBy("region", "site_id");
    }

    static final String[] SUBGROUP_COLUMNS = {"outcome", "subgroup", "estimate", "ci_low", "ci_high",
        "sites_treated"};

    /**
     * The national overall effect ({@code event_time} null) of each outcome for each of {@link #SUBGROUPS}, with
     * the headline comparison ({@code control = not_yet_treated}) and no placebo outcomes; by outcome, then in
     * {@link #SUBGROUPS} order. Call only when {@link #hasSubgroups}.
     */
    Dataset<Row> subgroupEffects() {
        Dataset<Row> r = t.table("published", ROLLOUT_IMPACT).filter(col("level").equalTo("national")
                .and(col("event_time").isNull()).and(not(col("outcome").endsWith("_placebo")))
                .and(col("subgroup").isin(SUBGROUPS.toArray())));
        if (PublishedTables.hasColumn(r, "control")) {
            r = r.filter(col("control").equalTo("not_yet_treated"));
        }
        Column subgroup = when(col("subgroup").equalTo(SUBGROUPS.get(0)), lit(0))
                .when(col("subgroup").equalTo(SUBGROUPS.get(1)), lit(1)).otherwise(lit(2));
        return r.orderBy(col("outcome"), subgroup);
    }

    /** Whether the effects hold a connectivity subgroup (not only {@code ALL}): computed in Spark. */
    static boolean anySubgroup(Dataset<Row> effects) {
        return !effects.filter(col("subgroup").notEqual("ALL")).isEmpty();
    }

    /**
     * Text an evaluator can quote, on both pages: where the demographic rows stop, whose record counts, what
     * {@code unknown} is, and how far the connectivity subgroups go.
     */
    static final List<String> METHOD_NOTE = List.of(
            "Demographic rows are national and region only: site-level cells would identify people, so equity is"
                    + " never published per site.",
            "Each person takes their current patients record: a changed record moves their past rows with it, and"
                    + " every quarter is recomputed from all history.",
            "Unknown is a group, not an error: a patient with no patients record, or with a field left blank, is"
                    + " counted as unknown in that dimension.",
            "A site's connectivity subgroup is the connectivity in force at its go-live (the"
                    + " reference/site_connectivity.csv row valid on that date); a site with no row in force then is"
                    + " in neither subgroup, and the comparison sites are those of the all-sites estimate.",
            "Subgroup estimates are observational and rest on fewer sites, so their intervals are wider; a"
                    + " difference between subgroups is not by itself evidence that connectivity caused it.");
}
