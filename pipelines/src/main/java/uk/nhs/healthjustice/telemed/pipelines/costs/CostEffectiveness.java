package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;
import org.hipparchus.stat.descriptive.rank.Percentile;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;

/**
 * {@code marts/cost_effectiveness}, version 2 (METRICS.md): per quarter, geography and perspective, pathways
 * first seen by telemedicine against pathways first seen in person (pathways whose first attendance falls in
 * the quarter; cancelled referrals are no pathway). Differences are telemedicine minus in person.
 *
 * <p><b>Cost of a pathway</b>: every consult on it scheduled up to and including its first attendance, costed
 * by {@link ConsultCosts#slotCosted} (attended at full cost with the site's fixed cost spread over the site-month's
 * telemedicine attendances; non-attendances and cancellations at the cost of the slot). A pathway with a consult
 * lacking a unit cost is left out. <b>Perspectives</b>, one row each: {@code nhs} (clinician, platform, site
 * fixed costs), {@code hmpps} (escort officers and vehicles), {@code public_sector} (both). Wait = referral
 * date to first attendance date.
 *
 * <p><b>Case mix</b>: strata are specialty x priority x site (the quarter is the row's). In each stratum with
 * both arms the difference of the arm means is formed; the adjusted difference is their mean weighted by the
 * stratum's telemedicine pathways (the effect on the telemedicine-treated). Strata lacking an arm are dropped
 * and counted ({@code strata_dropped}, {@code pathways_dropped}); the plain difference of all pathways' means stays
 * as {@code *_unadjusted}. Because strata nest within sites, the adjusted difference is
 * sum over sites of D_site / sum over sites of W_site, with W_site the site's telemedicine pathways in compared
 * strata and D_site = sum over its compared strata of (telemedicine sum - n_tele x in-person mean).
 *
 * <p><b>Uncertainty</b>: a bootstrap of {@link #DEFAULT_RESAMPLES} replicates resampling whole sites with
 * replacement (pathways of one site are not independent): each replicate is sum D / sum W over the drawn sites,
 * drawn from the sites with compared strata. A site row (and any row with one such site) has one cluster, so
 * there pathways are resampled within each arm of each compared stratum instead; {@code bootstrap_unit} says
 * which ({@code site} or {@code pathway}). The seed comes from the run seed and the row's labels (quarter,
 * region, site) alone, so a quarter's result does not depend on which other quarters are computed; the three
 * perspective rows share their replicates (the wait interval is the same on each). 95% intervals: nearest-rank
 * 2.5th and 97.5th percentiles of money replicates (exact pence), Hipparchus percentiles of wait replicates.
 *
 * <p><b>Decision outputs</b>: the incremental cost per wait-day avoided (cost difference / -wait difference)
 * gets a percentile interval only when neither the cost nor the wait interval includes zero; otherwise
 * {@code ratio_note} says why, and the quadrant shares {@code p_cheaper_and_faster} ... {@code p_dearer_and_slower}
 * (a replicate with a difference of exactly zero counts as dearer or slower: no gain) and the net monetary
 * benefit {@code nmb_<λ>} = λ x wait-days avoided - cost difference, with {@code p_cost_effective_<λ>} = share of
 * replicates with a positive NMB, for λ in {@link #WTP} GBP per wait-day avoided, carry the decision.
 *
 * <p>With 0 resamples only point estimates are computed (intervals and shares null): {@link CostSensitivity}.
 *
 * <p>Money is exact: pathway costs are sums of pence; stratum quotients are carried to 10 decimal places of a
 * pound ({@code HALF_UP}) in a fixed order and every published amount is rounded half up to the penny, so reruns
 * are identical to the byte.
 */
public final class CostEffectiveness {

