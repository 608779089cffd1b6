package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;

/**
 * {@code history/<log>}: one Delta table per log holding the valid versions of every night, pseudonymised, so
 * that a night can be rerun or backfilled and give the same result. Partitioned by {@code load_date}; a run
 * replaces its nights in one commit ({@code replaceWhere}), so a rerun replaces a night instead of adding to it.
 *
 * <p>Each generation's history index names, for every night it was built from, the table and the version it read
 * them at ({@link #reference}: {@code history/consults@12}); a run reads the earlier nights at that version, so
 * what a later run wrote cannot reach it. A run killed after writing its history but before committing leaves
 * the table ahead of the committed generation: the next run rolls it back ({@link #rollBack}) before writing,
 * so the killed run's rewrite of a night cannot outlive it.
 *
 * <p>Only Hadoop's {@code FileSystem} and Delta touch these paths, so the same code runs on HDFS or object
 * storage.
 */
public final class HistoryTables {

    /** The folder under the output root that holds the tables. */
    public static final String FOLDER = "history";

    private final SparkSession spark;
    private final Path tables;

    /** @param tables the {@code history} folder of the output (a URI or a local path) */
    public HistoryTables(SparkSession spark, String tables) {
        this.spark = spark;
        this.tables = new Path(tables);
    }

    /** Where a log's Delta table is. */
    public String table(String log) {
        return new Path(tables, log).toString();
    }

    /** What a history index holds for a night kept in a log's table at a version. */
    public static String reference(String log, long version) {
        return FOLDER + "/" + log + "@" + version;
    }

    /**
     * The table version a log's index entries read their nights at; null for an index with no night (nothing
     * to read) or one written before the history was Delta (a folder per night, see {@link #isFolderIndex}).
     */
    public static Long version(Map<LocalDate, String> logIndex) {
        Long version = null;
        for (String ref : logIndex.values()) {
            int at = ref.lastIndexOf('@');
            if (!ref.startsWith(FOLDER + "/") || at < 0) {
                return null;
            }
            long v = Long.parseLong(ref.substring(at + 1));
            version = version == null ? v : Math.max(version, v);
        }
        return version;
    }

    /** Whether a log's index is from before the history was Delta: each night is the folder of its files. */
    public static boolean isFolderIndex(Map<LocalDate, String> logIndex) {
        return !logIndex.isEmpty() && version(logIndex) == null;
    }

    /**
     * Replaces the nights {@code from..to} of a log's table by {@code rows} (partitioned and ordered by the
     * caller), creating the table on first use, and returns the version the table is left at. A replace that
     * changes nothing makes no commit (Delta skips empty ones) and returns the version found.
     */
    public long replaceNights(String log, Dataset<Row> rows, LocalDate from, LocalDate to) {
        return replace(log, rows, from, to).version();
    }

    /** What a replace of nights left: the table's version, and which of those nights now have a row. */
    public record Replaced(long version, TreeSet<LocalDate> nights) {
    }

    /**
     * {@link #replaceNights}, also telling which of the nights {@code from..to} have a row afterwards, read from
     * the Delta log: the files the replace's commit added (a file holds one night and at least one row). No
     * commit means the rows were none and so was what they replaced. No Spark job, where a query of the rows
     * written planned and ran one per log and run.
     */
    public Replaced replace(String log, Dataset<Row> rows, LocalDate from, LocalDate to) {
        String table = table(log);
        Dataset<Row> ordered = rows;
        Snapshot snapshot = snapshot(spark, table);
        long before = snapshot.version();
        if (before >= 0) {
            // the table's column order, whatever created it (an imported history has load_date last)
            ordered = rows.select(java.util.Arrays.stream(snapshot.schema().fieldNames())
                    .map(c -> col(c)).toArray(Column[]::new));
        }
        ordered.write().format("delta").mode(SaveMode.Overwrite).partitionBy(RecordValidator.LOAD_DATE)
                .option("replaceWhere", nightsBetween(from, to))
                .save(table);
        long version = latestVersion(log);
        TreeSet<LocalDate> nights = new TreeSet<>();
        if (version > before) {
            scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> commits =
                    DeltaLog.forTable(spark, table).getChanges(version, true);
            scala.collection.Iterator<Action> actions = commits.next()._2().iterator();
            while (actions.hasNext()) {
                if (actions.next() instanceof AddFile add) {
                    LocalDate night = LocalDate.parse(add.partitionValues().apply(RecordValidator.LOAD_DATE));
                    if (!night.isBefore(from) && !night.isAfter(to)) {
                        nights.add(night);
                    }
                }
            }
        }
        return new Replaced(version, nights);
    }

    /** The Delta {@code replaceWhere} condition of the nights {@code from..to}, shared with QuarantineTables. */
    static String nightsBetween(LocalDate from, LocalDate to) {
        return RecordValidator.LOAD_DATE + " >= DATE'" + from + "' AND " + RecordValidator.LOAD_DATE + " <= DATE'"
                + to + "'";
    }

