package uk.nhs.healthjustice.telemed.testing;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import uk.nhs.healthjustice.telemed.pipelines.publication.DisclosureControl;
import uk.nhs.healthjustice.telemed.schemas.published.DisclosureClass;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedColumn;
import uk.nhs.healthjustice.telemed.schemas.published.PublishedTable;

/**
 * Scans a published table below national: no count from 1 to 7 or off a multiple of 5, no statistic beside a
 * suppressed count, no money on a suppressed row, no national-only total.
 */
public final class DisclosureChecks {

    private DisclosureChecks() {
    }

    public static void assertNoDisclosiveCells(Dataset<Row> published, PublishedTable d) {
        List<String> present = List.of(published.columns());
        // a table without site_id (equity) is national on its region ALL rows, as disclosure control reads it
        Column subNational = org.apache.spark.sql.functions.not(present.contains("site_id")
                ? DisclosureControl.isNational() : col("region").equalTo("ALL"));
        for (String c : d.named(DisclosureClass.COUNT)) {
            if (!present.contains(c)) {
                continue;
            }
            List<Row> bad = published.filter(subNational.and(col(c).isNotNull())
                    .and(col(c).between(1, 7).or(col(c).mod(5).notEqual(0)))).limit(3).collectAsList();
            Assertions.assertTrue(bad.isEmpty(), d.name() + "." + c + " has disclosive cells: " + bad);
        }
        for (PublishedColumn s : d.columns()) {
            if (!present.contains(s.name())) {
                continue;
            }
            if (s.disclosure() == DisclosureClass.STATISTIC) {
                for (String n : s.restsOn()) {
                    // the published count is null exactly where the true one was 1..7; the statistic must be null too
                    long leaks = published.filter(subNational.and(col(n).isNull()).and(col(s.name()).isNotNull())).count();
                    Assertions.assertEquals(0, leaks, d.name() + "." + s.name() + " rests on a suppressed " + n);
                }
            }
            if (s.disclosure() == DisclosureClass.MONEY) {
                Column shown = subNational.and(col(s.name()).isNotNull());
                Assertions.assertEquals(0, published.filter(shown.and(col(DisclosureControl.SUPPRESSED))).count(),
                        d.name() + "." + s.name() + " is money on a suppressed row");
                if (s.money() == DisclosureClass.MoneyForm.NATIONAL_ONLY) {
                    Assertions.assertEquals(0, published.filter(shown).count(),
                            d.name() + "." + s.name() + " is a total shown below national");
                }
            }
        }
    }
}
