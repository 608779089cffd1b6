package uk.nhs.healthjustice.telemed.schemas.marts;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedColumn;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/** The declared schemas, without Spark: the written tables are checked against them in NightlyCliTest. */
class MartContractsTest {

    @Test
    void everyMartTheNightlyWritesHasAContract() {
        List<String> expected = new ArrayList<>(PublishedTables.CONTROLLED.keySet());
        expected.add("data_quality");
        Assertions.assertEquals(expected, List.copyOf(MartContracts.all().keySet()));
    }

    /** A published table is its mart plus the suppressed flag, with the mart's types: control changes values only. */
    @Test
    void aControlledTableIsItsMartAndTheSuppressedFlag() {
        for (PublishedTable t : PublishedTables.CONTROLLED.values()) {
            StructType published = PublishedTables.publishedSchema(t.name());
            StructField[] fields = published.fields();
            Assertions.assertEquals(t.schema().add(PublishedTables.SUPPRESSED, DataTypes.BooleanType), published);
            Assertions.assertEquals(PublishedTables.SUPPRESSED, fields[fields.length - 1].name(), t.name());
        }
        Assertions.assertEquals(PublishedTables.SITES.schema(), PublishedTables.publishedSchema("sites"));
        Assertions.assertThrows(IllegalArgumentException.class, () -> PublishedTables.publishedSchema("nowhere"));
    }

    /** Worked example: whole days are integers, counts longs, money pounds and pence, a share a double. */
    @Test
    void typesAreTheUsualOnesUnlessDeclared() {
        StructType waits = PublishedTables.WAITING_TIMES.schema();
        Assertions.assertEquals(DataTypes.DateType, waits.apply("period_start").dataType());
        Assertions.assertEquals(DataTypes.StringType, waits.apply("measure").dataType());
        Assertions.assertEquals(DataTypes.LongType, waits.apply("completed_pathways").dataType());
        Assertions.assertEquals(DataTypes.IntegerType, waits.apply("median_wait_days").dataType());
        Assertions.assertEquals(DataTypes.DoubleType, waits.apply("pct_within_18_weeks").dataType());
        StructType costs = PublishedTables.COSTS.schema();
        Assertions.assertEquals(PublishedColumn.GBP, costs.apply("total_cost_gbp").dataType());
        Assertions.assertEquals(PublishedTables.HOURS, costs.apply("escort_officer_hours").dataType());
        Assertions.assertEquals(DataTypes.createDecimalType(24, 10), costs.apply("escorts_avoided").dataType());
        // the canonical constructor without a type gives the class's usual one
        Assertions.assertEquals(PublishedColumn.GBP, PublishedTables.COSTS.column("national_mean_escort_cost_gbp").type());
    }

    @Test
    void dataQualityCountsEveryRuleOnce() {
        StructType dq = MartContracts.dataQuality();
        List<String> names = List.of(dq.fieldNames());
        Assertions.assertEquals(List.of("run_id", "log", "load_date", "rows_read", "rows_curated", "rows_quarantined",
                "versions_superseded"), names.subList(0, 7));
        Assertions.assertEquals(MartContracts.ruleNames().size(), names.size() - 7);
        Assertions.assertTrue(names.contains("rule_patient_id_invalid"));
        Assertions.assertEquals(names.size(), names.stream().distinct().count());
    }
}
