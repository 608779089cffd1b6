package uk.nhs.healthjustice.telemed.pipelines.quality;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.curation.VersionMerge;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.marts.MartContracts;

/**
 * {@code marts/data_quality}: for one run, log and load date, where every row read went: curated,
 * quarantined (with a count per broken rule) or superseded. rows_read = curated + quarantined + superseded.
 */
public final class DataQuality {

    /** Prefix of the per-rule count columns, e.g. {@code rule_patient_id_invalid}. */
    public static final String RULE_PREFIX = MartContracts.RULE_PREFIX;

    private DataQuality() {
    }

    /** Every rule of every log, in a stable order: the fixed set of per-rule columns. */
    public static List<String> allRuleNames() {
        return MartContracts.ruleNames();
    }

    /** The run id of a night: rerunning a night replaces its rows, so reruns and backfills are idempotent. */
    public static String runId(java.time.LocalDate night) {
        return "nightly-" + night;
    }

    /**
     * One row of counts per night of a log, zeros for a night that had no file.
     *
     * @param nights     the nights run
     * @param rejected   rejected rows with {@code load_date} and {@code broken_rules}
     * @param classified valid rows with {@code load_date} and {@code version_outcome}
     */
    public static Dataset<Row> summarise(String log, List<java.time.LocalDate> nights, Dataset<Row> rejected,
                                         Dataset<Row> classified) {
        Column noRules = array().cast("array<string>");
        Dataset<Row> outcomes = classified.select(col(RecordValidator.LOAD_DATE),
                        col(VersionMerge.VERSION_OUTCOME).as("_outcome"), noRules.as("_rules"))
                .unionByName(rejected.select(col(RecordValidator.LOAD_DATE), lit("quarantined").as("_outcome"),
                        col(RecordValidator.BROKEN_RULES).as("_rules")));
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(when(col("_outcome").equalTo(VersionMerge.CURATED), 1)).as("rows_curated"));
        aggs.add(count(when(col("_outcome").equalTo("quarantined"), 1)).as("rows_quarantined"));
        aggs.add(count(when(col("_outcome").equalTo(VersionMerge.SUPERSEDED), 1)).as("versions_superseded"));
        for (String rule : allRuleNames()) {
            aggs.add(count(when(array_contains(col("_rules"), rule), 1)).as(RULE_PREFIX + rule));
        }
        Dataset<Row> counts = outcomes.groupBy(col(RecordValidator.LOAD_DATE).as("_night"))
                .agg(count(lit(1)).as("rows_read"), aggs.toArray(Column[]::new));

        List<Row> nightRows = nights.stream().map(d -> RowFactory.create(java.sql.Date.valueOf(d))).toList();
        Dataset<Row> all = rejected.sparkSession().createDataFrame(nightRows,
                new StructType().add(RecordValidator.LOAD_DATE, DataTypes.DateType, false));
        Dataset<Row> joined = all.join(counts, all.col(RecordValidator.LOAD_DATE).equalTo(counts.col("_night")), "left");
        List<Column> out = new ArrayList<>(List.of(
                concat(lit("nightly-"), col(RecordValidator.LOAD_DATE).cast("string")).as("run_id"),
                lit(log).as("log"), all.col(RecordValidator.LOAD_DATE)));
        for (String c : counts.columns()) {
            if (!c.equals("_night")) {
                out.add(coalesce(col(c), lit(0L)).as(c));
            }
        }
        return joined.select(out.toArray(Column[]::new));
    }
}
