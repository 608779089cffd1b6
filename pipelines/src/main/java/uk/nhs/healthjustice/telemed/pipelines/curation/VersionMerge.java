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
 * wins (later load date, then later file and row). An exact re-delivery of a version already seen (same key,
 * instant and content) changes nothing.
 *
 * <p>Every valid row of the night ends as {@code curated} (it is now the newest version) or
 * {@code superseded} (an older version than the curated one, or an exact re-delivery).
 */
public final class VersionMerge {

    public static final String CONTENT_HASH = "content_hash";
    public static final String VERSION_OUTCOME = "version_outcome";
    public static final String CURATED = "curated";
    public static final String SUPERSEDED = "superseded";

    private VersionMerge() {
    }

    /** The two results of a merge. */
    public record Result(Dataset<Row> curated, Dataset<Row> tonight) {
    }

    /** Adds the content fingerprint used to recognise an exact re-delivery (contract fields only, not lineage). */
    public static Dataset<Row> withContentHash(Dataset<Row> versions, List<String> contentColumns) {
        Column[] cols = contentColumns.stream().map(c -> col(c)).toArray(Column[]::new);
        return versions.withColumn(CONTENT_HASH, sha2(to_json(struct(cols)), 256));
    }

    /**
     * @param earlier valid versions from other nights (with {@code content_hash}), already pseudonymised
     * @param tonight the night's valid versions (with {@code content_hash})
     */
    public static Result merge(Dataset<Row> earlier, Dataset<Row> tonight, LogContract contract) {
        String id = contract.idField();
        Dataset<Row> all = earlier.withColumn("_tonight", lit(false))
                .unionByName(tonight.withColumn("_tonight", lit(true)))
                // one shuffle: both windows below cluster on the record key
                .repartition(col(id));

        WindowSpec sameVersion = Window.partitionBy(col(id), col("record_updated_at"), col(CONTENT_HASH))
                .orderBy(col("load_date"), col("source_file"), col("source_row"));
        Dataset<Row> marked = all.withColumn("_copy", row_number().over(sameVersion).gt(1));

        WindowSpec newestFirst = Window.partitionBy(col(id)).orderBy(
                col("record_updated_at").desc(), col("_copy"), col("load_date").desc(),
                col("source_file").desc(), col("source_row").desc());
        marked = marked.withColumn("_newest", row_number().over(newestFirst).equalTo(1).and(not(col("_copy"))));

        List<String> outputColumns = new ArrayList<>(List.of(tonight.columns()));
        Column[] out = outputColumns.stream().map(c -> col(c)).toArray(Column[]::new);

        Dataset<Row> curated = marked.filter(col("_newest")).select(out);
        Dataset<Row> tonightOutcome = marked.filter(col("_tonight"))
                .withColumn(VERSION_OUTCOME, when(col("_newest"), lit(CURATED)).otherwise(lit(SUPERSEDED)))
                .select(concatColumns(out, col(VERSION_OUTCOME)));
        return new Result(curated, tonightOutcome);
    }

    private static Column[] concatColumns(Column[] cols, Column extra) {
        Column[] all = java.util.Arrays.copyOf(cols, cols.length + 1);
        all[cols.length] = extra;
        return all;
    }
}
