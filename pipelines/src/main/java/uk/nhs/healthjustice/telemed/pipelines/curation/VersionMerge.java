package uk.nhs.healthjustice.telemed.pipelines.curation;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * Newest valid version wins. A log is a change log: a record's key arrives again with a newer
 * {@code record_updated_at} when it changes. Versions are compared as instants; on a tie the later delivery
 * wins (later load date, then later file and line). An exact re-delivery of a version already seen (same key,
 * instant and content) changes nothing.
 *
 * <p>Every valid incoming row ends as {@code curated} (it was the newest version when its night ran: newest
 * among all versions delivered on or before its load date) or {@code superseded} (older than that, or an
 * exact re-delivery). Several nights can be merged in one pass and each row is classified as if its night
 * had run alone, in order: that is what makes a backfill equal to the nights one by one.
 */
public final class VersionMerge {

    public static final String CONTENT_HASH = "content_hash";
    public static final String VERSION_OUTCOME = "version_outcome";
    public static final String CURATED = "curated";
    public static final String SUPERSEDED = "superseded";

    private VersionMerge() {
    }

    /** The curated newest versions, and the incoming rows with their outcome. */
    public record Result(Dataset<Row> curated, Dataset<Row> incoming) {
    }

    /** Adds the content fingerprint used to recognise an exact re-delivery (contract fields only, not lineage). */
    public static Dataset<Row> withContentHash(Dataset<Row> versions, List<String> contentColumns) {
        Column[] cols = contentColumns.stream().map(c -> col(c)).toArray(Column[]::new);
        return versions.withColumn(CONTENT_HASH, sha2(to_json(struct(cols)), 256));
    }

    /**
     * @param earlier  valid versions already delivered (all earlier versions, or just the curated newest ones:
     *                 both give the same result), with {@code content_hash}
     * @param incoming the valid versions of the nights being run, with {@code content_hash}
     */
    public static Result merge(Dataset<Row> earlier, Dataset<Row> incoming, LogContract contract) {
        String id = contract.idField();
        Dataset<Row> all = earlier.withColumn("_in", lit(false))
                .unionByName(incoming.withColumn("_in", lit(true)))
                // one shuffle: every window below partitions by the record key
                .repartition(col(id));

        WindowSpec sameVersion = Window.partitionBy(col(id), col("record_updated_at"), col(CONTENT_HASH))
                .orderBy(col("load_date"), col("source_file"), col("source_row"));
        Column copy = row_number().over(sameVersion).gt(1);
        // The order of precedence: newest instant; an original before its copies; then the later delivery.
        Column rank = struct(col("record_updated_at"), not(col("_copy")).as("original"), col("load_date"),
                col("source_file"), col("source_row"));
        WindowSpec deliveredByThen = Window.partitionBy(col(id)).orderBy(col("load_date"))
                .rangeBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec everything = Window.partitionBy(col(id));

        Dataset<Row> marked = all.withColumn("_copy", copy)
                .withColumn("_rank", rank)
                .withColumn("_newest_then", not(col("_copy")).and(col("_rank").equalTo(max(col("_rank")).over(deliveredByThen))))
                .withColumn("_newest_now", not(col("_copy")).and(col("_rank").equalTo(max(col("_rank")).over(everything))));

        List<String> columns = new ArrayList<>(List.of(incoming.columns()));
        Column[] out = columns.stream().map(c -> col(c)).toArray(Column[]::new);
        Dataset<Row> curated = marked.filter(col("_newest_now")).select(out);
        columns.add(VERSION_OUTCOME);
        Dataset<Row> classified = marked.filter(col("_in"))
                .withColumn(VERSION_OUTCOME, when(col("_newest_then"), lit(CURATED)).otherwise(lit(SUPERSEDED)))
                .select(columns.stream().map(c -> col(c)).toArray(Column[]::new));
        return new Result(curated, classified);
    }
}
