package uk.nhs.healthjustice.telemed.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A tiny published/ tree: two regions, three sites (one named like an attack), two quarters. */
final class PublishedFixture {

    static final String EVIL = "<script>alert(1)</script>";

    private PublishedFixture() {
    }

    static SparkSession spark() {
        return SparkSession.builder().master("local[2]").appName("dashboards-test")
                .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    static Path write(SparkSession spark, Path root) throws Exception {
        StructType sites = new StructType().add("site_id", DataTypes.StringType).add("site_name", DataTypes.StringType)
                .add("region", DataTypes.StringType).add("site_type", DataTypes.StringType)
                .add("telemedicine_go_live", DataTypes.DateType);
        spark.createDataFrame(List.of(
                RowFactory.create("AAA", "HMP Ashfield", "North", "prison", Date.valueOf("2026-01-01")),
                RowFactory.create("BBB", EVIL, "North", "prison", null),
                RowFactory.create("CCC", "HMP Castleton", "South", "yoi", Date.valueOf("2026-04-01"))), sites)
                .write().parquet(root.resolve("published/sites").toString());

        StructType access = new StructType().add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType)
                .add("period_label", DataTypes.StringType).add("region", DataTypes.StringType)
                .add("site_id", DataTypes.StringType).add("modality_group", DataTypes.StringType)
                .add("consults_due", DataTypes.LongType).add("attended", DataTypes.LongType)
                .add("did_not_attend", DataTypes.LongType).add("cancelled_no_escort", DataTypes.LongType)
                .add("dna_rate", DataTypes.DoubleType).add("telemedicine_share", DataTypes.DoubleType)
                .add("attended_per_1000", DataTypes.DoubleType).add("technical_failure_rate", DataTypes.DoubleType)
                .add("gic_attended", DataTypes.LongType).add("suppressed", DataTypes.BooleanType);
        StructType waits = new StructType().add("period_type", DataTypes.StringType).add("period_start", DataTypes.DateType)
                .add("period_label", DataTypes.StringType).add("region", DataTypes.StringType)
                .add("site_id", DataTypes.StringType).add("specialty_code", DataTypes.StringType)
                .add("priority", DataTypes.StringType).add("modality_group", DataTypes.StringType)
                .add("measure", DataTypes.StringType).add("completed_pathways", DataTypes.LongType)
                .add("median_wait_days", DataTypes.IntegerType).add("p92_wait_days", DataTypes.IntegerType)
                .add("pct_within_18_weeks", DataTypes.DoubleType).add("suppressed", DataTypes.BooleanType);
        List<Row> a = new ArrayList<>();
        List<Row> w = new ArrayList<>();
        String[][] periods = {{"quarter", "2026-04-01", "2026-27 Q1"}, {"quarter", "2026-07-01", "2026-27 Q2"},
                {"month", "2026-04-01", "2026-04"}, {"month", "2026-05-01", "2026-05"}, {"month", "2026-07-01", "2026-07"}};
        String[][] geos = {{"ALL", "ALL"}, {"North", "ALL"}, {"South", "ALL"}, {"North", "AAA"}, {"North", "BBB"}, {"South", "CCC"}};
        int k = 0;
        for (String[] p : periods) {
            for (String[] g : geos) {
                for (String m : new String[] {"ALL", "telemedicine", "in_person"}) {
                    k++;
                    a.add(RowFactory.create(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], m, 100L + k, 80L, 10L, 5L,
                            10.0 / 90, m.equals("ALL") ? 0.25 + k % 5 / 100.0 : null, 12.5, 0.04, 1L, false));
                    for (String spec : new String[] {"ALL", "330", "GIC"}) {
                        w.add(RowFactory.create(p[0], Date.valueOf(p[1]), p[2], g[0], g[1], spec, "ALL", m,
                                "first_attendance", 40L, spec.equals("GIC") ? 900 : 40 + k % 17, 120, 80.0, false));
                    }
                }
            }
        }
        spark.createDataFrame(a, access).write().parquet(root.resolve("published/access").toString());
        spark.createDataFrame(w, waits).write().parquet(root.resolve("published/waiting_times").toString());
        Files.createDirectories(root.resolve("runs"));
        Files.writeString(root.resolve("runs/nightly-2026-09-30.json"),
                "{\"run_id\":\"nightly-2026-09-30\",\"run_date\":\"2026-09-30\",\"status\":\"succeeded\","
                        + "\"generation\":\"g1\",\"finished_at\":\"2026-10-01T02:40:00Z\"}");
        return root;
    }
}
