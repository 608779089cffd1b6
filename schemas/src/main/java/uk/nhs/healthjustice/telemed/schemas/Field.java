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
 */
public record Field(String name, FieldType type, boolean required, List<String> allowedValues, Double min, Double max) {

    public Field {
        if (type == FieldType.ENUM && (allowedValues == null || allowedValues.isEmpty())) {
            throw new IllegalArgumentException("Invalid field " + name + ": an enum needs allowed values");
        }
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    }

    public static Field required(String name, FieldType type) {
        return new Field(name, type, true, null, null, null);
    }

    public static Field nullable(String name, FieldType type) {
        return new Field(name, type, false, null, null, null);
    }

    public static Field requiredEnum(String name, String... values) {
        return new Field(name, FieldType.ENUM, true, List.of(values), null, null);
    }

    public static Field nullableEnum(String name, String... values) {
        return new Field(name, FieldType.ENUM, false, List.of(values), null, null);
    }

    public Field between(double lo, double hi) {
        return new Field(name, type, required, allowedValues, lo, hi);
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
