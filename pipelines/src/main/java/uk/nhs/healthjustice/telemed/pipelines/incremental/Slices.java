package uk.nhs.healthjustice.telemed.pipelines.incremental;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;

/**
 * The slices tables are stored in, so that a nightly run rewrites only the slices its records touch and keeps
 * the others: curated records by month, period marts by quarter. A slice is named {@code yyyy-MM} (for a
 * quarter, its first month).
 */
public final class Slices {

    private Slices() {
    }

    /**
     * The month a curated record is filed under: the London month of {@code scheduled_start} for a consult
     * (the date every consult measure uses), of {@code issued_at} for a prescription and of {@code occurred_at}
     * for a medication incident or a security event (the dates their marts use), the month of
     * {@code referral_date} for a referral or an MHA case, and for a patient (no date of its own) the London month
     * of {@code record_updated_at}. Every one is required by its contract, so never null.
     */
    public static Column curatedMonth(String log) {
        Column date = switch (log) {
            case "consults" -> LondonTime.londonDate(col("scheduled_start"));
            case "prescriptions" -> LondonTime.londonDate(col("issued_at"));
            case "medication_incidents", "security_events" -> LondonTime.londonDate(col("occurred_at"));
            case "referrals", "mha_assessments" -> col("referral_date");
            case "patients" -> LondonTime.londonDate(col("record_updated_at"));
            default -> throw new IllegalArgumentException("No curated slice date for the log " + log);
        };
        return date_format(date, "yyyy-MM");
    }

    /** The name of the slice starting on a month's first day. */
    public static String name(java.time.LocalDate monthStart) {
        return monthStart.toString().substring(0, 7);
    }

    /** The quarter a mart row's period lies in: months and quarters alike fall in one quarter. */
    public static Column periodQuarter() {
        return date_format(Periods.quarterStart(col(Periods.PERIOD_START)), "yyyy-MM");
    }
}
