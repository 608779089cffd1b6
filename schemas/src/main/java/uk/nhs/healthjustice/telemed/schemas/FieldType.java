package uk.nhs.healthjustice.telemed.schemas;

/** The kinds of value a contract field can hold; each kind knows how a raw string becomes a typed value. */
public enum FieldType {
    /** Free identifier such as {@code referral_id}: any non-blank text. */
    ID,
    /** NHS number: 10 digits (spaces allowed in input) passing the Modulus 11 check. */
    NHS_NUMBER,
    /** Establishment code: upper case, 2-8 letters or digits, and present in the site register. */
    SITE_ID,
    /** Treatment function code: 3 digits, or {@code GIC} for a gender identity clinic. */
    SPECIALTY_CODE,
    /** One of a fixed list of lower-case words. */
    ENUM,
    /** {@code YYYY-MM-DD}. */
    DATE,
    /** ISO-8601 timestamp with an offset; one without an offset is invalid. */
    TIMESTAMP,
    /** Whole number. */
    INT,
    /** Decimal number, finite. */
    DOUBLE,
    /** {@code true} or {@code false} (any case). */
    BOOLEAN
}
