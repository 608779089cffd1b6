package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Three records in two month slices: a (2026-03), b and c (2026-04). A next generation rewrites 2026-04 with
 * c changed and links 2026-03: the table then reads a, b, c' with the original schema, 2026-03's file is the
 * same file (one inode, two names) and 2026-04's is new.
 */
class SlicedTableTest extends SparkTestBase {

    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("month", DataTypes.StringType)
            .add("v", DataTypes.IntegerType);

    @TempDir
    Path tmp;

    @Test
    void aNextGenerationRewritesTheTouchedSliceAndLinksTheOthers() throws Exception {
        Dataset<Row> first = frame(SCHEMA, new Object[] {"c", "2026-04", 1}, new Object[] {"a", "2026-03", 1},
                new Object[] {"b", "2026-04", 1});
        Path g1 = tmp.resolve("g1/t");
        Assertions.assertEquals(Set.of("2026-03", "2026-04"),
                SlicedTable.write(first, col("month"), new org.apache.spark.sql.Column[] {col("id")}, g1));
        Assertions.assertTrue(SlicedTable.isSliced(g1));
        Assertions.assertEquals(SCHEMA, spark().read().parquet(g1.toString()).schema(), "no slice column is added");
        // sorted by id within the file
        Assertions.assertEquals(List.of("b", "c"), SlicedTable.read(spark(), SCHEMA, g1, "2026-04"::equals)
                .collectAsList().stream().map(r -> r.getString(0)).toList());

        Path g2 = tmp.resolve("g2/t");
        Dataset<Row> touched = frame(SCHEMA, new Object[] {"b", "2026-04", 1}, new Object[] {"c", "2026-04", 2});
        SlicedTable.write(touched, col("month"), new org.apache.spark.sql.Column[] {col("id")}, g2);
        Assertions.assertEquals(Set.of("2026-03"), SlicedTable.link(g1, g2, m -> !m.equals("2026-04")));

        Assertions.assertEquals(List.of("a:1", "b:1", "c:2"), spark().read().parquet(g2.toString()).orderBy("id")
                .collectAsList().stream().map(r -> r.getString(0) + ":" + r.getInt(2)).toList());
        Path march1 = Path.of(SlicedTable.dataFiles(g1, "2026-03"::equals).get(0));
        Path march2 = Path.of(SlicedTable.dataFiles(g2, "2026-03"::equals).get(0));
        Assertions.assertEquals(march1.getFileName(), march2.getFileName());
        Assertions.assertTrue(Files.isSameFile(march1, march2), "a hard link, not a copy");
        Assertions.assertEquals(2, ((Number) Files.getAttribute(march2, "unix:nlink")).intValue());
        Assertions.assertFalse(Files.isSameFile(Path.of(SlicedTable.dataFiles(g1, "2026-04"::equals).get(0)),
                Path.of(SlicedTable.dataFiles(g2, "2026-04"::equals).get(0))));
        // the hidden checksum travels with its file, so Hadoop still verifies what it reads
        Assertions.assertTrue(Files.exists(march2.resolveSibling("." + march2.getFileName() + ".crc")));
    }

    @Test
    void aTableWithNothingToWriteStaysReadableWithItsSchemaAndIsSlicedWithNoSlice() throws Exception {
        Path t = tmp.resolve("empty");
        SlicedTable.write(frame(SCHEMA), col("month"), new org.apache.spark.sql.Column[] {col("id")}, t);
        SlicedTable.ensureReadable(spark(), SCHEMA, t);
        Assertions.assertEquals(0, spark().read().parquet(t.toString()).count());
        Assertions.assertEquals(SCHEMA, spark().read().parquet(t.toString()).schema());
        // an empty table has no earlier slice to carry over, so it does not stop the next run carrying over the
        // other tables' slices (an absent optional log's marts are empty every night); its empty file is in no
        // slice, so it is neither read as one nor linked into the next generation
        Assertions.assertTrue(SlicedTable.isSliced(t));
        Assertions.assertEquals(List.of(), SlicedTable.dataFiles(t, s -> true));
        Assertions.assertEquals(java.util.Set.of(), SlicedTable.link(t, tmp.resolve("next"), s -> true));
        Assertions.assertEquals(0, SlicedTable.read(spark(), SCHEMA, t, s -> true).count());
    }
}
