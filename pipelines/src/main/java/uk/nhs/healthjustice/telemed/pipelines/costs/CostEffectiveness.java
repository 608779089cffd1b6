package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;
import org.hipparchus.stat.descriptive.rank.Percentile;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.waiting.Pathways;

/**
 * {@code marts/cost_effectiveness}: per quarter and geography, pathways first seen by telemedicine against
 * pathways first seen in person (pathways completing the first-attendance measure in the quarter; cancelled
 * referrals are no pathway). Cost of a pathway = the attended consults on it up to and including its first
 * attendance, costed as in {@link ConsultCosts} (site fixed costs are not apportioned to pathways). Wait =
 * referral date to first attendance date.
 *
 * <p>Differences are telemedicine minus in person. Incremental cost per wait-day avoided = cost difference /
 * (in-person mean wait - telemedicine mean wait); null when the waits are equal. {@code dominant} when
 * telemedicine is both cheaper and faster. Money is exact: pathway costs in pence, means and differences rounded
 * half up to the penny ({@code DECIMAL(18,2)}), and the intervals of money are nearest-rank percentiles of the
 * replicates (one replicate's exact amount), so reruns give the same figures. 95% intervals: percentile bootstrap, resampling pathways with
 * replacement within each modality group, {@link #DEFAULT_RESAMPLES} resamples; the seed of each group is
 * derived from the run seed and the group's labels, so results do not depend on Spark's partitioning.
 * Percentiles of the bootstrap distribution come from Hipparchus.
 */
public final class CostEffectiveness {

    public static final int DEFAULT_RESAMPLES = 1000;
    public static final long DEFAULT_SEED = 20_240_501L;

    private static final org.apache.spark.sql.types.DecimalType MONEY = DataTypes.createDecimalType(18, 2);

