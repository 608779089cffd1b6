package uk.nhs.healthjustice.telemed.pipelines.equity;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.DayHistogram;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;

/**
 * {@code marts/equity} (METRICS.md version 2): who gets telemedicine and how long they wait, by demographic
 * group, beside the national value. The seed's argument is about inequality: prisoners should not fall further
 * behind, and a group left out of remote care (the oldest, say) would not show in the site totals.
 *
 * <p>Grain: quarter x region x {@code dimension} ({@link #DIMENSIONS}) x {@code group_value}. National and region
 * rows only, with no {@code site_id} column: site-level demographic cells would identify people. Each dimension
 * also has a {@code group_value = ALL} row (everyone), the rollup the shared conventions ask for, which is the
 * same in every dimension.
 *
 * <ul>
 *   <li>People and pathways take their patient's current curated {@code patients} record. A patient with no
 *   record, or a null field, is in the group {@link #UNKNOWN} for that field; booleans are {@code true} /
 *   {@code false}.</li>
 *   <li>Consults as in {@code access}: the quarter of the London date of {@code scheduled_start}, the region
 *   of the consult's site; {@code attended}, {@code did_not_attend}, {@code attended_telemedicine},
 *   {@code gic_attended}, {@code patients_seen} (distinct patients with an attendance), {@code dna_rate},
 *   {@code telemedicine_share}.</li>
 *   <li>Pathways as in {@code waiting_times} with {@code measure = first_attendance}: completed in the quarter
 *   of the first attendance's London date, wait from {@code referral_date}, the region of the referral's
 *   site, cancelled referrals left out ({@link Pathways}); {@code completed_pathways} and the nearest-rank
 *   {@code median_wait_days}.</li>
 *   <li>{@code telemedicine_share_vs_all} and {@code median_wait_vs_all}: the row's value divided by the
 *   national value for everyone in the same quarter ({@code national_telemedicine_share},
 *   {@code national_median_wait_days}, on every row so that the published ratio can be recomputed from the
 *   published share); null where either is null or the national value is 0.</li>
 * </ul>
 *
 * <p>Every quarter is recomputed from all history: a patient's record can change, and their past rows with it.
 */
public final class Equity {

    public static final String DIMENSION = "dimension";
    public static final String GROUP_VALUE = "group_value";
    public static final String UNKNOWN = "unknown";
    /** The demographic fields of the {@code patients} log, in the contract's order. */
    public static final List<String> DIMENSIONS = List.of("age_band", "sex", "gender_identity_differs",
            "ethnic_group", "disability");

    /** The mart's columns, in order (also the schema of the empty mart). */
    public static final StructType SCHEMA = new StructType()
            .add(PERIOD_TYPE, DataTypes.StringType)
            .add(PERIOD_START, DataTypes.DateType)
            .add(PERIOD_LABEL, DataTypes.StringType)
            .add(Rollups.REGION, DataTypes.StringType)
            .add(DIMENSION, DataTypes.StringType)
            .add(GROUP_VALUE, DataTypes.StringType)
            .add("patients_seen", DataTypes.LongType)
            .add("attended", DataTypes.LongType)
            .add("attended_telemedicine", DataTypes.LongType)
            .add("did_not_attend", DataTypes.LongType)
            .add("telemedicine_share", DataTypes.DoubleType)
            .add("dna_rate", DataTypes.DoubleType)
            .add("gic_attended", DataTypes.LongType)
            .add("completed_pathways", DataTypes.LongType)
            .add("median_wait_days", DataTypes.IntegerType)
            .add("national_telemedicine_share", DataTypes.DoubleType)
            .add("telemedicine_share_vs_all", DataTypes.DoubleType)
            .add("national_median_wait_days", DataTypes.IntegerType)
            .add("median_wait_vs_all", DataTypes.DoubleType);

    private static final String GIC = "GIC";
    private static final String KEY = "patient_key";

    private Equity() {
    }

