package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/digital_equivalence}: how far prisons are from the community, nationally, per month and quarter x
 * specialty (and {@code ALL}). METRICS.md version 2, like for like.
 *
 * <ul>
 *   <li>The community benchmark describes outpatient (secondary care) attendances, so the prison side counts
 *   only consults on referral pathways (non-null {@code referral_id}); primary care, which has no referral,
 *   is never counted.</li>
 *   <li>Specialty rows: prison telemedicine share = attended telemedicine consults / attended consults on
 *   referral pathways of that specialty, by the London date of {@code scheduled_start}; prison median wait =
 *   the national {@code median_wait_days} of {@code waiting_times} for that specialty,
 *   {@code measure = first_attendance}, all priorities and modalities (waiting times are pathways, so already
 *   referral pathways). The community values are the file's, which is monthly and per specialty: a
 *   quarter's community value is the mean of its months in the file ({@code community_months} says how
 *   many). {@code all_method} is null on specialty rows: nothing is standardised there, both sides are that
 *   specialty's own values.</li>
 *   <li>{@code ALL} rows ({@code all_method = standardised_to_prison_mix}): both sides are standardised to
 *   the prison's specialty mix of that period. Share: over the specialties S with a community share and
 *   prison attendances a_s &gt; 0, prison = sum(a_s x p_s) / sum(a_s) and community = sum(a_s x c_s) /
 *   sum(a_s); {@code prison_attended} and {@code prison_attended_telemedicine} are the sums over S, so the
 *   prison share is also their ratio. Wait: over the specialties with a community median, a prison median
 *   and completed pathways w_s &gt; 0, prison = sum(w_s x m_s) / sum(w_s) and community = sum(w_s x cm_s) /
 *   sum(w_s); {@code prison_completed_pathways} is sum(w_s). So {@code prison_median_wait_days} on an
 *   {@code ALL} row is a mix-weighted mean of specialty medians, never the pooled prison median, and the
 *   benchmark file's own {@code ALL} rows, if any, are not used. {@code community_months} is the largest
 *   over the specialties.</li>
 *   <li>{@code telemedicine_share_ratio} = prison / community; {@code wait_ratio} = prison / community;
 *   null where the community value is missing or zero.</li>
 * </ul>
 * Empty, with this schema, when no benchmark file is supplied.
 */
public final class DigitalEquivalence {

    public static final StructType SCHEMA = new StructType()
            .add(Periods.PERIOD_TYPE, DataTypes.StringType, false)
            .add(Periods.PERIOD_START, DataTypes.DateType, false)
            .add(Periods.PERIOD_LABEL, DataTypes.StringType, false)
            .add(Rollups.REGION, DataTypes.StringType, false)
            .add(Rollups.SITE_ID, DataTypes.StringType, false)
            .add("specialty_code", DataTypes.StringType, false)
            .add("prison_attended", DataTypes.LongType, true)
            .add("prison_attended_telemedicine", DataTypes.LongType, true)
            .add("prison_telemedicine_share", DataTypes.DoubleType, true)
            .add("community_telemedicine_share", DataTypes.DoubleType, true)
            .add("telemedicine_share_ratio", DataTypes.DoubleType, true)
            .add("prison_completed_pathways", DataTypes.LongType, true)
            .add("prison_median_wait_days", DataTypes.DoubleType, true)
            .add("community_median_wait_days", DataTypes.DoubleType, true)
            .add("wait_ratio", DataTypes.DoubleType, true)
            .add("community_months", DataTypes.IntegerType, true)
            .add("all_method", DataTypes.StringType, true);

    /** {@code all_method} on {@code ALL} rows. */
    public static final String STANDARDISED = "standardised_to_prison_mix";

    private DigitalEquivalence() {
    }