    static final StructType OUTPUT = new StructType()
            .add(PERIOD_TYPE, DataTypes.StringType).add(PERIOD_START, DataTypes.DateType)
            .add(PERIOD_LABEL, DataTypes.StringType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("telemedicine_pathways", DataTypes.LongType).add("in_person_pathways", DataTypes.LongType)
            .add("mean_cost_telemedicine_gbp", MONEY).add("mean_cost_in_person_gbp", MONEY)
            .add("cost_difference_gbp", MONEY)
            .add("cost_difference_ci_low", MONEY).add("cost_difference_ci_high", MONEY)
            .add("mean_wait_telemedicine_days", DataTypes.DoubleType).add("mean_wait_in_person_days", DataTypes.DoubleType)
            .add("wait_difference_days", DataTypes.DoubleType)
            .add("wait_difference_ci_low", DataTypes.DoubleType).add("wait_difference_ci_high", DataTypes.DoubleType)
            .add("incremental_cost_per_wait_day_avoided_gbp", MONEY)
            .add("incremental_cost_per_wait_day_avoided_ci_low", MONEY)
            .add("incremental_cost_per_wait_day_avoided_ci_high", MONEY)
            .add("dominant", DataTypes.BooleanType).add("verdict", DataTypes.StringType)
            .add("bootstrap_resamples", DataTypes.IntegerType).add("bootstrap_seed", DataTypes.LongType);

    private CostEffectiveness() {
    }

    /**
     * @param pathways from {@link Pathways#build}
     * @param costed   from {@link ConsultCosts#costed}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> costed, long seed, int resamples) {
        return compute(pathways, costed, seed, resamples, null);
    }

    /**
     * The quarters from {@code fromQuarter} on (all when null): the pathways first attended in them, whose
     * costs and waits depend on nothing later. Each group's seed comes from its labels, so a quarter's
     * intervals are the same whichever quarters are computed with it.
     *
     * @param pathways from {@link Pathways#build}, or the candidates of {@code Pathways.build(..., fromQuarter)}
     */
    public static Dataset<Row> compute(Dataset<Row> pathways, Dataset<Row> costed, long seed, int resamples,
                                       java.time.LocalDate fromQuarter) {
        Dataset<Row> consultCost = costed.select(col("referral_id").as("_rid"), col("scheduled_start").as("_at"),
                col("consult_cost_gbp"));
        Dataset<Row> seen = pathways.filter(col(Pathways.FIRST_ATTENDANCE_DATE).isNotNull()
                .and(Periods.onOrAfter(col(Pathways.FIRST_ATTENDANCE_DATE), fromQuarter)));
        Dataset<Row> cost = seen.join(consultCost, seen.col("referral_id").equalTo(consultCost.col("_rid"))
                        .and(consultCost.col("_at").leq(seen.col(Pathways.FIRST_ATTENDED_AT))))
                .groupBy(col("referral_id").as("_pid"))
                .agg(sum("consult_cost_gbp").as("_cost"), count(when(col("consult_cost_gbp").isNull(), 1)).as("_uncosted"));
        Dataset<Row> facts = seen.join(cost, seen.col("referral_id").equalTo(cost.col("_pid")))
                .filter(col("_uncosted").equalTo(0))
                .select(col("region"), col("site_id"),
                        lit(QUARTER).as(PERIOD_TYPE), quarterStart(col(Pathways.FIRST_ATTENDANCE_DATE)).as(PERIOD_START),
                        col(Modality.MODALITY_GROUP).equalTo(Modality.TELEMEDICINE).as("tele"),
                        col("_cost").as("cost"),
                        datediff(col(Pathways.FIRST_ATTENDANCE_DATE), col("referral_date")).cast("double").as("wait"));
        facts = Rollups.geography(facts);
        // bounded per group: the pathways completing in one quarter at one geography
        Dataset<Row> groups = facts.groupBy(col(PERIOD_TYPE), col(PERIOD_START), col("region"), col("site_id"))
                .agg(collect_list(struct(col("tele"), col("cost"), col("wait"))).as("pathways"))
                .withColumn(PERIOD_LABEL, quarterLabel(col(PERIOD_START)));
        return groups.map(new Estimate(seed, resamples), Encoders.row(OUTPUT));
    }

    /** Point estimates and bootstrap intervals for one quarter and geography. */
    static final class Estimate implements MapFunction<Row, Row>, Serializable {
        private static final long serialVersionUID = 1L;
        private final long seed;
        private final int resamples;

        Estimate(long seed, int resamples) {
            this.seed = seed;
            this.resamples = resamples;
        }

        @Override
        public Row call(Row g) {
            List<Row> list = g.getList(g.fieldIndex("pathways"));
            List<long[]> tele = new ArrayList<>();
            List<long[]> inPerson = new ArrayList<>();
            // a stable order, whatever order collect_list delivered; cost in pence (exact), wait in days
            list.stream().map(r -> new Object[] {r.getBoolean(0), new long[] {
                            r.getDecimal(1).movePointRight(2).longValueExact(), (long) r.getDouble(2)}})
                    .sorted(java.util.Comparator.comparingLong((Object[] x) -> ((long[]) x[1])[0])
                            .thenComparingLong(x -> ((long[]) x[1])[1]).thenComparing(x -> (Boolean) x[0]))
                    .forEach(x -> ((Boolean) x[0] ? tele : inPerson).add((long[]) x[1]));
            String label = g.getAs(PERIOD_LABEL);
            String region = g.getAs("region");
            String site = g.getAs("site_id");
            long groupSeed = seed * 31 + (label + "|" + region + "|" + site).hashCode();

            BigDecimal costT = meanPounds(tele);
            BigDecimal costI = meanPounds(inPerson);
            Double waitT = meanDays(tele);
            Double waitI = meanDays(inPerson);
            BigDecimal costDiff = costT == null || costI == null ? null : costT.subtract(costI);
            Double waitDiff = waitT == null || waitI == null ? null : waitT - waitI;
            BigDecimal icer = costDiff == null || waitDiff == 0 ? null : perWaitDayAvoided(costDiff, waitDiff);
            BigDecimal[] costCi = {null, null};
            Double[] waitCi = {null, null};
            BigDecimal[] icerCi = {null, null};
            if (costDiff != null) {
                RandomGenerator random = new Well19937c(groupSeed);
                BigDecimal[] costs = new BigDecimal[resamples];
                double[] waits = new double[resamples];
                BigDecimal[] icers = new BigDecimal[resamples];
                int finite = 0;
                for (int b = 0; b < resamples; b++) {
                    long[] t = resampleSums(tele, random);
                    long[] i = resampleSums(inPerson, random);
                    costs[b] = pounds(t[0], tele.size()).subtract(pounds(i[0], inPerson.size()));
                    waits[b] = (double) t[1] / tele.size() - (double) i[1] / inPerson.size();
                    if (waits[b] != 0) {
                        icers[finite++] = perWaitDayAvoided(costs[b], waits[b]);
                    }
                }
                costCi = nearestRankInterval(costs, resamples);
                waitCi = interval(waits, resamples);
                icerCi = icer == null ? icerCi : nearestRankInterval(icers, finite);
            }
            Boolean dominant = costDiff == null ? null : costDiff.signum() < 0 && waitDiff < 0;
            String verdict = costDiff == null ? null
                    : dominant ? "dominant"
                    : costDiff.signum() > 0 && waitDiff > 0 ? "dominated"
                    : costDiff.signum() >= 0 ? "costs more, shorter or equal wait" : "costs less, longer or equal wait";
            return RowFactory.create(g.getAs(PERIOD_TYPE), g.getAs(PERIOD_START), label, region, site,
                    (long) tele.size(), (long) inPerson.size(), costT, costI, costDiff, costCi[0], costCi[1],
                    waitT, waitI, waitDiff, waitCi[0], waitCi[1], icer, icerCi[0], icerCi[1], dominant, verdict,
                    resamples, groupSeed);
        }

        /** Sum of pence / n, in pounds rounded half up to the penny; null when there is nobody. */
        private static BigDecimal meanPounds(List<long[]> xs) {
            if (xs.isEmpty()) {
                return null;
            }
            long pence = 0;
            for (long[] x : xs) {
                pence += x[0];
            }
            return pounds(pence, xs.size());
        }

        private static BigDecimal pounds(long pence, int n) {
            return BigDecimal.valueOf(pence, 2).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP);
        }

        private static Double meanDays(List<long[]> xs) {
            if (xs.isEmpty()) {
                return null;
            }
            long days = 0;
            for (long[] x : xs) {
                days += x[1];
            }
            return (double) days / xs.size();
        }

        /** Cost difference per wait-day avoided (wait difference negative = days avoided), to the penny. */
        private static BigDecimal perWaitDayAvoided(BigDecimal costDiff, double waitDiff) {
            return costDiff.divide(BigDecimal.valueOf(-waitDiff), 2, RoundingMode.HALF_UP);
        }

        private static long[] resampleSums(List<long[]> xs, RandomGenerator random) {
            long cost = 0;
            long wait = 0;
            for (int n = 0; n < xs.size(); n++) {
                long[] x = xs.get(random.nextInt(xs.size()));
                cost += x[0];
                wait += x[1];
            }
            return new long[] {cost, wait};
        }

        private static Double[] interval(double[] values, int n) {
            if (n == 0) {
                return new Double[] {null, null};
            }
            double[] v = java.util.Arrays.copyOf(values, n);
            Percentile p = new Percentile();
            return new Double[] {p.evaluate(v, 2.5), p.evaluate(v, 97.5)};
        }

        /** The 2.5th and 97.5th nearest-rank percentiles of exact amounts: replicates themselves, never blends. */
        private static BigDecimal[] nearestRankInterval(BigDecimal[] values, int n) {
            if (n == 0) {
                return new BigDecimal[] {null, null};
            }
            BigDecimal[] v = java.util.Arrays.copyOf(values, n);
            java.util.Arrays.sort(v);
            return new BigDecimal[] {v[(int) Math.ceil(0.025 * n) - 1], v[(int) Math.ceil(0.975 * n) - 1]};
        }
    }
}
