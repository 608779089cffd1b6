package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;
import org.hipparchus.stat.descriptive.rank.Percentile;

/**
 * Callaway and Sant'Anna (2021) group-time effects for a staggered roll-out, with not-yet-treated and
 * never-treated sites as the comparison: for the cohort of sites going live in quarter g and a quarter t,
 * ATT(g,t) = mean over the cohort of (Y_t - Y_{g-1}) minus mean over sites not yet live at t of the same
 * change. Sites already live are never used as comparisons, and sites live before the panel starts (no
 * pre-period) are left out. Event-time effects ATT(e) average ATT(g, g+e) over cohorts weighted by cohort
 * size; the overall effect averages event times {@code firstEvent..lastEvent}. 95% intervals come from a
 * site-level cluster bootstrap (sites resampled with replacement, the whole estimator recomputed) with
 * percentiles from Hipparchus.
 *
 * <p>The comparison group is either {@link Control#NOT_YET_TREATED} (the default: sites not yet live at both
 * quarters compared, and never-live sites) or {@link Control#NEVER_TREATED} (never-live sites only: no go-live,
 * or a go-live after the panel ends).
 *
 * <p>From the same bootstrap replicates (each replicate the whole event study of one resample of sites):
 * <ul>
 *   <li><b>Sup-t bands</b> ({@link #supTBands}): for each event time e, sigma_e is the standard deviation
 *   (divisor B - 1) of its replicate values; each replicate b gives t_b = max over e of
 *   |theta*_{b,e} - theta_e| / sigma_e (event times with sigma_e = 0, whose draws all equal the estimate, are
 *   left out of the max, and their band is the point); c is the 95th percentile of the t_b (Hipparchus
 *   {@link Percentile}, as for the pointwise interval); the band is theta_e -/+ c x sigma_e, and covers all event
 *   times at once with 95% probability, where the pointwise interval covers each alone.</li>
 *   <li><b>Pre-trend test</b> ({@link #pretrendPValue}): theta = the k pre-period effects (event times below
 *   -1; -1 is the base and 0 by construction), V = their bootstrap covariance (divisor B - 1, over the
 *   replicates that have all k) times T / (T - C), W = theta' V^-1 theta, p = P(chi-square with k degrees of
 *   freedom &gt; W). T / (T - C), with T treated sites in C go-live cohorts, is a small-sample correction: a
 *   resampled mean of a cohort's n_g sites varies only (n_g - 1) / n_g times as much as the cohort mean
 *   itself, so with about 5 sites a cohort the uncorrected test rejects a true null about 10% of the time at
 *   5% (measured on synthetic panels: 19 and 20 of 200 for 40 and 24 sites); T / (T - C) = n_g / (n_g - 1)
 *   when cohorts are equal. Null when there is no pre-period effect, fewer than k + 1 complete replicates,
 *   every cohort has a single site, or V is singular.</li>
 * </ul>
 */
final class StaggeredDid {

    /** The comparison sites. */
    enum Control {
        /** Sites not yet live at both quarters compared, and never-live sites (the default). */
        NOT_YET_TREATED("not_yet_treated"),
        /** Never-live sites only (no go-live, or a go-live after the panel ends). */
        NEVER_TREATED("never_treated");

        final String label;

        Control(String label) {
            this.label = label;
        }
    }

    /**
     * An estimate with its pointwise 95% interval, its 95% sup-t band (event times only; NaN on the overall
     * effect) and the pre-trend p-value (overall effect only; NaN elsewhere).
     */
    record Estimate(double estimate, double low, double high, double bandLow, double bandHigh, double pretrendP,
                    int treatedSites, int comparisonSites) {
    }

    /** Key of the overall effect in the maps of event times. */
    static final int OVERALL = Integer.MIN_VALUE;

    private StaggeredDid() {
    }