    /**
     * @param consults     curated consults ({@code referral_id}, {@code specialty_code}, {@code modality},
     *                     {@code outcome}, {@code scheduled_start})
     * @param waitingTimes the {@code waiting_times} mart
     * @param benchmarks   {@code month} (date, first of month), {@code specialty_code}, {@code median_wait_days},
     *                     {@code telemedicine_share}; null when the optional file was not supplied
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> waitingTimes, Dataset<Row> benchmarks) {
        if (benchmarks == null) {
            return consults.sparkSession().createDataFrame(java.util.List.of(), SCHEMA);
        }
        String[] keys = {Periods.PERIOD_TYPE, Periods.PERIOD_START, "specialty_code"};
        Column keysSpecialty = col("specialty_code");
        // secondary care only: consults on a referral pathway
        Dataset<Row> attended = consults.filter(col("outcome").equalTo("attended").and(col("referral_id").isNotNull()))
                .select(col("specialty_code").cast("string").as("specialty_code"),
                        Modality.isTelemedicine(col("modality")).as("_remote"),
                        LondonTime.londonDate(col("scheduled_start")).as("_day"));
        attended = Rollups.periodsOf(attended, col("_day"));
        Dataset<Row> prisonShare = attended.groupBy(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty)
                .agg(count(lit(1)).as("prison_attended"), count(when(col("_remote"), 1)).as("prison_attended_telemedicine"));

        Dataset<Row> prisonWait = waitingTimes.filter(col(Rollups.REGION).equalTo(Rollups.ALL)
                        .and(col(Rollups.SITE_ID).equalTo(Rollups.ALL)).and(col("measure").equalTo("first_attendance"))
                        .and(col("specialty_code").notEqual(Rollups.ALL))
                        .and(col("priority").equalTo(Rollups.ALL)).and(col("modality_group").equalTo(Rollups.ALL)))
                .select(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty,
                        col("completed_pathways").cast("long").as("prison_completed_pathways"),
                        col("median_wait_days").cast("double").as("prison_median_wait_days"));

        Dataset<Row> prison = prisonShare.join(prisonWait, keys, "full_outer");

        // community per specialty: months as given, quarters as the mean of their months; no ALL from the file
        Dataset<Row> bench = Rollups.periodsOf(benchmarks.filter(col("specialty_code").notEqual(Rollups.ALL))
                .select(col("month"), col("specialty_code").cast("string").as("specialty_code"),
                        col("median_wait_days").cast("double").as("_wait"), col("telemedicine_share").as("_share")),
                col("month"));
        Dataset<Row> community = bench.groupBy(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty)
                .agg(avg("_wait").as("_c_wait"), avg("_share").as("_c_share"), count(lit(1)).cast("int").as("_c_months"));

        Dataset<Row> bySpecialty = prison.join(community, keys, "full_outer")
                .withColumn("_p_share", when(col("prison_attended").gt(0),
                        col("prison_attended_telemedicine").divide(col("prison_attended"))))
                .withColumn("_p_wait", col("prison_median_wait_days"))
                .withColumn("all_method", lit(null).cast("string"));

        // ALL: both sides standardised to the prison's specialty mix, over the specialties where both exist
        Column inShare = col("_c_share").isNotNull().and(col("prison_attended").gt(0));
        Column inWait = col("_c_wait").isNotNull().and(col("_p_wait").isNotNull())
                .and(col("prison_completed_pathways").gt(0));
        Column shareWeight = sum(when(inShare, col("prison_attended")));
        Column waitWeight = sum(when(inWait, col("prison_completed_pathways")));
        Dataset<Row> allRows = bySpecialty.groupBy(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START))
                .agg(shareWeight.as("prison_attended"),
                        sum(when(inShare, col("prison_attended_telemedicine"))).as("prison_attended_telemedicine"),
                        sum(when(inShare, col("_p_share").multiply(col("prison_attended")))).divide(shareWeight)
                                .as("_p_share"),
                        sum(when(inShare, col("_c_share").multiply(col("prison_attended")))).divide(shareWeight)
                                .as("_c_share"),
                        waitWeight.as("prison_completed_pathways"),
                        sum(when(inWait, col("_p_wait").multiply(col("prison_completed_pathways")))).divide(waitWeight)
                                .as("_p_wait"),
                        sum(when(inWait, col("_c_wait").multiply(col("prison_completed_pathways")))).divide(waitWeight)
                                .as("_c_wait"),
                        max("_c_months").as("_c_months"))
                .withColumn("specialty_code", lit(Rollups.ALL))
                .withColumn("all_method", lit(STANDARDISED));

        return bySpecialty.select(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty,
                        col("prison_attended"), col("prison_attended_telemedicine"), col("_p_share"), col("_c_share"),
                        col("prison_completed_pathways"), col("_p_wait"), col("_c_wait"), col("_c_months"),
                        col("all_method"))
                .unionByName(allRows)
                .select(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), Periods.labelColumn(),
                        lit(Rollups.ALL).as(Rollups.REGION), lit(Rollups.ALL).as(Rollups.SITE_ID), keysSpecialty,
                        col("prison_attended"), col("prison_attended_telemedicine"),
                        col("_p_share").as("prison_telemedicine_share"),
                        col("_c_share").as("community_telemedicine_share"),
                        when(col("_c_share").gt(0), col("_p_share").divide(col("_c_share"))).as("telemedicine_share_ratio"),
                        col("prison_completed_pathways"), col("_p_wait").as("prison_median_wait_days"),
                        col("_c_wait").as("community_median_wait_days"),
                        when(col("_c_wait").gt(0), col("_p_wait").divide(col("_c_wait"))).as("wait_ratio"),
                        col("_c_months").as("community_months"), col("all_method"));
    }
}