    /**
     * @param consults curated consults ({@code patient_key}, {@code site_id}, {@code specialty_code},
     *                 {@code scheduled_start}, {@code modality}, {@code outcome})
     * @param pathways from {@link Pathways#build} (with {@code patient_key}, {@code region},
     *                 {@code referral_date}, {@link Pathways#FIRST_ATTENDANCE_DATE})
     * @param patients curated {@code patients} ({@code patient_key} and the {@link #DIMENSIONS}, one row per
     *                 patient), or null when the log was never delivered: the mart is then empty, with its schema
     * @param sites    site register ({@code site_id}, {@code region})
     */
    public static Dataset<Row> compute(Dataset<Row> consults, Dataset<Row> pathways, Dataset<Row> patients,
                                       Dataset<Row> sites) {
        if (patients == null) {
            return consults.sparkSession().createDataFrame(List.of(), SCHEMA);
        }
        Dataset<Row> groups = patients.select(demographics());
        List<String> keys = List.of(PERIOD_START, Rollups.REGION, DIMENSION, GROUP_VALUE);

        // Consults: first one row per quarter x region x patient, and per quarter x patient for the nation (a
        // patient seen in two regions is one patient nationally). Each such row has one group per dimension, so
        // after the dimension copies a group's distinct patients are its rows with an attendance: no distinct
        // count over the copies, which would shuffle every copy.
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col(Rollups.REGION));
        Column outcome = col("outcome");
        Column attended = outcome.equalTo("attended");
        Dataset<Row> byRegion = consults.filter(outcome.isin("attended", "did_not_attend"))
                .join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .groupBy(quarterStart(LondonTime.londonDate(col("scheduled_start"))).as(PERIOD_START),
                        col(Rollups.REGION), col(KEY))
                .agg(count(when(attended, lit(1))).as("_att"),
                        count(when(attended.and(Modality.isTelemedicine(col("modality"))), lit(1))).as("_tele"),
                        count(when(outcome.equalTo("did_not_attend"), lit(1))).as("_dna"),
                        count(when(attended.and(col("specialty_code").equalTo(GIC)), lit(1))).as("_gic"));
        Dataset<Row> nationally = byRegion.groupBy(col(PERIOD_START), col(KEY))
                .agg(sum("_att").as("_att"), sum("_tele").as("_tele"), sum("_dna").as("_dna"), sum("_gic").as("_gic"))
                .withColumn(Rollups.REGION, lit(Rollups.ALL));
        Dataset<Row> perPatient = byRegion.unionByName(nationally);
        Dataset<Row> consultRows = groupLevels(withGroups(perPatient, groups))
                .groupBy(columns(keys))
                .agg(count(when(col("_att").gt(0).and(col(KEY).isNotNull()), lit(1))).as("patients_seen"),
                        sum(col("_att")).as("attended"),
                        sum(col("_tele")).as("attended_telemedicine"),
                        sum(col("_dna")).as("did_not_attend"),
                        sum(col("_gic")).as("gic_attended"));

        // Pathways: counts per wait day at the finest grain, then rolled up by adding them (exact medians).
        Column firstDate = col(Pathways.FIRST_ATTENDANCE_DATE);
        Dataset<Row> completed = withGroups(pathways.filter(firstDate.isNotNull())
                        .select(quarterStart(firstDate).as(PERIOD_START), col(Rollups.REGION), col(KEY),
                                datediff(firstDate, col("referral_date")).as("_wait")), groups);
        List<String> fine = new ArrayList<>(List.of(PERIOD_START, Rollups.REGION));
        fine.addAll(DIMENSIONS);
        fine.add("_wait");
        Dataset<Row> waitCounts = DayHistogram.countBy(completed, fine);
        List<String> withWait = new ArrayList<>(keys);
        withWait.add("_wait");
        Dataset<Row> pathwayRows = DayHistogram.sumBy(levels(waitCounts), withWait)
                .groupBy(columns(keys))
                .agg(DayHistogram.countWhere(lit(true)).as("completed_pathways"),
                        DayHistogram.nearestRank(DayHistogram.histogram(col("_wait")), 50).as("median_wait_days"));

