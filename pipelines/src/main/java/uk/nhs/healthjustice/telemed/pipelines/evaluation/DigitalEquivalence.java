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
 * specialty (and {@code ALL}).
 *
 * <ul>
 *   <li>Prison telemedicine share = attended telemedicine consults / attended consults (all consults, as in
 *   {@code access}), by the London date of {@code scheduled_start}.</li>
 *   <li>Prison median wait = the national {@code median_wait_days} of {@code waiting_times} for
 *   {@code measure = first_attendance}, all priorities and modalities.</li>
 *   <li>Community values come from {@code reference/community_benchmarks.csv}, which is monthly and per
 *   specialty. A quarter's community value is the mean of its months in the file ({@code community_months}
 *   says how many). The file carries no {@code ALL} row, and a median cannot be pooled from medians, so the
 *   community value on {@code ALL} rows is standardised to the prison case mix: the mean of the specialty
 *   values weighted by the prison's attended consults (share) or completed pathways (wait) in each specialty,
 *   over specialties in both. A benchmark row with {@code specialty_code = ALL}, if supplied, is used as
 *   given instead.</li>
 *   <li>{@code telemedicine_share_ratio} = prison / community; {@code wait_ratio} = prison median / community
 *   median; null where the community value is missing or zero.</li>
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
            .add("community_months", DataTypes.IntegerType, true);

    private DigitalEquivalence() {
    }

    /**
     * @param consults     curated consults
     * @param waitingTimes the {@code waiting_times} mart
     * @param benchmarks   {@code month} (date, first of month), {@code specialty_code}, {@code median_wait_days},
     *                     {@code telemedicine_share}; null when the optional file was not supplied
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> waitingTimes, Dataset<Row> benchmarks) {
        if (benchmarks == null) {
            return consults.sparkSession().createDataFrame(java.util.List.of(), SCHEMA);
        }
        Column keysSpecialty = col("specialty_code");
        Dataset<Row> attended = consults.filter(col("outcome").equalTo("attended"))
                .select(col("specialty_code").cast("string").as("specialty_code"),
                        Modality.isTelemedicine(col("modality")).as("_remote"),
                        LondonTime.londonDate(col("scheduled_start")).as("_day"));
        attended = Rollups.withAll(Rollups.periodsOf(attended, col("_day")), "specialty_code");
        Dataset<Row> prisonShare = attended.groupBy(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty)
                .agg(count(lit(1)).as("prison_attended"), count(when(col("_remote"), 1)).as("prison_attended_telemedicine"));

        Dataset<Row> prisonWait = waitingTimes.filter(col(Rollups.REGION).equalTo(Rollups.ALL)
                        .and(col(Rollups.SITE_ID).equalTo(Rollups.ALL)).and(col("measure").equalTo("first_attendance"))
                        .and(col("priority").equalTo(Rollups.ALL)).and(col("modality_group").equalTo(Rollups.ALL)))
                .select(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty,
                        col("completed_pathways").cast("long").as("prison_completed_pathways"),
                        col("median_wait_days").cast("double").as("prison_median_wait_days"));

        Dataset<Row> prison = prisonShare.join(prisonWait,
                new String[] {Periods.PERIOD_TYPE, Periods.PERIOD_START, "specialty_code"}, "full_outer");

        // community per specialty: months as given, quarters as the mean of their months
        Dataset<Row> bench = Rollups.periodsOf(benchmarks.select(col("month"), col("specialty_code"),
                col("median_wait_days").cast("double").as("_wait"), col("telemedicine_share").as("_share")), col("month"));
        Dataset<Row> community = bench.groupBy(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), keysSpecialty)
                .agg(avg("_wait").as("_c_wait"), avg("_share").as("_c_share"), count(lit(1)).cast("int").as("_c_months"));

        String[] keys = {Periods.PERIOD_TYPE, Periods.PERIOD_START, "specialty_code"};
        Dataset<Row> bySpecialty = prison.filter(col("specialty_code").notEqual(Rollups.ALL))
                .join(community.filter(col("specialty_code").notEqual(Rollups.ALL)), keys, "full_outer");

        // ALL: the community standardised to the prison's specialty mix, unless the file gives ALL itself
        Dataset<Row> standardised = bySpecialty.groupBy(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START))
                .agg(sum(when(col("_c_share").isNotNull(), col("_c_share").multiply(col("prison_attended"))))
                                .divide(sum(when(col("_c_share").isNotNull(), col("prison_attended"))))
                                .as("_std_share"),
                        sum(when(col("_c_wait").isNotNull(), col("_c_wait").multiply(col("prison_completed_pathways"))))
                                .divide(sum(when(col("_c_wait").isNotNull(), col("prison_completed_pathways"))))
                                .as("_std_wait"),
                        max("_c_months").as("_std_months"))
                .withColumn("specialty_code", lit(Rollups.ALL));
        Dataset<Row> allRows = prison.filter(col("specialty_code").equalTo(Rollups.ALL))
                .join(standardised, keys, "full_outer")
                .join(community.filter(col("specialty_code").equalTo(Rollups.ALL)), keys, "left")
                .withColumn("_c_share", coalesce(col("_c_share"), col("_std_share")))
                .withColumn("_c_wait", coalesce(col("_c_wait"), col("_std_wait")))
                .withColumn("_c_months", coalesce(col("_c_months"), col("_std_months")))
                .drop("_std_share", "_std_wait", "_std_months");

        Column prisonShareValue = when(col("prison_attended").gt(0),
                col("prison_attended_telemedicine").divide(col("prison_attended")));
        return bySpecialty.unionByName(allRows)
                .select(col(Periods.PERIOD_TYPE), col(Periods.PERIOD_START), Periods.labelColumn(),
                        lit(Rollups.ALL).as(Rollups.REGION), lit(Rollups.ALL).as(Rollups.SITE_ID), keysSpecialty,
                        col("prison_attended"), col("prison_attended_telemedicine"),
                        prisonShareValue.as("prison_telemedicine_share"),
                        col("_c_share").as("community_telemedicine_share"),
                        when(col("_c_share").gt(0), prisonShareValue.divide(col("_c_share"))).as("telemedicine_share_ratio"),
                        col("prison_completed_pathways"), col("prison_median_wait_days"),
                        col("_c_wait").as("community_median_wait_days"),
                        when(col("_c_wait").gt(0), col("prison_median_wait_days").divide(col("_c_wait"))).as("wait_ratio"),
                        col("_c_months").as("community_months"));
    }
}
