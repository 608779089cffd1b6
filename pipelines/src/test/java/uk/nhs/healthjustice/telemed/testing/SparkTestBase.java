package uk.nhs.healthjustice.telemed.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every Spark test: one SparkSession for the whole test JVM (spark-testing-base keeps it in a static
 * field and we never stop it), local[2], UTC, two shuffle partitions. JUnit 5 ignores the JUnit 4 hooks of
 * spark-testing-base, so {@link #startSpark()} calls {@code runBefore()} itself (it is idempotent).
 */
public abstract class SparkTestBase extends JavaDataFrameSuiteBase {

    @BeforeEach
    public void startSpark() {
        runBefore();
        spark().conf().set("spark.sql.session.timeZone", "UTC");
    }

    @Override
    public SparkConf conf() {
        SparkConf conf = super.conf().setMaster("local[2]")
                .set("spark.sql.shuffle.partitions", "2")
                .set("spark.sql.session.timeZone", "UTC")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        if (onClassPath(DELTA_EXTENSION)) {
            // the jobs module's tests run the CLI in this session, which writes Delta tables: the same settings as
            // jobs' SparkSessions.DELTA (pipelines itself does not depend on Delta)
            conf.set("spark.sql.extensions", DELTA_EXTENSION)
                    .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                    .set("spark.databricks.delta.snapshotPartitions", "1");
        }
        return conf;
    }

    private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, SparkTestBase.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public boolean enableHiveSupport() {
        return false;
    }

    protected SparkSession session() {
        return spark();
    }

    /** A DataFrame from rows given inline, with an explicit schema. */
    protected Dataset<Row> frame(StructType schema, Object[]... rows) {
        List<Row> list = Arrays.stream(rows).map(RowFactory::create).toList();
        return spark().createDataFrame(list, schema);
    }

    protected static Date date(String iso) {
        return Date.valueOf(LocalDate.parse(iso));
    }

    protected static Timestamp instant(String isoWithOffset) {
        return Timestamp.from(java.time.OffsetDateTime.parse(isoWithOffset).toInstant());
    }

    protected static Timestamp utc(String isoInstant) {
        return Timestamp.from(Instant.parse(isoInstant));
    }

    /**
     * The same rows in any order, columns by name, doubles to 1e-9 (sums may add in another order). Fails on an
     * empty expectation: a comparison of nothing with nothing proves nothing.
     */
    protected static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        String[] columns = expected.columns();
        org.apache.spark.sql.Column[] order = Arrays.stream(columns).map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new);
        List<Row> want = expected.select(order).sort(order).collectAsList();
        List<Row> got = actual.select(order).sort(order).collectAsList();
        org.junit.jupiter.api.Assertions.assertFalse(want.isEmpty(), "expected rows");
        org.junit.jupiter.api.Assertions.assertEquals(want.size(), got.size(), "row count");
        for (int i = 0; i < want.size(); i++) {
            for (int c = 0; c < columns.length; c++) {
                Object w = want.get(i).get(c);
                Object g = got.get(i).get(c);
                if (w instanceof Double wd && g instanceof Double gd) {
                    org.junit.jupiter.api.Assertions.assertEquals(wd, gd, 1e-9, columns[c] + " of " + want.get(i));
                } else {
                    org.junit.jupiter.api.Assertions.assertEquals(w, g, columns[c] + " of " + want.get(i));
                }
            }
        }
    }
}
