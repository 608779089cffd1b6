package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

class PeriodsAndTimeTest extends SparkTestBase {

    private Row periodsOf(String isoDate) {
        Dataset<Row> df = frame(new StructType().add("d", DataTypes.DateType), new Object[] {date(isoDate)});
        return df.select(
                Periods.monthLabel(Periods.monthStart(col("d"))),
                Periods.quarterStart(col("d")).cast("string"),
                Periods.quarterLabel(Periods.quarterStart(col("d"))),
                Periods.periodEnd(lit("quarter"), Periods.quarterStart(col("d"))).cast("string")).first();
    }

    @Test
    void financialQuartersAroundTheYearEnd() {
        assertEquals(List.of("2026-03", "2026-01-01", "2025-26 Q4", "2026-03-31"), values(periodsOf("2026-03-31")));
        assertEquals(List.of("2026-04", "2026-04-01", "2026-27 Q1", "2026-06-30"), values(periodsOf("2026-04-01")));
        assertEquals(List.of("2026-11", "2026-10-01", "2026-27 Q3", "2026-12-31"), values(periodsOf("2026-11-24")));
        assertEquals(List.of("2027-01", "2027-01-01", "2026-27 Q4", "2027-03-31"), values(periodsOf("2027-01-15")));
        assertEquals(List.of("2099-08", "2099-07-01", "2099-00 Q2", "2099-09-30"), values(periodsOf("2099-08-01")));
    }

    @Test
    void javaQuarterLabelsAgreeWithSpark() {
        for (String d : List.of("2026-03-31", "2026-04-01", "2026-06-30", "2026-07-01", "2026-12-31", "2027-01-01")) {
            java.time.LocalDate day = java.time.LocalDate.parse(d);
            assertEquals(periodsOf(d).getString(2), Periods.quarterLabelOf(day), d);
            assertEquals(periodsOf(d).getString(1), Periods.quarterStartOf(day).toString(), d);
        }
        assertEquals("2025-26 Q4", Periods.quarterLabelOf(java.time.LocalDate.parse("2026-03-31")));
        assertEquals("2026-27 Q1", Periods.quarterLabelOf(java.time.LocalDate.parse("2026-04-01")));
    }

    @Test
    void londonDateOnTheNightsTheClocksChange() {
        StructType schema = new StructType().add("t", DataTypes.TimestampType);
        Dataset<Row> df = frame(schema,
                // 29 March 2026: clocks go forward at 01:00 GMT. 00:30 London is still GMT.
                new Object[] {instant("2026-03-29T00:30:00+00:00")},
                // 25 October 2026: 00:30 BST is 23:30 UTC the day before; London says the 25th.
                new Object[] {instant("2026-10-25T00:30:00+01:00")},
                // 00:30 BST on 1 April is 23:30 UTC on 31 March: a new month and a new financial quarter.
                new Object[] {utc("2026-03-31T23:30:00Z")},
                // 23:30 GMT on 31 December stays in December.
                new Object[] {utc("2026-12-31T23:30:00Z")});
        List<String> dates = df.select(LondonTime.londonDate(col("t")).cast("string")).collectAsList()
                .stream().map(r -> r.getString(0)).toList();
        assertEquals(List.of("2026-03-29", "2026-10-25", "2026-04-01", "2026-12-31"), dates);
    }

    private static List<String> values(Row r) {
        return List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
    }
}
