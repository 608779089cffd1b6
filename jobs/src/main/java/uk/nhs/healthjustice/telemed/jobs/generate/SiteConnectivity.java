package uk.nhs.healthjustice.telemed.jobs.generate;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Each site's connectivity and devices over time ({@code reference/site_connectivity.csv}, contract version 2),
 * and the planted connectivity effect on waits.
 *
 * <h2>Histories</h2>
 * Two sites in five (the sites whose index in the register is 1 or 3 modulo 5) start with {@code poor}
 * connectivity, one in ten {@code none} (index 3 modulo 10): about 50 of 117 prisons could not run video when
 * the pandemic began (DATA_CONTRACT.md). Such a site gains {@code adequate} connectivity on the first of a month
 * drawn between 6 months before and 12 months after its telemedicine go-live (any month of the history when it
 * never goes live), so most of them are still poor at go-live and some are not. Devices: {@code none} with no
 * connectivity, else {@code fixed_room}, and {@code tablets_4g} from the go-live on (the tablets and telemedicine
 * came together, as {@link SafetyLogs} assumes). Every site's first row is valid from six months before the
 * earlier of the history start and its go-live; a row is written at each change, never two on one day.
 *
 * <h2>Planted effect</h2>
 * At a site whose connectivity on its go-live day is {@code poor} or {@code none}, a pathway seen remotely waits
 * {@code poorConnectivityEffectRatio x waitEffectDays} less instead of {@code waitEffectDays} (a whole number of
 * days: the fraction is rounded up with its own probability, so the mean is exact), for the whole of the site's
 * history after go-live. The rounding draws on this class's own random stream, as do the histories, so the other
 * files' bytes change only where the plant changes a wait.
 */
final class SiteConnectivity {

    static final String FILE = "site_connectivity.csv";

    /** One row of the file: the state from {@code validFrom} until the site's next row. */
    record Change(LocalDate validFrom, String connectivity, String devices) {
    }

    private final GeneratorOptions o;
    private final Random random;
    private final Map<String, List<Change>> histories = new LinkedHashMap<>();
    private final Map<String, Boolean> poorAtGoLive = new LinkedHashMap<>();
    /** Per subgroup (adequate, poor): pathways referred at a live site, and the sum of their expected reductions. */
    private final double[] pathways = new double[2];
    private final double[] expectedReduction = new double[2];

    SiteConnectivity(GeneratorOptions o, List<LandingGenerator.Site> sites, LocalDate start, LocalDate end) {
        this.o = o;
        this.random = new Random(o.seed() * 1_000_033L + 0xC0FFEEL);
        long months = ChronoUnit.MONTHS.between(start.withDayOfMonth(1), end.withDayOfMonth(1));
        for (int i = 0; i < sites.size(); i++) {
            LandingGenerator.Site s = sites.get(i);
            boolean poorStart = i % 5 == 1 || i % 5 == 3;
            String initial = !poorStart ? "adequate" : i % 10 == 3 ? "none" : "poor";
            LocalDate goLive = s.goLive();
            LocalDate earlier = goLive != null && goLive.isBefore(start) ? goLive : start;
            LocalDate first = earlier.withDayOfMonth(1).minusMonths(6);
            LocalDate upgrade = null;
            if (poorStart) {
                upgrade = goLive != null ? goLive.withDayOfMonth(1).plusMonths(-6 + random.nextInt(19))
                        : start.withDayOfMonth(1).plusMonths(random.nextInt((int) months + 1));
                if (!upgrade.isAfter(first)) {
                    upgrade = first.plusMonths(1);
                }
            }
            TreeMap<LocalDate, Change> rows = new TreeMap<>();
            for (LocalDate d : new LocalDate[] {first, goLive, upgrade}) {
                if (d != null && !d.isBefore(first)) {
                    rows.put(d, state(d, initial, upgrade, goLive));
                }
            }
            histories.put(s.id(), List.copyOf(rows.values()));
            poorAtGoLive.put(s.id(),
                    goLive != null && !state(goLive, initial, upgrade, goLive).connectivity().equals("adequate"));
        }
    }

