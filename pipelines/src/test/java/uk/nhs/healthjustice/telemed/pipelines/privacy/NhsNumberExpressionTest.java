package uk.nhs.healthjustice.telemed.pipelines.privacy;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.schemas.NhsNumber;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/** The Spark expression and the plain Java check must agree on every input. */
class NhsNumberExpressionTest extends SparkTestBase {

    @Test
    void sparkExpressionAgreesWithJavaCheck() {
        List<String> inputs = new ArrayList<>(List.of("9434765919", "943 476 5919", "9434765910", "0000000000",
                "1000000060", "1000000010", "12345", "abcdefghij", "943  476 5919"));
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            inputs.add(String.format("%010d", Math.floorMod(random.nextLong(), 10_000_000_000L)));
        }
        Object[][] rows = inputs.stream().map(s -> new Object[] {s}).toArray(Object[][]::new);
        List<Row> got = frame(new StructType().add("n", DataTypes.StringType), rows)
                .select(col("n"), NhsNumber.isValidExpr(col("n"))).collectAsList();
        int valid = 0;
        for (Row r : got) {
            assertEquals(NhsNumber.isValid(r.getString(0)), r.getBoolean(1), r.getString(0));
            valid += r.getBoolean(1) ? 1 : 0;
        }
        // about 10 in 11 stems have a usable check digit and 1 in 10 of those match: some of each case
        assertEquals(true, valid > 20 && valid < 100, "valid count " + valid);
    }
}
