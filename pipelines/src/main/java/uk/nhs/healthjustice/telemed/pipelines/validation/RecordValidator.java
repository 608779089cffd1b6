package uk.nhs.healthjustice.telemed.pipelines.validation;

import static org.apache.spark.sql.functions.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.healthjustice.telemed.schemas.CrossFieldRule;
import uk.nhs.healthjustice.telemed.schemas.Field;
import uk.nhs.healthjustice.telemed.schemas.FieldParsing;
import uk.nhs.healthjustice.telemed.schemas.FieldType;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.schemas.RuleContext;

/**
 * Checks every row of one night of a log against its contract and names each rule it breaks.
 *
 * <p>Input: one string column per contract field plus {@code source_file}, {@code source_row} and
 * {@code malformed} (the line could not be split into fields). Output: the same fields cleaned (trimmed,
 * blank as null), the lineage columns, {@code load_date}, and {@code broken_rules} (empty when valid).
 */
public final class RecordValidator {

    public static final String BROKEN_RULES = "broken_rules";
    public static final String SOURCE_FILE = "source_file";
    public static final String SOURCE_ROW = "source_row";
    public static final String MALFORMED = "malformed";
    public static final String LOAD_DATE = "load_date";

    private RecordValidator() {
    }

    /**
     * @param raw      the night's rows as strings
     * @param contract the log's contract
     * @param siteIds  the site register (a {@code site_id} column), for {@code site_id_unknown}
     * @param loadDate the night being read
     */
    public static Dataset<Row> validate(Dataset<Row> raw, LogContract contract, Dataset<Row> siteIds, LocalDate loadDate) {
        return validate(raw.withColumn(LOAD_DATE, lit(java.sql.Date.valueOf(loadDate))), contract, siteIds);
    }

    /** The same, for rows of several nights: each row's {@code load_date} column is its night. */
    public static Dataset<Row> validate(Dataset<Row> raw, LogContract contract, Dataset<Row> siteIds) {
        List<Column> cleaned = new ArrayList<>();
        for (Field f : contract.fields()) {
            cleaned.add(FieldParsing.clean(col(f.name())).as(f.name()));
        }
        cleaned.add(col(SOURCE_FILE));
        cleaned.add(col(SOURCE_ROW));
        cleaned.add(col(MALFORMED));
        cleaned.add(col(LOAD_DATE));
        Dataset<Row> rows = raw.select(cleaned.toArray(Column[]::new));

        // The register is small: a broadcast join marks known sites without shuffling the log. A log without a
        // site (patients: demographics) has nothing to look up.
        boolean hasSite = contract.fields().stream().anyMatch(f -> f.type() == FieldType.SITE_ID);
        if (hasSite) {
            Dataset<Row> known = siteIds.select(col("site_id").as("_known_site")).distinct();
            rows = rows.join(broadcast(known), rows.col("site_id").equalTo(known.col("_known_site")), "left");
        }

        Column loadDateCol = col(LOAD_DATE);
        RuleContext context = new RuleContext() {
            @Override
            public Column raw(String field) {
                contract.field(field);
                return col(field);
            }

            @Override
            public Column typed(String field) {
                return FieldParsing.typed(contract.field(field), col(field));
            }

            @Override
            public Column loadDate() {
                return loadDateCol;
            }
        };

        List<Column> checks = new ArrayList<>();
        for (Field f : contract.fields()) {
            Column value = col(f.name());
            if (f.required()) {
                checks.add(when(value.isNull(), lit(f.missingRule())));
            }
            if (f.type() != FieldType.ID) {
                checks.add(when(FieldParsing.invalid(f, value), lit(f.invalidRule())));
            }
            if (f.type() == FieldType.SITE_ID) {
                checks.add(when(value.isNotNull().and(not(FieldParsing.invalid(f, value)))
                        .and(col("_known_site").isNull()), lit(LogContract.SITE_ID_UNKNOWN)));
            }
        }
        for (CrossFieldRule rule : contract.crossRules()) {
            checks.add(when(coalesce(rule.broken().apply(context), lit(false)), lit(rule.name())));
        }
        // A line that could not be split into fields breaks one rule only: its other "errors" are noise.
        Column broken = when(col(MALFORMED), array(lit(LogContract.MALFORMED_RECORD)))
                .otherwise(array_compact(array(checks.toArray(Column[]::new))));

        List<Column> out = new ArrayList<>();
        contract.fieldNames().forEach(n -> out.add(col(n)));
        out.add(col(SOURCE_FILE));
        out.add(col(SOURCE_ROW));
        out.add(col(LOAD_DATE));
        out.add(broken.as(BROKEN_RULES));
        return rows.select(out.toArray(Column[]::new));
    }

    /** Rows that broke no rule. */
    public static Dataset<Row> valid(Dataset<Row> validated) {
        return validated.filter(size(col(BROKEN_RULES)).equalTo(0));
    }

    /** Longest value kept in the quarantine; a longer one is cut and its length recorded. */
    public static final int QUARANTINE_VALUE_LIMIT = 1000;

    /**
     * Rows that broke at least one rule, for the quarantine: a field value longer than
     * {@link #QUARANTINE_VALUE_LIMIT} characters (a runaway line) is cut to that length and ends with
     * {@code ...[cut: N characters]}, N its full length.
     */
    public static Dataset<Row> rejected(Dataset<Row> validated) {
        List<Column> out = new ArrayList<>();
        for (String name : validated.columns()) {
            boolean text = validated.schema().apply(name).dataType().equals(org.apache.spark.sql.types.DataTypes.StringType);
            out.add(text ? cut(col(name)).as(name) : col(name));
        }
        return validated.filter(size(col(BROKEN_RULES)).gt(0)).select(out.toArray(Column[]::new));
    }

    static Column cut(Column value) {
        return when(length(value).gt(QUARANTINE_VALUE_LIMIT),
                concat(substring(value, 1, QUARANTINE_VALUE_LIMIT), lit("...[cut: "), length(value).cast("string"),
                        lit(" characters]")))
                .otherwise(value);
    }

    /** Valid rows with each field converted to its contract type (dates, instants, numbers, booleans). */
    public static Dataset<Row> typed(Dataset<Row> validRows, LogContract contract) {
        List<Column> out = new ArrayList<>();
        for (Field f : contract.fields()) {
            out.add(FieldParsing.typed(f, col(f.name())).cast(FieldParsing.sparkType(f.type())).as(f.name()));
        }
        out.add(col(SOURCE_FILE));
        out.add(col(SOURCE_ROW));
        out.add(col(LOAD_DATE));
        return validRows.select(out.toArray(Column[]::new));
    }
}
