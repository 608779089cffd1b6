package uk.nhs.healthjustice.telemed.pipelines.access;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.DayHistogram;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/access}: appointments due, attended, missed and cancelled, per period x region x site x
 * modality group. A consult belongs to the period of the London date of its scheduled start; consults still
 * {@code booked} have not happened and are not counted. Consults on cancelled referrals still happened and
 * count here.
 */
public final class Access {

    public static final String GIC = "GIC";

    private Access() {
    }

    /**
     * @param consults   curated consults
     * @param sites      site register with site_id and region
     * @param population from {@link Population#byPeriod}
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> sites, Dataset<Row> population) {
        return compute(consults, sites, population, null);
    }

    /** The rows of the periods from {@code fromQuarter} on (every period when null); see {@link Periods#onOrAfter}. */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> sites, Dataset<Row> population,
                                       java.time.LocalDate fromQuarter) {
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col("region"));
        Column outcome = col("outcome");
        Column tele = Modality.isTelemedicine(col("modality"));

        Dataset<Row> due = consults.filter(outcome.notEqual("booked")
                        .and(onOrAfter(LondonTime.londonDate(col("scheduled_start")), fromQuarter)))
                .join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .select(col("region"), col("site_id"), col("patient_key"), col("specialty_code"), outcome,
                        col("technical_failure"), tele.as("_tele"),
                        Modality.group(col("modality")).as(Modality.MODALITY_GROUP),
                        LondonTime.londonDate(col("scheduled_start")).as("_day"));
        Dataset<Row> facts = Rollups.periodsOf(due, col("_day"));

        // Additive counts: the consults counted once at the finest grain, then every rollup level by adding
        // those counts, so no consult is repeated per level.
        Dataset<Row> fine = DayHistogram.countBy(facts, List.of(PERIOD_TYPE, PERIOD_START, "region", "site_id",
                Modality.MODALITY_GROUP, "specialty_code", "outcome", "technical_failure", "_tele"));
        fine = Rollups.geography(fine);
        fine = Rollups.withAll(fine, Modality.MODALITY_GROUP);

        Column attended = outcome.equalTo("attended");
        List<Column> keys = Rollups.keyColumns(Modality.MODALITY_GROUP);
        Dataset<Row> counts = fine.groupBy(keys.toArray(Column[]::new)).agg(
                DayHistogram.countWhere(lit(true)).as("consults_due"),
                DayHistogram.countWhere(attended).as("attended"),
                DayHistogram.countWhere(outcome.equalTo("did_not_attend")).as("did_not_attend"),
                DayHistogram.countWhere(outcome.equalTo("cancelled_no_escort")).as("cancelled_no_escort"),
                DayHistogram.countWhere(outcome.equalTo("cancelled_security")).as("cancelled_security"),
                // the remaining reasons: by the patient, by the provider, technical
                DayHistogram.countWhere(outcome.startsWith("cancelled_").and(outcome.notEqual("cancelled_no_escort"))
                        .and(outcome.notEqual("cancelled_security"))).as("cancelled_other"),
                DayHistogram.countWhere(attended.and(col("_tele"))).as("attended_telemedicine"),
                // specialty is in the grain: the distinct specialties of the counted rows
                size(collect_set(when(attended, col("specialty_code")))).cast("long").as("specialties_attended"),
                DayHistogram.countWhere(attended.and(col("specialty_code").equalTo(GIC))).as("gic_attended"),
                DayHistogram.countWhere(col("_tele")).as("telemedicine_due"),
                DayHistogram.countWhere(col("_tele").and(col("technical_failure"))).as("technical_failures"));

        // Distinct patients do not add up across levels: one distinct (level, patient) set, counted per level.
        List<String> keyNames = List.of(PERIOD_TYPE, PERIOD_START, Rollups.REGION, Rollups.SITE_ID,
                Modality.MODALITY_GROUP);
        Dataset<Row> seen = facts.filter(attended.and(col("patient_key").isNotNull()))
                .select(col(PERIOD_TYPE), col(PERIOD_START), col("region"), col("site_id"),
                        col(Modality.MODALITY_GROUP), col("patient_key"))
                .dropDuplicates();
        seen = Rollups.withAll(Rollups.geography(seen), Modality.MODALITY_GROUP).dropDuplicates();
        seen = seen.groupBy(keys.toArray(Column[]::new)).agg(count(lit(1)).as("_patients"));
        for (String k : keyNames) {
            seen = seen.withColumnRenamed(k, "_seen_" + k);
        }
        Column sameKey = lit(true);
        for (String k : keyNames) {
            sameKey = sameKey.and(counts.col(k).eqNullSafe(seen.col("_seen_" + k)));
        }
        counts = counts.join(seen, sameKey, "left")
                .withColumn("patients_seen", coalesce(col("_patients"), lit(0L)));

        Dataset<Row> pop = population.select(col(PERIOD_TYPE).as("_pt"), col(PERIOD_START).as("_ps"),
                col("region").as("_r"), col("site_id").as("_s"), col(Population.AVERAGE_POPULATION));
        Dataset<Row> joined = counts.join(pop, col(PERIOD_TYPE).equalTo(col("_pt"))
                .and(col(PERIOD_START).equalTo(col("_ps")))
                .and(col("region").equalTo(col("_r")))
                .and(col("site_id").equalTo(col("_s"))), "left");

        Column isAll = col(Modality.MODALITY_GROUP).equalTo(Rollups.ALL);
        return joined.select(
                col(PERIOD_TYPE), col(PERIOD_START), labelColumn(), col("region"), col("site_id"),
                col(Modality.MODALITY_GROUP),
                col(Population.AVERAGE_POPULATION),
                col("consults_due"), col("attended"), col("did_not_attend"), col("cancelled_no_escort"),
                col("cancelled_other"), col("cancelled_security"),
                ratio(col("attended").multiply(1000.0), col(Population.AVERAGE_POPULATION)).as("attended_per_1000"),
                ratio(col("did_not_attend"), col("attended").plus(col("did_not_attend"))).as("dna_rate"),
                when(isAll, ratio(col("attended_telemedicine"), col("attended"))).as("telemedicine_share"),
                col("attended_telemedicine"),
                col("patients_seen"), col("specialties_attended"), col("gic_attended"),
                col("technical_failures"), col("telemedicine_due"),
                ratio(col("technical_failures"), col("telemedicine_due")).as("technical_failure_rate"));
    }

    /** numerator / denominator, null when the denominator is 0 or null. */
    static Column ratio(Column numerator, Column denominator) {
        return when(denominator.notEqual(0), numerator.cast("double").divide(denominator));
    }
}
