package uk.nhs.healthjustice.telemed.schemas.published;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.healthjustice.telemed.schemas.published.DisclosureClass.MoneyForm;

/**
 * One published column and how disclosure control treats it below national level.
 *
 * @param name         the column
 * @param disclosure   its class
 * @param restsOn      the counts a statistic, mean or model output rests on; a rate's numerator
 * @param denominators a rate's denominator (their sum)
 * @param scale        a rate's scale (1, 100 for {@code pct_*}, 1000 for {@code *_per_1000})
 * @param whereSet     a rate left null by the mart on some rows stays null there
 * @param money        for money and hours, the form it may take below national
 * @param factor       for {@link MoneyForm#ROUNDED_COUNT_TIMES_FACTOR}, the column the count is multiplied by
 * @param why          the reason for the class, in words, where it is not obvious
 * @param type         its Spark SQL type, in the mart and in the published table alike; null for its class's
 *                     usual type ({@link #usualType})
 * @param wholeBelowNational a statistic published to a whole number below national (a mean of whole days, see
 *                     {@link #meanOfWholeDays})
 */
public record PublishedColumn(String name, DisclosureClass disclosure, List<String> restsOn, List<String> denominators,
                              double scale, boolean whereSet, MoneyForm money, String factor, String why,
                              DataType type, boolean wholeBelowNational) {

    /** Money as the marts write it: pounds and pence. */
    public static final DataType GBP = DataTypes.createDecimalType(18, 2);

    public PublishedColumn {
        if (type == null) {
            type = usualType(disclosure);
        }
    }

    /** A column of its class's usual type. */
    public PublishedColumn(String name, DisclosureClass disclosure, List<String> restsOn, List<String> denominators,
                           double scale, boolean whereSet, MoneyForm money, String factor, String why) {
        this(name, disclosure, restsOn, denominators, scale, whereSet, money, factor, why, null, false);
    }

    /**
     * The type most columns of a class have, so that only the others spell theirs out: a label is a string, a
     * count a long, money {@link #GBP}, anything else a double. A reference figure has no usual type beyond
     * being a label.
     */
    public static DataType usualType(DisclosureClass disclosure) {
        return switch (disclosure) {
            case DIMENSION, REFERENCE -> DataTypes.StringType;
            case COUNT -> DataTypes.LongType;
            case MONEY -> GBP;
            case STATISTIC, RATE, MODEL_OUTPUT -> DataTypes.DoubleType;
        };
    }

    /** This column with another type (whole days are integers, a model's money is {@link #GBP}, ...). */
    public PublishedColumn typed(DataType other) {
        return new PublishedColumn(name, disclosure, restsOn, denominators, scale, whereSet, money, factor, why, other,
                wholeBelowNational);
    }

    public static PublishedColumn dimension(String name) {
        return new PublishedColumn(name, DisclosureClass.DIMENSION, List.of(), List.of(), 1, false, null, null, null);
    }

    public static PublishedColumn count(String name) {
        return new PublishedColumn(name, DisclosureClass.COUNT, List.of(), List.of(), 1, false, null, null, null);
    }

    public static PublishedColumn statistic(String name, String... base) {
        return new PublishedColumn(name, DisclosureClass.STATISTIC, List.of(base), List.of(), 1, false, null, null, null);
    }

    /**
     * A mean of whole days resting on {@code base}, published below national to whole days. Its total is a whole
     * number of days, so at full precision the mean times each count its rounded base could be (8 to 12 for a
     * published 10) is a whole number for the true count only: 115 days over 9 pathways is 12.777..., and 8, 10,
     * 11 or 12 times that is not whole. Rounded to a whole day, the mean times any count of 8 or more spans a
     * range a day wide at least, which always holds a whole number, so no count is ruled out.
     */
    public static PublishedColumn meanOfWholeDays(String name, String... base) {
        return new PublishedColumn(name, DisclosureClass.STATISTIC, List.of(base), List.of(), 1, false, null, null,
                null, null, true);
    }

    /** numerator / (sum of denominators) x scale. */
    public static PublishedColumn rate(String name, String numerator, double scale, String... denominators) {
        return new PublishedColumn(name, DisclosureClass.RATE, List.of(numerator), List.of(denominators), scale, false,
                null, null, null);
    }

    /** As {@link #rate}, left null where the mart left it null (a share defined on {@code ALL} rows only). */
    public static PublishedColumn rateWhereSet(String name, String numerator, double scale, String... denominators) {
        return new PublishedColumn(name, DisclosureClass.RATE, List.of(numerator), List.of(denominators), scale, true,
                null, null, null);
    }

    public static PublishedColumn moneyNationalOnly(String name, String why) {
        return new PublishedColumn(name, DisclosureClass.MONEY, List.of(), List.of(), 1, false, MoneyForm.NATIONAL_ONLY,
                null, why);
    }

    public static PublishedColumn moneyMean(String name, String why, String... base) {
        return new PublishedColumn(name, DisclosureClass.MONEY, List.of(base), List.of(), 1, false, MoneyForm.MEAN, null,
                why);
    }

    public static PublishedColumn moneyRoundedCountTimes(String name, String count, String factor, String why) {
        return new PublishedColumn(name, DisclosureClass.MONEY, List.of(count), List.of(), 1, false,
                MoneyForm.ROUNDED_COUNT_TIMES_FACTOR, factor, why);
    }

    public static PublishedColumn moneyNotFromPeople(String name, String why) {
        return new PublishedColumn(name, DisclosureClass.MONEY, List.of(), List.of(), 1, false,
                MoneyForm.NOT_FROM_PEOPLE, null, why);
    }

    public static PublishedColumn modelOutput(String name, String... restsOn) {
        return new PublishedColumn(name, DisclosureClass.MODEL_OUTPUT, List.of(restsOn), List.of(), 1, false, null, null,
                null);
    }

    public static PublishedColumn reference(String name, String why) {
        return new PublishedColumn(name, DisclosureClass.REFERENCE, List.of(), List.of(), 1, false, null, null, why);
    }
}
