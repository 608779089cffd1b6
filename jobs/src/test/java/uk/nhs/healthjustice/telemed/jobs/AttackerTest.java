package uk.nhs.healthjustice.telemed.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.generate.GenerationSummary;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.LandingGenerator;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The published layer attacked as a reader would attack it. On generated data with many small cells (small
 * sites, monthly rows), each attack reads only {@code published/} and the public reference file
 * {@code costs.json}, and tries to get back a count that disclosure control hid: a true count from 1 to 7
 * whose published value is suppressed or rounded. The true marts are read only to score the attempts.
 *
 * <p>A recovery counts only when it is certain: a published rounded count stands for every integer that
 * rounds to it (a suppressed one for 1..7), so an attack whose possible results hold more than one small
 * integer has recovered nothing. An attack that gives exactly one integer from 1 to 7, equal to the hidden
 * truth, is a disclosure and fails the test. One kind is reported, not failed: differences of counts that
 * are all rounded can bound a suppressed count to a single value at the edge (a quarter of 15 less two
 * months of 10 leaves at most 1 for the third month). That is the known limit of NHS Digital's method
 * (rounding to 5, rows need not add up) without secondary suppression; the test prints how many hidden cells
 * it reaches so the residual risk is measured, and README "What is safe to share" states it.
 *
 * <p>The attacks, each named in the failure message:
 * <ul>
 *   <li>{@code money_divided_by_unit_cost}: every money or hours figure of a row (and telemedicine cost less
 *   the site fixed cost) divided by every unit cost in costs.json, half an hourly rate (a 30-minute consult)
 *   and the national mean escort cost;</li>
 *   <li>{@code rate_times_base}: a rate or share times every denominator consistent with the published,
 *   rounded base (the denominator search that turns 0.0714 into 1/14);</li>
 *   <li>{@code rate_times_published_population}: attendances per 1,000 times the published population;</li>
 *   <li>{@code all_minus_other_modalities}: a row's {@code ALL} figure minus its other modality rows, for
 *   counts and for money (then divided by unit costs);</li>
 *   <li>{@code months_against_their_quarter}: a quarter minus two of its months gives the third;</li>
 *   <li>{@code before_after_times_counts}: roll-out site values, before and after means, times the counts
 *   beside them (denominator search again);</li>
 *   <li>{@code regions_against_their_nation}: the exact national row less every other region (every table; for
 *   {@code equity}, whose smallest cells are regions, only secondary suppression stops it);</li>
 *   <li>{@code groups_against_other_dimensions}: in {@code equity}, one dimension's groups add up to the region's
 *   total, which less all but one group of another dimension gives that group;</li>
 *   <li>{@code mean_of_whole_days_times_base}: a mean wait times each count its rounded base could be; waits are
 *   whole days, so only the true count may give a whole total. This one scores rounded counts (8 or more)
 *   given back exactly, since the spec forbids recovering rounded counts too;</li>
 *   <li>{@code readiness_against_access_nation}: {@code readiness} repeats access's quarterly site counts without
 *   national rows; access's national quarter less readiness's other sites gives a site.</li>
 * </ul>
 */
@Tag("end-to-end")
class AttackerTest extends SparkTestBase {

    private static final double EPS = 1e-6;

    @TempDir
    Path tmp;

    private Map<String, Map<String, Map<String, Object>>> published;
    private Map<String, Map<String, Map<String, Object>>> marts;
    private List<Double> unitCosts;
    /** Hidden counts pinned only by the bounds of rounded counts: reported, see {@link #differences}. */
    private final Map<String, List<String>> bounds = new TreeMap<>();