        Column sameKey = lit(true);
        for (String k : keys) {
            sameKey = sameKey.and(consultRows.col(k).eqNullSafe(pathwayRows.col(k)));
        }
        List<Column> joined = new ArrayList<>();
        for (String k : keys) {
            joined.add(coalesce(consultRows.col(k), pathwayRows.col(k)).as(k));
        }
        for (String c : List.of("patients_seen", "attended", "attended_telemedicine", "did_not_attend",
                "gic_attended")) {
            joined.add(coalesce(consultRows.col(c), lit(0L)).as(c));
        }
        joined.add(coalesce(pathwayRows.col("completed_pathways"), lit(0L)).as("completed_pathways"));
        joined.add(pathwayRows.col("median_wait_days").cast("int").as("median_wait_days"));
        Dataset<Row> rows = consultRows.join(pathwayRows, sameKey, "full_outer").select(joined.toArray(Column[]::new))
                .withColumn("telemedicine_share", ratio(col("attended_telemedicine"), col("attended")))
                .withColumn("dna_rate", ratio(col("did_not_attend"), col("attended").plus(col("did_not_attend"))));

        // The national value for everyone: the national ALL row, the same in every dimension (one per quarter).
        Dataset<Row> national = rows.filter(col(Rollups.REGION).equalTo(Rollups.ALL)
                        .and(col(GROUP_VALUE).equalTo(Rollups.ALL)).and(col(DIMENSION).equalTo(DIMENSIONS.get(0))))
                .select(col(PERIOD_START).as("_nps"), col("telemedicine_share").as("national_telemedicine_share"),
                        col("median_wait_days").as("national_median_wait_days"));
        Dataset<Row> out = rows.join(national, col(PERIOD_START).equalTo(col("_nps")), "left")
                .withColumn(PERIOD_TYPE, lit(QUARTER))
                .withColumn(PERIOD_LABEL, quarterLabel(col(PERIOD_START)))
                .withColumn("telemedicine_share_vs_all",
                        ratio(col("telemedicine_share"), col("national_telemedicine_share")))
                .withColumn("median_wait_vs_all", ratio(col("median_wait_days"), col("national_median_wait_days")));
        return out.select(columns(List.of(SCHEMA.fieldNames())));
    }

    /** The patient's key and each demographic field as text ({@code true}/{@code false} for a boolean). */
    private static Column[] demographics() {
        List<Column> out = new ArrayList<>();
        out.add(col(KEY).as("_pkey"));
        for (String d : DIMENSIONS) {
            out.add(col(d).cast("string").as(d));
        }
        return out.toArray(Column[]::new);
    }

    /** Adds the patient's demographic columns; a patient with no record is {@link #UNKNOWN} in every one. */
    private static Dataset<Row> withGroups(Dataset<Row> rows, Dataset<Row> groups) {
        Dataset<Row> joined = rows.join(groups, rows.col(KEY).equalTo(groups.col("_pkey")), "left").drop("_pkey");
        for (String d : DIMENSIONS) {
            joined = joined.withColumn(d, coalesce(col(d), lit(UNKNOWN)));
        }
        return joined;
    }

    /** Repeats each row once per (dimension, its group), then for its group and {@code ALL}: 5 x 2 copies. */
    private static Dataset<Row> groupLevels(Dataset<Row> rows) {
        List<Column> pairs = new ArrayList<>();
        for (String d : DIMENSIONS) {
            pairs.add(struct(lit(d).as("d"), col(d).as("g")));
        }
        Dataset<Row> out = rows.withColumn("_dg", explode(array(pairs.toArray(Column[]::new))))
                .withColumn(DIMENSION, col("_dg.d"))
                .withColumn(GROUP_VALUE, col("_dg.g"))
                .drop(DIMENSIONS.toArray(String[]::new)).drop("_dg");
        return Rollups.withAll(out, GROUP_VALUE);
    }

    /** {@link #groupLevels}, then each copy for its region and the nation: 5 x 2 x 2 copies. */
    private static Dataset<Row> levels(Dataset<Row> rows) {
        Dataset<Row> out = groupLevels(rows);
        return out.withColumn(Rollups.REGION, explode(array(col(Rollups.REGION), lit(Rollups.ALL))));
    }

    /** numerator / denominator as a double, null when the denominator is 0 or null. */
    static Column ratio(Column numerator, Column denominator) {
        return when(denominator.notEqual(0), numerator.cast("double").divide(denominator));
    }

    private static Column[] columns(List<String> names) {
        return names.stream().map(n -> col(n)).toArray(Column[]::new);
    }
}
