package uk.nhs.healthjustice.telemed.schemas;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * The NHS number check: ten digits, weights 10 down to 2 on the first nine, check = 11 - (sum mod 11),
 * 11 means 0 and 10 means the number can never be issued; ten identical digits are rejected too.
 * Spaces are allowed in input ({@code 943 476 5919}).
 */
public final class NhsNumber {

    private NhsNumber() {
    }

    /** The number with spaces removed, or null. */
    public static String normalise(String raw) {
        return raw == null ? null : raw.replace(" ", "");
    }

    /** True when the (space-separated) number is a possible NHS number. */
    public static boolean isValid(String raw) {
        String n = normalise(raw);
        if (n == null || n.length() != 10 || !n.chars().allMatch(Character::isDigit)) {
            return false;
        }
        if (n.chars().distinct().count() == 1) {
            return false;
        }
        int check = checkDigit(n.substring(0, 9));
        return check >= 0 && check == n.charAt(9) - '0';
    }

    /**
     * The check digit that completes nine digits into an NHS number, or -1 when no number can be issued with
     * them (the Modulus 11 remainder gives 10). The generator makes its synthetic numbers with this too.
     */
    public static int checkDigit(String nineDigits) {
        if (nineDigits.length() != 9 || !nineDigits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("Cannot compute a check digit: expected nine digits");
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nineDigits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - sum % 11;
        return check == 10 ? -1 : check == 11 ? 0 : check;
    }

    /** Spark form of {@link #normalise(String)}. */
    public static Column normalisedExpr(Column raw) {
        return regexp_replace(raw, " ", "");
    }

    /** Spark form of {@link #isValid(String)}, built from built-in functions only (no UDF). */
    public static Column isValidExpr(Column raw) {
        Column n = normalisedExpr(raw);
        Column sum = lit(0);
        for (int i = 0; i < 9; i++) {
            sum = sum.plus(digit(n, i).multiply(10 - i));
        }
        Column check = lit(11).minus(sum.mod(11));
        Column expected = when(check.equalTo(11), 0).otherwise(check);
        Column allSame = n.rlike("^(\\d)\\1{9}$");
        return coalesce(
                n.rlike("^[0-9]{10}$")
                        .and(not(allSame))
                        .and(check.notEqual(10))
                        .and(expected.equalTo(digit(n, 9))),
                lit(false));
    }

    private static Column digit(Column n, int index) {
        return substring(n, index + 1, 1).cast("int");
    }
}