    /** Count columns of each table: the values disclosure control suppresses or rounds below national. */
    static final Map<String, List<String>> COUNTS = Map.of(
            "waiting_times", List.of("completed_pathways", "completed_within_18_weeks", "incomplete_pathways",
                    "incomplete_over_18_weeks", "incomplete_over_52_weeks", "incomplete_within_18_weeks",
                    "incomplete_over_65_weeks", "incomplete_over_78_weeks", "incomplete_over_104_weeks",
                    "new_clock_starts", "removed_released", "removed_transferred_out", "removed_died"),
            "access", List.of("consults_due", "attended", "did_not_attend", "cancelled_no_escort", "cancelled_other", "cancelled_security",
                    "attended_telemedicine", "patients_seen", "gic_attended", "technical_failures", "telemedicine_due"),
            "mha_transfers", List.of("cases_referred", "cases_assessed", "first_assessment_within_14_days",
                    "cases_transferred", "transferred_within_28_days", "open_over_28_days", "cases_open"),
            "costs", List.of("attended", "escorts", "escorts_avoided"),
            "cost_effectiveness", List.of("telemedicine_pathways", "in_person_pathways",
                    "telemedicine_pathways_compared", "in_person_pathways_compared", "strata_compared",
                    "strata_dropped", "pathways_dropped"),
            "rollout_impact", List.of("n", "numerator", "n_before", "n_after"),
            "equity", List.of("patients_seen", "attended", "attended_telemedicine", "did_not_attend", "gic_attended",
                    "completed_pathways"),
            "prescribing_safety", List.of("consults_attended", "prescriptions", "controlled_drug_prescriptions",
                    "high_risk_prescriptions", "in_possession_prescriptions", "incidents", "incidents_moderate_or_worse",
                    "incidents_high_risk", "unlinked_incidents", "prescription_issued_mismatch"),
            "telemedicine_security", List.of("events", "telemedicine_sessions"),
            "readiness", List.of("attended", "attended_telemedicine", "telemedicine_due", "technical_failures"));

    /** The count each money or hours column of {@code costs} is a sum over. */
    static final Map<String, String> MONEY_OF = Map.of("clinician_cost_gbp", "attended", "escort_cost_gbp", "escorts",
            "telemedicine_cost_gbp", "attended", "total_cost_gbp", "attended", "escort_officer_hours", "escorts",
            "escort_cost_avoided_gbp", "escorts_avoided");

    /** A rate = numerator / sum of denominators x scale, as METRICS.md defines it. */
    record RateDef(String table, String rate, String numerator, List<String> denominators, double scale) {
    }

    static final List<RateDef> RATES = List.of(
            new RateDef("access", "dna_rate", "did_not_attend", List.of("attended", "did_not_attend"), 1),
            new RateDef("access", "telemedicine_share", "attended_telemedicine", List.of("attended"), 1),
            new RateDef("access", "technical_failure_rate", "technical_failures", List.of("telemedicine_due"), 1),
            new RateDef("waiting_times", "pct_within_18_weeks", "completed_within_18_weeks",
                    List.of("completed_pathways"), 100),
            new RateDef("mha_transfers", "pct_transferred_within_28_days", "transferred_within_28_days",
                    List.of("cases_transferred"), 100),
            new RateDef("waiting_times", "pct_incomplete_within_18_weeks", "incomplete_within_18_weeks",
                    List.of("incomplete_pathways"), 100),
            new RateDef("waiting_times", "released_before_treatment_rate", "removed_released",
                    List.of("completed_pathways", "removed_released", "removed_transferred_out", "removed_died"), 1),
            new RateDef("equity", "telemedicine_share", "attended_telemedicine", List.of("attended"), 1),
            new RateDef("equity", "dna_rate", "did_not_attend", List.of("attended", "did_not_attend"), 1),
            new RateDef("prescribing_safety", "prescriptions_per_100_attended", "prescriptions",
                    List.of("consults_attended"), 100),
            new RateDef("prescribing_safety", "high_risk_share", "high_risk_prescriptions", List.of("prescriptions"), 1),
            new RateDef("prescribing_safety", "in_possession_share", "in_possession_prescriptions",
                    List.of("prescriptions"), 1),
            new RateDef("prescribing_safety", "incidents_per_1000_prescriptions", "incidents", List.of("prescriptions"),
                    1000),
            new RateDef("prescribing_safety", "incidents_per_1000_high_risk", "incidents_high_risk",
                    List.of("high_risk_prescriptions"), 1000),
            new RateDef("telemedicine_security", "events_per_1000_sessions", "events", List.of("telemedicine_sessions"),
                    1000),
            new RateDef("readiness", "telemedicine_share", "attended_telemedicine", List.of("attended"), 1),
            new RateDef("readiness", "technical_failure_rate", "technical_failures", List.of("telemedicine_due"), 1));