    private static Change state(LocalDate d, String initial, LocalDate upgrade, LocalDate goLive) {
        String connectivity = upgrade == null || d.isBefore(upgrade) ? initial : "adequate";
        String devices = goLive != null && !d.isBefore(goLive) ? "tablets_4g"
                : connectivity.equals("none") ? "none" : "fixed_room";
        return new Change(d, connectivity, devices);
    }

    /** The site's rows, oldest first. */
    List<Change> history(String siteId) {
        return histories.get(siteId);
    }

    /** Whether the site's connectivity on its go-live day was poor or none (false when it never goes live). */
    boolean poorAtGoLive(String siteId) {
        return poorAtGoLive.get(siteId);
    }

    /** Days a pathway seen remotely at this (live) site waits less: the planted effect, smaller where poor. */
    int waitReduction(LandingGenerator.Site s) {
        if (!poorAtGoLive(s.id()) || o.poorConnectivityEffectRatio() == 1.0) {
            return o.waitEffectDays();
        }
        double days = o.poorConnectivityEffectRatio() * o.waitEffectDays();
        int whole = (int) Math.floor(days);
        return whole + (random.nextDouble() < days - whole ? 1 : 0);
    }

    /** Records a pathway referred at a live site, with its chance of being seen remotely (for the expectations). */
    void pathwayAfterGoLive(LandingGenerator.Site s, double remoteChance) {
        int g = poorAtGoLive(s.id()) ? 1 : 0;
        double reduction = g == 1 ? o.poorConnectivityEffectRatio() * o.waitEffectDays() : o.waitEffectDays();
        pathways[g]++;
        expectedReduction[g] += remoteChance * reduction;
    }

    void write(Path referenceDir) throws IOException {
        try (Writer w = Files.newBufferedWriter(referenceDir.resolve(FILE), StandardCharsets.UTF_8)) {
            w.write("site_id,valid_from,connectivity,devices\n");
            for (Map.Entry<String, List<Change>> e : histories.entrySet()) {
                for (Change c : e.getValue()) {
                    w.write(LandingGenerator.csvLine(List.of(e.getKey(), c.validFrom().toString(), c.connectivity(),
                            c.devices())));
                }
            }
        }
    }

    /** The planted effect for the manifest, with the national expectations of both subgroups and of ALL. */
    Map<String, Object> plantedEffect() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", "at a site whose connectivity on its go-live day is poor or none, a pathway seen remotely"
                + " waits poor_connectivity_effect_ratio x waitEffectDays less instead of waitEffectDays; the expected"
                + " effect of go-live on the mean wait is -(mean chance of being seen remotely) x reduction over the"
                + " pathways referred at live sites, per subgroup (connectivity_adequate / connectivity_poor, as"
                + " rollout_impact names them) and for ALL, the pathway-weighted mean of the two; sites start poor"
                + " or none when their register index is 1 or 3 modulo 5 and gain adequate connectivity on a date"
                + " in reference/site_connectivity.csv");
        m.put("poor_connectivity_effect_ratio", o.poorConnectivityEffectRatio());
        m.put("expected_effect_connectivity_adequate_days", round(-expected(0, o.waitEffectDays())));
        m.put("expected_effect_connectivity_poor_days",
                round(-expected(1, o.poorConnectivityEffectRatio() * o.waitEffectDays())));
        double all = pathways[0] + pathways[1] == 0 ? -o.remoteShareAfterGoLive() * o.waitEffectDays()
                : -(expectedReduction[0] + expectedReduction[1]) / (pathways[0] + pathways[1]);
        m.put("expected_effect_all_days", round(all));
        m.put("pathways_after_go_live_adequate", (long) pathways[0]);
        m.put("pathways_after_go_live_poor", (long) pathways[1]);
        List<String> poor = new ArrayList<>();
        poorAtGoLive.forEach((site, p) -> {
            if (p) {
                poor.add(site);
            }
        });
        m.put("sites_poor_at_go_live", poor);
        return m;
    }

    private double expected(int g, double reductionWhenNone) {
        return pathways[g] == 0 ? o.remoteShareAfterGoLive() * reductionWhenNone : expectedReduction[g] / pathways[g];
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
