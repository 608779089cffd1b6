package uk.nhs.healthjustice.telemed.pipelines.curation;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.pipelines.privacy.Pseudonymiser;
import uk.nhs.healthjustice.telemed.pipelines.validation.RecordValidator;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.LogContract;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The {@code patients} log (contract version 2) goes through the same steps as the other logs: validate,
 * type, replace the NHS number by its keyed hash, merge versions. Its record key is the patient itself, so two
 * versions of one NHS number, however spaced, are one record and the newest wins; unknown fields stay null.
 */
class PatientsCurationTest extends SparkTestBase {

    private static final LogContract P = Contracts.PATIENTS;

    private Dataset<Row> raw(String[]... rows) {
        StructType schema = new StructType();
        for (String f : P.fieldNames()) {
            schema = schema.add(f, DataTypes.StringType);
        }
        schema = schema.add("source_file", DataTypes.StringType).add("source_row", DataTypes.IntegerType)
                .add("malformed", DataTypes.BooleanType);
        List<Object[]> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            List<Object> v = new ArrayList<>(java.util.Arrays.asList((Object[]) rows[i]));
            v.add("patients.csv");
            v.add(i + 2);
            v.add(false);
            out.add(v.toArray());
        }
        return frame(schema, out.toArray(Object[][]::new));
    }

    @Test
    void versionsOfOnePatientMergeOnTheKeyedHashAndTheNewestWins() {
        Dataset<Row> sites = frame(new StructType().add("site_id", DataTypes.StringType), new Object[] {"BCI"});
        Dataset<Row> night = raw(
                // first version: only the age band known
                new String[] {"943 476 5919", "70+", null, null, null, null, "2026-03-01T09:00:00Z"},
                // a correction the same night, written without spaces: same patient, newer instant
                new String[] {"9434765919", "60-69", "male", null, "white", "false", "2026-03-01T10:00:00+00:00"},
                // another patient with nothing recorded: valid
                new String[] {"1000000060", null, null, null, null, null, "2026-03-01T09:00:00Z"},
                // a bad enum: quarantined, never curated
                new String[] {"9434765919", "old", null, null, null, null, "2026-03-02T09:00:00Z"});
        Dataset<Row> validated = RecordValidator.validate(night, P, sites, LocalDate.parse("2026-03-02"));
        assertEquals(1, RecordValidator.rejected(validated).count());
        Dataset<Row> typed = RecordValidator.typed(RecordValidator.valid(validated), P);
        Dataset<Row> keyed = new Pseudonymiser("test-key-0123456789".getBytes(StandardCharsets.UTF_8)).pseudonymise(typed);
        assertFalse(List.of(keyed.columns()).contains("patient_id"));
        List<String> content = P.fieldNames().stream()
                .map(f -> f.equals(Pseudonymiser.PATIENT_ID) ? Pseudonymiser.PATIENT_KEY : f).toList();
        Dataset<Row> incoming = VersionMerge.withContentHash(keyed, content);
        Dataset<Row> empty = spark().createDataFrame(List.of(), incoming.schema());

        VersionMerge.Result merged = VersionMerge.merge(empty, incoming, P);

        List<Row> curated = merged.curated().select(col("age_band"), col("sex"), col("ethnic_group"),
                col("disability"), col("gender_identity_differs")).orderBy(col("age_band").asc_nulls_first())
                .collectAsList();
        assertEquals(2, curated.size());
        // the patient with nothing recorded: every field null (unknown), none an error
        assertEquals(java.util.Arrays.asList(null, null, null, null, null), toList(curated.get(0)));
        assertEquals(java.util.Arrays.asList("60-69", "male", "white", false, null), toList(curated.get(1)));
        assertEquals(1, merged.incoming().filter(col(VersionMerge.VERSION_OUTCOME).equalTo(VersionMerge.SUPERSEDED))
                .count());
    }

    private static List<Object> toList(Row r) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            out.add(r.get(i));
        }
        return out;
    }
}
