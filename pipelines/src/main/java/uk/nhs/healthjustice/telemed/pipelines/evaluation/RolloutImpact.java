package uk.nhs.healthjustice.telemed.pipelines.evaluation;

import static org.apache.spark.sql.functions.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;

/**
 * {@code marts/rollout_impact}: what telemedicine go-live changed, per site and nationally.
 *
 * <p>The inputs are the quarterly site rows of the marts already computed ({@code waiting_times},
 * {@code access}, {@code mha_transfers}): one value per site, quarter and outcome. That panel is small
 * (about 120 sites x 4 quarters a year x 6 outcomes), so it is brought to the driver once and the estimator
 * and its bootstrap run on plain arrays; nothing per consult or per patient leaves the executors.
 *
 * <p>Only full quarters are used: quarters wholly inside the days the logs cover ({@code coverageFrom} to
 * {@code coverageTo}), so a half-landed first or current quarter cannot masquerade as a change.
 *
 * <p>Rows, all with {@code region} and {@code site_id} ({@code ALL} nationally):
 * <ul>
 *   <li>{@code level = site}, {@code event_time} -4..-1 and 1..4: the site's value in each of the four full
 *   quarters before and after its go-live quarter (the go-live quarter itself, part before and part after,
 *   is left out);</li>
 *   <li>{@code level = site}, {@code event_time} null: the summary, {@code value_before} and
 *   {@code value_after} (means of those quarters weighted by the people or events behind each,
 *   {@code n_before}, {@code n_after}) and {@code change};</li>
 *   <li>{@code level = national}: {@link StaggeredDid} estimates by event time (-4..4; -1 is the base and has
 *   no row) and, with {@code event_time} null, the overall effect: the mean of event times 1..4, the four full
 *   quarters after go-live. Each with a 95% site-cluster bootstrap interval.</li>
 * </ul>
 *
 * <p>Version 2 (METRICS.md, robustness):
 * <ul>
 *   <li><b>Cohort by referral.</b> Outcome {@code mean_first_attendance_wait_days_by_referral}: for each site
 *   and quarter, the mean wait from referral to first attendance of the pathways <em>referred</em> in that
 *   quarter (pathways not entered in error, with a first attendance by the run date), computed with Spark from
 *   the pathways and brought to the driver as one row per site x quarter. Pathways not yet seen are not in the
 *   mean, so the latest referral quarters would hold only the quickly seen: a referral quarter is used only
 *   once {@link #REFERRAL_FOLLOW_UP_DAYS} days have passed since its end (by the run date). Event time 0 holds
 *   pathways referred in the go-live quarter; 1..4 only pathways referred after it.</li>
 *   <li><b>Control</b> ({@code control}): every national estimate is given twice, with
 *   {@code not_yet_treated} comparison sites (the default, as before) and with {@code never_treated} sites only.
 *   Site rows describe one site and involve no comparison: their {@code control} is null (one row per site x
 *   outcome x event time, as before).</li>
 *   <li><b>Sup-t bands</b> {@code band_low}, {@code band_high} on national event-time rows and the
 *   <b>pre-trend test</b> {@code pretrend_p_value} on national overall rows, from the same bootstrap replicates
 *   ({@link StaggeredDid}); null elsewhere.</li>
 *   <li><b>Placebo</b> (outcome suffix {@code _placebo}, national rows only, both controls): the estimator on
 *   {@link SitePanel#placebo} with each treated site's go-live moved four quarters earlier, keeping only its
 *   quarters before the real go-live quarter; the placebo's quarter 4 is the real go-live quarter and so is
 *   absent, and its overall effect is the mean of placebo event times 1..3. It should be near zero.</li>
 *   <li><b>Connectivity subgroups</b> ({@code subgroup}, METRICS.md marts/readiness): every row above has
 *   {@code subgroup = ALL}. Given the site connectivity history, the national estimates (both controls, no
 *   placebo) are repeated for the sites whose connectivity was {@code adequate} at go-live
 *   ({@link #SUBGROUP_CONNECTIVITY_ADEQUATE}) and those with {@code poor} or {@code none}
 *   ({@link #SUBGROUP_CONNECTIVITY_POOR}). The connectivity at go-live is the row in force on the go-live date:
 *   the site's row with the latest {@code valid_from} on or before it. A live site with no such row (no history,
 *   or history starting after its go-live) is in neither subgroup. The subgroup decides only whose effect is
 *   averaged ({@link StaggeredDid}): the comparison sites are those of the {@code ALL} estimate, so a site of
 *   the other subgroup, or of neither, still serves as a comparison while it is not yet live.
 *   {@code sites_treated} counts the subgroup's live sites. Without a history (null or empty) there are only
 *   {@code ALL} rows, the same as before the column existed.</li>
 * </ul>
 */
