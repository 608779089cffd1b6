package uk.nhs.healthjustice.telemed.pipelines.curation;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

class VersionMergeTest extends SparkTestBase {

    static final StructType VERSIONS = new StructType()
            .add("referral_id", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("record_updated_at", DataTypes.TimestampType)
            .add("load_date", DataTypes.DateType)
            .add("source_file", DataTypes.StringType)
            .add("source_row", DataTypes.IntegerType);

    private Dataset<Row> hashed(Object[]... rows) {
        return VersionMerge.withContentHash(frame(VERSIONS, rows),
                List.of("referral_id", "status", "record_updated_at"));
    }

    @Test
    void newestValidVersionWinsAndReDeliveriesChangeNothing() {
        String n1 = "load_date=2026-03-01/r.csv";
        String n2 = "load_date=2026-03-02/r.csv";
        Dataset<Row> earlier = hashed(
                new Object[] {"A", "open", instant("2026-03-01T10:00:00+01:00"), date("2026-03-01"), n1, 2},
                new Object[] {"B", "open", instant("2026-03-01T10:00:00Z"), date("2026-03-01"), n1, 3},
                new Object[] {"D", "open", instant("2026-03-01T10:00:00Z"), date("2026-03-01"), n1, 4});
        Dataset<Row> tonight = hashed(
                // A again: the same instant written in UTC is an exact re-delivery
                new Object[] {"A", "open", instant("2026-03-01T09:00:00Z"), date("2026-03-02"), n2, 2},
                new Object[] {"B", "closed", instant("2026-03-02T11:00:00Z"), date("2026-03-02"), n2, 3},
                // a stale version older than what is curated
                new Object[] {"B", "cancelled", instant("2026-03-01T09:00:00Z"), date("2026-03-02"), n2, 4},
                // two versions of C in one night: the newer wins
                new Object[] {"C", "open", instant("2026-03-02T08:00:00Z"), date("2026-03-02"), n2, 5},
                new Object[] {"C", "closed", instant("2026-03-02T09:00:00Z"), date("2026-03-02"), n2, 6},
                // same instant, different content: the later delivery wins
                new Object[] {"D", "closed", instant("2026-03-01T10:00:00Z"), date("2026-03-02"), n2, 7},
                // one version delivered twice in one night: the first copy counts
                new Object[] {"E", "open", instant("2026-03-02T07:00:00Z"), date("2026-03-02"), n2, 8},
                new Object[] {"E", "open", instant("2026-03-02T07:00:00Z"), date("2026-03-02"), n2, 9});

        VersionMerge.Result result = VersionMerge.merge(earlier, tonight, Contracts.REFERRALS);

        Map<String, String> curated = new TreeMap<>();
        for (Row r : result.curated().select(col("referral_id"), col("status"), col("source_file"), col("source_row"))
                .collectAsList()) {
            curated.put(r.getString(0), r.getString(1) + "@" + r.getString(2).substring(10, 20) + "#" + r.getInt(3));
        }
        assertEquals(Map.of(
                "A", "open@2026-03-01#2",
                "B", "closed@2026-03-02#3",
                "C", "closed@2026-03-02#6",
                "D", "closed@2026-03-02#7",
                "E", "open@2026-03-02#8"), curated);

        Map<Integer, String> outcome = new TreeMap<>();
        for (Row r : result.incoming().select(col("source_row"), col(VersionMerge.VERSION_OUTCOME)).collectAsList()) {
            outcome.put(r.getInt(0), r.getString(1));
        }
        assertEquals(Map.of(2, "superseded", 3, "curated", 4, "superseded", 5, "superseded", 6, "curated",
                7, "curated", 8, "curated", 9, "superseded"), outcome);
    }

    @Test
    void severalNightsInOnePassAreClassifiedAsIfRunOneByOne() {
        String n1 = "load_date=2026-03-01/r.csv";
        String n2 = "load_date=2026-03-02/r.csv";
        String n3 = "load_date=2026-03-03/r.csv";
        Dataset<Row> nights = hashed(
                new Object[] {"A", "open", utc("2026-03-01T10:00:00Z"), date("2026-03-01"), n1, 2},
                // night 2: a newer version (curated when night 2 ran) ...
                new Object[] {"A", "closed", utc("2026-03-02T10:00:00Z"), date("2026-03-02"), n2, 2},
                // ... and night 3 brings an even newer one, which does not change night 2's outcome
                new Object[] {"A", "cancelled", utc("2026-03-03T10:00:00Z"), date("2026-03-03"), n3, 2},
                // night 3 re-delivers night 1's version: older than curated, superseded
                new Object[] {"A", "open", utc("2026-03-01T10:00:00Z"), date("2026-03-03"), n3, 3},
                // B: night 3 has an older version than night 2's
                new Object[] {"B", "closed", utc("2026-03-02T12:00:00Z"), date("2026-03-02"), n2, 3},
                new Object[] {"B", "open", utc("2026-03-01T12:00:00Z"), date("2026-03-03"), n3, 4});
        Dataset<Row> empty = spark().createDataFrame(List.of(), nights.schema());
        VersionMerge.Result result = VersionMerge.merge(empty, nights, Contracts.REFERRALS);
        Map<String, String> outcome = new TreeMap<>();
        for (Row r : result.incoming().select(col("referral_id"), col("status"), col("load_date"),
                col(VersionMerge.VERSION_OUTCOME)).collectAsList()) {
            outcome.put(r.getString(0) + " " + r.getString(1) + " " + r.get(2), r.getString(3));
        }
        assertEquals(Map.of(
                "A open 2026-03-01", "curated",
                "A closed 2026-03-02", "curated",
                "A cancelled 2026-03-03", "curated",
                "A open 2026-03-03", "superseded",
                "B closed 2026-03-02", "curated",
                "B open 2026-03-03", "superseded"), outcome);
        assertEquals(2, result.curated().count());
    }

    @Test
    void aRerunOfTheSameNightGivesTheSameResult() {
        String n1 = "load_date=2026-03-01/r.csv";
        Dataset<Row> night = hashed(
                new Object[] {"A", "open", instant("2026-03-01T10:00:00Z"), date("2026-03-01"), n1, 2});
        Dataset<Row> empty = spark().createDataFrame(List.of(), night.schema());
        VersionMerge.Result first = VersionMerge.merge(empty, night, Contracts.REFERRALS);
        assertEquals(1, first.curated().count());
        assertEquals("curated", first.incoming().first().getAs(VersionMerge.VERSION_OUTCOME));
    }
}