    /** ATT(e) for each event time that has data, from a panel restricted to the given sites (with repeats). */
    static Map<Integer, Double> eventStudy(SitePanel p, int[] sample, int minEvent, int maxEvent) {
        return eventStudy(p, sample, minEvent, maxEvent, Control.NOT_YET_TREATED);
    }

    /** ATT(e) with the given comparison sites. */
    static Map<Integer, Double> eventStudy(SitePanel p, int[] sample, int minEvent, int maxEvent, Control comparison) {
        return eventStudy(p, sample, minEvent, maxEvent, comparison, null);
    }

    /**
     * ATT(e) averaged over the treated sites of a subgroup only: {@code treatable[i]} says whether site i's own
     * effect counts (null: every site's). The comparison sites are the same as without a subgroup: a site left
     * out of the subgroup still serves as a comparison while it is not yet live (or if never live), as in the
     * whole roll-out, so the subgroups differ only in whose effect is averaged.
     */
    static Map<Integer, Double> eventStudy(SitePanel p, int[] sample, int minEvent, int maxEvent, Control comparison,
                                           boolean[] treatable) {
        int quarters = p.quarters().size();
        Map<Integer, double[]> sums = new TreeMap<>(); // e -> {weighted sum, weight}
        List<Integer> cohorts = new ArrayList<>();
        for (int i : sample) {
            Integer g = p.goLive()[i];
            if (g != null && g >= 1 && g < quarters && !cohorts.contains(g) && (treatable == null || treatable[i])) {
                cohorts.add(g);
            }
        }
        for (int g : cohorts) {
            int base = g - 1;
            for (int e = minEvent; e <= maxEvent; e++) {
                int t = g + e;
                if (t < 0 || t >= quarters || t == base) {
                    continue;
                }
                double treated = 0;
                int nTreated = 0;
                double control = 0;
                int nControl = 0;
                for (int i : sample) {
                    double change = p.values()[i][t] - p.values()[i][base];
                    if (Double.isNaN(change)) {
                        continue;
                    }
                    Integer gi = p.goLive()[i];
                    if (gi != null && gi == g && (treatable == null || treatable[i])) {
                        treated += change;
                        nTreated++;
                    } else if (gi == null || gi >= quarters
                            || comparison == Control.NOT_YET_TREATED && gi > Math.max(t, base)) {
                        control += change;
                        nControl++;
                    }
                }
                if (nTreated > 0 && nControl > 0) {
                    double att = treated / nTreated - control / nControl;
                    double[] s = sums.computeIfAbsent(e, k -> new double[2]);
                    s[0] += att * nTreated;
                    s[1] += nTreated;
                }
            }
        }
        Map<Integer, Double> out = new TreeMap<>();
        sums.forEach((e, s) -> out.put(e, s[0] / s[1]));
        return out;
    }