public final class RolloutImpact {

    public static final String METHOD = "Callaway-Sant'Anna staggered difference-in-differences: each go-live"
            + " cohort against sites not yet live or never live, base = quarter before go-live; 95% CI from a"
            + " site-level cluster bootstrap";
    /** The method of the {@code never_treated} estimates. */
    public static final String METHOD_NEVER_TREATED = "Callaway-Sant'Anna staggered difference-in-differences: each"
            + " go-live cohort against never-live sites only, base = quarter before go-live; 95% CI from a"
            + " site-level cluster bootstrap";
    /** Appended to the method of the placebo rows. */
    public static final String PLACEBO_NOTE = "; placebo: each treated site's go-live moved four quarters earlier,"
            + " using only its quarters before the real go-live quarter";
    public static final String REFERRAL_COHORT_OUTCOME = "mean_first_attendance_wait_days_by_referral";
    public static final String PLACEBO_SUFFIX = "_placebo";
    /** {@code subgroup} of every row that covers all sites (site rows, and the national estimates for all). */
    public static final String SUBGROUP_ALL = Rollups.ALL;
    /** Sites whose connectivity in force on the go-live date was {@code adequate}. */
    public static final String SUBGROUP_CONNECTIVITY_ADEQUATE = "connectivity_adequate";
    /** Sites whose connectivity in force on the go-live date was {@code poor} or {@code none}. */
    public static final String SUBGROUP_CONNECTIVITY_POOR = "connectivity_poor";
    /** Added to an outcome's seed for each subgroup (1, 2, ...) so the {@code ALL} rows keep their figures. */
    static final long SUBGROUP_SEED_STEP = 224_737L;
    public static final String CONTROL_NOT_YET_TREATED = StaggeredDid.Control.NOT_YET_TREATED.label;
    public static final String CONTROL_NEVER_TREATED = StaggeredDid.Control.NEVER_TREATED.label;
    /** A referral quarter is used once this many days have passed since its end (see the class comment). */
    public static final int REFERRAL_FOLLOW_UP_DAYS = 182;
    static final int PLACEBO_SHIFT = 4;
    public static final int DEFAULT_RESAMPLES = 999;
    public static final long DEFAULT_SEED = 20_200_323L;
    static final int WINDOW = 4;
    static final int FIRST_OVERALL = 1;
    static final int LAST_OVERALL = 4;

    /**
     * Version 2 (issue 18): medication incidents per 1,000 prescriptions (site, all modalities, from
     * {@code prescribing_safety}). Estimated only when that mart is given and has site quarters with a rate (the
     * logs were delivered); its seed follows from its place in {@link #OUTCOMES}, so the others keep theirs.
     */
    public static final String INCIDENTS_OUTCOME = "incidents_per_1000_prescriptions";

    /**
     * The outcomes, in the order rows are written (each added one last, so that each earlier outcome keeps
     * its bootstrap seed, {@code seed + 7919 x index}, and its figures).
     */
    public static final List<String> OUTCOMES = List.of("median_first_attendance_wait_days",
            "mean_first_attendance_wait_days", "dna_rate", "attended_per_1000", "cancelled_no_escort_per_1000_due",
            "median_days_to_first_assessment", REFERRAL_COHORT_OUTCOME, INCIDENTS_OUTCOME);

