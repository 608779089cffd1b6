package uk.nhs.healthjustice.telemed.schemas;

import org.apache.spark.sql.Column;

/** What a rule may look at: each field's raw text (trimmed, blank as null), its typed value, and the load date. */
public interface RuleContext {

    /** The raw text of a field, trimmed, with blank as null. */
    Column raw(String field);

    /** The typed value of a field; null when absent or not parseable. */
    Column typed(String field);

    /** The load date of the night being read. */
    Column loadDate();
}
