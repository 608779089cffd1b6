package uk.nhs.healthjustice.telemed.pipelines.privacy;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.healthjustice.telemed.schemas.NhsNumber;

/**
 * Replaces {@code patient_id} (the NHS number) by {@code patient_key}, in place, so no later step can see it;
 * and blanks anything shaped like an NHS number in the other text columns of rejected rows.
 */
public final class Pseudonymiser {

    public static final String PATIENT_ID = "patient_id";
    public static final String PATIENT_KEY = "patient_key";
    /** Ten digits, optionally grouped 3-3-4 by spaces: the shapes an NHS number takes in input. */
    static final String NHS_NUMBER_SHAPE = "\\d{3} ?\\d{3} ?\\d{4}";
    static final String REDACTED = "[redacted]";

    private final UserDefinedFunction hmac;

    public Pseudonymiser(byte[] key) {
        this.hmac = udf(new HmacPatientKey(key), DataTypes.StringType).withName("patient_key");
    }

    /** Swaps patient_id for patient_key at the same position; other columns untouched. */
    public Dataset<Row> pseudonymise(Dataset<Row> rows) {
        List<Column> out = new ArrayList<>();
        for (String c : rows.columns()) {
            if (c.equals(PATIENT_ID)) {
                out.add(hmac.apply(NhsNumber.normalisedExpr(col(c))).as(PATIENT_KEY));
            } else {
                out.add(col(c));
            }
        }
        return rows.select(out.toArray(Column[]::new));
    }

    /**
     * For quarantine: pseudonymise, then mask NHS-number-shaped text in every other string column, since a
     * rejected row may carry the number in the wrong column.
     */
    public Dataset<Row> pseudonymiseRejected(Dataset<Row> rows) {
        Dataset<Row> keyed = pseudonymise(rows);
        List<Column> out = new ArrayList<>();
        for (var f : keyed.schema().fields()) {
            Column c = col(f.name());
            if (f.dataType().equals(DataTypes.StringType) && !f.name().equals(PATIENT_KEY)) {
                out.add(regexp_replace(c, NHS_NUMBER_SHAPE, REDACTED).as(f.name()));
            } else {
                out.add(c);
            }
        }
        return keyed.select(out.toArray(Column[]::new));
    }
}
