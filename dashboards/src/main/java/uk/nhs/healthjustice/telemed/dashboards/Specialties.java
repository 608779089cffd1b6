package uk.nhs.healthjustice.telemed.dashboards;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import uk.nhs.healthjustice.telemed.schemas.reference.TreatmentFunctions;

/** Specialty labels for the pages, from the one reference table in schemas ({@link TreatmentFunctions}). */
final class Specialties {

    /** What the rollup value {@code ALL} of {@code specialty_code} reads as. */
    static final String ALL = "All specialties";

    private Specialties() {
    }

    /**
     * The label of a {@code specialty_code} column: "330 Dermatology", "GIC Gender identity clinic",
     * {@value #ALL} for the rollup, the code alone when the table has no name for it.
     */
    static Column label(Column code) {
        Column out = when(code.equalTo("ALL"), lit(ALL));
        for (Map.Entry<String, String> e : TreatmentFunctions.names().entrySet()) {
            out = out.when(code.equalTo(e.getKey()), lit(TreatmentFunctions.label(e.getKey())));
        }
        return out.otherwise(code);
    }
}
