package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The history tables, worked by hand on referrals named by their night:
 * <ol>
 *   <li>a backfill of 03-29..03-30 writes R1 and R2 (03-29) and R9 (03-30): version 0, nights 03-29 and 03-30;</li>
 *   <li>a run killed before its commit replaced 03-29 by R1 alone (version 1); the committed generation read
 *       version 0, so the next run restores it: R1, R2, R9 again (the restore is version 2);</li>
 *   <li>a rerun of 03-30 with no valid row replaces it by nothing: version 3 holds R1 and R2, and version 0,
 *       read by time travel, still R1, R2 and R9;</li>
 *   <li>with no committed night (the first run was killed), whatever a killed run left is deleted.</li>
 * </ol>
 * And a history imported from before Delta (its table has {@code load_date} last) takes a run's rows written
 * in the run's own column order.
 */
class HistoryTablesTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType()
            .add("referral_id", DataTypes.StringType)
            .add("load_date", DataTypes.DateType)
            .add("status", DataTypes.StringType);

    private static final LocalDate MAR_29 = LocalDate.parse("2026-03-29");
    private static final LocalDate MAR_30 = LocalDate.parse("2026-03-30");

    @TempDir
    Path tmp;

    @Test
    void aRunReplacesItsNightsAndWhatAKilledRunWroteIsRolledBack() {
        HistoryTables history = new HistoryTables(spark(), tmp.resolve("history").toString());
        Assertions.assertNull(history.rollBack("referrals", null), "no table yet: nothing to roll back");

        HistoryTables.Replaced backfill = history.replace("referrals", frame(SCHEMA,
                row("R1", "2026-03-29", "open"), row("R2", "2026-03-29", "open"), row("R9", "2026-03-30", "open")),
                MAR_29, MAR_30);
        Assertions.assertEquals(new HistoryTables.Replaced(0L, new TreeSet<>(List.of(MAR_29, MAR_30))), backfill,
                "the nights with a row, as the Delta log tells them");
        Assertions.assertEquals(backfill.nights(), nightsOf(history.read("referrals", 0)), "and as the rows do");

        HistoryTables.Replaced killed = history.replace("referrals",
                frame(SCHEMA, row("R1", "2026-03-29", "closed")), MAR_29, MAR_29);
        Assertions.assertEquals(new HistoryTables.Replaced(1L, new TreeSet<>(List.of(MAR_29))), killed,
                "only the replaced night, though 03-30 has rows too");
        Assertions.assertEquals(List.of("R1:closed", "R9:open"), rows(history.read("referrals", 1)));
        Assertions.assertNull(history.rollBack("referrals", 1L), "a table at the committed version is left alone");
        Assertions.assertNotNull(history.rollBack("referrals", 0L));
        Assertions.assertEquals(2L, history.latestVersion("referrals"));
        Assertions.assertEquals(List.of("R1:open", "R2:open", "R9:open"), rows(history.read("referrals", 2)));

        HistoryTables.Replaced rerun = history.replace("referrals", spark().createDataFrame(List.of(), SCHEMA),
                MAR_30, MAR_30);
        Assertions.assertEquals(new HistoryTables.Replaced(3L, new TreeSet<>()), rerun, "03-30 has no row left");
        Assertions.assertEquals(new HistoryTables.Replaced(3L, new TreeSet<>()), history.replace("referrals",
                spark().createDataFrame(List.of(), SCHEMA), MAR_30, MAR_30), "nothing replaced by nothing: no commit");
        Assertions.assertEquals(List.of("R1:open", "R2:open"), rows(history.read("referrals", 3)));
        Assertions.assertEquals(List.of("R1:open", "R2:open", "R9:open"), rows(history.read("referrals", 0)),
                "an earlier generation still reads the version it was built from");
        Assertions.assertEquals(List.of("R9:open"),
                rows(history.read("referrals", 0).where(HistoryTables.inside(MAR_30, MAR_30))));
        Assertions.assertEquals(List.of("R1:open", "R2:open"),
                rows(history.read("referrals", 0).where(HistoryTables.outside(MAR_30, MAR_30))));

        Assertions.assertNotNull(history.rollBack("referrals", null), "rows no generation committed");
        Assertions.assertEquals(List.of(), rows(history.read("referrals", history.latestVersion("referrals"))));
    }

    @Test
    void aFailedRunRemovesTheFilesItAddedToItsNightsAndNoOthers() {
        HistoryTables history = new HistoryTables(spark(), tmp.resolve("history").toString());
        Assertions.assertEquals(java.util.Set.of(), history.dataFiles("referrals", MAR_29, MAR_30), "no table yet");
        history.replaceNights("referrals", frame(SCHEMA, row("R1", "2026-03-29", "open"),
                row("R2", "2026-03-29", "open"), row("R9", "2026-03-30", "open")), MAR_29, MAR_30);
        // a night's listing is exactly the files Delta reads for that night, and none of another night
        java.util.Set<String> mar30 = history.dataFiles("referrals", MAR_30, MAR_30);
        Assertions.assertEquals(localPaths(history.read("referrals", 0).where(HistoryTables.inside(MAR_30, MAR_30))
                .inputFiles()), localPaths(mar30.toArray(String[]::new)));
        Assertions.assertTrue(mar30.stream().allMatch(f -> f.contains("/load_date=2026-03-30/")), mar30.toString());
        Assertions.assertEquals(java.util.Set.of(), history.dataFiles("referrals", MAR_30.plusDays(1), MAR_30.plusDays(9)));

        // a run of 03-29 fails after writing: its new file goes, 03-29's earlier files and 03-30's stay
        java.util.Set<String> mar29 = history.dataFiles("referrals", MAR_29, MAR_29);
        history.replaceNights("referrals", frame(SCHEMA, row("R1", "2026-03-29", "closed")), MAR_29, MAR_29);
        Assertions.assertEquals(mar29.size() + 1, history.dataFiles("referrals", MAR_29, MAR_29).size(),
                "Delta keeps the replaced file and adds the run's one");
        Assertions.assertEquals(1, history.removeNewFiles("referrals", mar29, MAR_29, MAR_29));
        Assertions.assertEquals(mar29, history.dataFiles("referrals", MAR_29, MAR_29));
        Assertions.assertEquals(mar30, history.dataFiles("referrals", MAR_30, MAR_30));
    }

    private static java.util.Set<String> localPaths(String[] files) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String f : files) {
            out.add(new org.apache.hadoop.fs.Path(f).toUri().getPath());
        }
        return out;
    }

    @Test
    void anIndexNamesTheTableVersionOrIsFromBeforeDelta() {
        TreeMap<LocalDate, String> delta = HistoryTables.at("consults", 7, List.of(MAR_29, MAR_30));
        Assertions.assertEquals(Map.of(MAR_29, "history/consults@7", MAR_30, "history/consults@7"), delta);
        Assertions.assertEquals(7L, HistoryTables.version(delta));
        Assertions.assertFalse(HistoryTables.isFolderIndex(delta));

        TreeMap<LocalDate, String> folders = new TreeMap<>(Map.of(MAR_29,
                ".store/history/consults/g20260329T010000000-2026-03-29/load_date=2026-03-29"));
        Assertions.assertNull(HistoryTables.version(folders));
        Assertions.assertTrue(HistoryTables.isFolderIndex(folders));
        Assertions.assertNull(HistoryTables.version(new TreeMap<>()), "no night, nothing to read");
        Assertions.assertFalse(HistoryTables.isFolderIndex(new TreeMap<>()));
    }

    @Test
    void anImportedHistoryTakesARunsRowsInTheRunsColumnOrder() {
        HistoryTables history = new HistoryTables(spark(), tmp.resolve("history").toString());
        Dataset<Row> imported = frame(SCHEMA, row("R1", "2026-03-29", "open"))
                .select(col("referral_id"), col("status"), col("load_date"));
        Assertions.assertEquals(0L, history.replaceAll("referrals", imported));
        history.replaceNights("referrals", frame(SCHEMA, row("R9", "2026-03-30", "open")), MAR_30, MAR_30);
        Assertions.assertEquals(List.of("R1:open", "R9:open"), rows(history.read("referrals", 1)));
    }

    private Dataset<Row> frame(StructType schema, Row... rows) {
        return spark().createDataFrame(List.of(rows), schema);
    }

    private static Row row(String id, String night, String status) {
        return org.apache.spark.sql.RowFactory.create(id, java.sql.Date.valueOf(night), status);
    }

    /** id:status, in id order. */
    private static List<String> rows(Dataset<Row> table) {
        return table.orderBy("referral_id").collectAsList().stream()
                .map(r -> r.getAs("referral_id") + ":" + r.getAs("status")).toList();
    }

    /** The oracle: the nights among a table's rows, by a query of them. */
    private static TreeSet<LocalDate> nightsOf(Dataset<Row> rows) {
        TreeSet<LocalDate> nights = new TreeSet<>();
        for (Row r : rows.select(col("load_date")).distinct().collectAsList()) {
            nights.add(r.getDate(0).toLocalDate());
        }
        return nights;
    }
}
