package uk.nhs.healthjustice.telemed.pipelines.safety;

import static org.apache.spark.sql.functions.*;
import static uk.nhs.healthjustice.telemed.pipelines.common.Periods.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.healthjustice.telemed.pipelines.common.LondonTime;
import uk.nhs.healthjustice.telemed.pipelines.common.Modality;
import uk.nhs.healthjustice.telemed.pipelines.common.Periods;
import uk.nhs.healthjustice.telemed.pipelines.common.Rollups;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/**
 * {@code marts/telemedicine_security} (METRICS.md, version 2): HMPPS monitoring of the telemedicine system inside
 * establishments, per period x region x site x kind x severity (each with {@code ALL}).
 *
 * <ul>
 *   <li>An event belongs to the period of the London date of {@code occurred_at} and to its site.</li>
 *   <li>{@code telemedicine_sessions}: telemedicine consults of the site (or region, or nation) in the period,
 *   by the London date of {@code scheduled_start}, that were {@code attended} or had a technical failure (a
 *   session was opened); the same on every kind and severity row of a place and period.</li>
 *   <li>{@code events_per_1000_sessions} = events / sessions x 1000, null without sessions.</li>
 *   <li>{@code connectivity} and {@code devices}: on site rows, the {@code site_connectivity.csv} row in force
 *   on the period's last day (the site's latest {@code valid_from} on or before it); null before the site's
 *   first row, on region and national rows, and when no file was supplied.</li>
 * </ul>
 *
 * <p>Every place and period with sessions or events has the full grid of kinds and severities of the contract
 * (and {@code ALL}), so a kind that did not happen reads 0 events against the sessions, never a missing row.
 */
public final class TelemedicineSecurity {

    /** The mart's columns and types, as {@link PublishedTables#TELEMEDICINE_SECURITY} declares them once. */
    public static final StructType SCHEMA = PublishedTables.TELEMEDICINE_SECURITY.schema();

    public static final String KIND = "kind";
    public static final String SEVERITY = "severity";

    private static final List<String> GEO = List.of(PERIOD_TYPE, PERIOD_START, Rollups.REGION, Rollups.SITE_ID);

    private TelemedicineSecurity() {
    }

    /** Every period; see {@link #compute(Dataset, Dataset, Dataset, Dataset, LocalDate)}. */
    public static Dataset<Row> compute(Dataset<Row> events, Dataset<Row> consults, Dataset<Row> sites,
                                       Dataset<Row> connectivity) {
        return compute(events, consults, sites, connectivity, null);
    }

    /**
     * @param events       curated {@code security_events} ({@code site_id}, {@code occurred_at}, {@code kind},
     *                     {@code severity}), or null when the log has never been delivered: the mart is then
     *                     empty, with its {@link #SCHEMA}
     * @param consults     curated consults ({@code site_id}, {@code scheduled_start}, {@code modality},
     *                     {@code outcome}, {@code technical_failure})
     * @param sites        site register ({@code site_id}, {@code region})
     * @param connectivity the rows of {@code site_connectivity.csv} ({@code site_id}, {@code valid_from},
     *                     {@code connectivity}, {@code devices}), or null when no file was supplied
     * @param fromQuarter  the rows of the periods from this quarter's first day on; every period when null (see
     *                     {@link Periods#onOrAfter})
     */
    public static Dataset<Row> compute(Dataset<Row> events, Dataset<Row> consults, Dataset<Row> sites,
                                       Dataset<Row> connectivity, LocalDate fromQuarter) {
        if (events == null) {
            return consults.sparkSession().createDataFrame(List.of(), SCHEMA);
        }
        Dataset<Row> regions = sites.select(col("site_id").as("_sid"), col(Rollups.REGION));

        // Sessions per site and period, then region and nation by adding.
        Column day = LondonTime.londonDate(col("scheduled_start"));
        Dataset<Row> sessionFacts = consults.filter(Modality.isTelemedicine(col("modality"))
                        .and(col("outcome").equalTo("attended").or(coalesce(col("technical_failure"), lit(false))))
                        .and(onOrAfter(day, fromQuarter)))
                .select(col("site_id"), day.as("_day"));
        Dataset<Row> sessions = rollUp(Rollups.periodsOf(sessionFacts, col("_day"))
                .groupBy(col(PERIOD_TYPE), col(PERIOD_START), col("site_id")).agg(count(lit(1)).as("_n")), regions)
                .groupBy(geoColumns()).agg(sum(col("_n")).as("telemedicine_sessions"));

        // Events per site, period, kind and severity; then every level and ALL by adding.
        Column occurred = LondonTime.londonDate(col("occurred_at"));
        Dataset<Row> eventFacts = events.filter(onOrAfter(occurred, fromQuarter))
                .select(col("site_id"), col(KIND), col(SEVERITY), occurred.as("_day"));
        Dataset<Row> fine = Rollups.periodsOf(eventFacts, col("_day"))
                .groupBy(col(PERIOD_TYPE), col(PERIOD_START), col("site_id"), col(KIND), col(SEVERITY))
                .agg(count(lit(1)).as("_n"));
        Dataset<Row> eventCounts = Rollups.withAll(rollUp(fine, regions), KIND, SEVERITY)
                .groupBy(Rollups.keyColumns(KIND, SEVERITY).toArray(Column[]::new))
                .agg(sum(col("_n")).as("events"));

        // Every place and period with sessions or events, times the contract's grid of kinds and severities.
        Dataset<Row> places = sessions.select(geoColumns()).unionByName(eventCounts.select(geoColumns())).distinct();
        Dataset<Row> grid = places.crossJoin(broadcast(grid(consults)));
        Dataset<Row> rows = leftJoin(grid, eventCounts, List.of(KIND, SEVERITY), "events");
        rows = leftJoin(rows, sessions, List.of(), "telemedicine_sessions");
        rows = withConnectivity(rows, connectivity);

        Map<String, Column> out = new LinkedHashMap<>();
        out.put(PERIOD_LABEL, labelColumn());
        out.put("events_per_1000_sessions", when(col("telemedicine_sessions").notEqual(0),
                col("events").cast("double").multiply(1000.0).divide(col("telemedicine_sessions"))));
        List<Column> select = new ArrayList<>();
        for (StructField f : SCHEMA.fields()) {
            select.add(out.getOrDefault(f.name(), col(f.name())).cast(f.dataType()).as(f.name()));
        }
        return rows.select(select.toArray(Column[]::new));
    }

