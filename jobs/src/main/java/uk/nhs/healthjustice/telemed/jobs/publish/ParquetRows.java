package uk.nhs.healthjustice.telemed.jobs.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The number of rows in a Parquet table just written, summed from its files' footers: what
 * {@code spark.read().parquet(table).count()} returns, without planning and running a Spark query (a run
 * counts some thirty tables, and on a small night those queries cost more than the counting). Files are
 * those Spark reads: every file under the folder whose path has no component starting with {@code _} or
 * {@code .} (Hadoop checksums, {@code _SUCCESS}, staging folders).
 */
public final class ParquetRows {

    private ParquetRows() {
    }

    public static long count(Configuration conf, java.nio.file.Path table) {
        return count(conf, new Path(table.toUri()));
    }

    /**
     * The rows of a table folder, or of one Parquet file. A table that is not there fails, as Spark's read
     * did: the tables counted were just written, so a missing one is a fault, not zero rows.
     */
    public static long count(Configuration conf, Path root) {
        try {
            FileSystem fs = root.getFileSystem(conf);
            String base = stripSlash(fs.makeQualified(root).toUri().getPath());
            long rows = 0;
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                LocatedFileStatus f = files.next();
                String file = f.getPath().toUri().getPath();
                if (!file.equals(base) && !file.startsWith(base + "/")) {
                    // never guess: a wrong count in the manifest is worse than a failed run
                    throw new IOException("listed " + file + ", which is not under " + base);
                }
                if (!hidden(file.substring(base.length()))) {
                    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                        rows += reader.getRecordCount();
                    }
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot count the rows of " + root, e);
        }
    }

    /** True when a component of the file's path below the table's folder starts with '_' or '.'. */
    private static boolean hidden(String below) {
        for (String name : below.split("/")) {
            if (name.startsWith("_") || name.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