    private void generateAndPublish() throws Exception {
        Path landing = tmp.resolve("landing");
        // six small sites over eighteen months: monthly site cells of a handful of consults; with the connectivity
        // file, so that readiness and the connectivity columns of telemedicine_security are published too
        GenerationSummary g = new LandingGenerator().generate(landing, GeneratorOptions.defaults(Scale.SMALL)
                .withYears(1.5).withEndDate(LocalDate.parse("2026-09-30")).withBadRowRate(0).withCorrectionRate(0.05)
                .withSiteConnectivity(true));
        Path key = tmp.resolve("key");
        Files.writeString(key, "attacker-test-key-0123456789abcdef");
        Path out = tmp.resolve("out");
        List<LocalDate> nights = g.loadDates();
        Assertions.assertEquals(0, TelemedCli.execute("backfill", "--input", landing.toString(), "--output",
                out.toString(), "--from", nights.get(0).toString(), "--to", nights.get(nights.size() - 1).toString(),
                "--key-file", key.toString()));
        published = new HashMap<>();
        marts = new HashMap<>();
        for (String t : COUNTS.keySet()) {
            published.put(t, rows(out.resolve("published").resolve(t)));
            marts.put(t, rows(out.resolve("marts").resolve(t)));
        }
        unitCosts = new ArrayList<>();
        for (JsonNode c : new ObjectMapper().readTree(landing.resolve("reference/costs.json").toFile())) {
            double v = c.get("value_gbp").asDouble();
            unitCosts.add(v);
            if (c.get("name").asText().startsWith("clinician_hour.")) {
                unitCosts.add(v / 2); // a 30-minute consult
            }
        }
    }

    @Test
    void noPublishedFigureGivesBackASmallCount() throws Exception {
        generateAndPublish();
        Map<String, List<String>> leaks = new TreeMap<>();
        moneyDividedByUnitCost(leaks);
        ratesTimesBases(leaks);
        allMinusOtherModalities(leaks);
        monthsAgainstTheirQuarter(leaks);
        beforeAfterTimesCounts(leaks);
        regionsAgainstTheirNation(leaks);
        groupsAgainstOtherDimensions(leaks);
        readinessAgainstAccessNation(leaks);
        meansOfWholeDaysTimesTheirBase(leaks);
        StringBuilder report = new StringBuilder();
        leaks.forEach((attack, found) -> {
            report.append(attack).append(": ").append(found.size()).append(" hidden counts recovered ")
                    .append(byTable(found)).append(", e.g. ").append(found.subList(0, Math.min(3, found.size()))).append('\n');
        });
        System.out.print(report.length() == 0 ? "attacker test: nothing recovered\n" : report);
        bounds.forEach((attack, found) -> System.out.println("attacker test, bounds of rounded counts only ("
                + attack + "): " + found.size() + " of " + hiddenCells() + " hidden cells pinned " + byTable(found)
                + ", e.g. " + found.subList(0, Math.min(3, found.size()))));
        Assertions.assertTrue(leaks.isEmpty(), "published figures give back hidden counts:\n" + report);
        Assertions.assertTrue(hiddenCells() > 50, "the data must have many small cells to attack: " + hiddenCells());
    }

    /** How many of {@code found} ("table [key] column = value") are in each table. */
    private static Map<String, Long> byTable(List<String> found) {
        Map<String, Long> byTable = new TreeMap<>();
        found.forEach(f -> byTable.merge(f.substring(0, f.indexOf(' ')), 1L, Long::sum));
        return byTable;
    }