    /** Adds the region and repeats each row for its site, its region and the nation. */
    private static Dataset<Row> rollUp(Dataset<Row> perSite, Dataset<Row> regions) {
        Dataset<Row> withRegion = perSite.join(broadcast(regions), col("site_id").equalTo(col("_sid")), "left")
                .drop("_sid");
        return Rollups.geography(withRegion);
    }

    /** The kinds and severities of the contract, each with {@code ALL}: 7 x 4 rows. */
    private static Dataset<Row> grid(Dataset<Row> anyFrame) {
        List<Row> rows = new ArrayList<>();
        List<String> kinds = new ArrayList<>(List.of(Contracts.SECURITY_EVENT_KINDS));
        kinds.add(Rollups.ALL);
        List<String> severities = new ArrayList<>(List.of(Contracts.SECURITY_SEVERITIES));
        severities.add(Rollups.ALL);
        for (String k : kinds) {
            for (String s : severities) {
                rows.add(RowFactory.create(k, s));
            }
        }
        return anyFrame.sparkSession().createDataFrame(rows, new StructType()
                .add(KIND, DataTypes.StringType).add(SEVERITY, DataTypes.StringType));
    }

    /**
     * On site rows, the connectivity row in force on the period's last day; null elsewhere. Site-periods and
     * connectivity rows are both small (sites x periods, a few rows per site).
     */
    private static Dataset<Row> withConnectivity(Dataset<Row> rows, Dataset<Row> connectivity) {
        if (connectivity == null) {
            return rows.withColumn("connectivity", lit(null).cast("string"))
                    .withColumn("devices", lit(null).cast("string"));
        }
        Dataset<Row> changes = connectivity.select(col("site_id").as("_csite"), col("valid_from").as("_from"),
                col("connectivity").as("_conn"), col("devices").as("_dev"));
        Dataset<Row> sitePeriods = rows.filter(col(Rollups.SITE_ID).notEqual(Rollups.ALL))
                .select(col(PERIOD_TYPE).as("_pt"), col(PERIOD_START).as("_ps"), col(Rollups.SITE_ID).as("_site"))
                .distinct();
        Dataset<Row> inForce = sitePeriods.join(broadcast(changes), col("_site").equalTo(col("_csite"))
                        .and(col("_from").leq(periodEnd(col("_pt"), col("_ps")))), "inner")
                .groupBy(col("_pt"), col("_ps"), col("_site"))
                .agg(max(struct(col("_from"), col("_conn"), col("_dev"))).as("_row"));
        return rows.join(inForce, col(PERIOD_TYPE).equalTo(col("_pt")).and(col(PERIOD_START).equalTo(col("_ps")))
                        .and(col(Rollups.SITE_ID).equalTo(col("_site"))), "left")
                .withColumn("connectivity", col("_row._conn"))
                .withColumn("devices", col("_row._dev"))
                .drop("_pt", "_ps", "_site", "_row");
    }

    private static Column[] geoColumns() {
        return GEO.stream().map(c -> col(c)).toArray(Column[]::new);
    }

    /**
     * {@code left} with {@code value} from {@code right} where the place, period and {@code extra} keys are equal
     * (null-safe: a site missing from the register has a null region), 0 where {@code right} has no row. The
     * right side's keys are renamed first: both sides descend from the same counts, and Spark would otherwise
     * take the join for a self-join.
     */
    private static Dataset<Row> leftJoin(Dataset<Row> left, Dataset<Row> right, List<String> extra, String value) {
        List<String> keys = new ArrayList<>(GEO);
        keys.addAll(extra);
        List<Column> renamed = new ArrayList<>();
        Column on = lit(true);
        for (String k : keys) {
            renamed.add(col(k).as("_r_" + k));
            on = on.and(col(k).eqNullSafe(col("_r_" + k)));
        }
        renamed.add(col(value).as("_r_" + value));
        Dataset<Row> r = right.select(renamed.toArray(Column[]::new));
        Dataset<Row> joined = left.join(r, on, "left")
                .withColumn(value, coalesce(col("_r_" + value), lit(0L)));
        for (String k : keys) {
            joined = joined.drop("_r_" + k);
        }
        return joined.drop("_r_" + value);
    }
}
