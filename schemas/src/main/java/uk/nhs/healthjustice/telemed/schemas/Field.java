package uk.nhs.healthjustice.telemed.schemas;

import java.util.List;

/**
 * One column of a log as the data contract defines it.
 *
 * @param name          column name in the landing files
 * @param type          the kind of value
 * @param required      false where the contract says "nullable"
 * @param allowedValues for {@link FieldType#ENUM}: the permitted values
 * @param min           inclusive lower bound for numbers, or null
 * @param max           inclusive upper bound for numbers, or null
 * @param columnOptional true for a column a later contract version added as optional: a file may lack it, and
 *                      then every row has it null (the contract's "optional column")
 */
public record Field(String name, FieldType type, boolean required, List<String> allowedValues, Double min, Double max,
                    boolean columnOptional) {

    public Field {
        if (type == FieldType.ENUM && (allowedValues == null || allowedValues.isEmpty())) {
            throw new IllegalArgumentException("Invalid field " + name + ": an enum needs allowed values");
        }
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        if (columnOptional && required) {
            throw new IllegalArgumentException("Invalid field " + name + ": a column files may lack cannot be required");
        }
    }

    public static Field required(String name, FieldType type) {
        return new Field(name, type, true, null, null, null, false);
    }

    public static Field nullable(String name, FieldType type) {
        return new Field(name, type, false, null, null, null, false);
    }

    public static Field requiredEnum(String name, String... values) {
        return new Field(name, FieldType.ENUM, true, List.of(values), null, null, false);
    }

    public static Field nullableEnum(String name, String... values) {
        return new Field(name, FieldType.ENUM, false, List.of(values), null, null, false);
    }

    public Field between(double lo, double hi) {
        return new Field(name, type, required, allowedValues, lo, hi, columnOptional);
    }

    /** The same field as a column that files may lack (added by a later contract version). */
    public Field optionalColumn() {
        return new Field(name, type, required, allowedValues, min, max, true);
    }

    /** Name of the rule broken when a required value is absent. */
    public String missingRule() {
        return name + "_missing";
    }

    /** Name of the rule broken when a value is present but not of the field's form. */
    public String invalidRule() {
        return name + "_invalid";
    }
}