    public static final int DEFAULT_RESAMPLES = 1000;
    public static final long DEFAULT_SEED = 20_240_501L;
    /** Willingness to pay, GBP per wait-day avoided. */
    public static final int[] WTP = {0, 5, 10, 20, 50, 100, 200};
    public static final List<String> PERSPECTIVES = List.of("nhs", "hmpps", "public_sector");

    private static final DecimalType MONEY = DataTypes.createDecimalType(18, 2);
    private static final int SCALE = 10;

    static final StructType OUTPUT = output();

    private static StructType output() {
        StructType s = new StructType()
                .add(PERIOD_TYPE, DataTypes.StringType).add(PERIOD_START, DataTypes.DateType)
                .add(PERIOD_LABEL, DataTypes.StringType)
                .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
                .add("perspective", DataTypes.StringType)
                .add("telemedicine_pathways", DataTypes.LongType).add("in_person_pathways", DataTypes.LongType)
                .add("telemedicine_pathways_compared", DataTypes.LongType)
                .add("in_person_pathways_compared", DataTypes.LongType)
                .add("strata_compared", DataTypes.LongType).add("strata_dropped", DataTypes.LongType)
                .add("pathways_dropped", DataTypes.LongType)
                .add("mean_cost_telemedicine_gbp", MONEY).add("mean_cost_in_person_gbp", MONEY)
                .add("cost_difference_unadjusted_gbp", MONEY)
                .add("cost_difference_gbp", MONEY)
                .add("cost_difference_ci_low", MONEY).add("cost_difference_ci_high", MONEY)
                .add("mean_wait_telemedicine_days", DataTypes.DoubleType).add("mean_wait_in_person_days", DataTypes.DoubleType)
                .add("wait_difference_unadjusted_days", DataTypes.DoubleType)
                .add("wait_difference_days", DataTypes.DoubleType)
                .add("wait_difference_ci_low", DataTypes.DoubleType).add("wait_difference_ci_high", DataTypes.DoubleType)
                .add("incremental_cost_per_wait_day_avoided_gbp", MONEY)
                .add("incremental_cost_per_wait_day_avoided_ci_low", MONEY)
                .add("incremental_cost_per_wait_day_avoided_ci_high", MONEY)
                .add("ratio_note", DataTypes.StringType)
                .add("p_cheaper_and_faster", DataTypes.DoubleType).add("p_dearer_and_faster", DataTypes.DoubleType)
                .add("p_cheaper_and_slower", DataTypes.DoubleType).add("p_dearer_and_slower", DataTypes.DoubleType);
        for (int l : WTP) {
            s = s.add("nmb_" + l, MONEY);
        }
        for (int l : WTP) {
            s = s.add("p_cost_effective_" + l, DataTypes.DoubleType);
        }
        return s.add("dominant", DataTypes.BooleanType).add("verdict", DataTypes.StringType)
                .add("bootstrap_unit", DataTypes.StringType).add("bootstrap_sites", DataTypes.LongType)
                .add("bootstrap_resamples", DataTypes.IntegerType).add("bootstrap_seed", DataTypes.LongType);
    }

    private CostEffectiveness() {
    }

