package uk.nhs.healthjustice.telemed.testing;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import uk.nhs.healthjustice.telemed.pipelines.publication.Disclosure;
import uk.nhs.healthjustice.telemed.pipelines.publication.DisclosureControl;

/** Scans a published table for any sub-national count from 1 to 7 or not a multiple of 5. */
public final class DisclosureChecks {

    private DisclosureChecks() {
    }

    public static void assertNoDisclosiveCells(Dataset<Row> published, Disclosure d) {
        Column subNational = org.apache.spark.sql.functions.not(DisclosureControl.isNational());
        for (String c : d.counts()) {
            List<Row> bad = published.filter(subNational.and(col(c).isNotNull())
                    .and(col(c).between(1, 7).or(col(c).mod(5).notEqual(0)))).limit(3).collectAsList();
            Assertions.assertTrue(bad.isEmpty(), d.mart() + "." + c + " has disclosive cells: " + bad);
        }
        for (var s : d.statistics().entrySet()) {
            for (String n : s.getValue()) {
                // the published count is null exactly where the true one was 1..7; the statistic must be null too
                long leaks = published.filter(subNational.and(col(n).isNull()).and(col(s.getKey()).isNotNull())).count();
                Assertions.assertEquals(0, leaks, d.mart() + "." + s.getKey() + " rests on a suppressed " + n);
            }
        }
    }
}
