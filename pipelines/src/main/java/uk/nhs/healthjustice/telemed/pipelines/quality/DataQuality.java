package uk.nhs.healthjustice.telemed.pipelines.quality;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;

/**
 * {@code marts/data_quality}: for one run, log and load date, where every row read went: curated,
 * quarantined (with a count per broken rule) or superseded. rows_read = curated + quarantined + superseded.
 */
public final class DataQuality {

    /** Prefix of the per-rule count columns, e.g. {@code rule_patient_id_invalid}. */
    public static final String RULE_PREFIX = "rule_";

    private DataQuality() {
    }

    /** Every rule of every log, in a stable order: the fixed set of per-rule columns. */
    public static List<String> allRuleNames() {
        List<String> names = new ArrayList<>();
        for (LogContract c : Contracts.ALL) {
            for (String r : c.ruleNames()) {
                if (!names.contains(r)) {
                    names.add(r);
                }
            }
        }
        return names;
    }

    /**
     * One row of counts for a log and night.
     *
     * @param rejected     the night's rejected rows with {@code broken_rules}
     * @param validRows    how many rows of the night were valid
     * @param curatedRows  how many valid rows of the night became the newest version
     */
    public static Dataset<Row> summarise(String runId, String log, java.time.LocalDate loadDate,
                                         Dataset<Row> rejected, long validRows, long curatedRows) {
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)).plus(validRows).as("rows_read"));
        aggs.add(lit(curatedRows).as("rows_curated"));
        aggs.add(count(lit(1)).as("rows_quarantined"));
        aggs.add(lit(validRows - curatedRows).as("versions_superseded"));
        for (String rule : allRuleNames()) {
            aggs.add(count(when(array_contains(col(RecordValidator.BROKEN_RULES), rule), 1)).as(RULE_PREFIX + rule));
        }
        Dataset<Row> counts = rejected.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        List<Column> out = new ArrayList<>(List.of(lit(runId).as("run_id"), lit(log).as("log"),
                lit(java.sql.Date.valueOf(loadDate)).as("load_date")));
        for (String c : counts.columns()) {
            out.add(col(c));
        }
        return counts.select(out.toArray(Column[]::new));
    }
}
