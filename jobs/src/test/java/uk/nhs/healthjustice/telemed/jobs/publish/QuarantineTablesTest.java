package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Staging and publishing the quarantine, worked by hand on rows named by their night and line:
 * <ol>
 *   <li>a backfill of 03-29..03-30 rejects referrals lines 1 and 2 of 03-29 and line 1 of 03-30, line 4 of
 *       03-30 in mha_assessments, and nothing in consults (no consults table is made): referrals holds those 3
 *       rows, mha_assessments 1, each at version 0 (the logs are published two at a time; the versions come back
 *       in log order);</li>
 *   <li>a rerun of 03-30 that rejects nothing replaces that night by nothing: 03-29's 2 rows stay, version 1;</li>
 *   <li>the same rerun again changes nothing: no commit (Delta skips an empty one), still version 1;</li>
 *   <li>a nightly of 03-31 that rejects nothing, a night the table has never held: no write at all, version 1;</li>
 *   <li>staged but not marked complete ({@code _nights} missing): not publishable.</li>
 * </ol>
 * And an output folder from before Delta, whose {@code quarantine/consults} holds plain Parquet partitions
 * (03-28, one row), is converted: publishing 03-29's one row keeps 03-28's, 2 rows in all.
 */
class QuarantineTablesTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType()
            .add("referral_id", DataTypes.StringType)
            .add("source_file", DataTypes.StringType)
            .add("source_row", DataTypes.LongType)
            .add("broken_rules", DataTypes.createArrayType(DataTypes.StringType))
            .add("load_date", DataTypes.DateType);

    @TempDir
    Path tmp;

    @Test
    void publishesTheStagedNightsReplacingThemAndOnlyThem() {
        QuarantineTables tables = new QuarantineTables(spark(), tmp.resolve("quarantine").toString());
        String backfill = tmp.resolve("g1/staged-quarantine").toString();
        tables.stage("referrals", frame(SCHEMA,
                row("R1", "a.csv", 1, "2026-03-29"), row("R2", "a.csv", 2, "2026-03-29"),
                row("R9", "b.csv", 1, "2026-03-30")), backfill);
        tables.stage("consults", spark().createDataFrame(List.of(), SCHEMA), backfill);
        tables.stage("mha_assessments", frame(SCHEMA, row("M1", "m.csv", 4, "2026-03-30")), backfill);
        Assertions.assertFalse(tables.isStaged(backfill), "not complete until its nights are written");
        tables.stageNights(backfill, LocalDate.parse("2026-03-29"), LocalDate.parse("2026-03-30"));
        Assertions.assertTrue(tables.isStaged(backfill));

        Map<String, Long> published = tables.publish(backfill);
        Assertions.assertEquals(Map.of("mha_assessments", 0L, "referrals", 0L), published);
        Assertions.assertEquals(List.of("mha_assessments", "referrals"), List.copyOf(published.keySet()));
        Assertions.assertEquals(List.of("R1", "R2", "R9"), ids("referrals"));
        Assertions.assertEquals(List.of("M1"), ids("mha_assessments"));
        Assertions.assertFalse(Files.exists(tmp.resolve("quarantine/consults")), "nothing rejected, no table");

        String rerun = tmp.resolve("g2/staged-quarantine").toString();
        tables.stage("referrals", spark().createDataFrame(List.of(), SCHEMA), rerun);
        tables.stageNights(rerun, LocalDate.parse("2026-03-30"), LocalDate.parse("2026-03-30"));
        Assertions.assertEquals(Map.of("referrals", 1L), tables.publish(rerun));
        Assertions.assertEquals(List.of("R1", "R2"), ids("referrals"), "03-30 replaced by nothing, 03-29 kept");

        tables.discard(rerun);
        Assertions.assertFalse(Files.exists(Path.of(rerun)));

        String again = tmp.resolve("g3/staged-quarantine").toString();
        tables.stage("referrals", spark().createDataFrame(List.of(), SCHEMA), again);
        tables.stageNights(again, LocalDate.parse("2026-03-30"), LocalDate.parse("2026-03-30"));
        Assertions.assertEquals(Map.of("referrals", 1L), tables.publish(again), "nothing to change: no commit");
        Assertions.assertEquals(List.of("R1", "R2"), ids("referrals"));

        String nightly = tmp.resolve("g4/staged-quarantine").toString();
        tables.stage("referrals", spark().createDataFrame(List.of(), SCHEMA), nightly);
        tables.stageNights(nightly, LocalDate.parse("2026-03-31"), LocalDate.parse("2026-03-31"));
        Assertions.assertEquals(Map.of("referrals", 1L), tables.publish(nightly), "no row staged, none to replace");
        Assertions.assertFalse(Files.exists(tmp.resolve("quarantine/referrals/load_date=2026-03-31")));
        Assertions.assertEquals(List.of("R1", "R2"), ids("referrals"));
    }

    @Test
    void aQuarantineFolderFromBeforeDeltaIsConvertedAndKept() {
        QuarantineTables tables = new QuarantineTables(spark(), tmp.resolve("quarantine").toString());
        frame(SCHEMA, row("C0", "old.csv", 7, "2026-03-28")).write().partitionBy("load_date")
                .parquet(tmp.resolve("quarantine/consults").toString());
        String staging = tmp.resolve("g1/staged-quarantine").toString();
        tables.stage("consults", frame(SCHEMA, row("C1", "new.csv", 1, "2026-03-29")), staging);
        tables.stageNights(staging, LocalDate.parse("2026-03-29"), LocalDate.parse("2026-03-29"));
        tables.publish(staging);
        Assertions.assertTrue(Files.isDirectory(tmp.resolve("quarantine/consults/_delta_log")));
        Assertions.assertEquals(List.of("C0", "C1"), ids("consults"));
    }

    private List<String> ids(String log) {
        Dataset<Row> t = spark().read().format("delta").load(tmp.resolve("quarantine").resolve(log).toString());
        return t.orderBy(col("referral_id")).select("referral_id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    private static Object[] row(String id, String file, long line, String night) {
        return new Object[] {id, file, line, scala.collection.JavaConverters.asScalaBuffer(List.of("rule_x")).toList(),
                date(night)};
    }
}
