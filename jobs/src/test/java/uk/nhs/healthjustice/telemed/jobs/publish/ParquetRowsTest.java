package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * Counting from footers must give what Spark reads: five rows in two files, with Spark's {@code _SUCCESS}
 * and checksums beside them and three more rows in a hidden staging folder and in {@code _temporary}, are five
 * rows; a sliced table whose earlier slice is a hard link counts the link once, as Spark does.
 */
class ParquetRowsTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void countsWhatSparkReadsAndNothingHidden() throws Exception {
        Configuration conf = spark().sparkContext().hadoopConfiguration();
        Path plain = tmp.resolve("plain");
        rows(5).repartition(2).write().parquet(plain.toString());
        Path extra = tmp.resolve("extra");
        rows(3).coalesce(1).write().parquet(extra.toString());
        Path extraFile;
        try (Stream<Path> s = Files.list(extra)) {
            extraFile = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.createDirectories(plain.resolve(".t.slices"));
        Files.copy(extraFile, plain.resolve(".t.slices").resolve("part-9.parquet"));
        Files.createDirectories(plain.resolve("_temporary/0"));
        Files.copy(extraFile, plain.resolve("_temporary/0/part-8.parquet"));
        Assertions.assertTrue(Files.exists(plain.resolve("_SUCCESS")), "Spark's marker is there to be skipped");

        Assertions.assertEquals(5, spark().read().parquet(plain.toString()).count());
        Assertions.assertEquals(5, ParquetRows.count(conf, plain));
        Assertions.assertEquals(3, ParquetRows.count(conf, extraFile), "one file: its own rows");
        Assertions.assertThrows(java.io.UncheckedIOException.class, () -> ParquetRows.count(conf, tmp.resolve("absent")),
                "a table that is not there is a fault, as for Spark's read, not zero rows");

        Path g1 = tmp.resolve("g1/t");
        Path g2 = tmp.resolve("g2/t");
        Column month = org.apache.spark.sql.functions.when(col("id").mod(2).equalTo(0), "2026-03").otherwise("2026-04");
        SlicedTable.write(rows(4), month, new Column[] {col("id")}, g1);
        SlicedTable.write(rows(4).filter(col("id").mod(2).equalTo(1)), month, new Column[] {col("id")}, g2);
        Assertions.assertEquals(java.util.Set.of("2026-03"), SlicedTable.link(g1, g2, s -> s.equals("2026-03")));
        Assertions.assertEquals(4, spark().read().parquet(g2.toString()).count());
        Assertions.assertEquals(4, ParquetRows.count(conf, g2));
    }

    private Dataset<Row> rows(int n) {
        return spark().range(n).toDF("id");
    }
}