    /** How many small counts disclosure control hid: the test is only as good as its targets. */
    private long hiddenCells() {
        long n = 0;
        for (String t : COUNTS.keySet()) {
            for (String k : published.get(t).keySet()) {
                n += hidden(t, k).size();
            }
        }
        return n;
    }

    // ---- the attacks ----

    private void moneyDividedByUnitCost(Map<String, List<String>> leaks) {
        for (var e : published.get("costs").entrySet()) {
            Map<String, Object> row = e.getValue();
            if (national(row)) {
                continue;
            }
            for (var m : MONEY_OF.entrySet()) {
                Double money = number(row, m.getKey());
                if (money == null) {
                    continue;
                }
                List<Double> amounts = new ArrayList<>(List.of(money));
                Double fixed = number(row, "site_fixed_cost_gbp");
                if (m.getKey().equals("telemedicine_cost_gbp") && fixed != null) {
                    amounts.add(money - fixed);
                }
                for (double amount : amounts) {
                    for (double divisor : divisors(row)) {
                        check(leaks, "money_divided_by_unit_cost", "costs", e.getKey(), m.getValue(),
                                Set.of(amount / divisor));
                    }
                }
            }
        }
    }

    private void ratesTimesBases(Map<String, List<String>> leaks) {
        for (RateDef r : RATES) {
            for (var e : published.get(r.table()).entrySet()) {
                Map<String, Object> row = e.getValue();
                Double rate = number(row, r.rate());
                if (national(row) || rate == null) {
                    continue;
                }
                Set<Double> recovered = new TreeSet<>();
                for (long d : sumOf(r.table(), row, r.denominators())) {
                    recovered.add(rate * d / r.scale());
                }
                check(leaks, "rate_times_base", r.table(), e.getKey(), r.numerator(), recovered);
            }
        }
        for (var e : published.get("access").entrySet()) {
            Map<String, Object> row = e.getValue();
            Double rate = number(row, "attended_per_1000");
            Double population = number(row, "average_population");
            if (!national(row) && rate != null && population != null) {
                check(leaks, "rate_times_published_population", "access", e.getKey(), "attended",
                        Set.of(rate * population / 1000));
            }
        }
    }

    private void allMinusOtherModalities(Map<String, List<String>> leaks) {
        for (String t : List.of("access", "costs", "waiting_times", "mha_transfers", "prescribing_safety")) {
            String modality = t.equals("mha_transfers") ? "first_assessment_modality" : "modality_group";
            Map<String, List<String>> groups = groupBy(t, modality);
            for (List<String> keys : groups.values()) {
                String all = keys.stream().filter(k -> "ALL".equals(published.get(t).get(k).get(modality))).findFirst()
                        .orElse(null);
                if (all == null || national(published.get(t).get(all))) {
                    continue;
                }
                for (String target : keys) {
                    if (target.equals(all)) {
                        continue;
                    }
                    List<String> others = keys.stream().filter(k -> !k.equals(all) && !k.equals(target)).toList();
                    differences(leaks, "all_minus_other_modalities", t, all, others, target);
                }
            }
        }
    }

    private void monthsAgainstTheirQuarter(Map<String, List<String>> leaks) {
        for (String t : List.of("access", "costs", "waiting_times", "mha_transfers", "prescribing_safety",
                "telemedicine_security")) {
            Map<String, Map<String, Object>> rows = published.get(t);
            Map<String, List<String>> months = new HashMap<>();
            Map<String, String> quarters = new HashMap<>();
            for (var e : rows.entrySet()) {
                Map<String, Object> row = e.getValue();
                if (national(row)) {
                    continue;
                }
                LocalDate start = ((java.sql.Date) row.get("period_start")).toLocalDate();
                LocalDate quarter = start.withMonth(((start.getMonthValue() - 1) / 3) * 3 + 1);
                String group = quarter + "|" + dimensions(t, row, "period_type", "period_start", "period_label");
                if ("month".equals(row.get("period_type"))) {
                    months.computeIfAbsent(group, k -> new ArrayList<>()).add(e.getKey());
                } else {
                    quarters.put(group, e.getKey());
                }
            }
            for (var q : quarters.entrySet()) {
                List<String> ms = months.getOrDefault(q.getKey(), List.of());
                for (String target : ms) {
                    differences(leaks, "months_against_their_quarter", t, q.getValue(),
                            ms.stream().filter(k -> !k.equals(target)).toList(), target);
                }
            }
        }
    }

