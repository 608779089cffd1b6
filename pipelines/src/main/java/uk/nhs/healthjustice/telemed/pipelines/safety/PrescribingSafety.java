package uk.nhs.healthjustice.telemed.pipelines.safety;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/**
 * {@code marts/prescribing_safety} (METRICS.md, version 2): "the safety and quality of remote prescribing", per
 * period x region x site x modality group ({@code telemedicine}, {@code in_person}, {@code no_consult},
 * {@code ALL}).
 *
 * <ul>
 *   <li>A prescription belongs to the period of the London date of {@code issued_at}, to its own site, and to
 *   the modality group of its consult (by {@code consult_id} among the curated consults); a prescription whose
 *   {@code consult_id} is null or names no curated consult is {@code no_consult}.</li>
 *   <li>An incident linked to a curated prescription (by {@code prescription_id}) belongs to that prescription's
 *   period, site and modality group, whenever and wherever it occurred: the incident rates are per prescription,
 *   so the numerator follows its denominator. An incident with no known prescription is counted in
 *   {@code unlinked_incidents} on the {@code ALL} row of its own site and the period of the London date of
 *   {@code occurred_at}.</li>
 *   <li>{@code consults_attended}: attended consults by the London date of {@code scheduled_start}; null on
 *   {@code no_consult} rows.</li>
 *   <li>{@code prescription_issued_mismatch}: attended consults that say {@code prescription_issued = true} but
 *   have no prescription (counted where the consult is: its period, site and modality group), plus
 *   prescriptions whose consult says {@code false} (counted where the prescription is).</li>
 * </ul>
 *
 * <p>Every count is taken once at the finest grain (period x site x modality group) and rolled up by adding:
 * site, region and national rows, each modality group and {@code ALL}. Rates are ratios of the counts on the
 * same row, null where the denominator is 0 or null.
 */
public final class PrescribingSafety {

    /** The mart's columns and types, as {@link PublishedTables#PRESCRIBING_SAFETY} declares them once. */
    public static final StructType SCHEMA = PublishedTables.PRESCRIBING_SAFETY.schema();

    /** Modality group of a prescription issued outside any known consult. */
    public static final String NO_CONSULT = "no_consult";
    /** Harm grades counted in {@code incidents_moderate_or_worse}. */
    public static final List<String> MODERATE_OR_WORSE = List.of("moderate", "severe", "death");

    /** A fact that belongs on {@code ALL} rows only (an unlinked incident): dropped after the rollup. */
    private static final String ALL_ONLY = "_all_only";
    private static final String DAY = "_day";

    /** The additive counts, in the mart's order; each fact row carries all of them. */
    private static final List<String> COUNTS = List.of("consults_attended", "prescriptions",
            "controlled_drug_prescriptions", "high_risk_prescriptions", "in_possession_prescriptions", "incidents",
            "incidents_moderate_or_worse", "incidents_high_risk", "unlinked_incidents", "prescription_issued_mismatch");
    /** The columns that come from {@code medication_incidents}: null when that log was never delivered. */
    private static final List<String> FROM_INCIDENTS = List.of("incidents", "incidents_per_1000_prescriptions",
            "incidents_moderate_or_worse", "incidents_high_risk", "incidents_per_1000_high_risk",
            "unlinked_incidents");

    private PrescribingSafety() {
    }

    /** Every period; see {@link #compute(Dataset, Dataset, Dataset, Dataset, LocalDate)}. */
    public static Dataset<Row> compute(Dataset<Row> prescriptions, Dataset<Row> incidents, Dataset<Row> consults,
                                       Dataset<Row> sites) {
        return compute(prescriptions, incidents, consults, sites, null);
    }