    /**
     * @param pathways    from {@link Pathways#build} (with the referral's specialty_code and priority)
     * @param slotCosted  from {@link ConsultCosts#slotCosted}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> slotCosted, long seed, int resamples) {
        return compute(pathways, slotCosted, seed, resamples, null);
    }

    /**
     * The quarters from {@code fromQuarter} on (all when null): the pathways first attended in them, whose
     * costs and waits depend on nothing later. Each row's seed comes from its labels, so a quarter's results
     * are the same whichever quarters are computed with it.
     *
     * @param pathways from {@link Pathways#build}, or the candidates of {@code Pathways.build(..., fromQuarter)}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> slotCosted, long seed, int resamples,
                                       java.time.LocalDate fromQuarter) {
        Dataset<Row> facts = facts(pathways, slotCosted, fromQuarter);
        facts = Rollups.geography(facts);
        return estimate(facts, List.of(), seed, resamples, OUTPUT);
    }

    /**
     * One row per costed pathway first attended in the quarters from {@code fromQuarter} on (all when null):
     * region, {@code _site}, site_id, period_type, period_start, {@code tele} (the arm), {@code stratum}, {@code nhs}
     * and {@code hmpps} (its costs) and {@code wait}, and the {@code keys} of {@code slotCosted} (a pathway's costs
     * are summed per value of them: {@link CostSensitivity}'s scenarios). A pathway with a consult lacking a unit
     * cost is left out.
     */
    static Dataset<Row> facts(Dataset<Row> pathways, Dataset<Row> slotCosted, java.time.LocalDate fromQuarter,
                              String... keys) {
        List<Column> consultCols = new ArrayList<>(List.of(col("referral_id").as("_rid"),
                col("scheduled_start").as("_at"), col("nhs_cost_gbp").as("_nhs"), col("hmpps_cost_gbp").as("_hmpps")));
        List<Column> byPathway = new ArrayList<>(List.of(col("referral_id").as("_pid")));
        List<Column> keyCols = new ArrayList<>();
        for (String k : keys) {
            consultCols.add(col(k));
            byPathway.add(col(k));
            keyCols.add(col(k));
        }
        Dataset<Row> consultCost = slotCosted.select(consultCols.toArray(Column[]::new));
        Dataset<Row> seen = firstAttendedFrom(pathways, fromQuarter);
        Dataset<Row> cost = seen.join(consultCost, seen.col("referral_id").equalTo(consultCost.col("_rid"))
                        .and(consultCost.col("_at").leq(seen.col(Pathways.FIRST_ATTENDED_AT))))
                .groupBy(byPathway.toArray(Column[]::new))
                .agg(sum("_nhs").as("_nhs_cost"), sum("_hmpps").as("_hmpps_cost"),
                        count(when(col("_nhs").isNull().or(col("_hmpps").isNull()), 1)).as("_uncosted"));
        List<Column> out = new ArrayList<>(List.of(col("region"), col("site_id").as("_site"),
                col("site_id"),
                lit(QUARTER).as(PERIOD_TYPE), quarterStart(col(Pathways.FIRST_ATTENDANCE_DATE)).as(PERIOD_START),
                col(Modality.MODALITY_GROUP).equalTo(Modality.TELEMEDICINE).as("tele"),
                concat_ws("|", coalesce(col("specialty_code"), lit("?")), coalesce(col("priority"), lit("?")))
                        .as("stratum"),
                col("_nhs_cost").as("nhs"), col("_hmpps_cost").as("hmpps"),
                datediff(col(Pathways.FIRST_ATTENDANCE_DATE), col("referral_date")).cast("long").as("wait")));
        out.addAll(keyCols);
        return seen.join(cost, seen.col("referral_id").equalTo(cost.col("_pid")))
                .filter(col("_uncosted").equalTo(0))
                .select(out.toArray(Column[]::new));
    }

    /** The pathways first attended in the quarters from {@code fromQuarter} on (all attended ones when null). */
    static Dataset<Row> firstAttendedFrom(Dataset<Row> pathways, java.time.LocalDate fromQuarter) {
        return pathways.filter(col(Pathways.FIRST_ATTENDANCE_DATE).isNotNull()
                .and(Periods.onOrAfter(col(Pathways.FIRST_ATTENDANCE_DATE), fromQuarter)));
    }