    /**
     * National rows are exact: national less every other region gives a region's count (equity has no site rows,
     * so its regions are the smallest cells: secondary suppression is what stops this attack).
     */
    private void regionsAgainstTheirNation(Map<String, List<String>> leaks) {
        for (String t : COUNTS.keySet()) {
            Map<String, List<String>> lines = new HashMap<>();
            for (var e : published.get(t).entrySet()) {
                Map<String, Object> row = e.getValue();
                if ("ALL".equals(row.getOrDefault("site_id", "ALL")) && !"site".equals(row.get("level"))) {
                    lines.computeIfAbsent(dimensions(t, row, "region"), k -> new ArrayList<>()).add(e.getKey());
                }
            }
            for (List<String> keys : lines.values()) {
                String nation = keys.stream().filter(k -> national(published.get(t).get(k))).findFirst().orElse(null);
                if (nation == null) {
                    continue;
                }
                for (String target : keys) {
                    if (!target.equals(nation)) {
                        differences(leaks, "regions_against_their_nation", t, nation,
                                keys.stream().filter(k -> !k.equals(nation) && !k.equals(target)).toList(), target);
                    }
                }
            }
        }
    }

    /** Means of whole days below national and the count each rests on (PublishedColumn.meanOfWholeDays). */
    static final List<String[]> MEANS_OF_WHOLE_DAYS = List.of(
            new String[] {"waiting_times", "mean_wait_days", "completed_pathways"},
            new String[] {"cost_effectiveness", "mean_wait_telemedicine_days", "telemedicine_pathways"},
            new String[] {"cost_effectiveness", "mean_wait_in_person_days", "in_person_pathways"});

    /**
     * A mean of whole days times every count its published, rounded base could be: the total is a whole number
     * of days, so where a single candidate gives a whole total it is the base, rounding undone.
     */
    private void meansOfWholeDaysTimesTheirBase(Map<String, List<String>> leaks) {
        long attacked = 0;
        for (String[] m : MEANS_OF_WHOLE_DAYS) {
            for (var e : published.get(m[0]).entrySet()) {
                Map<String, Object> row = e.getValue();
                Double mean = number(row, m[1]);
                Double base = number(row, m[2]);
                if (national(row) || mean == null || base == null || base < 8) {
                    continue;
                }
                attacked++;
                List<Long> whole = new ArrayList<>();
                for (long n : candidates(m[0], row, m[2])) {
                    double total = mean * n;
                    if (n >= 8 && Math.abs(total - Math.rint(total)) < EPS) {
                        whole.add(n);
                    }
                }
                Double truth = number(marts.get(m[0]).get(e.getKey()), m[2]);
                if (whole.size() == 1 && truth != null && whole.get(0) == Math.round(truth)) {
                    leaks.computeIfAbsent("mean_of_whole_days_times_base", a -> new ArrayList<>())
                            .add(m[0] + " [" + e.getKey() + "] " + m[2] + " = " + whole.get(0));
                }
            }
        }
        Assertions.assertTrue(attacked > 50, "means to attack: " + attacked);
    }

