package uk.nhs.healthjustice.telemed.pipelines.incremental;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;

/**
 * How far back a night's changes reach in the period marts ({@code waiting_times}, {@code access},
 * {@code costs}, {@code cost_effectiveness}, {@code prescribing_safety}, {@code telemedicine_security}). A nightly run recomputes only the periods from the quarter of the earliest day returned here
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
 *   <li><b>The safety logs</b> ({@code prescribing_safety}, {@code telemedicine_security}): see
 *       {@link #safety}.</li>
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

    /**
     * How far back changes to the safety logs, and consults through them, reach in {@code prescribing_safety} and
     * {@code telemedicine_security} (a consult's own day is {@link #consults}'s). The London days moved are:
     * <ul>
     *   <li>a changed prescription's old and new issue day (its counts, and its linked incidents, which follow
     *       it); the day of the consult each version names (that consult's {@code prescription_issued_mismatch}
     *       is counted there); and the day of every incident naming it (an unlinked incident, counted on its own
     *       day, becomes linked when its prescription arrives);</li>
     *   <li>a changed incident's old and new day, and the issue day of the prescription each version names;</li>
     *   <li>a changed security event's old and new day;</li>
     *   <li>the issue day of every prescription naming a changed consult (its modality group and mismatch
     *       follow the consult).</li>
     * </ul>
     * Each pair is the old and new curated versions of the records a night changed, as for the other logs; the
     * last three arguments are the new curated tables. Returns one row with {@link #EARLIEST}, null when
     * nothing moved.
     */
    public static Dataset<Row> safety(Dataset<Row> prescriptionsBefore, Dataset<Row> prescriptionsAfter,
                                      Dataset<Row> incidentsBefore, Dataset<Row> incidentsAfter,
                                      Dataset<Row> eventsBefore, Dataset<Row> eventsAfter,
                                      Dataset<Row> consultsBefore, Dataset<Row> consultsAfter,
                                      Dataset<Row> prescriptions, Dataset<Row> incidents, Dataset<Row> consults) {
        Column[] rxColumns = {col("prescription_id"), col("consult_id"), col("issued_at")};
        Dataset<Row> rx = prescriptionsBefore.select(rxColumns).unionByName(prescriptionsAfter.select(rxColumns));
        Column[] incColumns = {col("prescription_id"), col("occurred_at")};
        Dataset<Row> inc = incidentsBefore.select(incColumns).unionByName(incidentsAfter.select(incColumns));
        Dataset<Row> consultIds = consultsBefore.select(col("consult_id").as("_k"))
                .unionByName(consultsAfter.select(col("consult_id").as("_k")));

        Dataset<Row> days = day(rx, "issued_at")
                .unionByName(day(semi(consults, "consult_id", rx.select(col("consult_id").as("_k"))), "scheduled_start"))
                .unionByName(day(semi(incidents, "prescription_id", rx.select(col("prescription_id").as("_k"))),
                        "occurred_at"))
                .unionByName(day(inc, "occurred_at"))
                .unionByName(day(semi(prescriptions, "prescription_id", inc.select(col("prescription_id").as("_k"))),
                        "issued_at"))
                .unionByName(day(eventsBefore, "occurred_at")).unionByName(day(eventsAfter, "occurred_at"))
                .unionByName(day(semi(prescriptions, "consult_id", consultIds), "issued_at"));
        return days.agg(min(col("_day")).as(EARLIEST));
    }

    /** The London date of a timestamp column, as {@code _day}. */
    private static Dataset<Row> day(Dataset<Row> rows, String timestamp) {
        return rows.select(LondonTime.londonDate(col(timestamp)).as("_day"));
    }

    /** The rows whose {@code key} is among {@code keys}' column {@code _k} (the changed records: few). */
    private static Dataset<Row> semi(Dataset<Row> rows, String key, Dataset<Row> keys) {
        return rows.join(broadcast(keys.filter(col("_k").isNotNull()).distinct()), col(key).equalTo(col("_k")),
                "left_semi");
    }

    /** The referral fields that place a pathway's rows (the clock stop aside). */
    private static Column pathwayShape() {
        return struct(col("site_id"), col("specialty_code"), col("priority"), col("referral_date"),
                col("status").equalTo("cancelled").as("cancelled"));
    }
}