    static double overall(Map<Integer, Double> events, int firstEvent, int lastEvent) {
        double sum = 0;
        int n = 0;
        for (int e = firstEvent; e <= lastEvent; e++) {
            Double v = events.get(e);
            if (v != null) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Point estimates (event times and overall) with cluster-bootstrap intervals, not-yet-treated comparison. */
    static Map<Integer, Estimate> estimate(SitePanel p, int minEvent, int maxEvent, int firstOverall, int lastOverall,
                                           long seed, int resamples) {
        return estimate(p, minEvent, maxEvent, firstOverall, lastOverall, seed, resamples, Control.NOT_YET_TREATED);
    }

    /**
     * Point estimates (event times, and the overall effect under {@link #OVERALL}) with pointwise cluster-bootstrap
     * intervals, sup-t bands on the event times and the pre-trend p-value on the overall effect.
     */
    static Map<Integer, Estimate> estimate(SitePanel p, int minEvent, int maxEvent, int firstOverall, int lastOverall,
                                           long seed, int resamples, Control comparison) {
        return estimate(p, minEvent, maxEvent, firstOverall, lastOverall, seed, resamples, comparison, null);
    }

    /**
     * As {@link #estimate(SitePanel, int, int, int, int, long, int, Control)} for the treated sites of a subgroup
     * ({@code treatable}, null for all; see {@link #eventStudy(SitePanel, int[], int, int, Control, boolean[])}).
     * The bootstrap resamples every site of the panel; {@code treatedSites} counts the subgroup's.
     */
    static Map<Integer, Estimate> estimate(SitePanel p, int minEvent, int maxEvent, int firstOverall, int lastOverall,
                                           long seed, int resamples, Control comparison, boolean[] treatable) {
        int n = p.sites().size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Map<Integer, Double> point = eventStudy(p, all, minEvent, maxEvent, comparison, treatable);
        double overall = overall(point, firstOverall, lastOverall);
        Map<Integer, List<Double>> draws = new TreeMap<>();
        List<Map<Integer, Double>> replicates = new ArrayList<>();
        RandomGenerator random = new Well19937c(seed);
        for (int b = 0; b < resamples; b++) {
            int[] sample = new int[n];
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextInt(n);
            }
            Map<Integer, Double> es = eventStudy(p, sample, minEvent, maxEvent, comparison, treatable);
            replicates.add(es);
            es.forEach((e, v) -> draws.computeIfAbsent(e, k -> new ArrayList<>()).add(v));
            double o = overall(es, firstOverall, lastOverall);
            if (!Double.isNaN(o)) {
                draws.computeIfAbsent(OVERALL, k -> new ArrayList<>()).add(o);
            }
        }
        int treated = 0;
        int never = 0;
        java.util.Set<Integer> cohorts = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            Integer g = p.goLive()[i];
            boolean counts = treatable == null || treatable[i];
            treated += counts && g != null && g >= 1 && g < p.quarters().size() ? 1 : 0;
            never += g == null || g >= p.quarters().size() ? 1 : 0;
            if (counts && g != null && g >= 1 && g < p.quarters().size()) {
                cohorts.add(g);
            }
        }
        // a resample's cohort mean over n_g sites varies (n_g - 1) / n_g times as much as the mean itself: with
        // few sites per cohort the bootstrap covariance is too small and the Wald test rejects too often
        double scale = treated > cohorts.size() ? treated / (double) (treated - cohorts.size()) : Double.NaN;
        boolean enough = replicates.size() >= 10;
        Map<Integer, double[]> bands = enough ? supTBands(point, replicates, 95) : Map.of();
        Map<Integer, Estimate> out = new TreeMap<>();
        for (Map.Entry<Integer, Double> e : point.entrySet()) {
            double[] band = bands.getOrDefault(e.getKey(), new double[] {Double.NaN, Double.NaN});
            out.put(e.getKey(), withInterval(e.getValue(), draws.get(e.getKey()), band[0], band[1], Double.NaN,
                    treated, never));
        }
        if (!Double.isNaN(overall)) {
            double pretrend = enough && !Double.isNaN(scale) ? pretrendPValue(point, replicates, scale) : Double.NaN;
            out.put(OVERALL, withInterval(overall, draws.get(OVERALL), Double.NaN, Double.NaN, pretrend, treated,
                    never));
        }
        return out;
    }