    /**
     * Every equity dimension splits the same people: one dimension's groups add up to a region's total, so that
     * total less the other groups of a second dimension gives the last group. National totals are exact.
     */
    private void groupsAgainstOtherDimensions(Map<String, List<String>> leaks) {
        Map<String, Map<String, List<String>>> byLine = new HashMap<>(); // period+region -> dimension -> rows
        for (var e : published.get("equity").entrySet()) {
            Map<String, Object> row = e.getValue();
            byLine.computeIfAbsent(row.get("period_start") + "|" + row.get("region"), k -> new TreeMap<>())
                    .computeIfAbsent((String) row.get("dimension"), k -> new ArrayList<>()).add(e.getKey());
        }
        for (Map<String, List<String>> dims : byLine.values()) {
            for (var whole : dims.entrySet()) {
                for (var split : dims.entrySet()) {
                    if (whole.getKey().equals(split.getKey())) {
                        continue;
                    }
                    for (String target : split.getValue()) {
                        // the whole is a sum of rows: its candidates are the sums of theirs
                        sumDifferences(leaks, whole.getValue(),
                                split.getValue().stream().filter(k -> !k.equals(target)).toList(), target);
                    }
                }
            }
        }
    }

    /**
     * {@code readiness} repeats a quarter's site counts of {@code access} without national rows; access's exact
     * national quarter row less readiness's other sites gives a site.
     */
    private void readinessAgainstAccessNation(Map<String, List<String>> leaks) {
        Map<Object, Map<String, Object>> nation = new HashMap<>();
        for (Map<String, Object> a : published.get("access").values()) {
            if (national(a) && "quarter".equals(a.get("period_type")) && "ALL".equals(a.get("modality_group"))) {
                nation.put(a.get("period_start"), a);
            }
        }
        Map<Object, List<String>> quarters = new HashMap<>();
        published.get("readiness").forEach((k, r) -> quarters.computeIfAbsent(r.get("period_start"),
                q -> new ArrayList<>()).add(k));
        for (var q : quarters.entrySet()) {
            Map<String, Object> whole = nation.get(q.getKey());
            if (whole == null) {
                continue;
            }
            for (String target : q.getValue()) {
                for (String c : COUNTS.get("readiness")) {
                    Set<Long> result = new TreeSet<>(candidates("access", whole, c));
                    boolean exact = result.size() == 1;
                    for (String p : q.getValue()) {
                        if (!p.equals(target)) {
                            List<Long> part = candidates("readiness", published.get("readiness").get(p), c);
                            exact &= part.size() == 1;
                            result = plus(result, part, -1);
                        }
                    }
                    check(exact ? leaks : bounds, "readiness_against_access_nation", "readiness", target, c,
                            asDoubles(result));
                }
            }
        }
    }

    private void sumDifferences(Map<String, List<String>> leaks, List<String> whole, List<String> parts, String target) {
        for (String c : COUNTS.get("equity")) {
            Set<Long> result = new TreeSet<>(List.of(0L));
            boolean exact = true;
            for (String w : whole) {
                List<Long> v = candidates("equity", published.get("equity").get(w), c);
                exact &= v.size() == 1;
                result = plus(result, v, 1);
            }
            for (String p : parts) {
                List<Long> v = candidates("equity", published.get("equity").get(p), c);
                exact &= v.size() == 1;
                result = plus(result, v, -1);
            }
            check(exact ? leaks : bounds, "groups_against_other_dimensions", "equity", target, c, asDoubles(result));
        }
    }

    private void beforeAfterTimesCounts(Map<String, List<String>> leaks) {
        Map<String, Double> population = new HashMap<>();
        for (Map<String, Object> a : published.get("access").values()) {
            if ("quarter".equals(a.get("period_type")) && "ALL".equals(a.get("modality_group"))) {
                population.put(a.get("site_id") + "|" + a.get("period_start"), number(a, "average_population"));
            }
        }
        Map<String, Double> scale = Map.of("dna_rate", 1.0, "cancelled_no_escort_per_1000_due", 1000.0);
        for (var e : published.get("rollout_impact").entrySet()) {
            Map<String, Object> row = e.getValue();
            String outcome = (String) row.get("outcome");
            if (!"site".equals(row.get("level"))) {
                continue;
            }
            if (scale.containsKey(outcome)) {
                for (String[] vn : new String[][] {{"value", "n"}, {"value_before", "n_before"}, {"value_after", "n_after"}}) {
                    Double v = number(row, vn[0]);
                    if (v == null) {
                        continue;
                    }
                    Set<Double> recovered = new TreeSet<>();
                    for (long d : candidates("rollout_impact", row, vn[1])) {
                        recovered.add(v * d / scale.get(outcome));
                    }
                    check(leaks, "before_after_times_counts", "rollout_impact", e.getKey(), "numerator:" + vn[0],
                            recovered);
                }
            } else if (outcome.equals("attended_per_1000") && number(row, "value") != null) {
                Double pop = population.get(row.get("site_id") + "|" + row.get("period_start"));
                if (pop != null) {
                    check(leaks, "before_after_times_counts", "rollout_impact", e.getKey(), "n",
                            Set.of(number(row, "value") * pop / 1000));
                }
            }
        }
    }

