package uk.nhs.healthjustice.telemed.schemas;

import java.util.function.Function;
import org.apache.spark.sql.Column;

/**
 * A contract rule that relates two or more fields, such as "clock_stop_date >= referral_date".
 *
 * @param name        rule name written to the quarantine and the data-quality mart
 * @param description the rule in words, for reports
 * @param broken      a column that is true when a row breaks the rule (null counts as not broken)
 */
public record CrossFieldRule(String name, String description, Function<RuleContext, Column> broken) {
}
