package uk.nhs.healthjustice.telemed.jobs.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Assertions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.InputError;
import uk.nhs.healthjustice.telemed.jobs.generate.CostModelDefaults;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * {@code reference/site_connectivity.csv} (contract version 2, optional): absent is valid; present, each row is
 * checked like the other reference files, and a bad row stops the run naming the file and the line.
 */
class SiteConnectivityTest extends SparkTestBase {

    private static final String HEADER = "site_id,valid_from,connectivity,devices";

    @TempDir
    Path tmp;

    private Path landing(String connectivity) throws Exception {
        Path ref = tmp.resolve("in/reference");
        Files.createDirectories(ref);
        Files.writeString(ref.resolve("sites.csv"), """
                site_id,site_name,site_type,region,operational_capacity,telemedicine_go_live
                BCI,HMP Bure,prison,East of England,600,2025-06-01
                LWI,HMP Lewes,prison,South East,700,
                """, StandardCharsets.UTF_8);
        Files.writeString(ref.resolve("population.csv"), "site_id,month,average_population\nBCI,2026-03,550\n",
                StandardCharsets.UTF_8);
        Files.writeString(ref.resolve("costs.json"), CostModelDefaults.json(), StandardCharsets.UTF_8);
        if (connectivity != null) {
            Files.writeString(ref.resolve("site_connectivity.csv"), connectivity, StandardCharsets.UTF_8);
        }
        return tmp.resolve("in");
    }

    @Test
    void anAbsentFileIsValidAndLeavesNoRows() throws Exception {
        ReferenceData ref = ReferenceData.load(spark(), landing(null));
        assertNull(ref.siteConnectivity());
        Assertions.assertTrue(ref.files().stream().noneMatch(f -> f.endsWith("site_connectivity.csv")));
    }

    @Test
    void validRowsAreReadWithTheirDates() throws Exception {
        // columns in another order and an extra column are fine, as in the other reference files
        ReferenceData ref = ReferenceData.load(spark(), landing("""
                devices,site_id,connectivity,valid_from,note
                fixed_room,BCI,poor,2020-03-01,x
                tablets_4g,BCI,adequate,2021-06-15,
                none,LWI,none,2020-03-01,
                """));
        List<Row> rows = ref.siteConnectivity().orderBy("site_id", "valid_from").collectAsList();
        assertEquals(3, rows.size());
        assertEquals(List.of("BCI", date("2021-06-15"), "adequate", "tablets_4g"),
                List.of(rows.get(1).get(0), rows.get(1).get(1), rows.get(1).get(2), rows.get(1).get(3)));
        Assertions.assertTrue(ref.files().stream().anyMatch(f -> f.endsWith("site_connectivity.csv")));
    }

    @Test
    void anUnknownSiteStopsTheRunWithFileAndLine() throws Exception {
        assertStops(HEADER + "\nBCI,2020-03-01,poor,none\nXYZ,2020-03-01,poor,none\n", "line 3",
                "site_id 'XYZ' is not in the site register");
    }

    @Test
    void aSecondRowFromTheSameDayForOneSiteStopsTheRun() throws Exception {
        // the same day at two sites is fine; twice at one site is not
        assertStops(HEADER + "\nBCI,2020-03-01,poor,none\nLWI,2020-03-01,poor,none\nBCI,2020-03-01,adequate,none\n",
                "line 4", "valid_from 2020-03-01 appears twice for site_id 'BCI'");
    }

    @Test
    void badEnumsAndDatesStopTheRun() throws Exception {
        assertStops(HEADER + "\nBCI,2020-03-01,good,none\n", "line 2", "connectivity 'good' is not one of");
        assertStops(HEADER + "\nBCI,2020-03-01,poor,tablets\n", "line 2", "devices 'tablets' is not one of");
        assertStops(HEADER + "\nBCI,2020-03-01,Poor,none\n", "line 2", "connectivity 'Poor'");
        assertStops(HEADER + "\nBCI,,poor,none\n", "line 2", "valid_from is required");
        assertStops(HEADER + "\nBCI,2021-02-29,poor,none\n", "line 2", "valid_from '2021-02-29' is not a YYYY-MM-DD date");
        assertStops(HEADER + "\nBCI,2020-03-01,,none\n", "line 2", "connectivity is required");
    }

    @Test
    void aFileWithoutAContractColumnStopsTheRun() throws Exception {
        InputError e = assertThrows(InputError.class, () -> ReferenceData.load(spark(),
                landing("site_id,valid_from,connectivity\nBCI,2020-03-01,poor\n")));
        Assertions.assertTrue(e.getMessage().contains("site_connectivity.csv") && e.getMessage().contains("[devices]"),
                e.getMessage());
    }

    private void assertStops(String file, String line, String reason) throws Exception {
        Path in = landing(file);
        InputError e = assertThrows(InputError.class, () -> ReferenceData.load(spark(), in));
        Assertions.assertTrue(e.getMessage().contains("site_connectivity.csv " + line + ": ") && e.getMessage().contains(reason),
                e.getMessage());
    }
}
