package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

class PercentilesTest extends SparkTestBase {

    private Row medianAndP92(Integer... values) {
        StructType schema = new StructType().add("v", DataTypes.IntegerType);
        Object[][] rows = java.util.Arrays.stream(values).map(v -> new Object[] {v}).toArray(Object[][]::new);
        Dataset<Row> df = frame(schema, rows);
        return df.agg(Percentiles.sortedValues(col("v")).as("s"))
                .select(Percentiles.nearestRank(col("s"), 50), Percentiles.nearestRank(col("s"), 92)).first();
    }

    @Test
    void oddCount() {
        // n=5: median rank ceil(2.5)=3 -> 30; p92 rank ceil(4.6)=5 -> 50 (input unsorted on purpose)
        Row r = medianAndP92(50, 10, 30, 20, 40);
        assertEquals(30, r.getInt(0));
        assertEquals(50, r.getInt(1));
    }

    @Test
    void evenCountTakesTheLowerMiddleNotTheAverage() {
        // n=4: median rank ceil(2)=2 -> 20 (not 25); p92 rank ceil(3.68)=4 -> 40
        Row r = medianAndP92(40, 10, 20, 30);
        assertEquals(20, r.getInt(0));
        assertEquals(40, r.getInt(1));
    }

    @Test
    void ties() {
        // 5,5,5,7: median rank 2 -> 5; p92 rank ceil(3.68)=4 -> 7
        Row r = medianAndP92(5, 7, 5, 5);
        assertEquals(5, r.getInt(0));
        assertEquals(7, r.getInt(1));
    }

    @Test
    void exactRankWhereFloatingPointWouldOvershoot() {
        // 0.92 * 25 = 23.000000000000004 in doubles; nearest rank is exactly 23
        Row r = medianAndP92(IntStream.rangeClosed(1, 25).boxed().toArray(Integer[]::new));
        assertEquals(13, r.getInt(0));
        assertEquals(23, r.getInt(1));
    }

    @Test
    void singleValueAndNullsIgnored() {
        Row r = medianAndP92(9, null);
        assertEquals(9, r.getInt(0));
        assertEquals(9, r.getInt(1));
        Row empty = medianAndP92((Integer) null);
        assertNull(empty.get(0));
    }
}
