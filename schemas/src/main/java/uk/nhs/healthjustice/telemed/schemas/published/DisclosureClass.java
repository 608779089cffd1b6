package uk.nhs.healthjustice.telemed.schemas.published;

/**
 * What a published column is, for disclosure control (NHS Digital's method for hospital statistics, 2018, and
 * METRICS.md "published/", version 2). National rows (region and site_id {@code ALL}) are never changed; the
 * rules below are for every row beneath them.
 */
public enum DisclosureClass {
    /** A label or key: period, geography, category, method name, seed. Published as it is. */
    DIMENSION,
    /** People or events: 1 to 7 suppressed (null, the row flagged {@code suppressed}), others rounded to 5. */
    COUNT,
    /** A mean, median or percentile resting on named counts: null where any of them is 1 to 7. */
    STATISTIC,
    /** A rate or share of counts: recomputed from the rounded numerator and denominator; null where either is. */
    RATE,
    /**
     * Money or hours: null on any row whose counts are suppressed; below national in the {@link MoneyForm}
     * declared beside it, so that no division by a unit cost gives back a count.
     */
    MONEY,
    /**
     * An estimate or interval from a model: below national published only where every count it rests on is
     * at least 8, and then computed from rounded counts where it is a ratio.
     */
    MODEL_OUTPUT,
    /**
     * A figure copied from a public reference file, not a count of people in this data (the Ministry of
     * Justice's monthly prison populations). Published as it is.
     */
    REFERENCE;

    /** How a money or hours column may appear below national level. */
    public enum MoneyForm {
        /** A total that a unit cost divides into a count: national rows only. */
        NATIONAL_ONLY,
        /** A mean per attendance or per pathway: published where every count it rests on is at least 8. */
        MEAN,
        /** A count times a published factor: recomputed from the rounded count, which it can only give back. */
        ROUNDED_COUNT_TIMES_FACTOR,
        /** Rests on no count of people (a site's fixed monthly charge times its live months). */
        NOT_FROM_PEOPLE
    }
}
