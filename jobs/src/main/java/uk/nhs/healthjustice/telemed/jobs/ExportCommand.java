package uk.nhs.healthjustice.telemed.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.jobs.publish.OutputStore;
import uk.nhs.healthjustice.telemed.jobs.publish.ParquetRows;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;

/**
 * {@code telemed export}: the published tables of the committed run as plain Parquet, one file per table, for
 * tools that read a Parquet file but not a folder of parts (or, once the store is Delta Lake, not Delta): Power
 * Query's Parquet connector in Power BI, a copy on a shared drive, an attachment to an information-governance
 * review.
 *
 * <p>What is written: {@code <to>/<table>.parquet} for every table under {@code published/} (never
 * {@code marts/} or {@code curated/}: they are not disclosure-controlled), rows sorted by the table's dimension
 * columns, Snappy-compressed (the codec every Parquet reader has; the pipeline's own tables use Zstandard), and
 * {@code <to>/_snapshot.json} naming the generation the tables come from and each file's rows and columns. The
 * same published state exports to the same bytes.
 *
 * <p>Consistency: the tables are read from the committed generation's own folder, not through the
 * {@code published} link, so a run committing meanwhile does not mix two runs in one export. Nothing
 * half-written: everything goes to a sibling staging folder first, which then replaces {@code <to>}; a folder at
 * {@code <to>} that is not an earlier export (no {@code _snapshot.json}) is never replaced. Files are written and
 * moved through Hadoop's {@code FileSystem}, so {@code --to} may be on HDFS or object storage.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the committed run's published tables as plain Parquet: one file per table, plus"
                + " _snapshot.json.")
final class ExportCommand implements Callable<Integer> {

    static final String SNAPSHOT = "_snapshot.json";

    @Option(names = "--output", required = true, description = "The pipeline's output folder (holding published/)")
    java.nio.file.Path output;
    @Option(names = "--to", required = true,
            description = "Folder to write; replaced if it holds an earlier export, refused if it holds anything else")
    String to;

    @Override
    public Integer call() throws Exception {
        OutputStore store = new OutputStore(output);
        String generation = store.currentGeneration();
        if (generation == null) {
            throw new IllegalArgumentException("Nothing is published in " + output + " yet: run nightly or backfill"
                    + " first");
        }
        java.nio.file.Path published = store.generationDir(generation).resolve("published");
        List<String> tables;
        try (var list = java.nio.file.Files.list(published)) {
            tables = list.filter(java.nio.file.Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.startsWith("_")).sorted().toList();
        }
        SparkSession spark = SparkSessions.getOrCreate(null, 2);
        Path target = new Path(to);
        FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
        target = fs.makeQualified(target);
        if (fs.exists(target) && !fs.exists(new Path(target, SNAPSHOT))) {
            throw new IllegalArgumentException("Refusing to replace " + to + ": it exists and is not an export (no "
                    + SNAPSHOT + ")");
        }
        Path staging = new Path(target.getParent(), "." + target.getName() + ".export-" + generation);
        fs.delete(staging, true); // left by an export that was killed
        Map<String, Object> files = new LinkedHashMap<>();
        for (String table : tables) {
            Dataset<Row> rows = spark.read().parquet(published.resolve(table).toString());
            files.put(table, writeOneFile(fs, rows, staging, table));
        }
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("generation", generation);
        snapshot.put("source", "published/ of " + store.root());
        snapshot.put("tables", files);
        try (OutputStream out = fs.create(new Path(staging, SNAPSHOT), false)) {
            out.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(snapshot)
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (fs instanceof org.apache.hadoop.fs.ChecksumFileSystem checksummed) {
            // the local file system's checksum files (.<name>.crc) are Hadoop's own; the export is for other tools
            FileSystem raw = checksummed.getRawFileSystem();
            for (FileStatus f : raw.listStatus(staging)) {
                String name = f.getPath().getName();
                if (name.startsWith(".") && name.endsWith(".crc")) {
                    raw.delete(f.getPath(), false);
                }
            }
        }
        // the earlier export goes only once the new one is whole
        if (fs.exists(target) && !fs.delete(target, true)) {
            throw new IOException("Could not remove the earlier export " + target);
        }
        if (!fs.rename(staging, target)) {
            throw new IOException("Could not move " + staging + " to " + target);
        }
        System.out.println("exported " + tables.size() + " published tables of " + generation + " to " + target);
        return ExitCodes.SUCCESS;
    }

    /** Writes {@code rows} as {@code <dir>/<table>.parquet}; returns what the snapshot says of it. */
    private static Map<String, Object> writeOneFile(FileSystem fs, Dataset<Row> rows, Path dir, String table)
            throws IOException {
        Path parts = new Path(dir, "." + table + ".parts");
        Column[] order = MartBuilder.sortKeys(rows);
        rows.repartition(1).sortWithinPartitions(order).write().mode(SaveMode.Overwrite)
                .option("compression", "snappy").parquet(parts.toString());
        FileStatus[] written = fs.globStatus(new Path(parts, "part-*.parquet"));
        if (written == null || written.length != 1) {
            throw new IOException("Expected one Parquet file for " + table + " in " + parts + ", found "
                    + (written == null ? 0 : written.length));
        }
        Path file = new Path(dir, table + ".parquet");
        if (!fs.rename(written[0].getPath(), file)) {
            throw new IOException("Could not move " + written[0].getPath() + " to " + file);
        }
        fs.delete(parts, true);
        List<String> columns = new ArrayList<>(List.of(rows.columns()));
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("file", table + ".parquet");
        about.put("rows", ParquetRows.count(fs.getConf(), file)); // from the footer: no second read
        about.put("columns", columns);
        return about;
    }
}