    /**
     * The estimates of each group of {@code facts} (period, geography and the extra {@code keys}), by {@link Estimate}:
     * its rows ({@link #OUTPUT}) followed by the keys' values, as {@code schema} says.
     */
    static Dataset<Row> estimate(Dataset<Row> facts, List<String> keys, long seed, int resamples, StructType schema) {
        List<Column> by = new ArrayList<>(List.of(col(PERIOD_TYPE), col(PERIOD_START),
                col("region"), col("site_id")));
        keys.forEach(k -> by.add(col(k)));
        // bounded per group: the pathways first attended in one quarter at one geography (the national row of a
        // quarter holds that quarter's pathways, across at most ~120 sites)
        Dataset<Row> groups = facts.groupBy(by.toArray(Column[]::new))
                .agg(collect_list(struct(col("_site"), col("stratum"), col("tele"), col("nhs"), col("hmpps"),
                        col("wait"))).as("pathways"))
                .withColumn(PERIOD_LABEL, quarterLabel(col(PERIOD_START)));
        if (keys.isEmpty()) {
            return groups.flatMap(new Estimate(seed, resamples), Encoders.row(schema));
        }
        Estimate estimate = new Estimate(seed, resamples);
        String[] names = keys.toArray(String[]::new);
        return groups.flatMap((FlatMapFunction<Row, Row>) g -> {
            List<Row> rows = new ArrayList<>();
            for (Iterator<Row> it = estimate.call(g); it.hasNext(); ) {
                Row r = it.next();
                Object[] v = new Object[r.length() + names.length];
                for (int i = 0; i < r.length(); i++) {
                    v[i] = r.get(i);
                }
                for (int i = 0; i < names.length; i++) {
                    v[r.length() + i] = g.getAs(names[i]);
                }
                rows.add(RowFactory.create(v));
            }
            return rows.iterator();
        }, Encoders.row(schema));
    }

    /** One pathway: its site, stratum, arm, costs in pence (nhs, hmpps, public sector) and wait in days. */
    record P(String site, String stratum, boolean tele, long[] pence, long days) implements Serializable {
    }

    /** Sums of one arm of one stratum. */
    static final class Cell implements Serializable {
        final List<P> members = new ArrayList<>();
        long n;
        final long[] pence = new long[3];
        long wait;

        void add(P p) {
            members.add(p);
            n++;
            for (int k = 0; k < 3; k++) {
                pence[k] += p.pence()[k];
            }
            wait += p.days();
        }
    }

    /** A stratum's two arms. */
    static final class Stratum implements Serializable {
        final Cell tele = new Cell();
        final Cell inPerson = new Cell();
    }

    /** A cluster's contribution to the adjusted difference: W = telemedicine pathways, D = weighted differences. */
    static final class Contribution {
        long w;
        final BigDecimal[] d = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        double dWait;

        void add(Contribution c) {
            w += c.w;
            for (int k = 0; k < 3; k++) {
                d[k] = d[k].add(c.d[k]);
            }
            dWait += c.dWait;
        }

        /** n_tele x (tele mean - in-person mean) = tele sum - n_tele x in-person sum / n_in_person. */
        static Contribution of(long nT, long[] penceT, long waitT, long nI, long[] penceI, long waitI) {
            Contribution c = new Contribution();
            c.w = nT;
            for (int k = 0; k < 3; k++) {
                BigDecimal inPersonMean = BigDecimal.valueOf(penceI[k], 2)
                        .divide(BigDecimal.valueOf(nI), SCALE, RoundingMode.HALF_UP);
                c.d[k] = BigDecimal.valueOf(penceT[k], 2).subtract(inPersonMean.multiply(BigDecimal.valueOf(nT)));
            }
            c.dWait = waitT - (double) nT * waitI / nI;
            return c;
        }

        /** Adjusted cost differences in pounds to the penny (one per perspective), or null without weight. */
        BigDecimal[] costs() {
            if (w == 0) {
                return null;
            }
            BigDecimal[] out = new BigDecimal[3];
            for (int k = 0; k < 3; k++) {
                out[k] = d[k].divide(BigDecimal.valueOf(w), 2, RoundingMode.HALF_UP);
            }
            return out;
        }

        double waitDiff() {
            return dWait / w;
        }
    }

