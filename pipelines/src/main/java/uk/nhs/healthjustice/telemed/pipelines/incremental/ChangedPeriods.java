package uk.nhs.healthjustice.telemed.pipelines.incremental;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;

/**
 * How far back a night's changes reach in the period marts ({@code waiting_times}, {@code access},
 * {@code costs}). A nightly run recomputes only the periods from the quarter of the earliest day returned here
 * and keeps the earlier periods of the previous marts; these rules are what makes that equal to a full
 * rebuild:
 *
 * <ul>
 *   <li><b>Consults.</b> A consult counts in {@code access} and {@code costs} in the period of the London
 *       date of its scheduled start. In {@code waiting_times} it counts only as its referral's first
 *       attendance (the earliest attended consult), and that minimum can change only to or from this
 *       consult's own date. So the old and the new version's London dates bound everything it moves.</li>
 *   <li><b>Referrals.</b> A referral whose site, specialty, priority, referral date or cancelled state
 *       changed (or that is new) moves every row of its pathway: from the earliest of its referral dates,
 *       clock stops and first attendance. Otherwise only its clock stop can have changed, and a pathway's
 *       rows before the earlier of its old and new clock stops do not depend on it (the waiting list at a
 *       period end before both stops is the same).</li>
 * </ul>
 *
 * <p>Each function takes the old and new curated versions of the records whose curated version a night
 * changed (old is empty for new records; a delivered version that was superseded changes nothing) and
 * returns one row with {@link #EARLIEST}, null when nothing reaches the marts.
 */
public final class ChangedPeriods {

    public static final String EARLIEST = "earliest_changed_day";

    private ChangedPeriods() {
    }

    /** The earliest London date of the old or new version of any changed consult. */
    public static Dataset<Row> consults(Dataset<Row> before, Dataset<Row> after) {
        return before.select(col("scheduled_start")).unionByName(after.select(col("scheduled_start")))
                .agg(min(LondonTime.londonDate(col("scheduled_start"))).as(EARLIEST));
    }

    /**
     * @param before   old curated versions of the changed referrals (none for new ones)
     * @param after    their new curated versions
     * @param consults the new curated consults (for the first attendance of referrals whose pathway moved)
     */
    public static Dataset<Row> referrals(Dataset<Row> before, Dataset<Row> after, Dataset<Row> consults) {
        Dataset<Row> old = before.select(col("referral_id").as("_oid"), pathwayShape().as("_old"),
                col("referral_date").as("_old_referral"), col("clock_stop_date").as("_old_stop"));
        Dataset<Row> now = after.select(col("referral_id"), pathwayShape().as("_new"),
                col("referral_date").as("_new_referral"), col("clock_stop_date").as("_new_stop"));
        Dataset<Row> firsts = consults
                .filter(col("outcome").equalTo("attended"))
                .join(broadcast(after.select(col("referral_id").as("_rid"))),
                        col("referral_id").equalTo(col("_rid")), "left_semi")
                .groupBy(col("referral_id").as("_fid"))
                .agg(min(LondonTime.londonDate(col("scheduled_start"))).as("_first_day"));

        Column stops = least(col("_old_stop"), col("_new_stop"));
        Column moved = col("_old").isNull().or(not(col("_old").eqNullSafe(col("_new"))));
        Column everything = least(col("_old_referral"), col("_new_referral"), stops, col("_first_day"));
        return now.join(old, col("referral_id").equalTo(col("_oid")), "left")
                .join(firsts, col("referral_id").equalTo(col("_fid")), "left")
                .agg(min(when(moved, everything).otherwise(stops)).as(EARLIEST));
    }

    /** The referral fields that place a pathway's rows (the clock stop aside). */
    private static Column pathwayShape() {
        return struct(col("site_id"), col("specialty_code"), col("priority"), col("referral_date"),
                col("status").equalTo("cancelled").as("cancelled"));
    }
}
