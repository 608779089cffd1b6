package uk.nhs.healthjustice.telemed.pipelines.publication;

import java.util.List;
import java.util.Map;

/**
 * How one mart is controlled before publication: which columns are counts of people or events, which
 * statistics rest on which count, and how each rate is made from counts.
 *
 * @param mart       the mart's name
 * @param counts     counts of people or events: 1..7 suppressed, others rounded to the nearest 5, below national
 * @param statistics a mean, median, percentile or sum, and the count of individuals it rests on: suppressed
 *                   below national when that count is 1..7
 * @param rates      rates and percentages, recomputed below national from rounded parts
 */
public record Disclosure(String mart, List<String> counts, Map<String, List<String>> statistics, List<Rate> rates) {

    /**
     * A rate = numerator / (sum of denominators) x scale, recomputed from rounded parts; null where any part is
     * suppressed or the denominator is 0. When {@code onlyWhereSet}, rows where the mart left the rate null
     * (for example telemedicine_share on modality rows) stay null.
     */
    public record Rate(String column, String numerator, List<String> denominators, double scale, boolean onlyWhereSet) {
        public static Rate of(String column, String numerator, String denominator, double scale) {
            return new Rate(column, numerator, List.of(denominator), scale, false);
        }
    }
}