    /**
     * @param prescriptions curated {@code prescriptions} ({@code prescription_id}, {@code consult_id},
     *                      {@code site_id}, {@code issued_at}, {@code controlled_drug}, {@code high_risk},
     *                      {@code supply}), or null when the log has never been delivered: the mart is then empty,
     *                      with its {@link #SCHEMA}
     * @param incidents     curated {@code medication_incidents} ({@code prescription_id}, {@code site_id},
     *                      {@code occurred_at}, {@code harm}), or null when that log has never been delivered: the
     *                      incident columns are then null (unknown, not zero)
     * @param consults      curated consults ({@code consult_id}, {@code site_id}, {@code scheduled_start},
     *                      {@code modality}, {@code outcome}, {@code prescription_issued})
     * @param sites         site register ({@code site_id}, {@code region})
     * @param fromQuarter   the rows of the periods from this quarter's first day on; every period when null (see
     *                      {@link Periods#onOrAfter}). A linked incident is in its prescription's period, so a
     *                      night's new incident changes that (possibly earlier) period.
     */
    public static Dataset<Row> compute(Dataset<Row> prescriptions, Dataset<Row> incidents, Dataset<Row> consults,
                                       Dataset<Row> sites, LocalDate fromQuarter) {
        if (prescriptions == null) {
            return consults.sparkSession().createDataFrame(List.of(), SCHEMA);
        }
        boolean incidentsKnown = incidents != null;
        Dataset<Row> inc = incidentsKnown ? incidents
                : prescriptions.sparkSession().createDataFrame(List.of(), new StructType()
                        .add("prescription_id", "string").add("site_id", "string")
                        .add("occurred_at", "timestamp").add("harm", "string"));

        // The modality group and the flag of each curated consult, for the prescriptions that name it.
        Dataset<Row> consultOf = consults.select(col("consult_id").as("_cid"),
                Modality.group(col("modality")).as("_cgroup"), col("prescription_issued").as("_cissued"));
        Dataset<Row> rx = prescriptions.join(consultOf, col("consult_id").equalTo(col("_cid")), "left")
                .select(col("prescription_id"), col("consult_id"), col("site_id"), col("controlled_drug"),
                        col("high_risk"), col("supply"), col("_cissued"),
                        LondonTime.londonDate(col("issued_at")).as(DAY),
                        coalesce(col("_cgroup"), lit(NO_CONSULT)).as(Modality.MODALITY_GROUP));

        List<Dataset<Row>> facts = new ArrayList<>();
        facts.add(facts(rx.filter(onOrAfter(col(DAY), fromQuarter)), col(DAY), col("site_id"),
                col(Modality.MODALITY_GROUP), Map.of(
                        "prescriptions", lit(true),
                        "controlled_drug_prescriptions", col("controlled_drug"),
                        "high_risk_prescriptions", col("high_risk"),
                        "in_possession_prescriptions", col("supply").equalTo("in_possession"),
                        // the consult says no prescription was issued in it, yet here is one
                        "prescription_issued_mismatch", col("_cissued").equalTo(false))));

        // Incidents: linked ones follow their prescription; the others are counted on their own site and day.
        Dataset<Row> prescribed = rx.select(col("prescription_id").as("_pid"), col(DAY).as("_pday"),
                col("site_id").as("_psite"), col(Modality.MODALITY_GROUP).as("_pgroup"), col("high_risk").as("_phr"));
        Dataset<Row> linked = inc.join(prescribed, col("prescription_id").equalTo(col("_pid")), "left");
        facts.add(facts(linked.filter(col("_pid").isNotNull().and(onOrAfter(col("_pday"), fromQuarter))),
                col("_pday"), col("_psite"), col("_pgroup"), Map.of(
                        "incidents", lit(true),
                        "incidents_moderate_or_worse", col("harm").isin(MODERATE_OR_WORSE.toArray()),
                        "incidents_high_risk", col("_phr"))));
        Column occurred = LondonTime.londonDate(col("occurred_at"));
        facts.add(facts(linked.filter(col("_pid").isNull().and(onOrAfter(occurred, fromQuarter))), occurred,
                col("site_id"), lit(ALL_ONLY), Map.of("unlinked_incidents", lit(true))));

        // Attended consults, and those that promise a prescription none names.
        Dataset<Row> withRx = prescriptions.filter(col("consult_id").isNotNull())
                .select(col("consult_id").as("_rxc")).distinct();
        Column day = LondonTime.londonDate(col("scheduled_start"));
        Dataset<Row> attended = consults.filter(col("outcome").equalTo("attended").and(onOrAfter(day, fromQuarter)))
                .join(withRx, col("consult_id").equalTo(col("_rxc")), "left");
        facts.add(facts(attended, day, col("site_id"), Modality.group(col("modality")), Map.of(
                "consults_attended", lit(true),
                "prescription_issued_mismatch", col("prescription_issued").and(col("_rxc").isNull()))));

        Dataset<Row> all = facts.get(0);
        for (Dataset<Row> f : facts.subList(1, facts.size())) {
            all = all.unionByName(f);
        }

        // Counted once at the finest grain, then every level by adding those counts.
        List<Column> sums = new ArrayList<>();
        for (String c : COUNTS) {
            sums.add(sum(col(c)).as(c));
        }
        Dataset<Row> fine = Rollups.periodsOf(all, col(DAY))
                .groupBy(col(PERIOD_TYPE), col(PERIOD_START), col(Rollups.SITE_ID), col(Modality.MODALITY_GROUP))
                .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col(Rollups.REGION));
        fine = fine.join(broadcast(regions), col(Rollups.SITE_ID).equalTo(col("_sid")), "left").drop("_sid");
        Dataset<Row> rolled = Rollups.withAll(Rollups.geography(fine), Modality.MODALITY_GROUP)
                .filter(col(Modality.MODALITY_GROUP).notEqual(ALL_ONLY));
        Dataset<Row> counts = rolled.groupBy(Rollups.keyColumns(Modality.MODALITY_GROUP).toArray(Column[]::new))
                .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));

        Column group = col(Modality.MODALITY_GROUP);
        Map<String, Column> out = new LinkedHashMap<>();
        out.put(PERIOD_TYPE, col(PERIOD_TYPE));
        out.put(PERIOD_START, col(PERIOD_START));
        out.put(PERIOD_LABEL, labelColumn());
        out.put(Rollups.REGION, col(Rollups.REGION));
        out.put(Rollups.SITE_ID, col(Rollups.SITE_ID));
        out.put(Modality.MODALITY_GROUP, group);
        out.put("consults_attended", when(group.notEqual(NO_CONSULT), col("consults_attended")));
        out.put("prescriptions", col("prescriptions"));
        out.put("prescriptions_per_100_attended",
                ratio(col("prescriptions").multiply(100.0), when(group.notEqual(NO_CONSULT), col("consults_attended"))));
        out.put("controlled_drug_prescriptions", col("controlled_drug_prescriptions"));
        out.put("high_risk_prescriptions", col("high_risk_prescriptions"));
        out.put("high_risk_share", ratio(col("high_risk_prescriptions"), col("prescriptions")));
        out.put("in_possession_prescriptions", col("in_possession_prescriptions"));
        out.put("in_possession_share", ratio(col("in_possession_prescriptions"), col("prescriptions")));
        out.put("incidents", col("incidents"));
        out.put("incidents_per_1000_prescriptions", ratio(col("incidents").multiply(1000.0), col("prescriptions")));
        out.put("incidents_moderate_or_worse", col("incidents_moderate_or_worse"));
        out.put("incidents_high_risk", col("incidents_high_risk"));
        out.put("incidents_per_1000_high_risk",
                ratio(col("incidents_high_risk").multiply(1000.0), col("high_risk_prescriptions")));
        out.put("unlinked_incidents", when(group.equalTo(Rollups.ALL), col("unlinked_incidents")));
        out.put("prescription_issued_mismatch", col("prescription_issued_mismatch"));
        if (!incidentsKnown) {
            FROM_INCIDENTS.forEach(c -> out.put(c, lit(null)));
        }
        List<Column> select = new ArrayList<>();
        for (StructField f : SCHEMA.fields()) {
            select.add(out.get(f.name()).cast(f.dataType()).as(f.name()));
        }
        return counts.select(select.toArray(Column[]::new));
    }

    /**
     * One row per input row: its day, site and modality group, and for every count of {@link #COUNTS} 1 where
     * its condition holds (a null condition counts as false), else 0.
     */
    private static Dataset<Row> facts(Dataset<Row> rows, Column day, Column site, Column group,
                                      Map<String, Column> conditions) {
        List<Column> cols = new ArrayList<>(List.of(day.as(DAY), site.as(Rollups.SITE_ID),
                group.as(Modality.MODALITY_GROUP)));
        for (String c : COUNTS) {
            Column condition = conditions.get(c);
            cols.add(condition == null ? lit(0L).as(c)
                    : when(coalesce(condition, lit(false)), lit(1L)).otherwise(lit(0L)).as(c));
        }
        return rows.select(cols.toArray(Column[]::new));
    }

    /** numerator / denominator, null when the denominator is 0 or null. */
    static Column ratio(Column numerator, Column denominator) {
        return when(denominator.notEqual(0), numerator.cast("double").divide(denominator));
    }
}
