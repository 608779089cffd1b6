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

    /**
     * Worked by hand: the comparison group. As {@link #heterogeneousCohortsWorkedByHand} but B is 10 in q2.
     * <pre>
     *        q0  q1  q2  q3  q4
     *   A    10  12  14  20  21     (live q2)
     *   B     5   6  10   9  15     (live q3)
     *   C     0   1   3   4   5     (never)
     * not yet treated: ATT(A, q2) = (14-12) - mean(B 10-6, C 3-1) = 2 - 3 = -1
     * never treated:   ATT(A, q2) = (14-12) - (C 3-1)             = 2 - 2 =  0
     * ATT(B, q3) = (9-10) - (C 4-3) = -2 under both (A is live by q2 under both)
     * e = 0: not yet treated (-1 + -2) / 2 = -1.5; never treated (0 + -2) / 2 = -1.
     * Every other ATT uses C alone under both, so every other event time is the same.
     * </pre>
     */
    @Test
    void neverTreatedComparisonWorkedByHand() {
        Map<String, Integer> goLive = new HashMap<>();
        goLive.put("A", 2);
        goLive.put("B", 3);
        goLive.put("C", null);
        SitePanel p = panel(goLive, Map.of(
                "A", new double[] {10, 12, 14, 20, 21},
                "B", new double[] {5, 6, 10, 9, 15},
                "C", new double[] {0, 1, 3, 4, 5}));
        Map<Integer, Double> notYet = StaggeredDid.eventStudy(p, all(p), -4, 4, StaggeredDid.Control.NOT_YET_TREATED);
        Map<Integer, Double> never = StaggeredDid.eventStudy(p, all(p), -4, 4, StaggeredDid.Control.NEVER_TREATED);
        Assertions.assertEquals(-1.5, notYet.get(0), 1e-12);
        Assertions.assertEquals(-1.0, never.get(0), 1e-12);
        for (int e : notYet.keySet()) {
            if (e != 0) {
                Assertions.assertEquals(notYet.get(e), never.get(e), 1e-12, "event time " + e);
            }
        }
        Assertions.assertEquals(notYet, StaggeredDid.eventStudy(p, all(p), -4, 4), "not yet treated is the default");
    }

    /**
     * Worked by hand: the placebo panel. A goes live in q6, B in q7, C never, D in q3. Placebo: A at q2, B at q3,
     * each keeping only its quarters before its real go-live (A q0-q5, B q0-q6); D's placebo go-live (q-1) is
     * before the panel, so D is used neither as treated nor as comparison (its values would change every ATT).
     * <pre>
     *        q0  q1  q2  q3  q4  q5  q6  q7
     *   A    10  11  13  14  16  18  99  99    (99: live, dropped)
     *   B    20  20  21  23  24  24  25  99
     *   C     0   1   2   3   4   5   6   7
     *   D   100 200 300 400 500 600 700 800
     * cohort A (base q1): q0 (e=-2) (10-11) - mean(B 20-20, C 0-1) = -1 + 0.5 = -0.5; q2 (e=0) 2 - mean(1, 1) = 1;
     *   q3 (e=1) 3 - (C 2) = 1 (B placebo-live at q3); q4 (e=2) 5 - 3 = 2; q5 (e=3) 7 - 4 = 3; q6 dropped.
     * cohort B (base q2): q0 (e=-3) -1 - (C -2) = 1 (A placebo-live by q2); q1 (e=-2) -1 - (-1) = 0;
     *   q3 (e=0) 2 - 1 = 1; q4 (e=1) 3 - 2 = 1; q5 (e=2) 3 - 3 = 0; q6 (e=3) 4 - 4 = 0; q7 dropped.
     * ATT(e): -3: 1; -2: -0.25; 0: 1; 1: 1; 2: 1; 3: 1.5; no 4. Overall (1..4) = 3.5 / 3.
     * </pre>
     */
    @Test
    void placeboPanelWorkedByHand() {
        Map<String, Integer> goLive = new HashMap<>();
        goLive.put("A", 6);
        goLive.put("B", 7);
        goLive.put("C", null);
        goLive.put("D", 3);
        SitePanel p = panel(goLive, Map.of(
                "A", new double[] {10, 11, 13, 14, 16, 18, 99, 99},
                "B", new double[] {20, 20, 21, 23, 24, 24, 25, 99},
                "C", new double[] {0, 1, 2, 3, 4, 5, 6, 7},
                "D", new double[] {100, 200, 300, 400, 500, 600, 700, 800})).placebo(4);
        Assertions.assertEquals(java.util.Arrays.asList(2, 3, null, -1), java.util.Arrays.asList(p.goLive()));
        Assertions.assertTrue(Double.isNaN(p.values()[0][6]) && Double.isNaN(p.values()[1][7]));
        Assertions.assertEquals(25.0, p.values()[1][6], 1e-12);
        Map<Integer, Double> events = StaggeredDid.eventStudy(p, all(p), -4, 4);
        Assertions.assertEquals(Map.of(-3, 1.0, -2, -0.25, 0, 1.0, 1, 1.0, 2, 1.0, 3, 1.5), events);
        Assertions.assertEquals(3.5 / 3, StaggeredDid.overall(events, 1, 4), 1e-12);
    }

    /**
     * Worked by hand: a sup-t band from 5 bootstrap replicates of 2 event times. Estimates: e=0: 1, e=1: 2.
     * <pre>
     *   replicate      1   2   3   4   5
     *   e=0            1   2   0   1   1    mean 1, squares 0+1+1+0+0 = 2,  sd = sqrt(2/4)  = sqrt(0.5)
     *   e=1            2   1   3   4   0    mean 2, squares 0+1+1+4+4 = 10, sd = sqrt(10/4) = sqrt(2.5)
     *   |e=0 - 1|/sd   0  1.414 1.414 0  0
     *   |e=1 - 2|/sd   0  0.632 0.632 1.265 1.265
     *   t_b = max      0  1.414 1.414 1.265 1.265
     * c = 95th percentile of t_b (Hipparchus: position 0.95 x (5 + 1) = 5.7 is past the last, so the largest)
     *   = sqrt(2)
     * band e=0: 1 -/+ sqrt(2) x sqrt(0.5) = 1 -/+ 1        = [0, 2]
     * band e=1: 2 -/+ sqrt(2) x sqrt(2.5) = 2 -/+ sqrt(5)  = [-0.2361, 4.2361]
     * </pre>
     */
    @Test
    void supTBandWorkedByHand() {
        Map<Integer, Double> point = Map.of(0, 1.0, 1, 2.0);
        java.util.List<Map<Integer, Double>> replicates = java.util.List.of(Map.of(0, 1.0, 1, 2.0),
                Map.of(0, 2.0, 1, 1.0), Map.of(0, 0.0, 1, 3.0), Map.of(0, 1.0, 1, 4.0), Map.of(0, 1.0, 1, 0.0));
        Map<Integer, double[]> bands = StaggeredDid.supTBands(point, replicates, 95);
        Assertions.assertArrayEquals(new double[] {0, 2}, bands.get(0), 1e-12);
        Assertions.assertArrayEquals(new double[] {2 - Math.sqrt(5), 2 + Math.sqrt(5)}, bands.get(1), 1e-12);
    }

    /**
     * Worked by hand: one pre-period effect (e=-2) of 1 with replicates 0, 2, 1, 3, -1 (mean 1, variance
     * 10 / 4 = 2.5): W = 1 x 1 / 2.5 = 0.4 and p = P(chi-square(1) &gt; 0.4) = P(|Z| &gt; 0.6325) = 0.5271.
     * Event times 0 and above are not pre-periods.
     */
    @Test
    void pretrendWaldWorkedByHand() {
        Map<Integer, Double> point = Map.of(-2, 1.0, 0, 7.0, 1, 9.0);
        double[] draws = {0, 2, 1, 3, -1};
        java.util.List<Map<Integer, Double>> replicates = new java.util.ArrayList<>();
        for (int b = 0; b < draws.length; b++) {
            replicates.add(Map.of(-2, draws[b], 0, 7.0 + b, 1, 9.0 - b * b));
        }
        Assertions.assertEquals(0.527089, StaggeredDid.pretrendPValue(point, replicates), 1e-6);
    }

    /**
     * Does the pre-trend test hold its size? A Wald test at 5% should reject a true null about once in 20. This
     * runs the whole estimator (999 site-cluster bootstrap resamples) on 20 synthetic panels with no effect and
     * parallel trends: 40 sites over 12 quarters (10 never live, 30 going live 5 per quarter in quarters 4 to 9),
     * value = site level + common trend + independent normal noise (sd 3). At least 19 of the 20 p-values must
     * be 0.05 or more. The same panels with a pre-trend planted in the live sites (4 a quarter before go-live,
     * flat from it: the pre-period effects are -12, -8 and -4 against noise of sd 3) must be rejected in at least
     * 18 of the 20 seeds, so the test can tell the two apart. (End to end through the generator this would take
     * minutes per seed; the estimator is the part under test.) The covariance carries the small-sample
     * correction T / (T - C) (see {@link StaggeredDid}): without it, 30 treated sites in 6 cohorts of 5, this test
     * rejected 3 of these 20 null panels, and 19 of 200 seeds in a longer run.
     */
    @Test
    void pretrendTestHoldsItsSizeAndDetectsAPlantedPreTrend() {
        int accepted = 0;
        int rejectedWithPreTrend = 0;
        StringBuilder log = new StringBuilder();
        for (int seed = 1; seed <= 20; seed++) {
            double p0 = syntheticPretrendP(seed, 0.0);
            double p1 = syntheticPretrendP(seed, 4.0);
            accepted += p0 >= 0.05 ? 1 : 0;
            rejectedWithPreTrend += p1 < 0.05 ? 1 : 0;
            log.append(String.format(" seed %d: p %.3f / with pre-trend %.4f;", seed, p0, p1));
        }
        System.out.println("pre-trend test:" + log);
        Assertions.assertTrue(accepted >= 19, accepted + " of 20 not rejected:" + log);
        Assertions.assertTrue(rejectedWithPreTrend >= 18, rejectedWithPreTrend + " of 20 rejected:" + log);
    }

    private static double syntheticPretrendP(int seed, double preTrendPerQuarter) {
        java.util.Random r = new java.util.Random(seed);
        int quarters = 12;
        double[] common = new double[quarters];
        for (int t = 0; t < quarters; t++) {
            common[t] = 1.5 * t + 4 * Math.sin(t * 1.3) + r.nextGaussian() * 2;
        }
        Map<String, Integer> goLive = new HashMap<>();
        Map<String, double[]> values = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            Integer g = i < 10 ? null : 4 + (i - 10) % 6;
            double level = 50 + r.nextGaussian() * 10;
            double[] v = new double[quarters];
            for (int t = 0; t < quarters; t++) {
                double pre = g != null && t < g ? preTrendPerQuarter * (t - g) : 0;
                v[t] = level + common[t] + pre + r.nextGaussian() * 3;
            }
            String site = String.format("S%02d", i);
            goLive.put(site, g);
            values.put(site, v);
        }
        StaggeredDid.Estimate overall = StaggeredDid.estimate(panel(goLive, values), -4, 4, 1, 4, seed * 31L, 999)
                .get(StaggeredDid.OVERALL);
        Assertions.assertFalse(Double.isNaN(overall.pretrendP()), "seed " + seed);
        return overall.pretrendP();
    }
}