    /** Point estimates, bootstrap and decision outputs for one quarter and geography: one row per perspective. */
    static final class Estimate implements FlatMapFunction<Row, Row>, Serializable {
        private static final long serialVersionUID = 2L;
        private final long seed;
        private final int resamples;

        Estimate(long seed, int resamples) {
            this.seed = seed;
            this.resamples = resamples;
        }

        @Override
        public Iterator<Row> call(Row g) {
            List<Row> list = g.getList(g.fieldIndex("pathways"));
            List<P> all = new ArrayList<>();
            for (Row r : list) {
                long nhs = r.getDecimal(3).movePointRight(2).longValueExact();
                long hmpps = r.getDecimal(4).movePointRight(2).longValueExact();
                all.add(new P(r.getString(0), r.getString(1), r.getBoolean(2), new long[] {nhs, hmpps, nhs + hmpps},
                        r.getLong(5)));
            }
            // a stable order, whatever order collect_list delivered
            all.sort(Comparator.comparing(P::site).thenComparing(P::stratum).thenComparing(P::tele)
                    .thenComparingLong(p -> p.pence()[0]).thenComparingLong(p -> p.pence()[1])
                    .thenComparingLong(P::days));
            String label = g.getAs(PERIOD_LABEL);
            String region = g.getAs("region");
            String site = g.getAs("site_id");
            long rowSeed = seed * 31 + (label + "|" + region + "|" + site).hashCode();

            // unadjusted: every pathway of each arm
            Cell allT = new Cell();
            Cell allI = new Cell();
            // strata, by site then stratum (sorted maps: a fixed order)
            Map<String, Map<String, Stratum>> bySite = new TreeMap<>();
            for (P p : all) {
                (p.tele() ? allT : allI).add(p);
                Stratum s = bySite.computeIfAbsent(p.site(), k -> new TreeMap<>())
                        .computeIfAbsent(p.stratum(), k -> new Stratum());
                (p.tele() ? s.tele : s.inPerson).add(p);
            }
            long strataCompared = 0;
            long strataDropped = 0;
            long pathwaysDropped = 0;
            long comparedT = 0;
            long comparedI = 0;
            List<Contribution> clusters = new ArrayList<>();
            List<Stratum> compared = new ArrayList<>();
            for (Map<String, Stratum> strata : bySite.values()) {
                Contribution c = new Contribution();
                for (Stratum s : strata.values()) {
                    if (s.tele.n == 0 || s.inPerson.n == 0) {
                        strataDropped++;
                        pathwaysDropped += s.tele.n + s.inPerson.n;
                        continue;
                    }
                    strataCompared++;
                    comparedT += s.tele.n;
                    comparedI += s.inPerson.n;
                    compared.add(s);
                    c.add(Contribution.of(s.tele.n, s.tele.pence, s.tele.wait, s.inPerson.n, s.inPerson.pence,
                            s.inPerson.wait));
                }
                if (c.w > 0) {
                    clusters.add(c);
                }
            }
            Contribution total = new Contribution();
            clusters.forEach(total::add);
            BigDecimal[] costDiff = total.costs();
            Double waitDiff = costDiff == null ? null : total.waitDiff();

            // bootstrap: whole sites when there are two or more, else pathways within the compared strata's arms
            String unit = clusters.size() >= 2 ? "site" : "pathway";
            BigDecimal[][] costReps = new BigDecimal[3][];
            double[] waitReps = null;
            int reps = 0;
            if (costDiff != null) {
                RandomGenerator random = new Well19937c(rowSeed);
                for (int k = 0; k < 3; k++) {
                    costReps[k] = new BigDecimal[resamples];
                }
                waitReps = new double[resamples];
                for (int b = 0; b < resamples; b++) {
                    Contribution rep = new Contribution();
                    if (clusters.size() >= 2) {
                        for (int i = 0; i < clusters.size(); i++) {
                            rep.add(clusters.get(random.nextInt(clusters.size())));
                        }
                    } else {
                        for (Stratum s : compared) {
                            long[] t = resample(s.tele.members, random);
                            long[] i = resample(s.inPerson.members, random);
                            rep.add(Contribution.of(s.tele.n, new long[] {t[0], t[1], t[2]}, t[3], s.inPerson.n,
                                    new long[] {i[0], i[1], i[2]}, i[3]));
                        }
                    }
                    BigDecimal[] c = rep.costs();
                    for (int k = 0; k < 3; k++) {
                        costReps[k][b] = c[k];
                    }
                    waitReps[b] = rep.waitDiff();
                }
                reps = resamples;
            }
            Double[] waitCi = reps == 0 ? new Double[] {null, null} : interval(waitReps);

            List<Row> out = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                BigDecimal meanT = allT.n == 0 ? null : pounds(allT.pence[k], allT.n);
                BigDecimal meanI = allI.n == 0 ? null : pounds(allI.pence[k], allI.n);
                Double waitT = allT.n == 0 ? null : (double) allT.wait / allT.n;
                Double waitI = allI.n == 0 ? null : (double) allI.wait / allI.n;
                BigDecimal costUnadj = meanT == null || meanI == null ? null : meanT.subtract(meanI);
                Double waitUnadj = waitT == null || waitI == null ? null : waitT - waitI;

                BigDecimal cost = costDiff == null ? null : costDiff[k];
                BigDecimal[] costCi = reps == 0 ? new BigDecimal[] {null, null} : nearestRank(costReps[k]);
                BigDecimal icer = cost == null || waitDiff == 0 ? null : perWaitDayAvoided(cost, waitDiff);
                BigDecimal[] icerCi = {null, null};
                String note;
                if (cost == null) {
                    note = "no stratum with both arms: no comparison";
                } else if (reps == 0) {
                    note = "point estimates only: no bootstrap";
                } else if (waitDiff == 0) {
                    note = "no wait difference: no ratio";
                } else {
                    boolean costZero = costCi[0].signum() <= 0 && costCi[1].signum() >= 0;
                    boolean waitZero = waitCi[0] <= 0 && waitCi[1] >= 0;
                    if (costZero || waitZero) {
                        note = (costZero && waitZero ? "cost and wait difference intervals include"
                                : costZero ? "cost difference interval includes" : "wait difference interval includes")
                                + " zero: no ratio interval; see the quadrant shares and net monetary benefit";
                    } else if (!allSameSign(waitReps, waitDiff)) {
                        // the 95% interval excludes zero but a replicate outside it has no wait difference or the
                        // other sign: its ratio is undefined or meaningless, so no percentile interval of ratios
                        note = "a bootstrap replicate has no wait difference or the opposite sign: no ratio interval;"
                                + " see the quadrant shares and net monetary benefit";
                    } else {
                        // every replicate's wait difference has the point's sign, never 0
                        BigDecimal[] ratios = new BigDecimal[reps];
                        for (int b = 0; b < reps; b++) {
                            ratios[b] = perWaitDayAvoided(costReps[k][b], waitReps[b]);
                        }
                        icerCi = nearestRank(ratios);
                        note = null;
                    }
                }
                Double[] quadrant = {null, null, null, null};
                BigDecimal[] nmb = new BigDecimal[WTP.length];
                Double[] pce = new Double[WTP.length];
                if (cost != null) {
                    long[] q = new long[4];
                    long[] positive = new long[WTP.length];
                    for (int b = 0; b < reps; b++) {
                        boolean cheaper = costReps[k][b].signum() < 0;
                        boolean faster = waitReps[b] < 0;
                        q[(cheaper ? 0 : 1) + (faster ? 0 : 2)]++;
                        for (int l = 0; l < WTP.length; l++) {
                            if (netBenefit(WTP[l], costReps[k][b], waitReps[b]).signum() > 0) {
                                positive[l]++;
                            }
                        }
                    }
                    for (int i = 0; i < 4 && reps > 0; i++) {
                        quadrant[i] = (double) q[i] / reps;
                    }
                    for (int l = 0; l < WTP.length; l++) {
                        nmb[l] = netBenefit(WTP[l], cost, waitDiff);
                        pce[l] = reps == 0 ? null : (double) positive[l] / reps;
                    }
                }
                Boolean dominant = cost == null ? null : cost.signum() < 0 && waitDiff < 0;
                String verdict = cost == null ? null
                        : dominant ? "dominant"
                        : cost.signum() > 0 && waitDiff > 0 ? "dominated"
                        : cost.signum() >= 0 ? "costs more, shorter or equal wait" : "costs less, longer or equal wait";
                List<Object> v = new ArrayList<>(Arrays.asList(g.getAs(PERIOD_TYPE), g.getAs(PERIOD_START), label,
                        region, site, PERSPECTIVES.get(k), allT.n, allI.n, comparedT, comparedI, strataCompared,
                        strataDropped, pathwaysDropped, meanT, meanI, costUnadj, cost, costCi[0], costCi[1],
                        waitT, waitI, waitUnadj, waitDiff, waitCi[0], waitCi[1], icer, icerCi[0], icerCi[1], note,
                        quadrant[0], quadrant[1], quadrant[2], quadrant[3]));
                v.addAll(Arrays.asList(nmb));
                v.addAll(Arrays.asList(pce));
                v.addAll(Arrays.asList(dominant, verdict, costDiff == null ? null : unit,
                        costDiff == null ? null : (long) clusters.size(), resamples, rowSeed));
                out.add(RowFactory.create(v.toArray()));
            }
            return out.iterator();
        }