    /** Replaces a whole log's table by {@code rows}: the import of a history kept before it was Delta. */
    public long replaceAll(String log, Dataset<Row> rows) {
        rows.write().format("delta").mode(SaveMode.Overwrite).partitionBy(RecordValidator.LOAD_DATE)
                .save(table(log));
        return latestVersion(log);
    }

    /** A log's rows at a version, columns in the table's order. */
    public Dataset<Row> read(String log, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(table(log));
    }

    /**
     * Makes a log's table what the committed generation read it as: a table ahead of {@code committed} (a run
     * killed after writing it) is restored to that version; with no committed version (no night indexed), any
     * rows a killed run left are deleted. Returns what was done, for the run's log, or null for nothing.
     */
    public String rollBack(String log, Long committed) {
        String table = table(log);
        long latest = latestVersion(log);
        if (latest < 0) {
            return null; // no table (a folder without a Delta log is none either)
        }
        if (committed != null && latest > committed) {
            DeltaTable.forPath(spark, table).restoreToVersion(committed);
            return "history/" + log + " restored from version " + latest + " to " + committed
                    + ", the version the committed generation read";
        }
        // inputFiles reads the log only: the data files of a failed run may have been removed (removeNewFiles)
        if (committed == null && read(log, latest).inputFiles().length > 0) {
            DeltaTable.forPath(spark, table).delete();
            return "history/" + log + ": rows no committed generation read were removed";
        }
        return null;
    }

    /**
     * The data files of a log's table in the partitions of the nights {@code from..to}, to tell later which
     * files a run of those nights added: a run writes no other partition ({@code replaceWhere} on its nights).
     * One listing of the table's folder and one of each of those nights' partitions, not of the whole table
     * (a 1-year table has a partition per night), and plain {@code listStatus}: Hadoop's located listing reads
     * each local file's owner and permissions, a child process per file without its native library.
     */
    public java.util.Set<String> dataFiles(String log, LocalDate from, LocalDate to) {
        java.util.Set<String> out = new java.util.HashSet<>();
        Path dir = new Path(table(log));
        try {
            org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(dir)) {
                return out;
            }
            for (org.apache.hadoop.fs.FileStatus partition : fs.listStatus(dir)) {
                String name = partition.getPath().getName();
                String prefix = RecordValidator.LOAD_DATE + "=";
                if (!partition.isDirectory() || !name.startsWith(prefix)) {
                    continue; // _delta_log, or a file of no night
                }
                LocalDate night = LocalDate.parse(name.substring(prefix.length()));
                if (night.isBefore(from) || night.isAfter(to)) {
                    continue;
                }
                for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(partition.getPath())) {
                    if (f.isFile()) {
                        out.add(f.getPath().toString());
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    /**
     * Removes the data files a failed run of the nights {@code from..to} added to a log's table ({@code before}:
     * {@link #dataFiles} of those nights at its start), to free the space they take (a full disk) at once. A
     * version of this run that names them is restored away by the next run ({@link #rollBack}), which reads only
     * the log for that.
     */
    public int removeNewFiles(String log, java.util.Set<String> before, LocalDate from, LocalDate to) {
        int removed = 0;
        try {
            for (String f : dataFiles(log, from, to)) {
                if (!before.contains(f)) {
                    Path p = new Path(f);
                    p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, false);
                    removed++;
                }
            }
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the files a failed run added to " + table(log), e);
        }
    }

    /** The newest version of a log's table, -1 for no table. */
    public long latestVersion(String log) {
        return latestVersion(spark, table(log));
    }

    /** The newest version of the Delta table at {@code table}, -1 for none; shared with QuarantineTables. */
    static long latestVersion(SparkSession spark, String table) {
        return snapshot(spark, table).version();
    }

    /**
     * The newest snapshot of the Delta table at {@code table} (version -1 for no table): its log listed and its
     * last commit read, no Spark job. {@code DeltaTable.history(1)} ran one per call and {@code isDeltaTable}
     * built a snapshot of its own: three per table where one does (BENCHMARKS, 3 December).
     */
    static Snapshot snapshot(SparkSession spark, String table) {
        return DeltaLog.forTableWithSnapshot(spark, table)._2();
    }

    /** The nights of a log's index made to name the table at {@code version}, in night order. */
    public static TreeMap<LocalDate, String> at(String log, long version, Iterable<LocalDate> nights) {
        TreeMap<LocalDate, String> out = new TreeMap<>();
        for (LocalDate night : nights) {
            out.put(night, reference(log, version));
        }
        return out;
    }

    /** A filter keeping the rows of the nights outside {@code from..to}. */
    public static Column outside(LocalDate from, LocalDate to) {
        return col(RecordValidator.LOAD_DATE).lt(java.sql.Date.valueOf(from))
                .or(col(RecordValidator.LOAD_DATE).gt(java.sql.Date.valueOf(to)));
    }

    /** A filter keeping the rows of the nights {@code from..to}. */
    public static Column inside(LocalDate from, LocalDate to) {
        return col(RecordValidator.LOAD_DATE).geq(java.sql.Date.valueOf(from))
                .and(col(RecordValidator.LOAD_DATE).leq(java.sql.Date.valueOf(to)));
    }
}
