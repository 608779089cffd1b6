package uk.nhs.healthjustice.telemed.schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * The data contract of one change log: its fields, its record key and the rules that relate fields.
 * Every rule name a row can break is listed by {@link #ruleNames()}.
 *
 * @param log        folder name under the landing root ({@code referrals}, {@code consults}, {@code mha_assessments})
 * @param idField    the record key; versions of one record share it
 * @param fields     the contract's columns, in contract order
 * @param crossRules rules across fields
 */
public record LogContract(String log, String idField, List<Field> fields, List<CrossFieldRule> crossRules) {

    /** Rule for a line that could not be parsed into fields at all (broken quoting, not JSON). */
    public static final String MALFORMED_RECORD = "malformed_record";
    /** Rule for a well-formed site code that is not in the site register. */
    public static final String SITE_ID_UNKNOWN = "site_id_unknown";

    public LogContract {
        fields = List.copyOf(fields);
        crossRules = List.copyOf(crossRules);
    }

    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }

    /** The columns every CSV header must name: all but the optional columns of later contract versions. */
    public List<String> requiredColumnNames() {
        return fields.stream().filter(f -> !f.columnOptional()).map(Field::name).toList();
    }

    public Field field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown field " + name + " in " + log));
    }

    /** Every rule a row of this log can break, in a stable order. */
    public List<String> ruleNames() {
        List<String> names = new ArrayList<>();
        names.add(MALFORMED_RECORD);
        for (Field f : fields) {
            if (f.required()) {
                names.add(f.missingRule());
            }
            if (f.type() != FieldType.ID) {
                names.add(f.invalidRule());
            }
            if (f.type() == FieldType.SITE_ID) {
                names.add(SITE_ID_UNKNOWN);
            }
        }
        crossRules.forEach(r -> names.add(r.name()));
        return names;
    }
}
