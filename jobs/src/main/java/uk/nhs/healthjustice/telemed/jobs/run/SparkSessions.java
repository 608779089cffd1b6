package uk.nhs.healthjustice.telemed.jobs.run;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a SparkSession is made, with the settings every job relies on. */
public final class SparkSessions {

    static final String LOCAL_FILE_SYSTEM = "spark.hadoop.fs.file.impl";

    /**
     * Delta Lake's session settings (its SQL extension and catalog, static, so set before the session starts),
     * and one partition to rebuild a table's state from its log. Delta's default of 50 suits tables of millions
     * of files; these have thousands at most (a night's files per log), and 50 tasks per snapshot doubled the
     * cost of every Delta read and write here (README, Performance). A spark-submit that sets any of them keeps
     * its own.
     */
    public static final java.util.Map<String, String> DELTA = java.util.Map.of(
            "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
            "spark.databricks.delta.snapshotPartitions", "1");

    /** Spark loggers that print a task or job failure's stack trace (the cause also reaches the driver). */
    static final java.util.List<String> QUIET_ON_FAILURE = java.util.List.of(
            "org.apache.spark.sql.execution.datasources.FileFormatWriter",
            "org.apache.spark.sql.execution.datasources.FileFormatDataWriter",
            "org.apache.spark.executor.Executor",
            "org.apache.spark.scheduler.TaskSetManager",
            "org.apache.spark.util.Utils"); // "Aborting task" with the trace; its start-up warnings come earlier

    private SparkSessions() {
    }

    /**
     * @param master Spark master, or null to keep what spark-submit set (else {@code local[2]})
     * @param shufflePartitions partitions after a shuffle: small, the nightly data is small
     */
    public static SparkSession getOrCreate(String master, int shufflePartitions) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName("telemed");
        if (master != null) {
            b.master(master);
        } else if (!conf.contains("spark.master")) {
            b.master("local[2]");
        }
        if (!conf.contains("spark.ui.enabled")) {
            b.config("spark.ui.enabled", "false");
        }
        String effectiveMaster = master != null ? master : conf.get("spark.master", "local[2]");
        if (effectiveMaster.startsWith("local") && !conf.contains(LOCAL_FILE_SYSTEM)) {
            // no chmod process per file written (see ForkFreeLocalFileSystem); cluster executors keep Hadoop's own
            b.config(LOCAL_FILE_SYSTEM, ForkFreeLocalFileSystem.class.getName());
        }
        DELTA.forEach((k, v) -> {
            if (!conf.contains(k)) {
                b.config(k, v);
            }
        });
        SparkSession spark = b
                // London dates are derived from instants read as UTC wall time (LondonTime)
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                .config("spark.sql.parquet.compression.codec", "zstd")
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                .getOrCreate();
        spark.conf().set("spark.sql.session.timeZone", "UTC");
        spark.conf().set("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
        spark.sparkContext().setLogLevel("WARN");
        // A failed write (a full disk) makes these log the whole stack trace on the terminal; the run reports
        // one line and writes the trace to its debug log instead (TelemedCli, Failures).
        for (String logger : QUIET_ON_FAILURE) {
            org.apache.logging.log4j.core.config.Configurator.setLevel(logger, org.apache.logging.log4j.Level.OFF);
        }
        return spark;
    }
}
