package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 */
final class StaggeredDid {

    /** An estimate with its interval. */
    record Estimate(double estimate, double low, double high, int treatedSites, int comparisonSites) {
    }

    private StaggeredDid() {
    }

    /** ATT(e) for each event time that has data, from a panel restricted to the given sites (with repeats). */
    static Map<Integer, Double> eventStudy(SitePanel p, int[] sample, int minEvent, int maxEvent) {
        int quarters = p.quarters().size();
        Map<Integer, double[]> sums = new TreeMap<>(); // e -> {weighted sum, weight}
        List<Integer> cohorts = new ArrayList<>();
        for (int i : sample) {
            Integer g = p.goLive()[i];
            if (g != null && g >= 1 && g < quarters && !cohorts.contains(g)) {
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
                    if (gi != null && gi == g) {
                        treated += change;
                        nTreated++;
                    } else if (gi == null || gi > Math.max(t, base)) {
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

    /** Point estimates (event times and overall) with cluster-bootstrap intervals. */
    static Map<Integer, Estimate> estimate(SitePanel p, int minEvent, int maxEvent, int firstOverall, int lastOverall,
                                           long seed, int resamples) {
        int n = p.sites().size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Map<Integer, Double> point = eventStudy(p, all, minEvent, maxEvent);
        double overall = overall(point, firstOverall, lastOverall);
        Map<Integer, List<Double>> draws = new TreeMap<>();
        RandomGenerator random = new Well19937c(seed);
        for (int b = 0; b < resamples; b++) {
            int[] sample = new int[n];
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextInt(n);
            }
            Map<Integer, Double> es = eventStudy(p, sample, minEvent, maxEvent);
            es.forEach((e, v) -> draws.computeIfAbsent(e, k -> new ArrayList<>()).add(v));
            double o = overall(es, firstOverall, lastOverall);
            if (!Double.isNaN(o)) {
                draws.computeIfAbsent(Integer.MIN_VALUE, k -> new ArrayList<>()).add(o);
            }
        }
        int treated = 0;
        int never = 0;
        for (int i = 0; i < n; i++) {
            Integer g = p.goLive()[i];
            treated += g != null && g >= 1 && g < p.quarters().size() ? 1 : 0;
            never += g == null || g >= p.quarters().size() ? 1 : 0;
        }
        Map<Integer, Estimate> out = new TreeMap<>();
        for (Map.Entry<Integer, Double> e : point.entrySet()) {
            out.put(e.getKey(), withInterval(e.getValue(), draws.get(e.getKey()), treated, never));
        }
        if (!Double.isNaN(overall)) {
            out.put(Integer.MIN_VALUE, withInterval(overall, draws.get(Integer.MIN_VALUE), treated, never));
        }
        return out;
    }

    private static Estimate withInterval(double point, List<Double> draws, int treated, int never) {
        if (draws == null || draws.size() < 10) {
            return new Estimate(point, Double.NaN, Double.NaN, treated, never);
        }
        double[] d = draws.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(d);
        Percentile pct = new Percentile();
        return new Estimate(point, pct.evaluate(d, 2.5), pct.evaluate(d, 97.5), treated, never);
    }
}
