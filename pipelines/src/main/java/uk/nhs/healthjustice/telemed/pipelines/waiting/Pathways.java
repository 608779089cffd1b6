package uk.nhs.healthjustice.telemed.pipelines.waiting;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;

/**
 * Waiting-time pathways: one per referral that is not {@code cancelled} (entered in error), with its first
 * attendance, which is its earliest {@code attended} consult by instant, whatever the consult's
 * {@code first_attendance} flag says (the flag is for data-quality checks).
 */
public final class Pathways {

    public static final String FIRST_ATTENDED_AT = "first_attended_at";
    public static final String FIRST_ATTENDANCE_DATE = "first_attendance_date";
    public static final String FIRST_MODALITY = "first_attendance_modality";
    public static final String FIRST_CONSULT_ID = "first_consult_id";

    private Pathways() {
    }

    /**
     * @param referrals curated referrals
     * @param consults  curated consults
     * @param sites     site register with {@code site_id} and {@code region}
     * @return the referral's columns plus region, the first attendance's instant, London date, modality and
     *     modality group (null when never seen)
     */
    public static Dataset<Row> build(Dataset<Row> referrals, Dataset<Row> consults, Dataset<Row> sites) {
        return build(referrals, consults, sites, null);
    }

    /**
     * The pathways that can have {@code waiting_times} rows in the periods from {@code fromQuarter} on (all
     * pathways when null): those without a clock stop before it, and those with an attended consult on or
     * after it. Their first attendance still comes from all their consults, so each is what the full build
     * gives; only the others are left out, and the consults are grouped for the candidates only.
     */
    public static Dataset<Row> build(Dataset<Row> referrals, Dataset<Row> consults, Dataset<Row> sites,
                                     java.time.LocalDate fromQuarter) {
        if (fromQuarter != null) {
            Column stop = col("clock_stop_date");
            Dataset<Row> candidates = referrals
                    .filter(stop.isNull().or(Periods.onOrAfter(stop, fromQuarter)))
                    .select(col("referral_id").as("_cid"))
                    .union(consults.filter(col("outcome").equalTo("attended")
                                    .and(Periods.onOrAfter(LondonTime.londonDate(col("scheduled_start")), fromQuarter)))
                            .select(col("referral_id").as("_cid")))
                    .filter(col("_cid").isNotNull())
                    .distinct();
            referrals = referrals.join(candidates, col("referral_id").equalTo(col("_cid")), "left_semi");
            consults = consults.join(candidates, col("referral_id").equalTo(col("_cid")), "left_semi");
        }
        // min over a struct picks the earliest instant; the consult id breaks exact ties reproducibly.
        Dataset<Row> firsts = consults
                .filter(col("outcome").equalTo("attended").and(col("referral_id").isNotNull()))
                .groupBy(col("referral_id").as("_rid"))
                .agg(min(struct(col("scheduled_start"), col("consult_id"), col("modality"))).as("_first"));

        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col("region"));
        Dataset<Row> pathways = referrals.filter(col("status").notEqual("cancelled"));
        return pathways
                .join(firsts, pathways.col("referral_id").equalTo(firsts.col("_rid")), "left")
                .join(broadcast(regions), pathways.col("site_id").equalTo(regions.col("_sid")), "left")
                .withColumn(FIRST_ATTENDED_AT, col("_first.scheduled_start"))
                .withColumn(FIRST_CONSULT_ID, col("_first.consult_id"))
                .withColumn(FIRST_MODALITY, col("_first.modality"))
                .withColumn(FIRST_ATTENDANCE_DATE, LondonTime.londonDate(col(FIRST_ATTENDED_AT)))
                .withColumn(Modality.MODALITY_GROUP, Modality.group(col(FIRST_MODALITY)))
                .drop("_rid", "_sid", "_first");
    }
}
