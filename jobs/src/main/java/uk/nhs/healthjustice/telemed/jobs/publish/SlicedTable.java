package uk.nhs.healthjustice.telemed.jobs.publish;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet table kept as one flat folder whose file names start with their slice, e.g.
 * {@code 2026-03.part-00000-<uuid>.c000.zstd.parquet}. Readers see an ordinary table: no partition column, the
 * same schema as an unsliced one. A nightly run writes the slices it recomputed and hard-links every other
 * slice's files from the previous generation, so its cost follows what it touched, not the length of history;
 * a hard link costs no space, and a generation still holds every file it needs when older ones are deleted.
 */
public final class SlicedTable {

    private static final String SLICE = "_slice";
    /** A data file or its Hadoop checksum ({@code .<name>.crc}). */
    private static final Pattern SLICED = Pattern.compile("^\\.?(\\d{4}-\\d{2})\\.part-.*");
    /**
     * The one file {@link #ensureReadable} gives a table with no rows: in no slice, so never linked into the
     * next generation, and no reason to treat the table as unsliced (an absent optional log's marts are empty
     * every night, and must not make every other period mart be rewritten whole).
     */
    private static final String EMPTY = "empty";
    private static final Pattern EMPTY_FILE = Pattern.compile("^\\.?" + EMPTY + "\\.part-.*");

    private SlicedTable() {
    }

    /**
     * Writes {@code rows} into the folder {@code table} (created if absent), one file per slice, sorted by
     * {@code order} within it; the slice is in the file name, not in the data.
     *
     * @return the slices written
     */
    public static Set<String> write(Dataset<Row> rows, Column slice, Column[] order, Path table) throws IOException {
        Path staging = table.resolveSibling("." + table.getFileName() + ".slices");
        OutputStore.deleteTree(staging);
        Column[] sort = new Column[order.length + 1];
        sort[0] = col(SLICE);
        System.arraycopy(order, 0, sort, 1, order.length);
        // one shuffle: a slice lands in one task, so in one file
        rows.withColumn(SLICE, slice).repartition(col(SLICE)).sortWithinPartitions(sort)
                .write().mode(SaveMode.Overwrite).partitionBy(SLICE).parquet(staging.toString());
        Files.createDirectories(table);
        Set<String> written = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(staging)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                String s = name.substring(name.indexOf('=') + 1);
                written.add(s);
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.sorted().toList()) {
                        String file = f.getFileName().toString();
                        String renamed = file.startsWith(".") ? "." + s + "." + file.substring(1) : s + "." + file;
                        Files.move(f, table.resolve(renamed));
                    }
                }
            }
        }
        OutputStore.deleteTree(staging);
        return written;
    }

    /** Hard-links into {@code to} the files of every slice of {@code from} that {@code keep} accepts. */
    public static Set<String> link(Path from, Path to, java.util.function.Predicate<String> keep) throws IOException {
        Files.createDirectories(to);
        Set<String> linked = new TreeSet<>();
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.sorted().toList()) {
                String s = sliceOf(f);
                if (s != null && keep.test(s)) {
                    Files.createLink(to.resolve(f.getFileName().toString()), f);
                    linked.add(s);
                }
            }
        }
        return linked;
    }

    /** Gives a table left with no data file (nothing to write) one empty file, so it can be read with its schema. */
    public static void ensureReadable(SparkSession spark, StructType schema, Path table) throws IOException {
        if (!dataFiles(table, null).isEmpty()) {
            return;
        }
        Path staging = table.resolveSibling("." + table.getFileName() + ".empty");
        spark.createDataFrame(List.of(), schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(staging.toString());
        Files.createDirectories(table);
        try (Stream<Path> files = Files.list(staging)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("_")).toList()) {
                String file = f.getFileName().toString();
                String renamed = file.startsWith(".") ? "." + EMPTY + "." + file.substring(1) : EMPTY + "." + file;
                Files.move(f, table.resolve(renamed));
            }
        }
        OutputStore.deleteTree(staging);
    }

    /**
     * True when every data file of {@code table} names its slice (an older generation may not), or is the empty
     * file of a table without rows.
     */
    public static boolean isSliced(Path table) throws IOException {
        if (!Files.isDirectory(table)) {
            return false;
        }
        try (Stream<Path> files = Files.list(table)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith("_") && !n.startsWith("."))
                    .allMatch(n -> SLICED.matcher(n).matches() || EMPTY_FILE.matcher(n).matches());
        }
    }

    /** The data files of the slices {@code slices} accepts (all data files when it is null), sorted. */
    public static List<String> dataFiles(Path table, java.util.function.Predicate<String> slices) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(table)) {
            return out;
        }
        try (Stream<Path> files = Files.list(table)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("_") || n.startsWith(".")) {
                    continue;
                }
                String slice = sliceOf(f);
                if (slices == null || slice != null && slices.test(slice)) {
                    out.add(f.toString());
                }
            }
        }
        return out;
    }

    /** Reads the slices {@code slices} accepts with the table's schema; no file, no rows. */
    public static Dataset<Row> read(SparkSession spark, StructType schema, Path table,
                                    java.util.function.Predicate<String> slices) throws IOException {
        List<String> files = dataFiles(table, slices);
        return files.isEmpty() ? spark.createDataFrame(List.of(), schema)
                : spark.read().schema(schema).parquet(files.toArray(String[]::new));
    }

    static String sliceOf(Path file) {
        Matcher m = SLICED.matcher(file.getFileName().toString());
        return m.matches() ? m.group(1) : null;
    }
}
