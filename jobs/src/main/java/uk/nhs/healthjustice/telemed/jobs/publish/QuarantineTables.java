package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;

/**
 * {@code quarantine/<log>}: one Delta table per log holding its rejected rows, pseudonymised, with the rules each
 * broke, partitioned by {@code load_date}.
 *
 * <p>A run stages its rejected rows beside its generation ({@link #stage}, then {@link #stageNights} once every
 * log is staged) and publishes them here only after its generation is committed, or, when too many rows were
 * rejected, instead of committing it ({@link #publish}). Publishing replaces the run's nights in one Delta commit
 * per log ({@code replaceWhere} on {@code load_date}): a reader never sees the quarantine of a night that was
 * not published, and a rerun replaces a night's quarantine instead of adding to it (a rerun with nothing
 * rejected leaves none). A run killed between its commit and this publication leaves the staging in the committed
 * generation, complete (the nights file is written last); the next run publishes it before anything else.
 *
 * <p>Only Hadoop's {@link FileSystem} and Delta touch these paths, so the same code runs on HDFS or object
 * storage.
 */
public final class QuarantineTables {

    /** In a staging folder: the first and last night of the run that staged it, written once every log is staged. */
    static final String NIGHTS_FILE = "_nights";
    static final String SCHEMA_SUFFIX = ".schema.json";

    private final SparkSession spark;
    private final Path tables;

    /** @param tables the {@code quarantine} folder of the output (a URI or a local path) */
    public QuarantineTables(SparkSession spark, String tables) {
        this.spark = spark;
        this.tables = new Path(tables);
    }

    /** Where a log's Delta table is. */
    public String table(String log) {
        return new Path(tables, log).toString();
    }

    /** Writes a log's pseudonymised rejected rows, and their schema, to a run's staging folder. */
    public void stage(String log, Dataset<Row> quarantine, String staging) {
        quarantine.repartition(col(RecordValidator.LOAD_DATE))
                .write().mode(SaveMode.Overwrite).partitionBy(RecordValidator.LOAD_DATE)
                .parquet(new Path(staging, log).toString());
        // the schema beside the rows: a log with nothing rejected stages no file to read it from
        write(new Path(staging, log + SCHEMA_SUFFIX), quarantine.schema().json());
    }

    /** Marks a staging folder complete: every log is staged, for the nights {@code from..to}. */
    public void stageNights(String staging, LocalDate from, LocalDate to) {
        Path nights = new Path(staging, NIGHTS_FILE);
        Path tmp = new Path(staging, "." + NIGHTS_FILE + ".tmp");
        write(tmp, from + " " + to + "\n");
        try {
            // renamed into place: a run killed while writing it leaves no half file that says "complete"
            if (!tmp.getFileSystem(conf()).rename(tmp, nights)) {
                throw new IOException("rename to " + nights + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + nights, e);
        }
    }

    /** Removes a staging folder once it is published (or its run was not). */
    public void discard(String staging) {
        Path dir = new Path(staging);
        try {
            dir.getFileSystem(conf()).delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + staging, e);
        }
    }