    /** The outcomes that are rates of counts: numerator / n x scale (n is their denominator). */
    public static final Map<String, Double> RATE_OUTCOMES = Map.of("dna_rate", 1.0,
            "cancelled_no_escort_per_1000_due", 1000.0, INCIDENTS_OUTCOME, 1000.0);
    /** Attendances (n, also the numerator) per 1,000 of the public population. */
    public static final String PER_POPULATION_OUTCOME = "attended_per_1000";

    public static final StructType SCHEMA = new StructType()
            .add("level", DataTypes.StringType, false)
            .add(Rollups.REGION, DataTypes.StringType, false)
            .add(Rollups.SITE_ID, DataTypes.StringType, false)
            .add("outcome", DataTypes.StringType, false)
            .add("telemedicine_go_live", DataTypes.DateType, true)
            .add("go_live_quarter", DataTypes.StringType, true)
            .add("event_time", DataTypes.IntegerType, true)
            .add("period_start", DataTypes.DateType, true)
            .add("period_label", DataTypes.StringType, true)
            .add("value", DataTypes.DoubleType, true)
            .add("n", DataTypes.LongType, true)
            .add("numerator", DataTypes.LongType, true)
            .add("quarters_before", DataTypes.IntegerType, true)
            .add("quarters_after", DataTypes.IntegerType, true)
            .add("value_before", DataTypes.DoubleType, true)
            .add("value_after", DataTypes.DoubleType, true)
            .add("n_before", DataTypes.LongType, true)
            .add("n_after", DataTypes.LongType, true)
            .add("change", DataTypes.DoubleType, true)
            .add("estimate", DataTypes.DoubleType, true)
            .add("ci_low", DataTypes.DoubleType, true)
            .add("ci_high", DataTypes.DoubleType, true)
            .add("sites_treated", DataTypes.IntegerType, true)
            .add("sites_never_live", DataTypes.IntegerType, true)
            .add("n_bootstrap", DataTypes.IntegerType, true)
            .add("method", DataTypes.StringType, true)
            .add("band_low", DataTypes.DoubleType, true)
            .add("band_high", DataTypes.DoubleType, true)
            .add("pretrend_p_value", DataTypes.DoubleType, true)
            .add("control", DataTypes.StringType, true)
            .add("subgroup", DataTypes.StringType, false);

    private RolloutImpact() {
    }

    /**
     * @param waitingTimes the {@code waiting_times} mart
     * @param access       the {@code access} mart
     * @param mhaTransfers the {@code mha_transfers} mart
     * @param sites        the site register ({@code site_id}, {@code region}, {@code telemedicine_go_live})
     * @param coverageFrom first day the landed logs cover
     * @param coverageTo   last day they cover (the run date)
     */
    public static Dataset<Row> compute(Dataset<Row> waitingTimes, Dataset<Row> access, Dataset<Row> mhaTransfers,
                                       Dataset<Row> sites, LocalDate coverageFrom, LocalDate coverageTo, long seed,
                                       int resamples) {
        return compute(waitingTimes, access, mhaTransfers, null, sites, coverageFrom, coverageTo, seed, resamples);
    }

    /**
     * @param pathways every waiting-time pathway ({@code Pathways.build} without a start quarter: the referral
     *                 cohort needs the old referral quarters too), or null to leave out the referral-cohort outcome
     */
    public static Dataset<Row> compute(Dataset<Row> waitingTimes, Dataset<Row> access, Dataset<Row> mhaTransfers,
                                       Dataset<Row> pathways, Dataset<Row> sites, LocalDate coverageFrom,
                                       LocalDate coverageTo, long seed, int resamples) {
        return compute(waitingTimes, access, mhaTransfers, pathways, sites, null, coverageFrom, coverageTo, seed,
                resamples);
    }

