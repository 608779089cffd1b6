package uk.nhs.healthjustice.telemed.jobs.landing;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * Reads checked landing files of one log into one string column per contract field, with lineage: the
 * file (relative to the log folder, e.g. {@code load_date=2026-03-29/consults.csv}), the physical line
 * number, the load date, and whether the line could be split into fields at all.
 *
 * <p>Lines are read as text and parsed with the built-in {@code from_csv}/{@code from_json}, so every row
 * keeps its line number for the quarantine. Consequence: a CSV field may not contain a line break (no log
 * field is free text).
 */
public final class LogReader {

    static final String CORRUPT = "_corrupt_record";

    private LogReader() {
    }

    public static Dataset<Row> read(SparkSession spark, LogContract contract, List<LandingFile> files) {
        StructType empty = new StructType();
        for (String f : contract.fieldNames()) {
            empty = empty.add(f, DataTypes.StringType);
        }
        Dataset<Row> result = null;
        // One Spark read per distinct layout (format and CSV column order); usually one or two per night.
        Map<String, List<LandingFile>> byLayout = new LinkedHashMap<>();
        for (LandingFile f : files) {
            byLayout.computeIfAbsent(f.format() + ":" + f.header(), k -> new ArrayList<>()).add(f);
        }
        for (List<LandingFile> group : byLayout.values()) {
            Dataset<Row> part = readGroup(spark, contract, group);
            result = result == null ? part : result.unionByName(part);
        }
        if (result == null) {
            List<Column> cols = new ArrayList<>();
            contract.fieldNames().forEach(f -> cols.add(lit(null).cast("string").as(f)));
            cols.add(lit(null).cast("string").as(RecordValidator.SOURCE_FILE));
            cols.add(lit(null).cast("int").as(RecordValidator.SOURCE_ROW));
            cols.add(lit(false).as(RecordValidator.MALFORMED));
            cols.add(lit(null).cast("date").as(RecordValidator.LOAD_DATE));
            return spark.createDataFrame(List.of(), empty).select(cols.toArray(Column[]::new));
        }
        return result;
    }

    /**
     * Each line of a text read with its physical line number in its file ({@code source_row}, from 1), its file
     * ({@code _path}) and nothing shuffled but one row per file split.
     *
     * <p>Spark reads a file as one or more splits (byte ranges); each line belongs to exactly one split, and a
     * split's lines are read in order, one after another, within one task, where
     * {@code monotonically_increasing_id} counts rows one by one. So a line's number is its position in its
     * split (its id less the split's first id) plus the lines of the file's earlier splits. Those two figures
     * come from an aggregate of one row per split, broadcast back to the lines: a window over every line of
     * every file, which shuffled and sorted the whole night's text, is not needed.
     */
    static Dataset<Row> withLineNumbers(Dataset<Row> text) {
        Dataset<Row> lines = text.select(col("value"), url_decode(input_file_name()).as("_path"),
                input_file_block_start().as("_block"), monotonically_increasing_id().as("_mid"));
        Dataset<Row> splits = lines.groupBy(col("_path"), col("_block"))
                .agg(min(col("_mid")).as("_first"), count(lit(1)).as("_lines"));
        Column earlierLines = sum(col("_lines")).over(Window.partitionBy(col("_path")).orderBy(col("_block"))
                .rowsBetween(Window.unboundedPreceding(), -1));
        splits = splits.select(col("_path").as("_split_path"), col("_block").as("_split_block"), col("_first"),
                coalesce(earlierLines, lit(0L)).as("_before"));
        return lines.join(broadcast(splits), col("_path").equalTo(col("_split_path"))
                        .and(col("_block").equalTo(col("_split_block"))))
                .select(col("value"), col("_path"),
                        col("_before").plus(col("_mid")).minus(col("_first")).plus(1).cast("int")
                                .as(RecordValidator.SOURCE_ROW));
    }

    private static Dataset<Row> readGroup(SparkSession spark, LogContract contract, List<LandingFile> group) {
        LandingFile first = group.get(0);
        String[] paths = group.stream().map(f -> f.path().toAbsolutePath().toString()).toArray(String[]::new);
        Dataset<Row> lines = withLineNumbers(spark.read().text(paths)).filter(trim(col("value")).notEqual(""));

        Column parsed;
        if (first.format() == LandingFile.Format.CSV) {
            lines = lines.filter(col(RecordValidator.SOURCE_ROW).gt(1)); // the header
            StructType schema = new StructType();
            for (String h : first.header()) {
                schema = schema.add(h, DataTypes.StringType);
            }
            schema = schema.add(CORRUPT, DataTypes.StringType);
            parsed = from_csv(col("value"), lit(schema.toDDL()), Map.of("mode", "PERMISSIVE",
                    "columnNameOfCorruptRecord", CORRUPT));
        } else {
            StructType schema = new StructType();
            for (String f : contract.fieldNames()) {
                schema = schema.add(f, DataTypes.StringType);
            }
            schema = schema.add(CORRUPT, DataTypes.StringType);
            parsed = from_json(col("value"), schema, Map.of("mode", "PERMISSIVE",
                    "columnNameOfCorruptRecord", CORRUPT));
        }
        Dataset<Row> rows = lines.withColumn("_r", parsed);
        List<Column> out = new ArrayList<>();
        for (String f : contract.fieldNames()) {
            // a CSV may lack an optional column of a later contract version (JSON lacks it by itself): null
            boolean present = first.format() != LandingFile.Format.CSV || first.header().contains(f);
            out.add((present ? col("_r." + f) : lit(null).cast("string")).as(f));
        }
        out.add(regexp_extract(col("_path"), "([^/]+/[^/]+)$", 1).as(RecordValidator.SOURCE_FILE));
        out.add(col(RecordValidator.SOURCE_ROW));
        out.add(col("_r").isNull().or(col("_r." + CORRUPT).isNotNull()).as(RecordValidator.MALFORMED));
        out.add(to_date(regexp_extract(col("_path"), "load_date=(\\d{4}-\\d{2}-\\d{2})", 1))
                .as(RecordValidator.LOAD_DATE));
        return rows.select(out.toArray(Column[]::new));
    }
}
