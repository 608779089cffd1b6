package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;

/** Calendar days are taken in Europe/London (data contract), whatever the instant's offset said. */
public final class LondonTime {

    public static final String ZONE = "Europe/London";

    private LondonTime() {
    }

    /**
     * The London calendar date of an instant. {@code from_utc_timestamp} reads the stored instant as UTC wall
     * time, which is only right when the session time zone is UTC; {@link #requireUtcSession} guards that.
     */
    public static Column londonDate(Column instant) {
        return to_date(from_utc_timestamp(instant, ZONE));
    }

    /** Fails fast when the session would shift London dates. */
    public static void requireUtcSession(SparkSession spark) {
        String tz = spark.conf().get("spark.sql.session.timeZone");
        if (!"UTC".equals(tz) && !"Etc/UTC".equals(tz) && !"Z".equals(tz)) {
            throw new IllegalStateException("Cannot compute London dates: spark.sql.session.timeZone is " + tz
                    + " (expected UTC)");
        }
    }
}
