package uk.nhs.healthjustice.telemed.pipelines.publication;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.costs.BudgetImpact;
import uk.nhs.healthjustice.telemed.pipelines.costs.CostSensitivity;
import uk.nhs.healthjustice.telemed.pipelines.equity.Equity;
import uk.nhs.healthjustice.telemed.pipelines.equity.Readiness;
import uk.nhs.healthjustice.telemed.pipelines.safety.PrescribingSafety;
import uk.nhs.healthjustice.telemed.pipelines.safety.TelemedicineSecurity;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTables;

/**
 * The marts that keep a schema of their own (also the schema of their empty mart) write exactly the columns and
 * types their published declaration gives, without Spark: a mismatch would otherwise surface only in the
 * end-to-end schema check, as a date declared a string did for {@code equity}.
 */
class MartSchemasAreDeclaredTest {

    @Test
    void everyOwnSchemaIsItsDeclaration() {
        assertSame(PublishedTables.EQUITY.schema(), Equity.SCHEMA, "equity");
        assertSame(PublishedTables.READINESS.schema(), Readiness.SCHEMA, "readiness");
        assertSame(PublishedTables.COST_SENSITIVITY.schema(), CostSensitivity.SCHEMA, "cost_sensitivity");
        assertSame(PublishedTables.BUDGET_IMPACT.schema(), BudgetImpact.SCHEMA, "budget_impact");
        assertSame(PublishedTables.PRESCRIBING_SAFETY.schema(), PrescribingSafety.SCHEMA, "prescribing_safety");
        assertSame(PublishedTables.TELEMEDICINE_SECURITY.schema(), TelemedicineSecurity.SCHEMA,
                "telemedicine_security");
    }

    /** Names and types in order (nullability aside, as the end-to-end check compares them). */
    private static void assertSame(StructType declared, StructType own, String mart) {
        Assertions.assertEquals(columns(declared), columns(own), mart);
    }

    private static List<String> columns(StructType schema) {
        return Stream.of(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString()).toList();
    }
}
