package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The staggered difference-in-differences estimator on panels small enough to work out by hand. */
class StaggeredDidTest {

    private static final LocalDate Q0 = LocalDate.of(2024, 4, 1);

    /** A panel from go-live quarter indexes (null = never, negative = before the panel) and values per quarter. */
    private static SitePanel panel(Map<String, Integer> goLive, Map<String, double[]> values) {
        Map<String, LocalDate> live = new HashMap<>();
        Map<String, Map<LocalDate, double[]>> cells = new HashMap<>();
        goLive.forEach((site, g) -> live.put(site, g == null ? null : Q0.plusMonths(3L * g).plusDays(20)));
        values.forEach((site, v) -> {
            Map<LocalDate, double[]> m = new TreeMap<>();
            for (int t = 0; t < v.length; t++) {
                m.put(Q0.plusMonths(3L * t), new double[] {v[t], 10});
            }
            cells.put(site, m);
        });
        return SitePanel.of(live, cells);
    }

    private static int[] all(SitePanel p) {
        return java.util.stream.IntStream.range(0, p.sites().size()).toArray();
    }

    /**
     * Value = site level + common trend + 10 once live (from the go-live quarter on). Site D went live before
     * the panel and trends very differently: had it been used as a comparison, the effects would not be 10.
     */
    @Test
    void constantEffectIsRecoveredExactlyAndAlreadyLiveSitesAreNeverComparisons() {
        int[] trend = {0, 3, 1, 4, 8, 6, 9, 12};
        Map<String, Integer> goLive = new HashMap<>();
        goLive.put("A", 3);
        goLive.put("B", 5);
        goLive.put("C", null);
        goLive.put("D", -2);
        Map<String, double[]> values = new HashMap<>();
        values.put("A", series(100, trend, 3));
        values.put("B", series(40, trend, 5));
        values.put("C", series(70, trend, 99));
        double[] d = new double[8];
        for (int t = 0; t < 8; t++) {
            d[t] = 1000 + 50 * t;
        }
        values.put("D", d);
        SitePanel p = panel(goLive, values);

        Map<Integer, Double> events = StaggeredDid.eventStudy(p, all(p), -4, 4);
        Assertions.assertEquals(java.util.List.of(-4, -3, -2, 0, 1, 2, 3, 4), java.util.List.copyOf(events.keySet()));
        for (int e : events.keySet()) {
            Assertions.assertEquals(e < 0 ? 0.0 : 10.0, events.get(e), 1e-9, "event time " + e);
        }
        Assertions.assertEquals(10.0, StaggeredDid.overall(events, 1, 4), 1e-9);

        Map<Integer, StaggeredDid.Estimate> est = StaggeredDid.estimate(p, -4, 4, 1, 4, 5, 200);
        StaggeredDid.Estimate overall = est.get(Integer.MIN_VALUE);
        Assertions.assertEquals(10.0, overall.estimate(), 1e-9);
        Assertions.assertEquals(2, overall.treatedSites(), "A and B; D has no quarter before go-live");
        Assertions.assertEquals(1, overall.comparisonSites(), "C is the only never-live site");
        // every resample with a treated and a comparison site gives exactly 10
        Assertions.assertEquals(10.0, overall.low(), 1e-9);
        Assertions.assertEquals(10.0, overall.high(), 1e-9);
    }

    private static double[] series(int level, int[] trend, int goLive) {
        double[] v = new double[trend.length];
        for (int t = 0; t < trend.length; t++) {
            v[t] = level + trend[t] + (t >= goLive ? 10 : 0);
        }
        return v;
    }

    /**
     * Worked by hand. A live in quarter 2, B in quarter 3, C never; base = the quarter before go-live.
     * <pre>
     *        q0  q1  q2  q3  q4
     *   A    10  12  14  20  21
     *   B     5   6   8   9  15
     *   C     0   1   3   4   5
     * ATT(A, q0) = (10-12) - mean(B 5-6, C 0-1) = -2 - -1 = -1        (e = -2)
     * ATT(A, q2) = (14-12) - mean(B 8-6, C 3-1) =  2 -  2 =  0        (e = 0; B not yet live in q2)
     * ATT(A, q3) = (20-12) - (C 4-1)            =  8 -  3 =  5        (e = 1; B live in q3: not a comparison)
     * ATT(A, q4) = (21-12) - (C 5-1)            =  9 -  4 =  5        (e = 2)
     * ATT(B, q0) = (5-8) - (C 0-3) = 0 (e = -3);  ATT(B, q1) = (6-8) - (C 1-3) = 0 (e = -2; A live by q2)
     * ATT(B, q3) = (9-8) - (C 4-3) = 0 (e = 0);   ATT(B, q4) = (15-8) - (C 5-3) = 5 (e = 1)
     * ATT(e): -3: 0; -2: (-1 + 0)/2 = -0.5; 0: 0; 1: (5 + 5)/2 = 5; 2: 5. Overall (1..4) = (5 + 5)/2 = 5.
     * </pre>
     */
    @Test
    void heterogeneousCohortsWorkedByHand() {
        Map<String, Integer> goLive = new HashMap<>();
        goLive.put("A", 2);
        goLive.put("B", 3);
        goLive.put("C", null);
        Map<String, double[]> values = Map.of(
                "A", new double[] {10, 12, 14, 20, 21},
                "B", new double[] {5, 6, 8, 9, 15},
                "C", new double[] {0, 1, 3, 4, 5});
        SitePanel p = panel(goLive, values);
        Map<Integer, Double> events = StaggeredDid.eventStudy(p, all(p), -4, 4);
        Assertions.assertEquals(Map.of(-3, 0.0, -2, -0.5, 0, 0.0, 1, 5.0, 2, 5.0), events);
        Assertions.assertEquals(5.0, StaggeredDid.overall(events, 1, 4), 1e-12);
    }

    @Test
    void bootstrapIsReproducibleAndItsIntervalHoldsTheEstimate() {
        Map<String, Integer> goLive = new HashMap<>();
        Map<String, double[]> values = new HashMap<>();
        java.util.Random noise = new java.util.Random(3);
        for (int i = 0; i < 12; i++) {
            Integer g = i < 4 ? null : 2 + i % 4;
            goLive.put("S" + i, g);
            double[] v = new double[8];
            for (int t = 0; t < 8; t++) {
                v[t] = 50 + i + t + noise.nextGaussian() * 3 + (g != null && t >= g ? -7 : 0);
            }
            values.put("S" + i, v);
        }
        SitePanel p = panel(goLive, values);
        Map<Integer, StaggeredDid.Estimate> first = StaggeredDid.estimate(p, -4, 4, 1, 4, 99, 300);
        Map<Integer, StaggeredDid.Estimate> again = StaggeredDid.estimate(p, -4, 4, 1, 4, 99, 300);
        Assertions.assertEquals(first, again, "same seed, same intervals");
        Map<Integer, StaggeredDid.Estimate> otherSeed = StaggeredDid.estimate(p, -4, 4, 1, 4, 100, 300);
        Assertions.assertNotEquals(first.get(Integer.MIN_VALUE).low(), otherSeed.get(Integer.MIN_VALUE).low());
        for (StaggeredDid.Estimate e : first.values()) {
            Assertions.assertTrue(e.low() <= e.estimate() && e.estimate() <= e.high(), e.toString());
            Assertions.assertTrue(e.high() > e.low(), "noisy data gives an interval of some width: " + e);
        }
        StaggeredDid.Estimate overall = first.get(Integer.MIN_VALUE);
        Assertions.assertTrue(overall.low() < -7 && -7 < overall.high(), "planted -7 inside " + overall);
    }
}