    /**
     * {@code whole} minus {@code parts} gives {@code target}: counts directly, money divided by unit costs.
     * A count worked out only from exact figures (zeros, national values) is a disclosure; one pinned down only
     * by the bounds of rounded counts (a quarter of 15 and two months of 10 leave at most 1 for the third) is
     * the known limit of rounding to 5 without secondary suppression, and is counted in {@link #bounds}.
     */
    private void differences(Map<String, List<String>> leaks, String attack, String t, String whole, List<String> parts,
                             String target) {
        Map<String, Object> w = published.get(t).get(whole);
        for (String c : COUNTS.get(t)) {
            if (!w.containsKey(c)) {
                continue;
            }
            Set<Long> result = new TreeSet<>(candidates(t, w, c));
            boolean exact = result.size() == 1;
            for (String p : parts) {
                List<Long> part = candidates(t, published.get(t).get(p), c);
                exact &= part.size() == 1;
                result = plus(result, part, -1);
            }
            check(exact ? leaks : bounds, attack, t, target, c, asDoubles(result));
        }
        if (t.equals("costs")) {
            for (var m : MONEY_OF.entrySet()) {
                Double amount = number(w, m.getKey());
                for (String p : parts) {
                    Double part = number(published.get(t).get(p), m.getKey());
                    amount = amount == null || part == null ? null : amount - part;
                }
                if (amount != null) {
                    for (double divisor : divisors(w)) {
                        check(leaks, attack, t, target, m.getValue(), Set.of(amount / divisor));
                    }
                }
            }
        }
    }

    /** Every a + sign x b: the possible values of a sum (or difference) of counts known as sets of candidates. */
    private static Set<Long> plus(Set<Long> as, List<Long> bs, int sign) {
        Set<Long> next = new TreeSet<>();
        for (long a : as) {
            for (long b : bs) {
                next.add(a + sign * b);
            }
        }
        return next;
    }

    private static Set<Double> asDoubles(Set<Long> values) {
        Set<Double> out = new TreeSet<>();
        values.forEach(v -> out.add((double) v));
        return out;
    }

    // ---- scoring ----

    /**
     * Records a disclosure when the attack's possible results hold exactly one integer from 1 to 7 and the
     * target's true value is that integer, hidden by the published table.
     */
    private void check(Map<String, List<String>> leaks, String attack, String table, String key, String target,
                       Set<Double> results) {
        Set<Long> small = new TreeSet<>();
        for (double r : results) {
            long k = Math.round(r);
            if (Math.abs(r - k) < EPS && k >= 1 && k <= 7) {
                small.add(k);
            }
        }
        if (small.size() != 1) {
            return;
        }
        long k = small.iterator().next();
        Long truth = hidden(table, key).get(target);
        if (truth != null && truth == k) {
            leaks.computeIfAbsent(attack, a -> new ArrayList<>()).add(table + " [" + key + "] " + target + " = " + k);
        }
    }