    /** Whether a staging folder is complete and awaits publication. */
    public boolean isStaged(String staging) {
        try {
            Path nights = new Path(staging, NIGHTS_FILE);
            return nights.getFileSystem(conf()).exists(nights);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + staging, e);
        }
    }

    /**
     * Replaces the staged nights of every staged log's table by the staged rows, one Delta commit per log, and
     * returns the version each table is left at (a log with no table and nothing rejected gets none; a replace
     * that changes nothing makes no commit, as Delta skips empty ones, and the table keeps its version).
     */
    public Map<String, Long> publish(String staging) {
        Path dir = new Path(staging);
        try {
            FileSystem fs = dir.getFileSystem(conf());
            String[] nights = read(fs, new Path(dir, NIGHTS_FILE)).trim().split(" ");
            LocalDate from = LocalDate.parse(nights[0]);
            LocalDate to = LocalDate.parse(nights[1]);
            FileStatus[] schemas = fs.listStatus(dir, p -> p.getName().endsWith(SCHEMA_SUFFIX));
            Arrays.sort(schemas); // by path: logs in name order, the same every run
            // The tables are independent and each commit is mostly fixed cost waiting on the driver (listing,
            // planning, the commit file): two at a time overlap it. Versions are gathered in log order.
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHING_THREADS);
            try {
                Map<String, Future<Long>> pending = new LinkedHashMap<>();
                for (FileStatus schemaFile : schemas) {
                    String log = schemaFile.getPath().getName().replace(SCHEMA_SUFFIX, "");
                    StructType schema = (StructType) DataType.fromJson(read(fs, schemaFile.getPath()));
                    pending.put(log, pool.submit(() -> replaceNights(log, schema, new Path(dir, log), from, to)));
                }
                // every publication runs to its end, even after another failed: none is interrupted mid-commit
                Map<String, Long> versions = new LinkedHashMap<>();
                Throwable failure = null;
                for (Map.Entry<String, Future<Long>> e : pending.entrySet()) {
                    try {
                        Long version = await(e.getValue());
                        if (version != null) {
                            versions.put(e.getKey(), version);
                        }
                    } catch (RuntimeException | Error t) {
                        if (failure == null) {
                            failure = t;
                        } else {
                            failure.addSuppressed(t);
                        }
                    }
                }
                if (failure instanceof RuntimeException r) {
                    throw r;
                }
                if (failure instanceof Error err) {
                    throw err;
                }
                return versions;
            } finally {
                pool.shutdown();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot publish the quarantine staged in " + staging, e);
        }
    }

    /** Logs published at once: the machines this runs on locally have two cores. */
    static final int PUBLISHING_THREADS = 2;

    /** A publication's result, or its own failure (an I/O cause stays one for the run's message). */
    private static Long await(Future<Long> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the quarantine", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Replaces a log's nights {@code from..to} by the rows staged in {@code staged}. Without a commit when
     * nothing would change: nothing staged, and no partition of those nights in the table, so no row of theirs
     * to remove (a table's files live under their night's partition; a night's rows once replaced leave its
     * folder behind, so a rerun still replaces them). Returns the table's version, null for no table.
     */
    private Long replaceNights(String log, StructType schema, Path staged, LocalDate from, LocalDate to)
            throws IOException {
        String table = table(log);
        Path path = new Path(table);
        FileSystem fs = path.getFileSystem(conf());
        long version = HistoryTables.latestVersion(spark, table);
        boolean nothingStaged = !hasNights(fs, staged, LocalDate.MIN, LocalDate.MAX);
        if (version < 0) {
            if (fs.exists(path)) {
                // an output folder written before quarantine/ was Delta: its Parquet partitions become the table
                DeltaTable.convertToDelta(spark, "parquet.`" + table + "`", RecordValidator.LOAD_DATE + " DATE");
            } else if (nothingStaged) {
                return null; // nothing ever rejected: no table
            }
        } else if (nothingStaged && !hasNights(fs, path, from, to)) {
            return version;
        }
        spark.read().schema(schema).parquet(staged.toString())
                .repartition(col(RecordValidator.LOAD_DATE))
                // one file per night, rows in the order of the files and lines they came from
                .sortWithinPartitions(col(RecordValidator.LOAD_DATE), col(RecordValidator.SOURCE_FILE),
                        col(RecordValidator.SOURCE_ROW))
                .write().format("delta").mode(SaveMode.Overwrite).partitionBy(RecordValidator.LOAD_DATE)
                .option("replaceWhere", HistoryTables.nightsBetween(from, to))
                .save(table);
        return HistoryTables.latestVersion(spark, table);
    }

    /** Whether {@code dir} has a {@code load_date=} partition folder of a night in {@code from..to}. */
    static boolean hasNights(FileSystem fs, Path dir, LocalDate from, LocalDate to) throws IOException {
        if (!fs.exists(dir)) {
            return false;
        }
        String prefix = RecordValidator.LOAD_DATE + "=";
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (f.isDirectory() && name.startsWith(prefix)) {
                LocalDate night;
                try {
                    night = LocalDate.parse(name.substring(prefix.length()));
                } catch (java.time.format.DateTimeParseException e) {
                    return true; // not a night this code wrote: never assume it empty
                }
                if (!night.isBefore(from) && !night.isAfter(to)) {
                    return true;
                }
            }
        }
        return false;
    }

    private org.apache.hadoop.conf.Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    private void write(Path file, String text) {
        try (FSDataOutputStream out = file.getFileSystem(conf()).create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static String read(FileSystem fs, Path file) throws IOException {
        try (var in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
