package uk.nhs.healthjustice.telemed.pipelines.costs;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.io.Serializable;
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
 * telemedicine is both cheaper and faster. 95% intervals: percentile bootstrap, resampling pathways with
 * replacement within each modality group, {@link #DEFAULT_RESAMPLES} resamples; the seed of each group is
 * derived from the run seed and the group's labels, so results do not depend on Spark's partitioning.
 * Percentiles of the bootstrap distribution come from Hipparchus.
 */
public final class CostEffectiveness {

    public static final int DEFAULT_RESAMPLES = 1000;
    public static final long DEFAULT_SEED = 20_240_501L;

    static final StructType OUTPUT = new StructType()
            .add(PERIOD_TYPE, DataTypes.StringType).add(PERIOD_START, DataTypes.DateType)
            .add(PERIOD_LABEL, DataTypes.StringType)
            .add("region", DataTypes.StringType).add("site_id", DataTypes.StringType)
            .add("telemedicine_pathways", DataTypes.LongType).add("in_person_pathways", DataTypes.LongType)
            .add("mean_cost_telemedicine_gbp", DataTypes.DoubleType).add("mean_cost_in_person_gbp", DataTypes.DoubleType)
            .add("cost_difference_gbp", DataTypes.DoubleType)
            .add("cost_difference_ci_low", DataTypes.DoubleType).add("cost_difference_ci_high", DataTypes.DoubleType)
            .add("mean_wait_telemedicine_days", DataTypes.DoubleType).add("mean_wait_in_person_days", DataTypes.DoubleType)
            .add("wait_difference_days", DataTypes.DoubleType)
            .add("wait_difference_ci_low", DataTypes.DoubleType).add("wait_difference_ci_high", DataTypes.DoubleType)
            .add("incremental_cost_per_wait_day_avoided_gbp", DataTypes.DoubleType)
            .add("incremental_cost_per_wait_day_avoided_ci_low", DataTypes.DoubleType)
            .add("incremental_cost_per_wait_day_avoided_ci_high", DataTypes.DoubleType)
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
            List<double[]> tele = new ArrayList<>();
            List<double[]> inPerson = new ArrayList<>();
            // a stable order, whatever order collect_list delivered
            list.stream().sorted(java.util.Comparator.comparingDouble((Row r) -> r.getDouble(1))
                            .thenComparingDouble(r -> r.getDouble(2)).thenComparing(r -> r.getBoolean(0)))
                    .forEach(r -> (r.getBoolean(0) ? tele : inPerson).add(new double[] {r.getDouble(1), r.getDouble(2)}));
            String label = g.getAs(PERIOD_LABEL);
            String region = g.getAs("region");
            String site = g.getAs("site_id");
            long groupSeed = seed * 31 + (label + "|" + region + "|" + site).hashCode();

            Double costT = mean(tele, 0);
            Double costI = mean(inPerson, 0);
            Double waitT = mean(tele, 1);
            Double waitI = mean(inPerson, 1);
            Double costDiff = costT == null || costI == null ? null : costT - costI;
            Double waitDiff = waitT == null || waitI == null ? null : waitT - waitI;
            Double icer = costDiff == null || waitDiff == 0 ? null : costDiff / -waitDiff;
            Double[] costCi = {null, null};
            Double[] waitCi = {null, null};
            Double[] icerCi = {null, null};
            if (costDiff != null) {
                RandomGenerator random = new Well19937c(groupSeed);
                double[] costs = new double[resamples];
                double[] waits = new double[resamples];
                double[] icers = new double[resamples];
                int finite = 0;
                for (int b = 0; b < resamples; b++) {
                    double[] t = resampleMeans(tele, random);
                    double[] i = resampleMeans(inPerson, random);
                    costs[b] = t[0] - i[0];
                    waits[b] = t[1] - i[1];
                    if (waits[b] != 0) {
                        icers[finite++] = costs[b] / -waits[b];
                    }
                }
                costCi = interval(costs, resamples);
                waitCi = interval(waits, resamples);
                icerCi = icer == null ? icerCi : interval(icers, finite);
            }
            Boolean dominant = costDiff == null ? null : costDiff < 0 && waitDiff < 0;
            String verdict = costDiff == null ? null
                    : dominant ? "dominant"
                    : costDiff > 0 && waitDiff > 0 ? "dominated"
                    : costDiff >= 0 ? "costs more, shorter or equal wait" : "costs less, longer or equal wait";
            return RowFactory.create(g.getAs(PERIOD_TYPE), g.getAs(PERIOD_START), label, region, site,
                    (long) tele.size(), (long) inPerson.size(), costT, costI, costDiff, costCi[0], costCi[1],
                    waitT, waitI, waitDiff, waitCi[0], waitCi[1], icer, icerCi[0], icerCi[1], dominant, verdict,
                    resamples, groupSeed);
        }

        private static Double mean(List<double[]> xs, int k) {
            if (xs.isEmpty()) {
                return null;
            }
            double s = 0;
            for (double[] x : xs) {
                s += x[k];
            }
            return s / xs.size();
        }

        private static double[] resampleMeans(List<double[]> xs, RandomGenerator random) {
            double cost = 0;
            double wait = 0;
            for (int n = 0; n < xs.size(); n++) {
                double[] x = xs.get(random.nextInt(xs.size()));
                cost += x[0];
                wait += x[1];
            }
            return new double[] {cost / xs.size(), wait / xs.size()};
        }

        private static Double[] interval(double[] values, int n) {
            if (n == 0) {
                return new Double[] {null, null};
            }
            double[] v = java.util.Arrays.copyOf(values, n);
            Percentile p = new Percentile();
            return new Double[] {p.evaluate(v, 2.5), p.evaluate(v, 97.5)};
        }
    }
}