    /** The row's true small counts that its published row does not show exactly. */
    private Map<String, Long> hidden(String table, String key) {
        Map<String, Object> truth = marts.get(table).get(key);
        Map<String, Object> shown = published.get(table).get(key);
        Map<String, Long> out = new HashMap<>();
        if (truth == null || national(truth)) {
            return out;
        }
        for (String c : COUNTS.get(table)) {
            Double t = number(truth, c);
            if (t != null && t >= 1 && t <= 7 && !t.equals(number(shown, c))) {
                out.put(c, Math.round(t));
            }
        }
        if (table.equals("rollout_impact")) {
            double scale = "cancelled_no_escort_per_1000_due".equals(truth.get("outcome")) ? 1000 : 1;
            if ("dna_rate".equals(truth.get("outcome")) || scale == 1000) {
                for (String[] vn : new String[][] {{"value", "n"}, {"value_before", "n_before"}, {"value_after", "n_after"}}) {
                    Double v = number(truth, vn[0]);
                    Double n = number(truth, vn[1]);
                    if (v != null && n != null) {
                        long numerator = Math.round(v * n / scale);
                        if (numerator >= 1 && numerator <= 7) {
                            out.put("numerator:" + vn[0], numerator);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Every integer a published count can stand for: itself nationally, else what rounds to it. */
    private static List<Long> candidates(String table, Map<String, Object> row, String column) {
        Double v = number(row, column);
        if (national(row)) {
            return v == null ? List.of() : List.of(Math.round(v));
        }
        List<Long> out = new ArrayList<>();
        if (v == null) {
            for (long k = 1; k <= 7; k++) {
                out.add(k);
            }
        } else if (v == 0) {
            out.add(0L);
        } else if (Math.round(v) % 5 != 0) {
            out.add(Math.round(v)); // not a multiple of 5: shown unrounded
        } else {
            for (long k = Math.round(v) - 2; k <= Math.round(v) + 2; k++) {
                out.add(k);
            }
        }
        return out;
    }

    private static List<Long> sumOf(String table, Map<String, Object> row, List<String> columns) {
        List<Long> sums = List.of(0L);
        for (String c : columns) {
            List<Long> next = new ArrayList<>();
            for (long s : sums) {
                for (long v : candidates(table, row, c)) {
                    next.add(s + v);
                }
            }
            sums = next;
        }
        return sums;
    }

    private List<Double> divisors(Map<String, Object> row) {
        List<Double> out = new ArrayList<>(unitCosts);
        Double mean = number(row, "national_mean_escort_cost_gbp");
        if (mean != null && mean > 0) {
            out.add(mean);
        }
        return out;
    }

    // ---- reading ----

    private Map<String, List<String>> groupBy(String table, String without) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (var e : published.get(table).entrySet()) {
            groups.computeIfAbsent(dimensions(table, e.getValue(), without), k -> new ArrayList<>()).add(e.getKey());
        }
        return groups;
    }

    static final List<String> DIMENSIONS = List.of("period_type", "period_start", "period_label", "region", "site_id",
            "specialty_code", "priority", "modality_group", "measure", "first_assessment_modality", "level", "outcome",
            "event_time", "control", "subgroup", "perspective", "dimension", "group_value", "kind", "severity");

    private static String dimensions(String table, Map<String, Object> row, String... without) {
        StringBuilder key = new StringBuilder();
        for (String d : DIMENSIONS) {
            if (row.containsKey(d) && !List.of(without).contains(d)) {
                key.append(d).append('=').append(row.get(d)).append(' ');
            }
        }
        return key.toString().trim();
    }

    private Map<String, Map<String, Object>> rows(Path table) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Row r : spark().read().parquet(table.toString()).collectAsList()) {
            Map<String, Object> m = new HashMap<>();
            for (String f : r.schema().fieldNames()) {
                m.put(f, r.getAs(f));
            }
            String key = dimensions(table.getFileName().toString(), m);
            Assertions.assertNull(out.put(key, m), "two rows with the dimensions " + key);
        }
        return out;
    }

    private static boolean national(Map<String, Object> row) {
        // equity has no site_id: its national rows are region ALL
        return "ALL".equals(row.get("region")) && "ALL".equals(row.getOrDefault("site_id", "ALL"));
    }

    private static Double number(Map<String, Object> row, String column) {
        Object v = row == null ? null : row.get(column);
        return v instanceof Number n ? n.doubleValue() : null;
    }
}
