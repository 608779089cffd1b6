package uk.nhs.healthjustice.telemed.schemas;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * How a raw string becomes a typed value, with built-in functions only. A value that does not match its
 * form exactly becomes null, so "present but null after parsing" is what makes a field invalid.
 */
public final class FieldParsing {

    private FieldParsing() {
    }

    static final String DATE_FORM = "^\\d{4}-\\d{2}-\\d{2}$";
    /** The contract requires an offset; a timestamp without one is invalid (Spark's cast would assume a zone). */
    static final String TIMESTAMP_FORM =
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$";
    static final String INT_FORM = "^[+-]?\\d{1,9}$";
    static final String DOUBLE_FORM = "^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$";
    static final String SITE_FORM = "^[A-Z0-9]{2,8}$";
    static final String SPECIALTY_FORM = "^(\\d{3}|GIC)$";

    /** Spark type of the curated column. */
    public static DataType sparkType(FieldType type) {
        return switch (type) {
            case DATE -> DataTypes.DateType;
            case TIMESTAMP -> DataTypes.TimestampType;
            case INT -> DataTypes.IntegerType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
            default -> DataTypes.StringType;
        };
    }

    /** Raw text trimmed, blank as null: CSV and JSON Lines then look alike. */
    public static Column clean(Column raw) {
        Column t = trim(raw);
        return when(t.notEqual(""), t);
    }

    /** The typed value of a cleaned raw column, or null when it does not parse. */
    public static Column typed(Field f, Column clean) {
        return switch (f.type()) {
            case DATE -> when(clean.rlike(DATE_FORM), clean.cast("date"));
            case TIMESTAMP -> when(clean.rlike(TIMESTAMP_FORM), clean.cast("timestamp"));
            case INT -> when(clean.rlike(INT_FORM), clean.cast("int"));
            case DOUBLE -> when(clean.rlike(DOUBLE_FORM), clean.cast("double"));
            case BOOLEAN -> when(lower(clean).isin("true", "false"), lower(clean).equalTo("true"));
            case NHS_NUMBER -> NhsNumber.normalisedExpr(clean);
            default -> clean;
        };
    }

    /** True when the cleaned value is present but not of the field's form (enum, range, check digit...). */
    public static Column invalid(Field f, Column clean) {
        Column t = typed(f, clean);
        Column bad = switch (f.type()) {
            case NHS_NUMBER -> not(NhsNumber.isValidExpr(clean));
            case SITE_ID -> not(clean.rlike(SITE_FORM));
            case SPECIALTY_CODE -> not(clean.rlike(SPECIALTY_FORM));
            case ENUM -> not(clean.isin(f.allowedValues().toArray()));
            case ID -> lit(false);
            default -> t.isNull().or(outOfRange(f, t));
        };
        return clean.isNotNull().and(coalesce(bad, lit(true)));
    }

    private static Column outOfRange(Field f, Column t) {
        Column out = lit(false);
        if (f.type() == FieldType.DOUBLE) {
            out = out.or(isnan(t)).or(t.isin(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        }
        if (f.min() != null) {
            out = out.or(t.lt(f.min()));
        }
        if (f.max() != null) {
            out = out.or(t.gt(f.max()));
        }
        return out;
    }
}