    /**
     * @param siteConnectivity each site's connectivity history ({@code site_id}, {@code valid_from},
     *                         {@code connectivity}: the rows of {@code reference/site_connectivity.csv}), or null
     *                         (or empty) for the {@code ALL} rows only
     */
    public static Dataset<Row> compute(Dataset<Row> waitingTimes, Dataset<Row> access, Dataset<Row> mhaTransfers,
                                       Dataset<Row> pathways, Dataset<Row> sites, Dataset<Row> siteConnectivity,
                                       LocalDate coverageFrom, LocalDate coverageTo, long seed, int resamples) {
        return compute(waitingTimes, access, mhaTransfers, null, pathways, sites, siteConnectivity, coverageFrom,
                coverageTo, seed, resamples);
    }

    /**
     * @param prescribingSafety the {@code prescribing_safety} mart, or null to leave out
     *                          {@link #INCIDENTS_OUTCOME}
     */
    public static Dataset<Row> compute(Dataset<Row> waitingTimes, Dataset<Row> access, Dataset<Row> mhaTransfers,
                                       Dataset<Row> prescribingSafety, Dataset<Row> pathways, Dataset<Row> sites,
                                       Dataset<Row> siteConnectivity, LocalDate coverageFrom, LocalDate coverageTo,
                                       long seed, int resamples) {
        SparkSession spark = waitingTimes.sparkSession();
        Dataset<Row> outcomes = siteQuarterOutcomes(waitingTimes, access, mhaTransfers);
        if (prescribingSafety != null) {
            outcomes = outcomes.unionByName(incidentsOutcome(prescribingSafety));
        }
        if (pathways != null) {
            outcomes = outcomes.unionByName(referralCohortOutcome(pathways)
                    .filter(date_add(add_months(col(Periods.PERIOD_START), 3), REFERRAL_FOLLOW_UP_DAYS - 1)
                            .leq(lit(coverageTo))));
        }
        Dataset<Row> panel = outcomes
                .filter(col(Periods.PERIOD_START).geq(lit(coverageFrom))
                        .and(add_months(col(Periods.PERIOD_START), 3).leq(lit(coverageTo.plusDays(1)))));

        // Bounded: one row per site x full quarter x outcome, and the site register.
        Map<String, Map<String, Map<LocalDate, double[]>>> cells = new HashMap<>();
        for (Row r : panel.collectAsList()) {
            cells.computeIfAbsent(r.getString(0), k -> new HashMap<>())
                    .computeIfAbsent(r.getString(1), k -> new TreeMap<>())
                    .put(r.getDate(2).toLocalDate(), new double[] {r.getDouble(3), r.getLong(4),
                            r.isNullAt(5) ? Double.NaN : r.getLong(5)});
        }
        Map<String, LocalDate> goLive = new HashMap<>();
        Map<String, String> region = new HashMap<>();
        for (Row r : sites.select("site_id", "region", "telemedicine_go_live").collectAsList()) {
            goLive.put(r.getString(0), r.isNullAt(2) ? null : r.getDate(2).toLocalDate());
            region.put(r.getString(0), r.getString(1));
        }
        Map<String, String> subgroupOf = siteConnectivity == null ? Map.of()
                : connectivitySubgroups(connectivityAtGoLive(sites, siteConnectivity));

        List<Row> rows = new ArrayList<>();
        for (int o = 0; o < OUTCOMES.size(); o++) {
            String outcome = OUTCOMES.get(o);
            Map<String, Map<LocalDate, double[]>> byQuarter = cells.getOrDefault(outcome, Map.of());
            if (pathways == null && outcome.equals(REFERRAL_COHORT_OUTCOME)
                    || outcome.equals(INCIDENTS_OUTCOME) && !cells.containsKey(outcome)) {
                continue;
            }
            rows.addAll(siteRows(outcome, goLive, region, byQuarter));
            SitePanel sitePanel = SitePanel.of(goLive, byQuarter);
            for (StaggeredDid.Control control : StaggeredDid.Control.values()) {
                rows.addAll(nationalRows(outcome, sitePanel, control, false, seed + 7919L * o, resamples,
                        SUBGROUP_ALL, null));
            }
            SitePanel placebo = sitePanel.placebo(PLACEBO_SHIFT);
            for (StaggeredDid.Control control : StaggeredDid.Control.values()) {
                rows.addAll(nationalRows(outcome, placebo, control, true, seed + 7919L * o + 104_729L, resamples,
                        SUBGROUP_ALL, null));
            }
            if (!subgroupOf.isEmpty()) {
                List<String> subgroups = List.of(SUBGROUP_CONNECTIVITY_ADEQUATE, SUBGROUP_CONNECTIVITY_POOR);
                for (int k = 0; k < subgroups.size(); k++) {
                    boolean[] treatable = new boolean[sitePanel.sites().size()];
                    for (int i = 0; i < treatable.length; i++) {
                        treatable[i] = subgroups.get(k).equals(subgroupOf.get(sitePanel.sites().get(i)));
                    }
                    for (StaggeredDid.Control control : StaggeredDid.Control.values()) {
                        rows.addAll(nationalRows(outcome, sitePanel, control, false,
                                seed + 7919L * o + SUBGROUP_SEED_STEP * (k + 1), resamples, subgroups.get(k),
                                treatable));
                    }
                }
            }
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /**
     * (outcome, site_id, quarter start, value, n, numerator) for every site quarter with a value; numerator is
     * the count on top of a rate (null for waits), so that publication can recompute the rate from rounded counts.
     */
    static Dataset<Row> siteQuarterOutcomes(Dataset<Row> waitingTimes, Dataset<Row> access, Dataset<Row> mha) {
        Column quarterlySite = col(Periods.PERIOD_TYPE).equalTo(Periods.QUARTER)
                .and(col(Rollups.SITE_ID).notEqual(Rollups.ALL));
        Dataset<Row> waits = waitingTimes.filter(quarterlySite.and(col("measure").equalTo("first_attendance"))
                .and(col("specialty_code").equalTo(Rollups.ALL)).and(col("priority").equalTo(Rollups.ALL))
                .and(col("modality_group").equalTo(Rollups.ALL)));
        Dataset<Row> acc = access.filter(quarterlySite.and(col("modality_group").equalTo(Rollups.ALL)));
        Dataset<Row> cases = mha.filter(quarterlySite.and(col("first_assessment_modality").equalTo(Rollups.ALL)));
        Column none = lit(null);
        return outcome(waits, "median_first_attendance_wait_days", col("median_wait_days"), col("completed_pathways"),
                        none)
                .unionByName(outcome(waits, "mean_first_attendance_wait_days", col("mean_wait_days"),
                        col("completed_pathways"), none))
                .unionByName(outcome(acc, "dna_rate", col("dna_rate"), col("attended").plus(col("did_not_attend")),
                        col("did_not_attend")))
                .unionByName(outcome(acc, PER_POPULATION_OUTCOME, col("attended_per_1000"), col("attended"),
                        col("attended")))
                .unionByName(outcome(acc, "cancelled_no_escort_per_1000_due",
                        when(col("consults_due").gt(0), col("cancelled_no_escort").multiply(1000.0)
                                .divide(col("consults_due"))), col("consults_due"), col("cancelled_no_escort")))
                .unionByName(outcome(cases, "median_days_to_first_assessment", col("median_days_to_first_assessment"),
                        col("cases_assessed"), none));
    }

    /**
     * (outcome, site_id, quarter start, value, n, numerator) of the referral cohort: per site and quarter of
     * {@code referral_date}, the mean days from referral to first attendance over the pathways referred in it
     * that have a first attendance (n of them). One row per site x quarter, built with Spark.
     */
    static Dataset<Row> referralCohortOutcome(Dataset<Row> pathways) {
        Column first = col(uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways.FIRST_ATTENDANCE_DATE);
        Dataset<Row> seen = pathways.filter(first.isNotNull().and(col("referral_date").isNotNull()))
                .select(col(Rollups.SITE_ID), Periods.quarterStart(col("referral_date")).as(Periods.PERIOD_START),
                        datediff(first, col("referral_date")).as("_wait"));
        return seen.groupBy(col(Rollups.SITE_ID), col(Periods.PERIOD_START))
                .agg(avg("_wait").as("_mean"), count(lit(1)).as("_n"))
                .select(lit(REFERRAL_COHORT_OUTCOME).as("outcome"), col(Rollups.SITE_ID), col(Periods.PERIOD_START),
                        col("_mean").cast("double").as("value"), col("_n").cast("long").as("n"),
                        lit(null).cast("long").as("numerator"));
    }

    /**
     * (outcome, site_id, quarter start, value, n, numerator) of {@link #INCIDENTS_OUTCOME}: each site quarter's
     * incidents (linked to its prescriptions of the quarter) per 1,000 of them, all modalities. None where the
     * incident columns are null (incidents never delivered) or there was no prescription.
     */
    static Dataset<Row> incidentsOutcome(Dataset<Row> prescribingSafety) {
        Dataset<Row> quarters = prescribingSafety.filter(col(Periods.PERIOD_TYPE).equalTo(Periods.QUARTER)
                .and(col(Rollups.SITE_ID).notEqual(Rollups.ALL)).and(col("modality_group").equalTo(Rollups.ALL)));
        return outcome(quarters, INCIDENTS_OUTCOME, col("incidents_per_1000_prescriptions"), col("prescriptions"),
                col("incidents"));
    }

    private static Dataset<Row> outcome(Dataset<Row> mart, String name, Column value, Column n, Column numerator) {
        return mart.select(lit(name).as("outcome"), col(Rollups.SITE_ID), col(Periods.PERIOD_START),
                        value.cast("double").as("value"), n.cast("long").as("n"), numerator.cast("long").as("numerator"))
                .filter(col("value").isNotNull());
    }

    private static List<Row> siteRows(String outcome, Map<String, LocalDate> goLive, Map<String, String> region,
                                      Map<String, Map<LocalDate, double[]>> byQuarter) {
        List<Row> rows = new ArrayList<>();
        for (String site : new java.util.TreeSet<>(goLive.keySet())) {
            LocalDate live = goLive.get(site);
            if (live == null) {
                continue;
            }
            LocalDate liveQuarter = Periods.quarterStartOf(live);
            Map<LocalDate, double[]> values = byQuarter.getOrDefault(site, Map.of());
            double[] before = new double[3];
            double[] after = new double[3];
            for (int e = -WINDOW; e <= WINDOW; e++) {
                if (e == 0) {
                    continue;
                }
                LocalDate q = liveQuarter.plusMonths(3L * e);
                double[] cell = values.get(q);
                if (cell == null) {
                    continue;
                }
                double[] side = e < 0 ? before : after;
                side[0] += cell[0] * cell[1];
                side[1] += cell[1];
                side[2] += 1;
                rows.add(withV2(row("site", region.get(site), site, outcome, live, e, q, cell[0], (long) cell[1],
                        Double.isNaN(cell[2]) ? null : (long) cell[2], null, null,
                        null, null, null, null, null, null, null, null, null, null, null, null),
                        null, null, null, null, SUBGROUP_ALL));
            }
            Double vb = before[1] > 0 ? before[0] / before[1] : null;
            Double va = after[1] > 0 ? after[0] / after[1] : null;
            rows.add(withV2(row("site", region.get(site), site, outcome, live, null, null, null, null, null,
                    (int) before[2], (int) after[2], vb, va, (long) before[1], (long) after[1],
                    vb == null || va == null ? null : va - vb, null, null, null, null, null, null, null),
                    null, null, null, null, SUBGROUP_ALL));
        }
        return rows;
    }

    /**
     * Each live site's connectivity in force on its go-live date: (site_id, connectivity) from the row with the
     * latest {@code valid_from} on or before {@code telemedicine_go_live}; sites with no such row have no row.
     * One row per site at most, built with Spark.
     */
    static Dataset<Row> connectivityAtGoLive(Dataset<Row> sites, Dataset<Row> siteConnectivity) {
        Dataset<Row> live = sites.filter(col("telemedicine_go_live").isNotNull())
                .select(col(Rollups.SITE_ID).as("_site"), col("telemedicine_go_live").as("_live"));
        return siteConnectivity.join(live, col(Rollups.SITE_ID).equalTo(col("_site"))
                        .and(col("valid_from").leq(col("_live"))))
                .groupBy(col(Rollups.SITE_ID))
                .agg(max(struct(col("valid_from"), col("connectivity"))).as("_in_force"))
                .select(col(Rollups.SITE_ID), col("_in_force.connectivity").as("connectivity"));
    }

    /** site -> subgroup, from {@link #connectivityAtGoLive} (bounded by the site register). */
    private static Map<String, String> connectivitySubgroups(Dataset<Row> atGoLive) {
        Map<String, String> out = new HashMap<>();
        for (Row r : atGoLive.collectAsList()) {
            String c = r.getString(1);
            if ("adequate".equals(c)) {
                out.put(r.getString(0), SUBGROUP_CONNECTIVITY_ADEQUATE);
            } else if ("poor".equals(c) || "none".equals(c)) {
                out.put(r.getString(0), SUBGROUP_CONNECTIVITY_POOR);
            }
        }
        return out;
    }

    private static List<Row> nationalRows(String outcome, SitePanel panel, StaggeredDid.Control control,
                                          boolean placebo, long seed, int resamples, String subgroup,
                                          boolean[] treatable) {
        List<Row> rows = new ArrayList<>();
        Map<Integer, StaggeredDid.Estimate> estimates = StaggeredDid.estimate(panel, -WINDOW, WINDOW, FIRST_OVERALL,
                LAST_OVERALL, seed, resamples, control, treatable);
        String method = (control == StaggeredDid.Control.NOT_YET_TREATED ? METHOD : METHOD_NEVER_TREATED)
                + (placebo ? PLACEBO_NOTE : "");
        for (Map.Entry<Integer, StaggeredDid.Estimate> e : estimates.entrySet()) {
            StaggeredDid.Estimate est = e.getValue();
            Integer eventTime = e.getKey() == StaggeredDid.OVERALL ? null : e.getKey();
            rows.add(withV2(row("national", Rollups.ALL, Rollups.ALL, placebo ? outcome + PLACEBO_SUFFIX : outcome,
                            null, eventTime, null, null, null, null, null, null, null, null, null, null, null,
                            est.estimate(), finite(est.low()), finite(est.high()), est.treatedSites(),
                            est.comparisonSites(), resamples, method),
                    finite(est.bandLow()), finite(est.bandHigh()), finite(est.pretrendP()), control.label, subgroup));
        }
        return rows;
    }

    /** The version 2 columns after the others: band_low, band_high, pretrend_p_value, control, subgroup. */
    private static Row withV2(Row r, Double bandLow, Double bandHigh, Double pretrend, String control,
                              String subgroup) {
        Object[] v = new Object[r.length() + 5];
        for (int i = 0; i < r.length(); i++) {
            v[i] = r.get(i);
        }
        v[r.length()] = bandLow;
        v[r.length() + 1] = bandHigh;
        v[r.length() + 2] = pretrend;
        v[r.length() + 3] = control;
        v[r.length() + 4] = subgroup;
        return RowFactory.create(v);
    }

    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Row row(String level, String region, String site, String outcome, LocalDate live, Integer eventTime,
                           LocalDate quarter, Double value, Long n, Long numerator, Integer quartersBefore,
                           Integer quartersAfter,
                           Double valueBefore, Double valueAfter, Long nBefore, Long nAfter, Double change,
                           Double estimate, Double low, Double high, Integer treated, Integer never, Integer resamples,
                           String method) {
        return RowFactory.create(level, region, site, outcome, live == null ? null : java.sql.Date.valueOf(live),
                live == null ? null : Periods.quarterLabelOf(live), eventTime,
                quarter == null ? null : java.sql.Date.valueOf(quarter), quarter == null ? null : Periods.quarterLabelOf(quarter),
                value, n, numerator, quartersBefore, quartersAfter, valueBefore, valueAfter, nBefore, nAfter, change, estimate, low,
                high, treated, never, resamples, method);
    }
}