    /**
     * 95% (or {@code level}%) simultaneous sup-t bands over every event time of {@code point}, from bootstrap
     * replicates of the whole event study (see the class comment). Event times with fewer than two replicate
     * values get no band.
     *
     * @return event time -&gt; {low, high}
     */
    static Map<Integer, double[]> supTBands(Map<Integer, Double> point, List<Map<Integer, Double>> replicates,
                                            double level) {
        Map<Integer, Double> sigma = new TreeMap<>();
        for (int e : point.keySet()) {
            double sum = 0;
            double sumSq = 0;
            int m = 0;
            for (Map<Integer, Double> r : replicates) {
                Double v = r.get(e);
                if (v != null) {
                    sum += v;
                    m++;
                }
            }
            if (m < 2) {
                continue;
            }
            double mean = sum / m;
            for (Map<Integer, Double> r : replicates) {
                Double v = r.get(e);
                if (v != null) {
                    sumSq += (v - mean) * (v - mean);
                }
            }
            sigma.put(e, Math.sqrt(sumSq / (m - 1)));
        }
        List<Double> maxima = new ArrayList<>();
        for (Map<Integer, Double> r : replicates) {
            double max = Double.NaN;
            for (Map.Entry<Integer, Double> s : sigma.entrySet()) {
                Double v = r.get(s.getKey());
                if (v != null && s.getValue() > 0) {
                    double t = Math.abs(v - point.get(s.getKey())) / s.getValue();
                    max = Double.isNaN(max) ? t : Math.max(max, t);
                }
            }
            if (!Double.isNaN(max)) {
                maxima.add(max);
            }
        }
        double c = maxima.isEmpty() ? 0
                : new Percentile().evaluate(maxima.stream().mapToDouble(Double::doubleValue).sorted().toArray(), level);
        Map<Integer, double[]> out = new TreeMap<>();
        sigma.forEach((e, sd) -> out.put(e, new double[] {point.get(e) - c * sd, point.get(e) + c * sd}));
        return out;
    }

    /**
     * Joint Wald test that every pre-period effect (event time below -1) is zero, with the bootstrap covariance
     * of those effects (see the class comment); NaN when it cannot be computed.
     */
    static double pretrendPValue(Map<Integer, Double> point, List<Map<Integer, Double>> replicates) {
        return pretrendPValue(point, replicates, 1.0);
    }

    /**
     * As above with the bootstrap covariance multiplied by {@code covarianceScale} (the small-sample correction
     * T / (T - C) of {@link #estimate}).
     */
    static double pretrendPValue(Map<Integer, Double> point, List<Map<Integer, Double>> replicates,
                                 double covarianceScale) {
        List<Integer> pre = new ArrayList<>();
        point.keySet().stream().filter(e -> e < -1 && e != OVERALL).forEach(pre::add);
        int k = pre.size();
        if (k == 0) {
            return Double.NaN;
        }
        List<double[]> complete = new ArrayList<>();
        for (Map<Integer, Double> r : replicates) {
            double[] x = new double[k];
            boolean ok = true;
            for (int j = 0; j < k && ok; j++) {
                Double v = r.get(pre.get(j));
                ok = v != null && !Double.isNaN(v);
                x[j] = ok ? v : 0;
            }
            if (ok) {
                complete.add(x);
            }
        }
        int m = complete.size();
        if (m < k + 1) {
            return Double.NaN;
        }
        double[] mean = new double[k];
        for (double[] x : complete) {
            for (int j = 0; j < k; j++) {
                mean[j] += x[j] / m;
            }
        }
        RealMatrix cov = MatrixUtils.createRealMatrix(k, k);
        for (double[] x : complete) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    cov.addToEntry(i, j, covarianceScale * (x[i] - mean[i]) * (x[j] - mean[j]) / (m - 1));
                }
            }
        }
        DecompositionSolver solver = new LUDecomposition(cov, 1e-12).getSolver();
        if (!solver.isNonSingular()) {
            return Double.NaN;
        }
        double[] theta = new double[k];
        for (int j = 0; j < k; j++) {
            theta[j] = point.get(pre.get(j));
        }
        RealVector th = MatrixUtils.createRealVector(theta);
        double wald = th.dotProduct(solver.solve(th));
        return 1 - new ChiSquaredDistribution(k).cumulativeProbability(wald);
    }

    private static Estimate withInterval(double point, List<Double> draws, double bandLow, double bandHigh,
                                         double pretrend, int treated, int never) {
        if (draws == null || draws.size() < 10) {
            return new Estimate(point, Double.NaN, Double.NaN, bandLow, bandHigh, pretrend, treated, never);
        }
        double[] d = draws.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(d);
        Percentile pct = new Percentile();
        return new Estimate(point, pct.evaluate(d, 2.5), pct.evaluate(d, 97.5), bandLow, bandHigh, pretrend, treated,
                never);
    }
}