        /** λ x wait-days avoided - cost difference, to the penny. */
        static BigDecimal netBenefit(int lambda, BigDecimal costDiff, double waitDiff) {
            return BigDecimal.valueOf(lambda).multiply(BigDecimal.valueOf(-waitDiff)).subtract(costDiff)
                    .setScale(2, RoundingMode.HALF_UP);
        }

        private static BigDecimal pounds(long pence, long n) {
            return BigDecimal.valueOf(pence, 2).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP);
        }

        /** True when every replicate is non-zero with the sign of {@code point}. */
        private static boolean allSameSign(double[] replicates, double point) {
            for (double r : replicates) {
                if (r == 0 || Math.signum(r) != Math.signum(point)) {
                    return false;
                }
            }
            return true;
        }

        /** Cost difference per wait-day avoided (wait difference negative = days avoided), to the penny. */
        private static BigDecimal perWaitDayAvoided(BigDecimal costDiff, double waitDiff) {
            return costDiff.divide(BigDecimal.valueOf(-waitDiff), 2, RoundingMode.HALF_UP);
        }

        /** Sums of a resample with replacement of the same size: pence per perspective, then wait. */
        private static long[] resample(List<P> xs, RandomGenerator random) {
            long[] s = new long[4];
            for (int n = 0; n < xs.size(); n++) {
                P p = xs.get(random.nextInt(xs.size()));
                for (int k = 0; k < 3; k++) {
                    s[k] += p.pence()[k];
                }
                s[3] += p.days();
            }
            return s;
        }

        private static Double[] interval(double[] values) {
            Percentile p = new Percentile();
            return new Double[] {p.evaluate(values, 2.5), p.evaluate(values, 97.5)};
        }

        /** The 2.5th and 97.5th nearest-rank percentiles of exact amounts: replicates themselves, never blends. */
        private static BigDecimal[] nearestRank(BigDecimal[] values) {
            int n = values.length;
            BigDecimal[] v = Arrays.copyOf(values, n);
            Arrays.sort(v);
            return new BigDecimal[] {v[(int) Math.ceil(0.025 * n) - 1], v[(int) Math.ceil(0.975 * n) - 1]};
        }
    }
}
