package uk.nhs.healthjustice.telemed.dashboards;

import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * 95% intervals the pages compute from published counts (national rows, which disclosure control leaves exact):
 * the Wilson score interval for a share and the exact Poisson (Garwood) interval for a rate. Pure functions,
 * no Spark; quantiles from Hipparchus.
 */
final class Intervals {

    /** Two-sided 95%. */
    static final double ALPHA = 0.05;

    /** The normal quantile for 97.5%, about 1.959964. */
    static final double Z = new NormalDistribution(0, 1).inverseCumulativeProbability(1 - ALPHA / 2);

    private Intervals() {
    }

    /** A 95% interval; both ends null when it cannot be computed (a count suppressed, no denominator). */
    record Interval(Double low, Double high) {
        static final Interval NONE = new Interval(null, null);
    }

    /**
     * Wilson score interval for {@code successes} out of {@code trials}: unlike p +/- 1.96 SE it stays inside
     * [0, 1] and does not collapse to zero width at 0 or n successes, which small quarterly counts often hit.
     */
    static Interval wilson(Long successes, Long trials) {
        if (successes == null || trials == null || trials <= 0 || successes < 0 || successes > trials) {
            return Interval.NONE;
        }
        double n = trials;
        double p = successes / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * Garwood's exact Poisson interval for {@code events} over {@code exposure}, scaled to a rate per
     * {@code per} (1,000 prescriptions, 1,000 sessions): the event count's bounds are chi-squared quantiles,
     * chi2(alpha/2; 2x)/2 (0 when x = 0) and chi2(1 - alpha/2; 2x + 2)/2. Exact, so it holds for the handful of
     * incidents a quarter has, where a normal approximation would go below zero.
     */
    static Interval garwood(Long events, Long exposure, double per) {
        if (events == null || exposure == null || exposure <= 0 || events < 0) {
            return Interval.NONE;
        }
        double low = events == 0 ? 0 : new ChiSquaredDistribution(2.0 * events).inverseCumulativeProbability(ALPHA / 2) / 2;
        double high = new ChiSquaredDistribution(2.0 * events + 2).inverseCumulativeProbability(1 - ALPHA / 2) / 2;
        return new Interval(low / exposure * per, high / exposure * per);
    }
}
