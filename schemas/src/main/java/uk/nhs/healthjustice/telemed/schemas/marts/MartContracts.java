package uk.nhs.healthjustice.telemed.schemas.marts;

import static org.apache.spark.sql.types.DataTypes.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/**
 * The schema of every table under {@code marts/} (METRICS.md). A mart that is published has the columns and types
 * its {@link PublishedTables} declaration gives, so they are declared there once; only {@code data_quality}, which
 * is for the evaluation team and never published, is declared here.
 */
public final class MartContracts {

    private MartContracts() {
    }

    /** Prefix of data_quality's per-rule count columns, e.g. {@code rule_patient_id_invalid}. */
    public static final String RULE_PREFIX = "rule_";

    /** Every rule of every log, in the order of {@link Contracts#ALL}, each once. */
    public static List<String> ruleNames() {
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

    /** Per run x log x load date: where every row read went, and one count per rule (METRICS.md data_quality). */
    public static StructType dataQuality() {
        StructType s = new StructType().add("run_id", StringType).add("log", StringType).add("load_date", DateType)
                .add("rows_read", LongType).add("rows_curated", LongType).add("rows_quarantined", LongType)
                .add("versions_superseded", LongType);
        for (String rule : ruleNames()) {
            s = s.add(RULE_PREFIX + rule, LongType);
        }
        return s;
    }

    /** Every mart the nightly writes, by name: the controlled published tables' marts, then data_quality. */
    public static Map<String, StructType> all() {
        Map<String, StructType> m = new LinkedHashMap<>();
        for (PublishedTable t : PublishedTables.CONTROLLED.values()) {
            m.put(t.name(), t.schema());
        }
        m.put("data_quality", dataQuality());
        return Collections.unmodifiableMap(m);
    }
}
