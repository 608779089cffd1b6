package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Site x quarter outcomes for one outcome measure, held on the driver: sites x quarters is small (about
 * 120 x 40 for ten years), so the estimators below work on plain arrays.
 *
 * @param sites   site ids, in a stable order
 * @param goLive  each site's go-live quarter index, or null when never live
 * @param quarters quarter start dates, consecutive
 * @param values  values[site][quarter], NaN when missing
 * @param weights weights[site][quarter] (pathways or consults behind the value), 0 when missing
 */
record SitePanel(List<String> sites, Integer[] goLive, List<LocalDate> quarters, double[][] values, double[][] weights) {

    static SitePanel of(Map<String, LocalDate> goLiveBySite, Map<String, Map<LocalDate, double[]>> cells) {
        TreeMap<LocalDate, Integer> index = new TreeMap<>();
        cells.values().forEach(m -> m.keySet().forEach(q -> index.put(q, 0)));
        List<LocalDate> quarters = new ArrayList<>();
        if (!index.isEmpty()) {
            for (LocalDate q = index.firstKey(); !q.isAfter(index.lastKey()); q = q.plusMonths(3)) {
                quarters.add(q);
            }
        }
        List<String> sites = new ArrayList<>(new java.util.TreeSet<>(goLiveBySite.keySet()));
        Integer[] g = new Integer[sites.size()];
        double[][] v = new double[sites.size()][quarters.size()];
        double[][] w = new double[sites.size()][quarters.size()];
        for (int i = 0; i < sites.size(); i++) {
            LocalDate live = goLiveBySite.get(sites.get(i));
            if (live != null && !quarters.isEmpty()) {
                LocalDate q = uk.nhs.healthjustice.telemed.pipelines.common.Periods.quarterStartOf(live);
                g[i] = (int) (java.time.temporal.ChronoUnit.MONTHS.between(quarters.get(0), q) / 3);
            }
            java.util.Arrays.fill(v[i], Double.NaN);
            Map<LocalDate, double[]> m = cells.getOrDefault(sites.get(i), Map.of());
            for (int t = 0; t < quarters.size(); t++) {
                double[] cell = m.get(quarters.get(t));
                if (cell != null && !Double.isNaN(cell[0])) {
                    v[i][t] = cell[0];
                    w[i][t] = cell[1];
                }
            }
        }
        return new SitePanel(sites, g, quarters, v, w);
    }

    /**
     * The placebo panel: every site that goes live inside or before the panel has its go-live moved
     * {@code shift} quarters earlier and keeps only its quarters before the real go-live quarter (the
     * pre-period; the go-live quarter itself, part before and part after, is dropped too), so no quarter it
     * was really live in is used. Never-live sites, and sites going live after the panel ends, are unchanged.
     * Without anticipation or diverging trends, the effect estimated on this panel is zero.
     */
    SitePanel placebo(int shift) {
        Integer[] g = new Integer[goLive.length];
        double[][] v = new double[values.length][];
        double[][] w = new double[weights.length][];
        for (int i = 0; i < goLive.length; i++) {
            v[i] = values[i].clone();
            w[i] = weights[i].clone();
            Integer real = goLive[i];
            if (real == null || real >= quarters.size()) {
                g[i] = real;
                continue;
            }
            g[i] = real - shift;
            for (int t = Math.max(real, 0); t < quarters.size(); t++) {
                v[i][t] = Double.NaN;
                w[i][t] = 0;
            }
        }
        return new SitePanel(sites, g, quarters, v, w);
    }
}
